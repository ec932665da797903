//! The one writer of numbers as text: digests in lowercase hex (the `hex`
//! crate), and integers in decimal or hex, zero-padded to a width (dates,
//! `X-Amz-Expires`, aws-chunked sizes, POST policy lengths).

use crate::sink::Sink;

/// Lowercase hex of a 32-byte digest (SHA-256, HMAC-SHA256).
pub(crate) fn hex64(digest: &[u8; 32]) -> [u8; 64] {
    let mut out = [0u8; 64];
    // 64 bytes of room for 32 bytes: `encode_to_slice` cannot fail.
    let _ = hex::encode_to_slice(digest, &mut out);
    out
}

/// Writes `bytes` in lowercase hex (a digest, or a DER signature of up to
/// 72 bytes), a block at a time.
pub(crate) fn put_hex<S: Sink>(sink: &mut S, bytes: &[u8]) {
    for chunk in bytes.chunks(32) {
        let mut out = [0u8; 64];
        let hex = out
            .get_mut(..chunk.len().saturating_mul(2))
            .unwrap_or_default();
        let _ = hex::encode_to_slice(chunk, &mut *hex);
        sink.put(hex);
    }
}

/// An integer as text, at most 20 digits.
pub(crate) struct Digits {
    buf: [u8; 20],
    start: usize,
}

impl Digits {
    /// `v` in base `radix` (10 or 16, lowercase), zero-padded to at least
    /// `width` digits.
    pub(crate) fn new(mut v: u64, radix: u64, width: usize) -> Self {
        let mut buf = [b'0'; 20];
        let mut start = buf.len();
        while (v > 0 || start == buf.len()) && start > 0 {
            start = start.saturating_sub(1);
            let digit = b"0123456789abcdef"
                .get(v.checked_rem(radix).unwrap_or(0) as usize)
                .copied()
                .unwrap_or(b'0');
            if let Some(slot) = buf.get_mut(start) {
                *slot = digit;
            }
            v = v.checked_div(radix).unwrap_or(0);
        }
        Self {
            buf,
            start: start.min(buf.len().saturating_sub(width)),
        }
    }

    /// Decimal, no padding.
    pub(crate) fn decimal(v: u64) -> Self {
        Self::new(v, 10, 1)
    }

    /// The digits.
    pub(crate) fn as_bytes(&self) -> &[u8] {
        self.buf.get(self.start..).unwrap_or_default()
    }

    /// The digits, as text.
    pub(crate) fn as_str(&self) -> &str {
        // ASCII digits only.
        core::str::from_utf8(self.as_bytes()).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::format;

    #[test]
    fn numbers_in_decimal_and_hex_with_padding() {
        for v in [0u64, 1, 9, 10, 99, 2015, 604_800, u64::MAX] {
            assert_eq!(Digits::decimal(v).as_str(), format!("{v}"));
            assert_eq!(Digits::new(v, 16, 1).as_str(), format!("{v:x}"));
            assert_eq!(Digits::new(v, 10, 4).as_str(), format!("{v:04}"));
        }
        assert_eq!(Digits::new(7, 10, 2).as_str(), "07");
    }

    #[test]
    fn hex_of_digests_and_signatures() {
        let bytes: [u8; 32] = core::array::from_fn(|i| (i * 37) as u8);
        let want: alloc::string::String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(&hex64(&bytes)[..], want.as_bytes());
        let mut out = alloc::vec::Vec::new();
        let der: [u8; 71] = core::array::from_fn(|i| (i * 11) as u8);
        put_hex(&mut out, &der);
        let want: alloc::string::String = der.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(out, want.as_bytes());
    }
}
