//! Event-stream message signing (Amazon Transcribe streaming, Bedrock
//! bidirectional streams, Lex and other `application/vnd.amazon.eventstream`
//! APIs over HTTP/2 or WebSocket).
//!
//! The request that opens the stream is signed as usual (its signature is
//! the *seed*). Each message is then encoded ([`encode`]) and sent inside a
//! signed envelope: a message whose payload is the encoded inner message
//! and whose headers are `:chunk-signature` (byte array, the raw 32-byte
//! signature) and `:date` (timestamp). Each signature chains on the
//! previous one, the first on the seed:
//!
//! ```text
//! AWS4-HMAC-SHA256-PAYLOAD \n <:date as YYYYMMDDTHHMMSSZ> \n <scope> \n
//! <previous signature, hex> \n hex(SHA-256(encoded :date header)) \n
//! hex(SHA-256(inner message bytes))
//! ```
//!
//! and an envelope around an empty payload ([`MessageSigner::close`])
//! ends the stream. [`MessageSigner`] is a state machine with no I/O; the
//! framing (prelude, headers, both CRC-32s) is written into the caller's
//! buffer; [`verify::EventVerifier`](crate::verify::EventVerifier) checks
//! what it writes. See
//! <https://docs.aws.amazon.com/transcribe/latest/dg/streaming-setting-up.html>.
//!
//! ```
//! use awsig::v4::event_stream::{self, Header, HeaderValue, MessageSigner};
//! use awsig::v4::{Signature, SigningKey};
//! use awsig::{Credentials, SigningTime};
//!
//! let creds = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", None)?;
//! let time = SigningTime::parse_rfc3339("2026-12-03T12:00:00Z")?;
//! let key = SigningKey::derive(&creds, time, "us-east-1", "transcribe")?;
//! // The signature of the request that opened the stream (v4::sign_headers).
//! let seed = Signature::parse("e1d8e8c8815e60969f2a34765c9a15945ffc0badbaa4b7e3b163ea19131e949b")?;
//!
//! let mut signer = MessageSigner::new(&seed);
//! let headers = [
//!     Header::new(":message-type", HeaderValue::String("event")),
//!     Header::new(":event-type", HeaderValue::String("AudioEvent")),
//! ];
//! let audio = [0u8; 3200];
//! let mut buf = [0u8; 4096];
//! let sent = signer.sign_event(&key, &headers, &audio, time, &mut buf)?;
//! assert_eq!(sent.as_bytes().len(), event_stream::ENVELOPE_OVERHEAD + event_stream::encoded_len(&headers, audio.len())?);
//! // ...more events, then the empty message that ends the stream.
//! let end = signer.close(&key, time.checked_add_seconds(1)?, &mut buf)?;
//! assert_eq!(end.as_bytes().len(), event_stream::ENVELOPE_OVERHEAD);
//! # Ok::<(), awsig::Error>(())
//! ```
//!
//! With `alloc`, `awsig::with_buffer` gives owned frames:
//! `awsig::with_buffer(|buf| signer.sign(&key, inner, time, buf).map(|m| m.as_bytes().to_vec()))`.

mod frame;

pub use frame::{
    Header, HeaderValue, Headers, MAX_HEADER_NAME_LEN, MAX_HEADER_VALUE_LEN, Message, PRELUDE_LEN,
};

use sha2::{Digest, Sha256};

use crate::digits::hex64;
use crate::output::{Output, Trace};
use crate::sink::{FmtSink, Sink, Tee};
use crate::v4::scope::ScopeParts;
use crate::v4::{Signature, SigningKey};
use crate::{Error, SigningTime};

use frame::{CRC_LEN, Writer, headers_len, message_len, seal, write_message};

