//! S3 endpoints behind a path prefix (`https://host/storage/v1/s3` +
//! bucket + key, path-style, as Supabase storage and S3 gateways serve
//! it): the URLs `s3::Bucket` builds sign the same as botocore 1.44.5
//! signs those targets (`tests/vectors/s3-prefix.jsonl`, written by the
//! shared `oracle.py --combined`), and verify.

use std::path::Path;

use awsig::s3::{self, Addressing, Bucket, ObjectOptions};
use awsig::verify::{self, Policy, Secret};
use awsig::{Credentials, Error, Payload, Request, SigningTime, v4};
use serde_json::Value;

mod repo_data;

#[test]
fn prefixed_endpoints_sign_as_botocore() {
    if repo_data::vectors_not_packaged("prefixed_endpoints_sign_as_botocore") {
        return;
    }
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors/s3-prefix.jsonl");
    let text = std::fs::read_to_string(path).unwrap();
    // (endpoint, bucket, key) that give each case's target.
    let buckets = [
        ("project.supabase.co/storage/v1/s3", "avatars", "a b.png"),
        ("gateway.example.com:8443/s3/", "data.bucket", "dir/k~1.txt"),
    ];
    let mut n = 0;
    for (line, (endpoint, name, object)) in text.lines().zip(buckets) {
        let row: Value = serde_json::from_str(line).unwrap();
        let (case, want) = (&row["case"], &row["expected"]);
        let creds = Credentials::new(
            case["credentials"]["access_key_id"].as_str().unwrap(),
            case["credentials"]["secret_access_key"].as_str().unwrap(),
            None,
        )
        .unwrap();
        let time = SigningTime::parse_rfc3339(case["time"].as_str().unwrap()).unwrap();
        let region = case["region"].as_str().unwrap();
        let key = v4::SigningKey::derive(&creds, time, region, "s3").unwrap();
        let signer = v4::Signer::new(&key, &creds, time).unwrap();
        let bucket = Bucket::new(endpoint, name, Addressing::Path).unwrap();
        let method = case["request"]["method"].as_str().unwrap();
        let expires = case["expires_in"].as_u64().unwrap() as u32;
        let mut buf = [0u8; 1024];
        let opts = ObjectOptions::default();
        let url =
            s3::presign_object(&signer, &bucket, method, object, expires, &opts, &mut buf).unwrap();
        let host = case["request"]["headers"][0][1].as_str().unwrap();
        let target = url
            .as_str()
            .strip_prefix(&format!("https://{host}"))
            .unwrap();
        assert_eq!(
            target,
            want["signed_target"].as_str().unwrap(),
            "{}",
            case["id"]
        );
        assert_eq!(
            url.signature().as_str(),
            want["signature"].as_str().unwrap()
        );
        // A server at that prefix verifies it (the body not read).
        let headers = [("Host", host)];
        let lookup = |_: &str| Some(Secret::new(creds_secret(), None));
        let policy = Policy::new(time, "s3");
        let ok = verify::verify(
            &Request::new(method, target, &headers).with_payload(Payload::Unsigned),
            &lookup,
            &policy,
        )
        .unwrap();
        assert_eq!(ok.path, target.split('?').next().unwrap());
        n += 1;
    }
    assert_eq!(n, 2);
}

fn creds_secret() -> &'static str {
    "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
}

#[test]
fn prefixes_are_checked() {
    for good in ["h/p", "h/p/", "h:9000/a/b%20c/d", "h/a@b/c=d;e", "h"] {
        assert!(Bucket::new(good, "b", Addressing::Path).is_ok(), "{good}");
    }
    for bad in [
        "h//p", "h/p//q", "h/./p", "h/p/..", "h/p q", "h/p?x", "h/p#x", "h/%zz", "/p", "h/é",
    ] {
        assert_eq!(
            Bucket::new(bad, "b", Addressing::Path),
            Err(Error::InvalidHost),
            "{bad}"
        );
    }
    // Virtual-hosted: the bucket in the host, the prefix in the path.
    let creds = Credentials::new("AKIDEXAMPLE", "secret", None).unwrap();
    let time = SigningTime::parse_rfc3339("2026-12-03T12:00:00Z").unwrap();
    let key = v4::SigningKey::derive(&creds, time, "us-east-1", "s3").unwrap();
    let signer = v4::Signer::new(&key, &creds, time).unwrap();
    let bucket = Bucket::new("example.com/s3", "b", Addressing::VirtualHosted).unwrap();
    let mut buf = [0u8; 1024];
    let url = s3::presign_get(
        &signer,
        &bucket,
        "k",
        60,
        &ObjectOptions::default(),
        &mut buf,
    )
    .unwrap();
    assert!(
        url.as_str()
            .starts_with("https://b.example.com/s3/k?X-Amz-Algorithm="),
        "{}",
        url.as_str()
    );
    // The bucket itself (empty key): the prefix and the bucket.
    let path = Bucket::new("example.com/s3", "b", Addressing::Path).unwrap();
    let url = s3::presign_get(&signer, &path, "", 60, &ObjectOptions::default(), &mut buf).unwrap();
    assert!(
        url.as_str()
            .starts_with("https://example.com/s3/b?X-Amz-Algorithm="),
        "{}",
        url.as_str()
    );
}
