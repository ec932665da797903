//! The one RFC 3986 encoder and decoder, used for canonical forms *and* for
//! the URLs the crate emits, so that what is sent is what was signed.
//!
//! AWS's `UriEncode` keeps the unreserved characters `A-Z a-z 0-9 - _ . ~` and
//! writes every other byte as `%XX` with uppercase hex. Query parameters
//! arrive percent-encoded; they are decoded (`%XX` only: `+` is a literal
//! plus, not a space) and encoded again, so `%7e`, `~` and `%7E` all sign as
//! `~`. See <https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html>.

use core::fmt;

use crate::Error;
use crate::scan::{self, ByteClass, NeedsEncoding, NeedsEncodingInKey, Percent};
use crate::sink::Sink;

/// `raw` as AWS's `UriEncode(raw, encodeSlash = true)` writes it: every
/// byte but `A-Z a-z 0-9 - _ . ~` as `%XX`. For one query parameter name or
/// value, or one path segment, when building a request-target to sign.
///
/// ```
/// let target = format!("/my%20queue?MessageBody={}", awsig::encode::component("a b/c+d"));
/// assert_eq!(target, "/my%20queue?MessageBody=a%20b%2Fc%2Bd");
/// ```
#[must_use]
pub fn component(raw: &str) -> Encoded<'_> {
    Encoded {
        raw: raw.as_bytes(),
        keep_slash: false,
    }
}

/// `raw` as `UriEncode(raw, encodeSlash = false)` writes it: as
/// [`component`], with `/` kept. For a whole path, such as an S3 object
/// key after the bucket (`photos/2024/a b.jpg`).
///
/// ```
/// let target = format!("/bucket/{}", awsig::encode::path("photos/a b.jpg"));
/// assert_eq!(target, "/bucket/photos/a%20b.jpg");
/// ```
#[must_use]
pub fn path(raw: &str) -> Encoded<'_> {
    Encoded {
        raw: raw.as_bytes(),
        keep_slash: true,
    }
}

/// Percent-encoded text, written by `Display` (no allocation).
///
/// ```
/// use core::fmt::Write;
///
/// let mut target = String::from("/?Action=SendMessage&MessageBody=");
/// write!(target, "{}", awsig::encode::component("50% off & free"))?;
/// assert_eq!(target, "/?Action=SendMessage&MessageBody=50%25%20off%20%26%20free");
/// # Ok::<(), core::fmt::Error>(())
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Encoded<'a> {
    raw: &'a [u8],
    keep_slash: bool,
}

impl fmt::Display for Encoded<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut sink = crate::sink::FmtSink {
            w: f,
            failed: false,
        };
        encode_into(&mut sink, self.raw, self.keep_slash);
        if sink.failed { Err(fmt::Error) } else { Ok(()) }
    }
}

const HEX_UPPER: &[u8; 16] = b"0123456789ABCDEF";

/// Whether `b` is an RFC 3986 unreserved character (never encoded).
///
/// ```
/// use awsig::encode::is_unreserved;
///
/// assert!(b"AZaz09-_.~".iter().all(|&b| is_unreserved(b)));
/// assert!(!b" /+=%&".iter().any(|&b| is_unreserved(b))); // written as %XX
/// ```
#[inline]
#[must_use]
#[allow(clippy::indexing_slicing)] // a `u8` always indexes a 256-entry table
pub const fn is_unreserved(b: u8) -> bool {
    // The one definition of the set is `scan::NeedsEncoding`.
    !<NeedsEncoding as ByteClass>::TABLE[b as usize]
}

/// The value of one hex digit (either case).
#[inline]
pub(crate) const fn hex_value(b: u8) -> Option<u8> {
    match b {
        // In range by the patterns: no wrap happens.
        b'0'..=b'9' => Some(b.wrapping_sub(b'0')),
        b'a'..=b'f' => Some(b.wrapping_sub(b'a').wrapping_add(10)),
        b'A'..=b'F' => Some(b.wrapping_sub(b'A').wrapping_add(10)),
        _ => None,
    }
}

