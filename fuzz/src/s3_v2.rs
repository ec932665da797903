//! Target `s3_v2`: S3's Signature Version 2.
//!
//! The input is `METHOD\nTARGET\nName: value\n...`. Whatever it is, signing
//! and verifying never panic; a request that signs (header form, or
//! presigned) verifies as received, with one byte of its signature changed
//! it is refused.

use awsig::verify::{self, Policy, Secret};
use awsig::{Credentials, Request, SigningTime, s3};

const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

fn flip_signature(s: &str, key: &str) -> Option<String> {
    let at = s.find(key)? + key.len();
    let mut b = s.as_bytes().to_vec();
    let c = b.get_mut(at)?;
    *c = if *c == b'A' { b'B' } else { b'A' };
    String::from_utf8(b).ok()
}

pub fn s3_v2(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let mut lines = text.split('\n');
    let method = lines.next().unwrap_or_default();
    let target = lines.next().unwrap_or_default();
    let mut headers: Vec<(&str, &str)> = vec![("Host", "127.0.0.1:9000")];
    headers.extend(lines.filter_map(|l| l.split_once(':')));
    let creds = Credentials::new("AKIDEXAMPLE", SECRET, None).unwrap();
    let t = SigningTime::from_unix_seconds(1_764_763_200).unwrap();
    let lookup = |_: &str| Some(Secret::new(SECRET, None));
    let policy = Policy::new(t, "s3").sigv2(604_800);
    let _ = verify::verify_s3_v2(&Request::new(method, target, &headers), &lookup, &policy);
    let request = Request::new(method, target, &headers);
    let named = |n: &str| headers.iter().any(|(h, _)| h.eq_ignore_ascii_case(n));
    let mut buf = vec![0u8; 4096 + 4 * data.len()];
    // Header form (x-amz-date makes the request's own date the signed one,
    // and a token header with long-term keys is refused: both skipped).
    if !named("x-amz-date")
        && !named("x-amz-security-token")
        && let Ok(signed) = s3::v2::sign_headers(&creds, &request, t, &mut buf[..])
    {
        let auth = signed.authorization().to_owned();
        let added: Vec<(String, String)> = signed
            .headers()
            .map(|(n, v)| (n.to_owned(), v.to_owned()))
            .collect();
        let mut sent: Vec<(&str, &str)> = headers.clone();
        sent.extend(added.iter().map(|(n, v)| (n.as_str(), v.as_str())));
        let received = Request::new(method, target, &sent);
        verify::verify_s3_v2(&received, &lookup, &policy).unwrap();
        let bad = flip_signature(&auth, "AWS AKIDEXAMPLE:").unwrap();
        let i = sent
            .iter()
            .position(|(n, _)| *n == "Authorization")
            .unwrap();
        sent[i].1 = &bad;
        let received = Request::new(method, target, &sent);
        assert!(verify::verify_s3_v2(&received, &lookup, &policy).is_err());
    }
    // Presigned: the URL alone carries what was signed, unless the query
    // already has parameters that stand for headers.
    let query = target
        .split_once('?')
        .map_or("", |(_, q)| q)
        .to_ascii_lowercase();
    let header_params = [
        "x-amz-",
        "content-type",
        "content-md5",
        "awsaccesskeyid",
        "signature",
        "expires",
    ];
    // The presigner moves an `x-amz-security-token` header into the query
    // like any `x-amz-*` one, and a server whose key is long-term refuses
    // a token (`SessionTokenMismatch`): skipped, as in the header form.
    if header_params.iter().any(|p| query.contains(p)) || named("x-amz-security-token") {
        return;
    }
    let expires = t.checked_add_seconds(600).unwrap();
    if let Ok(url) = s3::v2::presign(&creds, &request, expires, &mut buf[..]) {
        let url = url.as_str().to_owned();
        let host = [("Host", "127.0.0.1:9000")];
        verify::verify_s3_v2(&Request::new(method, &url, &host), &lookup, &policy).unwrap();
        let bad = flip_signature(&url, "Signature=").unwrap();
        assert!(
            verify::verify_s3_v2(&Request::new(method, &bad, &host), &lookup, &policy).is_err()
        );
    }
}
