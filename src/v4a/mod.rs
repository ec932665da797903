//! SigV4a: one signature for a set of regions, with ECDSA P-256 (feature
//! `sigv4a`).
//!
//! SigV4a (`AWS4-ECDSA-P256-SHA256`) signs the same canonical request as
//! SigV4, with three differences: the credential scope has no region
//! (`20150830/service/aws4_request`); the regions go in a signed
//! `X-Amz-Region-Set` header or query parameter (comma-separated, `*`
//! wildcards allowed); and the string to sign is signed with an ECDSA P-256
//! key derived from the secret access key ([`V4aSigningKey`]), not with an
//! HMAC key. Signatures are DER-encoded, in hex, with deterministic nonces
//! (RFC 6979), so the same input always gives the same signature.
//! Used by S3 Multi-Region Access Points and other global endpoints. See
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html>.
//!
//! ```
//! use awsig::{Credentials, Request, SigningTime, v4, v4a};
//!
//! let creds = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", None)?;
//! let key = v4a::V4aSigningKey::derive(&creds, "s3", "*")?; // costly: derive once, reuse
//! let time = SigningTime::parse_rfc3339("2015-08-30T12:36:00Z")?;
//! let headers = [("Host", "mfzwi23gnjvgw.mrap.accesspoint.s3-global.amazonaws.com")];
//! let mut buf = [0u8; 1024];
//! let signed = v4a::sign_headers(&key, time, &Request::new("GET", "/key", &headers), &v4::SigningSettings::s3(), &mut buf)?;
//! assert!(signed.authorization().starts_with("AWS4-ECDSA-P256-SHA256 Credential=AKIDEXAMPLE/20150830/s3/aws4_request"));
//! # Ok::<(), awsig::Error>(())
//! ```

mod key;

pub use key::V4aSigningKey;
pub(crate) use key::verify_with;

use crate::v4::sign::HeaderSignature;
use crate::v4::signature::{NoTrace, Trace};
use crate::v4::{Presigned, SigningSettings};
use crate::{Error, Request, SigningTime};

/// The algorithm name of SigV4a.
pub const ALGORITHM: &str = "AWS4-ECDSA-P256-SHA256";

/// Signs `request` with the `Authorization` header (adding `X-Amz-Date`,
/// `X-Amz-Region-Set`, ...): as [`crate::v4::sign_headers`], with a SigV4a key.
///
/// # Errors
/// As [`crate::v4::sign_headers`].
pub fn sign_headers<'o, 'k>(
    key: &'k V4aSigningKey<'_>,
    time: SigningTime,
    request: &Request<'_>,
    settings: &SigningSettings,
    out: &'o mut [u8],
) -> Result<HeaderSignature<'o, 'k>, Error> {
    crate::v4::sign::sign(key, time, request, settings, out, &mut NoTrace)
}

/// [`sign_headers`], copying the canonical request and the string to sign
/// into `trace`.
///
/// # Errors
/// As [`sign_headers`]; [`Error::WriteFailed`].
pub fn sign_headers_traced<'o, 'k>(
    key: &'k V4aSigningKey<'_>,
    time: SigningTime,
    request: &Request<'_>,
    settings: &SigningSettings,
    out: &'o mut [u8],
    trace: &mut Trace<'_>,
) -> Result<HeaderSignature<'o, 'k>, Error> {
    crate::v4::sign::sign(key, time, request, settings, out, trace)
}

/// Presigns `request` (adding `X-Amz-Region-Set` to the query): as
/// [`crate::v4::presign()`], with a SigV4a key.
///
/// # Errors
/// As [`crate::v4::presign()`].
pub fn presign<'o>(
    key: &V4aSigningKey<'_>,
    time: SigningTime,
    request: &Request<'_>,
    expires_in: u32,
    settings: &SigningSettings,
    out: &'o mut [u8],
) -> Result<Presigned<'o>, Error> {
    crate::v4::presign::run::<_, _, true>(
        key,
        time,
        request,
        expires_in,
        settings,
        out,
        crate::v4::presign::Emit::TARGET,
        &mut NoTrace,
    )
}

/// [`presign()`], copying the canonical request and the string to sign into `trace`.
///
/// # Errors
/// As [`presign()`]; [`Error::WriteFailed`].
pub fn presign_traced<'o>(
    key: &V4aSigningKey<'_>,
    time: SigningTime,
    request: &Request<'_>,
    expires_in: u32,
    settings: &SigningSettings,
    out: &'o mut [u8],
    trace: &mut Trace<'_>,
) -> Result<Presigned<'o>, Error> {
    crate::v4::presign::run::<_, _, true>(
        key,
        time,
        request,
        expires_in,
        settings,
        out,
        crate::v4::presign::Emit::TARGET,
        trace,
    )
}
