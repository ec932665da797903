//! SigV4a against aws-c-auth's v4a suite, both directions: our canonical
//! requests, strings to sign and derived public keys equal the suite's; our
//! signatures verify under the suite's public keys; the suite's own
//! (randomised) signatures verify under our verifier.
#![cfg(feature = "sigv4a")]

use std::path::Path;

use awsig::v4a::V4aSigningKey;
use awsig::verify::{self, Policy, Secret};
use awsig::{Request, SigningTime};
use awsig_tools::conformance::{Refused, Runner, Signing};
use serde_json::Value;

mod repo_data;

/// The runner's SigV4a schemes: derives the case's key and signs with it.
fn sign_v4a(s: &Signing<'_>, repeat: usize, buf: &mut [u8]) -> Result<Value, Refused> {
    let key = V4aSigningKey::derive(s.credentials, s.region_set()?, s.case.service)?;
    s.sign_v4a(&key, key.public_key(), repeat, buf)
}

fn key32(hex: &str) -> [u8; 32] {
    let mut out = [0u8; 32];
    for (i, o) in out.iter_mut().enumerate() {
        *o = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap();
    }
    out
}

fn strs(v: &Value) -> Vec<(String, String)> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|h| {
            (
                h[0].as_str().unwrap().to_owned(),
                h[1].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// Verifies (method, target, headers) as the case's server, with the
/// secret or with the public key only.
fn check(
    case: &Value,
    target: &str,
    headers: &[(String, String)],
    secret: Option<&str>,
    public: (&str, &str),
) -> Result<(), String> {
    let hs: Vec<(&str, &str)> = headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let body = base64_decode(case["request"]["body_b64"].as_str().unwrap());
    let payload = match case["payload"].as_str() {
        Some(h) => awsig::Payload::Precomputed(h),
        None => awsig::Payload::Body(&body),
    };
    let req = Request::new(case["request"]["method"].as_str().unwrap(), target, &hs)
        .with_payload(payload);
    let (x, y) = (key32(public.0), key32(public.1));
    let token = case["credentials"]["session_token"].as_str();
    let lookup = |_: &str| {
        Some(match secret {
            Some(s) => Secret::new(s, token),
            None => Secret::v4a_public_key(x, y, token),
        })
    };
    let t = SigningTime::parse_rfc3339(case["time"].as_str().unwrap()).unwrap();
    let now = t
        .checked_add_seconds(case["expires_in"].as_i64().unwrap_or(0) / 2)
        .unwrap();
    let mut settings =
        awsig::v4::SigningSettings::new().normalize_path(case["normalize_path"].as_bool().unwrap());
    if case["omit_session_token"].as_bool() == Some(true) {
        settings = settings.session_token(awsig::v4::SessionTokenMode::AppendedUnsigned);
    }
    verify::verify(
        &req,
        &lookup,
        &Policy::new(now, "service").settings(settings),
    )
    .map(|_| ())
    .map_err(|e| e.kind().to_owned())
}

fn base64_decode(s: &str) -> Vec<u8> {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.decode(s).unwrap()
}

#[test]
fn aws_c_auth_v4a_suite_both_directions() {
    if repo_data::vectors_not_packaged("aws_c_auth_v4a_suite_both_directions") {
        return;
    }
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors/suite-v4a.jsonl"),
    )
    .unwrap();
    let runner = Runner::new().with_v4a(sign_v4a);
    let mut buf = vec![0u8; 1 << 16];
    let mut n = 0;
    for line in text.lines() {
        let row: Value = serde_json::from_str(line).unwrap();
        let (case, want, suite) = (&row["case"], &row["expected"], &row["suite"]);
        let id = case["id"].as_str().unwrap();
        let got = runner.result_for(&row, 0, &mut buf);
        assert_eq!(got["error"], Value::Null, "{id}: {got}");
        for field in ["canonical_request", "string_to_sign", "public_key"] {
            assert_eq!(got[field], want[field], "{id}: {field}");
        }
        let public = (
            want["public_key"]["X"].as_str().unwrap(),
            want["public_key"]["Y"].as_str().unwrap(),
        );
        let secret = case["credentials"]["secret_access_key"].as_str().unwrap();
        let headers = strs(&case["request"]["headers"]);
        let query = case["scheme"] == "v4a-query";

        // Ours, under the suite's public key and under our derived key.
        let (target, ours) = if query {
            (
                got["signed_target"].as_str().unwrap().to_owned(),
                headers.clone(),
            )
        } else {
            let mut h = headers.clone();
            h.extend(strs(&got["added_headers"]));
            (case["request"]["target"].as_str().unwrap().to_owned(), h)
        };
        check(case, &target, &ours, None, public)
            .unwrap_or_else(|e| panic!("{id}: ours under the suite key: {e}"));
        check(case, &target, &ours, Some(secret), public)
            .unwrap_or_else(|e| panic!("{id}: ours, derived: {e}"));

        // The suite's signed request, and its standalone signature file.
        let suite_headers = strs(&suite["signed_headers"]);
        let suite_target = if query {
            suite["signed"].as_str().unwrap().to_owned()
        } else {
            target.clone()
        };
        for key in [None, Some(secret)] {
            check(case, &suite_target, &suite_headers, key, public)
                .unwrap_or_else(|e| panic!("{id}: suite request: {e}"));
        }
        let sig_file = suite["signature"].as_str().unwrap();
        let (t2, h2) = if query {
            let (head, old) = suite_target.rsplit_once("X-Amz-Signature=").unwrap();
            let rest = old
                .split_once('&')
                .map(|(_, r)| format!("&{r}"))
                .unwrap_or_default();
            (
                format!("{head}X-Amz-Signature={sig_file}{rest}"),
                suite_headers.clone(),
            )
        } else {
            let mut h = suite_headers.clone();
            let auth = h
                .iter_mut()
                .find(|(n, _)| n.eq_ignore_ascii_case("authorization"))
                .unwrap();
            let (head, _) = auth.1.rsplit_once("Signature=").unwrap();
            auth.1 = format!("{head}Signature={sig_file}");
            (suite_target.clone(), h)
        };
        check(case, &t2, &h2, None, public)
            .unwrap_or_else(|e| panic!("{id}: suite signature file: {e}"));

        // A changed signature digit is refused.
        let tampered = t2.replacen(&sig_file[10..20], &"0".repeat(10), 1);
        let mut h3 = h2.clone();
        if !query {
            let auth = h3
                .iter_mut()
                .find(|(n, _)| n.eq_ignore_ascii_case("authorization"))
                .unwrap();
            auth.1 = auth.1.replacen(&sig_file[10..20], &"0".repeat(10), 1);
        }
        assert!(
            check(case, if query { &tampered } else { &t2 }, &h3, None, public).is_err(),
            "{id}: tampered accepted"
        );
        n += 1;
    }
    assert_eq!(n, 76);
}

#[test]
fn signatures_are_deterministic() {
    let creds = awsig::Credentials::new(
        "AKIDEXAMPLE",
        "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        None,
    )
    .unwrap();
    let key = awsig::v4a::V4aSigningKey::derive(&creds, "us-east-1,us-west-*", "service").unwrap();
    let t = SigningTime::parse_rfc3339("2015-08-30T12:36:00Z").unwrap();
    let signer = awsig::v4::Signer::new(&key, &creds, t).unwrap();
    let h = [("Host", "example.amazonaws.com")];
    let req = Request::new("GET", "/", &h);
    let (mut a, mut b) = ([0u8; 1024], [0u8; 1024]);
    let s1 = awsig::v4::presign(&signer, &req, 60, &Default::default(), &mut a).unwrap();
    let s2 = awsig::v4::presign(&signer, &req, 60, &Default::default(), &mut b).unwrap();
    assert_eq!(s1.as_str(), s2.as_str());
    assert!(
        s1.as_str()
            .contains("X-Amz-Region-Set=us-east-1%2Cus-west-%2A"),
        "{}",
        s1.as_str()
    );
}

/// The `s` of a DER-encoded ECDSA signature (hex), big-endian, 32 bytes.
fn der_s(hex: &str) -> [u8; 32] {
    let der: Vec<u8> = (0..hex.len() / 2)
        .map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap())
        .collect();
    // SEQUENCE { INTEGER r, INTEGER s }, short lengths (P-256).
    assert_eq!(der[0], 0x30);
    let r_len = usize::from(der[3]);
    let s_at = 4 + r_len;
    assert_eq!(der[s_at], 0x02);
    let s_len = usize::from(der[s_at + 1]);
    let s = &der[s_at + 2..s_at + 2 + s_len];
    let s = &s[s.len().saturating_sub(32)..];
    let mut out = [0u8; 32];
    out[32 - s.len()..].copy_from_slice(s);
    out
}

