//! A small, invertible byte format for fuzz inputs.
//!
//! `arbitrary`'s own derive reads collection lengths from the *end* of the
//! data, which makes seed files hard to write by hand. The targets therefore
//! read their main structure through [`Reader`] (a thin layer over
//! [`arbitrary::Unstructured`] that only ever consumes bytes from the front),
//! and the seed generator writes the same structure with [`Writer`]: a case
//! from the test vectors becomes a seed file that decodes to exactly that
//! case. What follows the structure (mutations, choices) is read with
//! `#[derive(Arbitrary)]` types.
//!
//! Layout: integers little-endian; a string is a `u16` length then that many
//! bytes (decoded lossily as UTF-8); an optional value is a flag byte (odd:
//! present) then the value; a list is a `u8` count then the items. Missing
//! bytes read as zero, so every byte string decodes to something.

use arbitrary::Unstructured;

/// Reads the layout above from the front of the fuzzer's data.
pub struct Reader<'a> {
    pub u: Unstructured<'a>,
}

impl<'a> Reader<'a> {
    pub fn new(data: &'a [u8]) -> Self {
        Self {
            u: Unstructured::new(data),
        }
    }

    /// Up to `n` bytes (fewer when the data runs out).
    pub fn bytes(&mut self, n: usize) -> &'a [u8] {
        let n = n.min(self.u.len());
        self.u.bytes(n).unwrap_or_default()
    }

    fn fixed<const N: usize>(&mut self) -> [u8; N] {
        let mut out = [0u8; N];
        let got = self.bytes(N);
        out[..got.len()].copy_from_slice(got);
        out
    }

    pub fn u8(&mut self) -> u8 {
        self.fixed::<1>()[0]
    }

    pub fn u16(&mut self) -> u16 {
        u16::from_le_bytes(self.fixed())
    }

    pub fn u32(&mut self) -> u32 {
        u32::from_le_bytes(self.fixed())
    }

    pub fn u64(&mut self) -> u64 {
        u64::from_le_bytes(self.fixed())
    }

    pub fn flag(&mut self) -> bool {
        self.u8() & 1 == 1
    }

    pub fn blob(&mut self) -> Vec<u8> {
        let n = usize::from(self.u16());
        self.bytes(n).to_vec()
    }

    pub fn string(&mut self) -> String {
        String::from_utf8_lossy(&self.blob()).into_owned()
    }

    pub fn opt_string(&mut self) -> Option<String> {
        if self.flag() {
            Some(self.string())
        } else {
            None
        }
    }

    pub fn list<T>(&mut self, max: usize, mut item: impl FnMut(&mut Self) -> T) -> Vec<T> {
        let n = usize::from(self.u8()).min(max);
        (0..n).map(|_| item(self)).collect()
    }

    /// The unread rest, for `#[derive(Arbitrary)]` types.
    pub fn rest(self) -> Unstructured<'a> {
        self.u
    }
}

/// Writes the layout [`Reader`] reads (for seed files).
#[derive(Default)]
pub struct Writer {
    pub out: Vec<u8>,
}

impl Writer {
    pub fn u8(&mut self, v: u8) -> &mut Self {
        self.out.push(v);
        self
    }

    pub fn u16(&mut self, v: u16) -> &mut Self {
        self.out.extend_from_slice(&v.to_le_bytes());
        self
    }

    pub fn u32(&mut self, v: u32) -> &mut Self {
        self.out.extend_from_slice(&v.to_le_bytes());
        self
    }

    pub fn u64(&mut self, v: u64) -> &mut Self {
        self.out.extend_from_slice(&v.to_le_bytes());
        self
    }

    pub fn flag(&mut self, v: bool) -> &mut Self {
        self.u8(u8::from(v))
    }

    /// Panics on more than 65535 bytes: seeds are small.
    pub fn blob(&mut self, v: &[u8]) -> &mut Self {
        self.u16(u16::try_from(v.len()).expect("seed string too long"));
        self.out.extend_from_slice(v);
        self
    }

    pub fn string(&mut self, v: &str) -> &mut Self {
        self.blob(v.as_bytes())
    }

    pub fn opt_string(&mut self, v: Option<&str>) -> &mut Self {
        match v {
            Some(s) => self.flag(true).string(s),
            None => self.flag(false),
        }
    }

    pub fn list<T>(&mut self, items: &[T], mut item: impl FnMut(&mut Self, &T)) -> &mut Self {
        self.u8(u8::try_from(items.len()).expect("seed list too long"));
        for i in items {
            item(self, i);
        }
        self
    }
}
