//! aws-chunked uploads: a body of unknown length sent in signed chunks.
//!
//! The request is header-signed with the payload line
//! `STREAMING-AWS4-HMAC-SHA256-PAYLOAD` (the *seed* signature) and headers
//! `content-encoding: aws-chunked`, `x-amz-decoded-content-length: <body
//! length>` and `content-length: <encoded length>` ([`encoded_length`]).
//! Each chunk is then sent as
//!
//! ```text
//! <hex size>;chunk-signature=<signature>\r\n<data>\r\n
//! ```
//!
//! where each signature chains on the previous one:
//!
//! ```text
//! AWS4-HMAC-SHA256-PAYLOAD \n <X-Amz-Date> \n <scope> \n <previous signature> \n
//! hex(SHA-256("")) \n hex(SHA-256(chunk data))
//! ```
//!
//! and a final zero-length chunk ends the body. With trailers
//! (`STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER`) the final chunk is followed
//! by the trailing headers (e.g. `x-amz-checksum-crc32`) and
//! `x-amz-trailer-signature`, signed with `AWS4-HMAC-SHA256-TRAILER`;
//! `STREAMING-UNSIGNED-PAYLOAD-TRAILER` sends unsigned chunks (`<hex size>\r\n`)
//! and unsigned trailers. [`ChunkSigner`] is a state machine with no I/O: the
//! caller passes each chunk and writes the bytes it gets back.
//! See <https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html>.

use sha2::{Digest, Sha256};

use crate::canonical::payload::EMPTY_SHA256;
use crate::digits::{Digits, hex64};
use crate::sink::{OutBuf, Sink};
use crate::time::AmzDate;
use crate::v4::signature::Signature;
use crate::v4::{Signer, SigningKey};
use crate::{Error, SigningTime};

const CHUNK_ALGORITHM: &str = "AWS4-HMAC-SHA256-PAYLOAD";
const TRAILER_ALGORITHM: &str = "AWS4-HMAC-SHA256-TRAILER";
const SIGNATURE_PREFIX: &[u8] = b";chunk-signature=";

/// Which aws-chunked variant the seed request declared.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ChunkedMode {
    /// `STREAMING-AWS4-HMAC-SHA256-PAYLOAD`: signed chunks, no trailer.
    Signed,
    /// `STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER`: signed chunks and trailer.
    SignedWithTrailer,
    /// `STREAMING-UNSIGNED-PAYLOAD-TRAILER`: unsigned chunks, unsigned trailer.
    UnsignedWithTrailer,
}

/// `Content-Length` of the aws-chunked encoding of a `decoded_length`-byte
/// body sent in chunks of `chunk_size` bytes (the last one may be shorter),
/// including the final zero-length chunk; `trailer_length` is the length of
/// the trailing header lines (`name:value\r\n` each, 0 without trailer).
///
/// # Errors
/// [`Error::InvalidChunkSize`] for a chunk size of 0 (S3 requires at least
/// 8 KiB for every chunk but the last; that is the caller's choice), or
/// when the length would not fit in a `u64`.
pub fn encoded_length(
    decoded_length: u64,
    chunk_size: u64,
    mode: ChunkedMode,
    trailer_length: u64,
) -> Result<u64, Error> {
    if chunk_size == 0 {
        return Err(Error::InvalidChunkSize);
    }
    let signed = mode != ChunkedMode::UnsignedWithTrailer;
    let header = |size: u64| -> u64 {
        // At most 16 hex digits and a fixed extension: small numbers.
        let hex_digits = u64::from(
            64u32
                .saturating_sub(size.leading_zeros())
                .div_ceil(4)
                .max(1),
        );
        let extension = if signed {
            (SIGNATURE_PREFIX.len() as u64).saturating_add(64)
        } else {
            0
        };
        hex_digits.saturating_add(extension).saturating_add(2)
    };
    // `chunk_size` is not 0 (checked above).
    let full = decoded_length.checked_div(chunk_size).unwrap_or(0);
    let rest = decoded_length.checked_rem(chunk_size).unwrap_or(0);
    let end = match mode {
        ChunkedMode::Signed => 2,
        // trailers, then `x-amz-trailer-signature:<64 hex>\r\n`, then `\r\n`.
        ChunkedMode::SignedWithTrailer => {
            ("x-amz-trailer-signature:".len() as u64).saturating_add(64 + 2 + 2)
        }
        ChunkedMode::UnsignedWithTrailer => 2,
    };
    // Checked: a length past `u64::MAX` is an error, not a wrapped number.
    let total = (|| {
        let mut total =
            full.checked_mul(header(chunk_size).checked_add(chunk_size)?.checked_add(2)?)?;
        if rest > 0 {
            total = total
                .checked_add(header(rest))?
                .checked_add(rest)?
                .checked_add(2)?;
        }
        let trailers = if mode == ChunkedMode::Signed {
            0
        } else {
            trailer_length
        };
        total
            .checked_add(header(0))?
            .checked_add(end)?
            .checked_add(trailers)
    })();
    total.ok_or(Error::InvalidChunkSize)
}

