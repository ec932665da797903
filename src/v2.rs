//! Signature Version 2, as the SQS, EC2, SimpleDB, ELB and Auto Scaling
//! Query APIs define it (`SignatureVersion=2`, `SignatureMethod=HmacSHA256`).
//!
//! ```text
//! StringToSign = HTTPVerb + "\n" +
//!                lowercase(Host header, port kept) + "\n" +
//!                HTTPRequestURI + "\n" +          (the path as sent, "/" if empty)
//!                CanonicalizedQueryString          (sorted by parameter name)
//! Signature    = Base64(HMAC-SHA256(secret access key, StringToSign))
//! ```
//!
//! The signer adds `AWSAccessKeyId`, `SignatureMethod`, `SignatureVersion`,
//! `Timestamp` or `Expires`, and `SecurityToken` for temporary credentials.
//! Parameters are sorted by name in byte order and encoded per RFC 3986
//! (space as `%20`, `~` kept), the same encoder SigV4 uses. See
//! <https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-making-api-requests.html>
//! and <https://docs.aws.amazon.com/general/latest/gr/signature-version-2.html>.

use core::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use crate::canonical::headers::Headers;
use crate::canonical::params::Params;
use crate::canonical::query::{self, Order, Param, Value};
use crate::canonical::request::check_method;
use crate::canonical::target::Target;
use crate::encode::encode_into;
use crate::mac::HmacKey;
use crate::output::Output;
use crate::sink::{Discard, FmtSink, OutBuf, Sink, Tee};
use crate::{Credentials, Error, Request, SigningTime};

/// The query parameters the signer adds, which a request must not carry.
pub const AUTH_PARAMETERS: [&str; 7] = [
    "AWSAccessKeyId",
    "Signature",
    "SignatureMethod",
    "SignatureVersion",
    "SecurityToken",
    "Timestamp",
    "Expires",
];

/// How long the signed request is valid: SigV2 takes exactly one of these.
///
/// ```
/// use awsig::{Credentials, Request, SigningTime, v2};
///
/// let creds = Credentials::new("AKIDEXAMPLE", "secret", None)?;
/// let until = SigningTime::parse_rfc3339("2020-12-18T23:52:43Z")?;
/// let headers = [("Host", "sqs.us-east-2.amazonaws.com")];
/// let mut buf = [0u8; 512];
/// let signed = v2::sign_query(&creds, &Request::new("GET", "/?Action=ListQueues", &headers), v2::Validity::Expires(until), v2::SignatureMethod::HmacSha256, &mut buf)?;
/// assert!(signed.as_str().contains("&Expires=2020-12-18T23%3A52%3A43Z&"));
/// # Ok::<(), awsig::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Validity {
    /// `Timestamp`: the time of signing; the service accepts the request for
    /// a while around it (15 minutes for SQS).
    Timestamp(SigningTime),
    /// `Expires`: the time until which the request is valid.
    Expires(SigningTime),
}

/// The HMAC of `SignatureMethod`.
///
/// ```
/// use awsig::{Credentials, Error, Request, SigningTime, v2};
///
/// let creds = Credentials::new("AKIDEXAMPLE", "secret", None)?;
/// let t = SigningTime::parse_rfc3339("2020-12-18T22:52:43Z")?;
/// let headers = [("Host", "sqs.us-east-2.amazonaws.com")];
/// let request = Request::new("GET", "/?Action=ListQueues", &headers);
/// let mut buf = [0u8; 512];
/// let sha1 = v2::sign_query(&creds, &request, v2::Validity::Timestamp(t), v2::SignatureMethod::HmacSha1, &mut buf);
/// assert_eq!(sha1.unwrap_err(), Error::UnsupportedSignatureMethod);
/// # Ok::<(), awsig::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum SignatureMethod {
    /// `HmacSHA256`.
    #[default]
    HmacSha256,
    /// `HmacSHA1`: refused with [`Error::UnsupportedSignatureMethod`]
    /// (SHA-1 is deprecated, and the crate carries no SHA-1 code).
    HmacSha1,
}

