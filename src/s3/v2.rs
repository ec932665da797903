//! S3's Signature Version 2 (feature `s3-sigv2`): HMAC-SHA1 over a string
//! to sign, for the S3-compatible stores and old clients that still speak
//! it (s3s and MinIO verify it).
//!
//! ```text
//! StringToSign = HTTP-Verb + "\n" + Content-MD5 + "\n" + Content-Type + "\n" +
//!                Date (header signing) or Expires (presigning) + "\n" +
//!                CanonicalizedAmzHeaders + CanonicalizedResource
//! Signature    = Base64(HMAC-SHA1(secret access key, StringToSign))
//! ```
//!
//! `CanonicalizedAmzHeaders` is every `x-amz-*` header, name lowercased,
//! values trimmed and joined with `,`, sorted by name, one `name:value\n`
//! each (the session token is one: `x-amz-security-token`).
//! `CanonicalizedResource` is the path as sent (with the bucket: path-style)
//! and the sub-resources of [`SUBRESOURCES`] found in the query, sorted,
//! values percent-decoded. Header signing adds `Date` and
//! `Authorization: AWS <access key id>:<signature>`; presigning adds
//! `AWSAccessKeyId`, `Expires` (Unix seconds), `Signature` and
//! `x-amz-security-token`, and, as botocore does, copies the request's
//! `x-amz-*`, `Content-Type` and `Content-MD5` headers into the query.
//! Byte for byte with botocore's `HmacV1Auth` / `HmacV1QueryAuth`
//! (`tests/vectors/s3-v2.jsonl`). See
//! <https://docs.aws.amazon.com/AmazonS3/latest/userguide/RESTAuthentication.html>.
//!
//! ```
//! use awsig::{Credentials, Request, SigningTime, s3};
//!
//! let creds = Credentials::new("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", None)?;
//! let expires = SigningTime::from_unix_seconds(1_175_139_620)?;
//! let headers = [("Host", "s3.amazonaws.com")];
//! let request = Request::new("GET", "/johnsmith/photos/puppy.jpg", &headers);
//! let mut buf = [0u8; 512];
//! let url = s3::v2::presign(&creds, &request, expires, &mut buf)?;
//! // AWS's documented example ("Query string request authentication",
//! // bucket `johnsmith` as its signature was computed for).
//! assert_eq!(url.signature(), "NpgCjnDzrM+WFzoENXmpNDUsSn8=");
//! assert_eq!(url.as_str(), "/johnsmith/photos/puppy.jpg?AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Expires=1175139620&Signature=NpgCjnDzrM%2BWFzoENXmpNDUsSn8%3D");
//! # Ok::<(), awsig::Error>(())
//! ```
//!
//! With `alloc`, `awsig::with_buffer` sizes the buffer:
//!
//! ```
//! # use awsig::{Credentials, Request, SigningTime, s3};
//! # let creds = Credentials::new("AKIDEXAMPLE", "secret", None)?;
//! # let t = SigningTime::parse_rfc3339("2026-12-03T12:00:00Z")?;
//! let headers = [("Host", "127.0.0.1:9000")];
//! let request = Request::new("GET", "/bucket/key", &headers);
//! let url: String = awsig::with_buffer(|buf| {
//!     s3::v2::presign(&creds, &request, t.checked_add_seconds(300)?, buf).map(|u| format!("http://127.0.0.1:9000{}", u.as_str()))
//! })?;
//! assert!(url.contains("/bucket/key?AWSAccessKeyId=AKIDEXAMPLE&Expires=1796299500&Signature="));
//! # Ok::<(), awsig::Error>(())
//! ```

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::{KeyInit, Mac};
use sha1::Sha1;

use crate::canonical::request::check_method;
use crate::canonical::target::Target;
use crate::digits::Digits;
use crate::encode::{Decoded, encode_into};
use crate::output::{Output, Trace};
use crate::sink::{FmtSink, OutBuf, Sink, Tee};
use crate::{Credentials, Error, Request, SigningTime};

