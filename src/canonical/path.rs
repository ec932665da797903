//! `CanonicalURI`: the path, normalised and encoded as the service expects.
//!
//! Every service but S3 removes dot segments and empty segments (RFC 3986
//! §5.2.4 plus collapsing `//`, as AWS's test suite and botocore do) and then
//! URI-encodes each byte of each segment *again*: the path as sent is already
//! encoded, so `%2F` becomes `%252F` and a raw space `%20`.
//!
//! S3 does neither: the path is signed exactly as sent, since it already
//! carries the object key encoded once (`~` stays `~`, `%2F` stays `%2F`).
//! Encoding the key is the caller's job, or [`crate::s3`]'s, which encodes it
//! as S3 expects. botocore and aws-c-auth sign such paths verbatim too.
//! See <https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html>.

use crate::Error;
use crate::encode::{check_escapes, encode_into};
use crate::sink::Sink;

/// Segments kept on the stack while removing dot segments; longer paths
/// with dot segments fall back to a scan that needs no memory.
const STACK_SEGMENTS: usize = 128;

/// Checks the path for the chosen encoding: when it is encoded only once, its
/// `%` escapes are kept and must be well formed.
pub(crate) fn check(path: &str, double_encode: bool) -> Result<(), Error> {
    if double_encode {
        Ok(())
    } else {
        check_escapes(path, 0)
    }
}

/// Writes the canonical URI of `path` (which starts with `/`).
pub(crate) fn write<S: Sink>(sink: &mut S, path: &str, normalize: bool, double_encode: bool) {
    let seg_out = |sink: &mut S, seg: &str| {
        if double_encode {
            encode_into(sink, seg.as_bytes(), true);
        } else {
            sink.put_str(seg);
        }
    };
    // Without an empty or dot segment (no `//`, no `/.`), normalising
    // changes nothing: the path is one piece, its `/` kept as they are.
    if !normalize || !needs_normalizing(path) {
        seg_out(sink, path);
        return;
    }
    let mut count = 0usize;
    for_each_kept_segment(path, |seg| {
        sink.put(b"/");
        seg_out(sink, seg);
        count += 1;
    });
    // The root stays `/`; otherwise a trailing slash is kept only when the
    // path ends with one (`/a/b/..` gives `/a`, as botocore and aws-c-auth).
    if count == 0 || path.ends_with('/') {
        sink.put(b"/");
    }
}

/// Whether `path` may hold an empty or a dot segment (`/.x` is a false
/// positive, harmless: it then takes the segment walk).
fn needs_normalizing(path: &str) -> bool {
    path.as_bytes()
        .windows(2)
        .any(|w| matches!(w, [b'/', b'/' | b'.']))
}

fn is_dot_segment(seg: &str) -> bool {
    seg == "." || seg == ".."
}

/// Calls `f` with each segment that survives dot-segment removal and the
/// collapsing of empty segments, in order.
fn for_each_kept_segment<'a>(path: &'a str, mut f: impl FnMut(&'a str)) {
    if !path.split('/').any(is_dot_segment) {
        path.split('/').filter(|s| !s.is_empty()).for_each(f);
        return;
    }
    // A stack of kept segments: `..` pops, at the root it does nothing.
    let mut stack = [""; STACK_SEGMENTS];
    let mut n = 0usize;
    let mut fits = true;
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => n = n.saturating_sub(1),
            _ => match stack.get_mut(n) {
                Some(slot) => {
                    *slot = seg;
                    n += 1;
                }
                None => {
                    fits = false;
                    break;
                }
            },
        }
    }
    if fits {
        stack.iter().take(n).for_each(|&s| f(s));
        return;
    }
    // Too deep for the stack: a segment is removed iff some later prefix
    // holds more `..` than kept segments after it.
    let mut rest = path.split('/');
    while let Some(seg) = rest.next() {
        if seg.is_empty() || is_dot_segment(seg) {
            continue;
        }
        let mut depth = 0i64;
        let removed = rest.clone().any(|later| {
            match later {
                "" | "." => {}
                ".." => depth += 1,
                _ => depth -= 1,
            }
            depth >= 1
        });
        if !removed {
            f(seg);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::String;
    use alloc::vec::Vec;

    fn canon(path: &str, normalize: bool, double: bool) -> String {
        let mut v: Vec<u8> = Vec::new();
        write(&mut v, path, normalize, double);
        String::from_utf8(v).unwrap()
    }

    #[test]
    fn normalises_like_botocore() {
        for (input, want) in [
            ("/", "/"),
            ("//", "/"),
            ("/a//b//", "/a/b/"),
            ("/a/b/..", "/a"),
            ("/a/.", "/a"),
            ("/a/..", "/"),
            ("/..", "/"),
            ("/a/b/../", "/a/"),
            ("/./a/./b/", "/a/b/"),
            ("/a/../../b", "/b"),
            ("/%2E%2E/a", "/%252E%252E/a"),
            ("/example space/", "/example%20space/"),
            ("/ሴ", "/%E1%88%B4"),
            ("/a%2Fb", "/a%252Fb"),
            ("/a/b", "/a/b"),
            ("/a/b/", "/a/b/"),
            ("/a/.b/c", "/a/.b/c"),
            ("/a./b", "/a./b"),
            ("/a b/c", "/a%20b/c"),
        ] {
            assert_eq!(canon(input, true, true), want, "{input}");
        }
    }

    #[test]
    fn deep_paths_use_the_scan_fallback() {
        let mut deep = String::new();
        for i in 0..300 {
            deep.push_str(&alloc::format!("/s{i}"));
        }
        deep.push_str("/../x");
        for _ in 0..5 {
            deep.push_str("/..");
        }
        deep.push_str("/y/");
        let mut want = String::new();
        for i in 0..295 {
            want.push_str(&alloc::format!("/s{i}"));
        }
        want.push_str("/y/");
        assert_eq!(canon(&deep, true, true), want);
    }

    #[test]
    fn s3_paths_are_encoded_once() {
        assert_eq!(canon("/a//b/../c~%2F", false, false), "/a//b/../c~%2F");
        assert_eq!(
            canon("/my%20file%C3%A9~", false, false),
            "/my%20file%C3%A9~"
        );
        assert_eq!(
            check("/100%", false),
            Err(Error::MalformedPercentEscape { at: 4 })
        );
        assert_eq!(check("/100%", true), Ok(()));
        assert_eq!(canon("/a%zz", false, true), "/a%25zz");
    }
}
