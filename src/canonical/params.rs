//! The query as sent, read once: one span per parameter, every byte
//! validated in the same pass, the spans sorted in canonical order.
//!
//! Checking, sorting and writing the canonical query string share one split
//! of the query, into a fixed array on the stack that also records which
//! keys and values are already canonical (unreserved bytes, and escapes
//! exactly as AWS writes them), so that writing them is one copy (a speed
//! trick that pays: `benches/README.md`, "Speed tricks").
//! Queries with more parameters than the array holds (or longer than
//! 64 KiB, beyond 16-bit offsets) are validated the same way and sorted by
//! [`crate::sort`], which has no size limit.

use core::cmp::Ordering;

use crate::Error;
use crate::canonical::query::{self, Param, decoded_eq, decoded_eq_ignore_case};
use crate::encode::{
    Plus, cmp_canonical, decodes_to_utf8, hex_value, is_unreserved, reencode_into_as,
};
use crate::scan::{self, NeedsEncoding};
use crate::sink::Sink;

/// Parameters sorted on the stack; more go through [`crate::sort`].
pub(crate) const STACK_PARAMS: usize = 64;

/// `Span::plain` bits: the key / the value is canonical as sent (written
/// with one copy, compared byte by byte).
const KEY_PLAIN: u8 = 1;
const VALUE_PLAIN: u8 = 2;

/// One parameter: `query[start..eq]` is the key, `query[eq + 1..end]` the
/// value (empty when `eq == end`: no `=`).
#[derive(Clone, Copy, Default)]
pub(crate) struct Span {
    start: u16,
    eq: u16,
    end: u16,
    plain: u8,
}

/// Room for the spans of a query's parameters, on the caller's stack.
pub(crate) type Spans = [Span; STACK_PARAMS];

/// Empty [`Spans`].
pub(crate) const SPANS: Spans = [Span {
    start: 0,
    eq: 0,
    end: 0,
    plain: 0,
}; STACK_PARAMS];

/// A checked query and its parameters in canonical order.
pub(crate) struct Params<'a, 's> {
    query: &'a str,
    spans: &'s mut [Span],
    len: usize,
    /// Too many parameters (or too long a query) for `spans`.
    spilled: bool,
    /// What a raw `+` stands for: a literal when signing, a space when
    /// verifying a received query.
    plus: Plus,
}

impl<'a, 's> Params<'a, 's> {
    /// Reads and checks `query` (see [`Params::read`]), its parameters
    /// sorted into `spans`.
    pub(crate) fn parse(
        query: &'a str,
        spans: &'s mut Spans,
        offset: usize,
        refused: &[&str],
    ) -> Result<Self, Error> {
        let mut params = Self::new(query, spans);
        params.read(offset, refused)?;
        Ok(params)
    }

    /// [`Params::parse`] of a received query, whose raw `+` are spaces.
    pub(crate) fn parse_received(
        query: &'a str,
        spans: &'s mut Spans,
        offset: usize,
    ) -> Result<Self, Error> {
        let mut params = Self::new(query, spans);
        params.plus = Plus::Space;
        params.read(offset, &[])?;
        Ok(params)
    }

    /// Checks `query` as [`Params::read`] does, without keeping or
    /// sorting the parameters (SigV2, which sorts them another way).
    pub(crate) fn check(query: &'a str, offset: usize, refused: &[&str]) -> Result<(), Error> {
        let mut params = Params::new(query, &mut []);
        // Spilled: every parameter is checked, none is kept.
        params.spilled = true;
        params.read(offset, refused)
    }

    /// The query, not read yet; its parameters go into `spans`.
    #[inline]
    fn new(query: &'a str, spans: &'s mut [Span]) -> Self {
        Self {
            query,
            spans,
            len: 0,
            spilled: query.len() > usize::from(u16::MAX),
            plus: Plus::Literal,
        }
    }

