//! AWS request signing: Signature Version 4 (headers and presigned URLs,
//! S3's rules included), SigV4a, SigV2, S3 POST policies, aws-chunked
//! uploads, and the verification of all of them on the server side.
//!
//! ```
//! use awsig::{Credentials, Request, SigningTime, v4};
//!
//! let creds = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", None)?;
//! let time = SigningTime::parse_rfc3339("2015-08-30T12:36:00Z")?;
//! let key = v4::SigningKey::derive(&creds, time, "us-east-1", "service")?; // keep it all day
//! let signer = v4::Signer::new(&key, &creds, time)?;
//!
//! let headers = [("Host", "example.amazonaws.com")];
//! let request = Request::new("GET", "/?Param2=value2&Param1=value1", &headers);
//! let mut buf = [0u8; 512];
//! let url = v4::presign_url(&signer, &request, 3600, &v4::SigningSettings::new(), &mut buf)?;
//! assert!(url.as_str().starts_with("https://example.amazonaws.com/?Param1=value1&Param2=value2&X-Amz-Algorithm="));
//! # Ok::<(), awsig::Error>(())
//! ```
//!
//! The crate is `no_std`, allocation-free and does no I/O: it never reads a
//! clock, the environment, a file or the network. The caller gives
//! credentials, a request and a time, and gets bytes back in a buffer it
//! owns (`Error::BufferTooSmall` says how many bytes are needed; with
//! `alloc`, [`with_buffer`] sizes one). Keys, caches and settings own what
//! they hold, so a client keeps them for its lifetime.
//!
//! # The flows
//!
//! **Header signing** ([`v4::sign_headers`]) returns the headers to add:
//!
//! ```
//! # use awsig::{Credentials, Request, SigningTime, v4};
//! # let creds = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", None)?;
//! # let time = SigningTime::parse_rfc3339("2015-08-30T12:36:00Z")?;
//! # let key = v4::SigningKey::derive(&creds, time, "us-east-1", "service")?;
//! let headers = [("Host", "example.amazonaws.com")];
//! let mut buf = [0u8; 512];
//! let signed = v4::sign_headers(&v4::Signer::new(&key, &creds, time)?, &Request::new("GET", "/", &headers), &v4::SigningSettings::new(), &mut buf)?;
//! for (name, value) in signed.headers() {
//!     // add `name: value` to the request: x-amz-date, then authorization
//!     assert!(name == "x-amz-date" || value.starts_with("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/"));
//! }
//! # Ok::<(), awsig::Error>(())
//! ```
//!
//! **S3 objects** ([`s3`]): presigned GET/PUT URLs from a bucket and a raw
//! key, encoded once as S3 wants, for AWS or any endpoint (`http` for local
//! stores):
//!
//! ```
//! use awsig::{Credentials, SigningTime, s3, v4};
//!
//! let creds = Credentials::new("AKIDEXAMPLE", "secret", None)?;
//! let time = SigningTime::parse_rfc3339("2026-12-03T12:00:00Z")?;
//! let key = v4::SigningKey::derive(&creds, time, "us-east-1", "s3")?;
//! let bucket = s3::Bucket::new("127.0.0.1:9000", "photos", s3::Addressing::Path)?.http();
//! let mut buf = [0u8; 1024];
//! let url = s3::presign_put(&v4::Signer::new(&key, &creds, time)?, &bucket, "2026/a b.jpg", 600, &s3::ObjectOptions::default(), &mut buf)?;
//! assert!(url.as_str().starts_with("http://127.0.0.1:9000/photos/2026/a%20b.jpg?X-Amz-Algorithm="));
//! # Ok::<(), awsig::Error>(())
//! ```
//!
//! **Temporary credentials and the SQS Query API**, SigV4 and SigV2: the
//! session token goes where each scheme wants it (`X-Amz-Security-Token`,
//! `SecurityToken`). The values are the seed corpus's, checked against
//! botocore:
//!
//! ```
//! use awsig::{Credentials, Request, SigningTime, v2, v4};
//!
//! let token = "IQoJb3JpZ2luX2VjEBoaCXVzLWVhc3QtMiJHMEUCIQAvFvx7TWScuT/QLhFHpW/5yOBS4zNDqLBrjjp8COfZEb23Gd3Q9jGMVF/X25vb46Zc75AwZ9JYJcsy1beVsR3aWaFJxlIB/NLQ2QpN5sgQbVhaOEme1EiP0Eask/dAkNZ36kX9SD6Ct3QMBBHW3icHewZt2PRWFEXeIsMyRDsrTknGVtBKuQ7lZSDejpvROHM/HAJN1hgR1dNN1H8NEWWFAJLZNCMRYtmHQwcuC1IToUPLez6mSKa+Fo5oY1ol/Q==";
//! let creds = Credentials::new("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", Some(token))?;
//! let time = SigningTime::parse_rfc3339("2020-12-18T22:52:43Z")?;
//! let headers = [("Host", "sqs.us-east-2.amazonaws.com")];
//! let request = Request::new("GET", "/?Action=CreateQueue&DefaultVisibilityTimeout=40&QueueName=MyQueue&Attribute.1.Name=VisibilityTimeout&Attribute.1.Value=40&Version=2012-11-05", &headers);
//! let mut buf = [0u8; 2048];
//!
//! let key = v4::SigningKey::derive(&creds, time, "us-east-2", "sqs")?;
//! let v4 = v4::presign(&v4::Signer::new(&key, &creds, time)?, &request, 3600, &v4::SigningSettings::new(), &mut buf)?;
//! assert_eq!(v4.signature().as_str(), "fec53d2081188869a057f2f455e33bca8fec2b2479c3a9a416d500aae941ad9b");
//!
//! let v2 = v2::sign_query(&creds, &request, v2::Validity::Timestamp(time), v2::SignatureMethod::HmacSha256, &mut buf)?;
//! assert_eq!(v2.signature(), "al/3BpWbfsYJdpLMFyemKcnCoiGl37ro080tIifDli8=");
//! # Ok::<(), awsig::Error>(())
//! ```
//!
//! **Verification** ([`verify`]): a server checks a received request with
//! its own policy and a secret lookup; a refusal is an [`Error`] too, so
//! `?` works across signing and verifying:
//!
//! ```
//! use awsig::verify::{self, Policy, Secret};
//! use awsig::{Credentials, Request, SigningTime, v4};
//!
//! let creds = Credentials::new("AKIDEXAMPLE", "secret", None)?;
//! let t = SigningTime::parse_rfc3339("2015-08-30T12:36:00Z")?;
//! let key = v4::SigningKey::derive(&creds, t, "us-east-1", "sqs")?;
//! let headers = [("Host", "sqs.us-east-1.amazonaws.com")];
//! let mut buf = [0u8; 1024];
//! let target = v4::presign(&v4::Signer::new(&key, &creds, t)?, &Request::new("GET", "/?Action=ListQueues", &headers), 300, &v4::SigningSettings::new(), &mut buf)?;
//!
//! let lookup = |akid: &str| (akid == "AKIDEXAMPLE").then_some(Secret::new("secret", None));
//! let received = Request::new("GET", target.as_str(), &headers);
//! let verified = verify::verify(&received, &lookup, &Policy::new(t.checked_add_seconds(60)?, "sqs"))?;
//! assert_eq!(verified.access_key_id, "AKIDEXAMPLE");
//! # Ok::<(), awsig::Error>(())
//! ```
//!
//! **aws-chunked uploads** ([`v4::ChunkSigner`]): the seed request is
//! header-signed with a streaming payload line, then each chunk's header
//! carries a signature chained on the previous one:
//!
//! ```
//! use awsig::{Credentials, Payload, Request, SigningTime, v4};
//!
//! let creds = Credentials::new("AKIDEXAMPLE", "secret", None)?;
//! let time = SigningTime::parse_rfc3339("2026-12-03T12:00:00Z")?;
//! let key = v4::SigningKey::derive(&creds, time, "us-east-1", "s3")?;
//! let signer = v4::Signer::new(&key, &creds, time)?;
//! let body = vec![b'x'; 100_000];
//! let chunk = 65_536;
//! let length = v4::encoded_length(body.len() as u64, chunk as u64, v4::ChunkedMode::Signed, 0)?.to_string();
//! let decoded = body.len().to_string();
//! let headers = [
//!     ("Host", "bucket.s3.amazonaws.com"),
//!     ("Content-Encoding", "aws-chunked"),
//!     ("Content-Length", length.as_str()),
//!     ("X-Amz-Decoded-Content-Length", decoded.as_str()),
//! ];
//! let request = Request::new("PUT", "/key", &headers).with_payload(Payload::StreamingSigned);
//! let mut buf = [0u8; 512];
//! let seed = v4::sign_headers(&signer, &request, &v4::SigningSettings::s3(), &mut buf)?.signature();
//!
//! let mut chunks = v4::ChunkSigner::new(&signer, &seed, v4::ChunkedMode::Signed);
//! let mut sent = Vec::new(); // what goes on the wire after the headers
//! let mut header = [0u8; v4::MAX_CHUNK_HEADER];
//! for data in body.chunks(chunk) {
//!     sent.extend_from_slice(chunks.chunk_header(data, &mut header)?.as_bytes());
//!     sent.extend_from_slice(data);
//!     sent.extend_from_slice(b"\r\n");
//! }
//! // The final, empty chunk ends the body (`0;chunk-signature=...\r\n\r\n`).
//! sent.extend_from_slice(chunks.chunk_header(&[], &mut header)?.as_bytes());
//! assert_eq!(sent.len().to_string(), length);
//! # Ok::<(), awsig::Error>(())
//! ```
//!
//! **POST forms** ([`s3::presign_post`]): a signed policy and the fields a
//! browser form sends to upload straight to S3:
//!
//! ```
//! use awsig::{Credentials, SigningTime, s3, v4};
//!
//! let creds = Credentials::new("AKIDEXAMPLE", "secret", None)?;
//! let time = SigningTime::parse_rfc3339("2026-12-03T12:00:00Z")?;
//! let key = v4::SigningKey::derive(&creds, time, "us-east-1", "s3")?;
//! let policy = s3::PostPolicy::new("bucket", s3::KeyCondition::Prefix("uploads/"), 3600)
//!     .conditions(&[s3::Condition::ContentLengthRange(1, 10_000_000)]);
//! let mut buf = [0u8; 2048];
//! let post = s3::presign_post(&v4::Signer::new(&key, &creds, time)?, &policy, &mut buf)?;
//! let fields: Vec<_> = post.fields().collect(); // <input type="hidden" name=.. value=..>
//! assert!(fields.contains(&("key", "uploads/${filename}")));
//! assert!(post.policy_json().contains(r#"["content-length-range", 1, 10000000]"#));
//! # Ok::<(), awsig::Error>(())
//! ```
//!
//! **SigV4a** (feature `sigv4a`): one signature for a set of regions, with
//! the same signers and a [`v4a::V4aSigningKey`] (see its module).
//!
//! **A long-lived client** keeps its credentials and a [`v4::KeyCache`]
//! (or, shared between threads, a [`v4::SharedKeyCache`]): the key is
//! derived once per UTC day and again when the credentials change.
//!
//! ```
//! use awsig::{Credentials, Request, SigningTime, v4};
//!
//! struct Client {
//!     access_key_id: String,
//!     secret: String,
//!     keys: v4::KeyCache,
//! }
//!
//! impl Client {
//!     fn presign(&mut self, target: &str, time: SigningTime) -> Result<String, awsig::Error> {
//!         let creds = Credentials::new(&self.access_key_id, &self.secret, None)?;
//!         let key = self.keys.key(&creds, time, "us-east-1", "sqs")?;
//!         let headers = [("Host", "sqs.us-east-1.amazonaws.com")];
//!         let request = Request::new("GET", target, &headers);
//!         let signer = v4::Signer::new(key, &creds, time)?;
//!         awsig::with_buffer(|buf| {
//!             v4::presign_url(&signer, &request, 300, &v4::SigningSettings::new(), buf).map(|u| u.to_string())
//!         })
//!     }
//! }
//!
//! let mut client = Client { access_key_id: "AKIDEXAMPLE".into(), secret: "secret".into(), keys: v4::KeyCache::new() };
//! let t = SigningTime::parse_rfc3339("2026-12-03T12:00:00Z")?;
//! client.presign("/?Action=ListQueues", t)?;
//! client.presign("/?Action=ListQueues", t.checked_add_seconds(3600)?)?;
//! assert_eq!(client.keys.derivations(), 1);
//! client.presign("/?Action=ListQueues", t.checked_add_seconds(86_400)?)?; // the next UTC day
//! assert_eq!(client.keys.derivations(), 2);
//! # Ok::<(), awsig::Error>(())
//! ```
//!
//! # The items
//!
//! | Where | What |
//! | --- | --- |
//! | root | [`Credentials`], [`SigningTime`] (with [`AmzDate`], [`DateStamp`], [`Iso8601`]), [`Request`], [`Payload`] / [`PayloadHash`] / [`EMPTY_SHA256`], [`Output`] / [`Trace`], [`with_buffer`] (alloc), [`Error`] |
//! | [`v4`] | keys ([`v4::SigningKey`], [`v4::KeyCache`], [`v4::SharedKeyCache`] with std, [`v4::Key`]), [`v4::Signer`], [`v4::sign_headers`], [`v4::presign`], [`v4::presign_url`], [`v4::SigningSettings`], aws-chunked ([`v4::ChunkSigner`]; [`verify::ChunkVerifier`] checks them) |
//! | [`s3`] | [`s3::Bucket`], [`s3::presign_get`] / [`s3::presign_put`] / [`s3::presign_object`], POST policies ([`s3::presign_post`]) |
//! | [`v2`] | [`v2::sign_query`], [`v2::sign_form`] (SQS Query API) |
//! | `s3::v2` | S3's SigV2 (feature `s3-sigv2`): `s3::v2::sign_headers`, `s3::v2::presign`, `s3::v2::sign_policy`; `verify::verify_s3_v2` |
//! | `v4a` | SigV4a keys (feature `sigv4a`) |
//! | [`v4::event_stream`] | event-stream messages: [`v4::event_stream::MessageSigner`], [`v4::event_stream::encode`], [`v4::event_stream::Message`] |
//! | [`verify`] | [`verify::verify`], [`verify::verify_v2_form`], [`verify::Policy`], [`verify::EventVerifier`] |
//! | [`encode`] | [`encode::component`], [`encode::path`]: AWS's `UriEncode` for building targets |
//! | `http` | sign and presign `http::Request`s (feature `http`) |
//!
//! # Inside: layers that only point down
//!
//! | layer | modules |
//! | --- | --- |
//! | primitives | rejection, error, ct (constant-time compare), inline, sink, digits, scan, sort, encode, mac (HMAC-SHA256 from `hmac`/`sha2`), time, credentials, output, crc32 (from `crc32fast`) |
//! | canonical request parts | canonical/ (path, query, params, headers, payload, target, request), request |
//! | schemes | v4/ (key, cache, signer, scope, string to sign, signature, sign, presign, chunked, event_stream), v4a/, v2 |
//! | S3 objects and POST | s3/ (v2: S3's SigV2) |
//! | verification | verify/ (claim, signature, sigv4, sigv2, chunked, event_stream, s3_v2) |
//! | adapters | http, this file |
//!
//! A module uses only its own layer or those above it in this table, and
//! within the primitives only those listed before it; `.ci/structure.py`
//! checks this (and that no function is longer than 80 lines) in CI.
//!
//! Features: `std` (default: [`SigningTime::now`], [`v4::SharedKeyCache`]),
//! `alloc`, `zeroize` (default: wipe key material on drop), `sigv4a`, `s3-sigv2`,
//! `http`, `time` (`time::OffsetDateTime` conversions).
//!
// Items behind features: linked where the feature is on, and to their
// docs.rs page otherwise (so the docs build, and read the same, either way).
#![cfg_attr(feature = "alloc", doc = "[`with_buffer`]: crate::with_buffer")]
#![cfg_attr(
    not(feature = "alloc"),
    doc = "[`with_buffer`]: https://docs.rs/awsig/latest/awsig/fn.with_buffer.html"
)]
#![cfg_attr(
    feature = "std",
    doc = "[`v4::SharedKeyCache`]: crate::v4::SharedKeyCache"
)]
#![cfg_attr(
    not(feature = "std"),
    doc = "[`v4::SharedKeyCache`]: https://docs.rs/awsig/latest/awsig/v4/struct.SharedKeyCache.html"
)]
#![cfg_attr(feature = "std", doc = "[`SigningTime::now`]: crate::SigningTime::now")]
#![cfg_attr(
    not(feature = "std"),
    doc = "[`SigningTime::now`]: https://docs.rs/awsig/latest/awsig/struct.SigningTime.html#method.now"
)]
#![cfg_attr(
    feature = "sigv4a",
    doc = "[`v4a::V4aSigningKey`]: crate::v4a::V4aSigningKey"
)]
#![cfg_attr(
    not(feature = "sigv4a"),
    doc = "[`v4a::V4aSigningKey`]: https://docs.rs/awsig/latest/awsig/v4a/struct.V4aSigningKey.html"
)]
#![no_std]
#![forbid(unsafe_code)]
#![warn(missing_docs)]
// No panic reachable from input: no unwrap, expect, panic or unchecked
// indexing; no arithmetic that can overflow, wrap or divide by zero
// unchecked (sizes come from input: `checked_*`/`saturating_*`, or a
// `wrapping_*` where a comment shows it cannot wrap).
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing,
        clippy::arithmetic_side_effects
    )
)]
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(any(feature = "alloc", test))]
extern crate alloc;
#[cfg(any(feature = "std", test))]
extern crate std;

mod canonical;
mod crc32;
mod credentials;
mod ct;
mod digits;
pub mod encode;
mod error;
#[cfg(feature = "http")]
pub mod http;
mod inline;
mod mac;
mod output;
mod rejection;
mod request;
pub mod s3;
mod scan;
mod sink;
mod sort;
mod time;
pub mod v2;
pub mod v4;
#[cfg(feature = "sigv4a")]
pub mod v4a;
pub mod verify;

pub use canonical::payload::{EMPTY_SHA256, Payload, PayloadHash};

/// The README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
pub use credentials::Credentials;
#[cfg(feature = "alloc")]
pub use credentials::OwnedCredentials;
pub use error::Error;
#[cfg(feature = "alloc")]
pub use output::with_buffer;
pub use output::{Output, Trace};
pub use request::Request;
pub use time::{AmzDate, DateStamp, Iso8601, SigningTime};
