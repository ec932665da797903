//! The SigV4a key: an ECDSA P-256 private key derived from the access key
//! id and the secret access key.
//!
//! NIST SP 800-108 counter-mode KDF with HMAC-SHA256 keyed by
//! `"AWS4A" + secret`: the input is `[1]₃₂ ‖ "AWS4-ECDSA-P256-SHA256" ‖ 0x00 ‖
//! access key id ‖ counter (one byte) ‖ [256]₃₂`; counter 1, 2, ... until the
//! 256-bit output `c` is at most `n − 2` (n the curve order); the private key
//! is `c + 1`, so it is never 0.

use core::fmt;

use p256::ecdsa::signature::hazmat::{PrehashSigner, PrehashVerifier};
use p256::ecdsa::{
    DerSignature, Signature as EcdsaSignature, SigningKey as EcdsaKey, VerifyingKey,
};
use p256::elliptic_curve::PrimeField;
use sha2::{Digest, Sha256};

use crate::credentials::is_scope_part;
use hmac::Mac as _;

use crate::inline::InlineStr;
use crate::mac::{HmacKey, wipe};
use crate::time::DateStamp;
use crate::v4::algorithm::KeyKind;
use crate::v4::key::hmac_key_with_prefix;
use crate::v4::scope::ScopeParts;
use crate::v4::{MAX_ACCESS_KEY_ID_LEN, MAX_SERVICE_LEN};
use crate::{Credentials, Error, SigningTime};

const LABEL: &[u8] = b"AWS4-ECDSA-P256-SHA256";

/// n − 2, big-endian (n is the order of P-256).
const N_MINUS_TWO: [u8; 32] = [
    0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x4f,
];

/// The longest region set a SigV4a key can hold (`us-east-1,us-west-2,...`).
pub const MAX_REGION_SET_LEN: usize = 256;

/// A SigV4a signing key with the service and region set it signs for.
///
/// Deriving costs one HMAC per counter value and a scalar multiplication:
/// derive once per credentials and reuse. Like [`crate::v4::SigningKey`] it
/// owns what it holds (no lifetime, no allocation) and takes the session
/// token from the credentials given when signing. `Debug` shows no key
/// material, and the private scalar is zeroed when dropped.
#[derive(Clone)]
pub struct V4aSigningKey {
    access_key_id: InlineStr<MAX_ACCESS_KEY_ID_LEN>,
    expires_at: Option<SigningTime>,
    service: InlineStr<MAX_SERVICE_LEN>,
    region_set: InlineStr<MAX_REGION_SET_LEN>,
    key: EcdsaKey,
}

impl V4aSigningKey {
    /// Derives the key of `credentials`, to sign for `service` in the
    /// regions of `region_set` (`us-east-1,us-west-2`, `*`, `us-*`).
    /// The arguments come in the order of [`crate::v4::SigningKey::derive`]
    /// (regions, then service).
    ///
    /// # Errors
    /// [`Error::InvalidService`]; [`Error::InvalidRegion`] for an empty
    /// region set or one with characters other than `a-z 0-9 - * ,`;
    /// [`Error::AccessKeyIdTooLong`] / [`Error::NameTooLong`] past the
    /// inline capacities.
    pub fn derive(
        credentials: &Credentials<'_>,
        region_set: &str,
        service: &str,
    ) -> Result<Self, Error> {
        if !is_scope_part(service) {
            return Err(Error::InvalidService);
        }
        let region_set = checked_region_set(region_set)?;
        let access_key_id =
            InlineStr::new(credentials.access_key_id()).ok_or(Error::AccessKeyIdTooLong)?;
        let service = InlineStr::new(service).ok_or(Error::NameTooLong)?;
        let key = derive_key(credentials.access_key_id(), credentials.secret_access_key())?;
        Ok(Self {
            access_key_id,
            expires_at: credentials.expires_at(),
            service,
            region_set,
            key,
        })
    }

    /// The same key for another region set (no new derivation).
    ///
    /// # Errors
    /// [`Error::InvalidRegion`] / [`Error::NameTooLong`] as in
    /// [`V4aSigningKey::derive`].
    pub fn with_region_set(&self, region_set: &str) -> Result<Self, Error> {
        Ok(Self {
            region_set: checked_region_set(region_set)?,
            ..self.clone()
        })
    }

    /// The public key, uncompressed: the X and Y coordinates, big-endian.
    #[must_use]
    pub fn public_key(&self) -> ([u8; 32], [u8; 32]) {
        let point = self.key.verifying_key().to_sec1_point(false);
        let mut x = [0u8; 32];
        let mut y = [0u8; 32];
        if let (Some(px), Some(py)) = (point.x(), point.y()) {
            x.copy_from_slice(px);
            y.copy_from_slice(py);
        }
        (x, y)
    }

    /// The access key id.
    #[must_use]
    pub fn access_key_id(&self) -> &str {
        self.access_key_id.as_str()
    }

    /// The region set signed in `X-Amz-Region-Set`.
    #[must_use]
    pub fn region_set(&self) -> &str {
        self.region_set.as_str()
    }

    /// The service signing name.
    #[must_use]
    pub fn service(&self) -> &str {
        self.service.as_str()
    }

    /// When the credentials the key came from expire, if they do.
    #[must_use]
    pub fn expires_at(&self) -> Option<SigningTime> {
        self.expires_at
    }
}

impl fmt::Debug for V4aSigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("V4aSigningKey")
            .field("access_key_id", &self.access_key_id)
            .field("service", &self.service)
            .field("region_set", &self.region_set)
            .field("key", &"<redacted>")
            .finish()
    }
}