/// The first line of every event string to sign.
///
/// ```
/// # use awsig::v4::event_stream::{self, MessageSigner};
/// # use awsig::v4::{Signature, SigningKey};
/// # use awsig::{Credentials, Output, SigningTime, Trace};
/// # let creds = Credentials::new("AKIDEXAMPLE", "secret", None)?;
/// # let time = SigningTime::parse_rfc3339("2026-12-03T12:00:00Z")?;
/// # let key = SigningKey::derive(&creds, time, "us-east-1", "transcribe")?;
/// # let seed = Signature::parse(&"ab".repeat(32))?;
/// let (mut unused, mut string_to_sign) = (String::new(), String::new());
/// let mut trace = Trace::new(&mut unused, &mut string_to_sign);
/// let mut buf = [0u8; 128];
/// MessageSigner::new(&seed).close(&key, time, Output::traced(&mut buf, &mut trace))?;
/// assert!(string_to_sign.starts_with("AWS4-HMAC-SHA256-PAYLOAD\n20261203T120000Z\n20261203/us-east-1/transcribe/aws4_request\nabab"));
/// # Ok::<(), awsig::Error>(())
/// ```
pub const PAYLOAD_ALGORITHM: &str = "AWS4-HMAC-SHA256-PAYLOAD";

/// `:chunk-signature` as encoded: name length, name, type 6, length 32.
const SIGNATURE_HEADER: &[u8] = b"\x10:chunk-signature\x06\x00\x20";
/// `:date` as encoded: name length, name, type 8 (the 8 value bytes follow).
const DATE_HEADER: &[u8] = b"\x05:date\x08";
/// The encoded length of the `:date` header.
pub(crate) const DATE_HEADER_LEN: usize = DATE_HEADER.len() + 8;
/// The encoded length of the envelope's two headers.
const ENVELOPE_HEADERS_LEN: usize = SIGNATURE_HEADER.len() + 32 + DATE_HEADER_LEN;

/// The bytes a signed envelope adds around the inner message: prelude,
/// `:chunk-signature` and `:date` headers, message CRC (83).
///
/// ```
/// # use awsig::v4::event_stream::{self, Header, HeaderValue, MessageSigner};
/// # use awsig::v4::{Signature, SigningKey};
/// # use awsig::{Credentials, SigningTime};
/// # let creds = Credentials::new("AKIDEXAMPLE", "secret", None)?;
/// # let time = SigningTime::parse_rfc3339("2026-12-03T12:00:00Z")?;
/// # let key = SigningKey::derive(&creds, time, "us-east-1", "transcribe")?;
/// # let seed = Signature::parse(&"ab".repeat(32))?;
/// let mut buf = [0u8; event_stream::ENVELOPE_OVERHEAD + 5];
/// assert_eq!(MessageSigner::new(&seed).sign(&key, b"inner", time, &mut buf)?.as_bytes().len(), 88);
/// # Ok::<(), awsig::Error>(())
/// ```
pub const ENVELOPE_OVERHEAD: usize = PRELUDE_LEN + ENVELOPE_HEADERS_LEN + CRC_LEN;

/// The length of the message [`encode`] writes for `headers` and a
/// payload of `payload_len` bytes.
///
/// # Errors
/// [`Error::InvalidEventHeader`] for a header name that is empty or longer
/// than [`MAX_HEADER_NAME_LEN`] bytes, or a byte array or string longer
/// than [`MAX_HEADER_VALUE_LEN`]; [`Error::EventMessageTooLarge`] past
/// 4 GiB (the prelude's `u32` length).
///
/// ```
/// use awsig::v4::event_stream::{self, Header, HeaderValue};
///
/// let headers = [Header::new(":event-type", HeaderValue::String("AudioEvent"))];
/// // prelude 12, header 1 + 11 + 1 + 2 + 10, payload 3200, CRC 4
/// assert_eq!(event_stream::encoded_len(&headers, 3200)?, 3241);
/// let mut buf = vec![0u8; event_stream::encoded_len(&headers, 3200)?];
/// assert_eq!(event_stream::encode(&headers, &[0u8; 3200], &mut buf)?.len(), 3241);
/// # Ok::<(), awsig::Error>(())
/// ```
pub fn encoded_len(headers: &[Header<'_>], payload_len: usize) -> Result<usize, Error> {
    message_len(headers_len(headers)?, payload_len)
}

/// Encodes a message (the inner message of a signed envelope, or any
/// event-stream message): prelude, `headers` in order, `payload`, CRCs.
///
/// ```
/// use awsig::v4::event_stream::{self, Header, HeaderValue};
///
/// let mut buf = [0u8; 64];
/// let frame = event_stream::encode(&[Header::new("n", HeaderValue::Bool(true))], b"x", &mut buf)?;
/// // total 20, headers 3, prelude CRC, `n` true, `x`, message CRC.
/// assert_eq!(&frame[..8], &[0, 0, 0, 20, 0, 0, 0, 3]);
/// assert_eq!(&frame[12..16], b"\x01n\x00x");
/// # Ok::<(), awsig::Error>(())
/// ```
///
/// # Errors
/// As [`encoded_len`], and [`Error::BufferTooSmall`] with the size needed.
pub fn encode<'o>(
    headers: &[Header<'_>],
    payload: &[u8],
    out: impl Into<Output<'o>>,
) -> Result<&'o [u8], Error> {
    let buf = out.into().buf;
    let hlen = headers_len(headers)?;
    let total = message_len(hlen, payload.len())?;
    let frame = buf
        .get_mut(..total)
        .ok_or(Error::BufferTooSmall { needed: total })?;
    write_message(headers, hlen, payload, frame);
    Ok(frame)
}

