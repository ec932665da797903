//! `String`-returning conveniences (feature `alloc`) over the buffer API.
//!
//! Each function sizes its buffer from the error of a first attempt
//! ([`Error::BufferTooSmall`] says how much is needed), so the result is
//! the same bytes the buffer API writes. The AWS rules are those of
//! [`crate::v4`]; see <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv.html>.

use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;

use crate::v4::{self, SigningKey, SigningSettings, Trace};
use crate::{Error, Request, SigningTime};

/// Runs `f` with a buffer large enough for its output.
fn with_buffer<T>(mut f: impl FnMut(&mut [u8]) -> Result<T, Error>) -> Result<T, Error> {
    let mut buf = vec![0u8; 1024];
    match f(&mut buf) {
        Err(Error::BufferTooSmall { needed }) => {
            buf.resize(needed, 0);
            f(&mut buf)
        }
        other => other,
    }
}

/// The presigned request-target (`/path?...&X-Amz-Signature=...`).
///
/// # Errors
/// As [`v4::presign()`].
pub fn presign(
    key: &SigningKey<'_>,
    time: SigningTime,
    request: &Request<'_>,
    expires_in: u32,
    settings: &SigningSettings,
) -> Result<String, Error> {
    with_buffer(|buf| {
        v4::presign(key, time, request, expires_in, settings, buf).map(|p| p.as_str().into())
    })
}

/// The presigned URL (`https://host/path?...&X-Amz-Signature=...`).
///
/// # Errors
/// As [`v4::presign_url()`].
pub fn presign_url(
    key: &SigningKey<'_>,
    time: SigningTime,
    request: &Request<'_>,
    expires_in: u32,
    settings: &SigningSettings,
) -> Result<String, Error> {
    with_buffer(|buf| {
        v4::presign_url(key, time, request, expires_in, settings, buf).map(|p| p.as_str().into())
    })
}

/// The headers to add, `Authorization` last.
///
/// # Errors
/// As [`v4::sign_headers`].
pub fn sign_headers(
    key: &SigningKey<'_>,
    time: SigningTime,
    request: &Request<'_>,
    settings: &SigningSettings,
) -> Result<Vec<(&'static str, String)>, Error> {
    with_buffer(|buf| {
        v4::sign_headers(key, time, request, settings, buf)
            .map(|s| s.headers().map(|(n, v)| (n, String::from(v))).collect())
    })
}

/// What was signed: the canonical request and the string to sign, from
/// the same run that produced the signature.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Inspection {
    /// The canonical request.
    pub canonical_request: String,
    /// The string to sign.
    pub string_to_sign: String,
    /// The hex signature.
    pub signature: String,
}

/// Header signing, with what was signed.
///
/// # Errors
/// As [`v4::sign_headers`].
pub fn inspect_headers(
    key: &SigningKey<'_>,
    time: SigningTime,
    request: &Request<'_>,
    settings: &SigningSettings,
) -> Result<Inspection, Error> {
    with_buffer(|buf| {
        let (mut cr, mut sts) = (String::new(), String::new());
        let mut trace = Trace {
            canonical_request: &mut cr,
            string_to_sign: &mut sts,
        };
        let signed = v4::sign_headers_traced(key, time, request, settings, buf, &mut trace)?;
        let signature = signed.signature().as_str().into();
        Ok(Inspection {
            canonical_request: cr,
            string_to_sign: sts,
            signature,
        })
    })
}

/// Presigning, with what was signed.
///
/// # Errors
/// As [`v4::presign()`].
pub fn inspect_presign(
    key: &SigningKey<'_>,
    time: SigningTime,
    request: &Request<'_>,
    expires_in: u32,
    settings: &SigningSettings,
) -> Result<Inspection, Error> {
    with_buffer(|buf| {
        let (mut cr, mut sts) = (String::new(), String::new());
        let mut trace = Trace {
            canonical_request: &mut cr,
            string_to_sign: &mut sts,
        };
        let signed = v4::presign_traced(key, time, request, expires_in, settings, buf, &mut trace)?;
        let signature = signed.signature().as_str().into();
        Ok(Inspection {
            canonical_request: cr,
            string_to_sign: sts,
            signature,
        })
    })
}
