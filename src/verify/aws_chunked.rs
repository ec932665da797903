//! Decoding a received aws-chunked body (`Content-Encoding: aws-chunked`),
//! incrementally and without allocating: the server feeds the bytes as they
//! arrive, split anywhere, and gets back which of them are payload data.
//! Each chunk's data is hashed as it streams through and its signature
//! checked when the chunk ends; the size lines are parsed byte by byte and
//! refused as soon as one is malformed or adds up to more than the declared
//! `x-amz-decoded-content-length`; [`AwsChunkedDecoder::finish`] fails
//! unless the final zero-length chunk (and the declared trailer, with its
//! signature when signed) arrived and verified.
//!
//! The framing (AWS: "Signature Calculations for the Authorization Header:
//! Transferring Payload in Multiple Chunks" and "... Including Trailing
//! Headers"):
//!
//! ```text
//! <hex size>;chunk-signature=<64 hex>\r\n<data>\r\n     (signed modes)
//! <hex size>\r\n<data>\r\n                              (STREAMING-UNSIGNED-PAYLOAD-TRAILER)
//! ...
//! 0;chunk-signature=<64 hex>\r\n\r\n                    (STREAMING-AWS4-HMAC-SHA256-PAYLOAD)
//! 0;chunk-signature=<64 hex>\r\n<name>:<value>\r\nx-amz-trailer-signature:<64 hex>\r\n\r\n
//! 0\r\n<name>:<value>\r\n\r\n
//! ```
//!
//! See <https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html>
//! and <https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming-trailers.html>.

use core::ops::Range;

use sha2::{Digest, Sha256};

use super::{ChunkVerifier, Rejection};
use crate::v4::{ChunkedMode, Signature, SigningKey};
use crate::{Error, SigningTime};

/// The most hex digits a chunk size line may have (leading zeros included):
/// 16 digits hold any `u64`.
pub const MAX_CHUNK_SIZE_DIGITS: u8 = 16;

/// The longest trailer line (`name:value`, without its CRLF) the decoder
/// accepts; checksum trailers take under 80 bytes.
pub const MAX_TRAILER_LINE: usize = 256;

const SIGNATURE_EXTENSION: &[u8] = b";chunk-signature=";
const TRAILER_SIGNATURE: &str = "x-amz-trailer-signature";

/// What the seed request declared about its aws-chunked body: the mode
/// (`x-amz-content-sha256`), the decoded length
/// (`x-amz-decoded-content-length`) and the trailing header's name
/// (`x-amz-trailer`).
///
/// ```
/// use awsig::verify::ChunkedDeclaration;
/// use awsig::v4::ChunkedMode;
///
/// let headers = [
///     ("Host", "s3.amazonaws.com"),
///     ("x-amz-content-sha256", "STREAMING-UNSIGNED-PAYLOAD-TRAILER"),
///     ("x-amz-decoded-content-length", "66560"),
///     ("x-amz-trailer", "x-amz-checksum-crc32"),
/// ];
/// let declared = ChunkedDeclaration::from_headers(&headers)?.unwrap();
/// assert_eq!(declared.mode, ChunkedMode::UnsignedWithTrailer);
/// assert_eq!(declared.decoded_length, Some(66560));
/// assert_eq!(declared.trailer, Some("x-amz-checksum-crc32"));
/// // Not aws-chunked: nothing to decode.
/// assert_eq!(ChunkedDeclaration::from_headers(&[("x-amz-content-sha256", "UNSIGNED-PAYLOAD")])?, None);
/// # Ok::<(), awsig::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ChunkedDeclaration<'a> {
    /// The framing and what is signed.
    pub mode: ChunkedMode,
    /// `x-amz-decoded-content-length`: the chunk sizes must add up to it.
    pub decoded_length: Option<u64>,
    /// `x-amz-trailer`: the one trailing header the body must end with
    /// (trailer modes).
    pub trailer: Option<&'a str>,
}