    /// Reads the query (as sent, without `?`), checking it, and sorts its
    /// parameters: well-formed escapes (`offset` is the query's position in
    /// the target, for the error), UTF-8 after decoding, and no key equal,
    /// ignoring ASCII case, to one of the `refused` names. In place: the
    /// span array is not moved.
    fn read(&mut self, offset: usize, refused: &[&str]) -> Result<(), Error> {
        let params = self;
        let query = params.query;
        let bytes = query.as_bytes();
        // No parameters (most S3 and many presigned requests).
        if bytes.is_empty() {
            return Ok(());
        }
        let mut start = 0;
        let mut eq: Option<usize> = None;
        let mut plain = KEY_PLAIN | VALUE_PLAIN;
        // Whether the key / value holds an escape of a byte >= 0x80: only
        // then can its decoding fail to be UTF-8 (raw bytes come from a `&str`).
        let mut high = [false; 2];
        // Errors found in a parameter wait until every escape of the query
        // has been checked: a malformed escape is reported first, wherever it is.
        let mut deferred = None;
        let refused = Refused {
            names: refused,
            screen: Screen::new(refused),
        };
        // Every byte that is not unreserved, in order; the end of the query
        // closes the last parameter.
        let mut hits = scan::positions::<NeedsEncoding>(bytes);
        loop {
            let at = hits.next().unwrap_or(bytes.len());
            let in_value = usize::from(eq.is_some());
            match bytes.get(at).copied() {
                Some(b'=') if eq.is_none() => eq = Some(at),
                Some(b'%') => {
                    let digit =
                        |k: usize| bytes.get(at.saturating_add(k)).copied().unwrap_or_default();
                    // The two digits, when they are hex digits, are
                    // unreserved: no hit, the iterator passes over them.
                    let (Some(h), Some(l)) = (hex_value(digit(1)), hex_value(digit(2))) else {
                        return Err(Error::MalformedPercentEscape {
                            at: offset.saturating_add(at),
                        });
                    };
                    let byte = h << 4 | l;
                    if let Some(flag) = high.get_mut(in_value) {
                        *flag |= byte >= 0x80;
                    }
                    // An escape is already canonical when AWS would write it
                    // the same: uppercase digits, of a byte that must be
                    // escaped (`%20` is; `%2f` and `%41` are re-encoded to
                    // `%2F` and `A`). Clients encode values this way, so
                    // most escaped values are still written with one copy.
                    let canonical = !is_unreserved(byte)
                        && !digit(1).is_ascii_lowercase()
                        && !digit(2).is_ascii_lowercase();
                    if !canonical {
                        plain &= !(KEY_PLAIN << in_value);
                    }
                }
                Some(b'&') | None => {
                    if at > start && deferred.is_none() {
                        deferred = params
                            .push(start, eq.unwrap_or(at), at, plain, high, &refused)
                            .err();
                    }
                    if at >= bytes.len() {
                        break;
                    }
                    start = at.saturating_add(1);
                    eq = None;
                    plain = KEY_PLAIN | VALUE_PLAIN;
                    high = [false; 2];
                }
                Some(_) => plain &= !(KEY_PLAIN << in_value),
            }
        }
        if let Some(e) = deferred {
            return Err(e);
        }
        if !params.spilled {
            params.sort();
        }
        Ok(())
    }

    fn push(
        &mut self,
        start: usize,
        eq: usize,
        end: usize,
        plain: u8,
        high: [bool; 2],
        refused: &Refused<'_>,
    ) -> Result<(), Error> {
        let key = self.query.get(start..eq).unwrap_or_default();
        let value = self
            .query
            .get(eq.saturating_add(1)..end)
            .unwrap_or_default();
        if (high[0] && !decodes_to_utf8(key)) || (high[1] && !decodes_to_utf8(value)) {
            return Err(Error::QueryNotUtf8);
        }
        // A key decodes to at most its own length: shorter keys cannot be
        // one of the names, and most are.
        if refused.screen.may_refuse(key)
            && refused
                .names
                .iter()
                .any(|name| key.len() >= name.len() && decoded_eq_ignore_case(key, name))
        {
            return Err(Error::AuthParameterPresent);
        }
        if self.spilled {
            return Ok(());
        }
        match self.spans.get_mut(self.len) {
            // `spilled` is false: offsets fit in `u16`.
            Some(slot) => {
                *slot = Span {
                    start: start as u16,
                    eq: eq as u16,
                    end: end as u16,
                    plain,
                };
                self.len = self.len.saturating_add(1);
            }
            None => self.spilled = true,
        }
        Ok(())
    }

