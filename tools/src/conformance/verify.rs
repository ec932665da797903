//! Verifying a case as its server would (`--verify`, and `tests/verify.rs`
//! with its tamperings).

use awsig::verify::{self, Policy, Scheme, Secret};
use awsig::{Payload, Request, SigningTime};
use serde_json::{Value, json};

use super::case::{Case, Refused};

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
    let c = Case::parse(case)?;
    let mut headers: Vec<(String, String)> = c
        .headers
        .iter()
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect();
    let mut target = c.target.to_owned();
    let mut form = None;
    match c.scheme {
        "v4-header" | "s3-v4-header" | "s3-v4-chunked" | "s3-v2-header" | "s3express-v4-header" => {
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
    let c = Case::parse(case)?;
    let t = SigningTime::parse_rfc3339(c.time)?;
    let half = c.expires_in.and_then(Value::as_i64).unwrap_or(0) / 2;
    Ok(t.checked_add_seconds(half)?)
}

/// Verifies `received` as the server of `case` would (its credentials, or
/// `secret` instead of its secret, its rules and payload), at `now`: the
/// scheme and access key id, or the refusal's `kind()`.
pub fn verify_received(
    case: &Value,
    received: &Received,
    now: SigningTime,
    secret: Option<&str>,
) -> Result<(Scheme, String), String> {
    let c = Case::parse(case).map_err(|r| r.0.to_owned())?;
    let headers: Vec<(&str, &str)> = received
        .headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let payload = match c.payload {
        None if c.is_s3_query() => Payload::Unsigned,
        None => Payload::Body(&received.body),
        Some(line) => Payload::from_line(line),
    };
    let request = Request::new(&received.method, &received.target, &headers).with_payload(payload);
    let (akid, want_secret, token) = (
        c.access_key_id.to_owned(),
        secret.unwrap_or(c.secret).to_owned(),
        c.token.map(str::to_owned),
    );
    let lookup = |k: &str| (k == akid).then(|| Secret::new(&want_secret, token.as_deref()));
    // The server of the case accepts what its signer produced: its rules,
    // its body declarations, SigV2 for a SigV2 case.
    let mut policy = Policy::new(now, c.service)
        .settings(c.settings)
        .allow_unsigned_payload(true)
        .allow_streaming(true);
    if c.scheme.starts_with("v2-") || c.scheme.starts_with("s3-v2-") {
        policy = policy.sigv2(604_800);
    }
    if c.scheme.starts_with("s3-v2-") {
        return verify::verify_s3_v2(&request, &lookup, &policy)
            .map(|v| (Scheme::V2Query, v.access_key_id.to_owned()))
            .map_err(|r| r.kind().to_owned());
    }
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
    if case.get("scheme").and_then(Value::as_str) == Some("v4-event") {
        let outcome = super::event::expected_frames(expected)
            .map_err(|r| r.0.to_owned())
            .and_then(|frames| super::event::verify_events(case, &frames));
        return match outcome {
            Ok(()) => json!({"id": id, "valid": true, "error": null}),
            Err(kind) => json!({"id": id, "valid": false, "error": kind}),
        };
    }
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
