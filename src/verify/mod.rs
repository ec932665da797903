//! Server-side verification of SigV4 (header and presigned) and SigV2
//! signatures, with the very canonicalisation code that signs.
//!
//! A server parses nothing itself: it hands the received method,
//! request-target, headers and what it knows of the body to [`verify`],
//! together with a way to find the secret of an access key id and the
//! current time. The result says who signed and what was signed, or why
//! the request is refused. Signatures and session tokens are compared in
//! constant time; no allocation is made. AWS's rules for what a server
//! accepts (15 minutes of clock skew, presigned URLs valid from `X-Amz-Date`
//! for `X-Amz-Expires` seconds, at most 7 days) are described in
//! <https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html>
//! and <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv.html>.
//!
//! ```
//! use awsig::verify::{self, Policy, Secret};
//! use awsig::{Credentials, Request, SigningTime, v4};
//!
//! // A client signs...
//! let creds = Credentials::new("AKIDEXAMPLE", "secret", None)?;
//! let t = SigningTime::parse_rfc3339("2015-08-30T12:36:00Z")?;
//! let key = v4::SigningKey::derive(&creds, t, "us-east-1", "sqs")?;
//! let headers = [("Host", "sqs.us-east-1.amazonaws.com")];
//! let mut buf = [0u8; 1024];
//! let signer = v4::Signer::new(&key, &creds, t)?;
//! let url = v4::presign(&signer, &Request::new("GET", "/?Action=ListQueues", &headers), 300, &Default::default(), &mut buf)?;
//!
//! // ...and a server verifies, a minute later.
//! let lookup = |akid: &str| (akid == "AKIDEXAMPLE").then_some(Secret::new("secret", None));
//! let now = t.checked_add_seconds(60)?;
//! let ok = verify::verify(&Request::new("GET", url.as_str(), &headers), &lookup, &Policy::new(now, "sqs"))?;
//! assert_eq!(ok.access_key_id, "AKIDEXAMPLE");
//! # Ok::<(), awsig::Error>(())
//! ```
//!
//! Verification fails with the crate's one [`Error`]: [`Error::Rejected`]
//! when the request's authentication is refused (a wrong signature, an
//! expired URL, an unknown access key, ...: answer 403), any other variant
//! when the request itself is malformed (answer 400).
//! [`Error::rejection`] tells the two apart:
//!
//! ```
//! use awsig::verify::{self, Policy, Rejection, Secret};
//! use awsig::{Error, Request, SigningTime};
//!
//! fn status(result: Result<verify::Verified<'_>, Error>) -> u16 {
//!     match result {
//!         Ok(_) => 200,
//!         Err(e) if e.rejection().is_some() => 403,
//!         Err(_) => 400,
//!     }
//! }
//!
//! let lookup = |_: &str| None::<Secret<'static>>;
//! let policy = Policy::new(SigningTime::parse_rfc3339("2015-08-30T12:36:00Z")?, "sqs");
//! let headers = [("Host", "example.com")];
//! let unsigned = verify::verify(&Request::new("GET", "/", &headers), &lookup, &policy);
//! assert_eq!(unsigned.unwrap_err().rejection(), Some(Rejection::MissingAuthentication));
//! assert_eq!(status(unsigned), 403);
//! let malformed = verify::verify(&Request::new("GET", "/a\tb", &headers), &lookup, &policy);
//! assert_eq!(malformed.unwrap_err(), Error::InvalidTargetByte { byte: b'\t', at: 2 });
//! assert_eq!(status(malformed), 400);
//! # Ok::<(), Error>(())
//! ```

mod aws_chunked;
mod chunked;
mod claim;
mod event_stream;
mod parse;
mod policy;
mod post_form;
#[cfg(feature = "s3-sigv2")]
mod s3_v2;
mod signature;
mod sigv2;
mod sigv4;

use core::fmt;

pub use crate::ct::ct_eq;
pub use crate::rejection::Rejection;
pub use aws_chunked::{
    AwsChunkedDecoder, ChunkedDeclaration, DecodedBody, MAX_CHUNK_SIZE_DIGITS, MAX_TRAILER_LINE,
    Progress,
};
pub use chunked::ChunkVerifier;
pub use event_stream::{EventVerifier, VerifiedEvent, verify_event_message};
pub use policy::{Limit, Limits, Policy};
pub use post_form::{
    MAX_FORM_FIELDS, MAX_POLICY_CONDITIONS, PostForm, VerifiedPost, verify_post_form,
};
#[cfg(feature = "s3-sigv2")]
pub use s3_v2::{VerifiedS3V2, verify_s3_v2, verify_s3_v2_post};