#[test]
fn signatures_are_low_s_and_verify() {
    // n / 2 for P-256 (n = FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551).
    let half_n = key32("7FFFFFFF800000007FFFFFFFFFFFFFFFDE737D56D38BCF4279DCE5617E3192A8");
    let creds = awsig::Credentials::new("AKIDEXAMPLE", "secret", None).unwrap();
    let key = V4aSigningKey::derive(&creds, "*", "service").unwrap();
    let (x, y) = key.public_key();
    let lookup = |_: &str| Some(Secret::v4a_public_key(x, y, None));
    let h = [("Host", "example.amazonaws.com")];
    let mut buf = [0u8; 1024];
    // 64 signatures: about half would be high-s without normalising.
    for i in 0..64 {
        let t = SigningTime::from_unix_seconds(1_440_938_160 + i).unwrap();
        let signer = awsig::v4::Signer::new(&key, &creds, t).unwrap();
        let url = awsig::v4::presign(
            &signer,
            &Request::new("GET", "/", &h),
            60,
            &Default::default(),
            &mut buf,
        )
        .unwrap();
        let sig = url
            .as_str()
            .rsplit_once("X-Amz-Signature=")
            .unwrap()
            .1
            .to_string();
        assert!(der_s(&sig) <= half_n, "high s: {sig}");
        verify::verify(
            &Request::new("GET", url.as_str(), &h),
            &lookup,
            &Policy::new(t, "service"),
        )
        .unwrap();
    }
}