/// The query parameters that are sub-resources, part of the signed
/// resource (botocore's `HmacV1Auth.QSAOfInterest`), in byte order.
///
/// ```
/// # use awsig::{Credentials, Request, SigningTime, s3};
/// # let creds = Credentials::new("AKIDEXAMPLE", "secret", None)?;
/// # let t = SigningTime::parse_rfc3339("2026-12-03T12:00:00Z")?;
/// # let headers = [("Host", "127.0.0.1:9000")];
/// # let mut buf = [0u8; 512];
/// // `acl` is signed, `prefix` is not.
/// let a = s3::v2::presign(&creds, &Request::new("GET", "/b/k?acl&prefix=x", &headers), t, &mut buf)?.signature().to_owned();
/// let b = s3::v2::presign(&creds, &Request::new("GET", "/b/k?acl&prefix=y", &headers), t, &mut buf)?.signature().to_owned();
/// let c = s3::v2::presign(&creds, &Request::new("GET", "/b/k?prefix=x", &headers), t, &mut buf)?.signature().to_owned();
/// assert!(a == b && a != c && s3::v2::SUBRESOURCES.contains(&"acl"));
/// # Ok::<(), awsig::Error>(())
/// ```
pub const SUBRESOURCES: [&str; 35] = [
    "accelerate",
    "acl",
    "analytics",
    "cors",
    "defaultObjectAcl",
    "delete",
    "inventory",
    "lifecycle",
    "location",
    "logging",
    "metrics",
    "notification",
    "object-lock",
    "partNumber",
    "policy",
    "replication",
    "requestPayment",
    "response-cache-control",
    "response-content-disposition",
    "response-content-encoding",
    "response-content-language",
    "response-content-type",
    "response-expires",
    "restore",
    "select",
    "select-type",
    "storageClass",
    "tagging",
    "torrent",
    "uploadId",
    "uploads",
    "versionId",
    "versioning",
    "versions",
    "website",
];

/// The query parameters the presigner adds, which a request must not carry.
///
/// ```
/// # use awsig::{Credentials, Request, SigningTime, s3};
/// # let creds = Credentials::new("AKIDEXAMPLE", "secret", None)?;
/// # let t = SigningTime::parse_rfc3339("2026-12-03T12:00:00Z")?;
/// # let headers = [("Host", "127.0.0.1:9000")];
/// # let mut buf = [0u8; 512];
/// let err = s3::v2::presign(&creds, &Request::new("GET", "/b/k?Expires=1", &headers), t, &mut buf).unwrap_err();
/// assert_eq!(err, awsig::Error::AuthParameterPresent);
/// # Ok::<(), awsig::Error>(())
/// ```
pub const AUTH_PARAMETERS: [&str; 4] = [
    "AWSAccessKeyId",
    "Expires",
    "Signature",
    "x-amz-security-token",
];

/// HMAC-SHA1 under way.
struct Sha1Mac(hmac::Hmac<Sha1>);

impl Sink for Sha1Mac {
    fn put(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }
}

fn sha1_mac(secret: &str) -> Sha1Mac {
    // `new_from_slice` takes keys of any length.
    Sha1Mac(
        <hmac::Hmac<Sha1> as KeyInit>::new_from_slice(secret.as_bytes())
            .unwrap_or_else(|_| <hmac::Hmac<Sha1> as KeyInit>::new(&Default::default())),
    )
}

/// A signature: base64 of the 20-byte HMAC-SHA1, 28 characters.
fn finish(mac: Sha1Mac) -> [u8; 28] {
    let raw: [u8; 20] = mac.0.finalize().into_bytes().into();
    let mut out = [0u8; 28];
    let _ = STANDARD.encode_slice(raw, &mut out);
    out
}

fn text(b: &[u8; 28]) -> &str {
    core::str::from_utf8(b).unwrap_or_default()
}

/// One `x-amz-*` entry: name as given, value, whether percent-encoded (a
/// query parameter).
type Amz<'a> = (&'a str, &'a str, bool);

pub(crate) fn is_amz(name: &str) -> bool {
    name.len() >= 6
        && name
            .as_bytes()
            .get(..6)
            .is_some_and(|p| p.eq_ignore_ascii_case(b"x-amz-"))
}