use crate::canonical::target::Target;
use crate::ct::ct_eq_iter;
use crate::encode::Decoded;
use crate::{Error, Request, SigningTime};

/// The secret (and, for temporary credentials, the session token) of an
/// access key; for SigV4a, possibly only its public key.
///
/// `Debug` shows none of it:
///
/// ```
/// use awsig::verify::Secret;
///
/// let secret = Secret::new("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", Some("token"));
/// assert_eq!(format!("{secret:?}"), "Secret(<redacted>)");
/// ```
#[derive(Clone, Copy)]
pub struct Secret<'s> {
    pub(crate) secret_access_key: Option<&'s str>,
    pub(crate) session_token: Option<&'s str>,
    #[cfg_attr(not(feature = "sigv4a"), allow(dead_code))]
    pub(crate) public_key: Option<([u8; 32], [u8; 32])>,
}

impl<'s> Secret<'s> {
    /// The secret access key and the session token requests must carry, if any.
    ///
    /// ```
    /// use awsig::verify::{self, Policy, Rejection, Secret};
    /// use awsig::{Credentials, Request, SigningTime, v4};
    ///
    /// let creds = Credentials::new("ASIAEXAMPLE", "secret", Some("token"))?;
    /// let t = SigningTime::parse_rfc3339("2015-08-30T12:36:00Z")?;
    /// # let key = v4::SigningKey::derive(&creds, t, "us-east-1", "sqs")?;
    /// # let headers = [("Host", "sqs.us-east-1.amazonaws.com")];
    /// # let mut buf = [0u8; 1024];
    /// let url = v4::presign(&v4::Signer::new(&key, &creds, t)?, &Request::new("GET", "/", &headers), 300, &Default::default(), &mut buf)?;
    /// let received = Request::new("GET", url.as_str(), &headers);
    ///
    /// let with_token = |_: &str| Some(Secret::new("secret", Some("token")));
    /// assert!(verify::verify(&received, &with_token, &Policy::new(t, "sqs")).is_ok());
    /// let long_term = |_: &str| Some(Secret::new("secret", None)); // no token expected
    /// let err = verify::verify(&received, &long_term, &Policy::new(t, "sqs")).unwrap_err();
    /// assert_eq!(err.rejection(), Some(Rejection::SessionTokenMismatch));
    /// # Ok::<(), awsig::Error>(())
    /// ```
    #[must_use]
    pub const fn new(secret_access_key: &'s str, session_token: Option<&'s str>) -> Self {
        Self {
            secret_access_key: Some(secret_access_key),
            session_token,
            public_key: None,
        }
    }

    /// Only the SigV4a public key (X and Y, big-endian) of the access key:
    /// verifies SigV4a signatures without knowing the secret; SigV4
    /// requests are refused as [`Rejection::UnknownAccessKey`].
    ///
    /// ```
    /// use awsig::verify::{self, Policy, Secret};
    /// use awsig::{Credentials, Request, SigningTime, v4, v4a};
    ///
    /// let creds = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", None)?;
    /// let key = v4a::V4aSigningKey::derive(&creds, "us-east-1,us-west-2", "service")?;
    /// let (x, y) = key.public_key(); // all the verifier is given
    /// # let t = SigningTime::parse_rfc3339("2015-08-30T12:36:00Z")?;
    /// # let headers = [("Host", "example.amazonaws.com")];
    /// # let mut buf = [0u8; 1024];
    /// let url = v4::presign(&v4::Signer::new(&key, &creds, t)?, &Request::new("GET", "/", &headers), 300, &Default::default(), &mut buf)?;
    ///
    /// let lookup = |_: &str| Some(Secret::v4a_public_key(x, y, None));
    /// let verified = verify::verify(&Request::new("GET", url.as_str(), &headers), &lookup, &Policy::new(t, "service"))?;
    /// assert_eq!(verified.region_set, Some("us-east-1%2Cus-west-2")); // as received, in the query
    /// # Ok::<(), awsig::Error>(())
    /// ```
    #[cfg(feature = "sigv4a")]
    #[must_use]
    pub const fn v4a_public_key(x: [u8; 32], y: [u8; 32], session_token: Option<&'s str>) -> Self {
        Self {
            secret_access_key: None,
            session_token,
            public_key: Some((x, y)),
        }
    }
}

