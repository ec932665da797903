//! `awsig.Signer`: credentials, a region and a service, and the signing key
//! of the day kept in a cache shared by every call (and thread).

use awsig_core::s3::ObjectOptions;
use std::sync::{Mutex, MutexGuard, PoisonError};

use awsig_core::v4::{self, KeyCache, SessionTokenMode, SigningKey, SigningSettings};
use awsig_core::{Credentials, Error as CoreError, OwnedCredentials, Request, SigningTime, v2};
use pyo3::prelude::*;
use pyo3::pybacked::PyBackedStr;
use pyo3::types::{PyList, PyString};

use crate::errors::OrRaise;
use crate::request::{PyPayload, split_url, with_host, with_output};
use crate::results::{Presigned, PresignedPost, SignedHeaders, SignedV2};
use crate::s3::{Object, Place, Presigner, PresignerFor};
use crate::time::{signing_time, to_datetime};

/// Signs and presigns requests with one set of credentials for one region
/// and service. The signing key is derived once per UTC day (and again when
/// the scope changes) and shared by all calls, from any thread.
///
/// `Signer(access_key_id, secret_access_key, region, service, *,
/// session_token=None, expires_at=None)` checks the credentials, the region
/// and the service, and derives today's key.
// The cache is a `KeyCache` behind a mutex: a call signs with the cached
// key under the lock (no copy of the key), holding the GIL, so the lock is
// contended only by batches, which copy the key out and sign without either.
#[pyclass(frozen, module = "awsig")]
pub struct Signer {
    pub(crate) credentials: OwnedCredentials,
    pub(crate) region: String,
    pub(crate) service: String,
    pub(crate) keys: Mutex<KeyCache>,
    /// The presigner of the last `presign_s3` call without options, for the
    /// next calls on the same bucket in the same second.
    pub(crate) last_presigner: Mutex<Option<(PresignerFor, Option<Presigner>)>>,
    /// S3's endpoint for the region (`s3.amazonaws.com` in us-east-1, as
    /// botocore's default; `s3.<region>.amazonaws.com` elsewhere).
    pub(crate) s3_endpoint: String,
}

/// Signing-rule overrides; `None` keeps the service's default (S3's rules
/// for the service `s3`, the rules of every other service otherwise).
pub struct Rules {
    pub normalize_path: Option<bool>,
    pub double_encode_path: Option<bool>,
    pub content_sha256_header: Option<bool>,
    pub unsigned_payload: Option<bool>,
    pub unsigned_session_token: bool,
}

impl Signer {
    fn cache(&self) -> MutexGuard<'_, KeyCache> {
        // Nothing panics while holding it; a poisoned cache is still sound.
        self.keys.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Runs `f` with a signer at `time` and the cached key, under the lock.
    pub(crate) fn with_signer<T>(
        &self,
        time: SigningTime,
        f: impl FnOnce(&v4::Signer<'_>) -> Result<T, CoreError>,
    ) -> Result<T, CoreError> {
        let credentials = self.credentials.as_credentials();
        let mut cache = self.cache();
        let key = cache.key(&credentials, time, &self.region, &self.service)?;
        f(&v4::Signer::new(key, &credentials, time)?)
    }

    /// Runs `sign` with the presigner made for `wanted`, made by `make`
    /// when the last one was for something else. `None` when there is none
    /// (its fixed parts too long): the caller signs in full.
    pub(crate) fn with_presigner<T>(
        &self,
        wanted: (&Place<'_>, &Object<'_>, SigningTime),
        make: impl FnOnce() -> Result<Option<Presigner>, CoreError>,
        sign: impl FnOnce(&Presigner) -> Result<T, CoreError>,
    ) -> Option<Result<T, CoreError>> {
        let mut last = self
            .last_presigner
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if !last
            .as_ref()
            .is_some_and(|(made_for, _)| made_for.serves(wanted))
        {
            match make() {
                Ok(presigner) => *last = Some((PresignerFor::new(wanted), presigner)),
                Err(e) => return Some(Err(e)),
            }
        }
        let presigner = last.as_ref()?.1.as_ref()?;
        Some(sign(presigner))
    }

    /// A copy of the key for `time`, to sign without the lock.
    pub(crate) fn key(&self, time: SigningTime) -> Result<SigningKey, CoreError> {
        let credentials = self.credentials.as_credentials();
        let mut cache = self.cache();
        cache
            .key(&credentials, time, &self.region, &self.service)
            .cloned()
    }

    fn settings(&self, rules: &Rules) -> SigningSettings {
        let base = SigningSettings::for_service(&self.service);
        let mut s = base
            .normalize_path(rules.normalize_path.unwrap_or(base.normalize_path))
            .double_encode_path(rules.double_encode_path.unwrap_or(base.double_encode_path))
            .content_sha256_header(
                rules
                    .content_sha256_header
                    .unwrap_or(base.content_sha256_header),
            )
            .presign_unsigned_payload(
                rules
                    .unsigned_payload
                    .unwrap_or(base.presign_unsigned_payload),
            );
        if rules.unsigned_session_token {
            s = s.session_token(SessionTokenMode::AppendedUnsigned);
        }
        s
    }
}

fn pairs(given: &[(PyBackedStr, PyBackedStr)]) -> Vec<(&str, &str)> {
    given.iter().map(|(n, v)| (&**n, &**v)).collect()
}

fn expires(seconds: i64) -> Result<u32, CoreError> {
    u32::try_from(seconds).map_err(|_| CoreError::ExpiresOutOfRange)
}

#[pymethods]
impl Signer {
    /// `Signer(access_key_id, secret_access_key, region, service, *,
    /// session_token=None, expires_at=None)`; checks the credentials, the
    /// region and the service (deriving today's key).
    #[new]
    #[pyo3(signature = (access_key_id, secret_access_key, region, service, *, session_token=None, expires_at=None))]
    fn new(
        py: Python<'_>,
        access_key_id: String,
        secret_access_key: String,
        region: String,
        service: String,
        session_token: Option<String>,
        expires_at: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let mut credentials =
            OwnedCredentials::new(access_key_id, secret_access_key, session_token).or_raise(py)?;
        if let Some(at) = expires_at {
            credentials = credentials.with_expiry(signing_time(py, Some(at))?);
        }
        let s3_endpoint = if region == "us-east-1" {
            "s3.amazonaws.com".to_owned()
        } else {
            format!("s3.{region}.amazonaws.com")
        };
        let signer = Self {
            credentials,
            region,
            service,
            keys: Mutex::new(KeyCache::new()),
            last_presigner: Mutex::new(None),
            s3_endpoint,
        };
        let now = SigningTime::now().or_raise(py)?;
        match signer.with_signer(now, |_| Ok(())) {
            Ok(()) | Err(CoreError::CredentialsExpired) => Ok(signer),
            Err(e) => Err(crate::errors::to_py(py, e)),
        }
    }