fn put_value<S: Sink + ?Sized>(s: &mut S, value: &str, encoded: bool) {
    if encoded {
        for b in Decoded::new(value.as_bytes()) {
            s.put(&[b]);
        }
    } else {
        s.put_str(value.trim_matches([' ', '\t']));
    }
}

/// `raw` (percent-encoded) without leading and trailing spaces and tabs,
/// raw or encoded (`%20`, `%09`).
fn trim_encoded(mut raw: &str) -> &str {
    loop {
        let before = raw.len();
        for blank in [" ", "\t", "%20", "%09"] {
            raw = raw.strip_prefix(blank).unwrap_or(raw);
            raw = raw.strip_suffix(blank).unwrap_or(raw);
        }
        if raw.len() == before {
            return raw;
        }
    }
}

/// A header value (trimmed), or a query parameter standing for a header
/// (decoded, then trimmed).
fn put_field<S: Sink + ?Sized>(s: &mut S, value: &str, encoded: bool) {
    if encoded {
        put_value(s, trim_encoded(value), true);
    } else {
        put_value(s, value, false);
    }
}

/// What the string to sign is made of.
pub(crate) struct Parts<'a> {
    pub(crate) method: &'a str,
    /// `Content-MD5` and `Content-Type`, with whether percent-encoded.
    pub(crate) content_md5: Option<(&'a str, bool)>,
    pub(crate) content_type: Option<(&'a str, bool)>,
    /// The `Date` line: an HTTP date, `Expires`, or empty.
    pub(crate) date: &'a str,
    pub(crate) headers: &'a [(&'a str, &'a str)],
    /// The session token, signed as `x-amz-security-token` (signing).
    pub(crate) token: Option<&'a str>,
    /// A query whose `x-amz-*` parameters count as headers (verifying a
    /// presigned request), or empty.
    pub(crate) amz_query: &'a str,
    pub(crate) target: Target<'a>,
}

fn lower(n: &str) -> impl Iterator<Item = u8> + '_ {
    n.bytes().map(|b| b.to_ascii_lowercase())
}

/// A header name's bytes, lowercased; decoded when it is a query key.
fn name_bytes(name: &str, encoded: bool) -> impl Iterator<Item = u8> + '_ {
    let bytes = if encoded {
        Decoded::new(name.as_bytes())
    } else {
        Decoded::verbatim(name.as_bytes())
    };
    bytes.map(|b| b.to_ascii_lowercase())
}

fn write_amz<'a, S: Sink + ?Sized>(s: &mut S, p: &Parts<'a>) {
    let items = |visit: &mut dyn FnMut(Amz<'a>)| {
        for &(n, v) in p.headers {
            if is_amz(n) {
                visit((n, v, false));
            }
        }
        if let Some(t) = p.token {
            visit(("x-amz-security-token", t, false));
        }
        for (k, v) in crate::canonical::query::raw_params(p.amz_query) {
            // A header of the same name was sent: it is the one signed.
            let sent = p
                .headers
                .iter()
                .any(|(n, _)| name_bytes(n, false).eq(name_bytes(k, true)));
            if is_amz(k) && !sent {
                visit((k, v, true));
            }
        }
    };
    let mut previous: Option<(&'a str, bool)> = None;
    crate::sort::for_each_sorted(
        &items,
        &|a: &Amz<'a>, b: &Amz<'a>| name_bytes(a.0, a.2).cmp(name_bytes(b.0, b.2)),
        &mut |(name, value, encoded)| {
            let same =
                previous.is_some_and(|(p, e)| name_bytes(p, e).eq(name_bytes(name, encoded)));
            if same {
                s.put(b",");
            } else {
                if previous.is_some() {
                    s.put(b"\n");
                }
                for b in name_bytes(name, encoded) {
                    s.put(&[b]);
                }
                s.put(b":");
            }
            put_field(s, value, encoded);
            previous = Some((name, encoded));
        },
    );
    if previous.is_some() {
        s.put(b"\n");
    }
}

fn write_resource<S: Sink + ?Sized>(s: &mut S, target: &Target<'_>) {
    s.put_str(target.path);
    let mut first = true;
    for name in SUBRESOURCES {
        for segment in target.query.split('&') {
            let (key, value) = match segment.split_once('=') {
                Some((k, v)) => (k, Some(v)),
                None => (segment, None),
            };
            if key != name {
                continue;
            }
            s.put(if first { b"?" } else { b"&" });
            first = false;
            s.put_str(key);
            if let Some(v) = value {
                s.put(b"=");
                put_value(s, v, true);
            }
        }
    }
}

/// Writes the string to sign.
pub(crate) fn write_string_to_sign<S: Sink + ?Sized>(s: &mut S, p: &Parts<'_>) {
    s.put_str(p.method);
    for field in [p.content_md5, p.content_type] {
        s.put(b"\n");
        if let Some((v, encoded)) = field {
            put_field(s, v, encoded);
        }
    }
    s.put(b"\n");
    s.put_str(p.date);
    s.put(b"\n");
    write_amz(s, p);
    write_resource(s, &p.target);
}

/// The signature of `parts` with `secret`; the string to sign also goes to
/// `trace`.
pub(crate) fn signature(
    secret: &str,
    parts: &Parts<'_>,
    trace: Option<&mut Trace<'_>>,
) -> Result<[u8; 28], Error> {
    let mut mac = sha1_mac(secret);
    match trace {
        None => write_string_to_sign(&mut mac, parts),
        Some(t) => {
            let mut shown = FmtSink {
                w: &mut *t.string_to_sign,
                failed: false,
            };
            write_string_to_sign(&mut Tee(&mut mac, &mut shown), parts);
            if shown.failed {
                return Err(Error::WriteFailed);
            }
        }
    }
    Ok(finish(mac))
}

/// The first value of header `name` (any case).
pub(crate) fn header<'a>(headers: &[(&'a str, &'a str)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|&(_, v)| v)
}

