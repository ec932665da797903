//! The fuzz targets of awsig, as plain functions of the fuzzer's bytes.
//!
//! `fuzz_targets/*.rs` hand libFuzzer's input to these functions; the root
//! crate's `tests/fuzz_replay.rs` (a dev-dependency on this crate, without
//! its `libfuzzer` feature) replays the committed corpus and regressions
//! through the very same code on the stable toolchain. Each function panics
//! (the fuzzer's "crash") when a property fails; see `fuzz/README.md` for
//! the properties.
//!
//! One module per target, and what they share: the [`Case`] most of them
//! start from, signing it once ([`signing`]), the `String` forms of the
//! signers ([`strings`]), the independent reference signer ([`reference`](mod@reference)),
//! the input layout ([`wire`]) and the test vectors as cases ([`vectors`]).

#![allow(clippy::too_many_lines)]

pub mod aws_chunked_decode;
pub mod case;
pub mod differential_canonical;
pub mod event_stream;
pub mod object_presigner;
pub mod post_form_verify;
pub mod query_roundtrip;
pub mod reference;
pub mod s3_v2;
pub mod sign_arbitrary;
pub mod signing;
pub mod strings;
pub mod vectors;
pub mod verify_arbitrary;
pub mod wire;

pub use aws_chunked_decode::aws_chunked_decode;
pub use case::{
    Case, CasePayload, F_CLAMP, F_CONTENT, F_DOUBLE, F_NORMALIZE, F_POLICY_BY_SERVICE,
    F_POLICY_SCOPE, F_PRESIGN, F_PRESIGN_UNSIGNED, F_S3, F_SET_CONTENT, F_SET_DOUBLE,
    F_SET_NORMALIZE, F_SET_PRESIGN_UNSIGNED, F_TOKEN_UNSIGNED,
};
pub use differential_canonical::{differential_canonical, differential_case};
pub use event_stream::event_stream;
pub use object_presigner::object_presigner;
pub use post_form_verify::{POST_ACCEPTED, PostCase, post_form_verify};
pub use query_roundtrip::{QueryCase, QueryPair, query_case, query_roundtrip};
pub use s3_v2::s3_v2;
pub use sign_arbitrary::{sign_arbitrary, sign_case};
pub use verify_arbitrary::{ACCEPTED, verify_arbitrary};