/// Signs the chunks of an aws-chunked body, each chained on the previous
/// signature, starting from the seed request's.
#[derive(Clone, Debug)]
pub struct ChunkSigner<'k> {
    key: &'k SigningKey,
    amz_date: AmzDate,
    previous: Signature,
    mode: ChunkedMode,
    finished: bool,
}

impl<'k> ChunkSigner<'k> {
    /// Starts after the seed request, signed by `signer`, whose signature
    /// is `seed`.
    #[must_use]
    pub fn new(signer: &Signer<'k, SigningKey>, seed: &Signature, mode: ChunkedMode) -> Self {
        Self {
            key: signer.key,
            amz_date: signer.time.amz_date(),
            previous: *seed,
            mode,
            finished: false,
        }
    }

    /// For a verifier: `key` checked against `time` here.
    pub(crate) fn start(
        key: &'k SigningKey,
        time: SigningTime,
        seed: &Signature,
        mode: ChunkedMode,
    ) -> Result<Self, Error> {
        key.check_time(time)?;
        Ok(Self {
            key,
            amz_date: time.amz_date(),
            previous: *seed,
            mode,
            finished: false,
        })
    }

    /// The signature of the last chunk signed (the seed before any).
    #[must_use]
    pub fn previous_signature(&self) -> &Signature {
        &self.previous
    }

    fn chain(&mut self, algorithm: &str, hashes: &[&[u8]]) -> Signature {
        let mut s = self.key.mac();
        s.put_str(algorithm);
        s.put(b"\n");
        s.put(self.amz_date.as_bytes());
        s.put(b"\n");
        let key = self.key;
        crate::v4::scope::ScopeParts::new(key.date(), Some(key.region()), key.service())
            .write(&mut s);
        s.put(b"\n");
        s.put_str(self.previous.as_str());
        for h in hashes {
            s.put(b"\n");
            s.put(h);
        }
        let sig = Signature::from_hex(hex64(&crate::mac::finish(s)));
        self.previous = sig;
        sig
    }

    /// The signature of the next chunk (`data` empty for the final chunk).
    ///
    /// # Errors
    /// [`Error::ChunkedStateError`] after the final chunk, or in the
    /// unsigned mode.
    pub fn sign_chunk(&mut self, data: &[u8]) -> Result<Signature, Error> {
        if self.finished || self.mode == ChunkedMode::UnsignedWithTrailer {
            return Err(Error::ChunkedStateError);
        }
        if data.is_empty() {
            self.finished = true;
        }
        let hash = hex64(&Sha256::digest(data).into());
        Ok(self.chain(CHUNK_ALGORITHM, &[EMPTY_SHA256.as_bytes(), &hash]))
    }

