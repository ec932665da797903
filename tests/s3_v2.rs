//! S3's Signature Version 2 (`s3::v2`, `verify::verify_s3_v2`, feature
//! `s3-sigv2`): botocore 1.44.5's `HmacV1Auth` / `HmacV1QueryAuth` results
//! (`tests/vectors/s3-v2.jsonl`, written by `tests/vectors/s3-v2/gen.py`)
//! byte for byte, every case verified, and single-point tamperings refused.
#![cfg(feature = "s3-sigv2")]

use std::path::Path;

use awsig::verify::{self, Policy, Rejection, Secret};
use awsig::{Credentials, Request, SigningTime, s3};
use awsig_tools::conformance::compare::{header_set, split_target};
use awsig_tools::conformance::{self as runner, Runner};
use serde_json::Value;

mod repo_data;

fn corpus() -> Vec<Value> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors/s3-v2.jsonl");
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn botocore_corpus_byte_for_byte() {
    if repo_data::vectors_not_packaged("botocore_corpus_byte_for_byte") {
        return;
    }
    let runner = Runner::new();
    let mut buf = vec![0u8; 4096];
    let rows = corpus();
    for row in &rows {
        let (id, want) = (&row["case"]["id"], &row["expected"]);
        let got = runner.result_for(row, 0, &mut buf);
        for f in [
            "canonical_request",
            "string_to_sign",
            "signature",
            "authorization",
            "error",
        ] {
            assert_eq!(got[f], want[f], "{id}: {f}");
        }
        match want["signed_target"].as_str() {
            Some(t) => assert_eq!(
                split_target(got["signed_target"].as_str().unwrap()),
                split_target(t),
                "{id}"
            ),
            None => assert!(got["signed_target"].is_null(), "{id}"),
        }
        if want["added_headers"].is_null() {
            assert!(got["added_headers"].is_null(), "{id}");
        } else {
            assert_eq!(
                header_set(&got["added_headers"]),
                header_set(&want["added_headers"]),
                "{id}"
            );
        }
    }
    assert_eq!(rows.len(), 120);
}

#[test]
fn every_case_verifies() {
    if repo_data::vectors_not_packaged("every_case_verifies") {
        return;
    }
    for row in corpus() {
        let got = runner::verify_line(&row);
        assert_eq!(got["valid"], Value::Bool(true), "{got}");
    }
}

fn flip(s: &str, at: usize) -> String {
    let mut b = s.as_bytes().to_vec();
    b[at] = match b[at] {
        b'A' => b'B',
        b'0' => b'1',
        b'a' => b'b',
        _ => b'A',
    };
    String::from_utf8(b).unwrap()
}

