//! The canonical request: the six parts in order, streamed into one sink.

use crate::canonical::headers::Headers;
use crate::canonical::query::{self, Param};
use crate::canonical::{path, target::Target};
use crate::sink::{Gate, Sink, Tee};

/// Everything the canonical request is made of, checked beforehand.
pub(crate) struct CanonicalRequest<'a> {
    pub method: &'a str,
    pub target: Target<'a>,
    pub normalize_path: bool,
    pub double_encode_path: bool,
    pub query_added: &'a [Param<'a>],
    /// Received parameters left out (verification: `X-Amz-Signature`).
    pub query_skip: &'a [&'a str],
    pub headers: &'a Headers<'a>,
    pub payload: &'a str,
}

/// Which parts of the canonical request are also copied into `out` while
/// they are hashed: `?` + the query into a presigned
/// target, the signed header names into an `Authorization` value.
pub(crate) struct Copies<O> {
    pub out: O,
    pub query: bool,
    pub signed_headers: bool,
}

impl CanonicalRequest<'_> {
    pub(crate) fn write<S: Sink, O: Sink>(&self, sink: &mut S, copies: &mut Copies<O>) {
        sink.put_str(self.method);
        sink.put(b"\n");
        path::write(
            sink,
            self.target.path,
            self.normalize_path,
            self.double_encode_path,
        );
        sink.put(b"\n");
        if copies.query {
            copies.out.put(b"?");
        }
        query::write(
            &mut Tee(&mut *sink, Gate(&mut copies.out, copies.query)),
            self.target.query,
            self.query_added,
            self.query_skip,
        );
        sink.put(b"\n");
        self.headers.write_canonical_headers(sink);
        sink.put(b"\n");
        self.headers.write_signed_headers(
            &mut Tee(&mut *sink, Gate(&mut copies.out, copies.signed_headers)),
            b";",
            false,
        );
        sink.put(b"\n");
        sink.put_str(self.payload);
    }
}

/// Checks an HTTP method: a non-empty RFC 9110 token, used as sent.
pub(crate) fn check_method(method: &str) -> Result<(), crate::Error> {
    let token = !method.is_empty()
        && method
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
    if token {
        Ok(())
    } else {
        Err(crate::Error::InvalidMethod)
    }
}
