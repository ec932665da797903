//! Presigned URLs: the signature travels in the query string.
//!
//! The signer adds `X-Amz-Algorithm`, `X-Amz-Credential`, `X-Amz-Date`,
//! `X-Amz-Expires`, `X-Amz-SignedHeaders` (and `X-Amz-Security-Token`, or
//! with S3 Express One Zone session auth `X-Amz-S3session-Token`) to
//! the canonical query, signs, and appends `X-Amz-Signature`. The query of
//! the URL is the canonical query itself, so the URL carries exactly the
//! bytes that were signed.
//! See <https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html#add-signature-to-request>
//! and <https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html>.

use crate::canonical::headers::Headers;
use crate::canonical::params::{self, Params};
use crate::canonical::payload::PayloadHash;
use crate::canonical::query::{Param, Value};
use crate::canonical::request::{CanonicalQuery, CanonicalRequest, check_method};
use crate::canonical::{path, target::Target};
use crate::digits::{Digits, put_hex};
use crate::encode::encode_into;
use crate::output::Output;
use crate::sink::{OutBuf, Sink};
use crate::v4::signature::{NoTrace, Signature, Tracer};
use crate::v4::signer::{Key, Signer};
use crate::v4::{SessionTokenMode, SigningSettings};
use crate::{Error, Payload, Request};

/// The longest validity of a presigned URL: 7 days.
pub const MAX_EXPIRES: u32 = 604_800;

/// The query parameters a request to presign must not carry already.
pub const AUTH_PARAMETERS: [&str; 8] = [
    "X-Amz-Algorithm",
    "X-Amz-Credential",
    "X-Amz-Date",
    "X-Amz-Expires",
    "X-Amz-SignedHeaders",
    "X-Amz-Signature",
    "X-Amz-Security-Token",
    "X-Amz-Region-Set",
];

/// A presigned request-target (or URL), written into the caller's buffer.
///
/// `Display` writes the URL (what it is for); `Debug` shows only its length
/// and signature, since the URL may carry a session token.
#[derive(Clone, Copy)]
#[must_use]
pub struct Presigned<'o> {
    text: &'o str,
    /// Where the hex signature is in `text`.
    signature_at: usize,
    signature_end: usize,
}

impl<'o> Presigned<'o> {
    /// The presigned target (`/path?...&X-Amz-Signature=...`) or URL.
    #[must_use]
    pub fn as_str(&self) -> &'o str {
        self.text
    }

    /// The signature (the `X-Amz-Signature` value, read from the text).
    #[must_use]
    pub fn signature(&self) -> Signature {
        Signature::from_hex_bytes(
            self.text
                .as_bytes()
                .get(self.signature_at..self.signature_end)
                .unwrap_or_default(),
        )
    }
}

impl<'o> Presigned<'o> {
    /// `text` with the hex signature at `signature_at..signature_end`.
    pub(crate) fn new(text: &'o str, signature_at: usize, signature_end: usize) -> Self {
        Self {
            text,
            signature_at,
            signature_end,
        }
    }

    /// Where the hex signature is in the text.
    pub(crate) fn signature_range(&self) -> core::ops::Range<usize> {
        self.signature_at..self.signature_end
    }
}

impl core::fmt::Debug for Presigned<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Presigned")
            .field("len", &self.text.len())
            .field("signature", &self.signature())
            .finish_non_exhaustive()
    }
}

impl core::fmt::Display for Presigned<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.text)
    }
}

/// Presigns `request` for `expires_in` seconds and writes the presigned
/// request-target (`/path?query&X-Amz-Signature=...`) into `out`.
///
/// The path is written as sent; the query is the canonical query string.
///
/// ```
/// use awsig::{Credentials, Request, SigningTime, v4};
///
/// let creds = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", None)?;
/// let time = SigningTime::parse_rfc3339("2015-08-30T12:36:00Z")?;
/// let key = v4::SigningKey::derive(&creds, time, "us-east-1", "service")?;
/// let headers = [("Host", "example.amazonaws.com")];
/// let mut buf = [0u8; 512];
/// let target = v4::presign(&v4::Signer::new(&key, &creds, time)?, &Request::new("GET", "/?a=b", &headers), 60, &v4::SigningSettings::new(), &mut buf)?;
/// assert!(target.as_str().starts_with("/?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2F"));
/// assert!(target.as_str().contains("&X-Amz-Expires=60&X-Amz-SignedHeaders=host&a=b&X-Amz-Signature="));
/// # Ok::<(), awsig::Error>(())
/// ```
///
/// # Errors
/// Any input error (see [`Error`]), [`Error::ExpiresOutOfRange`] outside
/// 1..=604800, [`Error::AuthParameterPresent`] when the request is presigned
/// already, [`Error::ExpiresAfterCredentials`], [`Error::BufferTooSmall`].
pub fn presign<'o, K: Key>(
    signer: &Signer<'_, K>,
    request: &Request<'_>,
    expires_in: u32,
    settings: &SigningSettings,
    out: impl Into<Output<'o>>,
) -> Result<Presigned<'o>, Error> {
    let job = Job {
        request,
        expires_in,
        settings,
        emit: Emit::TARGET,
        target_is_ours: false,
    };
    job.run_into(signer, out.into())
}

