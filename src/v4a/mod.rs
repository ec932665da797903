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
//! let key = v4a::V4aSigningKey::derive(&creds, "*", "s3")?; // costly: derive once, reuse
//! let time = SigningTime::parse_rfc3339("2015-08-30T12:36:00Z")?;
//! let headers = [("Host", "mfzwi23gnjvgw.mrap.accesspoint.s3-global.amazonaws.com")];
//! let mut buf = [0u8; 1024];
//! let signer = v4::Signer::new(&key, &creds, time)?; // the same signers as SigV4
//! let signed = v4::sign_headers(&signer, &Request::new("GET", "/key", &headers), &v4::SigningSettings::s3(), &mut buf)?;
//! assert!(signed.authorization().starts_with("AWS4-ECDSA-P256-SHA256 Credential=AKIDEXAMPLE/20150830/s3/aws4_request"));
//! # Ok::<(), awsig::Error>(())
//! ```

mod key;

pub(crate) use key::verify_with;
pub use key::{MAX_REGION_SET_LEN, V4aSigningKey};

/// The algorithm name of SigV4a.
pub const ALGORITHM: &str = "AWS4-ECDSA-P256-SHA256";
