//! `post_form_verify`: S3 POST-form verification (`verify::verify_post_form`)
//! on arbitrary policies and forms. The harness signs the fuzzed policy
//! with the verifier's secret (or, with flag bit 2, leaves the form as
//! fuzzed); `verify_post_form` must never panic, and whenever it accepts,
//! an independent reading of the policy (`serde_json`) must find it well
//! formed, unexpired, and every condition and S3's coverage rule met by
//! the form (see `fuzz/README.md`).
//!
//! Input layout (`wire`): flags `u8` (bit 0: the key has a session token;
//! bit 1: the file has a name; bit 2: no harness signature), the policy
//! JSON (blob), the fields (list of name, value), the bucket, the file
//! length (`u32`), the file name, the clock's offset from the signing time
//! (`u32`, seconds, modulo 8 days, minus one day).

use awsig::verify::{self, Policy, PostForm, Secret};
use awsig::{Error, SigningTime};
use base64::Engine as _;
use hmac::{Hmac, KeyInit, Mac};
use serde_json::Value;
use sha2::Sha256;

use std::sync::atomic::{AtomicUsize, Ordering};

use crate::wire::{Reader, Writer};

/// How many forms were accepted (and confirmed by the reference), for the
/// replay example's report.
pub static POST_ACCEPTED: AtomicUsize = AtomicUsize::new(0);

const AKID: &str = "AKIDPOSTFUZZ";
const SECRET: &str = "post-fuzz-secret";
const TOKEN: &str = "post-fuzz-token";
const DATE: &str = "20151229T000000Z";
const CREDENTIAL: &str = "AKIDPOSTFUZZ/20151229/us-east-1/s3/aws4_request";

/// One fuzz input.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PostCase {
    pub flags: u8,
    pub policy: Vec<u8>,
    pub fields: Vec<(String, String)>,
    pub bucket: String,
    pub file_length: u32,
    pub file_name: String,
    pub now_offset: u32,
}

impl PostCase {
    pub fn read(r: &mut Reader<'_>) -> Self {
        Self {
            flags: r.u8(),
            policy: r.blob(),
            fields: r.list(32, |r| (r.string(), r.string())),
            bucket: r.string(),
            file_length: r.u32(),
            file_name: r.string(),
            now_offset: r.u32(),
        }
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        let mut w = Writer::default();
        w.u8(self.flags)
            .blob(&self.policy)
            .list(&self.fields, |w, (n, v)| {
                w.string(n).string(v);
            })
            .string(&self.bucket)
            .u32(self.file_length)
            .string(&self.file_name)
            .u32(self.now_offset);
        w.out
    }
}

fn hmac(key: &[u8], data: &[u8]) -> [u8; 32] {
    let mut m = <Hmac<Sha256> as KeyInit>::new_from_slice(key).expect("hmac key");
    m.update(data);
    m.finalize().into_bytes().into()
}

