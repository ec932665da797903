//! What the signing calls return (besides plain `str` URLs).

use pyo3::prelude::*;
use pyo3::types::PyDict;

/// A presigned request: `url` (a whole URL when a URL was given, else the
/// request-target), its `signature`, and when asked for (`trace=True`) the
/// `canonical_request` and `string_to_sign`.
#[pyclass(frozen, module = "awsig", get_all)]
pub struct Presigned {
    pub url: String,
    pub signature: String,
    pub canonical_request: Option<String>,
    pub string_to_sign: Option<String>,
}

#[pymethods]
impl Presigned {
    fn __str__(&self) -> &str {
        &self.url
    }

    fn __repr__(&self) -> String {
        // The URL may carry a session token: not shown.
        format!("Presigned(signature={:?})", self.signature)
    }
}

/// Signed headers: `headers` to add to the request (`x-amz-date`,
/// `authorization`, and `x-amz-security-token`/`x-amz-content-sha256` when
/// they apply), the `authorization` value, the `signature`, and when asked
/// for the `canonical_request` and `string_to_sign`.
#[pyclass(frozen, module = "awsig", get_all)]
pub struct SignedHeaders {
    pub headers: Vec<(String, String)>,
    pub authorization: String,
    pub signature: String,
    pub canonical_request: Option<String>,
    pub string_to_sign: Option<String>,
}

#[pymethods]
impl SignedHeaders {
    fn __repr__(&self) -> String {
        format!("SignedHeaders(signature={:?})", self.signature)
    }
}

/// A SigV2-signed request: `url` (query signing: the target or URL with
/// the signature) or `body` (form signing: the body to send), `signature`,
/// and when asked for the `string_to_sign`.
#[pyclass(frozen, module = "awsig", get_all)]
pub struct SignedV2 {
    pub url: Option<String>,
    pub body: Option<String>,
    pub signature: String,
    pub string_to_sign: Option<String>,
}

#[pymethods]
impl SignedV2 {
    fn __repr__(&self) -> String {
        format!("SignedV2(signature={:?})", self.signature)
    }
}

/// A signed S3 POST policy: `fields` (the form's fields, in order; the file
/// field comes after them), `policy_json` (what was signed), `policy`
/// (base64) and `signature`.
#[pyclass(frozen, module = "awsig")]
pub struct PresignedPost {
    pub fields: Vec<(String, String)>,
    #[pyo3(get)]
    pub policy_json: String,
    #[pyo3(get)]
    pub policy: String,
    #[pyo3(get)]
    pub signature: String,
}

#[pymethods]
impl PresignedPost {
    /// The form fields as a new `dict` (in form order).
    #[getter]
    fn fields<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let dict = PyDict::new(py);
        for (name, value) in &self.fields {
            dict.set_item(name, value)?;
        }
        Ok(dict)
    }

    fn __repr__(&self) -> String {
        format!("PresignedPost(signature={:?})", self.signature)
    }
}

/// A verified request: who signed it, for what scope, and when.
#[pyclass(frozen, module = "awsig", get_all)]
pub struct Verified {
    /// `"v4-header"`, `"v4-query"` or `"v2-query"`.
    pub scheme: &'static str,
    pub access_key_id: String,
    pub region: Option<String>,
    pub region_set: Option<String>,
    pub service: Option<String>,
    pub method: String,
    pub path: String,
    pub signed_headers: Vec<String>,
    pub signature: String,
    pub signed_at: Option<Py<PyAny>>,
    pub expires_at: Option<Py<PyAny>>,
    /// What was established of the body: `"checked"`, `"unsigned"`,
    /// `"aws-chunked"`, `"unsigned-aws-chunked"` or `"unread"`.
    pub payload: &'static str,
    /// For `"unread"`: the signed SHA-256 (hex) the body must have.
    pub payload_sha256: Option<String>,
}

#[pymethods]
impl Verified {
    fn __repr__(&self) -> String {
        format!(
            "Verified(scheme={:?}, access_key_id={:?}, method={:?}, path={:?})",
            self.scheme, self.access_key_id, self.method, self.path
        )
    }
}
