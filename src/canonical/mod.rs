//! The canonical request, one file per AWS rule.
//!
//! ```text
//! CanonicalRequest =
//!   HTTPMethod + '\n' +
//!   CanonicalURI + '\n' +          (path.rs)
//!   CanonicalQueryString + '\n' +  (query.rs, params.rs)
//!   CanonicalHeaders + '\n' +      (headers.rs)
//!   SignedHeaders + '\n' +         (headers.rs)
//!   HashedPayload                  (payload.rs)
//! ```
//!
//! Each part is written into a sink and never built as a
//! string: when signing, the sink is the SHA-256 state. See
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html#create-canonical-request>.

pub(crate) mod headers;
pub(crate) mod params;
pub(crate) mod path;
pub(crate) mod payload;
pub(crate) mod query;
pub(crate) mod request;
pub(crate) mod target;
