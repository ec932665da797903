//! `CanonicalHeaders` and `SignedHeaders`.
//!
//! Names are lowercased; values are trimmed and every run of spaces, tabs and
//! obs-fold line breaks becomes one space; headers of the same name are
//! joined with `,` in the order they arrived; the result is sorted by name.
//! `host` is always signed. Hop-by-hop and tracing headers that proxies may
//! change or drop (`user-agent`, `x-amzn-trace-id`, `connection`, `expect`,
//! `transfer-encoding`, `te`, `upgrade`, `keep-alive`, `trailer`,
//! `proxy-authenticate`, `proxy-authorization`, the W3C trace headers) and
//! `authorization` are never signed, as botocore's
//! `SIGNED_HEADERS_BLACKLIST` and aws-c-auth's skip list have it; any other
//! header, `Proxy-Foo` included, is signed. See <https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html#create-canonical-request>.

use core::cmp::Ordering;

use crate::Error;
use crate::encode::encode_into;
use crate::sink::Sink;
use crate::sort::for_each_sorted;

/// Header names never signed (compared ignoring ASCII case).
const UNSIGNED: &[&str] = &[
    "authorization",
    "baggage",
    "connection",
    "expect",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
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
pub(crate) fn is_signed(name: &str) -> bool {
    !UNSIGNED.iter().any(|u| u.eq_ignore_ascii_case(name))
}

crate::scan::byte_class!(
    /// Bytes outside RFC 9110 `tchar`: not allowed in a header name (or a
    /// method).
    NotTchar,
    |b| {
        let alnum = ((b | 0x20).wrapping_sub(b'a') < 26) | (b.wrapping_sub(b'0') < 10);
        let mark = (b == b'!')
            | (b.wrapping_sub(b'#') < 5) // # $ % & '
            | (b == b'*')
            | (b == b'+')
            | (b == b'-')
            | (b == b'.')
            | (b == b'^')
            | (b == b'_')
            | (b == b'`')
            | (b == b'|')
            | (b == b'~');
        !(alnum | mark)
    }
);

crate::scan::byte_class!(
    /// Bytes not allowed in a host (a `Host` header, an S3 endpoint):
    /// letters, digits, `.-_:[]` are.
    NotInHost,
    |b| {
        let alnum = ((b | 0x20).wrapping_sub(b'a') < 26) | (b.wrapping_sub(b'0') < 10);
        !(alnum | (b.wrapping_sub(b'-') < 2) | (b == b'_') | (b == b':') | (b == b'[') | (b == b']'))
    }
);

crate::scan::byte_class!(
    /// Bytes a header value may not hold: control characters but TAB and
    /// the LF of an obs-fold line break.
    NotInValue,
    |b| ((b < 0x20) | (b == 0x7f)) & (b != b'\t') & (b != b'\n')
);

crate::scan::byte_class!(
    /// Whitespace folded to one space: space, TAB, LF (obs-fold).
    FoldSpace,
    |b| (b == b' ') | (b == b'\t') | (b == b'\n')
);

/// The request's headers plus the ones the signer adds (`x-amz-date`, ...),
/// as one signable set.
pub(crate) struct Headers<'a> {
    user: &'a [(&'a str, &'a str)],
    added: [(&'static str, &'a str); 4],
    added_len: usize,
    /// When verifying: exactly the names the request says it signed.
    only: Option<NameList<'a>>,
    /// The signed headers in canonical order, as indexes into `user` then
    /// `added`, sorted once for the three places that list them.
    order: [u8; SORTED_HEADERS],
    /// How many of `order` are used; `None` when there are more than fit
    /// (then they are sorted where listed).
    order_len: Option<u8>,
}

/// Signed headers sorted once, on the stack.
const SORTED_HEADERS: usize = 24;

/// A list of header names as received in `SignedHeaders`, separated by `;`
/// (in a header) or `%3B` (in a query).
#[derive(Clone, Copy, Debug)]
pub(crate) struct NameList<'a> {
    pub(crate) raw: &'a str,
    pub(crate) sep: &'static str,
}

/// The names of a [`NameList`], in order.
#[derive(Clone)]
pub(crate) struct Names<'a> {
    rest: Option<&'a str>,
    sep: &'static str,
}

impl<'a> Iterator for Names<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let s = self.rest?;
        let at = if self.sep == ";" {
            s.find(';').map(|i| (i, 1))
        } else {
            // `%3B` (any hex case) or `;`, whichever comes first: one scan.
            let b = s.as_bytes();
            b.iter().enumerate().find_map(|(i, &c)| match c {
                b';' => Some((i, 1)),
                b'%' if b
                    .get(i.saturating_add(1)..i.saturating_add(3))
                    .is_some_and(|h| h.eq_ignore_ascii_case(b"3B")) =>
                {
                    Some((i, 3))
                }
                _ => None,
            })
        };
        match at {
            Some((i, len)) => {
                self.rest = s.get(i.saturating_add(len)..);
                s.get(..i)
            }
            None => {
                self.rest = None;
                Some(s)
            }
        }
    }
}