/// [`presign`], writing a whole URL: the request's scheme (`https` unless
/// [`Request::with_scheme`] says otherwise), `://`, the `Host` header, and
/// the presigned target.
///
/// ```
/// use awsig::{Credentials, Request, SigningTime, v4};
///
/// let creds = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", None)?;
/// let time = SigningTime::parse_rfc3339("2015-08-30T12:36:00Z")?;
/// let key = v4::SigningKey::derive(&creds, time, "us-east-1", "s3")?;
/// let headers = [("Host", "127.0.0.1:9000")];
/// let request = Request::new("GET", "/bucket/key", &headers).with_scheme("http");
/// let mut buf = [0u8; 512];
/// let url = v4::presign_url(&v4::Signer::new(&key, &creds, time)?, &request, 60, &v4::SigningSettings::s3(), &mut buf)?;
/// assert!(url.as_str().starts_with("http://127.0.0.1:9000/bucket/key?X-Amz-Algorithm="));
/// # Ok::<(), awsig::Error>(())
/// ```
///
/// # Errors
/// As [`presign`].
pub fn presign_url<'o, K: Key>(
    signer: &Signer<'_, K>,
    request: &Request<'_>,
    expires_in: u32,
    settings: &SigningSettings,
    out: impl Into<Output<'o>>,
) -> Result<Presigned<'o>, Error> {
    let job = Job {
        request,
        expires_in,
        settings,
        emit: Emit {
            scheme: Some(request.scheme),
            host: None,
        },
        target_is_ours: false,
    };
    job.run_into(signer, out.into())
}

/// What [`run`] writes before the target, and where the host comes from.
#[derive(Clone, Copy)]
pub(crate) struct Emit<'a> {
    /// `scheme://host` before the target, for a URL.
    pub scheme: Option<&'a str>,
    /// The host, when the request's headers do not hold it (it is signed all the same).
    pub host: Option<&'a str>,
}

impl Emit<'_> {
    pub(crate) const TARGET: Self = Self {
        scheme: None,
        host: None,
    };

    /// `scheme://host` for a URL, then the path as sent (services other
    /// than S3 canonicalise what they receive, and S3 signs it verbatim),
    /// then the `?` of the query.
    fn write(&self, buf: &mut OutBuf<'_>, host: &str, path: &str) {
        if let Some(scheme) = self.scheme {
            buf.put_str(scheme);
            buf.put(b"://");
            buf.put_str(host);
        }
        buf.put_str(path);
        buf.put(b"?");
    }
}

/// What to presign, and how to write it.
pub(crate) struct Job<'j> {
    pub(crate) request: &'j Request<'j>,
    pub(crate) expires_in: u32,
    pub(crate) settings: &'j SigningSettings,
    pub(crate) emit: Emit<'j>,
    /// The target was written by the crate's own encoder from checked parts
    /// (an S3 bucket, object key and query: see [`Target::split`]): split,
    /// not checked again.
    pub(crate) target_is_ours: bool,
}