    fn key(&self, s: &Span) -> &'a str {
        key(self.query, s)
    }

    fn value(&self, s: &Span) -> &'a str {
        value(self.query, s)
    }

    /// Sorts the parameters by encoded key, then encoded value (equal pairs
    /// are the same bytes, so their order does not show).
    fn sort(&mut self) {
        let (query, plus) = (self.query, self.plus);
        self.spans
            .get_mut(..self.len)
            .unwrap_or_default()
            .sort_unstable_by(|a, b| cmp(query, a, b, plus));
    }

    /// Writes the canonical query string: these parameters with `added`
    /// (sorted by key; keys unreserved and never equal to one of these) merged in,
    /// leaving out the parameters whose decoded key is one of `skip`.
    pub(crate) fn write<S: Sink>(&self, sink: &mut S, added: &[Param<'_>], skip: &[&str]) {
        if self.spilled {
            query::write(sink, self.query, added, skip, self.plus);
            return;
        }
        debug_assert!(added.is_sorted_by(|a, b| a.key_cmp(b) == Ordering::Less));
        let mut added = added.iter().peekable();
        let mut first = true;
        let sep = |sink: &mut S, first: &mut bool| {
            if !*first {
                sink.put(b"&");
            }
            *first = false;
        };
        for span in self.spans.get(..self.len).unwrap_or_default() {
            let key = self.key(span);
            if !skip.is_empty() && skip.iter().any(|s| decoded_eq(key, s)) {
                continue;
            }
            let plain = span.plain & KEY_PLAIN != 0;
            while let Some(p) = added.next_if(|p| p.key_before(key, plain, self.plus)) {
                p.write_after(sink, first);
                first = false;
            }
            // Key and value canonical as sent, with their `=`: the
            // parameter is its own canonical form, and with the `&` before
            // it in the query (every parameter but one at the start has
            // one) it goes out in one piece.
            if span.plain == KEY_PLAIN | VALUE_PLAIN && span.eq < span.end {
                let (start, end) = (usize::from(span.start), usize::from(span.end));
                let with_amp = if first { None } else { start.checked_sub(1) };
                if let Some(piece) = with_amp.and_then(|from| self.query.get(from..end)) {
                    first = false;
                    sink.put_str(piece);
                    continue;
                }
                sep(sink, &mut first);
                sink.put_str(self.query.get(start..end).unwrap_or_default());
                continue;
            }
            sep(sink, &mut first);
            write_component(sink, key, span.plain & KEY_PLAIN != 0, self.plus);
            sink.put(b"=");
            write_component(
                sink,
                self.value(span),
                span.plain & VALUE_PLAIN != 0,
                self.plus,
            );
        }
        for p in added {
            p.write_after(sink, first);
            first = false;
        }
    }
}

/// Names a key may not have, and their [`Screen`].
struct Refused<'r> {
    names: &'r [&'r str],
    screen: Screen,
}

/// What the keys refused when presigning (`X-Amz-*`) have in common, to
/// pass over most keys without comparing them with each name.
struct Screen {
    /// The shortest name: a key decodes to at most its own length.
    min_len: usize,
    /// The first letters of the names, lowercase, as bits (`a` is bit 0).
    letters: u32,
    /// Some name does not start with an ASCII letter: no key is screened
    /// out by its first byte.
    other: bool,
}

