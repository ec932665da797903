//! Signing `http::Request`s (feature `http`).
//!
//! [`sign_request`] adds the signing headers to a request in place;
//! [`presign_uri`] returns the presigned `http::Uri`. The host is the
//! request's `Host` header or, when there is none, the URI's authority (then
//! a `Host` header is added, since it is always signed). The request-target
//! is the URI's path and query as they are. The AWS rules are those of
//! [`crate::v4`]; see <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv.html>.
//!
//! ```
//! use awsig::{Credentials, SigningTime, http::sign_request, v4};
//!
//! let creds = Credentials::new("AKIDEXAMPLE", "secret", None)?;
//! let time = SigningTime::parse_rfc3339("2015-08-30T12:36:00Z")?;
//! let key = v4::SigningKey::derive(&creds, time, "us-east-1", "sts")?;
//! let mut request = http::Request::post("https://sts.amazonaws.com/")
//!     .header("content-type", "application/x-www-form-urlencoded")
//!     .body("Action=GetCallerIdentity&Version=2011-06-15")
//!     .unwrap();
//! sign_request(&mut request, &v4::Signer::new(&key, &creds, time)?, &v4::SigningSettings::new())?;
//! assert!(request.headers()["authorization"].to_str().unwrap().starts_with("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/"));
//! # Ok::<(), awsig::Error>(())
//! ```

use alloc::string::{String, ToString};
use alloc::vec::Vec;

use http::header::{HeaderName, HeaderValue};

use crate::v4::{Key, Signer, SigningSettings};
use crate::{Error, Payload, Request};

fn header(name: &str, value: &str) -> Result<(HeaderName, HeaderValue), Error> {
    Ok((
        HeaderName::try_from(name).map_err(|_| Error::InvalidHeaderName)?,
        HeaderValue::try_from(value).map_err(|_| Error::InvalidHeaderValue)?,
    ))
}

/// Signs `request` with the `Authorization` header, hashing its body:
/// adds `x-amz-date`, `x-amz-security-token`, `x-amz-content-sha256` (per
/// `settings`), `authorization`, and `host` when the request had none.
///
/// ```
/// use awsig::{Credentials, SigningTime, http::sign_request, v4};
///
/// let creds = Credentials::new("AKIDEXAMPLE", "secret", Some("token"))?;
/// let time = SigningTime::parse_rfc3339("2015-08-30T12:36:00Z")?;
/// let key = v4::SigningKey::derive(&creds, time, "us-east-1", "s3")?;
/// let mut request = http::Request::put("https://bucket.s3.amazonaws.com/key").body(b"hello".to_vec()).unwrap();
/// sign_request(&mut request, &v4::Signer::new(&key, &creds, time)?, &v4::SigningSettings::s3())?;
/// let h = request.headers();
/// assert_eq!(h["host"], "bucket.s3.amazonaws.com"); // from the URI, and signed
/// assert_eq!(h["x-amz-security-token"], "token");
/// // SHA-256 of "hello":
/// assert_eq!(h["x-amz-content-sha256"], "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
/// # Ok::<(), awsig::Error>(())
/// ```
///
/// # Errors
/// As [`crate::v4::sign_headers`]; [`Error::InvalidHeaderValue`] for header
/// values that are not visible ASCII.
pub fn sign_request<B: AsRef<[u8]>, K: Key>(
    request: &mut http::Request<B>,
    signer: &Signer<'_, K>,
    settings: &SigningSettings,
) -> Result<(), Error> {
    let new = headers_to_add(
        request,
        Payload::Body(request.body().as_ref()),
        signer,
        settings,
    )?;
    append(request, new);
    Ok(())
}

