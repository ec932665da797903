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

/// Segments handled at once on the stack while removing dot segments;
/// longer paths are split in halves (see `for_each_kept_segment`).
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
        count = count.saturating_add(1);
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
///
/// Read from the right, the rule needs one counter: a `..` removes the
/// nearest kept segment to its left, so walking right to left, each `..`
/// adds one pending removal and each other segment is removed while
/// removals are pending. Segments come out reversed that way; to emit them
/// in order with no memory but the stack, a long path is cut in two
/// halves: the pending count at the cut is one right-to-left pass over the
/// right half, then the left half and the right half are emitted in turn.
/// O(n log n) for any path, O(log n) stack; paths of up to
/// `STACK_SEGMENTS` segments take a single pass.
fn for_each_kept_segment<'a>(path: &'a str, mut f: impl FnMut(&'a str)) {
    if !path.split('/').any(is_dot_segment) {
        path.split('/').filter(|s| !s.is_empty()).for_each(f);
        return;
    }
    emit_kept(path, 0, &mut f);
}

/// The removals still pending to the left of `part`, entering it from its
/// right end with `pending`.
fn pending_before(part: &str, pending: usize) -> usize {
    part.rsplit('/').fold(pending, |pending, seg| match seg {
        "" | "." => pending,
        ".." => pending.saturating_add(1),
        _ => pending.saturating_sub(1),
    })
}

/// Emits the kept segments of `part` (a run of `/`-led segments), in order,
/// given the removals `pending` at its right end.
fn emit_kept<'a>(part: &'a str, pending: usize, f: &mut dyn FnMut(&'a str)) {
    let slashes = part.bytes().filter(|&b| b == b'/').count();
    if slashes > STACK_SEGMENTS
        && let Some(cut) = middle_slash(part)
    {
        let (left, right) = part.split_at(cut);
        emit_kept(left, pending_before(right, pending), f);
        emit_kept(right, pending, f);
        return;
    }
    // Short enough: kept or not, right to left, on the stack; then in order.
    let mut kept = [""; STACK_SEGMENTS + 1];
    let mut n = 0usize;
    let mut pending = pending;
    for seg in part.rsplit('/') {
        match seg {
            "" | "." => {}
            ".." => pending = pending.saturating_add(1),
            _ if pending > 0 => pending = pending.saturating_sub(1),
            _ => {
                if let Some(slot) = kept.get_mut(n) {
                    *slot = seg;
                    n = n.saturating_add(1);
                }
            }
        }
    }
    kept.iter().take(n).rev().for_each(|&s| f(s));
}

/// A `/` near the middle of `part`, after its first byte.
fn middle_slash(part: &str) -> Option<usize> {
    let half = part.len() / 2;
    let after = part
        .get(half..)
        .and_then(|rest| rest.find('/'))
        .map(|i| half.saturating_add(i));
    after
        .filter(|&i| i > 0)
        .or_else(|| part.rfind('/').filter(|&i| i > 0))
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