impl<'a> NameList<'a> {
    pub(crate) fn names(self) -> Names<'a> {
        Names {
            rest: Some(self.raw),
            sep: self.sep,
        }
    }

    /// The bytes of a listed name: percent-decoded when the list came in a
    /// query (`x-sj%21` is `x-sj!`).
    pub(crate) fn bytes_of(self, listed: &'a str) -> crate::encode::Decoded<'a> {
        // Decoding is harmless for names from a header: tokens may hold '%'
        // but a signer writes the names it lowercased, never escapes.
        if self.sep == ";" {
            crate::encode::Decoded::verbatim(listed.as_bytes())
        } else {
            crate::encode::Decoded::new(listed.as_bytes())
        }
    }

    pub(crate) fn contains(self, name: &str) -> bool {
        self.names().any(|n| {
            let mut listed = self.bytes_of(n);
            let mut want = name.bytes();
            loop {
                match (listed.next(), want.next()) {
                    (None, None) => return true,
                    (Some(a), Some(b)) if a.eq_ignore_ascii_case(&b) => {}
                    _ => return false,
                }
            }
        })
    }
}

impl<'a> Headers<'a> {
    /// Checks the request's headers and returns them with the value of the
    /// single `Host` header. `added` are the (lowercase) names the signer will
    /// add: a request that already has one of them is refused.
    pub(crate) fn check(user: &'a [(&'a str, &'a str)], added: &[&str]) -> Result<&'a str, Error> {
        Self::check_with_host(user, added, None)
    }

    /// Checks the headers of a received (signed) request: well formed, one
    /// valid `Host`; authentication headers are expected there.
    pub(crate) fn check_received(user: &'a [(&'a str, &'a str)]) -> Result<&'a str, Error> {
        Self::check_inner(user, &[], None, false)
    }

    /// [`Headers::check`] for a request whose `Host` is given apart from its
    /// headers (`host`), which then must not hold one.
    pub(crate) fn check_with_host(
        user: &'a [(&'a str, &'a str)],
        added: &[&str],
        host: Option<&'a str>,
    ) -> Result<&'a str, Error> {
        Self::check_inner(user, added, host, true)
    }

    fn check_inner(
        user: &'a [(&'a str, &'a str)],
        added: &[&str],
        host: Option<&'a str>,
        refuse_authorization: bool,
    ) -> Result<&'a str, Error> {
        let given = host.is_some();
        let mut host = host;
        for &(name, value) in user {
            if name.is_empty() || crate::scan::any::<NotTchar>(name.as_bytes()) {
                return Err(Error::InvalidHeaderName);
            }
            if crate::scan::any::<NotInValue>(value.as_bytes()) {
                return Err(Error::InvalidHeaderValue);
            }
            if name.eq_ignore_ascii_case("host") {
                if given || host.replace(value).is_some() {
                    return Err(Error::DuplicateHost);
                }
            } else if (refuse_authorization && name.eq_ignore_ascii_case("authorization"))
                || added.iter().any(|a| a.eq_ignore_ascii_case(name))
            {
                return Err(Error::AuthHeaderPresent);
            }
        }
        let host = host.ok_or(Error::MissingHost)?;
        let valid_host = !host.is_empty() && !crate::scan::any::<NotInHost>(host.as_bytes());
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
            only: None,
            order: [0; SORTED_HEADERS],
            order_len: None,
        };
        for (slot, &h) in set.added.iter_mut().zip(added) {
            *slot = h;
            set.added_len = set.added_len.saturating_add(1);
        }
        set.sort_once();
        set
    }

    /// Sorts the indexes of the signed headers into `order`, when they fit.
    fn sort_once(&mut self) {
        self.order_len = None;
        let count = self.user.len().saturating_add(self.added_len);
        if count > usize::from(u8::MAX) {
            return;
        }
        // Membership in a received list is tested name by name here: only
        // for few headers (more go through the merge in `sorted`).
        if self.only.is_some() && self.user.len() > SORTED_HEADERS {
            return;
        }
        let mut n = 0;
        for i in 0..count {
            // `i` < 255, checked above.
            let i = i as u8;
            let Some((name, _)) = self.item(i) else {
                continue;
            };
            let signed = match &self.only {
                Some(list) => i >= self.user.len() as u8 || list.contains(name),
                None => i >= self.user.len() as u8 || is_signed(name),
            };
            if !signed {
                continue;
            }
            let Some(slot) = self.order.get_mut(n) else {
                return;
            };
            *slot = i;
            n = n.saturating_add(1);
        }
        // Sorted by name, then by index: repeated names keep their arrival
        // order (they are joined with `,` in that order).
        let item = |i: u8| self.item(i).map(|(name, _)| name).unwrap_or_default();
        let mut order = self.order;
        order
            .get_mut(..n)
            .unwrap_or_default()
            .sort_unstable_by(|&a, &b| cmp_names(item(a), item(b)).then(a.cmp(&b)));
        self.order = order;
        // `n` <= `SORTED_HEADERS`.
        self.order_len = Some(n as u8);
    }

    fn item(&self, i: u8) -> Option<(&'a str, &'a str)> {
        let i = usize::from(i);
        match self.user.get(i) {
            Some(&h) => Some(h),
            None => self
                .added
                .get(..self.added_len)
                .and_then(|a| a.get(i.checked_sub(self.user.len())?))
                .copied(),
        }
    }

    /// The request's headers named in `only`, for verification: what the
    /// signer said it signed, nothing more or less.
    pub(crate) fn named(user: &'a [(&'a str, &'a str)], only: NameList<'a>) -> Self {
        let mut set = Self {
            user,
            added: [("", ""); 4],
            added_len: 0,
            only: Some(only),
            order: [0; SORTED_HEADERS],
            order_len: None,
        };
        set.sort_once();
        set
    }

    /// The headers to sort: when verifying, all the request's (the
    /// received list is merged in as they come out sorted).
    fn items(&self) -> impl Iterator<Item = (&'a str, &'a str)> + '_ {
        self.user
            .iter()
            .copied()
            .filter(|(name, _)| self.only.is_some() || is_signed(name))
            .chain(self.added.iter().take(self.added_len).copied())
    }

    fn sorted(&self, mut f: impl FnMut((&'a str, &'a str))) {
        if let Some(n) = self.order_len {
            self.order
                .get(..usize::from(n))
                .unwrap_or_default()
                .iter()
                .filter_map(|&i| self.item(i))
                .for_each(f);
            return;
        }
        let Some(list) = self.only else {
            for_each_sorted(
                &|visit| self.items().for_each(&mut *visit),
                &|a: &(&str, &str), b: &(&str, &str)| cmp_names(a.0, b.0),
                &mut f,
            );
            return;
        };
        // Both sorted by name: one merge keeps the listed ones, in
        // O(n log n) for any number of headers.
        let mut merge = ListMerge::new(list);
        for_each_sorted(
            &|visit| self.items().for_each(&mut *visit),
            &|a: &(&str, &str), b: &(&str, &str)| cmp_names(a.0, b.0),
            &mut |h: (&'a str, &'a str)| {
                if merge.listed(h.0) == Some(true) {
                    f(h);
                }
            },
        );
    }

    /// Writes `name:value\n` per signed name, values of repeated names joined
    /// with `,` in arrival order.
    pub(crate) fn write_canonical_headers<S: Sink>(&self, sink: &mut S) {
        let mut prev: Option<&str> = None;
        self.sorted(|(name, value)| {
            if prev.is_some_and(|p| p.eq_ignore_ascii_case(name)) {
                sink.put(b",");
            } else {
                if prev.is_some() {
                    sink.put(b"\n");
                }
                write_lowercase(sink, name);
                sink.put(b":");
            }
            write_value(sink, value);
            prev = Some(name);
        });
        if prev.is_some() {
            sink.put(b"\n");
        }
    }

    /// Writes the signed header names, lowercase, sorted, without repeats,
    /// separated by `sep` (`;` in the canonical request, `%3B` in a query),
    /// percent-encoded when `encode` (inside a query value).
    pub(crate) fn write_signed_headers<S: Sink>(&self, sink: &mut S, sep: &[u8], encode: bool) {
        let mut prev: Option<&str> = None;
        self.sorted(|(name, _)| {
            if prev.is_some_and(|p| p.eq_ignore_ascii_case(name)) {
                return;
            }
            if prev.is_some() {
                sink.put(sep);
            }
            if encode && crate::scan::any::<crate::scan::NeedsEncoding>(name.as_bytes()) {
                let mut lower = [0u8; 64];
                let mut rest = name.as_bytes();
                while !rest.is_empty() {
                    let (chunk, tail) = rest.split_at(rest.len().min(lower.len()));
                    let out = lower.get_mut(..chunk.len()).unwrap_or_default();
                    for (o, c) in out.iter_mut().zip(chunk) {
                        *o = c.to_ascii_lowercase();
                    }
                    encode_into(sink, out, false);
                    rest = tail;
                }
            } else {
                write_lowercase(sink, name);
            }
            prev = Some(name);
        });
    }
}

