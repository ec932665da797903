//! Every case of the committed corpora, through the public API, compared by
//! the rules of the conformance protocol (see `tests/vectors/README.md`).

use std::path::Path;

use serde_json::Value;

use awsig_tools::conformance::Runner;
use awsig_tools::conformance::compare::{header_set, split_target};

mod repo_data;

const EXACT: [&str; 5] = [
    "canonical_request",
    "string_to_sign",
    "signature",
    "authorization",
    "error",
];

fn differs(field: &str, want: &Value, got: &Value) -> bool {
    match (want, got) {
        (Value::Null, Value::Null) => false,
        (Value::Null, _) | (_, Value::Null) => true,
        _ if field == "signed_target" => {
            split_target(want.as_str().unwrap()) != split_target(got.as_str().unwrap_or(""))
        }
        _ if field == "added_headers" => header_set(want) != header_set(got),
        _ => want != got,
    }
}

/// Runs a corpus and returns the number of cases; panics listing the first
/// mismatches.
fn run_corpus(file: &str) -> usize {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/vectors")
        .join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let runner = Runner::new();
    let mut buf = vec![0u8; 4096];
    let mut failures = Vec::new();
    let mut count = 0;
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let row: Value = serde_json::from_str(line).unwrap();
        let (case, want) = (&row["case"], &row["expected"]);
        let got = runner.result_for(&row, 0, &mut buf);
        count += 1;
        let mut fields: Vec<&str> = EXACT.to_vec();
        fields.extend(["signed_target", "added_headers"]);
        let extra: Vec<String> = want
            .as_object()
            .unwrap()
            .keys()
            .filter(|k| {
                !fields.contains(&k.as_str()) && k.as_str() != "id" && !want[k.as_str()].is_null()
            })
            .cloned()
            .collect();
        let bad: Vec<String> = fields
            .iter()
            .map(|f| f.to_string())
            .chain(extra)
            .filter(|f| differs(f, &want[f.as_str()], &got[f.as_str()]))
            .collect();
        if !bad.is_empty() {
            failures.push(format!(
                "{} ({}): {:?}\n  want {}\n  got  {}",
                case["id"], case["scheme"], bad, want, got
            ));
        }
    }
    assert!(count > 0, "{file} is empty");
    assert!(
        failures.is_empty(),
        "{file}: {} of {count} cases differ:\n{}",
        failures.len(),
        failures
            .iter()
            .take(5)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
    count
}

#[test]
fn aws_sigv4_test_suite() {
    if repo_data::vectors_not_packaged("aws_sigv4_test_suite") {
        return;
    }
    assert_eq!(run_corpus("suite-v4.jsonl"), 76);
}

#[test]
fn botocore_public_corpus() {
    if repo_data::vectors_not_packaged("botocore_public_corpus") {
        return;
    }
    assert_eq!(run_corpus("botocore-public.jsonl"), 2000);
}

#[test]
fn sqs_seed_requests_v4_and_v2() {
    if repo_data::vectors_not_packaged("sqs_seed_requests_v4_and_v2") {
        return;
    }
    assert_eq!(run_corpus("seed/sqs-seed.jsonl"), 4);
    assert_eq!(run_corpus("seed/sqs-seed-v2-expires.jsonl"), 2);
    assert_eq!(run_corpus("seed/sqs-seed-v2-post.jsonl"), 1);
}

#[test]
fn header_rules_as_botocore_has_them() {
    if repo_data::vectors_not_packaged("header_rules_as_botocore_has_them") {
        return;
    }
    // A request's own x-amz-content-sha256 is its payload line; Proxy-Foo is
    // signed, Proxy-Authorization and Proxy-Authenticate are not.
    assert_eq!(run_corpus("header-rules.jsonl"), 5);
}

#[test]
fn aws_chunked_upload_documented_example() {
    if repo_data::vectors_not_packaged("aws_chunked_upload_documented_example") {
        return;
    }
    // Seed and chunk signatures from AWS's "Transferring Payload in Multiple
    // Chunks" example (extension scheme `s3-v4-chunked`).
    assert_eq!(run_corpus("aws-docs-chunked.jsonl"), 1);
}

#[test]
fn s3express_session_auth_corpus() {
    if repo_data::vectors_not_packaged("s3express_session_auth_corpus") {
        return;
    }
    // botocore's S3ExpressAuth / S3ExpressQueryAuth (tests/vectors/s3express/gen.py).
    assert_eq!(run_corpus("s3express.jsonl"), 360);
}

/// The comparison itself must be able to fail: a changed signature, query
/// value or header is caught.
#[test]
fn comparison_catches_mutations() {
    let t = "/p?a=1&X-Amz-Signature=ab";
    assert!(!differs(
        "signed_target",
        &Value::from(t),
        &Value::from("/p?X-Amz-Signature=ab&a=%31")
    ));
    assert!(differs(
        "signed_target",
        &Value::from(t),
        &Value::from("/p?a=2&X-Amz-Signature=ab")
    ));
    assert!(differs(
        "signed_target",
        &Value::from(t),
        &Value::from("/q?a=1&X-Amz-Signature=ab")
    ));
    let h = serde_json::json!([["X-Amz-Date", "1"], ["Authorization", "x"]]);
    assert!(!differs(
        "added_headers",
        &h,
        &serde_json::json!([["authorization", "x"], ["x-amz-date", "1"]])
    ));
    assert!(differs(
        "added_headers",
        &h,
        &serde_json::json!([["authorization", "y"], ["x-amz-date", "1"]])
    ));
    assert!(differs("signature", &Value::from("a"), &Value::from("b")));
}