/// [`sign_request`] for any body type, with the payload given: a body's
/// bytes, a precomputed SHA-256, `UNSIGNED-PAYLOAD`, ...
///
/// ```
/// use awsig::{Credentials, Payload, SigningTime, http::sign_with_payload, v4};
///
/// let creds = Credentials::new("AKIDEXAMPLE", "secret", None)?;
/// let time = SigningTime::parse_rfc3339("2015-08-30T12:36:00Z")?;
/// let key = v4::SigningKey::derive(&creds, time, "us-east-1", "s3")?;
/// // A body streamed from elsewhere: not hashed, not signed.
/// let mut request = http::Request::put("https://bucket.s3.amazonaws.com/big").body(()).unwrap();
/// sign_with_payload(&mut request, Payload::Unsigned, &v4::Signer::new(&key, &creds, time)?, &v4::SigningSettings::s3())?;
/// assert_eq!(request.headers()["x-amz-content-sha256"], "UNSIGNED-PAYLOAD");
/// # Ok::<(), awsig::Error>(())
/// ```
///
/// # Errors
/// As [`sign_request`].
pub fn sign_with_payload<B, K: Key>(
    request: &mut http::Request<B>,
    payload: Payload<'_>,
    signer: &Signer<'_, K>,
    settings: &SigningSettings,
) -> Result<(), Error> {
    let new = headers_to_add(request, payload, signer, settings)?;
    append(request, new);
    Ok(())
}

/// The headers a signer adds: removed from `request` before it is signed
/// again (a retry needs a new date and signature; signing refuses a request
/// that carries them). `x-amz-content-sha256` is removed too unless
/// `keep_content_sha256` (when the caller set it, e.g. to
/// `UNSIGNED-PAYLOAD`, and wants it kept).
///
/// ```
/// use awsig::{Credentials, SigningTime, http::{sign_request, strip_signature}, v4};
///
/// let creds = Credentials::new("AKIDEXAMPLE", "secret", None)?;
/// let time = SigningTime::parse_rfc3339("2015-08-30T12:36:00Z")?;
/// let key = v4::SigningKey::derive(&creds, time, "us-east-1", "sts")?;
/// let mut request = http::Request::get("https://sts.amazonaws.com/").body(Vec::new()).unwrap();
/// sign_request(&mut request, &v4::Signer::new(&key, &creds, time)?, &v4::SigningSettings::new())?;
/// // The request failed; retry it a second later.
/// strip_signature(&mut request, false);
/// let retry = time.checked_add_seconds(1)?;
/// sign_request(&mut request, &v4::Signer::new(&key, &creds, retry)?, &v4::SigningSettings::new())?;
/// assert_eq!(request.headers()["x-amz-date"], "20150830T123601Z");
/// assert_eq!(request.headers().get_all("authorization").iter().count(), 1);
/// # Ok::<(), awsig::Error>(())
/// ```
pub fn strip_signature<B>(request: &mut http::Request<B>, keep_content_sha256: bool) {
    let headers = request.headers_mut();
    for name in [
        "authorization",
        "x-amz-date",
        "x-amz-security-token",
        "x-amz-s3session-token",
        "x-amz-region-set",
    ] {
        headers.remove(name);
    }
    if !keep_content_sha256 {
        headers.remove("x-amz-content-sha256");
    }
}

fn append<B>(request: &mut http::Request<B>, new: Vec<(HeaderName, HeaderValue)>) {
    for (name, value) in new {
        request.headers_mut().append(name, value);
    }
}

fn headers_to_add<B, K: Key>(
    request: &http::Request<B>,
    payload: Payload<'_>,
    signer: &Signer<'_, K>,
    settings: &SigningSettings,
) -> Result<Vec<(HeaderName, HeaderValue)>, Error> {
    let parts = ReceivedRequest::with_payload(request, payload)?;
    let added = crate::with_buffer(|buf| {
        crate::v4::sign_headers(signer, &parts.as_request(), settings, buf).map(|s| {
            s.headers()
                .map(|(n, v)| (n, String::from(v)))
                .collect::<Vec<_>>()
        })
    })?;
    let mut new = Vec::with_capacity(added.len().saturating_add(1));
    if let Some(host) = parts.added_host {
        new.push(header("host", host)?);
    }
    for (name, value) in &added {
        new.push(header(name, value)?);
    }
    Ok(new)
}

