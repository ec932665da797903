//! Why a server refuses a request's authentication: the verification
//! failures, kept beside [`crate::Error`] (which carries one as
//! `Error::Rejected`) so that the error types depend on nothing above them.
//! Public as `verify::Rejection`.

use core::fmt;

/// Why a request's authentication is refused; returned as
/// [`Error::Rejected`](crate::Error::Rejected), and by [`Error::rejection`](crate::Error::rejection).
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
/// use awsig::Error;
///
/// // A URL presigned for 300 seconds, used an hour later.
/// let late = Policy::new(t.checked_add_seconds(3600)?, "sqs");
/// let err = verify::verify(&Request::new("GET", url.as_str(), &headers), &lookup, &late).unwrap_err();
/// assert_eq!(err, Error::Rejected(Rejection::Expired));
/// assert_eq!(err.rejection(), Some(Rejection::Expired));
/// assert_eq!(Rejection::Expired.to_string(), "the presigned request has expired");
/// # Ok::<(), awsig::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Rejection {
    /// No `Authorization` header, no `X-Amz-Algorithm` and no SigV2 `Signature`.
    MissingAuthentication,
    /// Both an `Authorization` header and query authentication.
    AmbiguousAuthentication,
    /// An algorithm other than `AWS4-HMAC-SHA256` (or SigV2 `HmacSHA256`, version 2).
    UnsupportedAlgorithm,
    /// The `Authorization` value is not `ALGORITHM Credential=..., SignedHeaders=..., Signature=...`.
    MalformedAuthorization,
    /// An authentication parameter or header appears twice.
    DuplicateAuthParameter,
    /// A required authentication parameter is missing.
    MissingAuthParameter,
    /// The credential is not `AKID/YYYYMMDD/region/service/aws4_request`.
    MalformedCredential,
    /// `X-Amz-Date` (or SigV2 `Timestamp`/`Expires`) is missing or malformed.
    MalformedDate,
    /// The credential scope's date is not the date of `X-Amz-Date`.
    ScopeDateMismatch,
    /// The scope's region is not the one the server expects.
    WrongRegion,
    /// The scope's service is not the one the server expects.
    WrongService,
    /// `SignedHeaders` is not sorted, lowercase and unique, or lacks `host`.
    MalformedSignedHeaders,
    /// A header named in `SignedHeaders` is not in the request.
    SignedHeaderMissing,
    /// `X-Amz-Expires` is not an integer in 1..=604800.
    BadExpires,
    /// The signature is not 64 lowercase hex digits (SigV2: 44 base64 characters).
    MalformedSignature,
    /// The access key id is unknown.
    UnknownAccessKey,
    /// The session token is missing, unexpected, or not the expected one.
    SessionTokenMismatch,
    /// The request was signed too far from the current time (header
    /// signing, SigV2 `Timestamp`).
    RequestTimeTooSkewed,
    /// The presigned request has expired.
    Expired,
    /// The presigned request is dated in the future beyond the allowed skew.
    NotYetValid,
    /// The body does not hash to the declared `x-amz-content-sha256`.
    PayloadHashMismatch,
    /// The signature does not match: wrong secret, or the request was changed.
    SignatureMismatch,
    /// An `x-amz-*` header is present but not signed (S3: "There were
    /// headers present in the request which were not signed").
    UnsignedAmzHeader,
    /// The request declares `UNSIGNED-PAYLOAD` (or an S3 presigned URL, or
    /// `STREAMING-UNSIGNED-PAYLOAD-TRAILER`) and the policy does not allow
    /// an unauthenticated body.
    UnsignedPayloadNotAllowed,
    /// The request declares an aws-chunked (`STREAMING-*`) body and the
    /// policy does not allow streaming uploads.
    StreamingNotAllowed,
    /// A SigV2 request, and the policy does not accept SigV2.
    SigV2NotAllowed,
    /// The request would stay valid longer than the policy allows (a SigV2
    /// `Expires` beyond its maximum lifetime).
    ExpiresTooFar,
    /// Part of the request the server reads is not covered by the
    /// signature (a query on a SigV2 form POST).
    UnsignedQuery,
    /// An aws-chunked chunk's signature does not match its data (or the chain).
    ChunkSignatureMismatch,
    /// The aws-chunked `x-amz-trailer-signature` does not match the trailer.
    TrailerSignatureMismatch,
    /// The POST policy's `expiration` has passed.
    PolicyExpired,
    /// The POST form was sent to another bucket than its policy allows.
    BucketMismatch,
    /// A POST form field does not satisfy its policy condition (or a
    /// condition names a field the form lacks).
    PolicyConditionFailed,
    /// The POST form's file size is outside the policy's `content-length-range`.
    ContentLengthOutOfRange,
    /// A POST form field is not covered by any policy condition.
    FieldNotInPolicy,
}

