//! What differs between SigV4 and SigV4a, behind one internal trait: the
//! algorithm name, the credential scope (SigV4a drops the region), the
//! region set SigV4a adds, and the last step (HMAC with the derived key, or
//! ECDSA P-256 over the SHA-256 of the string to sign). Everything else —
//! canonical request, header and query placement — is shared.

use crate::digits::hex64;
use crate::mac::HmacState;
use crate::sink::Sink;
use crate::time::DateStamp;
use crate::v4::key::SigningKey;
use crate::v4::scope::ScopeParts;
use crate::{Error, SigningTime};

/// A key that can sign: SigV4's [`SigningKey`] or SigV4a's ECDSA key.
pub trait KeyKind {
    /// Receives the string to sign.
    type State: Sink;
    /// The signature's bytes, written out in hex (SigV4: the HMAC; SigV4a:
    /// the DER-encoded ECDSA signature). Kept raw and small until written,
    /// so that no hex copy travels back up the call chain.
    type Raw: AsRef<[u8]>;

    fn algorithm(&self) -> &'static str;
    fn access_key_id(&self) -> &str;
    /// When the credentials the key was derived from expire.
    fn expires_at(&self) -> Option<SigningTime>;
    /// Whether the key may sign at `time`.
    fn check_time(&self, time: SigningTime) -> Result<(), Error>;
    /// The scope for a request signed on `date` (the key's own for SigV4).
    fn scope<'s>(&'s self, date: &'s DateStamp) -> ScopeParts<'s>;
    /// SigV4a's `X-Amz-Region-Set`.
    fn region_set(&self) -> Option<&str>;
    fn start(&self) -> Self::State;
    /// Signs what went into `state`.
    fn finish(&self, state: Self::State) -> Result<Self::Raw, Error>;
    /// Whether `claimed` (as received) signs what went into `state`.
    fn verify(&self, state: Self::State, claimed: &str) -> bool;
}

impl KeyKind for SigningKey {
    type State = HmacState;
    type Raw = [u8; 32];

    fn algorithm(&self) -> &'static str {
        crate::v4::ALGORITHM
    }

    fn access_key_id(&self) -> &str {
        SigningKey::access_key_id(self)
    }

    fn expires_at(&self) -> Option<SigningTime> {
        SigningKey::expires_at(self)
    }

    fn check_time(&self, time: SigningTime) -> Result<(), Error> {
        SigningKey::check_time(self, time)
    }

    fn scope<'s>(&'s self, _date: &'s DateStamp) -> ScopeParts<'s> {
        // `check_time` made sure the request's date is the key's.
        ScopeParts::new(self.date(), Some(self.region()), self.service())
    }

    fn region_set(&self) -> Option<&str> {
        None
    }

    fn start(&self) -> HmacState {
        self.mac()
    }

    fn finish(&self, state: HmacState) -> Result<[u8; 32], Error> {
        Ok(crate::mac::finish(state))
    }

    fn verify(&self, state: HmacState, claimed: &str) -> bool {
        let expected = hex64(&crate::mac::finish(state));
        crate::ct::ct_eq(&expected, claimed.as_bytes())
    }
}