    /// Signs the next chunk and writes the bytes that precede its data:
    /// `<hex size>;chunk-signature=<signature>\r\n` (or `<hex size>\r\n`
    /// unsigned). Send `data` and `\r\n` after them. An empty `data` is the
    /// final chunk: its bytes also end the body when there is no trailer
    /// (`0;chunk-signature=...\r\n\r\n`). On error nothing changes: the
    /// same chunk can be passed again with a larger buffer.
    ///
    /// # Errors
    /// [`Error::BufferTooSmall`] ([`MAX_CHUNK_HEADER`] bytes always suffice);
    /// [`Error::ChunkedStateError`] after the final chunk.
    pub fn chunk_header<'o>(&mut self, data: &[u8], out: &'o mut [u8]) -> Result<&'o str, Error> {
        // Work on a copy and commit only once the bytes are written.
        let mut next = self.clone();
        let mut buf = OutBuf::new(out);
        buf.put(Digits::new(data.len() as u64, 16, 1).as_bytes());
        if next.mode == ChunkedMode::UnsignedWithTrailer {
            if next.finished {
                return Err(Error::ChunkedStateError);
            }
            next.finished |= data.is_empty();
        } else {
            let sig = next.sign_chunk(data)?;
            buf.put(SIGNATURE_PREFIX);
            buf.put_str(sig.as_str());
        }
        buf.put(b"\r\n");
        if data.is_empty() && next.mode == ChunkedMode::Signed {
            buf.put(b"\r\n");
        }
        let text = buf.finish()?;
        *self = next;
        Ok(text)
    }

    /// After the final chunk, writes the trailing headers (`name:value\r\n`
    /// each, names lowercase, in the order given) and, when signed,
    /// `x-amz-trailer-signature:<signature>\r\n`, then the closing `\r\n`.
    /// The trailer signature covers the headers sorted by name, each as
    /// `name:value\n`. On error nothing changes.
    ///
    /// # Errors
    /// [`Error::ChunkedStateError`] before the final chunk or without a
    /// trailer mode; [`Error::InvalidHeaderName`]/[`Error::InvalidHeaderValue`];
    /// [`Error::BufferTooSmall`].
    pub fn trailer<'o>(
        &mut self,
        trailers: &[(&str, &str)],
        out: &'o mut [u8],
    ) -> Result<&'o str, Error> {
        if !self.finished || self.mode == ChunkedMode::Signed {
            return Err(Error::ChunkedStateError);
        }
        let mut next = self.clone();
        let mut buf = OutBuf::new(out);
        for (name, value) in trailers {
            check_trailer(name, value)?;
            for part in [name.as_bytes(), b":", value.as_bytes(), b"\r\n"] {
                buf.put(part);
            }
        }
        if next.mode == ChunkedMode::SignedWithTrailer {
            let hash = trailer_hash(trailers);
            let sig = next.chain(TRAILER_ALGORITHM, &[&hash]);
            buf.put(b"x-amz-trailer-signature:");
            buf.put_str(sig.as_str());
            buf.put(b"\r\n");
        }
        buf.put(b"\r\n");
        next.mode = ChunkedMode::Signed; // nothing may follow
        let text = buf.finish()?;
        *self = next;
        Ok(text)
    }
}

/// The most a chunk header can take: 16 hex digits, the signature, CRLF, and
/// the final chunk's extra CRLF.
pub const MAX_CHUNK_HEADER: usize = 16 + SIGNATURE_PREFIX.len() + 64 + 2 + 2;

fn check_trailer(name: &str, value: &str) -> Result<(), Error> {
    if name.is_empty()
        || !name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        return Err(Error::InvalidHeaderName);
    }
    if value.bytes().any(|b| b < 0x20 || b == 0x7f) {
        return Err(Error::InvalidHeaderValue);
    }
    Ok(())
}