/// The `%XX` form of `b`, uppercase hex.
#[inline]
pub(crate) fn escape(b: u8) -> [u8; 3] {
    [
        b'%',
        HEX_UPPER.get(usize::from(b >> 4)).copied().unwrap_or(b'0'),
        HEX_UPPER.get(usize::from(b & 15)).copied().unwrap_or(b'0'),
    ]
}

/// Writes `bytes` with every byte outside the unreserved set (and, when
/// `keep_slash`, other than `/`, as in S3 object keys) percent-encoded.
#[inline]
pub(crate) fn encode_into<S: Sink + ?Sized>(sink: &mut S, bytes: &[u8], keep_slash: bool) {
    if keep_slash {
        encode_runs::<S, NeedsEncodingInKey>(sink, bytes);
    } else {
        encode_runs::<S, NeedsEncoding>(sink, bytes);
    }
}

/// Copies runs of bytes that need no escape in one piece each, found
/// sixteen bytes at a time; escapes that follow one another (non-ASCII
/// text) are written without going back to the chunked scan.
#[inline(always)]
fn encode_runs<S: Sink + ?Sized, C: ByteClass>(sink: &mut S, bytes: &[u8]) {
    let mut rest = bytes;
    while let Some(at) = scan::position::<C>(rest) {
        let (run, mut tail) = rest.split_at(at);
        sink.put(run);
        while let Some((&b, after)) = tail.split_first() {
            sink.put(&escape(b));
            tail = after;
            if !tail.first().is_some_and(|&next| scan::in_table::<C>(next)) {
                break;
            }
        }
        rest = tail;
    }
    sink.put(rest);
}

/// Writes `raw` (percent-encoded as sent, already validated) in canonical
/// form: decoded, then encoded with the unreserved set. Runs of unreserved
/// bytes are copied as they are; an escape of an unreserved byte (`%7E`)
/// becomes the byte, any other escape is written in uppercase hex.
#[cfg(test)]
pub(crate) fn reencode_into<S: Sink>(sink: &mut S, raw: &str) {
    reencode_into_as(sink, raw, Plus::Literal);
}

/// What a raw `+` in a query component stands for.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub(crate) enum Plus {
    /// A plus sign (`%2B`): how the signers (botocore, aws-c-auth) read
    /// the query of the request they sign.
    #[default]
    Literal,
    /// A space (`%20`): how servers read a query or form they receive
    /// (`application/x-www-form-urlencoded`; S3, s3s and MinIO do so),
    /// hence how a verifier must.
    Space,
}

/// [`reencode_into`], a raw `+` read as `plus` says.
pub(crate) fn reencode_into_as<S: Sink>(sink: &mut S, raw: &str, plus: Plus) {
    let mut rest = raw.as_bytes();
    while let Some(at) = scan::position::<NeedsEncoding>(rest) {
        let (run, tail) = rest.split_at(at);
        sink.put(run);
        let (byte, after) = match tail {
            [b'%', h, l, after @ ..] => match (hex_value(*h), hex_value(*l)) {
                (Some(h), Some(l)) => (h << 4 | l, after),
                // Refused by validation; kept as a literal '%'.
                _ => (b'%', tail.get(1..).unwrap_or_default()),
            },
            [b'+', after @ ..] if plus == Plus::Space => (b' ', after),
            [b, after @ ..] => (*b, after),
            [] => break,
        };
        if is_unreserved(byte) {
            sink.put(core::slice::from_ref(&byte));
        } else {
            sink.put(&escape(byte));
        }
        rest = after;
    }
    sink.put(rest);
}

/// Whether `raw` is already canonical: only unreserved bytes, so decoding and
/// encoding leave it unchanged.
#[inline]
pub(crate) fn is_plain(raw: &str) -> bool {
    !scan::any::<NeedsEncoding>(raw.as_bytes())
}

/// Checks every `%` of `raw` is followed by two hex digits; `offset` is the
/// position of `raw` in the request-target, for the error.
pub(crate) fn check_escapes(raw: &str, offset: usize) -> Result<(), Error> {
    let b = raw.as_bytes();
    let mut i = 0;
    while let Some(p) = b.get(i..).and_then(scan::position::<Percent>) {
        let at = i.saturating_add(p);
        let digit = |k: usize| b.get(at.saturating_add(k)).copied().and_then(hex_value);
        if digit(1).is_none() || digit(2).is_none() {
            return Err(Error::MalformedPercentEscape {
                at: offset.saturating_add(at),
            });
        }
        i = at.saturating_add(3);
    }
    Ok(())
}

