//! The conformance runner's `--verify-raw` mode (the protocol's "Receiving
//! side") on `tests/vectors/verify-raw/findings.jsonl`: for each of the ten
//! findings of the verifier's security review, the attack a server must
//! refuse beside a valid control it must accept (and what it established
//! of the body). The requests are signed by botocore 1.44.5 (SigV4a
//! through awscrt 0.38.1) or taken from AWS's documentation; the expected
//! answers are the rules (`tests/vectors/verify-raw/gen.py`).

use std::path::Path;

use awsig_tools::conformance::verify_raw_line;
use serde_json::Value;

fn findings() -> Vec<Value> {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors/verify-raw/findings.jsonl");
    std::fs::read_to_string(path)
        .expect("tests/vectors/verify-raw/findings.jsonl")
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON"))
        .collect()
}

#[test]
fn every_finding_is_refused_beside_an_accepted_control() {
    let lines = findings();
    let mut refused_by_finding = [0usize; 11];
    let mut accepted_by_finding = [0usize; 11];
    for line in &lines {
        let (case, expected) = (&line["case"], &line["expected"]);
        let got = verify_raw_line(case);
        let id = expected["id"].as_str().unwrap();
        assert_eq!(got["id"], expected["id"]);
        assert_eq!(got["accepted"], expected["accepted"], "{id}: {got}");
        if !expected["payload"].is_null() {
            assert_eq!(got["payload"], expected["payload"], "{id}: {got}");
        }
        let finding: usize = id.split('-').next().unwrap().parse().unwrap();
        if got["accepted"] == Value::Bool(true) {
            assert!(
                got["error"].is_null() && got["access_key_id"].is_string(),
                "{id}: {got}"
            );
            accepted_by_finding[finding] += 1;
        } else {
            assert!(
                got["error"].is_string() && got["payload"].is_null(),
                "{id}: {got}"
            );
            refused_by_finding[finding] += 1;
        }
    }
    // Each of the ten findings has at least one refused request and one
    // valid control (finding 1's control is the unmodified presigned URL).
    for finding in 1..=10 {
        assert!(
            refused_by_finding[finding] >= 1,
            "finding {finding}: no refused request"
        );
        assert!(
            accepted_by_finding[finding] >= 1,
            "finding {finding}: no control"
        );
    }
}

#[test]
fn malformed_lines_are_refused_not_crashed_on() {
    for line in [
        serde_json::json!({"id": "x"}),
        serde_json::json!({"id": "x", "received": {"method": "GET", "target": "/", "headers": []}}),
        serde_json::json!({"id": "x", "received": {"method": "GET", "target": "/", "headers": [["Host", "h"]]},
                           "secrets": [], "policy": {"now": "not a time", "service": "s3"}}),
    ] {
        let got = verify_raw_line(&line);
        assert_eq!(got["accepted"], Value::Bool(false), "{got}");
        assert!(got["error"].is_string(), "{got}");
    }
}