/// A SigV2-signed request-target, URL or form body, in the caller's buffer.
///
/// `Display` writes it; `Debug` shows only its length and signature, since
/// it may carry a `SecurityToken`.
///
/// ```
/// use awsig::{Credentials, Request, SigningTime, v2};
///
/// let creds = Credentials::new("AKIDEXAMPLE", "secret", Some("token"))?;
/// let t = SigningTime::parse_rfc3339("2020-12-18T22:52:43Z")?;
/// let headers = [("Host", "sqs.us-east-2.amazonaws.com")];
/// let mut buf = [0u8; 512];
/// let signed = v2::sign_query(&creds, &Request::new("GET", "/?Action=ListQueues", &headers), v2::Validity::Timestamp(t), v2::SignatureMethod::HmacSha256, &mut buf)?;
/// assert_eq!(signed.to_string(), signed.as_str());
/// assert!(!format!("{signed:?}").contains("token"));
/// # Ok::<(), awsig::Error>(())
/// ```
#[derive(Clone, Copy)]
#[must_use]
pub struct V2Signed<'o> {
    text: &'o str,
    signature: [u8; 44],
}

impl<'o> V2Signed<'o> {
    /// The signed target (`/path?...&Signature=...`), URL or form body.
    ///
    /// ```
    /// # use awsig::{Credentials, Request, SigningTime, v2};
    /// # let creds = Credentials::new("AKIDEXAMPLE", "secret", None)?;
    /// # let t = SigningTime::parse_rfc3339("2020-12-18T22:52:43Z")?;
    /// # let headers = [("Host", "sqs.us-east-2.amazonaws.com")];
    /// # let request = Request::new("POST", "/123456789012/q", &headers);
    /// let mut buf = [0u8; 512];
    /// let body = v2::sign_form(&creds, &request, "Action=SendMessage&MessageBody=hi", v2::Validity::Timestamp(t), v2::SignatureMethod::HmacSha256, &mut buf)?;
    /// // The form body to send: the parameters, sorted, then the signature.
    /// assert!(body.as_str().starts_with("AWSAccessKeyId=AKIDEXAMPLE&Action=SendMessage&MessageBody=hi&SignatureMethod=HmacSHA256&"));
    /// assert!(body.as_str().contains("&Signature="));
    /// # Ok::<(), awsig::Error>(())
    /// ```
    #[must_use]
    pub fn as_str(&self) -> &'o str {
        self.text
    }

    /// The signature, base64 (before URL encoding).
    ///
    /// ```
    /// use awsig::{Credentials, Request, SigningTime, v2};
    ///
    /// // The SQS documentation's CreateQueue with temporary credentials (the
    /// // seed corpus's case, checked against botocore).
    /// let token = "IQoJb3JpZ2luX2VjEBoaCXVzLWVhc3QtMiJHMEUCIQAvFvx7TWScuT/QLhFHpW/5yOBS4zNDqLBrjjp8COfZEb23Gd3Q9jGMVF/X25vb46Zc75AwZ9JYJcsy1beVsR3aWaFJxlIB/NLQ2QpN5sgQbVhaOEme1EiP0Eask/dAkNZ36kX9SD6Ct3QMBBHW3icHewZt2PRWFEXeIsMyRDsrTknGVtBKuQ7lZSDejpvROHM/HAJN1hgR1dNN1H8NEWWFAJLZNCMRYtmHQwcuC1IToUPLez6mSKa+Fo5oY1ol/Q==";
    /// let creds = Credentials::new("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", Some(token))?;
    /// let t = SigningTime::parse_rfc3339("2020-12-18T22:52:43Z")?;
    /// let headers = [("Host", "sqs.us-east-2.amazonaws.com")];
    /// let request = Request::new("GET", "/?Action=CreateQueue&DefaultVisibilityTimeout=40&QueueName=MyQueue&Attribute.1.Name=VisibilityTimeout&Attribute.1.Value=40&Version=2012-11-05", &headers);
    /// let mut buf = [0u8; 2048];
    /// let signed = v2::sign_query(&creds, &request, v2::Validity::Timestamp(t), v2::SignatureMethod::HmacSha256, &mut buf)?;
    /// assert_eq!(signed.signature(), "al/3BpWbfsYJdpLMFyemKcnCoiGl37ro080tIifDli8=");
    /// assert!(signed.as_str().ends_with("&Signature=al%2F3BpWbfsYJdpLMFyemKcnCoiGl37ro080tIifDli8%3D"));
    /// # Ok::<(), awsig::Error>(())
    /// ```
    #[must_use]
    pub fn signature(&self) -> &str {
        core::str::from_utf8(&self.signature).unwrap_or_default()
    }
}

