//! `awsig.verify`: checks a received request's signature (SigV4 header or
//! query, SigV2 query or form) with secrets looked up from Python.
//!
//! Kept to this one function so that it follows the crate's
//! `verify::Policy` as it changes.

use std::cell::RefCell;

use awsig_core::verify::{
    self as core_verify, PayloadCoverage, Policy, Rejection, Scheme, Secret, SecretLookup,
};
use awsig_core::{Error as CoreError, Request};
use pyo3::prelude::*;
use pyo3::pybacked::PyBackedStr;

use crate::errors::OrRaise;
use crate::request::{PyPayload, split_url, with_host};
use crate::results::Verified;
use crate::time::{signing_time, to_datetime};

/// The secret (and session token) `secrets` gives for `akid`: a mapping or
/// a callable, giving a secret `str`, a `(secret, token)` pair, or `None`.
fn lookup(secrets: &Bound<'_, PyAny>, akid: &str) -> PyResult<Option<(String, Option<String>)>> {
    let found = if secrets.is_callable() {
        secrets.call1((akid,))?
    } else {
        secrets.call_method1(pyo3::intern!(secrets.py(), "get"), (akid,))?
    };
    if found.is_none() {
        return Ok(None);
    }
    if let Ok(secret) = found.extract::<String>() {
        return Ok(Some((secret, None)));
    }
    Ok(Some(found.extract::<(String, Option<String>)>()?))
}

/// Verifies a received request.
#[pyfunction]
#[pyo3(signature = (method, url, headers, secrets, *, service, payload=None, form=None, now=None,
    region=None, max_skew=900, sigv2_max_lifetime=None, allow_unsigned_payload=None,
    allow_streaming=None))]
#[allow(clippy::too_many_arguments)]
pub fn verify(
    py: Python<'_>,
    method: PyBackedStr,
    url: PyBackedStr,
    headers: &Bound<'_, PyAny>,
    secrets: &Bound<'_, PyAny>,
    service: PyBackedStr,
    payload: Option<&Bound<'_, PyAny>>,
    form: Option<PyBackedStr>,
    now: Option<&Bound<'_, PyAny>>,
    region: Option<PyBackedStr>,
    max_skew: u32,
    sigv2_max_lifetime: Option<u32>,
    allow_unsigned_payload: Option<bool>,
    allow_streaming: Option<bool>,
) -> PyResult<Verified> {
    let given = crate::request::headers(Some(headers))?;
    let payload = PyPayload::extract(payload)?;
    let target = split_url(&url).or_raise(py)?;
    let list = with_host(&given, target.host);
    let request = Request::new(&method, &target.target, &list).with_payload(payload.payload());
    // The server's policy: its service decides the rules and defaults.
    let mut policy = Policy::new(signing_time(py, now)?, &service).max_skew(max_skew);
    if let Some(region) = &region {
        policy = policy.region(region);
    }
    if let Some(lifetime) = sigv2_max_lifetime {
        policy = policy.sigv2(lifetime);
    }
    if let Some(allow) = allow_unsigned_payload {
        policy = policy.allow_unsigned_payload(allow);
    }
    if let Some(allow) = allow_streaming {
        policy = policy.allow_streaming(allow);
    }
    let form = form.as_deref();
    // First pass: learn which access key id the request claims (the secret
    // lookup is Python's, and the crate borrows the secret it returns).
    let claimed = RefCell::new(None::<String>);
    let first = check(&request, form, &policy, &|akid: &str| {
        *claimed.borrow_mut() = Some(akid.to_owned());
        None
    });
    let verified = match (first, claimed.into_inner()) {
        (Err(CoreError::Rejected(Rejection::UnknownAccessKey)), Some(akid)) => {
            match lookup(secrets, &akid)? {
                None => Err(Rejection::UnknownAccessKey.into()),
                Some((secret, token)) => check(&request, form, &policy, &|a: &str| {
                    (a == akid).then(|| Secret::new(&secret, token.as_deref()))
                })
                .map(|v| owned(py, &v)),
            }
        }
        (result, _) => result.map(|v| owned(py, &v)),
    };
    verified.or_raise(py)?
}

/// One verification of `request` (a SigV2 form when `form` is given).
fn check<'r, 's, L: SecretLookup<'s>>(
    request: &Request<'r>,
    form: Option<&'r str>,
    policy: &Policy<'_>,
    lookup: &L,
) -> Result<core_verify::Verified<'r>, CoreError> {
    match form {
        Some(form) => core_verify::verify_v2_form(request, form, lookup, policy),
        None => core_verify::verify(request, lookup, policy),
    }
}

fn owned(py: Python<'_>, v: &core_verify::Verified<'_>) -> PyResult<Verified> {
    let time = |t: Option<awsig_core::SigningTime>| t.map(|t| to_datetime(py, t)).transpose();
    Ok(Verified {
        scheme: match v.scheme {
            Scheme::V4Header => "v4-header",
            Scheme::V4Query => "v4-query",
            Scheme::V2Query => "v2-query",
            _ => "other",
        },
        access_key_id: v.access_key_id.to_owned(),
        region: v.region.map(str::to_owned),
        region_set: v.region_set.map(str::to_owned),
        service: v.service.map(str::to_owned),
        method: v.method.to_owned(),
        path: v.path.to_owned(),
        signed_headers: v.signed_header_names().map(str::to_owned).collect(),
        signature: v.signature.to_owned(),
        signed_at: time(v.signed_at)?,
        expires_at: time(v.expires_at)?,
        payload: match v.payload {
            PayloadCoverage::Checked => "checked",
            PayloadCoverage::Unsigned => "unsigned",
            PayloadCoverage::Chunked { .. } => "aws-chunked",
            PayloadCoverage::UnsignedChunked => "unsigned-aws-chunked",
            PayloadCoverage::Unread { .. } => "unread",
            _ => "other",
        },
        payload_sha256: match v.payload {
            PayloadCoverage::Unread { sha256 } => Some(sha256.to_owned()),
            _ => None,
        },
    })
}
