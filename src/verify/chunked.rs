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
    /// Whether the mode ends with a signed trailer.
    with_trailer: bool,
    /// The final (empty) chunk verified.
    final_chunk: bool,
    /// The trailer signature verified.
    trailer_done: bool,
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
            with_trailer: false,
            final_chunk: false,
            trailer_done: false,
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
            with_trailer: true,
            final_chunk: false,
            trailer_done: false,
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
            self.trailer_done = true;
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
        self.check(&expected, claimed, data.is_empty())
    }

    /// As [`ChunkVerifier::verify_chunk`] for a non-empty chunk whose data
    /// was hashed as it streamed: `digest` is its SHA-256.
    pub(crate) fn verify_chunk_digest(
        &mut self,
        digest: &[u8; 32],
        claimed: &str,
    ) -> Result<(), Error> {
        if self.failed {
            return Err(Rejection::SignatureMismatch.into());
        }
        if claimed.len() != 64 {
            self.failed = true;
            return Err(Rejection::MalformedSignature.into());
        }
        let expected = self.signer.sign_chunk_digest(digest)?;
        self.check(&expected, claimed, false)
    }

    fn check(&mut self, expected: &Signature, claimed: &str, last: bool) -> Result<(), Error> {
        if ct_eq(expected.as_str().as_bytes(), claimed.as_bytes()) {
            self.final_chunk |= last;
            Ok(())
        } else {
            self.failed = true;
            Err(Rejection::SignatureMismatch.into())
        }
    }

    /// Whether the body is complete: the final zero-length chunk verified
    /// and, for `STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER`, the trailer
    /// signature too. A server calls it once the body has ended: chunks
    /// that all verify do not make a complete upload (the connection may
    /// have been cut after any of them).
    ///
    /// ```
    /// use awsig::verify::ChunkVerifier;
    /// use awsig::{Credentials, Error, SigningTime, v4};
    ///
    /// let creds = Credentials::new("AKIDEXAMPLE", "secret", None)?;
    /// let t = SigningTime::parse_rfc3339("2015-08-30T12:36:00Z")?;
    /// let key = v4::SigningKey::derive(&creds, t, "us-east-1", "s3")?;
    /// let seed = v4::Signature::parse(&"ab".repeat(32))?;
    /// let mut signer = v4::ChunkSigner::new(&v4::Signer::new(&key, &creds, t)?, &seed, v4::ChunkedMode::Signed);
    /// let mut verifier = ChunkVerifier::new(&key, t, &seed)?;
    /// verifier.verify_chunk(b"data", signer.sign_chunk(b"data")?.as_str())?;
    /// assert_eq!(verifier.finish(), Err(Error::ChunkedBodyIncomplete)); // cut here
    /// verifier.verify_chunk(b"", signer.sign_chunk(b"")?.as_str())?;
    /// assert_eq!(verifier.finish(), Ok(()));
    /// # Ok::<(), awsig::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::ChunkedBodyIncomplete`] when the final chunk (or the
    /// trailer) has not verified; [`Rejection::SignatureMismatch`] after a
    /// refused chunk.
    pub fn finish(&self) -> Result<(), Error> {
        if self.failed {
            Err(Rejection::SignatureMismatch.into())
        } else if !self.final_chunk || (self.with_trailer && !self.trailer_done) {
            Err(Error::ChunkedBodyIncomplete)
        } else {
            Ok(())
        }
    }
}