impl fmt::Debug for V2Signed<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("V2Signed")
            .field("len", &self.text.len())
            .field("signature", &self.signature())
            .finish_non_exhaustive()
    }
}

impl fmt::Display for V2Signed<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.text)
    }
}

/// Signs the query of `request` and writes the signed target
/// (`/path?params&Signature=...`) into `out`.
///
/// ```
/// use awsig::{Credentials, Request, SigningTime, v2};
///
/// let creds = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", None)?;
/// let time = SigningTime::parse_rfc3339("2011-10-03T15:19:30Z")?;
/// let headers = [("Host", "sqs.us-east-1.amazonaws.com")];
/// let request = Request::new("GET", "/?Action=ListQueues&Version=2012-11-05", &headers);
/// let mut buf = [0u8; 512];
/// let signed = v2::sign_query(&creds, &request, v2::Validity::Timestamp(time), v2::SignatureMethod::HmacSha256, &mut buf)?;
/// assert!(signed.as_str().starts_with("/?AWSAccessKeyId=AKIDEXAMPLE&Action=ListQueues&SignatureMethod=HmacSHA256&SignatureVersion=2&Timestamp=2011-10-03T15%3A19%3A30Z"));
/// assert_eq!(signed.signature().len(), 44);
/// # Ok::<(), awsig::Error>(())
/// ```
///
/// # Errors
/// Input errors (see [`Error`]); [`Error::UnsupportedSignatureMethod`] for
/// `HmacSHA1`; [`Error::AuthParameterPresent`] when the query carries one of
/// [`AUTH_PARAMETERS`]; [`Error::BufferTooSmall`].
pub fn sign_query<'o>(
    credentials: &Credentials<'_>,
    request: &Request<'_>,
    validity: Validity,
    method: SignatureMethod,
    out: impl Into<Output<'o>>,
) -> Result<V2Signed<'o>, Error> {
    let target = Target::parse(request.target)?;
    let job = Job {
        request,
        target,
        params: target.query,
        validity,
        method,
        form: Form::Query,
        scheme: None,
    };
    job.run_into(credentials, out.into())
}

/// [`sign_query`], writing a whole URL: the request's scheme (`https`
/// unless [`Request::with_scheme`] says otherwise), `://`, the `Host`
/// header, and the signed target. The target must be sendable as is (no
/// raw space or non-ASCII byte: percent-encode them first).
///
/// ```
/// use awsig::{Credentials, Request, SigningTime, v2};
///
/// let creds = Credentials::new("AKIDEXAMPLE", "secret", None)?;
/// let time = SigningTime::parse_rfc3339("2011-10-03T15:19:30Z")?;
/// let headers = [("Host", "localhost:9324")]; // a local SQS-compatible queue
/// let request = Request::new("GET", "/?Action=ListQueues", &headers).with_scheme("http");
/// let mut buf = [0u8; 512];
/// let url = v2::sign_query_url(&creds, &request, v2::Validity::Timestamp(time), v2::SignatureMethod::HmacSha256, &mut buf)?;
/// assert!(url.as_str().starts_with("http://localhost:9324/?AWSAccessKeyId=AKIDEXAMPLE&Action=ListQueues&"));
/// # Ok::<(), awsig::Error>(())
/// ```
///
/// # Errors
/// As [`sign_query`]; [`Error::InvalidScheme`]; [`Error::InvalidTargetByte`]
/// for a byte that cannot be sent as is.
pub fn sign_query_url<'o>(
    credentials: &Credentials<'_>,
    request: &Request<'_>,
    validity: Validity,
    method: SignatureMethod,
    out: impl Into<Output<'o>>,
) -> Result<V2Signed<'o>, Error> {
    crate::v4::presign::check_scheme(request.scheme)?;
    let target = Target::parse_for_url(request.target)?;
    let job = Job {
        request,
        target,
        params: target.query,
        validity,
        method,
        form: Form::Query,
        scheme: Some(request.scheme),
    };
    job.run_into(credentials, out.into())
}