/// An HTTP date (RFC 1123, `GMT`): `Sun, 30 Aug 2015 12:36:00 GMT`.
///
/// ```
/// use awsig::{SigningTime, s3::v2::HttpDate};
///
/// let t = SigningTime::from_unix_seconds(0)?;
/// assert_eq!(HttpDate::new(t).as_str(), "Thu, 01 Jan 1970 00:00:00 GMT");
/// # Ok::<(), awsig::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct HttpDate([u8; 29]);

const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

impl HttpDate {
    /// `time` as an HTTP date.
    ///
    /// ```
    /// use awsig::{SigningTime, s3};
    ///
    /// let t = SigningTime::parse_rfc3339("2015-08-30T12:36:00Z")?;
    /// assert_eq!(s3::v2::HttpDate::new(t).as_str(), "Sun, 30 Aug 2015 12:36:00 GMT");
    /// # Ok::<(), awsig::Error>(())
    /// ```
    #[must_use]
    pub fn new(time: SigningTime) -> Self {
        let iso = time.amz_date(); // YYYYMMDDTHHMMSSZ
        let b = iso.as_bytes();
        let day = DAYS
            .get(time.unix_seconds().div_euclid(86_400).rem_euclid(7) as usize)
            .copied()
            .unwrap_or_default();
        let month = b
            .get(4..6)
            .and_then(|m| core::str::from_utf8(m).ok())
            .and_then(|m| m.parse::<usize>().ok())
            .and_then(|m| MONTHS.get(m.wrapping_sub(1)))
            .copied()
            .unwrap_or_default();
        let mut out = [b' '; 29];
        let mut w = OutBuf::new(&mut out);
        let piece = |r: core::ops::Range<usize>| b.get(r).unwrap_or_default();
        for part in [
            day.as_bytes(),
            b", ",
            piece(6..8),
            b" ",
            month.as_bytes(),
            b" ",
            piece(0..4),
            b" ",
            piece(9..11),
            b":",
            piece(11..13),
            b":",
            piece(13..15),
            b" GMT",
        ] {
            w.put(part);
        }
        Self(out)
    }

