//! Case -> result logic of the conformance runner, shared with
//! `tests/conformance.rs` so that the test and the runner cannot disagree.

use awsig::v4::{self, SessionTokenMode, SigningKey, SigningSettings};
use awsig::{Credentials, Error, Output, Payload, Request, SigningTime, Trace, v2};
use base64::Engine as _;
use serde_json::{Value, json};

/// A refusal decided by the runner itself, with the protocol's word for it.
pub struct Refused(pub &'static str);

impl From<Error> for Refused {
    fn from(e: Error) -> Self {
        Refused(e.kind())
    }
}

struct Case<'a> {
    scheme: &'a str,
    method: &'a str,
    target: &'a str,
    headers: Vec<(&'a str, &'a str)>,
    body: Vec<u8>,
    access_key_id: &'a str,
    secret: &'a str,
    token: Option<&'a str>,
    region: &'a str,
    service: &'a str,
    time: &'a str,
    expires_in: Option<&'a Value>,
    payload: Option<&'a str>,
    settings: SigningSettings,
    chunk_size: Option<usize>,
}

fn str_field<'a>(v: &'a Value, name: &str, kind: &'static str) -> Result<Option<&'a str>, Refused> {
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

fn parse_case(case: &Value) -> Result<Case<'_>, Refused> {
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
    let defaults = if s3 {
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
            bool_field(case, "content_sha256_header")?
                .unwrap_or(scheme == "s3-v4-header" || scheme == "s3-v4-chunked"),
        );
    if bool_field(case, "omit_session_token")?.unwrap_or(false) {
        settings = settings.session_token(SessionTokenMode::AppendedUnsigned);
    }
    Ok(Case {
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

fn payload_of<'a>(c: &'a Case<'a>) -> Payload<'a> {
    match c.payload {
        None if c.scheme == "s3-v4-query" => Payload::Unsigned,
        None if c.scheme == "s3-v4-chunked" => Payload::StreamingSigned,
        None => Payload::Body(&c.body),
        Some(line) => Payload::from_line(line),
    }
}

fn expires(c: &Case<'_>) -> Result<u32, Refused> {
    let v = c.expires_in.ok_or(Refused("expires_range"))?;
    v.as_u64()
        .and_then(|n| u32::try_from(n).ok())
        .filter(|n| (1..=v4::MAX_EXPIRES).contains(n))
        .ok_or(Refused("expires_range"))
}

/// The signature of every chunk of the case's body, the final empty chunk last
/// (extension scheme `s3-v4-chunked`, field `chunk_size`).
fn chunk_signatures(
    c: &Case<'_>,
    signer: &v4::Signer<'_>,
    seed: &v4::Signature,
) -> Result<Value, Refused> {
    let size = c.chunk_size.ok_or(Refused("bad_case"))?;
    let mode = match c.payload {
        None | Some("STREAMING-AWS4-HMAC-SHA256-PAYLOAD") => v4::ChunkedMode::Signed,
        Some("STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER") => v4::ChunkedMode::SignedWithTrailer,
        Some("STREAMING-UNSIGNED-PAYLOAD-TRAILER") => return Ok(json!([])),
        Some(_) => return Err(Refused("bad_payload")),
    };
    let mut signer = v4::ChunkSigner::new(signer, seed, mode);
    let mut sigs = Vec::new();
    for chunk in c.body.chunks(size).chain([&[][..]]) {
        sigs.push(Value::from(signer.sign_chunk(chunk)?.as_str()));
    }
    Ok(Value::Array(sigs))
}

/// Signs one case `repeat` times through the buffer API (key derived once),
/// then once more with the trace on, and returns the result object.
pub fn sign(case: &Value, repeat: usize, buf: &mut [u8]) -> Result<Value, Refused> {
    let c = parse_case(case)?;
    let time = SigningTime::parse_rfc3339(c.time)?;
    let creds = Credentials::new(c.access_key_id, c.secret, c.token)?;
    let request = Request::new(c.method, c.target, &c.headers).with_payload(payload_of(&c));
    let chunked = c.scheme == "s3-v4-chunked";
    let header_scheme = matches!(c.scheme, "v4-header" | "s3-v4-header") || chunked;
    let query_scheme = matches!(c.scheme, "v4-query" | "s3-v4-query");
    if c.scheme == "v2-query" || c.scheme == "v2-form" {
        if c.payload.is_some() {
            return Err(Refused("bad_payload"));
        }
        if c.expires_in.is_some() {
            return Err(Refused("expires_range"));
        }
        // Extension of the SQS seed vectors: `v2_expires` signs with
        // `Expires` instead of `Timestamp`.
        let validity = match str_field(case, "v2_expires", "bad_time")? {
            Some(t) => v2::Validity::Expires(SigningTime::parse_rfc3339(t)?),
            None => v2::Validity::Timestamp(time),
        };
        let method = v2::SignatureMethod::HmacSha256;
        if c.scheme == "v2-form" {
            let form = std::str::from_utf8(&c.body).map_err(|_| Refused("bad_body"))?;
            for _ in 0..repeat {
                let _ = v2::sign_form(&creds, &request, form, validity, method, &mut *buf)?;
            }
            let (mut cr, mut sts) = (String::new(), String::new());
            let mut trace = Trace::new(&mut cr, &mut sts);
            let signed = v2::sign_form(
                &creds,
                &request,
                form,
                validity,
                method,
                Output::traced(buf, &mut trace),
            )?;
            let (sig, body) = (signed.signature().to_owned(), signed.as_str().to_owned());
            return Ok(json!({
                "canonical_request": null, "string_to_sign": sts, "signature": sig,
                "authorization": null, "signed_target": null, "added_headers": null, "error": null,
                "body": body,
            }));
        }
        if !c.body.is_empty() {
            return Err(Refused("bad_body"));
        }
        for _ in 0..repeat {
            let _ = v2::sign_query(&creds, &request, validity, method, &mut *buf)?;
        }
        let (mut cr, mut sts) = (String::new(), String::new());
        let mut trace = Trace::new(&mut cr, &mut sts);
        let signed = v2::sign_query(
            &creds,
            &request,
            validity,
            method,
            Output::traced(buf, &mut trace),
        )?;
        let (sig, target) = (signed.signature().to_owned(), signed.as_str().to_owned());
        return Ok(json!({
            "canonical_request": null, "string_to_sign": sts, "signature": sig,
            "authorization": null, "signed_target": target, "added_headers": null, "error": null,
        }));
    }
    if c.scheme == "v4a-header" || c.scheme == "v4a-query" {
        return sign_v4a(case, &c, &creds, time, &request, repeat, buf);
    }
    if !header_scheme && !query_scheme {
        return Err(Refused("unsupported_scheme"));
    }
    if header_scheme && c.expires_in.is_some() {
        return Err(Refused("expires_range"));
    }
    let expires_in = if query_scheme {
        Some(expires(&c)?)
    } else {
        None
    };
    let key = SigningKey::derive(&creds, time, c.region, c.service)?;
    let signer = v4::Signer::new(&key, &creds, time)?;
    let (mut cr, mut sts) = (String::new(), String::new());
    let mut trace = Trace::new(&mut cr, &mut sts);
    if let Some(expires_in) = expires_in {
        for _ in 0..repeat {
            let _ = v4::presign(&signer, &request, expires_in, &c.settings, &mut *buf)?;
        }
        let signed = v4::presign(
            &signer,
            &request,
            expires_in,
            &c.settings,
            Output::traced(buf, &mut trace),
        )?;
        let (target, sig) = (
            signed.as_str().to_owned(),
            signed.signature().as_str().to_owned(),
        );
        Ok(json!({
            "canonical_request": cr, "string_to_sign": sts, "signature": sig,
            "authorization": null, "signed_target": target, "added_headers": null, "error": null,
        }))
    } else {
        for _ in 0..repeat {
            let _ = v4::sign_headers(&signer, &request, &c.settings, &mut *buf)?;
        }
        let signed = v4::sign_headers(
            &signer,
            &request,
            &c.settings,
            Output::traced(buf, &mut trace),
        )?;
        let added: Vec<Value> = signed.headers().map(|(n, v)| json!([n, v])).collect();
        let (seed, authorization) = (signed.signature(), signed.authorization().to_owned());
        let mut result = json!({
            "canonical_request": cr, "string_to_sign": sts, "signature": seed.as_str(),
            "authorization": authorization, "signed_target": null, "added_headers": added, "error": null,
        });
        if chunked {
            result["chunk_signatures"] = chunk_signatures(&c, &signer, &seed)?;
        }
        Ok(result)
    }
}

/// SigV4a schemes (feature `sigv4a`), with the case field `region_set`;
/// the result adds the derived `public_key` (`{"X", "Y"}`, hex).
#[cfg(feature = "sigv4a")]
fn sign_v4a(
    case: &Value,
    c: &Case<'_>,
    creds: &Credentials<'_>,
    time: SigningTime,
    request: &Request<'_>,
    repeat: usize,
    buf: &mut [u8],
) -> Result<Value, Refused> {
    use awsig::v4a;
    let region_set = str_field(case, "region_set", "bad_scope")?.unwrap_or(c.region);
    let key = v4a::V4aSigningKey::derive(creds, region_set, c.service)?;
    let (x, y) = key.public_key();
    let hex = |b: [u8; 32]| b.iter().map(|v| format!("{v:02x}")).collect::<String>();
    let public_key = json!({"X": hex(x), "Y": hex(y)});
    let signer = v4::Signer::new(&key, creds, time)?;
    let (mut cr, mut sts) = (String::new(), String::new());
    let mut trace = Trace::new(&mut cr, &mut sts);
    if c.scheme == "v4a-query" {
        let expires_in = expires(c)?;
        for _ in 0..repeat {
            let _ = v4::presign(&signer, request, expires_in, &c.settings, &mut *buf)?;
        }
        let signed = v4::presign(
            &signer,
            request,
            expires_in,
            &c.settings,
            Output::traced(buf, &mut trace),
        )?;
        let (target, sig) = (
            signed.as_str().to_owned(),
            signed.signature().as_str().to_owned(),
        );
        Ok(json!({
            "canonical_request": cr, "string_to_sign": sts, "signature": sig,
            "authorization": null, "signed_target": target, "added_headers": null, "error": null,
            "public_key": public_key,
        }))
    } else {
        if c.expires_in.is_some() {
            return Err(Refused("expires_range"));
        }
        for _ in 0..repeat {
            let _ = v4::sign_headers(&signer, request, &c.settings, &mut *buf)?;
        }
        let signed = v4::sign_headers(
            &signer,
            request,
            &c.settings,
            Output::traced(buf, &mut trace),
        )?;
        let added: Vec<Value> = signed.headers().map(|(n, v)| json!([n, v])).collect();
        let (sig, authorization) = (
            signed.signature().as_str().to_owned(),
            signed.authorization().to_owned(),
        );
        Ok(json!({
            "canonical_request": cr, "string_to_sign": sts, "signature": sig,
            "authorization": authorization, "signed_target": null, "added_headers": added, "error": null,
            "public_key": public_key,
        }))
    }
}

#[cfg(not(feature = "sigv4a"))]
fn sign_v4a(
    _: &Value,
    _: &Case<'_>,
    _: &Credentials<'_>,
    _: SigningTime,
    _: &Request<'_>,
    _: usize,
    _: &mut [u8],
) -> Result<Value, Refused> {
    Err(Refused("unsupported_scheme"))
}

/// The result line of one input line (a bare case or `{"case", "expected"}`).
pub fn result_for(value: &Value, repeat: usize, buf: &mut Vec<u8>) -> Value {
    let case = value.get("case").unwrap_or(value);
    let id = case.get("id").cloned().unwrap_or(Value::Null);
    let mut result = loop {
        match sign(case, repeat, buf) {
            // Grow the reused buffer and try again.
            Err(Refused("output")) => {
                let len = buf.len().max(1);
                buf.resize(len * 4, 0);
            }
            Ok(r) => break r,
            Err(Refused(kind)) => {
                break json!({
                    "canonical_request": null, "string_to_sign": null, "signature": null,
                    "authorization": null, "signed_target": null, "added_headers": null, "error": kind,
                });
            }
        }
    };
    result["id"] = id;
    result
}

/// A signed request rebuilt from a case and its expected result, as a
/// server would receive it.
pub struct Received {
    pub method: String,
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// The form body of a `v2-form` case.
    pub form: Option<String>,
}

/// Rebuilds the signed request of a `{"case", "expected"}` line.
pub fn received(case: &Value, expected: &Value) -> Result<Received, Refused> {
    let c = parse_case(case)?;
    let mut headers: Vec<(String, String)> = c
        .headers
        .iter()
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect();
    let mut target = c.target.to_owned();
    let mut form = None;
    match c.scheme {
        "v4-header" | "s3-v4-header" | "s3-v4-chunked" => {
            for h in expected["added_headers"]
                .as_array()
                .ok_or(Refused("bad_case"))?
            {
                headers.push((
                    h[0].as_str().unwrap_or_default().to_owned(),
                    h[1].as_str().unwrap_or_default().to_owned(),
                ));
            }
        }
        "v2-form" => {
            form = Some(
                expected["body"]
                    .as_str()
                    .ok_or(Refused("bad_case"))?
                    .to_owned(),
            )
        }
        _ => {
            target = expected["signed_target"]
                .as_str()
                .ok_or(Refused("bad_case"))?
                .to_owned()
        }
    }
    Ok(Received {
        method: c.method.to_owned(),
        target,
        headers,
        body: c.body,
        form,
    })
}

/// The verification time of a case: its time, plus half the expiry when presigned.
pub fn verify_time(case: &Value) -> Result<SigningTime, Refused> {
    let c = parse_case(case)?;
    let t = SigningTime::parse_rfc3339(c.time)?;
    let half = c.expires_in.and_then(Value::as_i64).unwrap_or(0) / 2;
    Ok(t.checked_add_seconds(half)?)
}

/// Verifies `received` as the server of `case` would (its credentials,
/// rules and payload), at `now`.
pub fn verify_received(
    case: &Value,
    received: &Received,
    now: SigningTime,
    secret: Option<&str>,
) -> Result<(awsig::verify::Scheme, String), String> {
    use awsig::verify::{self, Policy, Secret};
    let c = parse_case(case).map_err(|r| r.0.to_owned())?;
    let headers: Vec<(&str, &str)> = received
        .headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let payload = match c.payload {
        None if c.scheme == "s3-v4-query" => Payload::Unsigned,
        None => Payload::Body(&received.body),
        Some(_) => payload_of(&c),
    };
    let request = Request::new(&received.method, &received.target, &headers).with_payload(payload);
    let (akid, want_secret, token) = (
        c.access_key_id.to_owned(),
        secret.unwrap_or(c.secret).to_owned(),
        c.token.map(str::to_owned),
    );
    let lookup = |k: &str| (k == akid).then(|| Secret::new(&want_secret, token.as_deref()));
    let policy = Policy::new(now).settings(c.settings);
    let result = match &received.form {
        Some(form) => verify::verify_v2_form(&request, form, &lookup, &policy),
        None => verify::verify(&request, &lookup, &policy),
    };
    // `Verified` borrows the request; keep what callers compare.
    result
        .map(|v| (v.scheme, v.access_key_id.to_owned()))
        .map_err(|r| r.kind().to_owned())
}

/// The `--verify` result line of one `{"case", "expected"}` line.
pub fn verify_line(value: &Value) -> Value {
    let case = value.get("case").unwrap_or(value);
    let id = case.get("id").cloned().unwrap_or(Value::Null);
    let expected = value.get("expected").unwrap_or(&Value::Null);
    let outcome = received(case, expected)
        .map_err(|r| r.0.to_owned())
        .and_then(|r| {
            verify_time(case)
                .map(|t| (r, t))
                .map_err(|e| e.0.to_owned())
        })
        .and_then(|(r, t)| verify_received(case, &r, t, None).map(|_| ()));
    match outcome {
        Ok(()) => json!({"id": id, "valid": true, "error": null}),
        Err(kind) => json!({"id": id, "valid": false, "error": kind}),
    }
}

/// Signs a case through the `http` integration (`http::Request` in place,
/// or presigned `http::Uri`); `None` when the request cannot be expressed
/// with `http` types (header values with line breaks, targets the `Uri`
/// parser refuses).
#[cfg(feature = "http")]
#[allow(dead_code)] // used by tests/http.rs, not by the runner binary
pub fn sign_via_http(case: &Value) -> Result<Option<Value>, Refused> {
    let c = parse_case(case)?;
    let time = SigningTime::parse_rfc3339(c.time)?;
    let creds = Credentials::new(c.access_key_id, c.secret, c.token)?;
    let key = SigningKey::derive(&creds, time, c.region, c.service)?;
    let signer = v4::Signer::new(&key, &creds, time)?;
    let mut builder = http::Request::builder().method(c.method).uri(c.target);
    for (name, value) in &c.headers {
        builder = builder.header(*name, *value);
    }
    let Ok(mut request) = builder.body(c.body.clone()) else {
        return Ok(None);
    };
    // `http` keeps the target as parsed; a target it would rewrite is not this case.
    if request.uri().path_and_query().map(|pq| pq.as_str()) != Some(c.target) {
        return Ok(None);
    }
    let payload = payload_of(&c);
    match c.scheme {
        "v4-header" | "s3-v4-header" => {
            awsig::http::sign_with_payload(&mut request, payload, &signer, &c.settings)?;
            let added: Vec<Value> = request
                .headers()
                .iter()
                .filter(|(n, _)| {
                    let n = n.as_str();
                    [
                        "authorization",
                        "x-amz-date",
                        "x-amz-security-token",
                        "x-amz-content-sha256",
                    ]
                    .contains(&n)
                })
                .map(|(n, v)| json!([n.as_str(), v.to_str().unwrap_or_default()]))
                .collect();
            Ok(Some(
                json!({ "added_headers": added, "authorization": request.headers()["authorization"].to_str().unwrap_or_default() }),
            ))
        }
        "v4-query" | "s3-v4-query" => {
            let uri =
                awsig::http::presign_uri(&request, payload, &signer, expires(&c)?, &c.settings)?;
            Ok(Some(
                json!({ "signed_target": uri.path_and_query().map(|pq| pq.as_str()) }),
            ))
        }
        _ => Ok(None),
    }
}