/// The encoded `:date` header of `time` (whole seconds, in milliseconds).
pub(crate) fn date_header(time: SigningTime) -> [u8; DATE_HEADER_LEN] {
    date_header_millis(time.unix_seconds().saturating_mul(1000))
}

/// The encoded `:date` header of a timestamp in milliseconds.
pub(crate) fn date_header_millis(millis: i64) -> [u8; DATE_HEADER_LEN] {
    let mut out = [0u8; DATE_HEADER_LEN];
    let mut w = Writer::new(&mut out);
    w.put(DATE_HEADER);
    w.put(&millis.to_be_bytes());
    out
}

/// The raw signature of `message` chained on `previous`, at `time`, with
/// the `:date` header as encoded; the string to sign also goes to `trace`.
pub(crate) fn payload_signature(
    key: &SigningKey,
    time: SigningTime,
    previous: &str,
    date_header: &[u8],
    message: &[u8],
    trace: Option<&mut Trace<'_>>,
) -> Result<[u8; 32], Error> {
    key.check_time(time)?;
    let mut state = key.mac();
    let write = |s: &mut dyn Sink| {
        s.put_str(PAYLOAD_ALGORITHM);
        s.put(b"\n");
        s.put(time.amz_date().as_bytes());
        s.put(b"\n");
        ScopeParts::new(key.date(), Some(key.region()), key.service()).write(&mut &mut *s);
        for part in [previous.as_bytes(), &hash(date_header), &hash(message)] {
            s.put(b"\n");
            s.put(part);
        }
    };
    match trace {
        None => write(&mut state),
        Some(t) => {
            let mut shown = FmtSink {
                w: &mut *t.string_to_sign,
                failed: false,
            };
            write(&mut Tee(&mut state, &mut shown));
            if shown.failed {
                return Err(Error::WriteFailed);
            }
        }
    }
    Ok(crate::mac::finish(state))
}

fn hash(data: &[u8]) -> [u8; 64] {
    hex64(&Sha256::digest(data).into())
}

/// A signed envelope, written into the caller's buffer, and its signature
/// (the one the next message chains on).
///
/// ```
/// # use awsig::v4::event_stream::{self, Header, HeaderValue, MessageSigner};
/// # use awsig::v4::{Signature, SigningKey};
/// # use awsig::{Credentials, SigningTime};
/// # let creds = Credentials::new("AKIDEXAMPLE", "secret", None)?;
/// # let time = SigningTime::parse_rfc3339("2026-12-03T12:00:00Z")?;
/// # let key = SigningKey::derive(&creds, time, "us-east-1", "transcribe")?;
/// # let seed = Signature::parse(&"ab".repeat(32))?;
/// use awsig::v4::event_stream::Message;
///
/// let mut buf = [0u8; 128];
/// let signed = MessageSigner::new(&seed).sign(&key, b"inner", time, &mut buf)?;
/// let envelope = Message::decode(signed.as_bytes())?;
/// assert_eq!(envelope.payload(), b"inner");
/// let hex = signed.signature();
/// assert!(matches!(envelope.header(":chunk-signature"), Some(HeaderValue::ByteArray(raw)) if raw.len() == 32 && hex.as_str().len() == 64));
/// # Ok::<(), awsig::Error>(())
/// ```
#[derive(Debug)]
pub struct SignedMessage<'o> {
    frame: &'o [u8],
    signature: Signature,
}