/// Signs `form` (the `application/x-www-form-urlencoded` parameters of a
/// POST, percent-encoded, `+` taken as a literal plus) and writes the body to
/// send, parameters and `Signature`, into `out`. The target must have no
/// query.
///
/// ```
/// use awsig::{Credentials, Request, SigningTime, v2};
///
/// let creds = Credentials::new("AKIDEXAMPLE", "secret", Some("token"))?;
/// let time = SigningTime::parse_rfc3339("2011-10-03T15:19:30Z")?;
/// let headers = [("Host", "sqs.us-east-1.amazonaws.com")];
/// let request = Request::new("POST", "/123456789012/queue", &headers);
/// let mut buf = [0u8; 512];
/// let body = v2::sign_form(&creds, &request, "Action=SendMessage&MessageBody=hi", v2::Validity::Timestamp(time), v2::SignatureMethod::HmacSha256, &mut buf)?;
/// assert!(body.as_str().contains("&SecurityToken=token&"));
/// # Ok::<(), awsig::Error>(())
/// ```
///
/// # Errors
/// As [`sign_query`]; [`Error::InvalidV2Parameters`] when the target has a query.
pub fn sign_form<'o>(
    credentials: &Credentials<'_>,
    request: &Request<'_>,
    form: &str,
    validity: Validity,
    method: SignatureMethod,
    out: impl Into<Output<'o>>,
) -> Result<V2Signed<'o>, Error> {
    let target = form_target(request, form)?;
    let job = Job {
        request,
        target,
        params: form,
        validity,
        method,
        form: Form::Body,
        scheme: None,
    };
    job.run_into(credentials, out.into())
}

/// What to sign, and where the signature goes.
struct Job<'j> {
    request: &'j Request<'j>,
    target: Target<'j>,
    params: &'j str,
    validity: Validity,
    method: SignatureMethod,
    form: Form,
    /// `scheme://host` before the target, for a URL.
    scheme: Option<&'j str>,
}

impl Job<'_> {
    /// [`run`] with the trace the output asks for.
    fn run_into<'o>(
        &self,
        credentials: &Credentials<'_>,
        out: Output<'o>,
    ) -> Result<V2Signed<'o>, Error> {
        let Some(trace) = out.trace else {
            return run(credentials, self, out.buf, Discard);
        };
        let mut sink = FmtSink {
            w: &mut *trace.string_to_sign,
            failed: false,
        };
        let signed = run(credentials, self, out.buf, &mut sink)?;
        if sink.failed {
            return Err(Error::WriteFailed);
        }
        Ok(signed)
    }
}

/// The parts of the SigV2 string to sign:
/// `METHOD \n lowercase(host) \n path \n sorted, encoded parameters`.
pub(crate) struct StringToSign<'a> {
    pub(crate) method: &'a str,
    pub(crate) host: &'a str,
    pub(crate) path: &'a str,
    pub(crate) params: &'a str,
    pub(crate) added: &'a [Param<'a>],
    /// Received parameters left out (`Signature` when verifying).
    pub(crate) skip: &'a [&'a str],
    /// What a raw `+` stands for: a space in a received query or form.
    pub(crate) plus: crate::encode::Plus,
}

