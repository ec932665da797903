//! The binary event-stream framing (`application/vnd.amazon.eventstream`):
//!
//! ```text
//! total length (u32 BE) | headers length (u32 BE) | CRC-32 of those 8 bytes
//! headers | payload | CRC-32 of everything before it
//! ```
//!
//! Each header is `name length (u8) | name | type (u8) | value`, values
//! big-endian; byte arrays and strings carry a `u16` length first.

use crate::Error;
use crate::crc32::{Crc32, crc32};

/// Bytes before the headers: both lengths and the prelude CRC.
pub const PRELUDE_LEN: usize = 12;
/// The message CRC at the end.
pub(crate) const CRC_LEN: usize = 4;
/// The longest header name, in bytes.
pub const MAX_HEADER_NAME_LEN: usize = 255;
/// The longest byte array or string header value, in bytes (`i16::MAX`,
/// as the AWS SDKs and the CRT have it).
pub const MAX_HEADER_VALUE_LEN: usize = i16::MAX as usize;

const TYPE_TRUE: u8 = 0;
const TYPE_FALSE: u8 = 1;
const TYPE_BYTE: u8 = 2;
const TYPE_INT16: u8 = 3;
const TYPE_INT32: u8 = 4;
const TYPE_INT64: u8 = 5;
const TYPE_BYTE_ARRAY: u8 = 6;
const TYPE_STRING: u8 = 7;
const TYPE_TIMESTAMP: u8 = 8;
const TYPE_UUID: u8 = 9;

/// The value of an event-stream header, by its wire type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum HeaderValue<'a> {
    /// Types 0 (true) and 1 (false).
    Bool(bool),
    /// Type 2, one signed byte.
    Byte(i8),
    /// Type 3.
    Int16(i16),
    /// Type 4.
    Int32(i32),
    /// Type 5.
    Int64(i64),
    /// Type 6, at most [`MAX_HEADER_VALUE_LEN`] bytes.
    ByteArray(&'a [u8]),
    /// Type 7, UTF-8, at most [`MAX_HEADER_VALUE_LEN`] bytes.
    String(&'a str),
    /// Type 8, milliseconds since the Unix epoch.
    Timestamp(i64),
    /// Type 9, 16 bytes.
    Uuid([u8; 16]),
}

/// One header of an event-stream message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Header<'a> {
    /// The name: 1 to [`MAX_HEADER_NAME_LEN`] bytes.
    pub name: &'a str,
    /// The value.
    pub value: HeaderValue<'a>,
}

impl<'a> Header<'a> {
    /// A header `name` with `value`.
    #[must_use]
    pub const fn new(name: &'a str, value: HeaderValue<'a>) -> Self {
        Self { name, value }
    }

    /// Its encoded length, or [`Error::InvalidEventHeader`] for an empty
    /// or too long name or value.
    pub(crate) fn encoded_len(&self) -> Result<usize, Error> {
        if self.name.is_empty() || self.name.len() > MAX_HEADER_NAME_LEN {
            return Err(Error::InvalidEventHeader);
        }
        let value = match self.value {
            HeaderValue::Bool(_) => 0,
            HeaderValue::Byte(_) => 1,
            HeaderValue::Int16(_) => 2,
            HeaderValue::Int32(_) => 4,
            HeaderValue::Int64(_) | HeaderValue::Timestamp(_) => 8,
            HeaderValue::Uuid(_) => 16,
            // Lengths checked to fit 16 bits; a name is at most 255 bytes.
            HeaderValue::ByteArray(b) => checked_value_len(b.len())?.saturating_add(2),
            HeaderValue::String(s) => checked_value_len(s.len())?.saturating_add(2),
        };
        Ok(self.name.len().saturating_add(2).saturating_add(value))
    }

    /// Writes it (its length checked by [`Header::encoded_len`] first).
    pub(crate) fn write(&self, w: &mut Writer<'_>) {
        w.put(&[self.name.len() as u8]);
        w.put(self.name.as_bytes());
        match self.value {
            HeaderValue::Bool(true) => w.put(&[TYPE_TRUE]),
            HeaderValue::Bool(false) => w.put(&[TYPE_FALSE]),
            HeaderValue::Byte(v) => w.put(&[TYPE_BYTE, v as u8]),
            HeaderValue::Int16(v) => typed(w, TYPE_INT16, &v.to_be_bytes()),
            HeaderValue::Int32(v) => typed(w, TYPE_INT32, &v.to_be_bytes()),
            HeaderValue::Int64(v) => typed(w, TYPE_INT64, &v.to_be_bytes()),
            HeaderValue::Timestamp(v) => typed(w, TYPE_TIMESTAMP, &v.to_be_bytes()),
            HeaderValue::Uuid(v) => typed(w, TYPE_UUID, &v),
            HeaderValue::ByteArray(b) => sized(w, TYPE_BYTE_ARRAY, b),
            HeaderValue::String(s) => sized(w, TYPE_STRING, s.as_bytes()),
        }
    }
}