impl fmt::Debug for Secret<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

/// Finds the secret of an access key id. Implemented for closures
/// `Fn(&str) -> Option<Secret>`; or implement it for a key store:
///
/// ```
/// # use awsig::{Request, SigningTime};
/// # use awsig::verify::{self, Policy, Rejection, Secret};
/// # let t = SigningTime::parse_rfc3339("2015-08-30T12:36:00Z")?;
/// # let lookup = |akid: &str| (akid == "AKIDEXAMPLE").then_some(Secret::new("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", None));
/// # let headers = [
/// #     ("Host", "example.amazonaws.com"),
/// #     ("X-Amz-Date", "20150830T123600Z"),
/// #     ("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"),
/// # ];
/// # let request = Request::new("GET", "/", &headers); // AWS's `get-vanilla`, as received
/// use std::collections::HashMap;
/// use awsig::verify::SecretLookup;
///
/// struct Keys(HashMap<&'static str, &'static str>);
///
/// impl SecretLookup<'static> for Keys {
///     fn secret(&self, access_key_id: &str) -> Option<Secret<'static>> {
///         self.0.get(access_key_id).map(|secret| Secret::new(secret, None))
///     }
/// }
///
/// let keys = Keys(HashMap::from([("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")]));
/// assert_eq!(verify::verify(&request, &keys, &Policy::new(t, "service"))?.access_key_id, "AKIDEXAMPLE");
/// assert_eq!(verify::verify(&request, &Keys(HashMap::new()), &Policy::new(t, "service")).unwrap_err().rejection(), Some(Rejection::UnknownAccessKey));
/// # Ok::<(), awsig::Error>(())
/// ```
pub trait SecretLookup<'s> {
    /// The secret of `access_key_id`, or `None` when it is unknown.
    ///
    /// ```
    /// use awsig::verify::{Secret, SecretLookup};
    ///
    /// let lookup = |akid: &str| (akid == "AKIDEXAMPLE").then_some(Secret::new("secret", None));
    /// assert!(lookup.secret("AKIDEXAMPLE").is_some());
    /// assert!(lookup.secret("AKIDOTHER").is_none());
    /// ```
    fn secret(&self, access_key_id: &str) -> Option<Secret<'s>>;
}

impl<'s, F> SecretLookup<'s> for F
where
    F: Fn(&str) -> Option<Secret<'s>>,
{
    fn secret(&self, access_key_id: &str) -> Option<Secret<'s>> {
        self(access_key_id)
    }
}

/// How the request was signed.
///
/// ```
/// # use awsig::{Request, SigningTime};
/// # use awsig::verify::{self, Policy, Rejection, Secret};
/// # let t = SigningTime::parse_rfc3339("2015-08-30T12:36:00Z")?;
/// # let lookup = |akid: &str| (akid == "AKIDEXAMPLE").then_some(Secret::new("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", None));
/// # let headers = [
/// #     ("Host", "example.amazonaws.com"),
/// #     ("X-Amz-Date", "20150830T123600Z"),
/// #     ("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"),
/// # ];
/// # let request = Request::new("GET", "/", &headers); // AWS's `get-vanilla`, as received
/// use awsig::verify::Scheme;
///
/// assert_eq!(verify::verify(&request, &lookup, &Policy::new(t, "service"))?.scheme, Scheme::V4Header);
/// // `get-vanilla`, presigned (aws-c-auth's test suite).
/// let presigned = "/?X-Amz-Algorithm=AWS4-HMAC-SHA256\
///     &X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fservice%2Faws4_request\
///     &X-Amz-Date=20150830T123600Z&X-Amz-SignedHeaders=host&X-Amz-Expires=3600\
///     &X-Amz-Signature=e93c787ed7f371d5c6b165c1b38ede9550f4dce4144713e844b25b7192d3865d";
/// let host = [("Host", "example.amazonaws.com")];
/// assert_eq!(verify::verify(&Request::new("GET", presigned, &host), &lookup, &Policy::new(t, "service"))?.scheme, Scheme::V4Query);
/// # Ok::<(), awsig::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Scheme {
    /// SigV4, `Authorization` header.
    V4Header,
    /// SigV4, presigned query.
    V4Query,
    /// SigV2, query (or form) parameters.
    V2Query,
}

