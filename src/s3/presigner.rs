//! Presigned URLs for many objects of one bucket, signed at one time.
//!
//! Of a presigned S3 URL only the path depends on the object key: the
//! canonical query string, the canonical headers, the string to sign up to
//! the canonical request's hash and the URL around the path are the same for
//! every key of a bucket at one signing time. [`ObjectPresigner`] has
//! [`presign_object`](super::presign_object) sign a placeholder key once and
//! keeps what it signed around the key, in two pieces each: the canonical
//! request before and after the path, the URL before and after it, and the
//! HMAC state of the string to sign up to the hash. Each key then costs the
//! SHA-256 of its canonical request and the last blocks of one HMAC, and
//! the URL is the engine's own output with the key in place, so it cannot
//! differ from [`presign_object`](super::presign_object)'s.

use core::fmt;

use hmac::Mac as _;
use sha2::{Digest as _, Sha256};

use super::{Addressing, Bucket, ObjectOptions, presign_object};
use crate::Error;
use crate::digits::{hex64, put_hex};
use crate::encode::encode_into;
use crate::mac::{HmacState, finish};
use crate::output::{Output, Trace};
use crate::sink::{FmtSink, OutBuf, Sink};
use crate::v4::presign::Presigned;
use crate::v4::{Signer, SigningKey};

/// The object key [`ObjectPresigner::new`] signs to find where keys go.
const PLACEHOLDER: &str = "k";

/// Presigns many objects of one bucket with one method, expiry and options
/// at one signing time, doing the key-independent work once.
///
/// Each URL is byte-identical to [`presign_object`](super::presign_object)'s
/// for the same arguments. `N` bytes (default 4096) hold the fixed parts of
/// the canonical request, string to sign and URL; a session token or
/// options that do not fit give [`Error::BufferTooSmall`] with the `N`
/// needed. The presigner owns all it holds (no lifetime, no allocation) and
/// is `Send + Sync`: one per bucket and second can serve every thread.
/// `Debug` shows no key material or token.
///
/// ```
/// use awsig::{Credentials, SigningTime, s3, v4};
///
/// let creds = Credentials::new("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", None)?;
/// let time = SigningTime::parse_rfc3339("2013-05-24T00:00:00Z")?;
/// let key = v4::SigningKey::derive(&creds, time, "us-east-1", "s3")?;
/// let signer = v4::Signer::new(&key, &creds, time)?;
/// let bucket = s3::Bucket::new("s3.amazonaws.com", "examplebucket", s3::Addressing::VirtualHosted)?;
/// let presigner: s3::ObjectPresigner = s3::ObjectPresigner::new(&signer, &bucket, "GET", 86400, &s3::ObjectOptions::default())?;
/// let mut buf = [0u8; 1024];
/// // AWS's worked example in "Authenticating Requests: Using Query Parameters".
/// let url = presigner.presign("test.txt", &mut buf)?;
/// assert!(url.as_str().ends_with("X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404"));
/// for key in ["photos/a b.jpg", "photos/c+d.jpg"] {
///     let url = presigner.presign(key, &mut buf)?;
///     # let mut one = [0u8; 1024];
///     # assert_eq!(url.as_str(), s3::presign_get(&signer, &bucket, key, 86400, &s3::ObjectOptions::default(), &mut one)?.as_str());
/// }
/// # Ok::<(), awsig::Error>(())
/// ```
#[derive(Clone)]
pub struct ObjectPresigner<const N: usize = 4096> {
    /// `text[..url_path]` is the URL up to the path (`https://host`);
    /// `text[url_path..url_key]` the path up to the key; then the URL after
    /// the path up to the signature (`?X-Amz-...&X-Amz-Signature=`), the
    /// URL after the signature, the canonical request's first line
    /// (`GET\n`), the canonical request after the path and the string to
    /// sign up to the hash, at the offsets below.
    text: [u8; N],
    url_key: usize,
    url_path: usize,
    url_signature: usize,
    url_end: usize,
    request_method: usize,
    request_tail: usize,
    string_to_sign: usize,
    /// Path-style: the `/` between the bucket and the key is left out
    /// for the empty key (the bucket itself), as `presign_object` does.
    slash_before_key: bool,
    /// The keyed HMAC with the string to sign up to the hash absorbed.
    mac: HmacState,
}