impl ChunkSigner<'_> {
    /// For a verifier, after the final chunk: the `x-amz-trailer-signature`
    /// of `trailers` (checked), chained on the final chunk's signature.
    ///
    /// # Errors
    /// [`Error::ChunkedStateError`] before the final chunk or without a
    /// signed trailer; [`Error::InvalidHeaderName`] / [`Error::InvalidHeaderValue`].
    pub(crate) fn trailer_signature(
        &mut self,
        trailers: &[(&str, &str)],
    ) -> Result<Signature, Error> {
        if !self.finished || self.mode != ChunkedMode::SignedWithTrailer {
            return Err(Error::ChunkedStateError);
        }
        for (name, value) in trailers {
            check_trailer(name, value)?;
        }
        let hash = trailer_hash(trailers);
        let signature = self.chain(TRAILER_ALGORITHM, &[&hash]);
        self.mode = ChunkedMode::Signed;
        Ok(signature)
    }
}

impl ChunkSigner<'_> {
    /// For a streaming verifier: the signature of the next, non-empty
    /// chunk whose data hashed (SHA-256) to `digest`.
    ///
    /// # Errors
    /// [`Error::ChunkedStateError`] after the final chunk, or in the
    /// unsigned mode.
    pub(crate) fn sign_chunk_digest(&mut self, digest: &[u8; 32]) -> Result<Signature, Error> {
        if self.finished || self.mode == ChunkedMode::UnsignedWithTrailer {
            return Err(Error::ChunkedStateError);
        }
        let hash = hex64(digest);
        Ok(self.chain(CHUNK_ALGORITHM, &[EMPTY_SHA256.as_bytes(), &hash]))
    }
}

