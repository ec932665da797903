//! Signature Version 4: `Authorization` header signing and presigned URLs.
//!
//! 1. Derive a [`SigningKey`] for the day, region and service (reusable).
//! 2. [`sign_headers`] adds `X-Amz-Date`, `X-Amz-Security-Token`,
//!    `x-amz-content-sha256` and `Authorization`; [`presign()`] writes a
//!    presigned target or URL.
//!
//! [`SigningSettings`] holds what differs between services (S3 neither
//! normalises nor double-encodes the path, and wants `x-amz-content-sha256`).
//! See <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv.html>.

pub(crate) mod algorithm;
mod cache;
pub(crate) mod chunked;
pub mod event_stream;
pub(crate) mod key;
pub(crate) mod presign;
pub(crate) mod scope;
mod settings;
pub(crate) mod sign;
pub(crate) mod signature;
mod signer;
pub(crate) mod string_to_sign;

pub use cache::KeyCache;
#[cfg(feature = "std")]
pub use cache::SharedKeyCache;
pub use chunked::{ChunkSigner, ChunkedMode, MAX_CHUNK_HEADER, encoded_length};
pub use key::{MAX_ACCESS_KEY_ID_LEN, MAX_REGION_LEN, MAX_SERVICE_LEN, SigningKey};
pub use presign::{AUTH_PARAMETERS, MAX_EXPIRES, Presigned, presign, presign_url};
pub use scope::CredentialScope;
pub use settings::{SessionTokenMode, SigningSettings};
pub use sign::{HeaderSignature, sign_headers};
pub use signature::Signature;
pub use signer::{Key, Signer};
pub use string_to_sign::ALGORITHM;
