//! Signing with the `Authorization` header.
//!
//! The signer adds `X-Amz-Date`, `X-Amz-Security-Token` (temporary
//! credentials; S3 Express One Zone session auth: `x-amz-s3session-token`),
//! `x-amz-content-sha256` (S3, or when asked) and
//! `Authorization: AWS4-HMAC-SHA256 Credential=AKID/scope,
//! SignedHeaders=..., Signature=...`.
//! See <https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html#add-signature-to-request>.

use crate::canonical::headers::Headers;
use crate::canonical::params::{self, Params};
use crate::canonical::payload::PayloadHash;
use crate::canonical::request::{CanonicalQuery, CanonicalRequest, check_method};
use crate::canonical::{path, target::Target};
use crate::digits::put_hex;
use crate::output::Output;
use crate::sink::{OutBuf, Sink};
use crate::time::AmzDate;
use crate::v4::signature::{NoTrace, Signature, Tracer};
use crate::v4::signer::{Key, Signer};
use crate::v4::{SessionTokenMode, SigningSettings};
use crate::{Error, Request};

/// The headers to add to a request signed with the `Authorization` header.
///
/// `Debug` hides the session token.
#[derive(Clone, Copy)]
#[must_use]
pub struct HeaderSignature<'o, 'a> {
    authorization: &'o str,
    x_amz_date: AmzDate,
    security_token: Option<&'a str>,
    /// The token goes as `x-amz-s3session-token` (S3 Express session auth).
    s3session: bool,
    region_set: Option<&'a str>,
    content_sha256: Option<PayloadHash>,
    /// Where the hex signature starts in `authorization` (it runs to the end).
    signature_at: usize,
}

impl<'o, 'a> HeaderSignature<'o, 'a> {
    /// The `Authorization` value.
    #[must_use]
    pub fn authorization(&self) -> &'o str {
        self.authorization
    }

    /// The `X-Amz-Date` value.
    #[must_use]
    pub fn x_amz_date(&self) -> &str {
        self.x_amz_date.as_str()
    }

    /// The `X-Amz-Security-Token` value, for temporary credentials (`None`
    /// with [`SessionTokenMode::S3Express`]).
    #[must_use]
    pub fn security_token(&self) -> Option<&'a str> {
        self.security_token.filter(|_| !self.s3session)
    }

    /// The `x-amz-s3session-token` value: the session token, with
    /// [`SessionTokenMode::S3Express`] (S3 Express One Zone session auth).
    #[must_use]
    pub fn s3session_token(&self) -> Option<&'a str> {
        self.security_token.filter(|_| self.s3session)
    }

    /// The `X-Amz-Region-Set` value (SigV4a).
    #[must_use]
    pub fn region_set(&self) -> Option<&'a str> {
        self.region_set
    }

    /// The `x-amz-content-sha256` value, when it is added.
    #[must_use]
    pub fn content_sha256(&self) -> Option<&str> {
        self.content_sha256.as_ref().map(PayloadHash::as_str)
    }

    /// The signature (the end of the `Authorization` value).
    #[must_use]
    pub fn signature(&self) -> Signature {
        Signature::from_hex_bytes(
            self.authorization
                .as_bytes()
                .get(self.signature_at..)
                .unwrap_or_default(),
        )
    }

    /// Every header to add, `(name, value)`, names in lowercase (as HTTP/2 and
    /// the `http` crate write them), `authorization` last.
    pub fn headers(&self) -> impl Iterator<Item = (&'static str, &str)> {
        [
            Some(("x-amz-date", self.x_amz_date())),
            self.security_token().map(|t| ("x-amz-security-token", t)),
            self.s3session_token().map(|t| ("x-amz-s3session-token", t)),
            self.region_set.map(|r| ("x-amz-region-set", r)),
            self.content_sha256().map(|h| ("x-amz-content-sha256", h)),
            Some(("authorization", self.authorization)),
        ]
        .into_iter()
        .flatten()
    }
}

impl core::fmt::Debug for HeaderSignature<'_, '_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("HeaderSignature")
            .field("authorization", &self.authorization)
            .field("x_amz_date", &self.x_amz_date)
            .field(
                "security_token",
                &self.security_token().map(|_| "<redacted>"),
            )
            .field(
                "s3session_token",
                &self.s3session_token().map(|_| "<redacted>"),
            )
            .field("region_set", &self.region_set)
            .field("content_sha256", &self.content_sha256)
            .finish()
    }
}

/// Signs `request` with the `Authorization` header; the `Authorization`
/// value is written into `out` (a few hundred bytes: the credential scope,
/// the signed header names and the signature).
///
/// ```
/// use awsig::{Credentials, Request, SigningTime, v4};
///
/// let creds = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", None)?;
/// let time = SigningTime::parse_rfc3339("2015-08-30T12:36:00Z")?;
/// let key = v4::SigningKey::derive(&creds, time, "us-east-1", "service")?;
/// let headers = [("Host", "example.amazonaws.com")];
/// let request = Request::new("GET", "/", &headers);
/// let mut buf = [0u8; 512];
/// let signed = v4::sign_headers(&v4::Signer::new(&key, &creds, time)?, &request, &v4::SigningSettings::new(), &mut buf)?;
/// // AWS's get-vanilla example:
/// assert_eq!(signed.signature().as_str(), "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
/// assert_eq!(signed.x_amz_date(), "20150830T123600Z");
/// # Ok::<(), awsig::Error>(())
/// ```
///
/// # Errors
/// Any input error (see [`Error`]), [`Error::BufferTooSmall`].
pub fn sign_headers<'o, 'a, K: Key>(
    signer: &Signer<'a, K>,
    request: &Request<'_>,
    settings: &SigningSettings,
    out: impl Into<Output<'o>>,
) -> Result<HeaderSignature<'o, 'a>, Error> {
    let out = out.into();
    match out.trace {
        None => sign(signer, request, settings, out.buf, &mut NoTrace),
        Some(trace) => sign(signer, request, settings, out.buf, trace),
    }
}