impl<'a> ChunkedDeclaration<'a> {
    /// A declaration given field by field.
    ///
    /// ```
    /// use awsig::verify::ChunkedDeclaration;
    /// use awsig::v4::ChunkedMode;
    ///
    /// let declared = ChunkedDeclaration::new(ChunkedMode::Signed, Some(66560), None);
    /// assert_eq!(declared.decoded_length, Some(66560));
    /// ```
    #[must_use]
    pub const fn new(
        mode: ChunkedMode,
        decoded_length: Option<u64>,
        trailer: Option<&'a str>,
    ) -> Self {
        Self {
            mode,
            decoded_length,
            trailer,
        }
    }

    /// Reads the declaration from the (verified) seed request's headers;
    /// `None` when `x-amz-content-sha256` is not a `STREAMING-*` value.
    ///
    /// # Errors
    /// [`Error::InvalidChunkedDeclaration`] for a `STREAMING-*` value other
    /// than the three SigV4 ones, an `x-amz-decoded-content-length` that is
    /// not a decimal number, an `x-amz-trailer` that is not one header name
    /// (or one in a mode without trailer); [`Rejection::DuplicateAuthParameter`]
    /// when one of these headers appears twice.
    pub fn from_headers(headers: &[(&'a str, &'a str)]) -> Result<Option<Self>, Error> {
        let Some(declared) = super::single_header(headers, "x-amz-content-sha256")? else {
            return Ok(None);
        };
        let mode = match declared {
            "STREAMING-AWS4-HMAC-SHA256-PAYLOAD" => ChunkedMode::Signed,
            "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER" => ChunkedMode::SignedWithTrailer,
            "STREAMING-UNSIGNED-PAYLOAD-TRAILER" => ChunkedMode::UnsignedWithTrailer,
            other if other.starts_with("STREAMING-") => {
                return Err(Error::InvalidChunkedDeclaration);
            }
            _ => return Ok(None),
        };
        let decoded_length = super::single_header(headers, "x-amz-decoded-content-length")?
            .map(|v| parse_decimal(v.trim_matches([' ', '\t'])))
            .transpose()?;
        let trailer =
            super::single_header(headers, "x-amz-trailer")?.map(|v| v.trim_matches([' ', '\t']));
        let declared = Self::new(mode, decoded_length, trailer);
        declared.check()?;
        Ok(Some(declared))
    }

    fn check(&self) -> Result<(), Error> {
        match self.trailer {
            None => Ok(()),
            Some(name)
                if self.mode != ChunkedMode::Signed
                    && !name.is_empty()
                    && name.bytes().all(is_token)
                    && !name.eq_ignore_ascii_case(TRAILER_SIGNATURE) =>
            {
                Ok(())
            }
            Some(_) => Err(Error::InvalidChunkedDeclaration),
        }
    }
}

fn parse_decimal(text: &str) -> Result<u64, Error> {
    if text.is_empty() || text.len() > 20 {
        return Err(Error::InvalidChunkedDeclaration);
    }
    text.bytes().try_fold(0u64, |n, b| {
        let digit = char::from(b).to_digit(10).map(u64::from);
        digit
            .and_then(|d| n.checked_mul(10)?.checked_add(d))
            .ok_or(Error::InvalidChunkedDeclaration)
    })
}

