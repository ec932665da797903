//! The `http` integration passes the same corpora as the core API.
#![cfg(feature = "http")]

use std::path::Path;

use awsig::{Credentials, SigningTime, v4};
use awsig_tools::conformance::{Case, Refused};
use serde_json::{Value, json};

mod repo_data;

/// Signs a case through the `http` integration (`http::Request` in place,
/// or presigned `http::Uri`); `None` when the request cannot be expressed
/// with `http` types (header values with line breaks, targets the `Uri`
/// parser refuses) or is not SigV4.
fn sign_via_http(case: &Value) -> Result<Option<Value>, Refused> {
    let c = Case::parse(case)?;
    let time = SigningTime::parse_rfc3339(c.time)?;
    let creds = Credentials::new(c.access_key_id, c.secret, c.token)?;
    let key = v4::SigningKey::derive(&creds, time, c.region, c.service)?;
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
    let payload = c.payload();
    match c.scheme {
        "v4-header" | "s3-v4-header" | "s3express-v4-header" => {
            awsig::http::sign_with_payload(&mut request, payload, &signer, &c.settings)?;
            let ours = [
                "authorization",
                "x-amz-date",
                "x-amz-security-token",
                "x-amz-s3session-token",
                "x-amz-content-sha256",
            ];
            let added: Vec<Value> = request
                .headers()
                .iter()
                .filter(|(n, _)| ours.contains(&n.as_str()))
                .map(|(n, v)| json!([n.as_str(), v.to_str().unwrap_or_default()]))
                .collect();
            let authorization = request.headers()["authorization"]
                .to_str()
                .unwrap_or_default();
            Ok(Some(
                json!({ "added_headers": added, "authorization": authorization }),
            ))
        }
        "v4-query" | "s3-v4-query" | "s3express-v4-query" => {
            let uri =
                awsig::http::presign_uri(&request, payload, &signer, c.expires()?, &c.settings)?;
            Ok(Some(
                json!({ "signed_target": uri.path_and_query().map(|pq| pq.as_str()) }),
            ))
        }
        _ => Ok(None),
    }
}

fn lower_set(v: &Value) -> Vec<(String, String)> {
    let mut s: Vec<(String, String)> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            (
                h[0].as_str().unwrap().to_ascii_lowercase(),
                h[1].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    s.sort();
    s
}

fn query_set(t: &str) -> (String, Vec<String>) {
    let (p, q) = t.split_once('?').unwrap_or((t, ""));
    let mut v: Vec<String> = q.split('&').map(str::to_owned).collect();
    v.sort();
    (p.to_owned(), v)
}

#[test]
fn http_requests_and_uris_sign_like_the_core() {
    if repo_data::vectors_not_packaged("http_requests_and_uris_sign_like_the_core") {
        return;
    }
    let (mut signed, mut skipped) = (0, 0);
    for file in ["suite-v4.jsonl", "botocore-public.jsonl", "s3express.jsonl"] {
        let text = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/vectors")
                .join(file),
        )
        .unwrap();
        for line in text.lines() {
            let row: Value = serde_json::from_str(line).unwrap();
            let (case, want) = (&row["case"], &row["expected"]);
            let Some(got) = sign_via_http(case).map_err(|r| r.0).unwrap() else {
                skipped += 1;
                continue;
            };
            if case["scheme"].as_str().unwrap().ends_with("header") {
                let mut want_added = want["added_headers"].clone();
                // The http integration adds Host only when the request has none.
                want_added
                    .as_array_mut()
                    .unwrap()
                    .retain(|h| !h[0].as_str().unwrap().eq_ignore_ascii_case("host"));
                assert_eq!(
                    got["authorization"], want["authorization"],
                    "{}",
                    case["id"]
                );
                assert_eq!(
                    lower_set(&got["added_headers"]),
                    lower_set(&want_added),
                    "{}",
                    case["id"]
                );
            } else if case["scheme"].as_str().unwrap().ends_with("query") {
                // Both emit the canonical query: compare as sets of raw pairs.
                assert_eq!(
                    query_set(got["signed_target"].as_str().unwrap()).1.len(),
                    query_set(want["signed_target"].as_str().unwrap()).1.len(),
                    "{}",
                    case["id"]
                );
                let sig = |t: &str| t.rsplit("X-Amz-Signature=").next().unwrap()[..64].to_owned();
                assert_eq!(
                    sig(got["signed_target"].as_str().unwrap()),
                    sig(want["signed_target"].as_str().unwrap()),
                    "{}",
                    case["id"]
                );
            } else {
                skipped += 1;
                continue;
            }
            signed += 1;
        }
    }
    eprintln!("http path: {signed} signed, {skipped} not expressible as http types or SigV2");
    assert!(
        signed >= 1500,
        "only {signed} cases went through the http path ({skipped} skipped)"
    );
}