impl Rejection {
    /// A short stable word for the rejection (`signature_mismatch`, ...).
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
    /// // The server has another secret for the key: a label for logs and metrics.
    /// let stale = |_: &str| Some(Secret::new("old secret", None));
    /// let err = verify::verify(&Request::new("GET", url.as_str(), &headers), &stale, &Policy::new(t, "sqs")).unwrap_err();
    /// assert_eq!(err.rejection().map(|r| r.kind()), Some("signature_mismatch"));
    /// # Ok::<(), awsig::Error>(())
    /// ```
    #[must_use]
    pub const fn kind(&self) -> &'static str {
        match self {
            Rejection::MissingAuthentication => "missing_authentication",
            Rejection::AmbiguousAuthentication => "ambiguous_authentication",
            Rejection::UnsupportedAlgorithm => "unsupported_algorithm",
            Rejection::MalformedAuthorization => "malformed_authorization",
            Rejection::DuplicateAuthParameter => "duplicate_auth_parameter",
            Rejection::MissingAuthParameter => "missing_auth_parameter",
            Rejection::MalformedCredential => "malformed_credential",
            Rejection::MalformedDate => "malformed_date",
            Rejection::ScopeDateMismatch => "scope_date_mismatch",
            Rejection::WrongRegion => "wrong_region",
            Rejection::WrongService => "wrong_service",
            Rejection::MalformedSignedHeaders => "malformed_signed_headers",
            Rejection::SignedHeaderMissing => "signed_header_missing",
            Rejection::BadExpires => "bad_expires",
            Rejection::MalformedSignature => "malformed_signature",
            Rejection::UnknownAccessKey => "unknown_access_key",
            Rejection::SessionTokenMismatch => "session_token_mismatch",
            Rejection::RequestTimeTooSkewed => "request_time_too_skewed",
            Rejection::Expired => "expired",
            Rejection::NotYetValid => "not_yet_valid",
            Rejection::PayloadHashMismatch => "payload_hash_mismatch",
            Rejection::SignatureMismatch => "signature_mismatch",
            Rejection::UnsignedAmzHeader => "unsigned_amz_header",
            Rejection::UnsignedPayloadNotAllowed => "unsigned_payload_not_allowed",
            Rejection::StreamingNotAllowed => "streaming_not_allowed",
            Rejection::SigV2NotAllowed => "sigv2_not_allowed",
            Rejection::ExpiresTooFar => "expires_too_far",
            Rejection::UnsignedQuery => "unsigned_query",
            Rejection::ChunkSignatureMismatch => "chunk_signature_mismatch",
            Rejection::TrailerSignatureMismatch => "trailer_signature_mismatch",
            Rejection::PolicyExpired => "policy_expired",
            Rejection::BucketMismatch => "bucket_mismatch",
            Rejection::PolicyConditionFailed => "policy_condition_failed",
            Rejection::ContentLengthOutOfRange => "content_length_out_of_range",
            Rejection::FieldNotInPolicy => "field_not_in_policy",
        }
    }
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Rejection::MissingAuthentication => "the request carries no signature",
            Rejection::AmbiguousAuthentication => {
                "the request is signed both in a header and in the query"
            }
            Rejection::UnsupportedAlgorithm => "unsupported signing algorithm",
            Rejection::MalformedAuthorization => "the Authorization header is malformed",
            Rejection::DuplicateAuthParameter => "an authentication parameter appears twice",
            Rejection::MissingAuthParameter => "an authentication parameter is missing",
            Rejection::MalformedCredential => {
                "the credential is not AKID/YYYYMMDD/region/service/aws4_request"
            }
            Rejection::MalformedDate => "the request date is missing or malformed",
            Rejection::ScopeDateMismatch => {
                "the credential scope date differs from the request date"
            }
            Rejection::WrongRegion => "the credential scope names another region",
            Rejection::WrongService => "the credential scope names another service",
            Rejection::MalformedSignedHeaders => {
                "SignedHeaders must be sorted, lowercase, unique and include host"
            }
            Rejection::SignedHeaderMissing => "a signed header is missing from the request",
            Rejection::BadExpires => "X-Amz-Expires must be an integer from 1 to 604800",
            Rejection::MalformedSignature => "the signature is malformed",
            Rejection::UnknownAccessKey => "unknown access key id",
            Rejection::SessionTokenMismatch => "the session token is missing or wrong",
            Rejection::RequestTimeTooSkewed => "the request time is too far from the server time",
            Rejection::Expired => "the presigned request has expired",
            Rejection::NotYetValid => "the presigned request is not valid yet",
            Rejection::PayloadHashMismatch => "the body does not match x-amz-content-sha256",
            Rejection::SignatureMismatch => "the signature does not match",
            Rejection::UnsignedAmzHeader => "an x-amz-* header is present but not signed",
            Rejection::UnsignedPayloadNotAllowed => {
                "the body is declared unsigned, which this server does not accept"
            }
            Rejection::StreamingNotAllowed => {
                "the body is declared aws-chunked (STREAMING-*), which this server does not accept"
            }
            Rejection::SigV2NotAllowed => "Signature Version 2 is not accepted by this server",
            Rejection::ExpiresTooFar => "the request stays valid longer than this server allows",
            Rejection::UnsignedQuery => "the request's query is not covered by its signature",
            Rejection::ChunkSignatureMismatch => "an aws-chunked chunk signature does not match",
            Rejection::TrailerSignatureMismatch => {
                "the aws-chunked trailer signature does not match"
            }
            Rejection::PolicyExpired => "the POST policy has expired",
            Rejection::BucketMismatch => "the POST policy does not allow this bucket",
            Rejection::PolicyConditionFailed => "a POST form field fails its policy condition",
            Rejection::ContentLengthOutOfRange => {
                "the uploaded file size is outside the policy's content-length-range"
            }
            Rejection::FieldNotInPolicy => "a POST form field is not covered by the policy",
        })
    }
}

impl core::error::Error for Rejection {}
