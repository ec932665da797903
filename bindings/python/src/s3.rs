//! S3 objects: presigned GET/PUT/... URLs one at a time and in batches
//! (signed with the GIL released, across threads for big batches), and
//! POST policies.

use awsig_core::s3::{
    self, Addressing, Bucket, Condition, KeyCondition, ObjectOptions, PostPolicy,
};
use awsig_core::v4::{self, SigningKey};
use awsig_core::{Error as CoreError, SigningTime};
use pyo3::prelude::*;
use pyo3::pybacked::PyBackedStr;
use pyo3::types::{PyList, PyString};

use crate::errors::OrRaise;
use crate::results::PresignedPost;
use crate::signer::Signer;

/// Where the objects are: endpoint, bucket, addressing, scheme.
pub struct Place<'a> {
    pub endpoint: Option<&'a str>,
    pub bucket: &'a str,
    pub path_style: bool,
    pub http: bool,
}

impl Place<'_> {
    fn bucket<'b>(&'b self, signer: &'b Signer) -> Result<Bucket<'b>, CoreError> {
        let addressing = if self.path_style {
            Addressing::Path
        } else {
            Addressing::VirtualHosted
        };
        let endpoint = self.endpoint.unwrap_or(&signer.s3_endpoint);
        let bucket = Bucket::new(endpoint, self.bucket, addressing)?;
        Ok(if self.http { bucket.http() } else { bucket })
    }
}

/// What one object URL signs besides the key.
pub struct Object<'a> {
    pub method: &'a str,
    pub expires_in: u32,
    pub options: ObjectOptions<'a>,
}

/// URLs up to this many bytes are written on the stack.
const STACK_URL: usize = 2048;

/// botocore's order of the query of a presigned URL: the operation's
/// parameters, then these, then the signature. The crate writes the query in
/// canonical (sorted) order; the order is not signed, and writing botocore's
/// makes the URLs byte-identical to boto3's `generate_presigned_url`.
const BOTOCORE_ORDER: [&str; 7] = [
    "X-Amz-Algorithm=",
    "X-Amz-Credential=",
    "X-Amz-Date=",
    "X-Amz-Expires=",
    "X-Amz-SignedHeaders=",
    "X-Amz-Security-Token=",
    "X-Amz-Signature=",
];

/// Appends `url` to `out` with its query in botocore's order.
fn push_botocore_order(out: &mut String, url: &str) {
    let Some((base, query)) = url.split_once('?') else {
        out.push_str(url);
        return;
    };
    out.push_str(base);
    let mut sep = '?';
    let mut put = |param: &str| {
        out.push(sep);
        out.push_str(param);
        sep = '&';
    };
    let is_auth = |p: &str| BOTOCORE_ORDER.iter().any(|lead| p.starts_with(lead));
    query.split('&').filter(|p| !is_auth(p)).for_each(&mut put);
    for lead in BOTOCORE_ORDER {
        query
            .split('&')
            .filter(|p| p.starts_with(lead))
            .for_each(&mut put);
    }
}

/// Presigns `key`, appending the URL to `out`.
fn presign_into(
    signer: &v4::Signer<'_>,
    bucket: &Bucket<'_>,
    object: &Object<'_>,
    key: &str,
    out: &mut String,
) -> Result<(), CoreError> {
    let mut stack = [0u8; STACK_URL];
    let (method, expires_in, options) = (object.method, object.expires_in, &object.options);
    // Without a token or extra parameters, sorted is botocore's order already.
    let push = if signer.session_token().is_some() || !options.query.is_empty() {
        push_botocore_order
    } else {
        String::push_str
    };
    match s3::presign_object(signer, bucket, method, key, expires_in, options, &mut stack) {
        Ok(url) => push(out, url.as_str()),
        Err(CoreError::BufferTooSmall { needed }) => {
            let mut heap = vec![0u8; needed];
            let url =
                s3::presign_object(signer, bucket, method, key, expires_in, options, &mut heap)?;
            push(out, url.as_str());
        }
        Err(e) => return Err(e),
    }
    Ok(())
}