/// One byte changed in what was signed, for every case.
#[test]
fn tamperings_are_refused() {
    if repo_data::vectors_not_packaged("tamperings_are_refused") {
        return;
    }
    let mut n = 0;
    for row in corpus() {
        let case = &row["case"];
        let id = case["id"].as_str().unwrap();
        let base = runner::received(case, &row["expected"]).ok().unwrap();
        let now = runner::verify_time(case).ok().unwrap();
        let query = case["scheme"] == "s3-v2-query";
        let check = |r: &runner::Received, want: &str, what: &str| {
            let got = runner::verify_received(case, r, now, None);
            assert_eq!(
                got.err().as_deref(),
                Some(want),
                "{id}: {what}: {}",
                r.target
            );
        };
        let mut variants: Vec<(runner::Received, &str, String)> = Vec::new();
        let _ = &base.body;
        // The signature, the path, each byte of the query's own part.
        let mut r = runner::received(case, &row["expected"]).ok().unwrap();
        if query {
            let at = r.target.find("Signature=").unwrap() + 12;
            r.target = flip(&r.target, at);
        } else {
            let i = r
                .headers
                .iter()
                .position(|(n, _)| n == "Authorization")
                .unwrap();
            let v = r.headers[i].1.clone();
            r.headers[i].1 = flip(&v, v.len() - 5);
        }
        variants.push((r, "signature_mismatch", "signature".into()));
        let slash = base.target[1..].find('/').unwrap() + 2;
        for at in [1, slash] {
            let mut r = runner::received(case, &row["expected"]).ok().unwrap();
            r.target = flip(&r.target, at);
            variants.push((r, "signature_mismatch", format!("path byte {at}")));
        }
        // A sub-resource's value.
        if let Some(p) = base
            .target
            .find("versionId=")
            .or_else(|| base.target.find("uploadId="))
        {
            let mut r = runner::received(case, &row["expected"]).ok().unwrap();
            r.target = flip(&r.target, p + 10);
            variants.push((r, "signature_mismatch", "sub-resource".into()));
        }
        // A signed header (x-amz-*, Content-Type): in the query when presigned.
        for (name, _) in base.headers.iter().filter(|(n, _)| {
            let l = n.to_ascii_lowercase();
            l.starts_with("x-amz-meta") || l == "content-type" || l == "x-amz-acl"
        }) {
            let mut r = runner::received(case, &row["expected"]).ok().unwrap();
            if query {
                let key = format!("{}=", name.to_ascii_lowercase());
                let at = r.target.find(&key).unwrap() + key.len();
                r.target.insert(at, 'X');
            } else {
                let h = r.headers.iter_mut().find(|(n, _)| n == name).unwrap();
                h.1.push('X');
            }
            variants.push((r, "signature_mismatch", format!("header {name}")));
        }
        // The time: `Expires` or `Date`.
        let mut r = runner::received(case, &row["expected"]).ok().unwrap();
        if query {
            let at = r.target.find("Expires=").unwrap() + 8;
            // One second later (earlier from ...9): still valid, signed otherwise.
            let digit = r.target.as_bytes()[at + 9];
            let new = if digit == b'9' {
                '8'
            } else {
                (digit + 1) as char
            };
            r.target.replace_range(at + 9..at + 10, &new.to_string());
            variants.push((r, "signature_mismatch", "Expires".into()));
        } else {
            let h = r.headers.iter_mut().find(|(n, _)| n == "Date").unwrap();
            let sec = h.1.as_bytes()[24];
            let new = if sec == b'0' { '1' } else { '0' };
            h.1.replace_range(24..25, &new.to_string());
            variants.push((r, "signature_mismatch", "Date".into()));
        }
        for (r, want, what) in &variants {
            check(r, want, what);
            n += 1;
        }
        // Another secret; the right one long after.
        assert_eq!(
            runner::verify_received(case, &base, now, Some("other")).unwrap_err(),
            "signature_mismatch",
            "{id}"
        );
        let late = now.checked_add_seconds(700_000).unwrap();
        let kind = runner::verify_received(case, &base, late, None).unwrap_err();
        let want = if query {
            "expired"
        } else {
            "request_time_too_skewed"
        };
        assert_eq!(kind, want, "{id}");
        n += 2;
    }
    assert!(n > 600, "{n}");
}