/// The headers the signer adds to a request (at most four, in this order)
/// and the ones the request therefore must not carry already.
struct Added<'a> {
    headers: [(&'static str, &'a str); 4],
    len: usize,
    refused: [&'static str; 5],
    refused_len: usize,
}

impl<'a> Added<'a> {
    /// `x-amz-date`; the session token (signed, or appended unsigned: a
    /// header the signer adds all the same; S3 Express session auth signs
    /// it as `x-amz-s3session-token` and sends no `x-amz-security-token`);
    /// `x-amz-content-sha256` unless the request declares its own; SigV4a's
    /// `x-amz-region-set`.
    fn new(
        amz_date: &'a str,
        token: Option<&'a str>,
        mode: SessionTokenMode,
        content_sha256: Option<&'a str>,
        region_set: Option<&'a str>,
    ) -> Self {
        let mut added = Self {
            headers: [("", ""); 4],
            len: 0,
            refused: [""; 5],
            refused_len: 0,
        };
        added.push("x-amz-date", Some(amz_date), true);
        if mode == SessionTokenMode::S3Express {
            added.push("x-amz-s3session-token", token, token.is_some());
        }
        added.push(
            "x-amz-security-token",
            token.filter(|_| mode == SessionTokenMode::Signed),
            token.is_some(),
        );
        added.push(
            "x-amz-content-sha256",
            content_sha256,
            content_sha256.is_some(),
        );
        added.push("x-amz-region-set", region_set, region_set.is_some());
        added
    }

    fn push(&mut self, name: &'static str, signed: Option<&'a str>, refused: bool) {
        if let (Some(value), Some(slot)) = (signed, self.headers.get_mut(self.len)) {
            *slot = (name, value);
            self.len = self.len.saturating_add(1);
        }
        if let (true, Some(slot)) = (refused, self.refused.get_mut(self.refused_len)) {
            *slot = name;
            self.refused_len = self.refused_len.saturating_add(1);
        }
    }

    fn headers(&self) -> &[(&'static str, &'a str)] {
        self.headers.get(..self.len).unwrap_or_default()
    }

    fn refused(&self) -> &[&'static str] {
        self.refused.get(..self.refused_len).unwrap_or_default()
    }
}

/// Signs `request` and writes the `Authorization` value into `out`.
pub(crate) fn sign<'o, 'a, K: Key, T: Tracer>(
    signer: &Signer<'a, K>,
    request: &Request<'_>,
    settings: &SigningSettings,
    out: &'o mut [u8],
    tracer: &mut T,
) -> Result<HeaderSignature<'o, 'a>, Error> {
    let (key, time, token) = (signer.key, signer.time, signer.session_token);
    check_method(request.method)?;
    let target = Target::parse(request.target)?;
    path::check(target.path, settings.double_encode_path)?;
    let mut spans = params::SPANS;
    let params = Params::parse(target.query, &mut spans, target.query_offset, &[])?;
    let (payload, declared) = PayloadHash::of_request(&request.payload, request.headers)?;
    // The caller's own `x-amz-content-sha256` is signed as it is, not added.
    let add_content_sha256 = settings.content_sha256_header && !declared;
    let amz_date = time.amz_date();
    let added = Added::new(
        amz_date.as_str(),
        token,
        settings.session_token,
        add_content_sha256.then(|| payload.as_str()),
        key.region_set(),
    );
    Headers::check(request.headers, added.refused())?;
    let headers = Headers::new(request.headers, added.headers());

    let date = time.date_stamp();
    let scope = key.scope(&date);
    // `ALGORITHM Credential=AKID/scope, SignedHeaders=..., Signature=...`.
    let mut buf = OutBuf::new(out);
    buf.put_str(key.algorithm());
    buf.put(b" Credential=");
    buf.put_str(key.access_key_id());
    buf.put(b"/");
    scope.write(&mut buf);
    buf.put(b", SignedHeaders=");
    headers.write_signed_headers(&mut buf, b";", false);
    let canonical = CanonicalRequest {
        method: request.method,
        path: target.path,
        normalize_path: settings.normalize_path,
        double_encode_path: settings.double_encode_path,
        query: CanonicalQuery::Params {
            params: &params,
            added: &[],
            skip: &[],
        },
        headers: &headers,
        payload: payload.as_str(),
    };
    let signature = tracer.run(key, &amz_date, &scope, &canonical)?;
    buf.put(b", Signature=");
    let signature_at = buf.position();
    put_hex(&mut buf, signature.as_ref());
    Ok(HeaderSignature {
        authorization: buf.finish()?,
        x_amz_date: amz_date,
        security_token: token,
        s3session: settings.session_token == SessionTokenMode::S3Express,
        region_set: key.region_set(),
        content_sha256: add_content_sha256.then_some(payload),
        signature_at,
    })
}
