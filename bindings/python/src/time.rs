//! Times from Python: `None` (now), a `datetime`, Unix seconds, or an
//! RFC 3339 string; and back to `datetime`.

use awsig_core::{Error as CoreError, SigningTime};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyFloat, PyInt, PyString, PyType};

use crate::errors::OrRaise;

static DATETIME: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static TIMEZONE: PyOnceLock<Py<PyType>> = PyOnceLock::new();

fn utc(py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
    TIMEZONE.import(py, "datetime", "timezone")?.getattr("utc")
}

/// The signing time `time` stands for: now when `None`; a `datetime`
/// (aware: converted to UTC; naive: taken as UTC already); an `int` or
/// `float` of Unix seconds; an RFC 3339 UTC string. Fractions of a second
/// are dropped (rounded down).
pub fn signing_time(py: Python<'_>, time: Option<&Bound<'_, PyAny>>) -> PyResult<SigningTime> {
    let Some(time) = time else {
        return SigningTime::now().or_raise(py);
    };
    if let Ok(s) = time.cast::<PyString>() {
        return SigningTime::parse_rfc3339(&s.to_cow()?).or_raise(py);
    }
    if time.is_instance_of::<PyBool>() {
        return Err(pyo3::exceptions::PyTypeError::new_err(
            "time must be a datetime, Unix seconds, an RFC 3339 string or None, not a bool",
        ));
    }
    if time.is_instance_of::<PyInt>() {
        let seconds: i64 = time
            .extract()
            .map_err(|_| crate::errors::to_py(py, CoreError::TimeOutOfRange))?;
        return SigningTime::from_unix_seconds(seconds).or_raise(py);
    }
    let datetime = DATETIME.import(py, "datetime", "datetime")?;
    let seconds: f64 = if time.is_instance(datetime)? {
        let aware = if time.getattr("tzinfo")?.is_none() {
            let kwargs = pyo3::types::PyDict::new(py);
            kwargs.set_item("tzinfo", utc(py)?)?;
            time.call_method("replace", (), Some(&kwargs))?
        } else {
            time.clone()
        };
        aware.call_method0("timestamp")?.extract()?
    } else if time.is_instance_of::<PyFloat>() {
        time.extract()?
    } else {
        return Err(pyo3::exceptions::PyTypeError::new_err(
            "time must be a datetime, Unix seconds, an RFC 3339 string or None",
        ));
    };
    let floor = seconds.floor();
    // `as` saturates; the range check that follows refuses what saturated.
    let whole = if floor.is_finite() {
        floor as i64
    } else {
        i64::MAX
    };
    SigningTime::from_unix_seconds(whole).or_raise(py)
}

/// `t` as an aware `datetime` in UTC.
pub fn to_datetime(py: Python<'_>, t: SigningTime) -> PyResult<Py<PyAny>> {
    let datetime = DATETIME.import(py, "datetime", "datetime")?;
    Ok(datetime
        .call_method1("fromtimestamp", (t.unix_seconds(), utc(py)?))?
        .unbind())
}
