//! Credential scopes of every length a key holds, up to the longest region
//! and service names, sign as an independent computation does (the scope
//! and credential formatted by hand, the canonical request hashed and the
//! signing key derived with the `sha2` and `hmac` crates); longer names are
//! refused, not truncated.

use awsig::v4::{self, Signer, SigningKey, SigningSettings};
use awsig::{Credentials, Output, Request, SigningTime, Trace};
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

fn mac(key: &[u8], data: &[u8]) -> Vec<u8> {
    let mut m = <Hmac<Sha256> as hmac::KeyInit>::new_from_slice(key).unwrap();
    m.update(data);
    m.finalize().into_bytes().to_vec()
}

fn to_hex(bytes: impl AsRef<[u8]>) -> String {
    bytes.as_ref().iter().map(|b| format!("{b:02x}")).collect()
}

fn check(region: &str, service: &str, token: Option<&str>) {
    let creds = Credentials::new("AKIAIOSFODNN7EXAMPLE", SECRET, token).unwrap();
    let time = SigningTime::from_unix_seconds(1_608_331_963).unwrap(); // 2020-12-18T22:52:43Z
    let key = SigningKey::derive(&creds, time, region, service).unwrap();
    let signer = Signer::new(&key, &creds, time).unwrap();
    let scope = format!("20201218/{region}/{service}/aws4_request");
    let credential = format!("AKIAIOSFODNN7EXAMPLE/{scope}").replace('/', "%2F");
    let k = mac(format!("AWS4{SECRET}").as_bytes(), b"20201218");
    let k = mac(
        &mac(&mac(&k, region.as_bytes()), service.as_bytes()),
        b"aws4_request",
    );

    // Presigned: the credential in the URL and in the canonical request,
    // the scope in the string to sign.
    let headers = [("Host", "example.amazonaws.com")];
    let request = Request::new("GET", "/a?b=c", &headers);
    let (mut cr, mut sts) = (String::new(), String::new());
    let mut trace = Trace::new(&mut cr, &mut sts);
    let mut buf = vec![0u8; 4096];
    let settings = SigningSettings::default();
    let url = v4::presign(
        &signer,
        &request,
        60,
        &settings,
        Output::traced(&mut buf, &mut trace),
    )
    .unwrap();
    // The URL borrows the trace: keep what is checked, then read the trace.
    let (url, url_signature) = (url.as_str().to_owned(), url.signature());
    let field = format!("X-Amz-Credential={credential}&");
    assert!(url.contains(&field), "{region}: {url}");
    assert!(cr.contains(&field), "{region}");
    let lines: Vec<&str> = sts.split('\n').collect();
    assert_eq!(lines[2], scope, "{region}");
    assert_eq!(lines[3], to_hex(Sha256::digest(cr.as_bytes())));
    assert_eq!(url_signature.as_str(), to_hex(mac(&k, sts.as_bytes())));

    // Header-signed: the scope in `Authorization` and the string to sign.
    let (mut cr, mut sts) = (String::new(), String::new());
    let mut trace = Trace::new(&mut cr, &mut sts);
    let signed = v4::sign_headers(
        &signer,
        &request,
        &settings,
        Output::traced(&mut buf, &mut trace),
    )
    .unwrap();
    let prefix = format!("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/{scope}, ");
    assert!(signed.authorization().starts_with(&prefix), "{region}");
    let signature = signed.signature();
    assert_eq!(sts.split('\n').nth(2), Some(scope.as_str()));
    assert_eq!(signature.as_str(), to_hex(mac(&k, sts.as_bytes())));
}

#[test]
fn short_and_long_scopes_sign_alike() {
    for token in [None, Some("FwoGZXIvYXdzEBYaDP/+token=")] {
        check("us-east-1", "sqs", token);
        // The longest names a key holds.
        check(&"r".repeat(v4::MAX_REGION_LEN), "sqs", token);
        check("eu-west-1", &"s".repeat(v4::MAX_SERVICE_LEN), token);
    }
    // Longer names than a key holds are refused, not truncated.
    let creds = Credentials::new("AKIAIOSFODNN7EXAMPLE", SECRET, None).unwrap();
    let time = SigningTime::from_unix_seconds(1_608_331_963).unwrap();
    for (region, service) in [(&*"r".repeat(150), "sqs"), ("eu-west-1", &*"s".repeat(180))] {
        assert_eq!(
            SigningKey::derive(&creds, time, region, service).map(|_| ()),
            Err(awsig::Error::NameTooLong)
        );
    }
}