impl<'o> SignedMessage<'o> {
    /// The envelope's bytes, to send as they are.
    #[must_use]
    pub fn as_bytes(&self) -> &'o [u8] {
        self.frame
    }

    /// The signature (hex), also in the `:chunk-signature` header (raw).
    #[must_use]
    pub fn signature(&self) -> Signature {
        self.signature
    }
}

/// Signs the messages of an event stream in order, each chained on the
/// previous signature, the first on the seed request's.
///
/// Each message is signed at its own time (its `:date`), with a key of
/// that UTC day: a stream that runs past midnight UTC takes the next day's
/// key (a [`KeyCache`](crate::v4::KeyCache) hands out the right one).
///
/// ```
/// use awsig::v4::event_stream::MessageSigner;
/// use awsig::v4::{KeyCache, Signature};
/// use awsig::{Credentials, SigningTime};
///
/// let creds = Credentials::new("AKIDEXAMPLE", "secret", None)?;
/// let seed = Signature::parse(&"ab".repeat(32))?;
/// let mut keys = KeyCache::new();
/// let mut signer = MessageSigner::new(&seed);
/// let mut buf = [0u8; 256];
/// let before = SigningTime::parse_rfc3339("2026-12-03T23:59:59Z")?;
/// for time in [before, before.checked_add_seconds(2)?] {
///     let key = keys.key(&creds, time, "us-east-1", "transcribe")?;
///     signer.sign(key, b"inner message", time, &mut buf)?;
/// }
/// assert_eq!(keys.derivations(), 2); // one key per UTC day
/// # Ok::<(), awsig::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct MessageSigner {
    previous: Signature,
}

impl MessageSigner {
    /// Starts after the request that opened the stream, whose signature is
    /// `seed`.
    ///
    /// ```
    /// # use awsig::v4::event_stream::MessageSigner;
    /// # use awsig::v4::Signature;
    /// let seed = Signature::parse(&"ab".repeat(32))?;
    /// assert_eq!(MessageSigner::new(&seed).previous_signature(), &seed);
    /// # Ok::<(), awsig::Error>(())
    /// ```
    #[must_use]
    pub const fn new(seed: &Signature) -> Self {
        Self { previous: *seed }
    }

    /// The signature of the last message signed (the seed before any).
    ///
    /// ```
    /// # use awsig::v4::event_stream::{self, Header, HeaderValue, MessageSigner};
    /// # use awsig::v4::{Signature, SigningKey};
    /// # use awsig::{Credentials, SigningTime};
    /// # let creds = Credentials::new("AKIDEXAMPLE", "secret", None)?;
    /// # let time = SigningTime::parse_rfc3339("2026-12-03T12:00:00Z")?;
    /// # let key = SigningKey::derive(&creds, time, "us-east-1", "transcribe")?;
    /// # let seed = Signature::parse(&"ab".repeat(32))?;
    /// let mut signer = MessageSigner::new(&seed);
    /// let mut buf = [0u8; 128];
    /// let sent = signer.sign(&key, b"one", time, &mut buf)?.signature();
    /// assert_eq!(signer.previous_signature(), &sent);
    /// # Ok::<(), awsig::Error>(())
    /// ```
    #[must_use]
    pub fn previous_signature(&self) -> &Signature {
        &self.previous
    }

