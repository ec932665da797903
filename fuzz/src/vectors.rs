//! The test vectors (`tests/vectors/*.jsonl`) as fuzz cases: for the seed
//! generator (`examples/seed.rs`) and the root crate's `tests/fuzz_replay.rs`.

use base64::Engine as _;
use serde_json::Value;

use crate::case::{
    Case, CasePayload, F_CONTENT, F_DOUBLE, F_NORMALIZE, F_PRESIGN, F_S3, F_SET_CONTENT,
    F_SET_DOUBLE, F_SET_NORMALIZE, F_TOKEN_UNSIGNED,
};

/// `(id, case, expected (canonical request, signature), signed request (target, headers))`.
pub type Converted = (
    String,
    Case,
    Option<(String, String)>,
    Option<(String, Vec<(String, String)>)>,
);

/// A vector line as a `Case`, with its expected canonical request and
/// signature, and the signed request it describes (target, headers).
pub fn convert(v: &Value) -> Option<Converted> {
    let case = &v["case"];
    let scheme = case["scheme"].as_str()?;
    if !scheme.contains("v4-") || scheme.contains("chunked") {
        return None;
    }
    let s = |x: &Value| x.as_str().map(String::from);
    let req = &case["request"];
    let body = base64::engine::general_purpose::STANDARD
        .decode(req["body_b64"].as_str().unwrap_or(""))
        .ok()?;
    let headers: Vec<(String, String)> = req["headers"]
        .as_array()?
        .iter()
        .map(|h| (s(&h[0]).unwrap_or_default(), s(&h[1]).unwrap_or_default()))
        .collect();
    let mut flags = 0;
    if scheme.starts_with("s3-") {
        flags |= F_S3;
    }
    if scheme.ends_with("-query") {
        flags |= F_PRESIGN;
    }
    for (field, set, on) in [
        ("normalize_path", F_SET_NORMALIZE, F_NORMALIZE),
        ("double_encode_path", F_SET_DOUBLE, F_DOUBLE),
        ("content_sha256_header", F_SET_CONTENT, F_CONTENT),
    ] {
        if let Some(b) = case[field].as_bool() {
            flags |= set | if b { on } else { 0 };
        }
    }
    if case["omit_session_token"].as_bool() == Some(true) {
        flags |= F_TOKEN_UNSIGNED;
    }
    let payload = match case["payload"].as_str() {
        None if body.is_empty() => CasePayload::Empty,
        None => CasePayload::Body(body),
        Some("UNSIGNED-PAYLOAD") => CasePayload::Unsigned,
        Some(h) => CasePayload::Precomputed(h.to_string()),
    };
    let time = awsig::SigningTime::parse_rfc3339(case["time"].as_str()?)
        .ok()?
        .unix_seconds();
    let c = Case {
        flags,
        method: s(&req["method"])?,
        target: s(&req["target"])?,
        headers: headers.clone(),
        payload,
        access_key_id: s(&case["credentials"]["access_key_id"])?,
        secret: s(&case["credentials"]["secret_access_key"])?,
        token: s(&case["credentials"]["session_token"]),
        cred_expiry: None,
        region: s(&case["region"])?,
        service: s(&case["service"])?,
        time,
        expires: case["expires_in"].as_u64().unwrap_or(300) as u32,
        check_offset: 60,
        buf_size: 512,
    };
    let e = &v["expected"];
    let expected = match (s(&e["canonical_request"]), s(&e["signature"])) {
        (Some(cr), Some(sig)) if e["error"].is_null() => Some((cr, sig)),
        _ => None,
    };
    let signed = if let Some(t) = s(&e["signed_target"]) {
        Some((t, headers))
    } else if let Some(added) = e["added_headers"].as_array() {
        let mut all = headers;
        all.extend(
            added
                .iter()
                .map(|h| (s(&h[0]).unwrap_or_default(), s(&h[1]).unwrap_or_default())),
        );
        Some((c.target.clone(), all))
    } else {
        None
    };
    Some((s(&case["id"])?, c, expected, signed))
}

/// Whether a case is small enough for a seed.
pub fn small(c: &Case) -> bool {
    let body = match &c.payload {
        CasePayload::Body(b) => b.len(),
        _ => 0,
    };
    c.target.len() <= 4096
        && body <= 4096
        && c.headers.len() <= 32
        && c.headers.iter().all(|(n, v)| n.len() + v.len() <= 4096)
}
