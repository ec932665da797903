//! What the server expects of the requests it verifies: its clock, the
//! service it is (which decides the canonicalisation rules), the region,
//! which schemes and body declarations it accepts, and how large a request
//! may be before any work is done on it.
//!
//! The request never chooses the rules: a signature made for `execute-api`
//! on `GET /bucket/b` must not verify for `GET /bucket/x/../b` on an S3
//! server, so the service is required to build a policy, and its rules
//! (S3's for `s3` and `s3express`) apply whatever the credential scope says;
//! a scope naming another service is refused.

use crate::SigningTime;
use crate::v4::SigningSettings;

pub use crate::error::Limit;

/// What the server requires; the defaults are the safe choice.
///
/// | field | default |
/// |---|---|
/// | `service` | required: the credential scope must name it; S3's rules for `s3` and `s3express` (with S3 Express session tokens: [`SigningSettings::s3express`]) |
/// | `region` | any (`None`); SigV4a: the signed region set must cover it |
/// | `max_skew` | 900 s (AWS: 15 minutes) |
/// | `sigv2` | refused (`None`); `Some(max_lifetime)` accepts it |
/// | `allow_unsigned_payload` | `true` for `s3`/`s3express`, else `false` |
/// | `allow_streaming` | `true` for `s3`/`s3express`, else `false` |
/// | `limits` | [`Limits::DEFAULT`] |
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
/// let policy = Policy::new(t, "service").region("us-east-1");
/// assert_eq!((policy.max_skew, policy.region, policy.sigv2), (900, Some("us-east-1"), None));
/// let verified = verify::verify(&request, &lookup, &policy)?;
/// assert_eq!((verified.region, verified.service), (Some("us-east-1"), Some("service")));
/// // The same request, at a server that is another service.
/// let err = verify::verify(&request, &lookup, &Policy::new(t, "s3")).unwrap_err();
/// assert_eq!(err.rejection(), Some(Rejection::WrongService));
/// # Ok::<(), awsig::Error>(())
/// ```
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub struct Policy<'p> {
    /// The current time, from the caller's clock.
    pub now: SigningTime,
    /// The service this server is: the credential scope must name it.
    pub service: &'p str,
    /// The region requests must be scoped to, if enforced.
    pub region: Option<&'p str>,
    /// Allowed clock difference, seconds (AWS: 15 minutes).
    pub max_skew: u32,
    /// Canonicalisation rules, from the service: [`SigningSettings::s3`]
    /// for `s3`, [`SigningSettings::s3express`] for `s3express` (whose
    /// [`SessionTokenMode::S3Express`](crate::v4::SessionTokenMode::S3Express)
    /// takes the session token from `x-amz-s3session-token` /
    /// `X-Amz-S3session-Token` as well as from `X-Amz-Security-Token`),
    /// [`SigningSettings::new`] otherwise.
    pub settings: SigningSettings,
    /// SigV2: `None` refuses it; `Some(seconds)` accepts it, with a
    /// `Timestamp` within `max_skew` or an `Expires` at most this far ahead.
    pub sigv2: Option<u32>,
    /// Whether a body may be unauthenticated: `UNSIGNED-PAYLOAD`, S3
    /// presigned URLs, `STREAMING-UNSIGNED-PAYLOAD-TRAILER`.
    pub allow_unsigned_payload: bool,
    /// Whether aws-chunked (`STREAMING-*`) bodies are accepted.
    pub allow_streaming: bool,
    /// Sizes beyond which a request is refused before any work.
    pub limits: Limits,
}

/// Whether `service` follows S3's rules (and S3's defaults).
fn is_s3(service: &str) -> bool {
    service == "s3" || service == "s3express"
}

impl<'p> Policy<'p> {
    /// Verification at `now`, ±15 minutes, for `service` (its rules and
    /// defaults), any region, SigV4 only.
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
    /// // Signed at 12:36:00: accepted until 12:51:00, refused after.
    /// let at = |seconds| t.checked_add_seconds(seconds).map(|now| Policy::new(now, "service"));
    /// assert!(verify::verify(&request, &lookup, &at(900)?).is_ok());
    /// let err = verify::verify(&request, &lookup, &at(901)?).unwrap_err();
    /// assert_eq!(err.rejection(), Some(Rejection::RequestTimeTooSkewed));
    /// # Ok::<(), awsig::Error>(())
    /// ```
    #[must_use]
    pub fn new(now: SigningTime, service: &'p str) -> Self {
        let s3 = is_s3(service);
        Self {
            now,
            service,
            region: None,
            max_skew: 900,
            settings: if service == "s3express" {
                SigningSettings::s3express()
            } else if s3 {
                SigningSettings::s3()
            } else {
                SigningSettings::new()
            },
            sigv2: None,
            allow_unsigned_payload: s3,
            allow_streaming: s3,
            limits: Limits::DEFAULT,
        }
    }