/// One object URL.
pub fn presign_one<'py>(
    py: Python<'py>,
    signer: &Signer,
    place: &Place<'_>,
    object: &Object<'_>,
    key: &str,
    time: SigningTime,
) -> PyResult<Bound<'py, PyString>> {
    if object.options.query.is_empty() && object.options.headers.is_empty() {
        let wanted = (place, object, time);
        let make = || {
            let bucket = place.bucket(signer)?;
            signer.with_signer(time, |s| Presigner::new(s, &bucket, object))
        };
        if let Some(url) = signer.with_presigner(wanted, make, |p| presign_with(py, p, key)) {
            return url.or_raise(py);
        }
    }
    let bucket = place.bucket(signer).or_raise(py)?;
    signer
        .with_signer(time, |s| {
            let mut stack = [0u8; STACK_URL];
            let (method, expires_in, options) = (object.method, object.expires_in, &object.options);
            // The common case (no token, no extra parameter, a URL that
            // fits): straight from the stack to a Python string.
            if s.session_token().is_none() && options.query.is_empty() {
                let out = &mut stack;
                match s3::presign_object(s, &bucket, method, key, expires_in, options, out) {
                    Ok(url) => return Ok(PyString::new(py, url.as_str())),
                    Err(CoreError::BufferTooSmall { .. }) => {}
                    Err(e) => return Err(e),
                }
            }
            let mut url = String::new();
            presign_into(s, &bucket, object, key, &mut url)?;
            Ok(PyString::new(py, &url))
        })
        .or_raise(py)
}

/// What a cached [`Presigner`] was made for: a later call with the same
/// place, method, expiry and signing time (to the second) reuses it.
pub struct PresignerFor {
    endpoint: Option<String>,
    bucket: String,
    path_style: bool,
    http: bool,
    method: String,
    expires_in: u32,
    time: SigningTime,
}

impl PresignerFor {
    pub fn new((place, object, time): (&Place<'_>, &Object<'_>, SigningTime)) -> Self {
        Self {
            endpoint: place.endpoint.map(str::to_owned),
            bucket: place.bucket.to_owned(),
            path_style: place.path_style,
            http: place.http,
            method: object.method.to_owned(),
            expires_in: object.expires_in,
            time,
        }
    }

    /// Whether a presigner made for `self` serves `place`, `object`, `time`
    /// (compared without allocating: this runs on every call).
    pub fn serves(&self, (place, object, time): (&Place<'_>, &Object<'_>, SigningTime)) -> bool {
        self.time == time
            && self.bucket == place.bucket
            && self.endpoint.as_deref() == place.endpoint
            && (self.path_style, self.http) == (place.path_style, place.http)
            && self.method == object.method
            && self.expires_in == object.expires_in
    }
}

/// An `s3::ObjectPresigner` with room for a long session token, and
/// whether the URLs need botocore's query order.
pub struct Presigner {
    inner: Box<s3::ObjectPresigner<PRESIGNER_ROOM>>,
    botocore_order: bool,
}

/// Bytes for the fixed parts of a URL (two copies of the canonical query,
/// session token included).
const PRESIGNER_ROOM: usize = 16384;

