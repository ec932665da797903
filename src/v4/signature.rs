//! From canonical request to signature: hash the canonical request as it is
//! written, write the string to sign straight into the keyed HMAC state.

use core::fmt;

use hmac::Mac;
use sha2::{Digest, Sha256};

use crate::canonical::payload::hex64;
use crate::canonical::request::{CanonicalRequest, Copies};
use crate::sink::{FmtSink, Sink, Staged, Tee};
use crate::time::AmzDate;
use crate::v4::key::SigningKey;
use crate::v4::string_to_sign;

/// A SigV4 signature: 64 lowercase hex digits.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Signature([u8; 64]);

impl Signature {
    pub(crate) const fn from_hex(hex: [u8; 64]) -> Self {
        Self(hex)
    }

    /// The hex text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        core::str::from_utf8(&self.0).unwrap_or_default()
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

/// Where to copy the canonical request and the string to sign while they
/// are hashed, to see what was signed. Both are produced by the very code
/// that feeds the hash.
pub struct Trace<'w> {
    /// Receives the canonical request.
    pub canonical_request: &'w mut dyn fmt::Write,
    /// Receives the string to sign.
    pub string_to_sign: &'w mut dyn fmt::Write,
}

struct MacSink<'m>(&'m mut hmac::Hmac<Sha256>);

impl Sink for MacSink<'_> {
    #[inline]
    fn put(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }
}

/// Debug sinks: none on the fast path, `fmt::Write`s when tracing.
pub(crate) trait Tracer {
    fn run<O: Sink>(
        &mut self,
        key: &SigningKey<'_>,
        amz_date: &AmzDate,
        request: &CanonicalRequest<'_>,
        copies: &mut Copies<O>,
    ) -> Result<Signature, crate::Error>;
}

/// No trace.
pub(crate) struct NoTrace;

impl Tracer for NoTrace {
    #[inline]
    fn run<O: Sink>(
        &mut self,
        key: &SigningKey<'_>,
        amz_date: &AmzDate,
        request: &CanonicalRequest<'_>,
        copies: &mut Copies<O>,
    ) -> Result<Signature, crate::Error> {
        Ok(compute(
            key,
            amz_date,
            request,
            copies,
            crate::sink::Discard,
            crate::sink::Discard,
        ))
    }
}

impl Tracer for Trace<'_> {
    fn run<O: Sink>(
        &mut self,
        key: &SigningKey<'_>,
        amz_date: &AmzDate,
        request: &CanonicalRequest<'_>,
        copies: &mut Copies<O>,
    ) -> Result<Signature, crate::Error> {
        let mut cr = FmtSink {
            w: &mut *self.canonical_request,
            failed: false,
        };
        let mut sts = FmtSink {
            w: &mut *self.string_to_sign,
            failed: false,
        };
        let sig = compute(key, amz_date, request, copies, &mut cr, &mut sts);
        if cr.failed || sts.failed {
            return Err(crate::Error::WriteFailed);
        }
        Ok(sig)
    }
}

pub(crate) fn compute<O: Sink, D1: Sink, D2: Sink>(
    key: &SigningKey<'_>,
    amz_date: &AmzDate,
    request: &CanonicalRequest<'_>,
    copies: &mut Copies<O>,
    cr_trace: D1,
    sts_trace: D2,
) -> Signature {
    let mut hasher = Sha256::new();
    {
        let mut sink = Staged::new(Tee(&mut hasher, cr_trace));
        request.write(&mut sink, copies);
    }
    let hash = hex64(&hasher.finalize().into());
    let mut mac = key.mac();
    string_to_sign::write(
        &mut Tee(MacSink(&mut mac), sts_trace),
        amz_date,
        &key.scope(),
        &hash,
    );
    Signature::from_hex(hex64(&mac.finalize().into_bytes().into()))
}
