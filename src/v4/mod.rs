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
pub mod cache;
pub mod chunked;
pub mod key;
pub mod presign;
pub mod scope;
pub mod settings;
pub mod sign;
pub mod signature;
pub mod string_to_sign;

pub use cache::KeyCache;
pub use chunked::{ChunkSigner, ChunkVerifier, ChunkedMode, MAX_CHUNK_HEADER, encoded_length};
pub use key::SigningKey;
pub use presign::{MAX_EXPIRES, Presigned, presign, presign_traced, presign_url};
pub use scope::CredentialScope;
pub use settings::{SessionTokenMode, SigningSettings};
pub use sign::{HeaderSignature, sign_headers, sign_headers_traced};
pub use signature::{Signature, Trace};
pub use string_to_sign::ALGORITHM;