impl<const N: usize> ObjectPresigner<N> {
    /// Prepares presigned URLs of `method` on objects of `bucket`, valid for
    /// `expires_in` seconds from the signer's time, signing `options` too.
    ///
    /// # Errors
    /// As [`presign_object`](super::presign_object);
    /// [`Error::BufferTooSmall`] when the fixed parts need more than `N`
    /// bytes (`needed` is the `N` that would do).
    pub fn new(
        signer: &Signer<'_, SigningKey>,
        bucket: &Bucket<'_>,
        method: &str,
        expires_in: u32,
        options: &ObjectOptions<'_>,
    ) -> Result<Self, Error> {
        let mut url = [0u8; N];
        let (mut request, mut string_to_sign) = ([0u8; N], [0u8; N]);
        let mut request = Fixed::new(&mut request);
        let mut string_to_sign = Fixed::new(&mut string_to_sign);
        let mut trace = Trace::new(&mut request, &mut string_to_sign);
        let out = Output::traced(&mut url, &mut trace);
        let presigned = presign_object(
            signer,
            bucket,
            method,
            PLACEHOLDER,
            expires_in,
            options,
            out,
        )
        .map_err(|e| too_small(e, N))?;
        let (url_len, signature) = (presigned.as_str().len(), presigned.signature_range());
        let url = url
            .get(..url_len)
            .and_then(|u| core::str::from_utf8(u).ok());
        Self::from_parts(
            signer,
            bucket,
            url.ok_or(Error::WriteFailed)?,
            (signature.start, signature.end),
            request.as_str()?,
            string_to_sign.as_str()?,
        )
    }

    /// Splits what `presign_object` signed for the placeholder key.
    fn from_parts(
        signer: &Signer<'_, SigningKey>,
        bucket: &Bucket<'_>,
        url: &str,
        (signature_at, signature_end): (usize, usize),
        request: &str,
        string_to_sign: &str,
    ) -> Result<Self, Error> {
        // `scheme://host` then the path (`host` holds no `/`: `Bucket::new`).
        let host_end = url.split_once("://").and_then(|(scheme, rest)| {
            let host = rest.find('/')?;
            scheme.len().checked_add(3)?.checked_add(host)
        });
        let method_line = request.split_inclusive('\n').next().unwrap_or_default();
        let rest = request.get(method_line.len()..).unwrap_or_default();
        let path = rest.split('\n').next().unwrap_or_default();
        let request_tail = rest.get(path.len()..).unwrap_or_default();
        // S3 signs the path as sent: the canonical request's path is the
        // URL's, up to and including the placeholder key.
        let url_key = host_end
            .filter(|&at| url.get(at..).is_some_and(|p| p.starts_with(path)))
            .filter(|_| path.ends_with(PLACEHOLDER))
            .and_then(|at| at.checked_add(path.len())?.checked_sub(PLACEHOLDER.len()))
            .ok_or(Error::WriteFailed)?;
        let after_key = url_key.saturating_add(PLACEHOLDER.len());
        let hash_at = string_to_sign
            .len()
            .checked_sub(64)
            .ok_or(Error::WriteFailed)?;
        let prefix = string_to_sign.get(..hash_at).ok_or(Error::WriteFailed)?;
        let pieces = [
            url.get(..url_key),
            url.get(after_key..signature_at),
            url.get(signature_end..),
            Some(method_line),
            Some(request_tail),
            Some(prefix),
        ];
        let mut text = [0u8; N];
        let mut ends = [0usize; 6];
        let mut buf = OutBuf::new(&mut text);
        for (piece, end) in pieces.iter().zip(&mut ends) {
            buf.put_str(piece.ok_or(Error::WriteFailed)?);
            *end = buf.position();
        }
        buf.finish().map_err(|e| too_small(e, N))?;
        let mut mac = signer.key().mac();
        mac.update(prefix.as_bytes());
        let [_, url_signature, url_end, request_method, request_tail, sts] = ends;
        Ok(Self {
            text,
            url_key,
            url_path: host_end.unwrap_or_default(),
            url_signature,
            url_end,
            request_method,
            request_tail,
            string_to_sign: sts,
            slash_before_key: bucket.addressing == Addressing::Path,
            mac,
        })
    }

    fn piece(&self, from: usize, to: usize) -> &[u8] {
        self.text.get(from..to).unwrap_or_default()
    }

