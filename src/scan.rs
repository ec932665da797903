//! Byte-class scans, sixteen bytes at a time.
//!
//! Most of what a signer reads is checked byte by byte: the target for
//! control characters, query components for bytes that need encoding,
//! header values for whitespace. A per-byte table lookup with an early exit
//! is a branch per byte. Here each predicate is written branch-free and
//! folded over 16-byte chunks, which the compiler turns into a few SIMD
//! compares per chunk (SSE2 on x86-64, NEON on AArch64) without any
//! `unsafe`; only the chunk that holds a match is looked at byte by byte.

/// Bytes per chunk: one 128-bit vector.
const CHUNK: usize = 16;

/// A set of bytes, in two forms: a branch-free test for the vector loop
/// and a table for the few bytes after the last whole chunk (short
/// strings, most query keys and values, are only that).
pub(crate) trait ByteClass {
    /// Whether `b` is in the set, without branches.
    fn hit(b: u8) -> bool;
    /// `hit` for every byte.
    const TABLE: [bool; 256];
}

/// Defines a [`ByteClass`] from a `const` branch-free expression of `b`.
macro_rules! byte_class {
    ($(#[$doc:meta])* $name:ident, |$b:ident| $hit:expr) => {
        $(#[$doc])*
        pub(crate) struct $name;

        impl $name {
            #[inline(always)]
            const fn test($b: u8) -> bool {
                $hit
            }
        }

        impl $crate::scan::ByteClass for $name {
            #[inline(always)]
            fn hit(b: u8) -> bool {
                Self::test(b)
            }

            #[allow(clippy::indexing_slicing)] // `i` < 256
            const TABLE: [bool; 256] = {
                let mut t = [false; 256];
                let mut i = 0;
                while i < 256 {
                    t[i] = Self::test(i as u8);
                    i += 1;
                }
                t
            };
        }
    };
}
pub(crate) use byte_class;

#[inline(always)]
#[allow(clippy::indexing_slicing)] // a `u8` always indexes a 256-entry table
pub(crate) fn in_table<C: ByteClass>(b: u8) -> bool {
    C::TABLE[usize::from(b)]
}

/// Whether a byte of `chunk` is in the class. Written as an OR of 0/1
/// bytes into one accumulator, the form the compiler vectorises whole (a
/// `bool` fold gets unrolled and only partly vectorised).
#[inline(always)]
fn chunk_hits<C: ByteClass>(chunk: &[u8]) -> bool {
    let mut acc = 0u8;
    for &b in chunk {
        acc |= u8::from(C::hit(b));
    }
    acc != 0
}

/// The position of the first byte of `bytes` in the class `C`.
#[inline(always)]
pub(crate) fn position<C: ByteClass>(bytes: &[u8]) -> Option<usize> {
    let mut chunks = bytes.chunks_exact(CHUNK);
    // Offsets within one slice: no sum below can wrap.
    let mut base = 0usize;
    for chunk in &mut chunks {
        if chunk_hits::<C>(chunk) {
            return chunk
                .iter()
                .position(|&b| in_table::<C>(b))
                .map(|i| base.wrapping_add(i));
        }
        base = base.wrapping_add(CHUNK);
    }
    chunks
        .remainder()
        .iter()
        .position(|&b| in_table::<C>(b))
        .map(|i| base.wrapping_add(i))
}

/// Whether any byte of `bytes` is in the class `C`.
#[inline(always)]
pub(crate) fn any<C: ByteClass>(bytes: &[u8]) -> bool {
    let mut chunks = bytes.chunks_exact(CHUNK);
    for chunk in &mut chunks {
        if chunk_hits::<C>(chunk) {
            return true;
        }
    }
    chunks.remainder().iter().any(|&b| in_table::<C>(b))
}

/// The positions of the bytes of `bytes` in the class `C`, in order.
pub(crate) fn positions<C: ByteClass>(bytes: &[u8]) -> impl Iterator<Item = usize> + '_ {
    let mut from = 0usize;
    core::iter::from_fn(move || {
        // Offsets within `bytes`: no sum can wrap.
        let at = from.wrapping_add(position::<C>(bytes.get(from..)?)?);
        from = at.wrapping_add(1);
        Some(at)
    })
}

byte_class!(
    /// Not an RFC 3986 unreserved character (`A-Z a-z 0-9 - . _ ~`): the
    /// bytes AWS's `UriEncode` writes as `%XX`.
    NeedsEncoding,
    |b| {
        let letter = (b | 0x20).wrapping_sub(b'a') < 26;
        let digit = b.wrapping_sub(b'0') < 10;
        // '-' 0x2D and '.' 0x2E are adjacent.
        let mark = (b.wrapping_sub(b'-') < 2) | (b == b'_') | (b == b'~');
        !(letter | digit | mark)
    }
);

byte_class!(
    /// [`NeedsEncoding`] but `/`: the bytes encoded in an S3 object key.
    NeedsEncodingInKey,
    |b| NeedsEncoding::test(b) & (b != b'/')
);

byte_class!(
    /// `%`.
    Percent,
    |b| b == b'%'
);

byte_class!(
    /// ASCII uppercase letters.
    Uppercase,
    |b| b.wrapping_sub(b'A') < 26
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::encode::is_unreserved;
    use alloc::vec::Vec;

    /// RFC 3986 §2.3, written out independently of the classes.
    fn unreserved(b: u8) -> bool {
        b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~')
    }

    #[test]
    fn needs_encoding_is_the_unreserved_table_negated() {
        for b in 0..=255u8 {
            assert_eq!(NeedsEncoding::hit(b), !unreserved(b), "byte {b:#04x}");
            assert_eq!(NeedsEncoding::TABLE[usize::from(b)], !unreserved(b));
            assert_eq!(is_unreserved(b), unreserved(b));
            assert_eq!(NeedsEncodingInKey::hit(b), !unreserved(b) && b != b'/');
        }
    }

    #[test]
    fn positions_are_every_byte_in_the_class_in_order() {
        // Every length up to three chunks and more, every pattern of a
        // sliding window of class bytes, and every byte value.
        let all: Vec<u8> = (0..=255u8).collect();
        for len in 0..all.len() {
            let v = &all[..len];
            let got: Vec<usize> = positions::<NeedsEncoding>(v).collect();
            let want: Vec<usize> = (0..len).filter(|&i| !unreserved(v[i])).collect();
            assert_eq!(got, want, "{len}");
        }
        for len in 0..50 {
            for bits in [
                0u64,
                1,
                0b1011,
                0xFFFF,
                0x8000_0001,
                u64::MAX,
                0x5555_5555_5555,
            ] {
                let v: Vec<u8> = (0..len)
                    .map(|i| {
                        if bits >> (i % 64) & 1 == 1 {
                            b'%'
                        } else {
                            b'x'
                        }
                    })
                    .collect();
                let got: Vec<usize> = positions::<Percent>(&v).collect();
                let want: Vec<usize> = (0..len).filter(|&i| v[i] == b'%').collect();
                assert_eq!(got, want, "{len} {bits:#x}");
            }
        }
    }

    #[test]
    fn position_and_any_agree_with_iterators_at_every_length_and_place() {
        let base = [b'a'; 70];
        for len in 0..base.len() {
            assert_eq!(position::<Percent>(&base[..len]), None);
            assert!(!any::<Percent>(&base[..len]));
            for at in 0..len {
                let mut v = base;
                v[at] = b'%';
                if at + 3 < len {
                    v[at + 3] = b'%';
                }
                assert_eq!(position::<Percent>(&v[..len]), Some(at), "{len} {at}");
                assert!(any::<Percent>(&v[..len]));
            }
        }
    }
}