    /// With another allowed clock skew (seconds).
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
    /// let two_minutes_late = t.checked_add_seconds(120)?;
    /// assert!(verify::verify(&request, &lookup, &Policy::new(two_minutes_late, "service")).is_ok());
    /// let strict = Policy::new(two_minutes_late, "service").max_skew(60);
    /// let err = verify::verify(&request, &lookup, &strict).unwrap_err();
    /// assert_eq!(err.rejection(), Some(Rejection::RequestTimeTooSkewed));
    /// # Ok::<(), awsig::Error>(())
    /// ```
    #[must_use]
    pub const fn max_skew(mut self, seconds: u32) -> Self {
        self.max_skew = seconds;
        self
    }

    /// Requiring this region (SigV4a: a signed region set that covers it).
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
    /// // Signed for us-east-1 (its credential scope).
    /// let policy = Policy::new(t, "service");
    /// assert!(verify::verify(&request, &lookup, &policy.region("us-east-1")).is_ok());
    /// let err = verify::verify(&request, &lookup, &policy.region("eu-west-1")).unwrap_err();
    /// assert_eq!(err.rejection(), Some(Rejection::WrongRegion));
    /// # Ok::<(), awsig::Error>(())
    /// ```
    #[must_use]
    pub const fn region(mut self, region: &'p str) -> Self {
        self.region = Some(region);
        self
    }

    /// With these canonicalisation rules instead of the service's.
    ///
    /// ```
    /// use awsig::verify::{self, Policy, Rejection, Secret};
    /// use awsig::{Credentials, Request, SigningTime, v4};
    /// # let creds = Credentials::new("AKIDEXAMPLE", "secret", None)?;
    /// # let t = SigningTime::parse_rfc3339("2015-08-30T12:36:00Z")?;
    /// # let key = v4::SigningKey::derive(&creds, t, "us-east-1", "service")?;
    /// # let headers = [("Host", "example.amazonaws.com")];
    /// # let mut buf = [0u8; 1024];
    /// # let lookup = |_: &str| Some(Secret::new("secret", None));
    ///
    /// // Clients of this service sign the path as sent, without normalising it.
    /// let raw_paths = v4::SigningSettings::new().normalize_path(false);
    /// let url = v4::presign(&v4::Signer::new(&key, &creds, t)?, &Request::new("GET", "/a/../b", &headers), 300, &raw_paths, &mut buf)?;
    /// let received = Request::new("GET", url.as_str(), &headers);
    /// let policy = Policy::new(t, "service");
    /// let err = verify::verify(&received, &lookup, &policy).unwrap_err(); // signs `/b`
    /// assert_eq!(err.rejection(), Some(Rejection::SignatureMismatch));
    /// assert!(verify::verify(&received, &lookup, &policy.settings(raw_paths)).is_ok());
    /// # Ok::<(), awsig::Error>(())
    /// ```
    #[must_use]
    pub const fn settings(mut self, settings: SigningSettings) -> Self {
        self.settings = settings;
        self
    }

    /// Accepting SigV2 (off by default), valid at most `max_lifetime`
    /// seconds ahead: a request with `Expires` further in the future is
    /// refused ([`Rejection::ExpiresTooFar`](crate::verify::Rejection::ExpiresTooFar)).
    /// SigV2 has no credential scope: the service and region cannot be
    /// checked, only the host, which the signature covers.
    ///
    /// ```
    /// use awsig::verify::{self, Policy, Rejection, Secret};
    /// use awsig::{Credentials, Request, SigningTime, v2};
    ///
    /// let creds = Credentials::new("AKIDEXAMPLE", "secret", None)?;
    /// let t = SigningTime::parse_rfc3339("2011-10-03T15:19:30Z")?;
    /// let headers = [("Host", "sqs.us-east-1.amazonaws.com")];
    /// let mut buf = [0u8; 512];
    /// let week = t.checked_add_seconds(7 * 86_400)?;
    /// let url = v2::sign_query(&creds, &Request::new("GET", "/?Action=ListQueues", &headers), v2::Validity::Expires(week), v2::SignatureMethod::HmacSha256, &mut buf)?;
    /// let received = Request::new("GET", url.as_str(), &headers);
    /// let lookup = |_: &str| Some(Secret::new("secret", None));
    ///
    /// let policy = Policy::new(t, "sqs");
    /// assert_eq!(verify::verify(&received, &lookup, &policy).unwrap_err().rejection(), Some(Rejection::SigV2NotAllowed));
    /// assert_eq!(verify::verify(&received, &lookup, &policy.sigv2(3600)).unwrap_err().rejection(), Some(Rejection::ExpiresTooFar));
    /// assert!(verify::verify(&received, &lookup, &policy.sigv2(7 * 86_400)).is_ok());
    /// # Ok::<(), awsig::Error>(())
    /// ```
    #[must_use]
    pub const fn sigv2(mut self, max_lifetime: u32) -> Self {
        self.sigv2 = Some(max_lifetime);
        self
    }