impl Screen {
    fn new(refused: &[&str]) -> Self {
        let mut screen = Self {
            min_len: usize::MAX,
            letters: 0,
            other: false,
        };
        for name in refused {
            screen.min_len = screen.min_len.min(name.len());
            match name.as_bytes().first() {
                Some(&b) if b.is_ascii_alphabetic() => {
                    screen.letters |= 1u32 << (b.to_ascii_lowercase().wrapping_sub(b'a') % 32);
                }
                _ => screen.other = true,
            }
        }
        screen
    }

    fn may_refuse(&self, key: &str) -> bool {
        key.len() >= self.min_len
            && match key.as_bytes().first() {
                // An escape may decode to anything.
                Some(b'%') => true,
                Some(&b) if b.is_ascii_alphabetic() => {
                    self.letters >> (b.to_ascii_lowercase().wrapping_sub(b'a') % 32) & 1 != 0
                }
                _ => self.other,
            }
    }
}

fn key<'a>(query: &'a str, s: &Span) -> &'a str {
    query
        .get(usize::from(s.start)..usize::from(s.eq))
        .unwrap_or_default()
}

fn value<'a>(query: &'a str, s: &Span) -> &'a str {
    query
        .get(usize::from(s.eq) + 1..usize::from(s.end))
        .unwrap_or_default()
}

/// Canonical order: by encoded key, then encoded value.
fn cmp(query: &str, a: &Span, b: &Span, plus: Plus) -> Ordering {
    let plain = |s: &Span, bit: u8| s.plain & bit != 0;
    cmp_canonical(
        key(query, a),
        plain(a, KEY_PLAIN),
        key(query, b),
        plain(b, KEY_PLAIN),
        plus,
    )
    .then_with(|| {
        cmp_canonical(
            value(query, a),
            plain(a, VALUE_PLAIN),
            value(query, b),
            plain(b, VALUE_PLAIN),
            plus,
        )
    })
}

