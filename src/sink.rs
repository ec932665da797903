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

    /// `bytes` percent-encoded ([`crate::encode::encode_into`]): run by run
    /// through `put`, unless the sink can write the encoding in place.
    #[inline]
    fn put_encoded(&mut self, bytes: &[u8], keep_slash: bool) {
        crate::encode::encode_by_runs(self, bytes, keep_slash);
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

    #[inline]
    fn put_encoded(&mut self, bytes: &[u8], keep_slash: bool) {
        (**self).put_encoded(bytes, keep_slash);
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

/// Passes bytes on only while switched on.
pub(crate) struct Gate<S>(pub S, pub bool);

impl<S: Sink> Sink for Gate<S> {
    #[inline]
    fn put(&mut self, bytes: &[u8]) {
        if self.1 {
            self.0.put(bytes);
        }
    }
}

/// `dst.copy_from_slice(src)` (equal lengths), with the short copies that
/// make up most of a canonical request (separators, names, dates) done
/// inline as two overlapping fixed-size moves rather than a call to `memcpy`.
#[inline(always)]
pub(crate) fn copy(dst: &mut [u8], src: &[u8]) {
    let n = src.len();
    if n != dst.len() {
        return;
    }
    fn fixed<const K: usize>(dst: &mut [u8], src: &[u8]) {
        let n = src.len();
        let head = <&[u8; K]>::try_from(src.get(..K).unwrap_or_default());
        let tail = <&[u8; K]>::try_from(src.get(n - K..).unwrap_or_default());
        if let (Ok(head), Ok(tail)) = (head, tail) {
            let (head, tail) = (*head, *tail);
            if let Some(d) = dst.get_mut(..K) {
                d.copy_from_slice(&head);
            }
            if let Some(d) = dst.get_mut(n - K..) {
                d.copy_from_slice(&tail);
            }
        }
    }
    match n {
        0 => {}
        1..=3 => {
            for (d, s) in dst.iter_mut().zip(src) {
                *d = *s;
            }
        }
        4..=7 => fixed::<4>(dst, src),
        8..=16 => fixed::<8>(dst, src),
        _ => dst.copy_from_slice(src),
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
            left -= step;
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

    /// The written text, or [`crate::Error::BufferTooSmall`]. Takes the
    /// buffer out through `&mut self` rather than consuming `self`: the
    /// sink is not copied (its fields were just stored one by one, and a
    /// wide reload of them stalls).
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
        self.needed += bytes.len();
        if self.len == self.needed - bytes.len() {
            let end = self.len + bytes.len();
            if let Some(dst) = self.buf.get_mut(self.len..end) {
                copy(dst, bytes);
                self.len = end;
            }
        }
    }

    /// Encoded in place when the rest of the buffer has room for the worst
    /// case (long values: session tokens), without a `put` per run.
    fn put_encoded(&mut self, bytes: &[u8], keep_slash: bool) {
        if self.len == self.needed
            && let Some(n) = self
                .buf
                .get_mut(self.len..)
                .and_then(|dst| crate::encode::encode_to_slice(bytes, dst, keep_slash))
        {
            self.len += n;
            self.needed += n;
            return;
        }
        crate::encode::encode_by_runs(self, bytes, keep_slash);
    }
}

/// Writes into a slice known to be large enough (the caller checked the
/// worst case), so that no overflow needs counting.
pub(crate) struct SliceWriter<'d> {
    pub(crate) dst: &'d mut [u8],
    pub(crate) at: usize,
}

impl Sink for SliceWriter<'_> {
    #[inline]
    fn put(&mut self, bytes: &[u8]) {
        let end = self.at + bytes.len();
        if let Some(d) = self.dst.get_mut(self.at..end) {
            copy(d, bytes);
        }
        self.at = end;
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

/// Batches many small writes (single escapes, separators) into one call of
/// the inner sink: SHA-256 updates have a fixed cost per call.
pub(crate) struct Staged<S: Sink> {
    inner: S,
    buf: [u8; 128],
    len: usize,
}

impl<S: Sink> Staged<S> {
    pub(crate) fn new(inner: S) -> Self {
        Self {
            inner,
            buf: [0; 128],
            len: 0,
        }
    }

    #[inline]
    pub(crate) fn byte(&mut self, b: u8) {
        if self.len == self.buf.len() {
            self.flush();
        }
        if let Some(slot) = self.buf.get_mut(self.len) {
            *slot = b;
            self.len += 1;
        }
    }

    pub(crate) fn flush(&mut self) {
        if self.len > 0 {
            self.inner.put(self.buf.get(..self.len).unwrap_or_default());
            self.len = 0;
        }
    }
}

impl<S: Sink> Sink for Staged<S> {
    #[inline]
    fn put(&mut self, bytes: &[u8]) {
        if bytes.len() > self.buf.len() - self.len {
            self.flush();
            if bytes.len() >= self.buf.len() {
                self.inner.put(bytes);
                return;
            }
        }
        let end = self.len + bytes.len();
        if let Some(dst) = self.buf.get_mut(self.len..end) {
            dst.copy_from_slice(bytes);
            self.len = end;
        }
    }
}

impl<S: Sink> Drop for Staged<S> {
    fn drop(&mut self) {
        self.flush();
    }
}

#[cfg(test)]
mod tests {
    use super::{OutBuf, Sink, copy};
    use alloc::vec::Vec;

    #[test]
    fn encoding_in_place_is_encoding_run_by_run() {
        // Every byte value, in runs and alone, at lengths across chunks.
        let text: Vec<u8> = (0..700u32)
            .map(|i| match i % 7 {
                0 => (i * 37 % 256) as u8,
                1 | 2 => b'/',
                _ => b'a' + (i % 26) as u8,
            })
            .collect();
        for len in (0..text.len()).step_by(13) {
            let bytes = &text[..len];
            for keep_slash in [false, true] {
                let mut want: Vec<u8> = Vec::new();
                crate::encode::encode_by_runs(&mut want, bytes, keep_slash);
                // Room for the worst case (in place), for exactly the
                // encoding (run by run), and too little (counted).
                for room in [3 * len + 5, want.len() + 2, want.len() / 2] {
                    let mut buf = alloc::vec![0u8; room + 2];
                    let mut out = OutBuf::new(&mut buf);
                    out.put(b"<>");
                    out.put_encoded(bytes, keep_slash);
                    assert_eq!(out.position(), want.len() + 2, "{len} {room}");
                    if let Ok(got) = out.finish_bytes() {
                        assert_eq!(&got[2..], &want[..], "{len} {room}");
                    } else {
                        assert!(room < want.len(), "{len} {room}");
                    }
                }
            }
        }
    }

    #[test]
    fn copy_is_copy_from_slice_at_every_length() {
        let src: alloc::vec::Vec<u8> = (0..40u8).collect();
        for n in 0..src.len() {
            let mut dst = [0xAAu8; 40];
            copy(&mut dst[..n], &src[..n]);
            assert_eq!(&dst[..n], &src[..n], "{n}");
            assert!(dst[n..].iter().all(|&b| b == 0xAA), "{n}");
        }
    }
}