    /// The access key id.
    #[getter]
    fn access_key_id(&self) -> &str {
        self.credentials.as_credentials().access_key_id()
    }

    /// The region.
    #[getter]
    fn region(&self) -> &str {
        &self.region
    }

    /// The service.
    #[getter]
    fn service(&self) -> &str {
        &self.service
    }

    /// When the credentials expire (an aware UTC `datetime`), or `None`.
    #[getter]
    fn expires_at(&self, py: Python<'_>) -> PyResult<Option<Py<PyAny>>> {
        self.credentials
            .as_credentials()
            .expires_at()
            .map(|t| to_datetime(py, t))
            .transpose()
    }

    /// How many signing keys were derived so far (once per day and scope).
    #[getter]
    fn key_derivations(&self) -> u64 {
        self.cache().derivations()
    }

    fn __repr__(&self) -> String {
        let creds = self.credentials.as_credentials();
        format!(
            "Signer(access_key_id={:?}, region={:?}, service={:?}, session_token={})",
            creds.access_key_id(),
            self.region,
            self.service,
            if creds.session_token().is_some() {
                "<redacted>"
            } else {
                "None"
            }
        )
    }

    /// Presigns any request (SigV4 query parameters).
    ///
    /// `url` is a whole URL (`Host` taken from it unless `headers` has one;
    /// the result is a whole URL) or a request-target (`headers` must carry
    /// `Host`). `payload`: the body (bytes) or a payload line (str). The
    /// rule flags default to the service's (S3's for `s3`);
    /// `unsigned_session_token` appends the token after signing (AWS IoT).
    /// `trace=True` also returns the canonical request and string to sign.
    #[pyo3(signature = (method, url, *, headers=None, expires_in=3600, payload=None, time=None,
        normalize_path=None, double_encode_path=None, unsigned_payload=None,
        unsigned_session_token=false, trace=false))]
    #[allow(clippy::too_many_arguments)]
    fn presign(
        &self,
        py: Python<'_>,
        method: PyBackedStr,
        url: PyBackedStr,
        headers: Option<&Bound<'_, PyAny>>,
        expires_in: i64,
        payload: Option<&Bound<'_, PyAny>>,
        time: Option<&Bound<'_, PyAny>>,
        normalize_path: Option<bool>,
        double_encode_path: Option<bool>,
        unsigned_payload: Option<bool>,
        unsigned_session_token: bool,
        trace: bool,
    ) -> PyResult<Presigned> {
        let rules = Rules {
            normalize_path,
            double_encode_path,
            content_sha256_header: None,
            unsigned_payload,
            unsigned_session_token,
        };
        let given = crate::request::headers(headers)?;
        let payload = PyPayload::extract(payload)?;
        let time = signing_time(py, time)?;
        let settings = self.settings(&rules);
        let target = split_url(&url).or_raise(py)?;
        let list = with_host(&given, target.host);
        let mut request =
            Request::new(&method, &target.target, &list).with_payload(payload.payload());
        if let Some(scheme) = target.scheme {
            request = request.with_scheme(scheme);
        }
        let whole = target.scheme.is_some();
        let expires_in = expires(expires_in).or_raise(py)?;
        let ((url, signature), traced) = self
            .with_signer(time, |signer| {
                with_output(trace, |out| {
                    let p = if whole {
                        v4::presign_url(signer, &request, expires_in, &settings, out)?
                    } else {
                        v4::presign(signer, &request, expires_in, &settings, out)?
                    };
                    Ok((p.as_str().to_owned(), p.signature().as_str().to_owned()))
                })
            })
            .or_raise(py)?;
        let (canonical_request, string_to_sign) = traced.unzip();
        Ok(Presigned {
            url,
            signature,
            canonical_request,
            string_to_sign,
        })
    }

    /// Signs a request in its headers; returns the headers to add
    /// (`x-amz-date`, `authorization`, and the token and
    /// `x-amz-content-sha256` when they apply).
    ///
    /// `url` and `headers` as for `presign`; `payload` is the body (bytes;
    /// empty when `None`) or a payload line; `content_sha256_header` adds
    /// `x-amz-content-sha256` (on by default for `s3`).
    #[pyo3(signature = (method, url, *, headers=None, payload=None, time=None,
        normalize_path=None, double_encode_path=None, content_sha256_header=None,
        unsigned_session_token=false, trace=false))]
    #[allow(clippy::too_many_arguments)]
    fn sign_headers(
        &self,
        py: Python<'_>,
        method: PyBackedStr,
        url: PyBackedStr,
        headers: Option<&Bound<'_, PyAny>>,
        payload: Option<&Bound<'_, PyAny>>,
        time: Option<&Bound<'_, PyAny>>,
        normalize_path: Option<bool>,
        double_encode_path: Option<bool>,
        content_sha256_header: Option<bool>,
        unsigned_session_token: bool,
        trace: bool,
    ) -> PyResult<SignedHeaders> {
        let rules = Rules {
            normalize_path,
            double_encode_path,
            content_sha256_header,
            unsigned_payload: None,
            unsigned_session_token,
        };
        let given = crate::request::headers(headers)?;
        let payload = PyPayload::extract(payload)?;
        let time = signing_time(py, time)?;
        let settings = self.settings(&rules);
        let target = split_url(&url).or_raise(py)?;
        let list = with_host(&given, target.host);
        let request = Request::new(&method, &target.target, &list).with_payload(payload.payload());
        let ((added, authorization, signature), traced) = self
            .with_signer(time, |signer| {
                with_output(trace, |out| {
                    let s = v4::sign_headers(signer, &request, &settings, out)?;
                    let added: Vec<(String, String)> = s
                        .headers()
                        .map(|(n, v)| (n.to_owned(), v.to_owned()))
                        .collect();
                    Ok((
                        added,
                        s.authorization().to_owned(),
                        s.signature().as_str().to_owned(),
                    ))
                })
            })
            .or_raise(py)?;
        let (canonical_request, string_to_sign) = traced.unzip();
        Ok(SignedHeaders {
            headers: added,
            authorization,
            signature,
            canonical_request,
            string_to_sign,
        })
    }

    /// Signs with Signature Version 2 (the SQS Query API, HmacSHA256): the
    /// query of `url`, or `form` (a POST body) when given. `expires` signs
    /// `Expires` instead of `Timestamp`.
    #[pyo3(signature = (method, url, *, headers=None, form=None, expires=None, time=None, trace=false))]
    #[allow(clippy::too_many_arguments)]
    fn sign_v2(
        &self,
        py: Python<'_>,
        method: PyBackedStr,
        url: PyBackedStr,
        headers: Option<&Bound<'_, PyAny>>,
        form: Option<PyBackedStr>,
        expires: Option<&Bound<'_, PyAny>>,
        time: Option<&Bound<'_, PyAny>>,
        trace: bool,
    ) -> PyResult<SignedV2> {
        let given = crate::request::headers(headers)?;
        let validity = match expires {
            Some(e) => v2::Validity::Expires(signing_time(py, Some(e))?),
            None => v2::Validity::Timestamp(signing_time(py, time)?),
        };
        let target = split_url(&url).or_raise(py)?;
        let list = with_host(&given, target.host);
        let mut request = Request::new(&method, &target.target, &list);
        if let Some(scheme) = target.scheme {
            request = request.with_scheme(scheme);
        }
        let creds: Credentials<'_> = self.credentials.as_credentials();
        let hmac = v2::SignatureMethod::HmacSha256;
        let ((text, signature), traced) = with_output(trace, |out| {
            let s = match (&form, target.scheme) {
                (Some(form), _) => v2::sign_form(&creds, &request, form, validity, hmac, out)?,
                (None, Some(_)) => v2::sign_query_url(&creds, &request, validity, hmac, out)?,
                (None, None) => v2::sign_query(&creds, &request, validity, hmac, out)?,
            };
            Ok((s.as_str().to_owned(), s.signature().to_owned()))
        })
        .or_raise(py)?;
        let (url, body) = if form.is_some() {
            (None, Some(text))
        } else {
            (Some(text), None)
        };
        Ok(SignedV2 {
            url,
            body,
            signature,
            string_to_sign: traced.map(|(_, sts)| sts),
        })
    }

    /// A presigned URL for an S3 object, byte-identical to boto3's
    /// `generate_presigned_url` for the same GET or PUT.
    ///
    /// `key` is the raw object key (encoded here, once, as S3 wants).
    /// `endpoint`: host and optional port (default: AWS's for the region,
    /// `s3.amazonaws.com` in us-east-1 as botocore does); `path_style` puts
    /// the bucket in the path; `http` for local stores. `query` parameters
    /// and `headers` (which the client must then send) are signed too. The
    /// query is in botocore's order (operation parameters, then the
    /// `X-Amz-*` ones; the order is not signed).
    #[pyo3(signature = (bucket, key, *, method="GET", expires_in=3600, endpoint=None,
        path_style=false, http=false, query=None, headers=None, time=None))]
    #[allow(clippy::too_many_arguments)]
    fn presign_s3<'py>(
        &self,
        py: Python<'py>,
        bucket: PyBackedStr,
        key: PyBackedStr,
        method: &str,
        expires_in: i64,
        endpoint: Option<PyBackedStr>,
        path_style: bool,
        http: bool,
        query: Option<&Bound<'py, PyAny>>,
        headers: Option<&Bound<'py, PyAny>>,
        time: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyString>> {
        let time = signing_time(py, time)?;
        let query = crate::request::headers(query)?;
        let headers = crate::request::headers(headers)?;
        let (query, headers) = (pairs(&query), pairs(&headers));
        let place = Place {
            endpoint: endpoint.as_deref(),
            bucket: &bucket,
            path_style,
            http,
        };
        let object = Object {
            method,
            expires_in: expires(expires_in).or_raise(py)?,
            options: ObjectOptions::default().query(&query).headers(&headers),
        };
        crate::s3::presign_one(py, self, &place, &object, &key, time)
    }

    /// `presign_s3` for many keys of one bucket, in order, at one time,
    /// signed with the GIL released; batches of more than 2048 keys are
    /// split across up to `threads` threads (default: the CPUs).
    #[pyo3(signature = (bucket, keys, *, method="GET", expires_in=3600, endpoint=None,
        path_style=false, http=false, time=None, threads=None))]
    #[allow(clippy::too_many_arguments)]
    fn presign_s3_many<'py>(
        &self,
        py: Python<'py>,
        bucket: PyBackedStr,
        keys: &Bound<'py, PyAny>,
        method: &str,
        expires_in: i64,
        endpoint: Option<PyBackedStr>,
        path_style: bool,
        http: bool,
        time: Option<&Bound<'py, PyAny>>,
        threads: Option<usize>,
    ) -> PyResult<Bound<'py, PyList>> {
        let time = signing_time(py, time)?;
        let place = Place {
            endpoint: endpoint.as_deref(),
            bucket: &bucket,
            path_style,
            http,
        };
        let object = Object {
            method,
            expires_in: expires(expires_in).or_raise(py)?,
            options: ObjectOptions::default(),
        };
        crate::s3::presign_many(py, self, &place, &object, keys, time, threads)
    }

    /// A signed S3 POST policy and the fields of a browser upload form.
    /// `conditions` in botocore's forms; `fields` extra form fields (each
    /// needs a condition); a `key` ending in `${filename}` allows any key
    /// with that prefix.
    #[pyo3(signature = (bucket, key, *, expires_in=3600, conditions=None, fields=None, time=None))]
    #[allow(clippy::too_many_arguments)]
    fn presign_post(
        &self,
        py: Python<'_>,
        bucket: PyBackedStr,
        key: PyBackedStr,
        expires_in: i64,
        conditions: Option<&Bound<'_, PyAny>>,
        fields: Option<&Bound<'_, PyAny>>,
        time: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PresignedPost> {
        let time = signing_time(py, time)?;
        let fields = crate::request::headers(fields)?;
        let expires_in = expires(expires_in).or_raise(py)?;
        crate::s3::presign_post(
            py, self, &bucket, &key, expires_in, conditions, &fields, time,
        )
    }
}
