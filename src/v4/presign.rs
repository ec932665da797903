//! Presigned URLs: the signature travels in the query string.
//!
//! The signer adds `X-Amz-Algorithm`, `X-Amz-Credential`, `X-Amz-Date`,
//! `X-Amz-Expires`, `X-Amz-SignedHeaders` (and `X-Amz-Security-Token`) to
//! the canonical query, signs, and appends `X-Amz-Signature`. The query of
//! the URL is the canonical query itself, so the URL carries exactly the
//! bytes that were signed.
//! See <https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html#add-signature-to-request>
//! and <https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html>.

use crate::canonical::headers::Headers;
use crate::canonical::params::{self, Params};
use crate::canonical::payload::PayloadHash;
use crate::canonical::query::{Param, Value};
use crate::canonical::request::{CanonicalQuery, CanonicalRequest, Copies, check_method};
use crate::canonical::{path, target::Target};
use crate::digits::{Digits, put_hex};
use crate::encode::encode_into;
use crate::output::Output;
use crate::sink::{Discard, OutBuf, Sink};
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
    };
    job.run_into::<_, true>(signer, out.into())
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
    };
    job.run_into::<_, true>(signer, out.into())
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
}

/// What to presign, and how to write it.
pub(crate) struct Job<'j> {
    pub(crate) request: &'j Request<'j>,
    pub(crate) expires_in: u32,
    pub(crate) settings: &'j SigningSettings,
    pub(crate) emit: Emit<'j>,
}

impl Job<'_> {
    /// [`run`] with the trace the output asks for.
    pub(crate) fn run_into<'o, K: Key, const CHECK_TARGET: bool>(
        &self,
        signer: &Signer<'_, K>,
        out: Output<'o>,
    ) -> Result<Presigned<'o>, Error> {
        match out.trace {
            None => run::<_, _, CHECK_TARGET>(signer, self, out.buf, &mut NoTrace),
            Some(trace) => run::<_, _, CHECK_TARGET>(signer, self, out.buf, trace),
        }
    }
}