impl Job<'_> {
    /// [`run`] with the trace the output asks for.
    pub(crate) fn run_into<'o, K: Key>(
        &self,
        signer: &Signer<'_, K>,
        out: Output<'o>,
    ) -> Result<Presigned<'o>, Error> {
        match out.trace {
            None => run(signer, self, out.buf, &mut NoTrace),
            Some(trace) => run(signer, self, out.buf, trace),
        }
    }

    /// `X-Amz-Expires`: within 1..=604800, and no later than the
    /// credentials' expiry (a URL signed with temporary credentials stops
    /// working when they expire, whatever it says: say so now, or shorten
    /// it when the settings ask for that).
    fn expires_in<K: Key>(&self, signer: &Signer<'_, K>) -> Result<u32, Error> {
        let (settings, expires_in) = (self.settings, self.expires_in);
        if !settings.expires_param {
            return Ok(expires_in);
        }
        if !(1..=MAX_EXPIRES).contains(&expires_in) {
            return Err(Error::ExpiresOutOfRange);
        }
        let now = signer.time.unix_seconds();
        match signer.expires_at {
            Some(end) if now.saturating_add(i64::from(expires_in)) > end.unix_seconds() => {
                if !settings.clamp_expires_to_credentials {
                    return Err(Error::ExpiresAfterCredentials);
                }
                // `Signer::new` made sure that `end` is after `now`.
                u32::try_from(end.unix_seconds().saturating_sub(now))
                    .map_err(|_| Error::ExpiresAfterCredentials)
            }
            _ => Ok(expires_in),
        }
    }

    /// The method and target, checked: a URL's scheme and target must be
    /// sendable as written; the path must hold only well-formed escapes
    /// when it is not encoded again.
    fn target(&self) -> Result<Target<'_>, Error> {
        let request = self.request;
        check_method(request.method)?;
        if self.target_is_ours {
            return Ok(Target::split(request.target));
        }
        let target = match self.emit.scheme {
            Some(scheme) => {
                check_scheme(scheme)?;
                Target::parse_for_url(request.target)?
            }
            None => Target::parse(request.target)?,
        };
        path::check(target.path, self.settings.double_encode_path)?;
        Ok(target)
    }

    /// The payload line: S3 presigned URLs sign `UNSIGNED-PAYLOAD` for a
    /// body (sent later), unless the request declares its own
    /// `x-amz-content-sha256`.
    fn payload(&self) -> Result<PayloadHash, Error> {
        let (request, settings) = (self.request, self.settings);
        let given = match request.payload {
            Payload::Body(b) if settings.presign_unsigned_payload && !b.is_empty() => {
                Payload::Unsigned
            }
            other => other,
        };
        let (payload, declared) = PayloadHash::of_request(&given, request.headers)?;
        if !declared && settings.presign_unsigned_payload && matches!(given, Payload::Body(_)) {
            return PayloadHash::of(&Payload::Unsigned);
        }
        Ok(payload)
    }
}

/// The parameters a request to presign must not carry already.
const REFUSED: &[&str] = &AUTH_PARAMETERS;

/// The same, and the S3 Express session token, for S3 Express session auth.
const REFUSED_S3EXPRESS: &[&str] = &[
    "X-Amz-Algorithm",
    "X-Amz-Credential",
    "X-Amz-Date",
    "X-Amz-Expires",
    "X-Amz-SignedHeaders",
    "X-Amz-Signature",
    "X-Amz-Security-Token",
    "X-Amz-Region-Set",
    "X-Amz-S3session-Token",
];

/// The `X-Amz-*` parameters a presigned URL adds to the query, in canonical
/// (byte) order, as the merge into the query expects.
struct AuthParams<'a> {
    params: [Param<'a>; 7],
    len: usize,
}

impl<'a> AuthParams<'a> {
    fn add(&mut self, lead: &'static str, value: Value<'a>) {
        if let Some(slot) = self.params.get_mut(self.len) {
            *slot = Param::added_lead(lead, value);
            self.len = self.len.saturating_add(1);
        }
    }

    fn as_slice(&self) -> &[Param<'a>] {
        self.params.get(..self.len).unwrap_or_default()
    }
}

/// The signed parts of the query: what [`AuthParams`] is made of.
struct Signed<'a> {
    algorithm: &'static str,
    credential: Value<'a>,
    amz_date: &'a str,
    expires: Option<&'a str>,
    region_set: Option<&'a str>,
    token: Option<&'a str>,
    /// The token is S3 Express's `X-Amz-S3session-Token`.
    s3session: bool,
    headers: &'a Headers<'a>,
}

impl<'a> Signed<'a> {
    fn params(&self) -> AuthParams<'a> {
        let mut p = AuthParams {
            params: [Param::default(); 7],
            len: 0,
        };
        p.add("&X-Amz-Algorithm=", Value::Unreserved(self.algorithm));
        p.add("&X-Amz-Credential=", self.credential);
        p.add("&X-Amz-Date=", Value::Unreserved(self.amz_date));
        if let Some(expires) = self.expires {
            p.add("&X-Amz-Expires=", Value::Unreserved(expires));
        }
        if let Some(set) = self.region_set {
            p.add("&X-Amz-Region-Set=", Value::Text(set));
        }
        // `X-Amz-S3session-Token` sorts before `X-Amz-Security-Token`
        // (`3` < `e`): either stands here.
        match self.token {
            Some(token) if self.s3session => p.add("&X-Amz-S3session-Token=", Value::Text(token)),
            Some(token) => p.add("&X-Amz-Security-Token=", Value::Text(token)),
            None => {}
        }
        p.add("&X-Amz-SignedHeaders=", Value::SignedHeaders(self.headers));
        p
    }
}