/// RFC 9110 token characters (what a header name may hold).
fn is_token(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// A trailer name as sent: lowercase letters, digits and `-`.
fn is_trailer_name(name: &[u8]) -> bool {
    !name.is_empty()
        && name
            .iter()
            .all(|&b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// What one [`AwsChunkedDecoder::feed`] call did with its input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Progress {
    /// How many input bytes were consumed: feed the rest (`&input[consumed..]`)
    /// next. Never 0 for a non-empty input unless an error is returned.
    pub consumed: usize,
    /// The payload bytes among them, as a range of the input (empty when
    /// none): one contiguous run of a chunk's data.
    pub data: Range<usize>,
}

/// What a complete aws-chunked body established.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct DecodedBody<'d> {
    /// The payload length (the sum of the chunk sizes).
    pub decoded_length: u64,
    /// The trailing header received, as `(name, value)`: with a signed
    /// trailer its signature verified; unsigned
    /// (`STREAMING-UNSIGNED-PAYLOAD-TRAILER`) it is not authenticated. Either
    /// way the server still compares the checksum it names with the one it
    /// computed over the payload.
    pub trailer: Option<(&'d str, &'d str)>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// Hex digits of a size line.
    Size,
    /// `;chunk-signature=`, `matched` bytes of it seen.
    Extension,
    /// The 64 hex digits of the chunk signature.
    Signature,
    /// The LF ending a size line.
    SizeLf,
    /// Chunk data.
    Data,
    /// The CR, then the LF, after chunk data.
    DataCr,
    DataLf,
    /// A trailer line (up to its LF).
    Trailer,
    /// The body ended; nothing may follow.
    Done,
}

/// Decodes and verifies a received aws-chunked body as its bytes arrive:
/// sans-I/O, any split of the input, no allocation, a few hundred bytes of
/// state, the chunk data hashed as it streams (a 16 MiB chunk is never
/// buffered).
///
/// A chunk's data is handed out before its signature can be checked (the
/// signature covers the whole chunk): treat it as provisional until
/// [`AwsChunkedDecoder::verified_length`] covers it, and commit the upload
/// only once [`AwsChunkedDecoder::finish`] succeeds, as S3 does. Once any
/// error is returned the decoder stays failed and returns it again.
///
/// ```
/// use awsig::verify::{AwsChunkedDecoder, ChunkedDeclaration};
/// use awsig::v4::ChunkedMode;
///
/// // STREAMING-UNSIGNED-PAYLOAD-TRAILER: unsigned chunks and trailer.
/// let body = b"5\r\nhello\r\n0\r\nx-amz-checksum-crc32:NhCmhg==\r\n\r\n";
/// let declared = ChunkedDeclaration::new(ChunkedMode::UnsignedWithTrailer, Some(5), Some("x-amz-checksum-crc32"));
/// let mut decoder = AwsChunkedDecoder::unsigned(declared)?;
/// let mut payload = Vec::new();
/// for piece in body.chunks(3) { // as the bytes arrive, in any split
///     let mut input = &piece[..];
///     while !input.is_empty() {
///         let progress = decoder.feed(input)?;
///         payload.extend_from_slice(&input[progress.data]);
///         input = &input[progress.consumed..];
///     }
/// }
/// let done = decoder.finish()?;
/// assert_eq!(payload, b"hello");
/// assert_eq!(done.trailer, Some(("x-amz-checksum-crc32", "NhCmhg==")));
/// # Ok::<(), awsig::Error>(())
/// ```
#[derive(Clone)]
pub struct AwsChunkedDecoder<'k> {
    chain: Option<ChunkVerifier<'k>>,
    declared: ChunkedDeclaration<'k>,
    state: State,
    /// Encoded bytes consumed so far (offsets in errors).
    pos: u64,
    /// Sum of the chunk sizes announced so far.
    decoded: u64,
    /// Data bytes of the chunks verified so far.
    verified: u64,
    /// The size being parsed, then the size of the current chunk.
    size: u64,
    digits: u8,
    /// Data bytes still to come in the current chunk.
    remaining: u64,
    matched: u8,
    hasher: Sha256,
    signature: [u8; 64],
    line: [u8; MAX_TRAILER_LINE + 1],
    line_len: usize,
    trailer: [u8; MAX_TRAILER_LINE],
    /// Length of the received trailer line and its colon's offset.
    trailer_len: Option<(usize, usize)>,
    trailer_signed: bool,
    last: bool,
    failed: Option<Error>,
}

impl core::fmt::Debug for AwsChunkedDecoder<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("AwsChunkedDecoder")
            .field("declared", &self.declared)
            .field("state", &self.state)
            .field("pos", &self.pos)
            .field("decoded", &self.decoded)
            .field("verified", &self.verified)
            .field("failed", &self.failed)
            .finish_non_exhaustive()
    }
}