    /// Presigns the object `object_key` (raw, not encoded; empty for the
    /// bucket itself) and writes the URL into `out`.
    ///
    /// # Errors
    /// [`Error::BufferTooSmall`] when `out` cannot hold the URL;
    /// [`Error::WriteFailed`] when a [`Trace`] writer fails.
    pub fn presign<'o>(
        &self,
        object_key: &str,
        out: impl Into<Output<'o>>,
    ) -> Result<Presigned<'o>, Error> {
        let Output { buf: out, trace } = out.into();
        let mut buf = OutBuf::new(out);
        let mut url_key = self.url_key;
        if object_key.is_empty() && self.slash_before_key {
            url_key = url_key.saturating_sub(1);
        }
        buf.put(self.piece(0, url_key));
        encode_into(&mut buf, object_key.as_bytes(), true);
        let path = self.url_path..buf.position();
        let signature = match buf.written(path) {
            Some(path) => self.sign(path, trace)?,
            // `finish` says how much room the URL needs.
            None => [0u8; 32],
        };
        buf.put(self.piece(self.url_key, self.url_signature));
        let signature_at = buf.position();
        put_hex(&mut buf, &signature);
        let signature_end = buf.position();
        buf.put(self.piece(self.url_signature, self.url_end));
        Ok(Presigned::new(buf.finish()?, signature_at, signature_end))
    }

    /// The signature of the canonical request with this `path`.
    fn sign(&self, path: &[u8], trace: Option<&mut Trace<'_>>) -> Result<[u8; 32], Error> {
        let method = self.piece(self.url_end, self.request_method);
        let tail = self.piece(self.request_method, self.request_tail);
        let mut hash = Sha256::new();
        for part in [method, path, tail] {
            hash.update(part);
        }
        let hex = hex64(&hash.finalize().into());
        if let Some(trace) = trace {
            let prefix = self.piece(self.request_tail, self.string_to_sign);
            write_trace(trace, [method, path, tail], [prefix, &hex])?;
        }
        let mut mac = self.mac.clone();
        mac.update(&hex);
        Ok(finish(mac))
    }
}

/// Copies the canonical request and string to sign into a trace.
fn write_trace(trace: &mut Trace<'_>, request: [&[u8]; 3], sts: [&[u8]; 2]) -> Result<(), Error> {
    let mut cr = FmtSink {
        w: &mut *trace.canonical_request,
        failed: false,
    };
    request.iter().for_each(|p| cr.put(p));
    let mut st = FmtSink {
        w: &mut *trace.string_to_sign,
        failed: false,
    };
    sts.iter().for_each(|p| st.put(p));
    if cr.failed || st.failed {
        return Err(Error::WriteFailed);
    }
    Ok(())
}

/// A buffer of `N` bytes that overflowed: the error names the `N` needed.
fn too_small(e: Error, n: usize) -> Error {
    match e {
        Error::BufferTooSmall { needed } => Error::BufferTooSmall {
            needed: needed.max(n.saturating_add(1)),
        },
        other => other,
    }
}

impl<const N: usize> fmt::Debug for ObjectPresigner<N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let url = core::str::from_utf8(self.piece(0, self.url_key)).unwrap_or_default();
        f.debug_struct("ObjectPresigner")
            .field("url", &url)
            .finish_non_exhaustive()
    }
}

/// A `fmt::Write` into a fixed buffer (the trace of the placeholder).
struct Fixed<'b> {
    buf: &'b mut [u8],
    len: usize,
    needed: usize,
}

impl<'b> Fixed<'b> {
    fn new(buf: &'b mut [u8]) -> Self {
        Self {
            buf,
            len: 0,
            needed: 0,
        }
    }

    fn as_str(&self) -> Result<&str, Error> {
        if self.needed > self.len {
            return Err(Error::BufferTooSmall {
                needed: self.needed,
            });
        }
        core::str::from_utf8(self.buf.get(..self.len).unwrap_or_default())
            .map_err(|_| Error::WriteFailed)
    }
}

impl fmt::Write for Fixed<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.needed = self.needed.saturating_add(s.len());
        let end = self.len.saturating_add(s.len());
        match self.buf.get_mut(self.len..end) {
            Some(dst) if self.needed == end => {
                dst.copy_from_slice(s.as_bytes());
                self.len = end;
                Ok(())
            }
            // Keep counting: `as_str` reports the size needed.
            _ => Ok(()),
        }
    }
}