#[test]
fn tokens_keys_and_forms() {
    let creds = Credentials::new("ASIAEXAMPLE", "secret", Some("token")).unwrap();
    let t = SigningTime::parse_rfc3339("2026-12-03T12:00:00Z").unwrap();
    let headers = [("Host", "127.0.0.1:9000")];
    let request = Request::new("PUT", "/bucket/key", &headers);
    let mut first = [0u8; 512];
    let mut buf = [0u8; 512];
    let signed = s3::v2::sign_headers(&creds, &request, t, &mut first).unwrap();
    let mut all: Vec<(&str, &str)> = headers.to_vec();
    all.extend(signed.headers());
    let received = Request::new("PUT", "/bucket/key", &all);
    let with = |tok: Option<&'static str>| move |_: &str| Some(Secret::new("secret", tok));
    let policy = Policy::new(t, "s3").sigv2(604_800);
    assert!(verify::verify_s3_v2(&received, &with(Some("token")), &policy).is_ok());
    let err = verify::verify_s3_v2(&received, &with(None), &policy).unwrap_err();
    assert_eq!(err.rejection(), Some(Rejection::SessionTokenMismatch));
    let err = verify::verify_s3_v2(&received, &with(Some("other")), &policy).unwrap_err();
    assert_eq!(err.rejection(), Some(Rejection::SessionTokenMismatch));
    let unknown = |_: &str| None::<Secret<'static>>;
    let err = verify::verify_s3_v2(&received, &unknown, &policy).unwrap_err();
    assert_eq!(err.rejection(), Some(Rejection::UnknownAccessKey));
    // A request signed already, or carrying what the signer adds.
    for extra in [
        ("Authorization", "x"),
        ("Date", "x"),
        ("x-amz-security-token", "t"),
    ] {
        let h = [("Host", "h"), extra];
        let err = s3::v2::sign_headers(&creds, &Request::new("GET", "/b/k", &h), t, &mut buf)
            .unwrap_err();
        assert_eq!(err, awsig::Error::AuthHeaderPresent);
    }
    let err = s3::v2::presign(
        &creds,
        &Request::new("GET", "/b/k?Signature=x", &headers),
        t,
        &mut buf,
    )
    .unwrap_err();
    assert_eq!(err, awsig::Error::AuthParameterPresent);
    // Unsigned, doubly signed, SigV4.
    let none = verify::verify_s3_v2(&Request::new("GET", "/b/k", &headers), &with(None), &policy);
    assert_eq!(
        none.unwrap_err().rejection(),
        Some(Rejection::MissingAuthentication)
    );
    let v4 = [
        ("Host", "h"),
        ("Authorization", "AWS4-HMAC-SHA256 Credential=x"),
    ];
    let err =
        verify::verify_s3_v2(&Request::new("GET", "/b/k", &v4), &with(None), &policy).unwrap_err();
    assert_eq!(err.rejection(), Some(Rejection::UnsupportedAlgorithm));
    let both = verify::verify_s3_v2(
        &Request::new("GET", "/b/k?AWSAccessKeyId=a&Signature=b&Expires=1", &all),
        &with(None),
        &policy,
    );
    assert_eq!(
        both.unwrap_err().rejection(),
        Some(Rejection::AmbiguousAuthentication)
    );
    // Presigned too far ahead: beyond the policy's SigV2 lifetime (7 days here).
    let far = t.checked_add_seconds(700_000).unwrap();
    let url = s3::v2::presign(
        &Credentials::new("AKID", "secret", None).unwrap(),
        &Request::new("GET", "/b/k", &headers),
        far,
        &mut buf,
    )
    .unwrap();
    let err = verify::verify_s3_v2(
        &Request::new("GET", url.as_str(), &headers),
        &with(None),
        &policy,
    )
    .unwrap_err();
    assert_eq!(err.rejection(), Some(Rejection::ExpiresTooFar));
    // SigV2 is refused unless the policy accepts it.
    let refused = verify::verify_s3_v2(
        &Request::new("GET", "/b/k", &headers),
        &with(None),
        &Policy::new(t, "s3"),
    );
    assert_eq!(
        refused.unwrap_err().rejection(),
        Some(Rejection::SigV2NotAllowed)
    );
    // With x-amz-date, the Date line is empty (S3's rule).
    let amz = [
        ("Host", "h"),
        ("x-amz-date", "Thu, 03 Dec 2026 12:00:00 GMT"),
    ];
    let plain = Credentials::new("AKID", "secret", None).unwrap();
    let s = s3::v2::sign_headers(&plain, &Request::new("GET", "/b/k", &amz), t, &mut buf).unwrap();
    let mut sent = amz.to_vec();
    sent.push(("Authorization", s.authorization()));
    assert!(
        verify::verify_s3_v2(&Request::new("GET", "/b/k", &sent), &with(None), &policy).is_ok()
    );
}