/// Presigns `job.request`. `CHECK_TARGET` is false only for targets the crate
/// wrote itself with its encoder from checked parts (S3 bucket, object key
/// and query: see [`Target::split`]), which are split, not checked again.
fn run<'o, K: Key, T: Tracer, const CHECK_TARGET: bool>(
    signer: &Signer<'_, K>,
    job: &Job<'_>,
    out: &'o mut [u8],
    tracer: &mut T,
) -> Result<Presigned<'o>, Error> {
    let Job {
        request,
        expires_in,
        settings,
        emit,
    } = *job;
    if settings.expires_param && !(1..=MAX_EXPIRES).contains(&expires_in) {
        return Err(Error::ExpiresOutOfRange);
    }
    let key = signer.key;
    let time = signer.time;
    // A URL signed with temporary credentials stops working when they
    // expire, whatever X-Amz-Expires says: say so now rather than then.
    let expires_in = match signer.expires_at {
        Some(end)
            if settings.expires_param
                && time.unix_seconds() + i64::from(expires_in) > end.unix_seconds() =>
        {
            if !settings.clamp_expires_to_credentials {
                return Err(Error::ExpiresAfterCredentials);
            }
            // `check_time` made sure that `end` is after `time`.
            u32::try_from(end.unix_seconds() - time.unix_seconds())
                .map_err(|_| Error::ExpiresAfterCredentials)?
        }
        _ => expires_in,
    };
    check_method(request.method)?;
    let target = if CHECK_TARGET {
        let target = if let Some(scheme) = emit.scheme {
            check_scheme(scheme)?;
            Target::parse_for_url(request.target)?
        } else {
            Target::parse(request.target)?
        };
        path::check(target.path, settings.double_encode_path)?;
        target
    } else {
        Target::split(request.target)
    };
    let mut room = params::room(target.query);
    let mut query = Params::new_in(target.query, &mut room);
    query.read(target.query_offset, &AUTH_PARAMETERS)?;
    // S3 presigned URLs sign `UNSIGNED-PAYLOAD` for a body (sent later),
    // unless the request declares its own `x-amz-content-sha256`.
    let given = match request.payload {
        Payload::Body(b) if settings.presign_unsigned_payload && !b.is_empty() => Payload::Unsigned,
        other => other,
    };
    let (mut payload, declared) = PayloadHash::of_request(&given, request.headers)?;
    if !declared && settings.presign_unsigned_payload && matches!(given, Payload::Body(_)) {
        payload = PayloadHash::of(&Payload::Unsigned)?;
    }
    let host = Headers::check_with_host(request.headers, &[], emit.host)?;
    let given_host = [("host", host)];
    let headers = Headers::new(
        request.headers,
        if emit.host.is_some() {
            &given_host
        } else {
            &[]
        },
    );

    let amz_date = time.amz_date();
    let expires = Digits::decimal(u64::from(expires_in));
    let date = time.date_stamp();
    let scope = key.scope(&date);
    let token = signer.session_token;
    let signed_token = token.filter(|_| settings.session_token == SessionTokenMode::Signed);
    // In canonical (byte) order, as the merge into the query expects;
    // built in place (no array of candidates copied over).
    let mut params = [Param::default(); 7];
    let mut n_params = 0;
    let mut add = |key, value| {
        if let Some(slot) = params.get_mut(n_params) {
            *slot = Param::added_lead(key, value);
            n_params += 1;
        }
    };
    add("&X-Amz-Algorithm=", Value::Unreserved(key.algorithm()));
    add(
        "&X-Amz-Credential=",
        match scope.credential() {
            Some(text) => Value::Canonical(text),
            None => Value::Credential(key.access_key_id(), scope.as_slice()),
        },
    );
    add("&X-Amz-Date=", Value::Unreserved(amz_date.as_str()));
    if settings.expires_param {
        add("&X-Amz-Expires=", Value::Unreserved(expires.as_str()));
    }
    if let Some(r) = key.region_set() {
        add("&X-Amz-Region-Set=", Value::Text(r));
    }
    if let Some(t) = signed_token {
        add("&X-Amz-Security-Token=", Value::Text(t));
    }
    add("&X-Amz-SignedHeaders=", Value::SignedHeaders(&headers));

    let mut buf = OutBuf::new(out);
    if let Some(scheme) = emit.scheme {
        buf.put_str(scheme);
        buf.put(b"://");
        buf.put_str(host);
    }
    // The path is sent as given: services other than S3 canonicalise what
    // they receive, and S3 signs it verbatim.
    buf.put_str(target.path);
    buf.put(b"?");
    // The query of the URL is the canonical query string: written once,
    // into the URL, and hashed from there.
    let added = params.get(..n_params).unwrap_or_default();
    let query_start = buf.position();
    query.write(&mut buf, added, &[]);
    let written = buf.written(query_start..buf.position());
    let canonical = CanonicalRequest {
        method: request.method,
        path: target.path,
        normalize_path: settings.normalize_path,
        double_encode_path: settings.double_encode_path,
        // When it did not fit, the signature is still computed (so that
        // the error can tell the size needed), from the parameters.
        query: written.map_or(
            CanonicalQuery::Params {
                params: &query,
                added,
                skip: &[],
            },
            CanonicalQuery::Written,
        ),
        headers: &headers,
        payload: payload.as_str(),
    };
    let mut copies = Copies {
        out: Discard,
        signed_headers: false,
    };
    let signature = tracer.run(key, &amz_date, &scope, &canonical, &mut copies)?;
    buf.put(b"&X-Amz-Signature=");
    let signature_at = buf.position();
    put_hex(&mut buf, signature.as_ref());
    let signature_end = buf.position();
    if let (Some(t), None) = (token, signed_token) {
        buf.put(b"&X-Amz-Security-Token=");
        encode_into(&mut buf, t.as_bytes(), false);
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