impl Presigner {
    /// `None` when the fixed parts do not fit (the caller signs each URL in
    /// full); an error of the request otherwise.
    fn new(
        signer: &v4::Signer<'_>,
        bucket: &Bucket<'_>,
        object: &Object<'_>,
    ) -> Result<Option<Self>, CoreError> {
        let (method, expires_in, options) = (object.method, object.expires_in, &object.options);
        match s3::ObjectPresigner::new(signer, bucket, method, expires_in, options) {
            Ok(inner) => Ok(Some(Self {
                inner: Box::new(inner),
                botocore_order: signer.session_token().is_some() || !options.query.is_empty(),
            })),
            Err(CoreError::BufferTooSmall { .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }
}

/// Presigns `key` with a prepared presigner into a Python string.
fn presign_with<'py>(
    py: Python<'py>,
    presigner: &Presigner,
    key: &str,
) -> Result<Bound<'py, PyString>, CoreError> {
    // Most URLs without a session token are shorter.
    let mut stack = [0u8; 640];
    if !presigner.botocore_order {
        match presigner.inner.presign(key, &mut stack) {
            Ok(url) => return Ok(PyString::new(py, url.as_str())),
            Err(CoreError::BufferTooSmall { .. }) => {}
            Err(e) => return Err(e),
        }
    }
    let mut url = String::new();
    push_presigned(presigner, key, &mut Vec::new(), &mut url)?;
    Ok(PyString::new(py, &url))
}

/// Appends the URL of `key` to `out`, in botocore's order, signed in
/// `scratch` (grown as needed, never shrunk: a batch zeroes it once).
fn push_presigned(
    presigner: &Presigner,
    key: &str,
    scratch: &mut Vec<u8>,
    out: &mut String,
) -> Result<(), CoreError> {
    let push = if presigner.botocore_order {
        push_botocore_order
    } else {
        String::push_str
    };
    match presigner.inner.presign(key, scratch.as_mut_slice()) {
        Ok(url) => push(out, url.as_str()),
        Err(CoreError::BufferTooSmall { needed }) => {
            scratch.resize(needed, 0);
            push(
                out,
                presigner
                    .inner
                    .presign(key, scratch.as_mut_slice())?
                    .as_str(),
            );
        }
        Err(e) => return Err(e),
    }
    Ok(())
}

/// Signs `keys` (one thread), appending each URL to `text` and its end to
/// `ends`; through `presigner` when there is one.
fn presign_run(
    signer: &v4::Signer<'_>,
    bucket: &Bucket<'_>,
    object: &Object<'_>,
    presigner: Option<&Presigner>,
    keys: &[PyBackedStr],
) -> Result<(String, Vec<usize>), CoreError> {
    // A URL is the key (up to 3x encoded) plus some 300 bytes.
    let guess = keys.iter().map(|k| k.len() + 320).sum();
    let mut text = String::with_capacity(guess);
    let mut ends = Vec::with_capacity(keys.len());
    let mut scratch = vec![0u8; STACK_URL];
    for key in keys {
        match presigner {
            Some(p) => push_presigned(p, key, &mut scratch, &mut text)?,
            None => presign_into(signer, bucket, object, key, &mut text)?,
        }
        ends.push(text.len());
    }
    Ok((text, ends))
}

/// Keys per thread below which a batch is not split.
const PER_THREAD: usize = 2048;

/// Keys signed at a time: a chunk's URLs (some 100 KB) stay in the cache
/// and in memory the allocator reuses, instead of one buffer as large as
/// the batch, freshly mapped (and page-faulted) on every call.
const CHUNK: usize = 256;

/// What stops a batch: a signing error, or Python's (a failed append).
enum Failed {
    Sign(CoreError),
    Python(PyErr),
}

impl From<CoreError> for Failed {
    fn from(e: CoreError) -> Self {
        Failed::Sign(e)
    }
}

/// Signs every key in chunks, on up to `threads` threads (without the GIL,
/// nor the key cache's lock: with a copy of the key), and appends the URLs
/// to `list` in order; the calling thread turns each chunk into Python
/// strings (taking the GIL for that) as the chunks come.
#[allow(clippy::too_many_arguments)]
fn presign_all(
    signer: &Signer,
    place: &Place<'_>,
    object: &Object<'_>,
    keys: &[PyBackedStr],
    time: SigningTime,
    threads: usize,
    list: &Py<PyList>,
) -> Result<(), Failed> {
    let bucket = place.bucket(signer)?;
    let key = signer.key(time)?;
    let credentials = signer.credentials.as_credentials();
    let s = &v4::Signer::new(&key, &credentials, time)?;
    let presigner = Presigner::new(s, &bucket, object)?;
    let presigner = presigner.as_ref();
    let sign = |part: &[PyBackedStr]| presign_run(s, &bucket, object, presigner, part);
    let threads = threads.clamp(1, keys.len().div_ceil(PER_THREAD).max(1));
    if threads == 1 {
        return keys
            .chunks(CHUNK)
            .try_for_each(|part| append(list, &sign(part)?));
    }
    std::thread::scope(|scope| {
        // Worker `w` signs chunks w, w + threads, ...; reading the workers
        // in turn gives the chunks in order.
        let workers: Vec<_> = (0..threads)
            .map(|w| {
                let (tx, rx) = std::sync::mpsc::sync_channel(2);
                let sign = &sign;
                scope.spawn(move || {
                    for part in keys.chunks(CHUNK).skip(w).step_by(threads) {
                        if tx.send(sign(part)).is_err() {
                            break; // the caller stopped at an error
                        }
                    }
                });
                rx
            })
            .collect();
        for rx in workers.iter().cycle().take(keys.len().div_ceil(CHUNK)) {
            let run = rx.recv().map_err(|_| CoreError::WriteFailed)??;
            append(list, &run)?;
        }
        Ok(())
    })
}

/// Appends the URLs of a signed chunk to `list`, with the GIL.
fn append(list: &Py<PyList>, (text, ends): &(String, Vec<usize>)) -> Result<(), Failed> {
    Python::attach(|py| {
        let list = list.bind(py);
        let mut start = 0;
        for &end in ends {
            list.append(PyString::new(py, text.get(start..end).unwrap_or_default()))?;
            start = end;
        }
        Ok(())
    })
    .map_err(Failed::Python)
}

/// Many object URLs, in the order of `keys`.
#[allow(clippy::too_many_arguments)]
pub fn presign_many<'py>(
    py: Python<'py>,
    signer: &Signer,
    place: &Place<'_>,
    object: &Object<'_>,
    keys: &Bound<'py, PyAny>,
    time: SigningTime,
    threads: Option<usize>,
) -> PyResult<Bound<'py, PyList>> {
    if keys.is_instance_of::<PyString>() {
        return Err(pyo3::exceptions::PyTypeError::new_err(
            "keys must be an iterable of keys, not one str",
        ));
    }
    let keys: Vec<PyBackedStr> = keys
        .try_iter()?
        .map(|k| k?.extract::<PyBackedStr>())
        .collect::<PyResult<_>>()?;
    let threads = threads.unwrap_or_else(|| {
        std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
    });
    let list = PyList::empty(py).unbind();
    match py.detach(|| presign_all(signer, place, object, &keys, time, threads, &list)) {
        Ok(()) => Ok(list.into_bound(py)),
        Err(Failed::Sign(e)) => Err(e).or_raise(py),
        Err(Failed::Python(e)) => Err(e),
    }
}