    /// The text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        core::str::from_utf8(&self.0).unwrap_or_default()
    }

    /// Parses `Sun, 30 Aug 2015 12:36:00 GMT` (for verifiers).
    pub(crate) fn parse(s: &str) -> Option<SigningTime> {
        let b = s.as_bytes();
        if b.len() != 29 || !s.ends_with(" GMT") || b.get(3..5) != Some(b", ") {
            return None;
        }
        let month = MONTHS
            .iter()
            .position(|m| b.get(8..11) == Some(m.as_bytes()))?
            .saturating_add(1);
        let mut rfc = [0u8; 20];
        let mut w = OutBuf::new(&mut rfc);
        let piece = |r: core::ops::Range<usize>| b.get(r).unwrap_or_default();
        for part in [
            piece(12..16),
            b"-",
            Digits::new(month as u64, 10, 2).as_bytes(),
            b"-",
            piece(5..7),
            b"T",
            piece(17..25),
            b"Z",
        ] {
            w.put(part);
        }
        let time = SigningTime::parse_rfc3339(w.finish().ok()?).ok()?;
        (Self::new(time).0 == *<&[u8; 29]>::try_from(b).ok()?).then_some(time)
    }
}

impl core::fmt::Debug for HttpDate {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Checks a request to sign: method, target, header names and values,
/// and that it carries none of the headers the signer adds.
fn check_request<'a>(
    credentials: &Credentials<'_>,
    request: &Request<'a>,
    for_url: bool,
) -> Result<Target<'a>, Error> {
    check_method(request.method)?;
    let target = if for_url {
        Target::parse_for_url(request.target)?
    } else {
        Target::parse(request.target)?
    };
    crate::encode::check_escapes(target.query, target.query_offset)?;
    let auth = |k: &str| {
        AUTH_PARAMETERS
            .iter()
            .any(|a| crate::canonical::query::decoded_eq(k, a))
    };
    if crate::canonical::query::raw_params(target.query).any(|(k, _)| auth(k)) {
        return Err(Error::AuthParameterPresent);
    }
    for &(name, value) in request.headers {
        let token = |b: u8| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b);
        if name.is_empty() || !name.bytes().all(token) {
            return Err(Error::InvalidHeaderName);
        }
        if value.bytes().any(|b| (b < 0x20 && b != b'\t') || b == 0x7f) {
            return Err(Error::InvalidHeaderValue);
        }
        let ours = ["authorization", "date"];
        if ours.iter().any(|o| name.eq_ignore_ascii_case(o))
            || (credentials.session_token().is_some()
                && name.eq_ignore_ascii_case("x-amz-security-token"))
        {
            return Err(Error::AuthHeaderPresent);
        }
    }
    Ok(target)
}

fn parts<'a>(
    request: &Request<'a>,
    token: Option<&'a str>,
    date: &'a str,
    target: Target<'a>,
) -> Parts<'a> {
    Parts {
        method: request.method,
        content_md5: header(request.headers, "content-md5").map(|v| (v, false)),
        content_type: header(request.headers, "content-type").map(|v| (v, false)),
        date,
        headers: request.headers,
        token,
        amz_query: "",
        target,
    }
}

/// The headers that sign a request (header form): `Date`,
/// `x-amz-security-token` with temporary credentials, `Authorization`.
///
/// ```
/// # use awsig::{Credentials, Request, SigningTime, s3};
/// # let creds = Credentials::new("AKIDEXAMPLE", "secret", None)?;
/// # let t = SigningTime::parse_rfc3339("2026-12-03T12:00:00Z")?;
/// # let headers = [("Host", "127.0.0.1:9000")];
/// # let mut buf = [0u8; 512];
/// let signed = s3::v2::sign_headers(&creds, &Request::new("GET", "/b/k", &headers), t, &mut buf)?;
/// assert_eq!(signed.signature().len(), 28);
/// assert!(signed.authorization().starts_with("AWS AKIDEXAMPLE:"));
/// # Ok::<(), awsig::Error>(())
/// ```
#[derive(Clone, Copy)]
#[must_use]
pub struct SignedHeaders<'o> {
    date: HttpDate,
    authorization: &'o str,
    token: Option<&'o str>,
    signature: [u8; 28],
}