/// Whether the percent-decoding of `raw` is UTF-8 (`raw` itself is `&str`,
/// so only components with escapes need the check).
pub(crate) fn decodes_to_utf8(raw: &str) -> bool {
    if !raw.contains('%') {
        return true;
    }
    let mut need = 0u8;
    let (mut lo, mut hi) = (0x80u8, 0xBFu8);
    for b in Decoded::new(raw.as_bytes()) {
        if need == 0 {
            (need, lo, hi) = match b {
                0x00..=0x7F => (0, 0x80, 0xBF),
                0xC2..=0xDF => (1, 0x80, 0xBF),
                0xE0 => (2, 0xA0, 0xBF),
                0xE1..=0xEC | 0xEE..=0xEF => (2, 0x80, 0xBF),
                0xED => (2, 0x80, 0x9F),
                0xF0 => (3, 0x90, 0xBF),
                0xF1..=0xF3 => (3, 0x80, 0xBF),
                0xF4 => (3, 0x80, 0x8F),
                _ => return false,
            };
        } else {
            if b < lo || b > hi {
                return false;
            }
            need = need.saturating_sub(1);
            (lo, hi) = (0x80, 0xBF);
        }
    }
    need == 0
}

/// Percent-decoding iterator (`%XX` only; a malformed escape, which
/// validation refuses beforehand, passes through as is).
#[derive(Clone)]
pub(crate) struct Decoded<'a> {
    rest: &'a [u8],
    decode: bool,
    plus: Plus,
}

impl<'a> Decoded<'a> {
    pub(crate) fn new(raw: &'a [u8]) -> Self {
        Self::new_as(raw, Plus::Literal)
    }

    /// Decoding with a raw `+` read as `plus` says.
    pub(crate) fn new_as(raw: &'a [u8], plus: Plus) -> Self {
        Self {
            rest: raw,
            decode: true,
            plus,
        }
    }

    /// The bytes as they are, through the same iterator type.
    pub(crate) fn verbatim(raw: &'a [u8]) -> Self {
        Self {
            rest: raw,
            decode: false,
            plus: Plus::Literal,
        }
    }
}

impl Iterator for Decoded<'_> {
    type Item = u8;

    #[inline]
    fn next(&mut self) -> Option<u8> {
        let (&b, tail) = self.rest.split_first()?;
        if self.decode
            && b == b'%'
            && let [h, l, after @ ..] = tail
            && let (Some(h), Some(l)) = (hex_value(*h), hex_value(*l))
        {
            self.rest = after;
            return Some(h << 4 | l);
        }
        self.rest = tail;
        if b == b'+' && self.plus == Plus::Space {
            return Some(b' ');
        }
        Some(b)
    }
}

/// The canonical (decoded, re-encoded) bytes of a raw query component, one at
/// a time: what the sort compares, without writing anything down.
#[derive(Clone)]
pub(crate) struct Reencoded<'a> {
    decoded: Decoded<'a>,
    pending: [u8; 2],
    pending_len: u8,
}

impl<'a> Reencoded<'a> {
    #[cfg(test)]
    pub(crate) fn new(raw: &'a str) -> Self {
        Self::new_as(raw, Plus::Literal)
    }

    /// With a raw `+` read as `plus` says.
    pub(crate) fn new_as(raw: &'a str, plus: Plus) -> Self {
        Self {
            decoded: Decoded::new_as(raw.as_bytes(), plus),
            pending: [0; 2],
            pending_len: 0,
        }
    }
}

impl Iterator for Reencoded<'_> {
    type Item = u8;

    #[inline]
    fn next(&mut self) -> Option<u8> {
        match self.pending_len {
            2 => {
                self.pending_len = 1;
                return Some(self.pending[0]);
            }
            1 => {
                self.pending_len = 0;
                return Some(self.pending[1]);
            }
            _ => {}
        }
        let b = self.decoded.next()?;
        if is_unreserved(b) {
            return Some(b);
        }
        let [pct, h, l] = escape(b);
        self.pending = [h, l];
        self.pending_len = 2;
        Some(pct)
    }
}