/// Walks a received `SignedHeaders` list (sorted, unique: checked) beside
/// header names that come in sorted order.
pub(crate) struct ListMerge<'a> {
    list: NameList<'a>,
    names: core::iter::Peekable<Names<'a>>,
    /// Whether the list's current name was seen among the headers.
    matched: bool,
}

impl<'a> ListMerge<'a> {
    pub(crate) fn new(list: NameList<'a>) -> Self {
        Self {
            list,
            names: list.names().peekable(),
            matched: false,
        }
    }

    /// For the next header name (in sorted order): `Some(true)` when it is
    /// listed, `Some(false)` when it is not, `None` when a listed name
    /// before it was never seen (a signed header is missing).
    pub(crate) fn listed(&mut self, name: &str) -> Option<bool> {
        while let Some(&listed) = self.names.peek() {
            let order = self
                .list
                .bytes_of(listed)
                .cmp(name.bytes().map(|b| b.to_ascii_lowercase()));
            match order {
                Ordering::Equal => {
                    self.matched = true;
                    return Some(true);
                }
                Ordering::Greater => return Some(false),
                Ordering::Less if self.matched => {
                    self.names.next();
                    self.matched = false;
                }
                Ordering::Less => return None,
            }
        }
        Some(false)
    }

    /// Whether every listed name was seen.
    pub(crate) fn complete(mut self) -> bool {
        match self.names.next() {
            None => true,
            Some(_) => self.matched && self.names.next().is_none(),
        }
    }
}