/// The form the server receives: the fuzzed fields, then (unless bit 2)
/// the authentication fields the harness signs, then `file`.
fn form_fields(case: &PostCase) -> Vec<(String, String)> {
    let mut fields = case.fields.clone();
    if case.flags & 4 == 0 {
        let b64 = base64::engine::general_purpose::STANDARD.encode(&case.policy);
        let mut k = hmac(format!("AWS4{SECRET}").as_bytes(), b"20151229");
        for part in ["us-east-1", "s3", "aws4_request"] {
            k = hmac(&k, part.as_bytes());
        }
        let sig: String = hmac(&k, b64.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let mut auth = vec![
            ("x-amz-algorithm", "AWS4-HMAC-SHA256".to_owned()),
            ("x-amz-credential", CREDENTIAL.to_owned()),
            ("x-amz-date", DATE.to_owned()),
        ];
        if case.flags & 1 != 0 {
            auth.push(("x-amz-security-token", TOKEN.to_owned()));
        }
        auth.push(("policy", b64));
        auth.push(("x-amz-signature", sig));
        fields.extend(auth.into_iter().map(|(n, v)| (n.to_owned(), v)));
    }
    fields.push(("file".to_owned(), String::new()));
    fields
}

/// The fuzz target.
pub fn post_form_verify(data: &[u8]) {
    let case = PostCase::read(&mut Reader::new(data));
    let fields = form_fields(&case);
    let pairs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let signed = SigningTime::parse_rfc3339("2015-12-29T00:00:00Z").expect("time");
    let offset = i64::from(case.now_offset % (8 * 86_400)) - 86_400;
    let now = signed.checked_add_seconds(offset).expect("clock");
    let token = (case.flags & 1 != 0).then_some(TOKEN);
    let lookup = |akid: &str| (akid == AKID).then_some(Secret::new(SECRET, token));
    let mut form = PostForm::new(&case.bucket, &pairs, u64::from(case.file_length));
    if case.flags & 2 != 0 {
        form = form.file_name(&case.file_name);
    }
    let mut buf = vec![0u8; case.policy.len() + 4 * 1024 + 4 * case.fields.len() * 64];
    let policy = Policy::new(now, "s3");
    match verify::verify_post_form(&form, &lookup, &policy, &mut buf) {
        Ok(v) => {
            assert_eq!(v.access_key_id, AKID);
            reference_accepts(&case, &pairs, now, v.key);
            POST_ACCEPTED.fetch_add(1, Ordering::Relaxed);
        }
        Err(Error::BufferTooSmall { .. }) => panic!("the buffer was large enough"),
        Err(_) => {}
    }
}

/// What the policy says, read independently; panics when an accepted form
/// breaks it.
fn reference_accepts(case: &PostCase, pairs: &[(&str, &str)], now: SigningTime, key: &str) {
    let doc: Value = serde_json::from_slice(&case.policy).expect("accepted policy is not JSON");
    let obj = doc.as_object().expect("policy is not an object");
    assert_eq!(obj.len(), 2, "policy has other members");
    let expiration = obj["expiration"].as_str().expect("expiration");
    let expiration = SigningTime::parse_rfc3339(expiration).expect("expiration time");
    assert!(now <= expiration, "accepted after its expiration");
    let fields: Vec<(&str, &str)> = pairs
        .iter()
        .take_while(|(n, _)| !n.eq_ignore_ascii_case("file"))
        .copied()
        .collect();
    let name = (case.flags & 2 != 0).then_some(case.file_name.as_str());
    let want_key = fields
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("key"))
        .map(|(_, v)| v.replace("${filename}", name.unwrap_or("${filename}")))
        .expect("accepted without a key");
    assert_eq!(key, want_key);
    let value = |field: &str| -> String {
        if field.eq_ignore_ascii_case("bucket") {
            case.bucket.clone()
        } else if field.eq_ignore_ascii_case("key") {
            want_key.clone()
        } else {
            fields
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(field))
                .map_or(String::new(), |(_, v)| (*v).to_owned())
        }
    };
    let mut named = Vec::new();
    for c in obj["conditions"].as_array().expect("conditions") {
        match c {
            Value::Object(m) => {
                assert_eq!(m.len(), 1);
                let (n, v) = m.iter().next().expect("member");
                assert_eq!(value(n), v.as_str().expect("string value"), "eq {n}");
                named.push(n.clone());
            }
            Value::Array(a) => {
                assert_eq!(a.len(), 3);
                let op = a[0].as_str().expect("op").to_ascii_lowercase();
                if op == "content-length-range" {
                    let int = |v: &Value| match v {
                        Value::Number(n) => n.as_u64().expect("u64"),
                        Value::String(s) => s.parse().expect("digits"),
                        _ => panic!("range bound"),
                    };
                    let len = u64::from(case.file_length);
                    assert!(
                        int(&a[1]) <= len && len <= int(&a[2]),
                        "length out of range"
                    );
                    continue;
                }
                let n = a[1].as_str().expect("name").strip_prefix('$').expect("$");
                let v = a[2].as_str().expect("value");
                match op.as_str() {
                    "eq" => assert_eq!(value(n), v, "eq {n}"),
                    "starts-with" => assert!(value(n).starts_with(v), "starts-with {n}"),
                    other => panic!("accepted operator {other}"),
                }
                named.push(n.to_owned());
            }
            other => panic!("accepted condition {other}"),
        }
    }
    for (n, _) in &fields {
        let lower = n.to_ascii_lowercase();
        let exempt =
            lower == "policy" || lower == "x-amz-signature" || lower.starts_with("x-ignore-");
        assert!(
            exempt || named.iter().any(|m| m.eq_ignore_ascii_case(n)),
            "field {n} not covered"
        );
    }
}
