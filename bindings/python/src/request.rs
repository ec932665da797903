//! Requests from Python values: headers, URL or target, payload; and a
//! buffer that grows to what a signer asks for.

use std::borrow::Cow;

use awsig_core::{Error as CoreError, Output, Payload, Trace};
use pyo3::prelude::*;
use pyo3::pybacked::{PyBackedBytes, PyBackedStr};
use pyo3::types::{PyBytes, PyString};

/// Headers given as a mapping (`dict`, ...) or as `(name, value)` pairs;
/// `None` is no header.
pub fn headers(value: Option<&Bound<'_, PyAny>>) -> PyResult<Vec<(PyBackedStr, PyBackedStr)>> {
    let Some(value) = value else {
        return Ok(Vec::new());
    };
    let pairs = if value.hasattr(pyo3::intern!(value.py(), "items"))? {
        value.call_method0(pyo3::intern!(value.py(), "items"))?
    } else {
        value.clone()
    };
    pairs
        .try_iter()?
        .map(|pair| pair?.extract::<(PyBackedStr, PyBackedStr)>())
        .collect()
}

/// A URL split into what the crate takes.
pub struct Target<'u> {
    /// `https`, `http`, ...; `None` when a request-target was given.
    pub scheme: Option<&'u str>,
    /// The authority (`host[:port]`); `None` when a request-target was given.
    pub host: Option<&'u str>,
    /// The request-target (`/path?query`).
    pub target: Cow<'u, str>,
}

/// `url` as `scheme://host/path?query` or as a request-target `/path?query`.
pub fn split_url(url: &str) -> Result<Target<'_>, CoreError> {
    if url.starts_with('/') {
        return Ok(Target {
            scheme: None,
            host: None,
            target: Cow::Borrowed(url),
        });
    }
    let (scheme, rest) = url.split_once("://").ok_or(CoreError::TargetNotAbsolute)?;
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (host, target) = rest.split_at(end);
    if host.is_empty() {
        return Err(CoreError::InvalidHost);
    }
    // `https://host` and `https://host?q` have the path `/`.
    let target = if target.starts_with('/') {
        Cow::Borrowed(target)
    } else {
        Cow::Owned(format!("/{target}"))
    };
    Ok(Target {
        scheme: Some(scheme),
        host: Some(host),
        target,
    })
}

/// The request's header list: the given headers, plus `Host` from the URL
/// when they have none.
pub fn with_host<'h>(
    given: &'h [(PyBackedStr, PyBackedStr)],
    host: Option<&'h str>,
) -> Vec<(&'h str, &'h str)> {
    let mut list: Vec<(&str, &str)> = given.iter().map(|(n, v)| (&**n, &**v)).collect();
    if let Some(host) = host
        && !list.iter().any(|(n, _)| n.eq_ignore_ascii_case("host"))
    {
        list.push(("Host", host));
    }
    list
}

/// A payload given from Python: `str` is a payload line
/// (`UNSIGNED-PAYLOAD`, a streaming line, or a SHA-256 in hex), `bytes`
/// the body itself.
pub enum PyPayload {
    /// No payload given: an empty body.
    Empty,
    /// A payload line.
    Line(PyBackedStr),
    /// The body.
    Body(PyBackedBytes),
}

impl PyPayload {
    /// Reads `value` (`None`, `str`, `bytes`/`bytearray`/...).
    pub fn extract(value: Option<&Bound<'_, PyAny>>) -> PyResult<Self> {
        Ok(match value {
            None => PyPayload::Empty,
            Some(v) if v.is_instance_of::<PyString>() => PyPayload::Line(v.extract()?),
            Some(v) if v.is_instance_of::<PyBytes>() => PyPayload::Body(v.extract()?),
            Some(v) => PyPayload::Body(PyBytes::new(v.py(), &v.extract::<Vec<u8>>()?).into()),
        })
    }

    /// The crate's view.
    pub fn payload(&self) -> Payload<'_> {
        match self {
            PyPayload::Empty => Payload::Body(b""),
            PyPayload::Line(line) => Payload::from_line(line),
            PyPayload::Body(body) => Payload::Body(body),
        }
    }
}

/// The canonical request and string to sign, when asked for.
pub type Traced = Option<(String, String)>;

/// Runs `sign` with a heap buffer grown to what it asks for, traced when
/// `trace`; `sign` returns owned values.
pub fn with_output<T>(
    trace: bool,
    mut sign: impl for<'o> FnMut(Output<'o>) -> Result<T, CoreError>,
) -> Result<(T, Traced), CoreError> {
    let mut size = 2048;
    loop {
        let mut buf = vec![0u8; size];
        let (mut cr, mut sts) = (String::new(), String::new());
        let result = if trace {
            let mut t = Trace::new(&mut cr, &mut sts);
            sign(Output::traced(&mut buf, &mut t))
        } else {
            sign(Output::from(&mut buf[..]))
        };
        match result {
            Err(CoreError::BufferTooSmall { needed }) if needed > size => size = needed,
            Err(e) => return Err(e),
            Ok(v) => return Ok((v, trace.then_some((cr, sts)))),
        }
    }
}
