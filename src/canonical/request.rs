//! The canonical request: the six parts in order, streamed into one sink.

use crate::canonical::headers::Headers;
use crate::canonical::params::Params;
use crate::canonical::path;
use crate::canonical::query::Param;
use crate::sink::Sink;

/// Everything the canonical request is made of, checked beforehand.
pub(crate) struct CanonicalRequest<'a> {
    pub method: &'a str,
    /// The path as sent.
    pub path: &'a str,
    pub normalize_path: bool,
    pub double_encode_path: bool,
    pub query: CanonicalQuery<'a>,
    pub headers: &'a Headers<'a>,
    pub payload: &'a str,
}

/// Where the canonical query string comes from.
#[derive(Clone, Copy)]
pub(crate) enum CanonicalQuery<'a> {
    /// The request's parameters, with the `added` ones merged in and the
    /// `skip` ones (verification: `X-Amz-Signature`) left out.
    Params {
        params: &'a Params<'a, 'a>,
        added: &'a [Param<'a>],
        skip: &'a [&'a str],
    },
    /// Written already, in canonical form: the query of a presigned URL,
    /// hashed from the caller's buffer rather than produced twice (a speed
    /// trick that pays: `benches/README.md`, "Speed tricks").
    Written(&'a [u8]),
}

impl CanonicalQuery<'_> {
    pub(crate) fn write<S: Sink>(&self, sink: &mut S) {
        match *self {
            Self::Params {
                params,
                added,
                skip,
            } => params.write(sink, added, skip),
            Self::Written(bytes) => sink.put(bytes),
        }
    }
}

impl CanonicalRequest<'_> {
    pub(crate) fn write<S: Sink>(&self, sink: &mut S) {
        sink.put_str(self.method);
        sink.put(b"\n");
        path::write(
            sink,
            self.path,
            self.normalize_path,
            self.double_encode_path,
        );
        sink.put(b"\n");
        self.query.write(sink);
        sink.put(b"\n");
        self.headers.write_canonical_headers(sink);
        sink.put(b"\n");
        self.headers.write_signed_headers(sink, b";", false);
        sink.put(b"\n");
        sink.put_str(self.payload);
    }
}

/// Checks an HTTP method: a non-empty RFC 9110 token, used as sent.
pub(crate) fn check_method(method: &str) -> Result<(), crate::Error> {
    let token = !method.is_empty()
        && !crate::scan::any::<crate::canonical::headers::NotTchar>(method.as_bytes());
    if token {
        Ok(())
    } else {
        Err(crate::Error::InvalidMethod)
    }
}
