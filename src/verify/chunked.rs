//! Checking the chunks of a received aws-chunked body: each chunk's
//! signature is the one [`ChunkSigner`] would chain on the previous one,
//! from the verified seed request's. Compared in constant time.
//! See <https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html>.

use crate::ct::ct_eq;
use crate::v4::{ChunkSigner, ChunkedMode, Signature, SigningKey};
use crate::{Error, SigningTime};

use super::Rejection;

/// Checks the chunk signatures of a received aws-chunked body, in order (for
/// servers), starting from the verified seed signature.
#[derive(Clone, Debug)]
pub struct ChunkVerifier<'k> {
    signer: ChunkSigner<'k>,
    failed: bool,
}

impl<'k> ChunkVerifier<'k> {
    /// Starts after a seed request verified with `key` at `time` whose
    /// signature is `seed` ([`Signature::parse`] of
    /// [`Verified::signature`](crate::verify::Verified::signature)), for
    /// `STREAMING-AWS4-HMAC-SHA256-PAYLOAD` (use [`ChunkVerifier::with_trailer`]
    /// for the `-TRAILER` variant).
    ///
    /// # Errors
    /// [`Error::KeyScopeMismatch`] when `time` is not on the key's day.
    pub fn new(key: &'k SigningKey, time: SigningTime, seed: &Signature) -> Result<Self, Error> {
        Ok(Self {
            signer: ChunkSigner::start(key, time, seed, ChunkedMode::Signed)?,
            failed: false,
        })
    }

    /// As [`ChunkVerifier::new`], for `STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER`.
    ///
    /// # Errors
    /// As [`ChunkVerifier::new`].
    pub fn with_trailer(
        key: &'k SigningKey,
        time: SigningTime,
        seed: &Signature,
    ) -> Result<Self, Error> {
        Ok(Self {
            signer: ChunkSigner::start(key, time, seed, ChunkedMode::SignedWithTrailer)?,
            failed: false,
        })
    }

    /// After the final chunk, checks `x-amz-trailer-signature` over the
    /// received trailing headers.
    ///
    /// # Errors
    /// [`Error::Rejected`] with [`Rejection::SignatureMismatch`]; the
    /// [`Error`] for malformed trailers or a call out of order.
    pub fn verify_trailer(
        &mut self,
        trailers: &[(&str, &str)],
        claimed: &str,
    ) -> Result<(), Error> {
        if self.failed {
            return Err(Error::ChunkedStateError);
        }
        let expected = self.signer.trailer_signature(trailers).inspect_err(|e| {
            // Out of order: the chain cannot go on (a malformed trailer may be retried).
            self.failed |= *e == Error::ChunkedStateError;
        })?;
        if claimed.len() == 64 && ct_eq(expected.as_str().as_bytes(), claimed.as_bytes()) {
            Ok(())
        } else {
            self.failed = true;
            Err(Rejection::SignatureMismatch.into())
        }
    }

    /// Checks the signature received for the next chunk, in constant time.
    /// Once a chunk is refused, every later chunk is too: the chain is broken.
    ///
    /// # Errors
    /// [`Error::Rejected`] with [`Rejection::SignatureMismatch`] or
    /// [`Rejection::MalformedSignature`].
    pub fn verify_chunk(&mut self, data: &[u8], claimed: &str) -> Result<(), Error> {
        if self.failed {
            return Err(Rejection::SignatureMismatch.into());
        }
        if claimed.len() != 64 {
            self.failed = true;
            return Err(Rejection::MalformedSignature.into());
        }
        let expected = self.signer.sign_chunk(data)?;
        if ct_eq(expected.as_str().as_bytes(), claimed.as_bytes()) {
            Ok(())
        } else {
            self.failed = true;
            Err(Rejection::SignatureMismatch.into())
        }
    }
}
