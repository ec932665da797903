//! `CanonicalHeaders` and `SignedHeaders`.
//!
//! Names are lowercased; values are trimmed and every run of spaces, tabs and
//! obs-fold line breaks becomes one space; headers of the same name are
//! joined with `,` in the order they arrived; the result is sorted by name.
//! `host` is always signed. Hop-by-hop and tracing headers that proxies may
//! change or drop (`user-agent`, `x-amzn-trace-id`, `connection`, `expect`,
//! `transfer-encoding`, `te`, `upgrade`, `keep-alive`, `trailer`, `proxy-*`,
//! the W3C trace headers) and `authorization` are never signed, as botocore
//! and aws-c-auth do.

use core::cmp::Ordering;

use crate::Error;
use crate::encode::encode_into;
use crate::sink::{Sink, Staged};
use crate::sort::for_each_sorted;

/// Header names never signed (compared ignoring ASCII case).
const UNSIGNED: &[&str] = &[
    "authorization",
    "baggage",
    "connection",
    "expect",
    "keep-alive",
    "te",
    "traceparent",
    "tracestate",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "user-agent",
    "x-amzn-trace-id",
];

/// Whether a header with this name is signed.
#[must_use]
pub fn is_signed(name: &str) -> bool {
    let proxy = name
        .as_bytes()
        .get(..6)
        .is_some_and(|p| p.eq_ignore_ascii_case(b"proxy-"));
    !proxy && !UNSIGNED.iter().any(|u| u.eq_ignore_ascii_case(name))
}

/// RFC 9110 `tchar`.
fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// Whether `b` may appear in a header value: anything but control bytes,
/// except TAB and the LF of an obs-fold line break.
fn is_value_byte(b: u8) -> bool {
    !(b < 0x20 || b == 0x7f) || b == b'\t' || b == b'\n'
}

fn is_fold_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n')
}

/// The request's headers plus the ones the signer adds (`x-amz-date`, ...),
/// as one signable set.
pub(crate) struct Headers<'a> {
    user: &'a [(&'a str, &'a str)],
    added: [(&'static str, &'a str); 4],
    added_len: usize,
}

impl<'a> Headers<'a> {
    /// Checks the request's headers and returns them with the value of the
    /// single `Host` header. `added` are the (lowercase) names the signer will
    /// add: a request that already has one of them is refused.
    pub(crate) fn check(user: &'a [(&'a str, &'a str)], added: &[&str]) -> Result<&'a str, Error> {
        Self::check_with_host(user, added, None)
    }

    /// [`Headers::check`] for a request whose `Host` is given apart from its
    /// headers (`host`), which then must not hold one.
    pub(crate) fn check_with_host(
        user: &'a [(&'a str, &'a str)],
        added: &[&str],
        host: Option<&'a str>,
    ) -> Result<&'a str, Error> {
        let given = host.is_some();
        let mut host = host;
        for &(name, value) in user {
            if name.is_empty() || !name.bytes().all(is_tchar) {
                return Err(Error::InvalidHeaderName);
            }
            if !value.bytes().all(is_value_byte) {
                return Err(Error::InvalidHeaderValue);
            }
            if name.eq_ignore_ascii_case("host") {
                if given || host.replace(value).is_some() {
                    return Err(Error::DuplicateHost);
                }
            } else if name.eq_ignore_ascii_case("authorization")
                || added.iter().any(|a| a.eq_ignore_ascii_case(name))
            {
                return Err(Error::AuthHeaderPresent);
            }
        }
        let host = host.ok_or(Error::MissingHost)?;
        let valid_host = !host.is_empty()
            && host.bytes().all(|b| {
                b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b':' | b'[' | b']')
            });
        if !valid_host {
            return Err(Error::InvalidHost);
        }
        Ok(host)
    }

    /// The signable set: `user` (checked) plus `added` (lowercase names).
    pub(crate) fn new(user: &'a [(&'a str, &'a str)], added: &[(&'static str, &'a str)]) -> Self {
        let mut set = Self {
            user,
            added: [("", ""); 4],
            added_len: 0,
        };
        for (slot, &h) in set.added.iter_mut().zip(added) {
            *slot = h;
            set.added_len += 1;
        }
        set
    }

    fn items(&self) -> impl Iterator<Item = (&'a str, &'a str)> + '_ {
        self.user
            .iter()
            .copied()
            .filter(|(name, _)| is_signed(name))
            .chain(self.added.iter().take(self.added_len).copied())
    }

    fn sorted(&self, f: impl FnMut((&'a str, &'a str))) {
        for_each_sorted(|| self.items(), |a, b| cmp_names(a.0, b.0), f);
    }

    /// Writes `name:value\n` per signed name, values of repeated names joined
    /// with `,` in arrival order.
    pub(crate) fn write_canonical_headers<S: Sink>(&self, sink: &mut S) {
        let mut staged = Staged::new(sink);
        let mut prev: Option<&str> = None;
        self.sorted(|(name, value)| {
            if prev.is_some_and(|p| p.eq_ignore_ascii_case(name)) {
                staged.byte(b',');
            } else {
                if prev.is_some() {
                    staged.byte(b'\n');
                }
                write_lowercase(&mut staged, name);
                staged.byte(b':');
            }
            write_value(&mut staged, value);
            prev = Some(name);
        });
        if prev.is_some() {
            staged.byte(b'\n');
        }
    }

    /// Writes the signed header names, lowercase, sorted, without repeats,
    /// separated by `sep` (`;` in the canonical request, `%3B` in a query),
    /// percent-encoded when `encode` (inside a query value).
    pub(crate) fn write_signed_headers<S: Sink>(&self, sink: &mut S, sep: &[u8], encode: bool) {
        let mut staged = Staged::new(sink);
        let mut prev: Option<&str> = None;
        self.sorted(|(name, _)| {
            if prev.is_some_and(|p| p.eq_ignore_ascii_case(name)) {
                return;
            }
            if prev.is_some() {
                staged.put(sep);
            }
            if encode && !name.bytes().all(crate::encode::is_unreserved) {
                let mut lower = [0u8; 64];
                let mut rest = name.as_bytes();
                while !rest.is_empty() {
                    let (chunk, tail) = rest.split_at(rest.len().min(lower.len()));
                    let out = lower.get_mut(..chunk.len()).unwrap_or_default();
                    for (o, c) in out.iter_mut().zip(chunk) {
                        *o = c.to_ascii_lowercase();
                    }
                    encode_into(&mut staged, out, b"");
                    rest = tail;
                }
            } else {
                write_lowercase(&mut staged, name);
            }
            prev = Some(name);
        });
    }
}