/// SHA-256 of the trailing headers, sorted by name, `name:value\n` each.
fn trailer_hash(trailers: &[(&str, &str)]) -> [u8; 64] {
    let mut hasher = Sha256::new();
    crate::sort::for_each_sorted(
        &|visit| trailers.iter().copied().for_each(&mut *visit),
        &|a: &(&str, &str), b: &(&str, &str)| a.0.cmp(b.0),
        &mut |(name, value)| {
            for part in [name.as_bytes(), b":", value.as_bytes(), b"\n"] {
                Digest::update(&mut hasher, part);
            }
        },
    );
    hex64(&hasher.finalize().into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::v4::{SigningSettings, sign_headers};
    use crate::verify::{ChunkVerifier, Rejection};
    use crate::{Credentials, Payload, Request};
    use alloc::string::String;
    use alloc::vec;

    /// AWS's worked example, "Signature Calculations for the Authorization
    /// Header: Transferring Payload in Multiple Chunks".
    #[test]
    fn aws_documented_example() {
        let creds = Credentials::new(
            "AKIAIOSFODNN7EXAMPLE",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            None,
        )
        .unwrap();
        let time = SigningTime::parse_rfc3339("2013-05-24T00:00:00Z").unwrap();
        let key = SigningKey::derive(&creds, time, "us-east-1", "s3").unwrap();
        let length = encoded_length(66_560, 65_536, ChunkedMode::Signed, 0).unwrap();
        assert_eq!(length, 66_824);
        let length = alloc::format!("{length}");
        let headers = [
            ("Host", "s3.amazonaws.com"),
            ("x-amz-storage-class", "REDUCED_REDUNDANCY"),
            ("Content-Encoding", "aws-chunked"),
            ("x-amz-decoded-content-length", "66560"),
            ("Content-Length", length.as_str()),
        ];
        let req = Request::new("PUT", "/examplebucket/chunkObject.txt", &headers)
            .with_payload(Payload::StreamingSigned);
        let mut buf = [0u8; 512];
        let seed = sign_headers(
            &Signer::new(&key, &creds, time).unwrap(),
            &req,
            &SigningSettings::s3(),
            &mut buf,
        )
        .unwrap();
        assert_eq!(
            seed.signature().as_str(),
            "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9"
        );
        let seed = seed.signature();

        let body = vec![b'a'; 66_560];
        let mut signer = ChunkSigner::new(
            &Signer::new(&key, &creds, time).unwrap(),
            &seed,
            ChunkedMode::Signed,
        );
        let mut verifier = ChunkVerifier::new(&key, time, &seed).unwrap();
        let mut encoded = String::new();
        let mut out = [0u8; 128];
        let want = [
            "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648",
            "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497",
            "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9",
        ];
        let chunks = [&body[..65_536], &body[65_536..], &[][..]];
        for (chunk, want) in chunks.iter().zip(want) {
            let header = signer.chunk_header(chunk, &mut out).unwrap();
            assert!(header.contains(want), "{header}");
            verifier.verify_chunk(chunk, want).unwrap();
            encoded.push_str(header);
            if !chunk.is_empty() {
                encoded.push_str(core::str::from_utf8(chunk).unwrap());
                encoded.push_str("\r\n");
            }
        }
        assert_eq!(encoded.len(), 66_824);
        assert!(encoded.starts_with("10000;chunk-signature=ad80c730"));
        assert!(encoded.ends_with("\r\n0;chunk-signature=b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9\r\n\r\n"));
        assert_eq!(
            signer.chunk_header(b"", &mut out),
            Err(Error::ChunkedStateError)
        );
        // A tampered chunk is refused, and so is everything after it.
        let mut verifier = ChunkVerifier::new(&key, time, &seed).unwrap();
        let mut tampered = body[..65_536].to_vec();
        tampered[100] = b'b';
        assert_eq!(
            verifier.verify_chunk(&tampered, want[0]),
            Err(Error::Rejected(Rejection::SignatureMismatch))
        );
        assert_eq!(
            verifier.verify_chunk(&body[65_536..], want[1]),
            Err(Error::Rejected(Rejection::SignatureMismatch))
        );
    }

    #[test]
    fn encoded_lengths_past_u64_are_errors() {
        for (len, chunk) in [(u64::MAX, 1), (u64::MAX - 1, u64::MAX), (u64::MAX, 8192)] {
            assert_eq!(
                encoded_length(len, chunk, ChunkedMode::Signed, 0),
                Err(Error::InvalidChunkSize),
                "{len} {chunk}"
            );
        }
        assert_eq!(
            encoded_length(0, 1, ChunkedMode::UnsignedWithTrailer, u64::MAX),
            Err(Error::InvalidChunkSize)
        );
        // Just below the limit still counts: one chunk of `len` bytes.
        let len = u64::MAX / 2;
        assert!(encoded_length(len, len, ChunkedMode::Signed, 0).is_ok());
    }

    #[test]
    fn encoded_lengths_match_the_bytes() {
        let creds = Credentials::new("AKID", "secret", None).unwrap();
        let time = SigningTime::from_unix_seconds(1_700_000_000).unwrap();
        let key = SigningKey::derive(&creds, time, "us-east-1", "s3").unwrap();
        let seed = Signature::from_hex([b'0'; 64]);
        for mode in [
            ChunkedMode::Signed,
            ChunkedMode::SignedWithTrailer,
            ChunkedMode::UnsignedWithTrailer,
        ] {
            for (len, size) in [
                (0u64, 8192u64),
                (1, 8192),
                (8192, 8192),
                (20_000, 8192),
                (65_537, 65_536),
            ] {
                let trailers = [("x-amz-checksum-crc32", "sOO8/Q==")];
                let trailer_len = if mode == ChunkedMode::Signed {
                    0
                } else {
                    "x-amz-checksum-crc32:sOO8/Q==\r\n".len() as u64
                };
                let mut signer =
                    ChunkSigner::new(&Signer::new(&key, &creds, time).unwrap(), &seed, mode);
                let body = vec![7u8; len as usize];
                let mut total = 0u64;
                let mut out = [0u8; 256];
                for chunk in body.chunks(size as usize).chain([&[][..]]) {
                    total += signer.chunk_header(chunk, &mut out).unwrap().len() as u64;
                    if !chunk.is_empty() {
                        total += chunk.len() as u64 + 2;
                    }
                }
                if mode != ChunkedMode::Signed {
                    total += signer.trailer(&trailers, &mut out).unwrap().len() as u64;
                }
                assert_eq!(
                    encoded_length(len, size, mode, trailer_len).unwrap(),
                    total,
                    "{mode:?} {len} {size}"
                );
            }
        }
        assert_eq!(
            encoded_length(1, 0, ChunkedMode::Signed, 0),
            Err(Error::InvalidChunkSize)
        );
        // The longest header fits MAX_CHUNK_HEADER.
        let mut signer = ChunkSigner::new(
            &Signer::new(&key, &creds, time).unwrap(),
            &seed,
            ChunkedMode::Signed,
        );
        let mut out = [0u8; MAX_CHUNK_HEADER];
        let huge = vec![0u8; 1 << 24];
        assert!(signer.chunk_header(&huge, &mut out).is_ok());
    }

    #[test]
    fn trailers_sign_and_verify_in_sorted_order() {
        let creds = Credentials::new("AKID", "secret", None).unwrap();
        let time = SigningTime::from_unix_seconds(1_700_000_000).unwrap();
        let key = SigningKey::derive(&creds, time, "us-east-1", "s3").unwrap();
        let seed = Signature::parse(&"ab".repeat(32)).unwrap();
        let trailers = [
            ("x-amz-checksum-sha256", "abc="),
            ("x-amz-checksum-crc32", "sOO8/Q=="),
        ];
        let reversed = [trailers[1], trailers[0]];
        let mut out = [0u8; 256];
        let mut a = ChunkSigner::new(
            &Signer::new(&key, &creds, time).unwrap(),
            &seed,
            ChunkedMode::SignedWithTrailer,
        );
        let mut b = a.clone();
        a.chunk_header(b"", &mut out).unwrap();
        b.chunk_header(b"", &mut out).unwrap();
        let ta = alloc::string::String::from(a.trailer(&trailers, &mut out).unwrap());
        let tb = alloc::string::String::from(b.trailer(&reversed, &mut out).unwrap());
        let sig = |t: &str| {
            alloc::string::String::from(&t.split("x-amz-trailer-signature:").nth(1).unwrap()[..64])
        };
        assert_eq!(sig(&ta), sig(&tb));
        let final_sig = ChunkSigner::new(
            &Signer::new(&key, &creds, time).unwrap(),
            &seed,
            ChunkedMode::SignedWithTrailer,
        )
        .sign_chunk(b"")
        .unwrap();
        let mut v = ChunkVerifier::with_trailer(&key, time, &seed).unwrap();
        v.verify_chunk(b"", final_sig.as_str()).unwrap();
        v.verify_trailer(&trailers, &sig(&ta)).unwrap();
        let mut w = ChunkVerifier::with_trailer(&key, time, &seed).unwrap();
        w.verify_chunk(b"", final_sig.as_str()).unwrap();
        assert_eq!(
            w.verify_trailer(&[("x-amz-checksum-crc32", "AAAAAA==")], &sig(&ta)),
            Err(Error::Rejected(Rejection::SignatureMismatch))
        );
        // A trailer signer that failed on a small buffer can retry.
        let mut c = ChunkSigner::new(
            &Signer::new(&key, &creds, time).unwrap(),
            &seed,
            ChunkedMode::SignedWithTrailer,
        );
        c.chunk_header(b"", &mut out).unwrap();
        let mut tiny = [0u8; 40];
        assert!(matches!(
            c.trailer(&trailers, &mut tiny),
            Err(Error::BufferTooSmall { .. })
        ));
        assert_eq!(sig(c.trailer(&trailers, &mut out).unwrap()), sig(&ta));
    }
}