impl<'o> SignedHeaders<'o> {
    /// The headers to add, `(name, value)`, `Authorization` last.
    ///
    /// ```
    /// # use awsig::{Credentials, Request, SigningTime, s3};
    /// let creds = Credentials::new("ASIAEXAMPLE", "secret", Some("token"))?;
    /// # let t = SigningTime::parse_rfc3339("2026-12-03T12:00:00Z")?;
    /// # let headers = [("Host", "127.0.0.1:9000")];
    /// # let mut buf = [0u8; 512];
    /// let signed = s3::v2::sign_headers(&creds, &Request::new("GET", "/b/k", &headers), t, &mut buf)?;
    /// let names: Vec<_> = signed.headers().map(|(n, _)| n).collect();
    /// assert_eq!(names, ["Date", "x-amz-security-token", "Authorization"]);
    /// # Ok::<(), awsig::Error>(())
    /// ```
    pub fn headers(&self) -> impl Iterator<Item = (&'static str, &str)> + '_ {
        [
            Some(("Date", self.date.as_str())),
            self.token.map(|t| ("x-amz-security-token", t)),
            Some(("Authorization", self.authorization)),
        ]
        .into_iter()
        .flatten()
    }

    /// `AWS <access key id>:<signature>`.
    #[must_use]
    pub fn authorization(&self) -> &'o str {
        self.authorization
    }

    /// The signature, base64.
    #[must_use]
    pub fn signature(&self) -> &str {
        text(&self.signature)
    }
}

impl core::fmt::Debug for SignedHeaders<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("SignedHeaders")
            .field("date", &self.date)
            .field("signature", &self.signature())
            .finish_non_exhaustive()
    }
}

/// Signs `request` with an `Authorization` header at `time` (the `Date`
/// header; when the request carries `x-amz-date`, that is the date and
/// the `Date` line is empty, as S3 has it).
///
/// ```
/// use awsig::{Credentials, Request, SigningTime, s3};
///
/// let creds = Credentials::new("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", None)?;
/// let t = SigningTime::parse_rfc3339("2007-03-27T19:36:42Z")?;
/// let headers = [("Host", "awsexamplebucket1.us-west-1.s3.amazonaws.com")];
/// let mut buf = [0u8; 256];
/// // Path-style: the bucket is in the path, and so in the signed resource.
/// let request = Request::new("GET", "/awsexamplebucket1/photos/puppy.jpg", &headers);
/// let signed = s3::v2::sign_headers(&creds, &request, t, &mut buf)?;
/// // AWS's "Object GET" example, with the `Date` as botocore's HmacV1Auth
/// // writes it (`GMT`); botocore gives the same signature.
/// assert_eq!(signed.authorization(), "AWS AKIAIOSFODNN7EXAMPLE:7AbQgM8BIjLxGPGytjyjro07bR4=");
/// assert!(signed.headers().eq([("Date", "Tue, 27 Mar 2007 19:36:42 GMT"), ("Authorization", signed.authorization())]));
/// # Ok::<(), awsig::Error>(())
/// ```
///
/// # Errors
/// [`Error::InvalidMethod`], target errors ([`Error::TargetNotAbsolute`],
/// [`Error::InvalidTargetByte`], [`Error::MalformedPercentEscape`]),
/// [`Error::InvalidHeaderName`] / [`Error::InvalidHeaderValue`],
/// [`Error::AuthHeaderPresent`] when the request has `Authorization`,
/// `Date` or (with a session token) `x-amz-security-token`;
/// [`Error::AuthParameterPresent`] when its query has a parameter of
/// [`AUTH_PARAMETERS`]; [`Error::BufferTooSmall`].
pub fn sign_headers<'o>(
    credentials: &Credentials<'_>,
    request: &Request<'_>,
    time: SigningTime,
    out: impl Into<Output<'o>>,
) -> Result<SignedHeaders<'o>, Error> {
    let out = out.into();
    let target = check_request(credentials, request, false)?;
    let date = HttpDate::new(time);
    let line = if header(request.headers, "x-amz-date").is_some() {
        ""
    } else {
        date.as_str()
    };
    let token = credentials.session_token();
    let p = parts(request, token, line, target);
    let sig = signature(credentials.secret_access_key(), &p, out.trace)?;
    let mut buf = OutBuf::new(out.buf);
    for part in ["AWS ", credentials.access_key_id(), ":", text(&sig)] {
        buf.put_str(part);
    }
    let auth_len = buf.position();
    buf.put_str(token.unwrap_or_default());
    let written = buf.finish()?;
    let (authorization, token_text) = written.split_at(auth_len);
    Ok(SignedHeaders {
        date,
        authorization,
        token: token.map(|_| token_text),
        signature: sig,
    })
}

