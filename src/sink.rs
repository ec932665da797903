//! Where canonical bytes go: the SHA-256 state when signing, the caller's
//! buffer or `core::fmt::Write` when emitting, both at once when a caller
//! wants to see what was signed.
//!
//! Every canonicalisation rule writes into a [`Sink`], so the bytes that are
//! hashed and the bytes that are shown or sent are produced by the same code
//! and cannot drift apart.

use sha2::{Digest, Sha256};

/// A byte consumer. Writing never fails; a bounded sink remembers that it
/// overflowed and reports it once, at the end.
pub trait Sink {
    fn put(&mut self, bytes: &[u8]);

    fn put_str(&mut self, s: &str) {
        self.put(s.as_bytes());
    }
}

impl Sink for Sha256 {
    #[inline]
    fn put(&mut self, bytes: &[u8]) {
        Digest::update(self, bytes);
    }
}

impl<S: Sink + ?Sized> Sink for &mut S {
    #[inline]
    fn put(&mut self, bytes: &[u8]) {
        (**self).put(bytes);
    }
}

/// Drops everything (the output side of a request that emits nothing).
pub(crate) struct Discard;

impl Sink for Discard {
    #[inline]
    fn put(&mut self, _: &[u8]) {}
}

/// Writes every byte to both sinks.
pub(crate) struct Tee<A, B>(pub A, pub B);

impl<A: Sink, B: Sink> Sink for Tee<A, B> {
    #[inline]
    fn put(&mut self, bytes: &[u8]) {
        self.0.put(bytes);
        self.1.put(bytes);
    }
}

/// A caller-provided byte buffer. Counts what did not fit, so that the error
/// can say how large the buffer must be.
pub(crate) struct OutBuf<'b> {
    buf: &'b mut [u8],
    len: usize,
    needed: usize,
}

impl<'b> OutBuf<'b> {
    pub(crate) fn new(buf: &'b mut [u8]) -> Self {
        Self {
            buf,
            len: 0,
            needed: 0,
        }
    }

    /// Bytes written so far, including any that did not fit.
    pub(crate) fn position(&self) -> usize {
        self.needed
    }

    /// The bytes written at `range` (positions as [`OutBuf::position`]
    /// counts them), when they fit in the buffer.
    pub(crate) fn written(&self, range: core::ops::Range<usize>) -> Option<&[u8]> {
        if range.end > self.len {
            return None;
        }
        self.buf.get(range)
    }

    /// Skips `n` bytes (zeroed), to be filled in later through
    /// [`OutBuf::finish_bytes`].
    pub(crate) fn reserve(&mut self, n: usize) {
        let zeros = [0u8; 64];
        let mut left = n;
        while left > 0 {
            let step = left.min(zeros.len());
            self.put(zeros.get(..step).unwrap_or_default());
            left = left.saturating_sub(step);
        }
    }

    /// The written bytes, or [`crate::Error::BufferTooSmall`].
    pub(crate) fn finish_bytes(self) -> Result<&'b mut [u8], crate::Error> {
        if self.needed > self.len {
            return Err(crate::Error::BufferTooSmall {
                needed: self.needed,
            });
        }
        let len = self.len;
        Ok(self.buf.get_mut(..len).unwrap_or_default())
    }

    /// The written text, or [`crate::Error::BufferTooSmall`]. The buffer is
    /// taken out through `&mut self`, so the sink itself is not moved.
    pub(crate) fn finish(&mut self) -> Result<&'b str, crate::Error> {
        if self.needed > self.len {
            return Err(crate::Error::BufferTooSmall {
                needed: self.needed,
            });
        }
        let buf = core::mem::take(&mut self.buf);
        let written = buf.get(..self.len).unwrap_or_default();
        // Everything written is `&str` pieces or ASCII produced by the encoder.
        core::str::from_utf8(written).map_err(|_| crate::Error::WriteFailed)
    }
}

impl Sink for OutBuf<'_> {
    #[inline]
    fn put(&mut self, bytes: &[u8]) {
        // Everything so far fitted: this piece is written if it fits too.
        let all_written = self.len == self.needed;
        self.needed = self.needed.saturating_add(bytes.len());
        if all_written {
            let end = self.len.saturating_add(bytes.len());
            if let Some(dst) = self.buf.get_mut(self.len..end) {
                dst.copy_from_slice(bytes);
                self.len = end;
            }
        }
    }
}

/// Adapts a `core::fmt::Write`. Pieces written are always whole UTF-8
/// sequences (the encoder emits ASCII; text is split only at ASCII bytes).
pub(crate) struct FmtSink<'w, W: core::fmt::Write + ?Sized> {
    pub(crate) w: &'w mut W,
    pub(crate) failed: bool,
}

impl<W: core::fmt::Write + ?Sized> Sink for FmtSink<'_, W> {
    fn put(&mut self, bytes: &[u8]) {
        if self.failed {
            return;
        }
        match core::str::from_utf8(bytes) {
            Ok(s) => self.failed = self.w.write_str(s).is_err(),
            Err(_) => self.failed = true,
        }
    }
}

/// Collects into a `Vec<u8>` (debug views with `alloc`).
#[cfg(feature = "alloc")]
impl Sink for alloc::vec::Vec<u8> {
    fn put(&mut self, bytes: &[u8]) {
        self.extend_from_slice(bytes);
    }
}

#[cfg(test)]
mod tests {
    use super::{OutBuf, Sink};

    #[test]
    fn out_buf_writes_or_counts_what_it_needs() {
        for room in 0..12 {
            let mut buf = [0u8; 12];
            let mut out = OutBuf::new(&mut buf[..room]);
            out.put(b"hello");
            out.put_str(", ");
            out.put(b"you");
            assert_eq!(out.position(), 10);
            match out.finish() {
                Ok(text) => assert!(room >= 10 && text == "hello, you", "{room}"),
                Err(e) => assert!(
                    room < 10 && e == crate::Error::BufferTooSmall { needed: 10 },
                    "{room}"
                ),
            }
        }
    }
}