/// Mangled presigned targets and headers never make the verifier panic.
#[test]
fn mangled_requests_never_panic() {
    let creds = Credentials::new("AKIDEXAMPLE", "secret", Some("t")).unwrap();
    let t = SigningTime::parse_rfc3339("2026-12-03T12:00:00Z").unwrap();
    let headers = [("Host", "h"), ("x-amz-meta-a", "1"), ("Content-Type", "x")];
    let request = Request::new("PUT", "/b/k?acl&versionId=2", &headers);
    let mut buf = [0u8; 1024];
    let url = s3::v2::presign(
        &creds,
        &request,
        t.checked_add_seconds(60).unwrap(),
        &mut buf,
    )
    .unwrap()
    .as_str()
    .to_owned();
    let lookup = |_: &str| Some(Secret::new("secret", Some("t")));
    let policy = Policy::new(t, "s3").sigv2(604_800);
    let mut x = 0x2545_f491_4f6c_dd1du64;
    let charset = b"%&=?+/aA0 :,x-";
    for _ in 0..5000 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let mut b = url.clone().into_bytes();
        let at = (x as usize) % b.len();
        b[at] = charset[(x >> 32) as usize % charset.len()];
        let target = String::from_utf8(b).unwrap();
        let _ = verify::verify_s3_v2(&Request::new("PUT", &target, &headers), &lookup, &policy);
        let date = format!("Thu, 0{} Dec 2026 12:00:00 GMT", x % 10);
        let auth = format!("AWS AKIDEXAMPLE:{}", &target[at.min(target.len() - 1)..]);
        let sent = [
            ("Host", "h"),
            ("Date", date.as_str()),
            ("Authorization", auth.as_str()),
        ];
        let _ = verify::verify_s3_v2(&Request::new("PUT", "/b/k", &sent), &lookup, &policy);
    }
}

/// botocore's `HmacV1PostAuth` forms (`generate_presigned_post` with
/// `signature_version='s3'`, `tests/vectors/s3-v2-post.jsonl`): the same
/// `signature` for the same `policy`, and the forms verify (a changed
/// policy or token does not).
#[test]
fn botocore_post_forms() {
    if repo_data::vectors_not_packaged("botocore_post_forms") {
        return;
    }
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors/s3-v2-post.jsonl");
    let text = std::fs::read_to_string(path).unwrap();
    let mut n = 0;
    for line in text.lines() {
        let row: Value = serde_json::from_str(line).unwrap();
        let c = &row["credentials"];
        let (akid, secret) = (
            c["access_key_id"].as_str().unwrap(),
            c["secret_access_key"].as_str().unwrap(),
        );
        let token = c["session_token"].as_str();
        let creds = Credentials::new(akid, secret, token).unwrap();
        let fields: Vec<(&str, &str)> = row["fields"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str().unwrap()))
            .collect();
        let field = |name| fields.iter().find(|(k, _)| *k == name).unwrap().1;
        let signature = s3::v2::sign_policy(&creds, field("policy"));
        assert_eq!(signature.as_str(), field("signature"), "{}", row["id"]);
        let lookup = |_: &str| Some(Secret::new(secret, token));
        assert_eq!(verify::verify_s3_v2_post(&fields, &lookup), Ok(akid));
        let mut changed = fields.clone();
        let at = changed.iter().position(|(k, _)| *k == "policy").unwrap();
        let other = format!("{}=", &field("policy")[..field("policy").len() - 4]);
        changed[at].1 = &other;
        let err = verify::verify_s3_v2_post(&changed, &lookup).unwrap_err();
        assert_eq!(err.rejection(), Some(Rejection::SignatureMismatch));
        let no_token = |_: &str| Some(Secret::new(secret, None));
        let err = verify::verify_s3_v2_post(&fields, &no_token).map(|_| ());
        assert_eq!(err.is_err(), token.is_some(), "{}", row["id"]);
        n += 1;
    }
    assert_eq!(n, 4);
}