impl<'k> AwsChunkedDecoder<'k> {
    /// A decoder for a body whose seed request verified with `key` at
    /// `time`, with signature `seed` ([`Signature::parse`] of
    /// [`Verified::signature`](crate::verify::Verified::signature)). For
    /// [`ChunkedMode::UnsignedWithTrailer`] the key is not used.
    ///
    /// ```
    /// use awsig::verify::{AwsChunkedDecoder, ChunkedDeclaration};
    /// use awsig::v4::{self, ChunkSigner, ChunkedMode, Signature};
    /// use awsig::{Credentials, SigningTime};
    ///
    /// let creds = Credentials::new("AKIDEXAMPLE", "secret", None)?;
    /// let t = SigningTime::parse_rfc3339("2015-08-30T12:36:00Z")?;
    /// let key = v4::SigningKey::derive(&creds, t, "us-east-1", "s3")?;
    /// let seed = Signature::parse(&"ab".repeat(32))?; // the verified seed request's
    /// // A client's body: one chunk and the final one.
    /// let mut signer = ChunkSigner::new(&v4::Signer::new(&key, &creds, t)?, &seed, ChunkedMode::Signed);
    /// let mut out = [0u8; v4::MAX_CHUNK_HEADER];
    /// let mut body = Vec::new();
    /// body.extend_from_slice(signer.chunk_header(b"hello", &mut out)?.as_bytes());
    /// body.extend_from_slice(b"hello\r\n");
    /// body.extend_from_slice(signer.chunk_header(b"", &mut out)?.as_bytes());
    ///
    /// let declared = ChunkedDeclaration::new(ChunkedMode::Signed, Some(5), None);
    /// let mut decoder = AwsChunkedDecoder::new(declared, &key, t, &seed)?;
    /// let mut payload = Vec::new();
    /// decoder.decode(&body, |data| payload.extend_from_slice(data))?;
    /// assert_eq!(decoder.finish()?.decoded_length, 5);
    /// assert_eq!(payload, b"hello");
    /// # Ok::<(), awsig::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::KeyScopeMismatch`] when `time` is not on the key's day;
    /// [`Error::InvalidChunkedDeclaration`] for a trailer declared without
    /// a trailer mode.
    pub fn new(
        declared: ChunkedDeclaration<'k>,
        key: &'k SigningKey,
        time: SigningTime,
        seed: &Signature,
    ) -> Result<Self, Error> {
        let chain = match declared.mode {
            ChunkedMode::Signed => Some(ChunkVerifier::new(key, time, seed)?),
            ChunkedMode::SignedWithTrailer => Some(ChunkVerifier::with_trailer(key, time, seed)?),
            _ => None,
        };
        Self::start(declared, chain)
    }

    /// A decoder for `STREAMING-UNSIGNED-PAYLOAD-TRAILER` (see the type's
    /// example): the framing and the trailer's name are checked, nothing is
    /// authenticated.
    ///
    /// # Errors
    /// [`Error::InvalidChunkedDeclaration`] for a signed mode (use
    /// [`AwsChunkedDecoder::new`]).
    pub fn unsigned(declared: ChunkedDeclaration<'k>) -> Result<Self, Error> {
        if declared.mode != ChunkedMode::UnsignedWithTrailer {
            return Err(Error::InvalidChunkedDeclaration);
        }
        Self::start(declared, None)
    }

    fn start(
        declared: ChunkedDeclaration<'k>,
        chain: Option<ChunkVerifier<'k>>,
    ) -> Result<Self, Error> {
        declared.check()?;
        Ok(Self {
            chain,
            declared,
            state: State::Size,
            pos: 0,
            decoded: 0,
            verified: 0,
            size: 0,
            digits: 0,
            remaining: 0,
            matched: 0,
            hasher: Sha256::new(),
            signature: [0; 64],
            line: [0; MAX_TRAILER_LINE + 1],
            line_len: 0,
            trailer: [0; MAX_TRAILER_LINE],
            trailer_len: None,
            trailer_signed: false,
            last: false,
            failed: None,
        })
    }

    /// Consumes bytes of the body from the start of `input` and says how
    /// many, and which of them are payload data. It stops after one run of
    /// data (feed the rest again) or at the end of `input`.
    ///
    /// # Errors
    /// The first malformed or refused byte: [`Error::MalformedChunkLine`],
    /// [`Error::ChunkNotTerminated`], [`Error::DecodedLengthMismatch`],
    /// [`Error::MalformedTrailer`], [`Error::TrailerMismatch`],
    /// [`Error::BytesAfterChunkedBody`]; [`Error::Rejected`] with
    /// [`Rejection::ChunkSignatureMismatch`],
    /// [`Rejection::TrailerSignatureMismatch`],
    /// [`Rejection::MalformedSignature`] or
    /// [`Rejection::MissingAuthParameter`] (no trailer signature). After
    /// an error every call returns it again.
    pub fn feed(&mut self, input: &[u8]) -> Result<Progress, Error> {
        if let Some(e) = self.failed {
            return Err(e);
        }
        self.step(input).inspect_err(|e| self.failed = Some(*e))
    }