/// Presigns `request` for `expires_in` seconds: the URI with the signed
/// query (scheme and authority kept).
///
/// ```
/// use awsig::{Credentials, Payload, SigningTime, http::presign_uri, v4};
///
/// let creds = Credentials::new("AKIDEXAMPLE", "secret", None)?;
/// let time = SigningTime::parse_rfc3339("2015-08-30T12:36:00Z")?;
/// let key = v4::SigningKey::derive(&creds, time, "us-east-1", "s3")?;
/// let request = http::Request::get("http://127.0.0.1:9000/bucket/key").body(()).unwrap();
/// let uri = presign_uri(&request, Payload::Unsigned, &v4::Signer::new(&key, &creds, time)?, 300, &v4::SigningSettings::s3())?;
/// assert_eq!(uri.scheme_str(), Some("http"));
/// assert!(uri.query().unwrap().contains("X-Amz-Expires=300&"));
/// # Ok::<(), awsig::Error>(())
/// ```
///
/// # Errors
/// As [`crate::v4::presign()`]; [`Error::InvalidTargetByte`] when the
/// result is not a valid `http::Uri` (it always is for valid input).
pub fn presign_uri<B, K: Key>(
    request: &http::Request<B>,
    payload: Payload<'_>,
    signer: &Signer<'_, K>,
    expires_in: u32,
    settings: &SigningSettings,
) -> Result<http::Uri, Error> {
    let parts = ReceivedRequest::with_payload(request, payload)?;
    let target = crate::with_buffer(|buf| {
        crate::v4::presign(signer, &parts.as_request(), expires_in, settings, buf)
            .map(|p| p.to_string())
    })?;
    let mut parts = request.uri().clone().into_parts();
    parts.path_and_query = Some(
        http::uri::PathAndQuery::try_from(target.as_str())
            .map_err(|_| Error::InvalidTargetByte { byte: 0, at: 0 })?,
    );
    http::Uri::from_parts(parts).map_err(|_| Error::InvalidTargetByte { byte: 0, at: 0 })
}

/// An `http::Request` (its parts and what is known of its body) as the
/// signers and [`verify`](crate::verify::verify) take it: borrowed, with the
/// headers gathered once. The host is the `Host` header or, for HTTP/2
/// requests that carry none, the URI's authority (without userinfo).
///
/// ```
/// use awsig::http::{ReceivedRequest, sign_request};
/// use awsig::verify::{Policy, Secret};
/// use awsig::{Credentials, SigningTime, v4};
///
/// let creds = Credentials::new("AKIDEXAMPLE", "secret", None)?;
/// let time = SigningTime::parse_rfc3339("2015-08-30T12:36:00Z")?;
/// let key = v4::SigningKey::derive(&creds, time, "us-east-1", "sts")?;
/// let mut request = http::Request::post("https://sts.amazonaws.com/")
///     .body(b"Action=GetCallerIdentity&Version=2011-06-15".to_vec())
///     .unwrap();
/// sign_request(&mut request, &v4::Signer::new(&key, &creds, time)?, &v4::SigningSettings::new())?;
///
/// // The server's side.
/// let lookup = |akid: &str| (akid == "AKIDEXAMPLE").then_some(Secret::new("secret", None));
/// let received = ReceivedRequest::new(&request)?;
/// let verified = received.verify(&lookup, &Policy::new(time, "sts"))?;
/// assert_eq!(verified.service, Some("sts"));
///
/// // A body changed on the way is refused.
/// *request.body_mut() = b"Action=DeleteUser".to_vec();
/// assert!(ReceivedRequest::new(&request)?.verify(&lookup, &Policy::new(time, "sts")).is_err());
/// # Ok::<(), awsig::Error>(())
/// ```
pub struct ReceivedRequest<'r> {
    method: &'r str,
    target: &'r str,
    headers: Vec<(&'r str, &'r str)>,
    payload: Payload<'r>,
    /// The host taken from the URI, when there was no `Host` header.
    added_host: Option<&'r str>,
}

/// As [`Request`]'s: the method, the path and the header names (header
/// values and the query may carry a signature or a session token).
impl core::fmt::Debug for ReceivedRequest<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_tuple("ReceivedRequest")
            .field(&self.as_request())
            .finish()
    }
}

impl<'r> ReceivedRequest<'r> {
    /// The request with its body, which verification hashes.
    ///
    /// ```
    /// let request = http::Request::get("https://example.amazonaws.com/?a=b")
    ///     .header("x-amz-security-token", "secret-token")
    ///     .body(Vec::new())
    ///     .unwrap();
    /// let parts = awsig::http::ReceivedRequest::new(&request)?;
    /// assert!(!format!("{parts:?}").contains("secret-token"));
    /// let view = parts.as_request();
    /// assert_eq!((view.method, view.target), ("GET", "/?a=b"));
    /// assert_eq!(view.headers.last(), Some(&("host", "example.amazonaws.com"))); // from the URI
    /// # Ok::<(), awsig::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidHeaderValue`] for a header value that is not visible
    /// ASCII; [`Error::MissingHost`] without a `Host` header or authority.
    pub fn new<B: AsRef<[u8]>>(request: &'r http::Request<B>) -> Result<Self, Error> {
        Self::with_payload(request, Payload::Body(request.body().as_ref()))
    }