fn cmp_names(a: &str, b: &str) -> Ordering {
    a.bytes()
        .map(|c| c.to_ascii_lowercase())
        .cmp(b.bytes().map(|c| c.to_ascii_lowercase()))
}

fn write_lowercase<S: Sink>(staged: &mut Staged<S>, name: &str) {
    if name.bytes().any(|c| c.is_ascii_uppercase()) {
        for c in name.bytes() {
            staged.byte(c.to_ascii_lowercase());
        }
    } else {
        staged.put_str(name);
    }
}

/// Trimmed, each run of spaces/tabs/line breaks folded to one space.
fn write_value<S: Sink>(staged: &mut Staged<S>, value: &str) {
    let mut first = true;
    for word in value.split(|c: char| c.is_ascii() && is_fold_space(c as u8)) {
        if word.is_empty() {
            continue;
        }
        if !first {
            staged.byte(b' ');
        }
        first = false;
        staged.put_str(word);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::String;
    use alloc::vec::Vec;

    fn canon(headers: &[(&str, &str)], added: &[(&'static str, &str)]) -> (String, String) {
        Headers::check(headers, &added.iter().map(|a| a.0).collect::<Vec<_>>()).unwrap();
        let set = Headers::new(headers, added);
        let mut c: Vec<u8> = Vec::new();
        set.write_canonical_headers(&mut c);
        let mut s: Vec<u8> = Vec::new();
        set.write_signed_headers(&mut s, b";", false);
        (String::from_utf8(c).unwrap(), String::from_utf8(s).unwrap())
    }

    #[test]
    fn canonical_headers_rules() {
        let (c, s) = canon(
            &[
                ("Host", "example.amazonaws.com"),
                ("My-Header1", " value2 "),
                ("my-header1", "a   b\t\tc"),
                ("X-Multi", "value1\n  value2\n     value3"),
                ("User-Agent", "not signed"),
                ("Proxy-Foo", "not signed"),
                ("X-Empty", ""),
                ("x-empty", ""),
            ],
            &[("x-amz-date", "20150830T123600Z")],
        );
        assert_eq!(
            c,
            "host:example.amazonaws.com\nmy-header1:value2,a b c\nx-amz-date:20150830T123600Z\nx-empty:,\nx-multi:value1 value2 value3\n"
        );
        assert_eq!(s, "host;my-header1;x-amz-date;x-empty;x-multi");
    }

    #[test]
    fn refuses_bad_headers() {
        fn check<'a>(h: &'a [(&'a str, &'a str)]) -> Result<&'a str, Error> {
            Headers::check(h, &["x-amz-date"])
        }
        assert_eq!(check(&[]), Err(Error::MissingHost));
        assert_eq!(
            check(&[("host", "a"), ("Host", "b")]),
            Err(Error::DuplicateHost)
        );
        assert_eq!(
            check(&[("host", "a"), ("bad name", "b")]),
            Err(Error::InvalidHeaderName)
        );
        assert_eq!(
            check(&[("host", "a"), ("x", "a\rb")]),
            Err(Error::InvalidHeaderValue)
        );
        assert_eq!(
            check(&[("host", "a"), ("x", "a\0b")]),
            Err(Error::InvalidHeaderValue)
        );
        assert_eq!(
            check(&[("host", "a"), ("X-Amz-Date", "b")]),
            Err(Error::AuthHeaderPresent)
        );
        assert_eq!(
            check(&[("host", "a"), ("Authorization", "b")]),
            Err(Error::AuthHeaderPresent)
        );
        assert_eq!(
            check(&[("host", "bücher.example")]),
            Err(Error::InvalidHost)
        );
        assert_eq!(check(&[("host", "localhost:9000")]), Ok("localhost:9000"));
    }
}
