//! CRC-32 (IEEE 802.3, the one of zlib and PNG: reflected polynomial
//! `0xEDB88320`, initial value and final XOR `0xFFFFFFFF`), as the AWS
//! event-stream framing uses it for its prelude and message checksums.
//!
//! Slicing-by-8: eight 256-entry tables built at compile time (8 KiB),
//! eight bytes per step. No dependency and no `unsafe`; see CHANGELOG for
//! how it compares with `crc32fast`.

const POLY: u32 = 0xEDB8_8320;

// Indices below 256 and 8 by construction (a `const fn` has no iterators).
#[allow(clippy::indexing_slicing)]
const fn tables() -> [[u32; 256]; 8] {
    let mut t = [[0u32; 256]; 8];
    let mut i = 0;
    while i < 256 {
        let mut c = i as u32;
        let mut k = 0;
        while k < 8 {
            c = if c & 1 != 0 { POLY ^ (c >> 1) } else { c >> 1 };
            k += 1;
        }
        t[0][i] = c;
        i += 1;
    }
    let mut i = 0;
    while i < 256 {
        let mut s = 1;
        while s < 8 {
            let prev = t[s - 1][i];
            t[s][i] = (prev >> 8) ^ t[0][(prev & 0xff) as usize];
            s += 1;
        }
        i += 1;
    }
    t
}

static TABLES: [[u32; 256]; 8] = tables();

/// A CRC-32 computation under way.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Crc32(u32);

impl Crc32 {
    pub(crate) const fn new() -> Self {
        Self(0xFFFF_FFFF)
    }

    /// Adds `data`.
    pub(crate) fn update(&mut self, data: &[u8]) {
        let [t0, t1, t2, t3, t4, t5, t6, t7] = &TABLES;
        let at = |t: &[u32; 256], b: u32| t.get((b & 0xff) as usize).copied().unwrap_or(0);
        let mut c = self.0;
        let mut blocks = data.chunks_exact(8);
        for b in &mut blocks {
            let [b0, b1, b2, b3, b4, b5, b6, b7] = <[u8; 8]>::try_from(b).unwrap_or_default();
            let lo = u32::from_le_bytes([b0, b1, b2, b3]) ^ c;
            let hi = u32::from_le_bytes([b4, b5, b6, b7]);
            c = at(t7, lo)
                ^ at(t6, lo >> 8)
                ^ at(t5, lo >> 16)
                ^ at(t4, lo >> 24)
                ^ at(t3, hi)
                ^ at(t2, hi >> 8)
                ^ at(t1, hi >> 16)
                ^ at(t0, hi >> 24);
        }
        for &b in blocks.remainder() {
            c = (c >> 8) ^ at(t0, c ^ u32::from(b));
        }
        self.0 = c;
    }

    /// The checksum of everything added.
    pub(crate) const fn finish(self) -> u32 {
        !self.0
    }
}

/// The CRC-32 of `data`.
pub(crate) fn crc32(data: &[u8]) -> u32 {
    let mut c = Crc32::new();
    c.update(data);
    c.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The check value of CRC-32/ISO-HDLC (the catalogue's "123456789"),
    /// and values from zlib's `crc32`.
    #[test]
    fn known_values() {
        assert_eq!(crc32(b""), 0);
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(crc32(b"a"), 0xE8B7_BE43);
        assert_eq!(
            crc32(b"The quick brown fox jumps over the lazy dog"),
            0x414F_A339
        );
    }

    /// Slicing-by-8 agrees with the bit-by-bit definition at every length
    /// and split point.
    #[test]
    fn matches_bitwise_definition() {
        fn bitwise(data: &[u8]) -> u32 {
            let mut c = 0xFFFF_FFFFu32;
            for &b in data {
                c ^= u32::from(b);
                for _ in 0..8 {
                    c = if c & 1 != 0 { POLY ^ (c >> 1) } else { c >> 1 };
                }
            }
            !c
        }
        let data: alloc::vec::Vec<u8> = (0..300u32).map(|i| (i * 7 + 3) as u8).collect();
        for len in 0..data.len() {
            assert_eq!(crc32(&data[..len]), bitwise(&data[..len]), "{len}");
        }
        for split in 0..40 {
            let mut c = Crc32::new();
            c.update(&data[..split]);
            c.update(&data[split..]);
            assert_eq!(c.finish(), bitwise(&data), "{split}");
        }
    }
}
