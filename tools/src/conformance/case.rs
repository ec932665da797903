//! A conformance case, read from its JSON object.

use awsig::v4::{self, SessionTokenMode, SigningSettings};
use awsig::{Error, Payload};
use base64::Engine as _;
use serde_json::Value;

/// A refusal decided by the runner itself, with the protocol's word for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refused(pub &'static str);

impl From<Error> for Refused {
    fn from(e: Error) -> Self {
        Refused(e.kind())
    }
}

/// The fields of a case that every scheme reads, checked.
pub struct Case<'a> {
    /// The case object, for the fields a single scheme reads.
    pub json: &'a Value,
    pub scheme: &'a str,
    pub method: &'a str,
    pub target: &'a str,
    pub headers: Vec<(&'a str, &'a str)>,
    pub body: Vec<u8>,
    pub access_key_id: &'a str,
    pub secret: &'a str,
    pub token: Option<&'a str>,
    pub region: &'a str,
    pub service: &'a str,
    pub time: &'a str,
    pub expires_in: Option<&'a Value>,
    /// The payload line, when the case gives one.
    pub payload: Option<&'a str>,
    pub settings: SigningSettings,
    /// Extension scheme `s3-v4-chunked`: data bytes per chunk.
    pub chunk_size: Option<usize>,
}

/// The string field `name` of `v`, if present; `kind` when it is not a string.
pub fn str_field<'a>(
    v: &'a Value,
    name: &str,
    kind: &'static str,
) -> Result<Option<&'a str>, Refused> {
    match v.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(Refused(kind)),
    }
}

fn bool_field(v: &Value, name: &str) -> Result<Option<bool>, Refused> {
    match v.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(_) => Err(Refused("bad_case")),
    }
}

impl<'a> Case<'a> {
    /// Reads and checks the common fields of `case`.
    pub fn parse(case: &'a Value) -> Result<Self, Refused> {
        let scheme = str_field(case, "scheme", "bad_scheme")?.ok_or(Refused("bad_scheme"))?;
        let req = case.get("request").ok_or(Refused("bad_case"))?;
        let method = str_field(req, "method", "bad_method")?.ok_or(Refused("bad_method"))?;
        let target = str_field(req, "target", "bad_target")?.ok_or(Refused("bad_target"))?;
        let mut headers = Vec::new();
        if let Some(list) = req.get("headers").and_then(Value::as_array) {
            for h in list {
                match h.as_array().map(Vec::as_slice) {
                    Some([Value::String(n), Value::String(v)]) => {
                        headers.push((n.as_str(), v.as_str()))
                    }
                    _ => return Err(Refused("bad_header")),
                }
            }
        }
        let body = match str_field(req, "body_b64", "bad_body")? {
            None => Vec::new(),
            Some(b) => base64::engine::general_purpose::STANDARD
                .decode(b)
                .map_err(|_| Refused("bad_body"))?,
        };
        let creds = case.get("credentials").ok_or(Refused("bad_credentials"))?;
        let s3 = scheme.starts_with("s3-");
        let chunk_size = match case.get("chunk_size") {
            None | Some(Value::Null) => None,
            Some(v) => Some(
                v.as_u64()
                    .filter(|&n| n > 0)
                    .and_then(|n| usize::try_from(n).ok())
                    .ok_or(Refused("bad_case"))?,
            ),
        };
        let s3express = scheme.starts_with("s3express-");
        let defaults = if s3express {
            SigningSettings::s3express()
        } else if s3 {
            SigningSettings::s3()
        } else {
            SigningSettings::new()
        };
        let mut settings = defaults
            .normalize_path(bool_field(case, "normalize_path")?.unwrap_or(defaults.normalize_path))
            .double_encode_path(
                bool_field(case, "double_encode_path")?.unwrap_or(defaults.double_encode_path),
            )
            .content_sha256_header(
                bool_field(case, "content_sha256_header")?.unwrap_or(matches!(
                    scheme,
                    "s3-v4-header" | "s3-v4-chunked" | "s3express-v4-header"
                )),
            );
        if bool_field(case, "omit_session_token")?.unwrap_or(false) {
            settings = settings.session_token(SessionTokenMode::AppendedUnsigned);
        }
        Ok(Case {
            json: case,
            scheme,
            method,
            target,
            headers,
            body,
            access_key_id: str_field(creds, "access_key_id", "bad_credentials")?.unwrap_or(""),
            secret: str_field(creds, "secret_access_key", "bad_credentials")?.unwrap_or(""),
            token: str_field(creds, "session_token", "bad_credentials")?,
            region: str_field(case, "region", "bad_scope")?.unwrap_or(""),
            service: str_field(case, "service", "bad_scope")?.unwrap_or(""),
            time: str_field(case, "time", "bad_time")?.ok_or(Refused("bad_time"))?,
            expires_in: case.get("expires_in").filter(|v| !v.is_null()),
            payload: str_field(case, "payload", "bad_payload")?,
            settings,
            chunk_size,
        })
    }

    /// The payload to sign: the case's payload line, or the scheme's
    /// default (`UNSIGNED-PAYLOAD` for S3 presigning, the streaming line for
    /// `s3-v4-chunked`, else the body).
    pub fn payload(&self) -> Payload<'_> {
        match self.payload {
            None if self.is_s3_query() => Payload::Unsigned,
            None if self.scheme == "s3-v4-chunked" => Payload::StreamingSigned,
            None => Payload::Body(&self.body),
            Some(line) => Payload::from_line(line),
        }
    }

    /// An S3 presigned URL (`s3-v4-query`, `s3express-v4-query`): its
    /// payload line is `UNSIGNED-PAYLOAD` unless the case gives one.
    pub fn is_s3_query(&self) -> bool {
        matches!(self.scheme, "s3-v4-query" | "s3express-v4-query")
    }

    /// `expires_in`, which presigning needs, in range.
    pub fn expires(&self) -> Result<u32, Refused> {
        let v = self.expires_in.ok_or(Refused("expires_range"))?;
        v.as_u64()
            .and_then(|n| u32::try_from(n).ok())
            .filter(|n| (1..=v4::MAX_EXPIRES).contains(n))
            .ok_or(Refused("expires_range"))
    }
}
