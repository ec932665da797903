//! Where a signer writes: the caller's buffer, and optionally a [`Trace`]
//! that receives what was signed (the canonical request and the string to
//! sign) from the very code that hashes it.
//!
//! Every signer takes `out: impl Into<Output>`: a `&mut [u8]` or
//! `&mut [u8; N]` for the common case, [`Output::traced`] to see what was
//! signed. A buffer too small gives [`Error::BufferTooSmall`] with the exact
//! size needed; with `alloc`, [`with_buffer`] sizes a `Vec` from it.

use core::fmt;

#[cfg(feature = "alloc")]
use crate::Error;

/// Receives the canonical request and the string to sign while they are
/// hashed, to see what was signed (SigV2 has only a string to sign).
///
/// ```
/// use awsig::{Credentials, Output, Request, SigningTime, Trace, v4};
///
/// let creds = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", None)?;
/// let time = SigningTime::parse_rfc3339("2015-08-30T12:36:00Z")?;
/// let key = v4::SigningKey::derive(&creds, time, "us-east-1", "service")?;
/// let signer = v4::Signer::new(&key, &creds, time)?;
/// let headers = [("Host", "example.amazonaws.com")];
/// let (mut canonical_request, mut string_to_sign) = (String::new(), String::new());
/// let mut trace = Trace::new(&mut canonical_request, &mut string_to_sign);
/// let mut buf = [0u8; 512];
/// let request = Request::new("GET", "/", &headers);
/// v4::sign_headers(&signer, &request, &v4::SigningSettings::new(), Output::traced(&mut buf, &mut trace))?;
/// assert!(canonical_request.starts_with("GET\n/\n\nhost:example.amazonaws.com\n"));
/// assert!(string_to_sign.starts_with("AWS4-HMAC-SHA256\n20150830T123600Z\n"));
/// # Ok::<(), awsig::Error>(())
/// ```
pub struct Trace<'w> {
    pub(crate) canonical_request: &'w mut dyn fmt::Write,
    pub(crate) string_to_sign: &'w mut dyn fmt::Write,
}

impl<'w> Trace<'w> {
    /// A trace writing into two `fmt::Write`rs (`String`s, or fixed-size
    /// writers without `alloc`).
    pub fn new(
        canonical_request: &'w mut dyn fmt::Write,
        string_to_sign: &'w mut dyn fmt::Write,
    ) -> Self {
        Self {
            canonical_request,
            string_to_sign,
        }
    }
}

/// A signer's output: the buffer the result is written into, and an
/// optional [`Trace`].
pub struct Output<'o> {
    pub(crate) buf: &'o mut [u8],
    pub(crate) trace: Option<&'o mut Trace<'o>>,
}

impl<'o> Output<'o> {
    /// Writes into `buf` and copies what is signed into `trace`.
    pub fn traced(buf: &'o mut [u8], trace: &'o mut Trace<'o>) -> Self {
        Self {
            buf,
            trace: Some(trace),
        }
    }
}

impl<'o> From<&'o mut [u8]> for Output<'o> {
    fn from(buf: &'o mut [u8]) -> Self {
        Self { buf, trace: None }
    }
}

impl<'o, const N: usize> From<&'o mut [u8; N]> for Output<'o> {
    fn from(buf: &'o mut [u8; N]) -> Self {
        Self { buf, trace: None }
    }
}

#[cfg(feature = "alloc")]
impl<'o> From<&'o mut alloc::vec::Vec<u8>> for Output<'o> {
    /// The vector's current length is the room: size it first (see
    /// [`with_buffer`]).
    fn from(buf: &'o mut alloc::vec::Vec<u8>) -> Self {
        Self {
            buf: buf.as_mut_slice(),
            trace: None,
        }
    }
}

/// Runs a signer with a heap buffer grown to the size it asks for, and
/// returns what `sign` makes of its output (feature `alloc`): the `String`
/// and `Vec` form of every signer.
///
/// The first attempt gets 1 KiB; when that is too small, the signer's
/// [`Error::BufferTooSmall`] names the exact size and it runs once more.
///
/// ```
/// use awsig::{Credentials, Request, SigningTime, v4};
///
/// let creds = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", None)?;
/// let time = SigningTime::parse_rfc3339("2015-08-30T12:36:00Z")?;
/// let key = v4::SigningKey::derive(&creds, time, "us-east-1", "service")?;
/// let signer = v4::Signer::new(&key, &creds, time)?;
/// let headers = [("Host", "example.amazonaws.com")];
/// let request = Request::new("GET", "/", &headers);
/// let url: String = awsig::with_buffer(|buf| {
///     v4::presign_url(&signer, &request, 3600, &v4::SigningSettings::new(), buf).map(|u| u.to_string())
/// })?;
/// assert!(url.starts_with("https://example.amazonaws.com/?X-Amz-Algorithm=AWS4-HMAC-SHA256&"));
/// # Ok::<(), awsig::Error>(())
/// ```
///
/// # Errors
/// The signer's.
#[cfg(feature = "alloc")]
pub fn with_buffer<T>(mut sign: impl FnMut(&mut [u8]) -> Result<T, Error>) -> Result<T, Error> {
    let mut buf = alloc::vec![0u8; 1024];
    match sign(&mut buf) {
        Err(Error::BufferTooSmall { needed }) => {
            buf.resize(needed, 0);
            sign(&mut buf)
        }
        other => other,
    }
}
