//! awsig's errors as Python exceptions: one base class, a subclass per
//! family of the crate's stable `kind` words, and the word itself on every
//! instance as `kind`.

use awsig_core::Error as CoreError;
use pyo3::create_exception;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

create_exception!(
    awsig,
    Error,
    PyValueError,
    "Base class of awsig's errors. `kind` is the crate's stable word for the \
     error (`bad_target`, `bad_header`, `expires_range`, `signature_mismatch`, ...)."
);
create_exception!(
    awsig,
    RequestError,
    Error,
    "The request is malformed: method, target/URL, header, bucket name or payload \
     (kinds `bad_method`, `bad_target`, `bad_header`, `bad_payload`)."
);
create_exception!(
    awsig,
    CredentialsError,
    Error,
    "Bad or expired credentials (kind `bad_credentials`)."
);
create_exception!(
    awsig,
    ScopeError,
    Error,
    "A bad region or service, or a key for another scope (kind `bad_scope`)."
);
create_exception!(
    awsig,
    TimeError,
    Error,
    "A time outside 1970..=9999 or not RFC 3339 UTC (kind `bad_time`)."
);
create_exception!(
    awsig,
    ExpiresError,
    Error,
    "`expires_in` outside 1..=604800, or past the credentials' expiry (kind `expires_range`)."
);
create_exception!(
    awsig,
    VerificationError,
    Error,
    "Verification refused the request's authentication; `kind` says why \
     (`signature_mismatch`, `expired`, `unknown_access_key`, ...)."
);

/// The Python exception for `e`, with `kind` set (no secret is ever in an
/// awsig error, nor in its message).
pub fn to_py(py: Python<'_>, e: CoreError) -> PyErr {
    let kind = e.kind();
    let message = e.to_string();
    let err = if e.rejection().is_some() {
        VerificationError::new_err(message)
    } else {
        match kind {
            "bad_method" | "bad_target" | "bad_header" | "bad_payload" => {
                RequestError::new_err(message)
            }
            "bad_credentials" => CredentialsError::new_err(message),
            "bad_scope" => ScopeError::new_err(message),
            "bad_time" => TimeError::new_err(message),
            "expires_range" => ExpiresError::new_err(message),
            _ => Error::new_err(message),
        }
    };
    // Setting an attribute on a fresh exception instance cannot fail in
    // practice; if it did, the exception is still the right class.
    let _ = err.value(py).setattr("kind", kind);
    err
}

/// `result`'s error as a Python exception.
pub trait OrRaise<T> {
    /// Converts the awsig error, if any.
    fn or_raise(self, py: Python<'_>) -> PyResult<T>;
}

impl<T> OrRaise<T> for Result<T, CoreError> {
    fn or_raise(self, py: Python<'_>) -> PyResult<T> {
        self.map_err(|e| to_py(py, e))
    }
}

/// Adds the exception classes to the module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("Error", py.get_type::<Error>())?;
    m.add("RequestError", py.get_type::<RequestError>())?;
    m.add("CredentialsError", py.get_type::<CredentialsError>())?;
    m.add("ScopeError", py.get_type::<ScopeError>())?;
    m.add("TimeError", py.get_type::<TimeError>())?;
    m.add("ExpiresError", py.get_type::<ExpiresError>())?;
    m.add("VerificationError", py.get_type::<VerificationError>())?;
    Ok(())
}