#[test]
fn the_region_set_header_must_be_signed() {
    let creds = awsig::Credentials::new("AKIDEXAMPLE", "secret", None).unwrap();
    let key = V4aSigningKey::derive(&creds, "us-east-1", "service").unwrap();
    let t = SigningTime::parse_rfc3339("2015-08-30T12:36:00Z").unwrap();
    let signer = awsig::v4::Signer::new(&key, &creds, t).unwrap();
    let h = [("Host", "example.amazonaws.com")];
    let mut buf = [0u8; 2048];
    let signed = awsig::v4::sign_headers(
        &signer,
        &Request::new("GET", "/", &h),
        &Default::default(),
        &mut buf,
    )
    .unwrap();
    let mut headers: Vec<(String, String)> = h
        .iter()
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect();
    headers.extend(
        signed
            .headers()
            .map(|(n, v)| (n.to_string(), v.to_string())),
    );
    let lookup = |_: &str| Some(Secret::new("secret", None));
    let policy = Policy::new(t, "service").region("us-east-1");
    let as_received = |hs: &[(String, String)]| {
        let hs: Vec<(&str, &str)> = hs.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
        verify::verify(&Request::new("GET", "/", &hs), &lookup, &policy).map(|_| ())
    };
    // Control: as signed (the region set is among the signed headers).
    as_received(&headers).unwrap();
    // The same signature with the region set left out of SignedHeaders:
    // the region check would run on an unsigned header. Refused.
    let unsigned: Vec<(String, String)> = headers
        .iter()
        .map(|(n, v)| {
            let v = if n.eq_ignore_ascii_case("authorization") {
                v.replace(";x-amz-region-set", "")
            } else {
                v.clone()
            };
            (n.clone(), v)
        })
        .collect();
    assert_ne!(unsigned, headers, "the region set was signed");
    assert_eq!(
        as_received(&unsigned).unwrap_err().rejection(),
        Some(verify::Rejection::UnsignedAmzHeader)
    );
}