/// A verified request: who signed, and what.
///
/// ```
/// # use awsig::{Credentials, Request, SigningTime, v4};
/// # use awsig::verify::{self, Policy, Rejection, Secret};
/// # let creds = Credentials::new("AKIDEXAMPLE", "secret", None)?;
/// # let t = SigningTime::parse_rfc3339("2015-08-30T12:36:00Z")?;
/// # let key = v4::SigningKey::derive(&creds, t, "us-east-1", "sqs")?;
/// # let headers = [("Host", "sqs.us-east-1.amazonaws.com")];
/// # let mut buf = [0u8; 1024];
/// # let url = v4::presign(&v4::Signer::new(&key, &creds, t)?, &Request::new("GET", "/?Action=ListQueues", &headers), 300, &v4::SigningSettings::new(), &mut buf)?;
/// # let lookup = |akid: &str| (akid == "AKIDEXAMPLE").then_some(Secret::new("secret", None));
/// let received = Request::new("GET", url.as_str(), &headers);
/// let verified = verify::verify(&received, &lookup, &Policy::new(t.checked_add_seconds(60)?, "sqs"))?;
/// assert_eq!(verified.scheme, verify::Scheme::V4Query);
/// assert_eq!((verified.access_key_id, verified.region, verified.service), ("AKIDEXAMPLE", Some("us-east-1"), Some("sqs")));
/// assert_eq!((verified.method, verified.path), ("GET", "/"));
/// assert_eq!(verified.signed_at, Some(t));
/// assert_eq!(verified.expires_at, Some(t.checked_add_seconds(300)?));
/// assert_eq!(verified.signature, url.signature().as_str());
/// # Ok::<(), awsig::Error>(())
/// ```
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub struct Verified<'r> {
    /// How it was signed.
    pub scheme: Scheme,
    /// The access key id that signed.
    pub access_key_id: &'r str,
    /// The scope's region (SigV4).
    pub region: Option<&'r str>,
    /// The signed region set, as received (SigV4a).
    pub region_set: Option<&'r str>,
    /// The scope's service (SigV4).
    pub service: Option<&'r str>,
    /// The method, as signed.
    pub method: &'r str,
    /// The path, as sent.
    pub path: &'r str,
    /// The signed header names, as received (`host;x-amz-date`, or
    /// `%3B`-separated in a query); empty for SigV2.
    pub signed_headers: &'r str,
    /// The signature, as received (the seed of an aws-chunked body:
    /// [`Signature::parse`](crate::v4::Signature::parse) it for
    /// [`ChunkVerifier`]).
    pub signature: &'r str,
    /// When it was signed (`X-Amz-Date`, SigV2 `Timestamp`), if known.
    pub signed_at: Option<SigningTime>,
    /// Until when it is valid (presigned `X-Amz-Date + X-Amz-Expires`, SigV2 `Expires`).
    pub expires_at: Option<SigningTime>,
    /// What was established about the body, and what the server must
    /// still do.
    pub payload: PayloadCoverage<'r>,
    /// Whether the signature covers the path with dot and empty segments
    /// removed (every service but S3), see [`Verified::signed_path`].
    pub(crate) normalized_path: bool,
}

