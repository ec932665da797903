//! Python bindings of awsig (`import awsig`): a `Signer` holding
//! credentials and the day's signing key for a region and service, with
//! presigned URLs (any request, S3 objects one by one or in batches without
//! the GIL), header signing, SigV2, S3 POST policies; `verify` for servers;
//! awsig's errors as exceptions carrying the crate's stable `kind`.
//!
//! No `unsafe` here: only what PyO3's macros generate.
#![deny(unsafe_code)]

mod errors;
mod request;
mod results;
mod s3;
mod signer;
mod time;
mod verify;

use pyo3::prelude::*;

/// The extension module, re-exported by the package `awsig`.
#[pymodule]
fn _awsig(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<signer::Signer>()?;
    m.add_class::<results::Presigned>()?;
    m.add_class::<results::SignedHeaders>()?;
    m.add_class::<results::SignedV2>()?;
    m.add_class::<results::PresignedPost>()?;
    m.add_class::<results::Verified>()?;
    m.add_function(wrap_pyfunction!(verify::verify, m)?)?;
    m.add("MAX_EXPIRES", awsig_core::v4::MAX_EXPIRES)?;
    errors::register(m)
}