fn checked_region_set(set: &str) -> Result<InlineStr<MAX_REGION_SET_LEN>, Error> {
    let ok = !set.is_empty()
        && set.bytes().all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'-' | b'*' | b',')
        });
    if !ok {
        return Err(Error::InvalidRegion);
    }
    InlineStr::new(set).ok_or(Error::NameTooLong)
}

/// The counter-mode KDF of the module docs.
fn derive_key(access_key_id: &str, secret: &str) -> Result<EcdsaKey, Error> {
    let mut prf_key = hmac_key_with_prefix(b"AWS4A", secret);
    let prf = HmacKey::new(&prf_key);
    wipe(&mut prf_key);
    for counter in 1u8..=254 {
        let mut mac = prf.start();
        mac.update(&[0, 0, 0, 1]);
        mac.update(LABEL);
        mac.update(&[0]);
        mac.update(access_key_id.as_bytes());
        mac.update(&[counter]);
        mac.update(&[0, 0, 1, 0]);
        let mut candidate = crate::mac::finish(mac);
        // Big-endian comparison: `candidate <= n - 2`.
        if candidate <= N_MINUS_TWO {
            let c = p256::Scalar::from_repr(candidate.into());
            wipe(&mut candidate);
            // Field arithmetic modulo n (`candidate <= n - 2`: no wrap).
            #[allow(
                clippy::arithmetic_side_effects,
                reason = "a P-256 scalar sum is modular"
            )]
            let scalar: Option<p256::Scalar> = c.map(|c| c + p256::Scalar::ONE).into();
            let scalar = scalar.ok_or(Error::InvalidAccessKeyId)?;
            let mut bytes = scalar.to_repr();
            let key = EcdsaKey::from_bytes(&bytes).map_err(|_| Error::InvalidAccessKeyId);
            wipe(&mut bytes);
            return key;
        }
        wipe(&mut candidate);
    }
    // Unreachable in practice: 254 outputs above n - 2 has probability 2^-8128.
    Err(Error::InvalidAccessKeyId)
}

impl KeyKind for V4aSigningKey {
    type State = Sha256;
    type Raw = DerSignature;

    fn algorithm(&self) -> &'static str {
        super::ALGORITHM
    }

    fn access_key_id(&self) -> &str {
        self.access_key_id.as_str()
    }

    fn expires_at(&self) -> Option<SigningTime> {
        self.expires_at
    }

    fn check_time(&self, time: SigningTime) -> Result<(), Error> {
        if self.expires_at.is_some_and(|e| time >= e) {
            return Err(Error::CredentialsExpired);
        }
        Ok(())
    }

    fn scope<'s>(&'s self, date: &'s DateStamp) -> ScopeParts<'s> {
        ScopeParts::new(date, None, self.service.as_str())
    }

    fn region_set(&self) -> Option<&str> {
        Some(self.region_set.as_str())
    }

    fn start(&self) -> Sha256 {
        Sha256::new()
    }

    fn finish(&self, state: Sha256) -> Result<DerSignature, Error> {
        let digest: [u8; 32] = state.finalize().into();
        let sig: EcdsaSignature = self
            .key
            .sign_prehash(&digest)
            .map_err(|_| Error::WriteFailed)?;
        // Low-s: of the two valid signatures (r, s) and (r, n - s), the one
        // with s <= n/2, so that a signature has one encoding (BIP 62);
        // aws-c-auth and the verifier accept either.
        Ok(sig.normalize_s().to_der())
    }

    fn verify(&self, state: Sha256, claimed: &str) -> bool {
        verify_with(self.key.verifying_key(), state, claimed)
    }
}

/// Whether `claimed` (DER, hex) is a valid signature of the SHA-256 in
/// `state` under `key`.
pub(crate) fn verify_with(key: &VerifyingKey, state: Sha256, claimed: &str) -> bool {
    let mut der = [0u8; 72];
    let Some(der) = der.get_mut(..claimed.len() / 2) else {
        return false;
    };
    if !claimed.len().is_multiple_of(2) || hex::decode_to_slice(claimed, der).is_err() {
        return false;
    }
    let Ok(sig) = EcdsaSignature::from_der(der) else {
        return false;
    };
    let digest: [u8; 32] = state.finalize().into();
    key.verify_prehash(&digest, &sig).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derives_the_suite_public_key() {
        // aws-c-auth's v4a suite, get-vanilla/public-key.json.
        let creds = Credentials::new(
            "AKIDEXAMPLE",
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            None,
        )
        .unwrap();
        let key = V4aSigningKey::derive(&creds, "us-east-1", "service").unwrap();
        // Regions first, then the service, as `SigningKey::derive`.
        assert_eq!((key.region_set(), key.service()), ("us-east-1", "service"));
        let (x, y) = key.public_key();
        assert_eq!(
            hex_string(&x),
            "b6618f6a65740a99e650b33b6b4b5bd0d43b176d721a3edfea7e7d2d56d936b1"
        );
        assert_eq!(
            hex_string(&y),
            "865ed22a7eadc9c5cb9d2cbaca1b3699139fedc5043dc6661864218330c8e518"
        );
        assert!(!alloc::format!("{key:?}").contains("wJalr"));
        assert_eq!(key.with_region_set("US").unwrap_err(), Error::InvalidRegion);
    }

    fn hex_string(b: &[u8; 32]) -> alloc::string::String {
        let mut out = [0u8; 64];
        hex::encode_to_slice(b, &mut out).unwrap();
        alloc::string::String::from_utf8(out.to_vec()).unwrap()
    }
}