fn cmp_names(a: &str, b: &str) -> Ordering {
    a.bytes()
        .map(|c| c.to_ascii_lowercase())
        .cmp(b.bytes().map(|c| c.to_ascii_lowercase()))
}

fn write_lowercase<S: Sink>(sink: &mut S, name: &str) {
    if !crate::scan::any::<crate::scan::Uppercase>(name.as_bytes()) {
        sink.put_str(name);
        return;
    }
    // Lowercased through a small stack buffer: one write per 64 bytes.
    let mut lower = [0u8; 64];
    for chunk in name.as_bytes().chunks(lower.len()) {
        let out = lower.get_mut(..chunk.len()).unwrap_or_default();
        for (o, c) in out.iter_mut().zip(chunk) {
            *o = c.to_ascii_lowercase();
        }
        sink.put(out);
    }
}

/// Trimmed, each run of spaces/tabs/line breaks folded to one space.
fn write_value<S: Sink>(sink: &mut S, value: &str) {
    // Most values (tokens, dates, hashes) hold no whitespace: one write.
    if !crate::scan::any::<FoldSpace>(value.as_bytes()) {
        sink.put_str(value);
        return;
    }
    let mut first = true;
    for word in value.split(|c: char| c.is_ascii() && crate::scan::in_table::<FoldSpace>(c as u8)) {
        if word.is_empty() {
            continue;
        }
        if !first {
            sink.put(b" ");
        }
        first = false;
        sink.put_str(word);
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
                ("Proxy-Foo", "signed, as botocore does"),
                ("Proxy-Authorization", "not signed"),
                ("X-Empty", ""),
                ("x-empty", ""),
            ],
            &[("x-amz-date", "20150830T123600Z")],
        );
        assert_eq!(
            c,
            "host:example.amazonaws.com\nmy-header1:value2,a b c\nproxy-foo:signed, as botocore does\nx-amz-date:20150830T123600Z\nx-empty:,\nx-multi:value1 value2 value3\n"
        );
        assert_eq!(s, "host;my-header1;proxy-foo;x-amz-date;x-empty;x-multi");
    }

    #[test]
    fn byte_classes_match_their_definitions() {
        use crate::scan::ByteClass;
        for b in 0..=255u8 {
            let tchar = b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b);
            assert_eq!(NotTchar::hit(b), !tchar, "{b:#04x}");
            assert_eq!(NotTchar::TABLE[usize::from(b)], !tchar, "{b:#04x}");
            let host = b.is_ascii_alphanumeric() || b".-_:[]".contains(&b);
            assert_eq!(NotInHost::hit(b), !host, "{b:#04x}");
            let value = !(b < 0x20 || b == 0x7f) || b == b'\t' || b == b'\n';
            assert_eq!(NotInValue::hit(b), !value, "{b:#04x}");
            assert_eq!(
                FoldSpace::hit(b),
                matches!(b, b' ' | b'\t' | b'\n'),
                "{b:#04x}"
            );
        }
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