/// What verification established about the body.
///
/// ```
/// # use awsig::{Credentials, Request, SigningTime, v4};
/// # use awsig::verify::{self, Policy, Secret};
/// # let creds = Credentials::new("AKIDEXAMPLE", "secret", None)?;
/// # let t = SigningTime::parse_rfc3339("2015-08-30T12:36:00Z")?;
/// # let key = v4::SigningKey::derive(&creds, t, "us-east-1", "s3")?;
/// # let lookup = |_: &str| Some(Secret::new("secret", None));
/// use awsig::verify::PayloadCoverage;
///
/// // An S3 presigned URL signs no body: the server gets `Unsigned`.
/// let headers = [("Host", "bucket.s3.amazonaws.com")];
/// let mut buf = [0u8; 1024];
/// let url = v4::presign(&v4::Signer::new(&key, &creds, t)?, &Request::new("PUT", "/key", &headers), 300, &v4::SigningSettings::s3(), &mut buf)?;
/// let verified = verify::verify(&Request::new("PUT", url.as_str(), &headers), &lookup, &Policy::new(t, "s3"))?;
/// assert_eq!(verified.payload, PayloadCoverage::Unsigned);
/// # Ok::<(), awsig::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum PayloadCoverage<'r> {
    /// The body the server passed (or its hash) is the signed one.
    Checked,
    /// The request declares the body unsigned (`UNSIGNED-PAYLOAD`, an S3
    /// presigned URL, a SigV2 query): it is not authenticated.
    Unsigned,
    /// aws-chunked with chunk signatures (`STREAMING-AWS4-HMAC-SHA256-PAYLOAD`,
    /// `-TRAILER` when `trailer`): nothing of the body is checked yet; the
    /// server must verify every chunk (and the trailer) from
    /// [`Verified::signature`], and refuse the upload unless the final
    /// chunk arrived.
    Chunked {
        /// Whether a signed trailer follows the final chunk.
        trailer: bool,
    },
    /// `STREAMING-UNSIGNED-PAYLOAD-TRAILER`: aws-chunked framing without
    /// signatures; the body is not authenticated.
    UnsignedChunked,
    /// The server passed no body ([`Payload::Unsigned`](crate::Payload::Unsigned)):
    /// it must check that the body hashes to this signed SHA-256 (hex)
    /// before acting on it.
    Unread {
        /// The signed hash, 64 lowercase hex digits.
        sha256: &'r str,
    },
}

impl<'r> Verified<'r> {
    /// The path the signature covers, which the server must act on: for
    /// every service but S3 the path with dot and empty segments removed
    /// (`/a/../b` was signed as `/b`), for S3 the path as sent
    /// ([`Verified::path`]). Written into `out`, still percent-encoded as
    /// sent.
    ///
    /// ```
    /// use awsig::verify::{self, Policy, Secret};
    /// use awsig::{Credentials, Request, SigningTime, v4};
    /// # let creds = Credentials::new("AKIDEXAMPLE", "secret", None)?;
    /// # let t = SigningTime::parse_rfc3339("2015-08-30T12:36:00Z")?;
    /// # let key = v4::SigningKey::derive(&creds, t, "us-east-1", "execute-api")?;
    /// # let headers = [("Host", "example.com")];
    /// # let mut buf = [0u8; 1024];
    /// # let lookup = |_: &str| Some(Secret::new("secret", None));
    /// let url = v4::presign(&v4::Signer::new(&key, &creds, t)?, &Request::new("GET", "/users/x/../admin", &headers), 300, &Default::default(), &mut buf)?;
    /// let verified = verify::verify(&Request::new("GET", url.as_str(), &headers), &lookup, &Policy::new(t, "execute-api"))?;
    /// assert_eq!(verified.path, "/users/x/../admin"); // as sent
    /// let mut out = [0u8; 64];
    /// assert_eq!(verified.signed_path(&mut out)?, "/users/admin"); // as signed
    /// # Ok::<(), awsig::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::BufferTooSmall`] when `out` cannot hold it.
    pub fn signed_path<'o>(&self, out: &'o mut [u8]) -> Result<&'o str, Error> {
        let mut buf = crate::sink::OutBuf::new(out);
        crate::canonical::path::write(&mut buf, self.path, self.normalized_path, false);
        buf.finish()
    }

    /// The signed header names, one by one.
    ///
    /// ```
    /// # use awsig::{Request, SigningTime};
    /// # use awsig::verify::{self, Policy, Rejection, Secret};
    /// # let t = SigningTime::parse_rfc3339("2015-08-30T12:36:00Z")?;
    /// # let lookup = |akid: &str| (akid == "AKIDEXAMPLE").then_some(Secret::new("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", None));
    /// # let headers = [
    /// #     ("Host", "example.amazonaws.com"),
    /// #     ("X-Amz-Date", "20150830T123600Z"),
    /// #     ("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"),
    /// # ];
    /// # let request = Request::new("GET", "/", &headers); // AWS's `get-vanilla`, as received
    /// let verified = verify::verify(&request, &lookup, &Policy::new(t, "service"))?;
    /// assert_eq!(verified.signed_headers, "host;x-amz-date");
    /// assert!(verified.signed_header_names().eq(["host", "x-amz-date"]));
    /// # Ok::<(), awsig::Error>(())
    /// ```
    pub fn signed_header_names(&self) -> impl Iterator<Item = &'r str> + 'r {
        let sep = if self.scheme == Scheme::V4Query {
            "%3B"
        } else {
            ";"
        };
        crate::canonical::headers::NameList {
            raw: self.signed_headers,
            sep,
        }
        .names()
        .filter(|n| !n.is_empty())
    }
}