fn checked_value_len(len: usize) -> Result<usize, Error> {
    if len > MAX_HEADER_VALUE_LEN {
        Err(Error::InvalidEventHeader)
    } else {
        Ok(len)
    }
}

fn typed(w: &mut Writer<'_>, ty: u8, bytes: &[u8]) {
    w.put(&[ty]);
    w.put(bytes);
}

fn sized(w: &mut Writer<'_>, ty: u8, bytes: &[u8]) {
    w.put(&[ty]);
    w.put(&(bytes.len() as u16).to_be_bytes());
    w.put(bytes);
}

/// Writes into a buffer already checked to be large enough.
pub(crate) struct Writer<'b> {
    buf: &'b mut [u8],
    pos: usize,
}

impl<'b> Writer<'b> {
    pub(crate) fn new(buf: &'b mut [u8]) -> Self {
        Self { buf, pos: 0 }
    }

    pub(crate) fn put(&mut self, bytes: &[u8]) {
        let end = self.pos.saturating_add(bytes.len());
        if let Some(dst) = self.buf.get_mut(self.pos..end) {
            dst.copy_from_slice(bytes);
        }
        self.pos = end;
    }
}

/// The encoded length of the headers.
pub(crate) fn headers_len(headers: &[Header<'_>]) -> Result<usize, Error> {
    headers.iter().try_fold(0usize, |n, h| {
        n.checked_add(h.encoded_len()?)
            .ok_or(Error::EventMessageTooLarge)
    })
}

/// The length of a message with `headers_len` bytes of headers and
/// `payload_len` of payload: [`Error::EventMessageTooLarge`] past `u32`.
pub(crate) fn message_len(headers_len: usize, payload_len: usize) -> Result<usize, Error> {
    let total = (PRELUDE_LEN + CRC_LEN)
        .checked_add(headers_len)
        .and_then(|n| n.checked_add(payload_len))
        .filter(|&n| u32::try_from(n).is_ok());
    total.ok_or(Error::EventMessageTooLarge)
}

/// Fills in the prelude (with its CRC) at the start of `frame` and the
/// message CRC at its end; the headers and payload are in place already.
pub(crate) fn seal(frame: &mut [u8], headers_len: usize) {
    let total = frame.len();
    let mut prelude = [0u8; 8];
    let (a, b) = prelude.split_at_mut(4);
    a.copy_from_slice(&(total as u32).to_be_bytes());
    b.copy_from_slice(&(headers_len as u32).to_be_bytes());
    let mut w = Writer::new(frame);
    w.put(&prelude);
    w.put(&crc32(&prelude).to_be_bytes());
    let body = total.saturating_sub(CRC_LEN);
    let mut c = Crc32::new();
    c.update(frame.get(..body).unwrap_or_default());
    if let Some(dst) = frame.get_mut(body..) {
        dst.copy_from_slice(&c.finish().to_be_bytes());
    }
}

/// Writes a whole message into `out` (exactly [`message_len`] bytes).
pub(crate) fn write_message(
    headers: &[Header<'_>],
    headers_len: usize,
    payload: &[u8],
    out: &mut [u8],
) {
    let mut w = Writer::new(out);
    w.put(&[0u8; PRELUDE_LEN]);
    for h in headers {
        h.write(&mut w);
    }
    w.put(payload);
    seal(out, headers_len);
}

/// A message checked for length, checksums and header syntax, borrowed
/// from the bytes it was decoded from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Message<'a> {
    frame: &'a [u8],
    headers: &'a [u8],
    payload: &'a [u8],
}

fn be_u32(bytes: &[u8], at: usize) -> Option<u32> {
    let b = bytes.get(at..at.checked_add(4)?)?;
    Some(u32::from_be_bytes(<[u8; 4]>::try_from(b).ok()?))
}

impl<'a> Message<'a> {
    /// Decodes the message at the start of `bytes`: the message and the
    /// bytes after it (the next messages of a stream).
    ///
    /// # Errors
    /// [`Error::MalformedEventMessage`]: `bytes` is shorter than the
    /// message says, a length is inconsistent, a CRC does not match, or a
    /// header is malformed (unknown type, value past the headers, string
    /// not UTF-8, empty name).
    pub fn decode_prefix(bytes: &'a [u8]) -> Result<(Self, &'a [u8]), Error> {
        let bad = Error::MalformedEventMessage;
        let total = be_u32(bytes, 0).ok_or(bad)? as usize;
        let headers_len = be_u32(bytes, 4).ok_or(bad)? as usize;
        let prelude_crc = be_u32(bytes, 8).ok_or(bad)?;
        if crc32(bytes.get(..8).ok_or(bad)?) != prelude_crc {
            return Err(bad);
        }
        let body_end = total.checked_sub(CRC_LEN).ok_or(bad)?;
        let headers_end = PRELUDE_LEN.checked_add(headers_len).ok_or(bad)?;
        if total < PRELUDE_LEN + CRC_LEN || headers_end > body_end {
            return Err(bad);
        }
        let (frame, rest) = (
            bytes.get(..total).ok_or(bad)?,
            bytes.get(total..).ok_or(bad)?,
        );
        if crc32(frame.get(..body_end).ok_or(bad)?) != be_u32(frame, body_end).ok_or(bad)? {
            return Err(bad);
        }
        let message = Self {
            frame,
            headers: frame.get(PRELUDE_LEN..headers_end).ok_or(bad)?,
            payload: frame.get(headers_end..body_end).ok_or(bad)?,
        };
        let mut it = message.headers();
        for _ in &mut it {}
        if it.failed {
            return Err(bad);
        }
        Ok((message, rest))
    }

    /// Decodes `bytes`, which must be exactly one message.
    ///
    /// ```
    /// use awsig::v4::event_stream::{self, Header, HeaderValue, Message};
    ///
    /// let headers = [Header::new(":event-type", HeaderValue::String("AudioEvent"))];
    /// let mut buf = [0u8; 128];
    /// let frame = event_stream::encode(&headers, b"hello", &mut buf)?;
    /// let message = Message::decode(frame)?;
    /// assert_eq!(message.payload(), b"hello");
    /// assert_eq!(message.header(":event-type"), Some(HeaderValue::String("AudioEvent")));
    /// # Ok::<(), awsig::Error>(())
    /// ```
    ///
    /// # Errors
    /// As [`Message::decode_prefix`], and [`Error::MalformedEventMessage`]
    /// when bytes follow the message.
    pub fn decode(bytes: &'a [u8]) -> Result<Self, Error> {
        match Self::decode_prefix(bytes)? {
            (message, []) => Ok(message),
            _ => Err(Error::MalformedEventMessage),
        }
    }

    /// The whole encoded message.
    #[must_use]
    pub fn as_bytes(&self) -> &'a [u8] {
        self.frame
    }

    /// The payload.
    #[must_use]
    pub fn payload(&self) -> &'a [u8] {
        self.payload
    }

    /// The headers, in order.
    #[must_use]
    pub fn headers(&self) -> Headers<'a> {
        Headers {
            rest: self.headers,
            failed: false,
        }
    }

    /// The value of the first header named `name`.
    #[must_use]
    pub fn header(&self, name: &str) -> Option<HeaderValue<'a>> {
        self.headers().find(|h| h.name == name).map(|h| h.value)
    }
}