/// Presigns `job.request`: checks it, adds the authentication parameters to
/// its query, signs, and writes the target (or URL) with the signature.
fn run<'o, K: Key, T: Tracer>(
    signer: &Signer<'_, K>,
    job: &Job<'_>,
    out: &'o mut [u8],
    tracer: &mut T,
) -> Result<Presigned<'o>, Error> {
    let (request, settings, emit) = (job.request, job.settings, job.emit);
    let expires_in = job.expires_in(signer)?;
    let target = job.target()?;
    let mut spans = params::SPANS;
    let refused = if settings.session_token == SessionTokenMode::S3Express {
        REFUSED_S3EXPRESS
    } else {
        REFUSED
    };
    let query = Params::parse(target.query, &mut spans, target.query_offset, refused)?;
    let payload = job.payload()?;
    let host = Headers::check_with_host(request.headers, &[], emit.host)?;
    let given_host = [("host", host)];
    let added_host: &[(&str, &str)] = if emit.host.is_some() {
        &given_host
    } else {
        &[]
    };
    let headers = Headers::new(request.headers, added_host);

    let (key, time) = (signer.key, signer.time);
    let amz_date = time.amz_date();
    let expires = Digits::decimal(u64::from(expires_in));
    let date = time.date_stamp();
    let scope = key.scope(&date);
    let token = signer.session_token;
    let signed_token =
        token.filter(|_| settings.session_token != SessionTokenMode::AppendedUnsigned);
    let auth = Signed {
        algorithm: key.algorithm(),
        credential: Value::Credential(key.access_key_id(), scope.as_slice()),
        amz_date: amz_date.as_str(),
        expires: settings.expires_param.then(|| expires.as_str()),
        region_set: key.region_set(),
        token: signed_token,
        s3session: settings.session_token == SessionTokenMode::S3Express,
        headers: &headers,
    }
    .params();

    let mut buf = OutBuf::new(out);
    emit.write(&mut buf, host, target.path);
    // The query of the URL is the canonical query string: written once,
    // into the URL, and hashed from there (or, when it did not fit, from
    // the parameters, so that the error can tell the size needed).
    let query_start = buf.position();
    query.write(&mut buf, auth.as_slice(), &[]);
    let canonical = CanonicalRequest {
        method: request.method,
        path: target.path,
        normalize_path: settings.normalize_path,
        double_encode_path: settings.double_encode_path,
        query: buf.written(query_start..buf.position()).map_or(
            CanonicalQuery::Params {
                params: &query,
                added: auth.as_slice(),
                skip: &[],
            },
            CanonicalQuery::Written,
        ),
        headers: &headers,
        payload: payload.as_str(),
    };
    let signature = tracer.run(key, &amz_date, &scope, &canonical)?;
    finish(
        &mut buf,
        signature.as_ref(),
        token.filter(|_| signed_token.is_none()),
    )
}

/// Appends `X-Amz-Signature` and, when it goes unsigned, the session token.
fn finish<'o>(
    buf: &mut OutBuf<'o>,
    signature: &[u8],
    unsigned_token: Option<&str>,
) -> Result<Presigned<'o>, Error> {
    buf.put(b"&X-Amz-Signature=");
    let signature_at = buf.position();
    put_hex(buf, signature);
    let signature_end = buf.position();
    if let Some(token) = unsigned_token {
        buf.put(b"&X-Amz-Security-Token=");
        encode_into(buf, token.as_bytes(), false);
    }
    Ok(Presigned {
        text: buf.finish()?,
        signature_at,
        signature_end,
    })
}

/// RFC 3986 §3.1: `ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )`.
pub(crate) fn check_scheme(scheme: &str) -> Result<(), Error> {
    let mut bytes = scheme.bytes();
    let ok = bytes.next().is_some_and(|b| b.is_ascii_alphabetic())
        && bytes.all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'));
    if ok {
        Ok(())
    } else {
        Err(Error::InvalidScheme)
    }
}