impl StringToSign<'_> {
    /// Writes the string to sign into `sink`, and the parameters alone, as
    /// sent, into `query`.
    pub(crate) fn write<S: Sink, Q: Sink>(&self, sink: &mut S, query: &mut Q) {
        sink.put_str(self.method);
        sink.put(b"\n");
        // The Host header in lowercase, port kept (the Query API docs).
        for chunk in self.host.as_bytes().chunks(64) {
            let mut lower = [0u8; 64];
            let lower = lower.get_mut(..chunk.len()).unwrap_or_default();
            lower.copy_from_slice(chunk);
            lower.make_ascii_lowercase();
            sink.put(lower);
        }
        sink.put(b"\n");
        sink.put_str(if self.path.is_empty() { "/" } else { self.path });
        sink.put(b"\n");
        query::write_ordered(
            &mut Tee(&mut *sink, query),
            self.params,
            self.added,
            Order::Decoded,
            self.skip,
            self.plus,
        );
    }
}

/// The target of a form POST: no query of its own; the form holds no
/// control characters.
fn form_target<'r>(request: &Request<'r>, form: &str) -> Result<Target<'r>, Error> {
    let target = Target::parse(request.target)?;
    if !target.query.is_empty() {
        return Err(Error::InvalidV2Parameters);
    }
    if let Some(at) = form.bytes().position(|b| b < 0x20 || b == 0x7f) {
        let byte = form.as_bytes().get(at).copied().unwrap_or_default();
        return Err(Error::InvalidTargetByte { byte, at });
    }
    Ok(target)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Form {
    Query,
    Body,
}

fn run<'o, D: Sink>(
    credentials: &Credentials<'_>,
    job: &Job<'_>,
    out: &'o mut [u8],
    trace: D,
) -> Result<V2Signed<'o>, Error> {
    let Job {
        request,
        target,
        params,
        validity,
        method,
        form,
        scheme,
    } = *job;
    if method != SignatureMethod::HmacSha256 {
        return Err(Error::UnsupportedSignatureMethod);
    }
    check_method(request.method)?;
    let offset = if form == Form::Query {
        target.query_offset
    } else {
        0
    };
    Params::check(params, offset, &AUTH_PARAMETERS)?;
    let host = Headers::check(request.headers, &[])?;

    let (time_key, time) = match validity {
        Validity::Timestamp(t) => ("Timestamp", t.iso8601()),
        Validity::Expires(t) => ("Expires", t.iso8601()),
    };
    let mut added = [
        Param::added("AWSAccessKeyId", Value::Text(credentials.access_key_id())),
        Param::added("SignatureMethod", Value::Text("HmacSHA256")),
        Param::added("SignatureVersion", Value::Text("2")),
        Param::added(time_key, Value::Text(time.as_str())),
        Param::default(),
    ];
    let mut n = 4;
    if let (Some(token), Some(slot)) = (credentials.session_token(), added.get_mut(4)) {
        *slot = Param::added("SecurityToken", Value::Text(token));
        n = 5;
    }

    let mut mac = HmacKey::new(credentials.secret_access_key().as_bytes()).start();
    let mut buf = OutBuf::new(out);
    if let Some(scheme) = scheme {
        buf.put_str(scheme);
        buf.put(b"://");
        buf.put_str(host);
    }
    if form == Form::Query {
        buf.put_str(target.path);
        buf.put(b"?");
    }
    let parts = StringToSign {
        method: request.method,
        host,
        path: target.path,
        params,
        added: added.get(..n).unwrap_or_default(),
        skip: &[],
        plus: crate::encode::Plus::Literal,
    };
    parts.write(&mut Tee(&mut mac, trace), &mut buf);
    let mut signature = [0u8; 44];
    let digest = crate::mac::finish(mac);
    // 32 bytes always encode to 44 base64 characters.
    let _ = STANDARD.encode_slice(digest, &mut signature);
    buf.put(b"&Signature=");
    encode_into(&mut buf, &signature, false);
    Ok(V2Signed {
        text: buf.finish()?,
        signature,
    })
}
