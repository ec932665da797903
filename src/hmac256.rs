//! HMAC-SHA256 (RFC 2104) with the pad states computed once per key, on
//! `sha2`'s block function, in memory the crate owns so that it can be
//! zeroed when dropped.
//!
//! A SigV4 signing key is used for every request of a day: hashing
//! `key ⊕ ipad` and `key ⊕ opad` once, and starting every signature from
//! those two states, saves two of the four SHA-256 blocks a short string to
//! sign costs. Keeping the states here rather than in a generic `Hmac` type
//! lets [`HmacKey`] and every stream started from it be wiped on drop
//! (feature `zeroize`, default).

use sha2::compress256;
use sha2::digest::generic_array::GenericArray;
use sha2::digest::typenum::U64;

use crate::sink::Sink;

const IV: [u32; 8] = [
    0x6a09_e667,
    0xbb67_ae85,
    0x3c6e_f372,
    0xa54f_f53a,
    0x510e_527f,
    0x9b05_688c,
    0x1f83_d9ab,
    0x5be0_cd19,
];

fn compress(h: &mut [u32; 8], block: &[u8; 64]) {
    compress256(h, core::slice::from_ref(GenericArray::from_slice(block)));
}

/// Streaming SHA-256 from a given state.
#[derive(Clone)]
pub(crate) struct Sha256Stream {
    h: [u32; 8],
    block: [u8; 64],
    used: usize,
    len: u64,
}

impl Sha256Stream {
    pub(crate) const fn new() -> Self {
        Self::resume(IV, 0)
    }

    /// Continues from state `h` after `len` bytes (a multiple of 64).
    const fn resume(h: [u32; 8], len: u64) -> Self {
        Self {
            h,
            block: [0; 64],
            used: 0,
            len,
        }
    }

    /// Appends `data`. Pieces that do not complete the block (most pieces
    /// of a canonical request: separators, names, short values) are only
    /// copied, inline.
    #[inline]
    pub(crate) fn update(&mut self, data: &[u8]) {
        let end = self.used + data.len();
        if end < 64
            && let Some(dst) = self.block.get_mut(self.used..end)
        {
            crate::sink::copy(dst, data);
            self.used = end;
            self.len = self.len.wrapping_add(data.len() as u64);
            return;
        }
        self.update_blocks(data, true);
    }

    /// [`Sha256Stream::update`] for secret data (an HMAC key longer than a
    /// block): every block is compressed where it is, never copied.
    pub(crate) fn update_secret(&mut self, data: &[u8]) {
        self.update_blocks(data, false);
    }

    fn update_blocks(&mut self, mut data: &[u8], batch: bool) {
        self.len = self.len.wrapping_add(data.len() as u64);
        if self.used > 0 {
            let take = (64 - self.used).min(data.len());
            let (head, rest) = data.split_at(take);
            if let Some(dst) = self.block.get_mut(self.used..self.used + take) {
                dst.copy_from_slice(head);
            }
            self.used += take;
            data = rest;
            if self.used < 64 {
                return;
            }
            compress(&mut self.h, &self.block);
            self.used = 0;
        }
        let mut blocks = data.chunks_exact(64);
        if blocks.len() <= 1 || !batch {
            for block in &mut blocks {
                if let Ok(block) = <&[u8; 64]>::try_from(block) {
                    compress(&mut self.h, block);
                }
            }
        } else {
            // Several blocks go to the block function in one call, as `sha2`
            // itself does: with SHA-NI the state then stays in registers
            // from block to block. (Message bytes only: secrets take
            // `update_secret`, which copies nothing.)
            let mut batch: [GenericArray<u8, U64>; 8] = Default::default();
            loop {
                let mut n = 0;
                for (slot, block) in batch.iter_mut().zip(blocks.by_ref()) {
                    slot.copy_from_slice(block);
                    n += 1;
                }
                compress256(&mut self.h, batch.get(..n).unwrap_or_default());
                if n < batch.len() {
                    break;
                }
            }
        }
        let rest = blocks.remainder();
        if let Some(dst) = self.block.get_mut(..rest.len()) {
            dst.copy_from_slice(rest);
        }
        self.used = rest.len();
    }

    pub(crate) fn finalize(mut self) -> [u8; 32] {
        self.finish()
    }

    /// Pads in place (FIPS 180-4 §5.1.1) and returns the digest. The stream
    /// is spent afterwards: only `Drop` (which wipes it) may follow.
    pub(crate) fn finish(&mut self) -> [u8; 32] {
        let bits = self.len.wrapping_mul(8);
        let used = self.used;
        if let Some(b) = self.block.get_mut(used) {
            *b = 0x80;
        }
        if let Some(rest) = self.block.get_mut(used + 1..) {
            rest.fill(0);
        }
        if used >= 56 {
            compress(&mut self.h, &self.block);
            self.block = [0; 64];
        }
        if let Some(dst) = self.block.get_mut(56..) {
            dst.copy_from_slice(&bits.to_be_bytes());
        }
        compress(&mut self.h, &self.block);
        let mut out = [0u8; 32];
        for (chunk, word) in out.chunks_exact_mut(4).zip(self.h) {
            chunk.copy_from_slice(&word.to_be_bytes());
        }
        out
    }
}

impl Drop for Sha256Stream {
    fn drop(&mut self) {
        wipe_words(&mut self.h);
        wipe(&mut self.block);
    }
}

/// An HMAC-SHA256 key reduced to its two pad states.
#[derive(Clone)]
pub(crate) struct HmacKey {
    inner: [u32; 8],
    outer: [u32; 8],
}