/// One condition of a POST policy, from botocore's forms: `{"name":
/// "value"}`, `["eq", "$name", "value"]`, `["starts-with", "$name",
/// "prefix"]`, `["content-length-range", min, max]`.
enum OwnedCondition {
    Equals(String, String),
    StartsWith(String, String),
    Range(u64, u64),
}

fn conditions(value: Option<&Bound<'_, PyAny>>) -> PyResult<Vec<OwnedCondition>> {
    let mut out = Vec::new();
    let Some(value) = value else {
        return Ok(out);
    };
    for item in value.try_iter()? {
        let item = item?;
        if let Ok(dict) = item.cast::<pyo3::types::PyDict>() {
            for (name, value) in dict.iter() {
                out.push(OwnedCondition::Equals(name.extract()?, value.extract()?));
            }
            continue;
        }
        let parts: Vec<Bound<'_, PyAny>> = item.try_iter()?.collect::<PyResult<_>>()?;
        let [op, a, b] = <[Bound<'_, PyAny>; 3]>::try_from(parts).map_err(|_| {
            pyo3::exceptions::PyValueError::new_err(
                "a POST policy condition is a dict or a list of three items",
            )
        })?;
        let op: String = op.extract()?;
        let field = |v: &Bound<'_, PyAny>| -> PyResult<String> {
            let s: String = v.extract()?;
            Ok(s.strip_prefix('$').map(str::to_owned).unwrap_or(s))
        };
        out.push(match op.to_ascii_lowercase().as_str() {
            "eq" => OwnedCondition::Equals(field(&a)?, b.extract()?),
            "starts-with" => OwnedCondition::StartsWith(field(&a)?, b.extract()?),
            "content-length-range" => OwnedCondition::Range(a.extract()?, b.extract()?),
            other => {
                return Err(pyo3::exceptions::PyValueError::new_err(format!(
                    "unknown POST policy condition {other:?} (eq, starts-with, content-length-range)"
                )));
            }
        });
    }
    Ok(out)
}

/// A signed POST policy for `bucket` and `key` (`key` ending in
/// `${filename}`: any key with that prefix, as botocore does).
#[allow(clippy::too_many_arguments)]
pub fn presign_post(
    py: Python<'_>,
    signer: &Signer,
    bucket: &str,
    key: &str,
    expires_in: u32,
    condition_list: Option<&Bound<'_, PyAny>>,
    fields: &[(PyBackedStr, PyBackedStr)],
    time: SigningTime,
) -> PyResult<PresignedPost> {
    let owned = conditions(condition_list)?;
    let conds: Vec<Condition<'_>> = owned
        .iter()
        .map(|c| match c {
            OwnedCondition::Equals(n, v) => Condition::Equals(n, v),
            OwnedCondition::StartsWith(n, p) => Condition::StartsWith(n, p),
            OwnedCondition::Range(a, b) => Condition::ContentLengthRange(*a, *b),
        })
        .collect();
    let field_list: Vec<(&str, &str)> = fields.iter().map(|(n, v)| (&**n, &**v)).collect();
    let key_condition = match key.strip_suffix("${filename}") {
        Some(prefix) => KeyCondition::Prefix(prefix),
        None => KeyCondition::Exact(key),
    };
    let policy = PostPolicy::new(bucket, key_condition, expires_in)
        .conditions(&conds)
        .fields(&field_list);
    signer
        .with_signer(time, |s| sign_post(s, &policy))
        .or_raise(py)
}

fn sign_post(
    signer: &v4::Signer<'_, SigningKey>,
    policy: &PostPolicy<'_>,
) -> Result<PresignedPost, CoreError> {
    let mut size = 4096;
    loop {
        let mut buf = vec![0u8; size];
        match s3::presign_post(signer, policy, &mut buf) {
            Err(CoreError::BufferTooSmall { needed }) if needed > size => size = needed,
            Err(e) => return Err(e),
            Ok(post) => {
                return Ok(PresignedPost {
                    fields: post
                        .fields()
                        .map(|(n, v)| (n.to_owned(), v.to_owned()))
                        .collect(),
                    policy_json: post.policy_json().to_owned(),
                    policy: post.policy().to_owned(),
                    signature: post.signature().to_owned(),
                });
            }
        }
    }
}
