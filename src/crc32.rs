//! CRC-32 (IEEE 802.3, the one of zlib and PNG: reflected polynomial
//! `0xEDB88320`, initial value and final XOR `0xFFFFFFFF`), as the AWS
//! event-stream framing uses it for its prelude and message checksums.
//!
//! From `crc32fast` (PCLMULQDQ / ARMv8 CRC instructions, detected at run
//! time with `std`, slicing-by-16 otherwise): a table-driven CRC written
//! here (slicing-by-8, no dependency) took 50 µs per 64 KiB message where
//! `crc32fast` takes 3 µs, which made a signed 64 KiB event twice as slow
//! as aws-sigv4's (`benches/peers/benches/event_stream.rs`, CHANGELOG).

/// A CRC-32 computation under way.
#[derive(Clone)]
pub(crate) struct Crc32(crc32fast::Hasher);

impl Crc32 {
    pub(crate) fn new() -> Self {
        Self(crc32fast::Hasher::new())
    }

    /// Adds `data`.
    pub(crate) fn update(&mut self, data: &[u8]) {
        self.0.update(data);
    }

    /// The checksum of everything added.
    pub(crate) fn finish(self) -> u32 {
        self.0.finalize()
    }
}

/// The CRC-32 of `data`.
pub(crate) fn crc32(data: &[u8]) -> u32 {
    crc32fast::hash(data)
}

#[cfg(test)]
mod tests {
    use super::*;

    const POLY: u32 = 0xEDB8_8320;

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

    /// Agrees with the bit-by-bit definition at every length and split
    /// point (short inputs and past the SIMD block sizes).
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
        let data: alloc::vec::Vec<u8> = (0..600u32).map(|i| (i * 7 + 3) as u8).collect();
        for len in 0..data.len() {
            assert_eq!(crc32(&data[..len]), bitwise(&data[..len]), "{len}");
        }
        for split in 0..80 {
            let mut c = Crc32::new();
            c.update(&data[..split]);
            c.update(&data[split..]);
            assert_eq!(c.finish(), bitwise(&data), "{split}");
        }
    }
}