    /// Feeds all of `input`, handing each run of payload data to `sink`.
    ///
    /// # Errors
    /// As [`AwsChunkedDecoder::feed`].
    pub fn decode(&mut self, mut input: &[u8], mut sink: impl FnMut(&[u8])) -> Result<(), Error> {
        while !input.is_empty() {
            let progress = self.feed(input)?;
            if let Some(data) = input.get(progress.data) {
                sink(data);
            }
            input = input.get(progress.consumed..).unwrap_or_default();
        }
        Ok(())
    }

    /// The number of payload bytes in chunks whose signature has verified
    /// (in the unsigned mode: whose framing is complete).
    #[must_use]
    pub const fn verified_length(&self) -> u64 {
        self.verified
    }

    /// Whether the body has ended (its last byte was fed) without error.
    #[must_use]
    pub fn is_done(&self) -> bool {
        self.state == State::Done && self.failed.is_none()
    }

    /// After the last byte: whether the body is complete and verified.
    ///
    /// # Errors
    /// The error that failed the decoder, or
    /// [`Error::ChunkedBodyIncomplete`] when the body has not ended (the
    /// final chunk or the trailer is missing: a truncated upload).
    pub fn finish(&self) -> Result<DecodedBody<'_>, Error> {
        if let Some(e) = self.failed {
            return Err(e);
        }
        if self.state != State::Done {
            return Err(Error::ChunkedBodyIncomplete);
        }
        if let Some(chain) = &self.chain {
            chain.finish()?;
        }
        let trailer = match self.trailer_len {
            Some((len, colon)) => {
                let line = self.trailer.get(..len).unwrap_or_default();
                let text = core::str::from_utf8(line).map_err(|_| Error::TrailerMismatch)?;
                let (name, value) = text.split_at_checked(colon).ok_or(Error::TrailerMismatch)?;
                Some((name, value.get(1..).unwrap_or_default()))
            }
            None => None,
        };
        Ok(DecodedBody {
            decoded_length: self.decoded,
            trailer,
        })
    }

    fn step(&mut self, input: &[u8]) -> Result<Progress, Error> {
        let mut i = 0;
        while let Some(&b) = input.get(i) {
            if self.state == State::Data {
                let left = input.len().saturating_sub(i);
                let take = usize::try_from(self.remaining).map_or(left, |r| r.min(left));
                let end = i.saturating_add(take);
                let data = input.get(i..end).unwrap_or_default();
                if self.chain.is_some() {
                    Digest::update(&mut self.hasher, data);
                }
                self.remaining = self.remaining.saturating_sub(take as u64);
                self.pos = self.pos.saturating_add(take as u64);
                if self.remaining == 0 {
                    self.end_chunk()?;
                }
                return Ok(Progress {
                    consumed: end,
                    data: i..end,
                });
            }
            self.byte(b)?;
            self.pos = self.pos.saturating_add(1);
            i = i.saturating_add(1);
        }
        Ok(Progress {
            consumed: i,
            data: i..i,
        })
    }

    fn signed(&self) -> bool {
        self.chain.is_some()
    }

    fn byte(&mut self, b: u8) -> Result<(), Error> {
        let at = self.pos;
        let bad_line = Error::MalformedChunkLine { at };
        match self.state {
            State::Size => self.size_byte(b)?,
            State::Extension => {
                if SIGNATURE_EXTENSION.get(usize::from(self.matched)) != Some(&b) {
                    return Err(bad_line);
                }
                self.matched = self.matched.saturating_add(1);
                if usize::from(self.matched) == SIGNATURE_EXTENSION.len() {
                    self.matched = 0;
                    self.state = State::Signature;
                }
            }
            State::Signature => self.signature_byte(b)?,
            State::SizeLf if b == b'\n' => self.start_chunk()?,
            State::SizeLf => return Err(bad_line),
            State::DataCr if b == b'\r' => self.state = State::DataLf,
            State::DataLf if b == b'\n' => {
                self.state = if self.last { State::Done } else { State::Size };
            }
            State::DataCr | State::DataLf => return Err(Error::ChunkNotTerminated { at }),
            State::Trailer => self.trailer_byte(b)?,
            State::Done => return Err(Error::BytesAfterChunkedBody { at }),
            State::Data => return Err(Error::ChunkedStateError),
        }
        Ok(())
    }

    fn size_byte(&mut self, b: u8) -> Result<(), Error> {
        let bad_line = Error::MalformedChunkLine { at: self.pos };
        if let Some(digit) = char::from(b).to_digit(16) {
            if self.digits >= MAX_CHUNK_SIZE_DIGITS {
                return Err(bad_line);
            }
            self.size = self
                .size
                .checked_mul(16)
                .and_then(|s| s.checked_add(u64::from(digit)))
                .ok_or(bad_line)?;
            self.digits = self.digits.saturating_add(1);
            return Ok(());
        }
        match b {
            _ if self.digits == 0 => Err(bad_line),
            b';' if self.signed() => {
                self.matched = 1;
                self.state = State::Extension;
                Ok(())
            }
            // A signed chunk without its signature.
            b'\r' if self.signed() => Err(Rejection::MalformedSignature.into()),
            b'\r' => {
                self.state = State::SizeLf;
                Ok(())
            }
            _ => Err(bad_line),
        }
    }

    fn signature_byte(&mut self, b: u8) -> Result<(), Error> {
        let is_hex = b.is_ascii_digit() || (b'a'..=b'f').contains(&b);
        match self.signature.get_mut(usize::from(self.matched)) {
            Some(slot) if is_hex => {
                *slot = b;
                self.matched = self.matched.saturating_add(1);
                Ok(())
            }
            // Short, too long, or not lowercase hex.
            Some(_) => Err(Rejection::MalformedSignature.into()),
            None if is_hex => Err(Rejection::MalformedSignature.into()),
            None if b == b'\r' => {
                self.state = State::SizeLf;
                Ok(())
            }
            None => Err(Error::MalformedChunkLine { at: self.pos }),
        }
    }

    /// The size line has ended: account for the chunk, and check the
    /// final one's signature right away.
    fn start_chunk(&mut self) -> Result<(), Error> {
        let size = self.size;
        let received = self.decoded.checked_add(size);
        let declared = self.declared.decoded_length;
        let received = match (received, declared) {
            (Some(r), Some(d)) if r > d || (size == 0 && r != d) => {
                return Err(Error::DecodedLengthMismatch {
                    declared: d,
                    received: r,
                });
            }
            (Some(r), _) => r,
            (None, d) => {
                return Err(Error::DecodedLengthMismatch {
                    declared: d.unwrap_or(u64::MAX),
                    received: u64::MAX,
                });
            }
        };
        self.decoded = received;
        self.size = 0;
        self.digits = 0;
        self.matched = 0;
        if size > 0 {
            self.remaining = size;
            self.state = State::Data;
            return Ok(());
        }
        self.last = true;
        self.state = if self.declared.mode == ChunkedMode::Signed {
            State::DataCr
        } else {
            State::Trailer
        };
        let signature = self.signature;
        if let Some(chain) = &mut self.chain {
            let claimed =
                core::str::from_utf8(&signature).map_err(|_| Rejection::MalformedSignature)?;
            chain.verify_chunk(b"", claimed).map_err(chunk_mismatch)?;
        }
        Ok(())
    }

    /// The current chunk's data has all arrived: check its signature.
    fn end_chunk(&mut self) -> Result<(), Error> {
        let size = self.decoded.saturating_sub(self.verified);
        if let Some(chain) = &mut self.chain {
            let digest: [u8; 32] = self.hasher.finalize_reset().into();
            let claimed =
                core::str::from_utf8(&self.signature).map_err(|_| Rejection::MalformedSignature)?;
            chain
                .verify_chunk_digest(&digest, claimed)
                .map_err(chunk_mismatch)?;
        }
        self.verified = self.verified.saturating_add(size);
        self.state = State::DataCr;
        Ok(())
    }
}