#[inline]
fn write_component<S: Sink>(sink: &mut S, raw: &str, plain: bool, plus: Plus) {
    if plain {
        sink.put_str(raw);
    } else {
        reencode_into_as(sink, raw, plus);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::String;
    use alloc::vec::Vec;

    fn both(q: &str) -> String {
        let mut spans = SPANS;
        let params = Params::parse(q, &mut spans, 0, &[]).unwrap();
        let mut fast: Vec<u8> = Vec::new();
        params.write(&mut fast, &[], &[]);
        query::check(q, 0, &[]).unwrap();
        let mut generic: Vec<u8> = Vec::new();
        query::write(&mut generic, q, &[], &[], Plus::Literal);
        assert_eq!(fast, generic, "{q}");
        String::from_utf8(fast).unwrap()
    }

    #[test]
    fn agrees_with_the_generic_writer() {
        assert_eq!(both(""), "");
        assert_eq!(both("b=2&a=1&b=1&a"), "a=&a=1&b=1&b=2");
        assert_eq!(both("a=1&&b=2&"), "a=1&b=2");
        assert_eq!(both("q=a+b&k%3Dv=x=y"), "k%3Dv=x%3Dy&q=a%2Bb");
        assert_eq!(both("%7e=%7E&~=a"), "~=a&~=~");
        assert_eq!(both("~=1&a=1&_=1&A=1&%20=1"), "%20=1&A=1&_=1&a=1&~=1");
        assert_eq!(both("&&&"), "");
        assert_eq!(both("=&=="), "=&=%3D");
        assert_eq!(both("é=ü%C3%A9"), "%C3%A9=%C3%BC%C3%A9");
        // Escapes already canonical are kept; others are rewritten, and the
        // order is that of the canonical forms either way.
        assert_eq!(
            both("b=x%20y&a%2B=1&a%2b=0&a%41=%2f"),
            "a%2B=0&a%2B=1&aA=%2F&b=x%20y"
        );
        let many: String = (0..200)
            .rev()
            .map(|i| alloc::format!("p{i:03}=v&"))
            .collect();
        both(&many);
        let long = alloc::format!("a={}&b=1", "x".repeat(70_000));
        both(&long);
    }

    #[test]
    fn refuses_what_check_refuses() {
        for (q, err) in [
            ("a=%", Error::MalformedPercentEscape { at: 12 }),
            ("a=%4g", Error::MalformedPercentEscape { at: 12 }),
            ("b&a=%FF", Error::QueryNotUtf8),
            ("%C3é=1", Error::QueryNotUtf8),
            ("x-amz-signature=1", Error::AuthParameterPresent),
            ("a=%FF&b=%", Error::MalformedPercentEscape { at: 18 }),
            ("x-amz-date=1&b=%FF", Error::AuthParameterPresent),
            ("X%2DAmz-Date=1", Error::AuthParameterPresent),
            ("%58-amz-date=1", Error::AuthParameterPresent),
            ("a&x-Amz-Signature", Error::AuthParameterPresent),
        ] {
            let refused = ["X-Amz-Signature", "X-Amz-Date"];
            let err_of = |q, refused| {
                let mut spans = SPANS;
                Params::parse(q, &mut spans, 10, refused).err()
            };
            assert_eq!(err_of(q, &refused), Some(err), "{q}");
            assert_eq!(query::check(q, 10, &refused).err(), Some(err), "{q}");
        }
        let q = "X-Amz-Dates=1&%C3%A9=%E2%80%A8";
        let mut spans = SPANS;
        assert!(Params::parse(q, &mut spans, 0, &["X-Amz-Date"]).is_ok());
    }

    fn generic_write(q: &str, added: &[Param<'_>], skip: &[&str]) -> Vec<u8> {
        let mut v: Vec<u8> = Vec::new();
        query::write(&mut v, q, added, skip, Plus::Literal);
        v
    }

    /// Queries built from the pieces that matter to the parser: separators,
    /// escapes (valid, lowercase, of unreserved bytes, of UTF-8 and broken
    /// UTF-8, malformed), reserved and non-ASCII bytes, refused names.
    fn query_strategy() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let piece = prop::sample::select(alloc::vec![
            "&",
            "=",
            "a",
            "B",
            "z9",
            "-",
            ".",
            "_",
            "~",
            "%20",
            "%2b",
            "%2B",
            "%3d",
            "%7E",
            "%41",
            "%C3",
            "%A9",
            "%E2%80%A8",
            "%FF",
            "%",
            "%4",
            "%g0",
            "+",
            "/",
            " ",
            "é",
            "X-Amz-Date",
            "x-amz-signature",
            "%58-Amz-Expires",
            "Action",
            "Version",
            "SendMessageBatchRequestEntry.1.Id",
        ]);
        prop::collection::vec(piece, 0..40).prop_map(|v| v.concat())
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 3000, ..Default::default() })]

        #[test]
        fn parse_and_write_agree_with_the_generic_path(q in query_strategy()) {
            let refused = crate::v4::presign::AUTH_PARAMETERS;
            for refused in [&refused[..], &[]] {
                let mut spans = SPANS;
                let fast = Params::parse(&q, &mut spans, 3, refused);
                let generic = query::check(&q, 3, refused);
                proptest::prop_assert_eq!(Params::check(&q, 3, refused), generic, "{}", q);
                proptest::prop_assert_eq!(fast.as_ref().err().copied(), generic.err(), "{}", q);
                if let Ok(params) = fast {
                    let added = [
                        Param::added("X-Amz-Algorithm", query::Value::Text("AWS4-HMAC-SHA256")),
                        Param::added("X-Amz-Date", query::Value::Text("20150830T123600Z")),
                        Param::added("a", query::Value::Text("a b")),
                    ];
                    let mut sorted = added;
                    sorted.sort_by(|a, b| a.key_cmp(b));
                    for (added, skip) in [
                        (&[][..], &[][..]),
                        (&sorted[..], &[][..]),
                        (&[][..], &["X-Amz-Signature", "a"][..]),
                    ] {
                        let mut v: Vec<u8> = Vec::new();
                        params.write(&mut v, added, skip);
                        proptest::prop_assert_eq!(&v, &generic_write(&q, added, skip), "{}", q);
                    }
                }
            }
        }
    }
}