    /// The signature of the next message, `message` its encoded bytes
    /// (empty for the message that ends the stream), without writing an
    /// envelope.
    ///
    /// ```
    /// # use awsig::v4::event_stream::{self, Header, HeaderValue, MessageSigner};
    /// # use awsig::v4::{Signature, SigningKey};
    /// # use awsig::{Credentials, SigningTime};
    /// # let creds = Credentials::new("AKIDEXAMPLE", "secret", None)?;
    /// # let time = SigningTime::parse_rfc3339("2026-12-03T12:00:00Z")?;
    /// # let key = SigningKey::derive(&creds, time, "us-east-1", "transcribe")?;
    /// # let seed = Signature::parse(&"ab".repeat(32))?;
    /// let mut buf = [0u8; 128];
    /// let written = MessageSigner::new(&seed).sign(&key, b"inner", time, &mut buf)?.signature();
    /// assert_eq!(MessageSigner::new(&seed).signature(&key, b"inner", time)?, written);
    /// # Ok::<(), awsig::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::KeyScopeMismatch`] when `time` is not on `key`'s UTC day;
    /// [`Error::CredentialsExpired`].
    pub fn signature(
        &mut self,
        key: &SigningKey,
        message: &[u8],
        time: SigningTime,
    ) -> Result<Signature, Error> {
        let date = date_header(time);
        let raw = payload_signature(key, time, self.previous.as_str(), &date, message, None)?;
        self.previous = Signature::from_hex(hex64(&raw));
        Ok(self.previous)
    }