/// Verifies a received request; recognises SigV4 header signing, SigV4
/// presigning and SigV2.
///
/// `request.payload` is what the server knows of the body: the bytes, a hash
/// computed while receiving it, or [`Payload::Unsigned`](crate::Payload::Unsigned)
/// when it does not know it (then only a request that declares
/// `UNSIGNED-PAYLOAD`, or an S3 presigned URL, can match).
///
/// AWS's SigV4 test suite request `get-vanilla`, as a server receives it:
///
/// ```
/// use awsig::verify::{self, Policy, Rejection, Secret};
/// use awsig::{Request, SigningTime};
///
/// let headers = [
///     ("Host", "example.amazonaws.com"),
///     ("X-Amz-Date", "20150830T123600Z"),
///     ("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"),
/// ];
/// let lookup = |akid: &str| (akid == "AKIDEXAMPLE").then_some(Secret::new("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", None));
/// let policy = Policy::new(SigningTime::parse_rfc3339("2015-08-30T12:36:00Z")?, "service");
/// assert_eq!(verify::verify(&Request::new("GET", "/", &headers), &lookup, &policy)?.access_key_id, "AKIDEXAMPLE");
/// // The same headers on another request.
/// let err = verify::verify(&Request::new("DELETE", "/", &headers), &lookup, &policy).unwrap_err();
/// assert_eq!(err.rejection(), Some(Rejection::SignatureMismatch));
/// # Ok::<(), awsig::Error>(())
/// ```
///
/// # Errors
/// [`Error::Rejected`] with the [`Rejection`] saying why the request is
/// refused, or the [`Error`] saying what makes it malformed.
pub fn verify<'r, 's, L: SecretLookup<'s> + ?Sized>(
    request: &Request<'r>,
    lookup: &L,
    policy: &Policy<'_>,
) -> Result<Verified<'r>, Error> {
    policy::check_limits(&policy.limits, request.target, request.headers)
        .map_err(Error::LimitExceeded)?;
    let target = Target::parse(request.target)?;
    let mut authorization = None;
    for &(name, value) in request.headers {
        if name.eq_ignore_ascii_case("authorization") && authorization.replace(value).is_some() {
            return Err(Rejection::DuplicateAuthParameter.into());
        }
    }
    let query_v4 = has_param(target.query, "X-Amz-Algorithm");
    let query_v2 =
        has_param(target.query, "Signature") || has_param(target.query, "SignatureVersion");
    // Presigned parameters beside an `Authorization` header: which one is
    // the request's authentication is ambiguous, so neither is (S3 refuses it).
    let query_auth = query_v4
        || PRESIGNED_PARAMS.iter().any(|p| has_param(target.query, p))
        || (query_v2 && has_param(target.query, "AWSAccessKeyId"));
    match (authorization, query_auth, query_v2) {
        (Some(_), true, _) => Err(Rejection::AmbiguousAuthentication.into()),
        (Some(value), false, _) => sigv4::verify_header(request, target, value, lookup, policy),
        (None, true, _) if query_v4 => sigv4::verify_query(request, target, lookup, policy),
        (None, _, true) => sigv2::verify(request, target, target.query, false, lookup, policy),
        (None, _, _) if query_auth => Err(Rejection::MissingAuthParameter.into()),
        (None, _, _) => Err(Rejection::MissingAuthentication.into()),
    }
}

/// Parameters that only a presigned URL carries.
const PRESIGNED_PARAMS: [&str; 3] = ["X-Amz-Credential", "X-Amz-Signature", "X-Amz-SignedHeaders"];