/// The headers of a [`Message`], in order.
#[derive(Clone, Debug)]
pub struct Headers<'a> {
    rest: &'a [u8],
    failed: bool,
}

impl<'a> Headers<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if n > self.rest.len() {
            return None;
        }
        let (head, rest) = self.rest.split_at(n);
        self.rest = rest;
        Some(head)
    }

    fn fixed<const N: usize>(&mut self) -> Option<[u8; N]> {
        self.take(N).and_then(|b| <[u8; N]>::try_from(b).ok())
    }

    fn value(&mut self, ty: u8) -> Option<HeaderValue<'a>> {
        Some(match ty {
            TYPE_TRUE => HeaderValue::Bool(true),
            TYPE_FALSE => HeaderValue::Bool(false),
            TYPE_BYTE => HeaderValue::Byte(i8::from_be_bytes(self.fixed()?)),
            TYPE_INT16 => HeaderValue::Int16(i16::from_be_bytes(self.fixed()?)),
            TYPE_INT32 => HeaderValue::Int32(i32::from_be_bytes(self.fixed()?)),
            TYPE_INT64 => HeaderValue::Int64(i64::from_be_bytes(self.fixed()?)),
            TYPE_TIMESTAMP => HeaderValue::Timestamp(i64::from_be_bytes(self.fixed()?)),
            TYPE_UUID => HeaderValue::Uuid(self.fixed()?),
            TYPE_BYTE_ARRAY | TYPE_STRING => {
                let len = usize::from(u16::from_be_bytes(self.fixed()?));
                let bytes = self.take(len)?;
                if ty == TYPE_BYTE_ARRAY {
                    HeaderValue::ByteArray(bytes)
                } else {
                    HeaderValue::String(core::str::from_utf8(bytes).ok()?)
                }
            }
            _ => return None,
        })
    }

    fn header(&mut self) -> Option<Header<'a>> {
        let [len] = self.fixed()?;
        let name = core::str::from_utf8(self.take(usize::from(len))?).ok()?;
        let [ty] = self.fixed()?;
        let value = self.value(ty)?;
        (!name.is_empty()).then_some(Header { name, value })
    }
}

impl<'a> Iterator for Headers<'a> {
    type Item = Header<'a>;

    fn next(&mut self) -> Option<Header<'a>> {
        if self.rest.is_empty() || self.failed {
            return None;
        }
        let h = self.header();
        self.failed = h.is_none();
        h
    }
}