    /// Signs `message` (an already encoded inner message, see [`encode`];
    /// empty for the message that ends the stream) and writes its envelope.
    /// On error nothing changes: the same message can be signed again with
    /// a larger buffer.
    ///
    /// ```
    /// # use awsig::v4::event_stream::{self, Header, HeaderValue, MessageSigner};
    /// # use awsig::v4::{Signature, SigningKey};
    /// # use awsig::{Credentials, SigningTime};
    /// # let creds = Credentials::new("AKIDEXAMPLE", "secret", None)?;
    /// # let time = SigningTime::parse_rfc3339("2026-12-03T12:00:00Z")?;
    /// # let key = SigningKey::derive(&creds, time, "us-east-1", "transcribe")?;
    /// # let seed = Signature::parse(&"ab".repeat(32))?;
    /// let headers = [Header::new(":event-type", HeaderValue::String("AudioEvent"))];
    /// let mut inner = [0u8; 64];
    /// let inner = event_stream::encode(&headers, b"pcm", &mut inner)?;
    /// let mut small = [0u8; 16];
    /// let mut signer = MessageSigner::new(&seed);
    /// let needed = inner.len() + event_stream::ENVELOPE_OVERHEAD;
    /// assert_eq!(signer.sign(&key, inner, time, &mut small).unwrap_err(), awsig::Error::BufferTooSmall { needed });
    /// let mut buf = vec![0u8; needed];
    /// assert_eq!(signer.sign(&key, inner, time, &mut buf)?.as_bytes().len(), needed);
    /// # Ok::<(), awsig::Error>(())
    /// ```
    ///
    /// # Errors
    /// As [`MessageSigner::signature`]; [`Error::BufferTooSmall`]
    /// ([`ENVELOPE_OVERHEAD`] bytes more than `message` suffice);
    /// [`Error::EventMessageTooLarge`].
    pub fn sign<'o>(
        &mut self,
        key: &SigningKey,
        message: &[u8],
        time: SigningTime,
        out: impl Into<Output<'o>>,
    ) -> Result<SignedMessage<'o>, Error> {
        let out = out.into();
        let (frame, at) = envelope(out.buf, message.len())?;
        if let Some(dst) = frame.get_mut(at..at.saturating_add(message.len())) {
            dst.copy_from_slice(message);
        }
        self.seal(key, time, frame, out.trace)
    }

    /// Encodes a message from `headers` and `payload` straight into the
    /// envelope's payload (no copy) and signs it.
    ///
    /// ```
    /// use awsig::v4::event_stream::{Header, HeaderValue, Message, MessageSigner};
    /// # use awsig::v4::{Signature, SigningKey};
    /// # use awsig::{Credentials, SigningTime};
    /// # let creds = Credentials::new("AKIDEXAMPLE", "secret", None)?;
    /// # let time = SigningTime::parse_rfc3339("2026-12-03T12:00:00Z")?;
    /// # let key = SigningKey::derive(&creds, time, "us-east-1", "transcribe")?;
    /// # let seed = Signature::parse(&"ab".repeat(32))?;
    /// let mut signer = MessageSigner::new(&seed);
    /// let mut buf = [0u8; 256];
    /// let signed = signer.sign_event(&key, &[Header::new(":event-type", HeaderValue::String("AudioEvent"))], b"pcm", time, &mut buf)?;
    /// let envelope = Message::decode(signed.as_bytes())?;
    /// assert_eq!(Message::decode(envelope.payload())?.payload(), b"pcm");
    /// # Ok::<(), awsig::Error>(())
    /// ```
    ///
    /// # Errors
    /// As [`MessageSigner::sign`] and [`encoded_len`].
    pub fn sign_event<'o>(
        &mut self,
        key: &SigningKey,
        headers: &[Header<'_>],
        payload: &[u8],
        time: SigningTime,
        out: impl Into<Output<'o>>,
    ) -> Result<SignedMessage<'o>, Error> {
        let out = out.into();
        let hlen = headers_len(headers)?;
        let inner = message_len(hlen, payload.len())?;
        let (frame, at) = envelope(out.buf, inner)?;
        if let Some(dst) = frame.get_mut(at..at.saturating_add(inner)) {
            write_message(headers, hlen, payload, dst);
        }
        self.seal(key, time, frame, out.trace)
    }

    /// Signs and writes the empty message that ends the stream.
    ///
    /// ```
    /// # use awsig::v4::event_stream::{self, Header, HeaderValue, MessageSigner};
    /// # use awsig::v4::{Signature, SigningKey};
    /// # use awsig::{Credentials, SigningTime};
    /// # let creds = Credentials::new("AKIDEXAMPLE", "secret", None)?;
    /// # let time = SigningTime::parse_rfc3339("2026-12-03T12:00:00Z")?;
    /// # let key = SigningKey::derive(&creds, time, "us-east-1", "transcribe")?;
    /// # let seed = Signature::parse(&"ab".repeat(32))?;
    /// let mut buf = [0u8; event_stream::ENVELOPE_OVERHEAD];
    /// let end = MessageSigner::new(&seed).close(&key, time, &mut buf)?;
    /// assert_eq!(event_stream::Message::decode(end.as_bytes())?.payload(), b"");
    /// # Ok::<(), awsig::Error>(())
    /// ```
    ///
    /// # Errors
    /// As [`MessageSigner::sign`].
    pub fn close<'o>(
        &mut self,
        key: &SigningKey,
        time: SigningTime,
        out: impl Into<Output<'o>>,
    ) -> Result<SignedMessage<'o>, Error> {
        self.sign(key, &[], time, out)
    }

    /// Signs the inner message already in place in `frame` and writes the
    /// envelope's prelude, headers and CRCs around it.
    fn seal<'o>(
        &mut self,
        key: &SigningKey,
        time: SigningTime,
        frame: &'o mut [u8],
        trace: Option<&mut Trace<'_>>,
    ) -> Result<SignedMessage<'o>, Error> {
        let start = PRELUDE_LEN + ENVELOPE_HEADERS_LEN;
        let end = frame.len().saturating_sub(CRC_LEN);
        let date = date_header(time);
        let inner = frame.get(start..end).unwrap_or_default();
        let raw = payload_signature(key, time, self.previous.as_str(), &date, inner, trace)?;
        let mut w = Writer::new(frame.get_mut(PRELUDE_LEN..start).unwrap_or_default());
        w.put(SIGNATURE_HEADER);
        w.put(&raw);
        w.put(&date);
        seal(frame, ENVELOPE_HEADERS_LEN);
        self.previous = Signature::from_hex(hex64(&raw));
        Ok(SignedMessage {
            frame,
            signature: self.previous,
        })
    }
}

/// The envelope's bytes for an inner message of `inner` bytes, and where
/// the inner message goes in them.
fn envelope(buf: &mut [u8], inner: usize) -> Result<(&mut [u8], usize), Error> {
    let total = message_len(ENVELOPE_HEADERS_LEN, inner)?;
    let frame = buf
        .get_mut(..total)
        .ok_or(Error::BufferTooSmall { needed: total })?;
    Ok((frame, PRELUDE_LEN + ENVELOPE_HEADERS_LEN))
}