/// A presigned request-target, in the caller's buffer.
///
/// ```
/// # use awsig::{Credentials, Request, SigningTime, s3};
/// # let creds = Credentials::new("AKIDEXAMPLE", "secret", None)?;
/// # let t = SigningTime::parse_rfc3339("2026-12-03T12:00:00Z")?;
/// # let headers = [("Host", "127.0.0.1:9000")];
/// # let mut buf = [0u8; 512];
/// let url = s3::v2::presign(&creds, &Request::new("GET", "/b/k", &headers), t, &mut buf)?;
/// assert!(url.as_str().ends_with(&format!("Signature={}", awsig::encode::component(url.signature()))));
/// # Ok::<(), awsig::Error>(())
/// ```
#[derive(Clone, Copy)]
#[must_use]
pub struct Presigned<'o> {
    text: &'o str,
    signature: [u8; 28],
}

impl<'o> Presigned<'o> {
    /// The target: the request's, with the signing parameters appended.
    #[must_use]
    pub fn as_str(&self) -> &'o str {
        self.text
    }

    /// The signature, base64 (percent-encoded in the target).
    #[must_use]
    pub fn signature(&self) -> &str {
        text(&self.signature)
    }
}

impl core::fmt::Debug for Presigned<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Presigned")
            .field("len", &self.text.len())
            .field("signature", &self.signature())
            .finish()
    }
}

/// Copies the `x-amz-*`, `Content-Type` and `Content-MD5` headers into
/// the query, a repeated `x-amz-*` name once with its values trimmed and
/// joined by `,` (as they are signed).
fn move_headers<S: Sink>(s: &mut S, first: &mut bool, headers: &[(&str, &str)]) {
    for (i, &(name, value)) in headers.iter().enumerate() {
        let moved = is_amz(name)
            || name.eq_ignore_ascii_case("content-type")
            || name.eq_ignore_ascii_case("content-md5");
        let seen = headers
            .get(..i)
            .unwrap_or_default()
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case(name));
        if !moved || seen {
            continue;
        }
        s.put(if *first { b"?" } else { b"&" });
        *first = false;
        for b in lower(name) {
            encode_into(s, &[b], false);
        }
        s.put(b"=");
        let later = headers.get(i.saturating_add(1)..).unwrap_or_default();
        let mut more = later.iter().filter(|(n, _)| n.eq_ignore_ascii_case(name));
        if more.clone().next().is_none() || !is_amz(name) {
            // One value (`Content-*`: the first, the one signed): as given,
            // as botocore's URL has it.
            encode_into(s, value.as_bytes(), false);
            continue;
        }
        // Repeated: each value trimmed, joined, as signed.
        let blank = [' ', '\t'];
        encode_into(s, value.trim_matches(blank).as_bytes(), false);
        for &(_, v) in &mut more {
            s.put(b"%2C");
            encode_into(s, v.trim_matches(blank).as_bytes(), false);
        }
    }
}

fn put_param<S: Sink>(s: &mut S, first: &mut bool, name: &str, value: &[u8]) {
    s.put(if *first { b"?" } else { b"&" });
    *first = false;
    encode_into(s, name.as_bytes(), false);
    s.put(b"=");
    encode_into(s, value, false);
}

