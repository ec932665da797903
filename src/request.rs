//! The borrowed view of an HTTP request that every scheme signs.

use crate::canonical::payload::Payload;

/// An HTTP request as it will be sent, borrowed from the caller.
///
/// The host is the value of the `Host` header, which must be present exactly
/// once (add it if your HTTP client adds it later: it is always signed).
///
/// `Debug` shows the method, the path, the header names and the payload's
/// kind: header values and the query may carry a signature or a session
/// token.
///
/// ```
/// let headers = [("Host", "example.amazonaws.com"), ("X-Amz-Security-Token", "secret-token")];
/// let request = awsig::Request::new("GET", "/?X-Amz-Security-Token=secret-token", &headers);
/// let shown = format!("{request:?}");
/// assert!(shown.contains("X-Amz-Security-Token") && !shown.contains("secret-token"));
/// ```
#[derive(Clone, Copy)]
pub struct Request<'a> {
    /// The method, as sent (`GET`, `PUT`, ...).
    pub method: &'a str,
    /// The request-target as sent on the request line: the path, already
    /// percent-encoded, and the optional `?query`.
    pub target: &'a str,
    /// The headers, in order, names in any case; repeated names allowed.
    pub headers: &'a [(&'a str, &'a str)],
    /// The body, its hash, or a literal payload value.
    pub payload: Payload<'a>,
    /// The scheme a presigned URL is written with: `https` unless set
    /// (`http` for local endpoints such as `http://127.0.0.1:9000`). Not
    /// signed.
    pub scheme: &'a str,
}

impl core::fmt::Debug for Request<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        struct Names<'a>(&'a [(&'a str, &'a str)]);
        impl core::fmt::Debug for Names<'_> {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                f.debug_list()
                    .entries(self.0.iter().map(|(name, _)| name))
                    .finish()
            }
        }
        f.debug_struct("Request")
            .field("method", &self.method)
            .field("path", &self.target.split('?').next().unwrap_or_default())
            .field("header_names", &Names(self.headers))
            .field("payload", &self.payload)
            .field("scheme", &self.scheme)
            .finish_non_exhaustive()
    }
}

impl<'a> Request<'a> {
    /// A request with an empty body.
    #[must_use]
    pub const fn new(method: &'a str, target: &'a str, headers: &'a [(&'a str, &'a str)]) -> Self {
        Self {
            method,
            target,
            headers,
            payload: Payload::Body(b""),
            scheme: "https",
        }
    }

    /// The same request, to be sent with `scheme` (`http` or `https`) when
    /// presigned as a URL.
    #[must_use]
    pub const fn with_scheme(mut self, scheme: &'a str) -> Self {
        self.scheme = scheme;
        self
    }

    /// The same request with another payload.
    #[must_use]
    pub const fn with_payload(mut self, payload: Payload<'a>) -> Self {
        self.payload = payload;
        self
    }
}