impl HmacKey {
    /// Keys longer than the block are hashed first; shorter ones are
    /// zero-padded (RFC 2104 §2).
    pub(crate) fn new(key: &[u8]) -> Self {
        let mut block = [0u8; 64];
        match block.get_mut(..key.len()) {
            Some(dst) => dst.copy_from_slice(key),
            None => {
                let mut s = Sha256Stream::new();
                s.update_secret(key);
                let digest = s.finalize();
                for (dst, src) in block.iter_mut().zip(digest) {
                    *dst = src;
                }
            }
        }
        let mut pad = [0u8; 64];
        let mut state = |xor: u8| {
            for (p, k) in pad.iter_mut().zip(&block) {
                *p = k ^ xor;
            }
            let mut h = IV;
            compress(&mut h, &pad);
            h
        };
        let (inner, outer) = (state(0x36), state(0x5c));
        wipe(&mut pad);
        wipe(&mut block);
        Self { inner, outer }
    }

    /// A MAC computation over data still to come.
    pub(crate) fn start(&self) -> HmacState {
        HmacState {
            inner: Sha256Stream::resume(self.inner, 64),
            outer: self.outer,
        }
    }

    /// `HMAC(key, data)`.
    pub(crate) fn mac(&self, data: &[u8]) -> [u8; 32] {
        let mut s = self.start();
        s.update(data);
        s.finalize()
    }
}

impl Drop for HmacKey {
    fn drop(&mut self) {
        wipe_words(&mut self.inner);
        wipe_words(&mut self.outer);
    }
}

/// An HMAC computation under way.
pub struct HmacState {
    inner: Sha256Stream,
    outer: [u32; 8],
}

impl HmacState {
    pub(crate) fn update(&mut self, data: &[u8]) {
        self.inner.update(data);
    }

    pub(crate) fn finalize(mut self) -> [u8; 32] {
        self.finish()
    }

    /// [`HmacState::finalize`] in place: the state is spent afterwards.
    pub(crate) fn finish(&mut self) -> [u8; 32] {
        let inner = self.inner.finish();
        let mut outer = Sha256Stream::resume(self.outer, 64);
        outer.update(&inner);
        outer.finish()
    }
}

impl Drop for HmacState {
    fn drop(&mut self) {
        wipe_words(&mut self.outer);
    }
}

impl Sink for Sha256Stream {
    #[inline]
    fn put(&mut self, bytes: &[u8]) {
        self.update(bytes);
    }
}

impl Sink for HmacState {
    #[inline]
    fn put(&mut self, bytes: &[u8]) {
        self.update(bytes);
    }
}

/// `HMAC(key, data)` for a one-off key.
pub(crate) fn hmac(key: &[u8], data: &[u8]) -> [u8; 32] {
    HmacKey::new(key).mac(data)
}

/// Overwrites key material so it does not outlive its use.
#[cfg(feature = "zeroize")]
pub(crate) fn wipe(bytes: &mut [u8]) {
    zeroize::Zeroize::zeroize(bytes);
}

#[cfg(not(feature = "zeroize"))]
pub(crate) fn wipe(bytes: &mut [u8]) {
    bytes.fill(0);
}

#[cfg(feature = "zeroize")]
fn wipe_words(words: &mut [u32; 8]) {
    zeroize::Zeroize::zeroize(words);
}

#[cfg(not(feature = "zeroize"))]
fn wipe_words(words: &mut [u32; 8]) {
    *words = [0; 8];
}

#[cfg(test)]
mod tests {
    use super::*;
    use hmac::{Hmac, Mac};
    use sha2::{Digest, Sha256};

    fn reference(key: &[u8], data: &[u8]) -> [u8; 32] {
        let mut m = <Hmac<Sha256> as Mac>::new_from_slice(key).unwrap();
        m.update(data);
        m.finalize().into_bytes().into()
    }

    #[test]
    fn rfc4231_case_2() {
        let got = hmac(b"Jefe", b"what do ya want for nothing?");
        let want = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";
        assert_eq!(alloc::format!("{}", HexFmt(&got)), want);
    }

    struct HexFmt<'a>(&'a [u8]);
    impl core::fmt::Display for HexFmt<'_> {
        fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
            self.0.iter().try_for_each(|b| write!(f, "{b:02x}"))
        }
    }

    #[test]
    fn matches_sha2_and_hmac_crates_at_every_length() {
        let data: alloc::vec::Vec<u8> = (0..300u32).map(|i| (i * 7 + 3) as u8).collect();
        for key_len in [0, 1, 31, 32, 63, 64, 65, 200] {
            let key = &data[..key_len];
            for len in 0..data.len() {
                assert_eq!(
                    hmac(key, &data[..len]),
                    reference(key, &data[..len]),
                    "key {key_len} len {len}"
                );
            }
        }
        // Whole, and in pieces of many blocks (batches of up to eight and more).
        let long: alloc::vec::Vec<u8> = (0..1200u32).map(|i| (i * 13 + 1) as u8).collect();
        for len in (0..long.len()).step_by(7) {
            for piece in [len.max(1), 150, 64 * 9 + 5] {
                let mut s = Sha256Stream::new();
                for part in long[..len].chunks(piece) {
                    s.update(part);
                }
                assert_eq!(
                    s.finalize(),
                    <[u8; 32]>::from(Sha256::digest(&long[..len])),
                    "len {len} piece {piece}"
                );
            }
        }
        for len in 0..data.len() {
            let mut s = Sha256Stream::new();
            // Fed in uneven pieces.
            for piece in data[..len].chunks(17) {
                s.update(piece);
            }
            assert_eq!(
                s.finalize(),
                <[u8; 32]>::from(Sha256::digest(&data[..len])),
                "len {len}"
            );
        }
    }
}
