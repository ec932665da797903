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
    let mut base = 0;
    for chunk in &mut chunks {
        if chunk_hits::<C>(chunk) {
            return chunk
                .iter()
                .position(|&b| in_table::<C>(b))
                .map(|i| base + i);
        }
        base += CHUNK;
    }
    chunks
        .remainder()
        .iter()
        .position(|&b| in_table::<C>(b))
        .map(|i| base + i)
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

/// The bytes of a 16-byte chunk in the class, one bit each (bit `i` for
/// byte `i`). Each byte's test becomes `0xFF` or `0`, masked with its bit's
/// weight within its half (`1 << i % 8`); the weights of a half are
/// distinct bits, so their sum is their OR, and a wrapping byte sum is a
/// reduction the compiler vectorises (SSE2's `psadbw`), as it does the
/// test itself. (Gathering the bits with shifts or multiplications is
/// turned into byte-by-byte code instead.)
#[inline(always)]
fn chunk_mask<C: ByteClass>(chunk: &[u8; CHUNK]) -> u32 {
    const WEIGHTS: [u8; CHUNK] = [1, 2, 4, 8, 16, 32, 64, 128, 1, 2, 4, 8, 16, 32, 64, 128];
    let mut weighted = [0u8; CHUNK];
    for ((w, &b), &weight) in weighted.iter_mut().zip(chunk).zip(&WEIGHTS) {
        *w = u8::from(C::hit(b)).wrapping_neg() & weight;
    }
    // The byte sum of each half (at most 255: no carry out of a byte) by
    // one multiplication each, on the halves as integers: slices of the
    // array would be reloaded from memory half a vector at a time, a load
    // that waits for the store of the whole vector to complete.
    let all = u128::from_le_bytes(weighted);
    let sum = |half: u64| (half.wrapping_mul(0x0101_0101_0101_0101) >> 56) as u32;
    sum(all as u64) | sum((all >> 64) as u64) << 8
}

/// The positions of the bytes of a slice that are in the class `C`, in
/// order: each byte is tested once, sixteen at a time (a short last chunk
/// is padded with `FILL`, which must not be in the class).
pub(crate) struct Hits<'b, C: ByteClass, const FILL: u8> {
    chunks: core::slice::ChunksExact<'b, u8>,
    rest: &'b [u8],
    base: usize,
    mask: u32,
    class: core::marker::PhantomData<C>,
}

impl<'b, C: ByteClass, const FILL: u8> Hits<'b, C, FILL> {
    #[inline]
    pub(crate) fn new(bytes: &'b [u8]) -> Self {
        debug_assert!(!C::hit(FILL));
        let chunks = bytes.chunks_exact(CHUNK);
        let rest = chunks.remainder();
        Self {
            chunks,
            rest,
            // Before the first chunk: `next` adds `CHUNK` when it loads one.
            base: 0usize.wrapping_sub(CHUNK),
            mask: 0,
            class: core::marker::PhantomData,
        }
    }
}

impl<C: ByteClass, const FILL: u8> Iterator for Hits<'_, C, FILL> {
    type Item = usize;

    #[inline]
    fn next(&mut self) -> Option<usize> {
        while self.mask == 0 {
            let chunk = match self.chunks.next() {
                Some(chunk) => <&[u8; CHUNK]>::try_from(chunk).ok()?,
                None if !self.rest.is_empty() => {
                    let mut last = [FILL; CHUNK];
                    if let Some(dst) = last.get_mut(..self.rest.len()) {
                        dst.copy_from_slice(self.rest);
                    }
                    self.rest = &[];
                    self.base = self.base.wrapping_add(CHUNK);
                    self.mask = chunk_mask::<C>(&last);
                    continue;
                }
                None => return None,
            };
            self.base = self.base.wrapping_add(CHUNK);
            self.mask = chunk_mask::<C>(chunk);
        }
        let at = self.base.wrapping_add(self.mask.trailing_zeros() as usize);
        // Clear the lowest set bit.
        self.mask &= self.mask - 1;
        Some(at)
    }
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
    fn hits_are_every_position_in_the_class_in_order() {
        // Every length up to three chunks and more, every pattern of a
        // sliding window of class bytes, and every byte value.
        let all: Vec<u8> = (0..=255u8).collect();
        for len in 0..all.len() {
            let v = &all[..len];
            let got: Vec<usize> = Hits::<NeedsEncoding, b'a'>::new(v).collect();
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
                let got: Vec<usize> = Hits::<Percent, b'a'>::new(&v).collect();
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
