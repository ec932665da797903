//! Constant-time comparison of secrets and signatures.
//!
//! A comparison that stops at the first differing byte tells an attacker,
//! through its timing, how many leading bytes of a forged signature are
//! right. These compare every byte whatever the contents; only lengths,
//! which are public (a SigV4 signature is always 64 hex digits), may end
//! them early.

/// Whether `a == b`, in time independent of their contents.
#[must_use]
pub fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let diff = a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y));
    core::hint::black_box(diff) == 0
}

/// Whether the bytes of `a` equal `b`, visiting all of both.
pub(crate) fn ct_eq_iter(a: impl Iterator<Item = u8>, b: &[u8]) -> bool {
    let mut diff = 0u8;
    let mut n = 0usize;
    for x in a {
        diff |= match b.get(n) {
            Some(y) => x ^ y,
            None => 1,
        };
        n = n.saturating_add(1);
    }
    diff |= u8::from(n != b.len());
    core::hint::black_box(diff) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_and_unequal() {
        assert!(ct_eq(b"abc", b"abc"));
        assert!(!ct_eq(b"abc", b"abd"));
        assert!(!ct_eq(b"abc", b"bbc"));
        assert!(!ct_eq(b"abc", b"ab"));
        assert!(ct_eq(b"", b""));
        assert!(ct_eq_iter(b"abc".iter().copied(), b"abc"));
        assert!(!ct_eq_iter(b"abc".iter().copied(), b"abcd"));
        assert!(!ct_eq_iter(b"abcd".iter().copied(), b"abc"));
        assert!(!ct_eq_iter(b"abd".iter().copied(), b"abc"));
        // Every single-bit flip of every byte is caught.
        let sig = *b"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
        for i in 0..sig.len() {
            for bit in 0..8 {
                let mut t = sig;
                t[i] ^= 1 << bit;
                assert!(!ct_eq(&sig, &t));
            }
        }
    }
}
