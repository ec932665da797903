//! The `http` integration passes the same corpora as the core API.
#![cfg(feature = "http")]

use std::path::Path;

use serde_json::Value;

#[allow(dead_code)] // each test uses part of the runner
#[path = "../examples/conformance/runner.rs"]
mod runner;

mod repo_data;

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
    for file in ["suite-v4.jsonl", "botocore-public.jsonl"] {
        let text = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/vectors")
                .join(file),
        )
        .unwrap();
        for line in text.lines() {
            let row: Value = serde_json::from_str(line).unwrap();
            let (case, want) = (&row["case"], &row["expected"]);
            let Some(got) = runner::sign_via_http(case).map_err(|r| r.0).unwrap() else {
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
