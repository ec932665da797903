//! Command-line tools built on awsig, and what they share.
//!
//! The binaries:
//!
//! * `presign` (its own crate, `tools/presign`, so that the README's first
//!   command builds little more than awsig): a presigned URL for any AWS
//!   service, region and service inferred from the host;
//! * `chunked_upload`: a signed aws-chunked S3 upload of a file, with an
//!   optional CRC32 trailer, and the curl command that sends it;
//! * `post_form`: an HTML page (or the fields) of an S3 presigned POST form.
//!
//! The conformance runner is a library module ([`conformance`], feature
//! `conformance`): the root crate's `conformance` example is its command,
//! and the root crate's tests run the corpora through the same code.
//!
//! `tests/s3s_fs.sh` drives `presign`, `chunked_upload` and `post_form`
//! against a real S3 server.

pub mod cli;
#[cfg(feature = "conformance")]
pub mod conformance;
pub mod counting;
pub mod env;
pub mod url;