    /// Whether an unauthenticated body (`UNSIGNED-PAYLOAD`, S3 presigned
    /// URLs, `STREAMING-UNSIGNED-PAYLOAD-TRAILER`) is accepted.
    ///
    /// ```
    /// use awsig::verify::Policy;
    /// # let t = awsig::SigningTime::parse_rfc3339("2015-08-30T12:36:00Z")?;
    /// assert!(Policy::new(t, "s3").allow_unsigned_payload);
    /// assert!(!Policy::new(t, "sts").allow_unsigned_payload);
    /// assert!(!Policy::new(t, "s3").allow_unsigned_payload(false).allow_unsigned_payload);
    /// # Ok::<(), awsig::Error>(())
    /// ```
    #[must_use]
    pub const fn allow_unsigned_payload(mut self, allow: bool) -> Self {
        self.allow_unsigned_payload = allow;
        self
    }

    /// Whether aws-chunked (`STREAMING-*`) bodies are accepted.
    ///
    /// ```
    /// use awsig::verify::Policy;
    /// # let t = awsig::SigningTime::parse_rfc3339("2015-08-30T12:36:00Z")?;
    /// assert!(Policy::new(t, "s3").allow_streaming);
    /// assert!(Policy::new(t, "sts").allow_streaming(true).allow_streaming);
    /// # Ok::<(), awsig::Error>(())
    /// ```
    #[must_use]
    pub const fn allow_streaming(mut self, allow: bool) -> Self {
        self.allow_streaming = allow;
        self
    }

    /// With other size limits.
    ///
    /// ```
    /// use awsig::verify::{Limits, Policy};
    /// # let t = awsig::SigningTime::parse_rfc3339("2015-08-30T12:36:00Z")?;
    /// let policy = Policy::new(t, "s3").limits(Limits { max_headers: 50, ..Limits::DEFAULT });
    /// assert_eq!(policy.limits.max_headers, 50);
    /// # Ok::<(), awsig::Error>(())
    /// ```
    #[must_use]
    pub const fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }
}

/// Sizes beyond which a received request is refused with
/// [`Error::LimitExceeded`](crate::Error::LimitExceeded), checked in one pass
/// before any parsing, sorting or hashing.
///
/// The defaults are what common servers pick: 1 MiB of request-target and
/// headers (Go's `net/http` default), 10,000 parameters (Tomcat's and
/// Go's), 1,000 headers, 4,096 path segments. Within them every step of
/// verification takes O(n log n) time in the request's size.
///
/// ```
/// use awsig::verify::Limits;
///
/// assert_eq!(Limits::DEFAULT.max_request_bytes, 1 << 20);
/// assert_eq!(Limits::default().max_query_params, 10_000);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// The request-target plus every header name and value, bytes.
    pub max_request_bytes: usize,
    /// Query parameters (SigV2 form: form parameters).
    pub max_query_params: usize,
    /// Headers.
    pub max_headers: usize,
    /// Path segments (`/`-separated).
    pub max_path_segments: usize,
}

impl Limits {
    /// The default limits.
    pub const DEFAULT: Self = Self {
        max_request_bytes: 1 << 20,
        max_query_params: 10_000,
        max_headers: 1_000,
        max_path_segments: 4_096,
    };

    /// No limits (for benchmarks and tests of the algorithms themselves).
    pub const NONE: Self = Self {
        max_request_bytes: usize::MAX,
        max_query_params: usize::MAX,
        max_headers: usize::MAX,
        max_path_segments: usize::MAX,
    };
}

impl Default for Limits {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// Checks `target` and `headers` against the limits, in one linear pass.
pub(crate) fn check_limits(
    limits: &Limits,
    target: &str,
    headers: &[(&str, &str)],
) -> Result<(), Limit> {
    if headers.len() > limits.max_headers {
        return Err(Limit::Headers);
    }
    let mut bytes = target.len();
    for (name, value) in headers {
        bytes = bytes.saturating_add(name.len()).saturating_add(value.len());
    }
    if bytes > limits.max_request_bytes {
        return Err(Limit::RequestBytes);
    }
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    if path.bytes().filter(|&b| b == b'/').count() > limits.max_path_segments {
        return Err(Limit::PathSegments);
    }
    check_params(limits, query)
}

/// Checks the number of parameters of a query or form.
pub(crate) fn check_params(limits: &Limits, params: &str) -> Result<(), Limit> {
    // At most one more parameter than `&`s: a byte count (vectorised)
    // settles most queries; empty pieces are no parameter.
    let separators = params.bytes().filter(|&b| b == b'&').count();
    if separators < limits.max_query_params {
        return Ok(());
    }
    let count = params.split('&').filter(|p| !p.is_empty()).count();
    if count > limits.max_query_params {
        return Err(Limit::QueryParams);
    }
    Ok(())
}