fn chunk_mismatch(e: Error) -> Error {
    if e == Error::Rejected(Rejection::SignatureMismatch) {
        Rejection::ChunkSignatureMismatch.into()
    } else {
        e
    }
}

impl AwsChunkedDecoder<'_> {
    fn trailer_byte(&mut self, b: u8) -> Result<(), Error> {
        let at = self.pos;
        if b != b'\n' {
            let slot = self
                .line
                .get_mut(self.line_len)
                .ok_or(Error::MalformedTrailer { at })?;
            *slot = b;
            self.line_len = self.line_len.saturating_add(1);
            return Ok(());
        }
        let line = self.line;
        let len = core::mem::take(&mut self.line_len);
        match line.get(..len) {
            Some([rest @ .., b'\r']) => self.trailer_line(rest, at),
            _ => Err(Error::MalformedTrailer { at }),
        }
    }

    /// A complete trailer line (without its CRLF), ending at `at`.
    fn trailer_line(&mut self, line: &[u8], at: u64) -> Result<(), Error> {
        if line.is_empty() {
            return self.end_trailer();
        }
        let malformed = Error::MalformedTrailer { at };
        let colon = line.iter().position(|&b| b == b':').ok_or(malformed)?;
        let (name, value) = line.split_at(colon);
        let value = value.get(1..).unwrap_or_default();
        if !is_trailer_name(name) || !value.iter().all(|&b| (0x20..0x7f).contains(&b)) {
            return Err(malformed);
        }
        if self.trailer_signed {
            return Err(Error::TrailerMismatch); // nothing after the signature
        }
        if name == TRAILER_SIGNATURE.as_bytes() {
            return self.trailer_signature(value);
        }
        let declared = self.declared.trailer.map(str::as_bytes);
        match declared {
            Some(d) if self.trailer_len.is_none() && d.eq_ignore_ascii_case(name) => {
                let slot = self.trailer.get_mut(..line.len()).ok_or(malformed)?;
                slot.copy_from_slice(line);
                self.trailer_len = Some((line.len(), colon));
                Ok(())
            }
            _ => Err(Error::TrailerMismatch),
        }
    }

    fn trailer_signature(&mut self, value: &[u8]) -> Result<(), Error> {
        if self.declared.trailer.is_some() != self.trailer_len.is_some() {
            return Err(Error::TrailerMismatch); // the declared trailer did not come first
        }
        let Some(chain) = &mut self.chain else {
            return Err(Error::TrailerMismatch); // unsigned mode
        };
        if value.len() != 64
            || !value
                .iter()
                .all(|&b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        {
            return Err(Rejection::MalformedSignature.into());
        }
        let claimed = core::str::from_utf8(value).map_err(|_| Rejection::MalformedSignature)?;
        let mut pair = [("", ""); 1];
        let trailers: &[(&str, &str)] = match self.trailer_len {
            Some((len, colon)) => {
                let text = self.trailer.get(..len).unwrap_or_default();
                let text = core::str::from_utf8(text).map_err(|_| Error::TrailerMismatch)?;
                let (name, value) = text.split_at_checked(colon).ok_or(Error::TrailerMismatch)?;
                pair[0] = (name, value.get(1..).unwrap_or_default());
                &pair
            }
            None => &[],
        };
        chain.verify_trailer(trailers, claimed).map_err(|e| {
            if e == Error::Rejected(Rejection::SignatureMismatch) {
                Rejection::TrailerSignatureMismatch.into()
            } else {
                e
            }
        })?;
        self.trailer_signed = true;
        Ok(())
    }

    /// The empty line that ends the trailer, and the body.
    fn end_trailer(&mut self) -> Result<(), Error> {
        if self.declared.trailer.is_some() && self.trailer_len.is_none() {
            return Err(Error::TrailerMismatch);
        }
        if self.signed() && !self.trailer_signed {
            return Err(Rejection::MissingAuthParameter.into());
        }
        self.state = State::Done;
        Ok(())
    }
}
