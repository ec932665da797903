//! HMAC-SHA256 and SHA-256, from RustCrypto's `hmac` and `sha2`.
//!
//! A SigV4 signing key is used for every request of a day. [`HmacKey`]
//! keys an `Hmac<Sha256>` once (the inner and outer pads hashed) and every
//! signature starts from a copy of that state, so it pays only for the
//! blocks of its own string to sign. With the `zeroize` feature (default),
//! `hmac` and `sha2` wipe their states on drop, and [`wipe`] wipes the
//! intermediate keys the derivation leaves on the stack.

use hmac::{KeyInit, Mac};
use sha2::{Digest, Sha256};

use crate::sink::Sink;

/// An HMAC-SHA256 computation under way.
pub type HmacState = hmac::Hmac<Sha256>;

/// An HMAC-SHA256 key, its pads hashed once (RFC 2104: a key longer than a
/// block is hashed first, a shorter one zero-padded).
#[derive(Clone)]
pub(crate) struct HmacKey(HmacState);

impl HmacKey {
    pub(crate) fn new(key: &[u8]) -> Self {
        // `new_from_slice` takes keys of any length.
        Self(<HmacState as KeyInit>::new_from_slice(key).unwrap_or_else(|_| unreachable_key()))
    }

    /// A MAC computation over data still to come.
    pub(crate) fn start(&self) -> HmacState {
        self.0.clone()
    }

    /// `HMAC(key, data)`.
    pub(crate) fn mac(&self, data: &[u8]) -> [u8; 32] {
        let mut s = self.start();
        s.update(data);
        finish(s)
    }
}

/// `Hmac::new_from_slice` fails for no key length; this keeps the code free
/// of `unwrap` all the same (an all-zero key, never reached).
#[cold]
fn unreachable_key() -> HmacState {
    <HmacState as KeyInit>::new(&Default::default())
}

/// The MAC of what went into `state`.
pub(crate) fn finish(state: HmacState) -> [u8; 32] {
    state.finalize().into_bytes().into()
}

/// `HMAC(key, data)` for a one-off key.
pub(crate) fn hmac(key: &[u8], data: &[u8]) -> [u8; 32] {
    HmacKey::new(key).mac(data)
}

/// SHA-256 of `data`.
pub(crate) fn sha256(data: &[u8]) -> [u8; 32] {
    Sha256::digest(data).into()
}

impl Sink for HmacState {
    #[inline]
    fn put(&mut self, bytes: &[u8]) {
        Mac::update(self, bytes);
    }
}

/// Overwrites key material so it does not outlive its use.
#[cfg(feature = "zeroize")]
pub(crate) fn wipe(bytes: &mut [u8]) {
    zeroize::Zeroize::zeroize(bytes);
}

/// Overwrites key material so it does not outlive its use.
#[cfg(not(feature = "zeroize"))]
pub(crate) fn wipe(bytes: &mut [u8]) {
    bytes.fill(0);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 4231 test case 2 and case 6 (a key longer than a block).
    #[test]
    fn rfc_4231() {
        let hex = |b: [u8; 32]| {
            alloc::string::String::from_utf8(crate::digits::hex64(&b).to_vec()).unwrap()
        };
        assert_eq!(
            hex(hmac(b"Jefe", b"what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        assert_eq!(
            hex(hmac(
                &[0xaa; 131],
                b"Test Using Larger Than Block-Size Key - Hash Key First"
            )),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
        );
        let key = HmacKey::new(b"Jefe");
        let mut s = key.start();
        s.put(b"what do ya want ");
        s.put(b"for nothing?");
        assert_eq!(finish(s), key.mac(b"what do ya want for nothing?"));
    }
}
