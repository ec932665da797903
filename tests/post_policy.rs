//! S3 presigned POST against botocore's `generate_presigned_post`
//! (tests/vectors/post/, produced by `gen_post.py`): same inputs, same
//! policy bytes, same signature, same form fields.

use std::path::Path;

use awsig::s3::{self, Condition, KeyCondition, PostPolicy};
use awsig::v4::{Signer, SigningKey};
use awsig::{Credentials, SigningTime};
use serde_json::Value;

mod repo_data;

fn conditions(v: &Value) -> Vec<Condition<'_>> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|c| match c {
            Value::Object(m) => {
                let (k, v) = m.iter().next().unwrap();
                Condition::Equals(k, v.as_str().unwrap())
            }
            Value::Array(a) if a[0] == "starts-with" => Condition::StartsWith(
                a[1].as_str().unwrap().strip_prefix('$').unwrap(),
                a[2].as_str().unwrap(),
            ),
            Value::Array(a) if a[0] == "content-length-range" => {
                Condition::ContentLengthRange(a[1].as_u64().unwrap(), a[2].as_u64().unwrap())
            }
            other => panic!("condition {other}"),
        })
        .collect()
}

#[test]
fn matches_botocore_generate_presigned_post() {
    if repo_data::vectors_not_packaged("matches_botocore_generate_presigned_post") {
        return;
    }
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors/post/post-policy.jsonl");
    let text = std::fs::read_to_string(path).unwrap();
    let mut n = 0;
    for line in text.lines() {
        let row: Value = serde_json::from_str(line).unwrap();
        let (case, want) = (&row["case"], &row["expected"]);
        let c = &case["credentials"];
        let creds = Credentials::new(
            c["access_key_id"].as_str().unwrap(),
            c["secret_access_key"].as_str().unwrap(),
            c["session_token"].as_str(),
        )
        .unwrap();
        let time = SigningTime::parse_rfc3339(case["time"].as_str().unwrap()).unwrap();
        let key = SigningKey::derive(&creds, time, case["region"].as_str().unwrap(), "s3").unwrap();
        let signer = Signer::new(&key, &creds, time).unwrap();
        let object_key = case["key"].as_str().unwrap();
        let key_condition = match object_key.strip_suffix("${filename}") {
            Some(prefix) => KeyCondition::Prefix(prefix),
            None => KeyCondition::Exact(object_key),
        };
        let conds = conditions(&case["conditions"]);
        let fields: Vec<(&str, &str)> = case["fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| (f[0].as_str().unwrap(), f[1].as_str().unwrap()))
            .collect();
        let policy = PostPolicy::new(
            case["bucket"].as_str().unwrap(),
            key_condition,
            case["expires_in"].as_u64().unwrap() as u32,
        )
        .conditions(&conds)
        .fields(&fields);
        let mut buf = vec![0u8; 8192];
        let signed = s3::presign_post(&signer, &policy, &mut buf).unwrap();
        assert_eq!(
            signed.policy(),
            want["policy"].as_str().unwrap(),
            "{}: {}",
            case["id"],
            signed.policy_json()
        );
        assert_eq!(
            signed.signature(),
            want["signature"].as_str().unwrap(),
            "{}",
            case["id"]
        );
        let got: Vec<Value> = signed
            .fields()
            .map(|(k, v)| serde_json::json!([k, v]))
            .collect();
        assert_eq!(Value::Array(got), want["fields"], "{}", case["id"]);
        // A caller-written policy with the same bytes signs the same.
        let mut b64 = vec![0u8; 8192];
        let (encoded, sig) = s3::sign_policy(&key, signed.policy_json(), &mut b64).unwrap();
        assert_eq!(encoded, signed.policy());
        assert_eq!(std::str::from_utf8(&sig).unwrap(), signed.signature());
        // And a tampered policy does not.
        let mut tampered = signed.policy().to_owned();
        tampered.replace_range(10..11, if &tampered[10..11] == "A" { "B" } else { "A" });
        assert_ne!(
            &s3::sign_encoded_policy(&key, &tampered)[..],
            signed.signature().as_bytes()
        );
        n += 1;
    }
    assert_eq!(n, 3);
}

#[test]
fn small_buffer_is_an_error() {
    let creds = Credentials::new("AKID", "secret", None).unwrap();
    let time = SigningTime::from_unix_seconds(1_700_000_000).unwrap();
    let key = SigningKey::derive(&creds, time, "us-east-1", "s3").unwrap();
    let signer = Signer::new(&key, &creds, time).unwrap();
    let policy = PostPolicy::new("b", KeyCondition::Exact("k"), 60);
    let mut buf = [0u8; 100];
    assert!(matches!(
        s3::presign_post(&signer, &policy, &mut buf),
        Err(awsig::Error::BufferTooSmall { .. })
    ));
    let other_day = time.checked_add_seconds(86_400).unwrap();
    assert_eq!(
        Signer::new(&key, &creds, other_day).map(|_| ()),
        Err(awsig::Error::KeyScopeMismatch)
    );
}