/// Verifies a SigV2 POST whose parameters are in the form body `form`
/// (`application/x-www-form-urlencoded`: a raw `+` is a space). The
/// target must have no query: the signature covers only the form.
///
/// ```
/// use awsig::verify::{self, Policy, Rejection, Scheme, Secret};
/// use awsig::{Credentials, Request, SigningTime, v2};
///
/// let creds = Credentials::new("AKIDEXAMPLE", "secret", None)?;
/// let t = SigningTime::parse_rfc3339("2011-10-03T15:19:30Z")?;
/// let headers = [("Host", "sqs.us-east-1.amazonaws.com")];
/// let request = Request::new("POST", "/123456789012/queue", &headers);
/// let mut buf = [0u8; 512];
/// let body = v2::sign_form(&creds, &request, "Action=SendMessage&MessageBody=hi", v2::Validity::Timestamp(t), v2::SignatureMethod::HmacSha256, &mut buf)?;
///
/// let lookup = |_: &str| Some(Secret::new("secret", None));
/// let policy = Policy::new(t, "sqs").sigv2(900); // SigV2 is off by default
/// assert_eq!(verify::verify_v2_form(&request, body.as_str(), &lookup, &policy)?.scheme, Scheme::V2Query);
/// let changed = body.as_str().replace("MessageBody=hi", "MessageBody=ho");
/// let err = verify::verify_v2_form(&request, &changed, &lookup, &policy).unwrap_err();
/// assert_eq!(err.rejection(), Some(Rejection::SignatureMismatch));
/// // A query beside the form is not signed: refused, whatever it says.
/// let with_query = Request::new("POST", "/123456789012/queue?Action=DeleteQueue", &headers);
/// let err = verify::verify_v2_form(&with_query, body.as_str(), &lookup, &policy).unwrap_err();
/// assert_eq!(err.rejection(), Some(Rejection::UnsignedQuery));
/// # Ok::<(), awsig::Error>(())
/// ```
///
/// # Errors
/// [`Error::Rejected`] with the [`Rejection`] saying why the request is
/// refused, or the [`Error`] saying what makes it malformed.
pub fn verify_v2_form<'r, 's, L: SecretLookup<'s> + ?Sized>(
    request: &Request<'r>,
    form: &'r str,
    lookup: &L,
    policy: &Policy<'_>,
) -> Result<Verified<'r>, Error> {
    policy::check_limits(&policy.limits, request.target, request.headers)
        .map_err(Error::LimitExceeded)?;
    policy::check_params(&policy.limits, form).map_err(Error::LimitExceeded)?;
    let target = Target::parse(request.target)?;
    // The form is what is signed: a server that merges the query into the
    // form's parameters would act on unsigned ones.
    if !target.query.is_empty() {
        return Err(Rejection::UnsignedQuery.into());
    }
    sigv2::verify(request, target, form, true, lookup, policy)
}

fn has_param(query: &str, name: &str) -> bool {
    crate::canonical::query::raw_params(query)
        .any(|(k, _)| crate::canonical::query::decoded_eq(k, name))
}

/// The value of the only parameter named `name` (decoded key, exact case).
pub(crate) fn single_param<'q>(query: &'q str, name: &str) -> Result<Option<&'q str>, Rejection> {
    let mut found = None;
    for (k, v) in crate::canonical::query::raw_params(query) {
        if crate::canonical::query::decoded_eq(k, name) && found.replace(v).is_some() {
            return Err(Rejection::DuplicateAuthParameter);
        }
    }
    Ok(found)
}

/// The value of the only header named `name` (any case).
pub(crate) fn single_header<'r>(
    headers: &[(&'r str, &'r str)],
    name: &str,
) -> Result<Option<&'r str>, Rejection> {
    let mut found = None;
    for &(n, v) in headers {
        if n.eq_ignore_ascii_case(name) && found.replace(v).is_some() {
            return Err(Rejection::DuplicateAuthParameter);
        }
    }
    Ok(found)
}

/// Whether a request carries the session token its secret requires: a
/// temporary credential's token, or none for a long-term key. `got` is as
/// received (percent-encoded when `encoded`: in a query or form);
/// compared in constant time.
pub(crate) fn session_token_matches(want: Option<&str>, got: Option<&str>, encoded: bool) -> bool {
    match (want, got) {
        (None, None) => true,
        (Some(want), Some(got)) if encoded => {
            ct_eq_iter(Decoded::new(got.as_bytes()), want.as_bytes())
        }
        (Some(want), Some(got)) => ct_eq(got.as_bytes(), want.as_bytes()),
        _ => false,
    }
}