/// Presigns `request` until `expires` (the `Expires` parameter, Unix
/// seconds; S3 sets no upper bound, [`verify_s3_v2`](crate::verify::verify_s3_v2)
/// accepts at most 7 days ahead). The target gets `AWSAccessKeyId`,
/// `Expires`, `Signature`, `x-amz-security-token` with temporary
/// credentials, and the request's `x-amz-*`, `Content-Type` and
/// `Content-MD5` headers, so that the URL alone carries what was signed.
///
/// ```
/// use awsig::{Credentials, Request, SigningTime, s3};
///
/// let creds = Credentials::new("AKIDEXAMPLE", "secret", Some("token"))?;
/// let t = SigningTime::parse_rfc3339("2026-12-03T12:00:00Z")?;
/// let headers = [("Host", "127.0.0.1:9000"), ("Content-Type", "text/plain")];
/// let mut buf = [0u8; 512];
/// let url = s3::v2::presign(&creds, &Request::new("PUT", "/bucket/a%20b.txt", &headers), t.checked_add_seconds(600)?, &mut buf)?;
/// assert!(url.as_str().starts_with("/bucket/a%20b.txt?AWSAccessKeyId=AKIDEXAMPLE&Expires=1796299800&Signature="));
/// assert!(url.as_str().ends_with("&x-amz-security-token=token&content-type=text%2Fplain"));
/// # Ok::<(), awsig::Error>(())
/// ```
///
/// # Errors
/// As [`sign_headers`], and [`Error::AuthParameterPresent`] when the query
/// has a parameter of [`AUTH_PARAMETERS`]; [`Error::TimeOutOfRange`] for an
/// `expires` before 1970.
pub fn presign<'o>(
    credentials: &Credentials<'_>,
    request: &Request<'_>,
    expires: SigningTime,
    out: impl Into<Output<'o>>,
) -> Result<Presigned<'o>, Error> {
    let out = out.into();
    let target = check_request(credentials, request, true)?;
    let seconds = u64::try_from(expires.unix_seconds()).map_err(|_| Error::TimeOutOfRange)?;
    let expires_text = Digits::decimal(seconds);
    let token = credentials.session_token();
    let p = parts(request, token, expires_text.as_str(), target);
    let sig = signature(credentials.secret_access_key(), &p, out.trace)?;
    let mut buf = OutBuf::new(out.buf);
    buf.put_str(request.target);
    let mut first = target.query.is_empty() && !request.target.ends_with('?');
    let akid = credentials.access_key_id().as_bytes();
    put_param(&mut buf, &mut first, "AWSAccessKeyId", akid);
    put_param(&mut buf, &mut first, "Expires", expires_text.as_bytes());
    put_param(&mut buf, &mut first, "Signature", &sig);
    if let Some(t) = token {
        put_param(&mut buf, &mut first, "x-amz-security-token", t.as_bytes());
    }
    move_headers(&mut buf, &mut first, request.headers);
    Ok(Presigned {
        text: buf.finish()?,
        signature: sig,
    })
}

/// The `signature` field of a browser POST upload signed with SigV2:
/// base64 HMAC-SHA1 of the `policy` field (the base64 policy document,
/// as sent), as botocore's `HmacV1PostAuth` computes it. The form also
/// carries `AWSAccessKeyId`, `policy` and, with temporary credentials,
/// `x-amz-security-token` (which the policy must list as a condition).
///
/// ```
/// use awsig::{Credentials, s3};
///
/// let creds = Credentials::new("AKIDEXAMPLE", "secret", None)?;
/// let policy = "eyJleHBpcmF0aW9uIjogIjIwMjYtMTItMDNUMTM6MDA6MDBaIiwgImNvbmRpdGlvbnMiOiBbeyJidWNrZXQiOiAiYiJ9XX0=";
/// let signature = s3::v2::sign_policy(&creds, policy);
/// assert_eq!(signature.as_str(), "VcDRFHRrLKMMtJwFv2M2eokP5CU="); // botocore's HmacV1PostAuth
/// # Ok::<(), awsig::Error>(())
/// ```
#[must_use]
pub fn sign_policy(credentials: &Credentials<'_>, policy_base64: &str) -> PolicySignature {
    let mut mac = sha1_mac(credentials.secret_access_key());
    mac.put_str(policy_base64);
    PolicySignature(finish(mac))
}

/// A POST policy's SigV2 signature, base64.
///
/// ```
/// # use awsig::{Credentials, s3};
/// let creds = Credentials::new("AKIDEXAMPLE", "secret", None)?;
/// assert_eq!(s3::v2::sign_policy(&creds, "e30=").as_str().len(), 28);
/// # Ok::<(), awsig::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct PolicySignature([u8; 28]);

impl PolicySignature {
    /// The base64 text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        text(&self.0)
    }
}

impl core::fmt::Debug for PolicySignature {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "PolicySignature({})", self.as_str())
    }
}