/// Orders two raw query components by their canonical encodings (byte order),
/// as AWS sorts parameters. `a_plain` / `b_plain` say that a component is
/// canonical as it is, so that its bytes are its encoding.
#[inline]
pub(crate) fn cmp_canonical(
    a: &str,
    a_plain: bool,
    b: &str,
    b_plain: bool,
    plus: Plus,
) -> core::cmp::Ordering {
    if a_plain && b_plain {
        a.as_bytes().cmp(b.as_bytes())
    } else {
        Reencoded::new_as(a, plus).cmp(Reencoded::new_as(b, plus))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::String;
    use alloc::vec::Vec;

    fn reencode(raw: &str) -> String {
        let mut v: Vec<u8> = Vec::new();
        reencode_into(&mut v, raw);
        let via_iter: Vec<u8> = Reencoded::new(raw).collect();
        assert_eq!(v, via_iter);
        String::from_utf8(v).unwrap()
    }

    #[test]
    fn reencodes_like_aws() {
        assert_eq!(reencode("a%7eb~c%7E"), "a~b~c~");
        assert_eq!(reencode("a+b"), "a%2Bb");
        assert_eq!(reencode("%2d%41%2f"), "-A%2F");
        assert_eq!(reencode("é x"), "%C3%A9%20x");
        assert_eq!(reencode("%e2%80%a8"), "%E2%80%A8");
        assert_eq!(reencode("100%25"), "100%25");
    }

    #[test]
    fn encodes_with_keep_set() {
        let mut v: Vec<u8> = Vec::new();
        encode_into(&mut v, "a/b c~".as_bytes(), true);
        assert_eq!(v, b"a/b%20c~");
        // An independent encoder: the percent-encoding crate with the
        // unreserved set.
        const UNRESERVED_SET: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
            .remove(b'-')
            .remove(b'_')
            .remove(b'.')
            .remove(b'~');
        for raw in ["a/b c~", "é+%x\u{7f}\0", "plain-_.~"] {
            let via_crate: String =
                percent_encoding::percent_encode(raw.as_bytes(), UNRESERVED_SET).collect();
            assert_eq!(alloc::format!("{}", component(raw)), via_crate);
            assert_eq!(
                alloc::format!("{}", path(raw)),
                via_crate.replace("%2F", "/")
            );
        }
    }

    #[test]
    fn escapes_are_checked() {
        assert_eq!(check_escapes("a%20b%7e", 0), Ok(()));
        assert_eq!(
            check_escapes("%", 5),
            Err(Error::MalformedPercentEscape { at: 5 })
        );
        assert_eq!(
            check_escapes("ab%4", 0),
            Err(Error::MalformedPercentEscape { at: 2 })
        );
        assert_eq!(
            check_escapes("%zz", 0),
            Err(Error::MalformedPercentEscape { at: 0 })
        );
    }

    #[test]
    fn utf8_after_decoding() {
        assert!(decodes_to_utf8("%C3%A9"));
        assert!(decodes_to_utf8("%F0%9F%98%80"));
        assert!(!decodes_to_utf8("%FF"));
        assert!(!decodes_to_utf8("%C3"));
        assert!(!decodes_to_utf8("%ED%A0%80")); // surrogate
        assert!(!decodes_to_utf8("%C0%AF")); // overlong
        assert!(!decodes_to_utf8("%C3é")); // C3 C3 A9: a lead byte without continuation
        assert!(decodes_to_utf8("%C3%A9é"));
        assert!(!decodes_to_utf8("%C3a"));
    }

    #[test]
    fn canonical_order_is_encoded_byte_order() {
        use core::cmp::Ordering::*;
        // '%' (0x25) sorts before '-' (0x2D): "a%20" < "a-" though ' ' < '-' too;
        // '~' (0x7E) sorts after letters while its escape would not.
        assert_eq!(
            cmp_canonical("a%7E", false, "az", true, Plus::Literal),
            Greater
        );
        assert_eq!(
            cmp_canonical("a%21", false, "a-", true, Plus::Literal),
            Less
        );
        assert_eq!(
            cmp_canonical("a%2d", false, "a-", true, Plus::Literal),
            Equal
        );
    }
}
