//! One `'static` client signs from four threads at once, across a UTC day
//! change and a credential rotation; every signature is botocore's for the
//! same inputs (`vectors/client.jsonl`, made by `vectors/gen.py` and the
//! shared botocore oracle).

use std::sync::OnceLock;

use awsig::{OwnedCredentials, Request, SigningTime};
use awsig_sdk_client::Client;
use serde_json::Value;

static CLIENT: OnceLock<Client> = OnceLock::new();

const THREADS: usize = 4;

fn credentials(case: &Value) -> OwnedCredentials {
    let c = &case["credentials"];
    OwnedCredentials::new(
        c["access_key_id"].as_str().unwrap().to_owned(),
        c["secret_access_key"].as_str().unwrap().to_owned(),
        c["session_token"].as_str().map(str::to_owned),
    )
    .unwrap()
}

/// The path and the sorted query parameters of a target.
fn parts(target: &str) -> (&str, Vec<&str>) {
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let mut params: Vec<&str> = query.split('&').collect();
    params.sort_unstable();
    (path, params)
}

/// Signs `case` through the shared client and checks botocore's result.
fn check(client: &Client, case: &Value, expected: &Value) {
    let id = case["id"].as_str().unwrap();
    let r = &case["request"];
    let headers: Vec<(String, String)> = r["headers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            (
                h[0].as_str().unwrap().to_owned(),
                h[1].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let pairs: Vec<(&str, &str)> = headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let request = Request::new(
        r["method"].as_str().unwrap(),
        r["target"].as_str().unwrap(),
        &pairs,
    );
    let time = SigningTime::parse_rfc3339(case["time"].as_str().unwrap()).unwrap();
    match case["scheme"].as_str().unwrap() {
        "v4-query" => {
            let expires = u32::try_from(case["expires_in"].as_u64().unwrap()).unwrap();
            let target = client.presign(&request, expires, time).unwrap();
            // The protocol compares the query as a multiset of parameters.
            assert_eq!(
                parts(&target),
                parts(expected["signed_target"].as_str().unwrap()),
                "{id}"
            );
        }
        "v4-header" => {
            let added = client.sign_headers(&request, time).unwrap();
            let want: Vec<(String, String)> = expected["added_headers"]
                .as_array()
                .unwrap()
                .iter()
                .map(|h| {
                    (
                        h[0].as_str().unwrap().to_lowercase(),
                        h[1].as_str().unwrap().to_owned(),
                    )
                })
                .collect();
            let got: Vec<(String, String)> = added
                .into_iter()
                .map(|(n, v)| (n.to_lowercase(), v))
                .collect();
            for pair in &want {
                assert!(got.contains(pair), "{id}: {pair:?} not in {got:?}");
            }
            assert_eq!(got.len(), want.len(), "{id}");
        }
        other => panic!("{id}: scheme {other}"),
    }
}

#[test]
fn a_static_client_signs_from_four_threads_across_a_day_change_and_a_rotation() {
    let lines: Vec<Value> = include_str!("../vectors/client.jsonl")
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let phases = ["day1", "day2", "rotated"];
    let first = &lines[0]["case"];
    let client = CLIENT.get_or_init(|| Client::new(credentials(first), "eu-west-1", "sqs"));
    for (n, phase) in phases.iter().enumerate() {
        let cases: Vec<&Value> = lines
            .iter()
            .filter(|l| l["case"]["id"].as_str().unwrap().split('/').nth(1) == Some(phase))
            .collect();
        assert!(cases.len() >= 4 * THREADS, "{phase}: {} cases", cases.len());
        if *phase == "rotated" {
            client.rotate(credentials(&cases[0]["case"]));
        }
        std::thread::scope(|s| {
            for t in 0..THREADS {
                let cases = &cases;
                s.spawn(move || {
                    for line in cases.iter().skip(t).step_by(THREADS) {
                        check(CLIENT.get().unwrap(), &line["case"], &line["expected"]);
                    }
                });
            }
        });
        // One key per phase: the day changed, then the secret did.
        assert_eq!(client.derivations(), n as u64 + 1, "after {phase}");
    }
}