    /// The request with what the server knows of its body: a hash computed
    /// while receiving it ([`Payload::Precomputed`]), or
    /// [`Payload::Unsigned`] when it does not know it.
    ///
    /// ```
    /// use awsig::{Payload, http::ReceivedRequest};
    ///
    /// let request = http::Request::put("https://bucket.s3.amazonaws.com/key").body(()).unwrap();
    /// let streamed = ReceivedRequest::with_payload(&request, Payload::Unsigned)?;
    /// assert_eq!(streamed.as_request().payload, Payload::Unsigned);
    /// # Ok::<(), awsig::Error>(())
    /// ```
    ///
    /// # Errors
    /// As [`ReceivedRequest::new`].
    pub fn with_payload<B>(
        request: &'r http::Request<B>,
        payload: Payload<'r>,
    ) -> Result<Self, Error> {
        let uri = request.uri();
        let target = uri.path_and_query().map_or("/", |pq| pq.as_str());
        let target = if target.is_empty() { "/" } else { target };
        let mut headers = Vec::with_capacity(request.headers().len().saturating_add(1));
        for (name, value) in request.headers() {
            let value = value.to_str().map_err(|_| Error::InvalidHeaderValue)?;
            headers.push((name.as_str(), value));
        }
        let mut added_host = None;
        if !request.headers().contains_key(http::header::HOST) {
            let authority = uri.authority().ok_or(Error::MissingHost)?;
            let host = authority.as_str().rsplit('@').next().unwrap_or_default();
            headers.push(("host", host));
            added_host = Some(host);
        }
        Ok(Self {
            method: request.method().as_str(),
            target,
            headers,
            payload,
            added_host,
        })
    }

    /// The borrowed [`Request`] view of it.
    ///
    /// ```
    /// let request = http::Request::post("https://sqs.us-east-1.amazonaws.com/").header("Host", "sqs.us-east-1.amazonaws.com").body(b"Action=ListQueues".to_vec()).unwrap();
    /// let parts = awsig::http::ReceivedRequest::new(&request)?;
    /// // The Host header is the request's own: none is added.
    /// assert_eq!(parts.as_request().headers, &[("host", "sqs.us-east-1.amazonaws.com")]);
    /// assert_eq!(parts.as_request().payload, awsig::Payload::Body(b"Action=ListQueues"));
    /// # Ok::<(), awsig::Error>(())
    /// ```
    #[must_use]
    pub fn as_request(&self) -> Request<'_> {
        Request::new(self.method, self.target, &self.headers).with_payload(self.payload)
    }

    /// [`verify`](crate::verify::verify) on this request.
    ///
    /// ```
    /// use awsig::http::ReceivedRequest;
    /// use awsig::verify::{Policy, Secret};
    /// use awsig::{Error, SigningTime, verify::Rejection};
    ///
    /// let request = http::Request::get("https://example.amazonaws.com/").body(Vec::new()).unwrap();
    /// let lookup = |_: &str| Some(Secret::new("secret", None));
    /// let now = SigningTime::parse_rfc3339("2015-08-30T12:36:00Z")?;
    /// let received = ReceivedRequest::new(&request)?;
    /// let unsigned = received.verify(&lookup, &Policy::new(now, "service"));
    /// assert_eq!(unsigned.unwrap_err(), Error::Rejected(Rejection::MissingAuthentication));
    /// # Ok::<(), awsig::Error>(())
    /// ```
    ///
    /// # Errors
    /// As [`verify`](crate::verify::verify).
    pub fn verify<'s, L: crate::verify::SecretLookup<'s> + ?Sized>(
        &self,
        lookup: &L,
        policy: &crate::verify::Policy<'_>,
    ) -> Result<crate::verify::Verified<'_>, Error> {
        crate::verify::verify(&self.as_request(), lookup, policy)
    }
}
