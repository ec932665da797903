//! The request-target as sent on the request line: `path[?query]` (RFC 9112
//! §3.2, origin-form), from which the canonical URI and query are computed.
//! See <https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html#create-canonical-request>.

use crate::Error;

crate::scan::byte_class!(
    /// Control characters and `#`, never part of a request-target.
    NotInTarget,
    |b| (b < 0x20) | (b == 0x7f) | (b == b'#')
);

crate::scan::byte_class!(
    /// What a request-target to be sent cannot hold as is: control
    /// characters, space, `#`, and bytes outside ASCII (RFC 9112 allows
    /// only visible ASCII on the request line; the rest must be
    /// percent-encoded).
    NotSendable,
    |b| (b <= 0x20) | (b >= 0x7f) | (b == b'#')
);

/// A checked request-target split into path and query (without the `?`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Target<'a> {
    /// The path, starting with `/`, as sent.
    pub path: &'a str,
    /// The query as sent, without the `?` (empty when there is none).
    pub query: &'a str,
    /// Offset of the query in the target (for error positions).
    pub query_offset: usize,
}

impl<'a> Target<'a> {
    /// Splits and checks a request-target: it must start with `/` and hold no
    /// control character and no `#` (a fragment is never sent).
    ///
    /// # Errors
    /// [`Error::TargetNotAbsolute`], [`Error::InvalidTargetByte`].
    pub(crate) fn parse(target: &'a str) -> Result<Self, Error> {
        Self::parse_refusing::<NotInTarget>(target)
    }

    /// Splits and checks a request-target that goes into a URL the crate
    /// writes: as [`Target::parse`], and it may hold only visible ASCII (a
    /// raw space or `é` must be percent-encoded first, or the URL cannot be
    /// sent as written). A target alone keeps AWS's rule (raw bytes are
    /// signed in their encoded form, as its test suite requires).
    ///
    /// # Errors
    /// [`Error::TargetNotAbsolute`], [`Error::InvalidTargetByte`].
    pub(crate) fn parse_for_url(target: &'a str) -> Result<Self, Error> {
        Self::parse_refusing::<NotSendable>(target)
    }

    /// The one rule of both: starts with `/`, holds no byte of the class
    /// `C` (the first one found is the error).
    fn parse_refusing<C: crate::scan::ByteClass>(target: &'a str) -> Result<Self, Error> {
        if !target.starts_with('/') {
            return Err(Error::TargetNotAbsolute);
        }
        if let Some(at) = crate::scan::position::<C>(target.as_bytes()) {
            let byte = target.as_bytes().get(at).copied().unwrap_or_default();
            return Err(Error::InvalidTargetByte { byte, at });
        }
        Ok(Self::split(target))
    }

    /// Splits a target the crate wrote itself with its encoder, from
    /// checked parts (an S3 bucket and object key): it starts with `/`, and
    /// holds no control character, no `#` and no malformed escape, so it is
    /// not checked again.
    pub(crate) fn split(target: &'a str) -> Self {
        match target.split_once('?') {
            Some((path, query)) => Self {
                path,
                query,
                query_offset: path.len().saturating_add(1),
            },
            None => Self {
                path: target,
                query: "",
                query_offset: target.len(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_and_checks() {
        let t = Target::parse("/a/b?x=1&y").unwrap();
        assert_eq!((t.path, t.query, t.query_offset), ("/a/b", "x=1&y", 5));
        assert_eq!(Target::parse("/").unwrap().query, "");
        assert_eq!(Target::parse("a"), Err(Error::TargetNotAbsolute));
        assert_eq!(Target::parse(""), Err(Error::TargetNotAbsolute));
        assert_eq!(
            Target::parse("/a\0"),
            Err(Error::InvalidTargetByte { byte: 0, at: 2 })
        );
        assert_eq!(
            Target::parse("/a#f"),
            Err(Error::InvalidTargetByte { byte: b'#', at: 2 })
        );
        assert_eq!(
            Target::parse("/a?b=\n"),
            Err(Error::InvalidTargetByte { byte: b'\n', at: 5 })
        );
    }
}
