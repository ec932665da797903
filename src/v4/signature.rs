//! From canonical request to signature: hash the canonical request as it is
//! written, write the string to sign straight into the keyed HMAC state.
//! See <https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html#calculate-signature>.

use core::fmt;

use crate::canonical::request::CanonicalRequest;
use crate::digits::hex64;
use crate::output::Trace;
use crate::sink::{FmtSink, Sink, Tee};
use crate::time::AmzDate;
use crate::v4::algorithm::KeyKind;
use crate::v4::scope::ScopeParts;
use crate::v4::string_to_sign;
use sha2::{Digest, Sha256};

/// A signature in lowercase hex: 64 digits for SigV4 (HMAC-SHA256), up to
/// 144 for SigV4a (a DER-encoded ECDSA signature).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Signature {
    hex: [u8; 144],
    len: u8,
}

impl Signature {
    /// From hex digits (at most 144; longer input is cut, which no signer
    /// produces).
    pub(crate) fn from_hex_bytes(hex: &[u8]) -> Self {
        let mut out = [0u8; 144];
        let len = hex.len().min(out.len());
        if let (Some(dst), Some(src)) = (out.get_mut(..len), hex.get(..len)) {
            dst.copy_from_slice(src);
        }
        Self {
            hex: out,
            len: len as u8,
        }
    }

    pub(crate) fn from_hex(hex: [u8; 64]) -> Self {
        Self::from_hex_bytes(&hex)
    }

    /// A signature received as text (a seed signature to verify chunks
    /// against): lowercase hex, 64 digits (SigV4) or up to 144 (SigV4a).
    ///
    /// # Errors
    /// [`crate::Error::InvalidSignature`] for anything else.
    pub fn parse(hex: &str) -> Result<Self, crate::Error> {
        let ok = (hex.len() == 64
            || (16..=144).contains(&hex.len()) && hex.len().is_multiple_of(2))
            && hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
        if ok {
            Ok(Self::from_hex_bytes(hex.as_bytes()))
        } else {
            Err(crate::Error::InvalidSignature)
        }
    }

    /// The hex text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        core::str::from_utf8(self.hex.get(..usize::from(self.len)).unwrap_or_default())
            .unwrap_or_default()
    }
}

impl fmt::Display for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Signature({})", self.as_str())
    }
}

/// Debug sinks: none on the fast path, `fmt::Write`s when tracing.
pub(crate) trait Tracer {
    fn run<K: KeyKind>(
        &mut self,
        key: &K,
        amz_date: &AmzDate,
        scope: &ScopeParts<'_>,
        request: &CanonicalRequest<'_>,
    ) -> Result<K::Raw, crate::Error>;
}

/// No trace.
pub(crate) struct NoTrace;

impl Tracer for NoTrace {
    #[inline]
    fn run<K: KeyKind>(
        &mut self,
        key: &K,
        amz_date: &AmzDate,
        scope: &ScopeParts<'_>,
        request: &CanonicalRequest<'_>,
    ) -> Result<K::Raw, crate::Error> {
        let state = feed(
            key,
            amz_date,
            scope,
            request,
            crate::sink::Discard,
            crate::sink::Discard,
        );
        key.finish(state)
    }
}

impl Tracer for Trace<'_> {
    fn run<K: KeyKind>(
        &mut self,
        key: &K,
        amz_date: &AmzDate,
        scope: &ScopeParts<'_>,
        request: &CanonicalRequest<'_>,
    ) -> Result<K::Raw, crate::Error> {
        let mut cr = FmtSink {
            w: &mut *self.canonical_request,
            failed: false,
        };
        let mut sts = FmtSink {
            w: &mut *self.string_to_sign,
            failed: false,
        };
        let state = feed(key, amz_date, scope, request, &mut cr, &mut sts);
        if cr.failed || sts.failed {
            return Err(crate::Error::WriteFailed);
        }
        key.finish(state)
    }
}

/// The hex SHA-256 of the canonical request, hashed as it is written (and
/// copied into `trace`).
pub(crate) fn canonical_request_hash<D: Sink>(
    request: &CanonicalRequest<'_>,
    trace: D,
) -> [u8; 64] {
    let mut hasher = Sha256::new();
    request.write(&mut Tee(&mut hasher, trace));
    hex64(&hasher.finalize().into())
}

/// Hashes the canonical request as it is written and writes the string to
/// sign into the key's state, ready to finish (sign) or verify.
pub(crate) fn feed<K: KeyKind, D1: Sink, D2: Sink>(
    key: &K,
    amz_date: &AmzDate,
    scope: &ScopeParts<'_>,
    request: &CanonicalRequest<'_>,
    cr_trace: D1,
    sts_trace: D2,
) -> K::State {
    let hash = canonical_request_hash(request, cr_trace);
    let mut state = key.start();
    string_to_sign::write(
        &mut Tee(&mut state, sts_trace),
        key.algorithm(),
        amz_date,
        scope,
        &hash,
    );
    state
}
