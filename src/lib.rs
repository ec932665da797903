//! Pure, `no_std`, allocation-free AWS request signing.
//!
//! ```
//! use awsig::{Credentials, Request, SigningTime, v4};
//!
//! let creds = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", None)?;
//! let time = SigningTime::parse_rfc3339("2015-08-30T12:36:00Z")?;
//! let key = v4::SigningKey::derive(&creds, time, "us-east-1", "service")?; // reusable all day
//!
//! let headers = [("Host", "example.amazonaws.com")];
//! let request = Request::new("GET", "/?Param2=value2&Param1=value1", &headers);
//! let mut buf = [0u8; 512];
//! let url = v4::presign_url(&key, time, &request, 3600, &v4::SigningSettings::new(), &mut buf)?;
//! assert!(url.as_str().starts_with("https://example.amazonaws.com/?Param1=value1&Param2=value2&X-Amz-Algorithm="));
//! # Ok::<(), awsig::Error>(())
//! ```
//!
//! The crate never reads a clock, the environment, a file or the network:
//! the caller supplies credentials, request and time, and gets bytes back,
//! written into a buffer it owns. With the `alloc` feature, functions in
#![cfg_attr(feature = "alloc", doc = "[`alloc_api`]")]
#![cfg_attr(not(feature = "alloc"), doc = "`alloc_api`")]
//! return `String`s instead.
//!
//! | Module | AWS rule |
//! | --- | --- |
//! | [`credentials`] | access key id, secret, session token |
//! | [`time`] | `X-Amz-Date` and the scope date |
//! | [`encode`] | RFC 3986 `UriEncode` |
//! | [`canonical`] | canonical URI, query, headers, payload |
//! | [`v4`] | SigV4 key, string to sign, header signing, presigning |
//! | [`s3`] | S3 presigned URLs from bucket and raw key |
//! | [`v2`] | SigV2 query signing (legacy Query APIs) |
//! | [`verify`] | server-side verification of SigV4 and SigV2 |
//! | `http` (feature) | sign `http::Request`, presign to `http::Uri` |
#![no_std]
#![forbid(unsafe_code)]
#![warn(missing_docs)]
// No panic reachable from input: no unwrap, expect, panic or unchecked indexing.
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(any(feature = "alloc", test))]
extern crate alloc;
#[cfg(any(feature = "std", test))]
extern crate std;

#[cfg(feature = "alloc")]
pub mod alloc_api;
pub mod canonical;
pub mod credentials;
pub mod encode;
mod error;
mod hmac256;
#[cfg(feature = "http")]
pub mod http;
mod request;
pub mod s3;
mod scan;
mod sink;
mod sort;
pub mod time;
pub mod v2;
pub mod v4;
#[cfg(feature = "sigv4a")]
pub mod v4a;
pub mod verify;

pub use canonical::payload::{Payload, PayloadHash};

/// The README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
pub use credentials::Credentials;
pub use error::Error;
pub use request::Request;
pub use time::SigningTime;
