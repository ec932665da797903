//! POST-form verification (`verify::verify_post_form`): botocore's
//! `generate_presigned_post` forms (tests/vectors/post/) and awsig's
//! `s3::presign_post` forms verify; hand-written policies signed here with
//! an independent HMAC verify; every condition violated, an uncovered
//! field, expiry, tampering, malformed base64 and JSON are refused with
//! their precise error, without panicking or allocating.

use std::path::Path;

use awsig::s3::{self, Condition, KeyCondition, PostPolicy};
use awsig::v4::{Signer, SigningKey};
use awsig::verify::{self, Policy, PostForm, Rejection, Secret, VerifiedPost};
use awsig::{Credentials, Error, SigningTime};
use base64::Engine;
use hmac::{Hmac, KeyInit, Mac};
use serde_json::Value;
use sha2::Sha256;

mod repo_data;

mod counting;
use counting::allocations_during;

const AKID: &str = "AKIAIOSFODNN7EXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

fn t(s: &str) -> SigningTime {
    SigningTime::parse_rfc3339(s).unwrap()
}

fn lookup(token: Option<&'static str>) -> impl Fn(&str) -> Option<Secret<'static>> {
    move |akid: &str| (akid == AKID).then_some(Secret::new(SECRET, token))
}

fn run<'a>(
    form: &PostForm<'a>,
    token: Option<&'static str>,
    policy: &Policy<'_>,
    buf: &'a mut [u8],
) -> Result<VerifiedPost<'a>, Error> {
    verify::verify_post_form(form, &lookup(token), policy, buf)
}

fn owned(fields: &[(String, String)]) -> Vec<(&str, &str)> {
    fields
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect()
}

/// botocore's forms, plus the fields their `starts-with` conditions ask of
/// the browser, verify; each condition violated is refused.
#[test]
fn botocore_forms_verify() {
    if repo_data::vectors_not_packaged("botocore_forms_verify") {
        return;
    }
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors/post/post-policy.jsonl");
    let text = std::fs::read_to_string(path).unwrap();
    let mut n = 0;
    for line in text.lines() {
        let row: Value = serde_json::from_str(line).unwrap();
        let (case, want) = (&row["case"], &row["expected"]);
        let mut fields: Vec<(String, String)> = want["fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| (p[0].as_str().unwrap().into(), p[1].as_str().unwrap().into()))
            .collect();
        if case["id"] == "post/prefix-range-acl-token" {
            fields.insert(0, ("Content-Type".into(), "image/png".into()));
            fields.insert(0, ("x-amz-meta-tag".into(), "anything".into()));
        }
        fields.push(("file".into(), String::new()));
        let token = case["credentials"]["session_token"]
            .as_str()
            .map(|s| &*s.to_owned().leak());
        let bucket = case["bucket"].as_str().unwrap();
        let region = case["region"].as_str().unwrap();
        let signed = t(case["time"].as_str().unwrap());
        let expires = signed
            .checked_add_seconds(case["expires_in"].as_i64().unwrap())
            .unwrap();
        let policy = Policy::new(signed.checked_add_seconds(30).unwrap(), "s3").region(region);
        let pairs = owned(&fields);
        let form = PostForm::new(bucket, &pairs, 100).file_name("cat.png");
        let mut buf = [0u8; 4096];
        let ok = run(&form, token, &policy, &mut buf).unwrap();
        let key = case["key"]
            .as_str()
            .unwrap()
            .replace("${filename}", "cat.png");
        assert_eq!(
            (ok.access_key_id, ok.region, ok.service, ok.key),
            (AKID, region, "s3", key.as_str())
        );
        assert_eq!((ok.signed_at, ok.expiration), (signed, expires));
        // At the expiration still valid, a second later not.
        let at = |now| Policy::new(now, "s3").region(region);
        assert!(run(&form, token, &at(expires), &mut buf).is_ok());
        let late = at(expires.checked_add_seconds(1).unwrap());
        assert_eq!(
            run(&form, token, &late, &mut buf).unwrap_err(),
            Rejection::PolicyExpired.into()
        );
        // Another bucket.
        let elsewhere = PostForm::new("otherbucket", &pairs, 100).file_name("cat.png");
        assert_eq!(
            run(&elsewhere, token, &policy, &mut buf).unwrap_err(),
            Rejection::BucketMismatch.into()
        );
        // Each field the policy names, changed: refused.
        for i in 0..fields.len() {
            let name = fields[i].0.to_ascii_lowercase();
            if ["policy", "x-amz-signature", "file", "x-amz-meta-tag"].contains(&name.as_str()) {
                continue;
            }
            let mut changed = fields.clone();
            changed[i].1 = format!("x{}", changed[i].1);
            let pairs = owned(&changed);
            let form = PostForm::new(bucket, &pairs, 100).file_name("cat.png");
            let err = run(&form, token, &policy, &mut buf).unwrap_err();
            let want = match name.as_str() {
                "x-amz-algorithm" => Rejection::UnsupportedAlgorithm,
                "x-amz-credential" => Rejection::UnknownAccessKey,
                "x-amz-date" => Rejection::MalformedDate,
                "x-amz-security-token" => Rejection::SessionTokenMismatch,
                _ => Rejection::PolicyConditionFailed,
            };
            assert_eq!(err, want.into(), "{} {name}", case["id"]);
        }
        // An extra field the policy does not name; `x-ignore-*` and fields after `file` are fine.
        for (extra, at_end, want) in [
            ("x-amz-meta-extra", false, Err(Rejection::FieldNotInPolicy)),
            ("Cache-Control", false, Err(Rejection::FieldNotInPolicy)),
            ("X-Ignore-Me", false, Ok(())),
            ("acl2", true, Ok(())),
        ] {
            let mut more = fields.clone();
            let at = if at_end { more.len() } else { 0 };
            more.insert(at, (extra.into(), "v".into()));
            let pairs = owned(&more);
            let form = PostForm::new(bucket, &pairs, 100).file_name("cat.png");
            let got = run(&form, token, &policy, &mut buf)
                .map(|_| ())
                .map_err(|e| e.rejection().unwrap());
            assert_eq!(got, want, "{extra}");
        }
        n += 1;
    }
    assert_eq!(n, 3);
}

fn hmac(key: &[u8], data: &[u8]) -> [u8; 32] {
    let mut m = <Hmac<Sha256> as KeyInit>::new_from_slice(key).unwrap();
    m.update(data);
    m.finalize().into_bytes().into()
}

/// The base64 policy and its signature, computed here (AWS's POST
/// signing: HMAC of the base64 text with the day's SigV4 key).
fn independent_sign(json: &str, date: &str, region: &str) -> (String, String) {
    let b64 = base64::engine::general_purpose::STANDARD.encode(json);
    let mut k = hmac(format!("AWS4{SECRET}").as_bytes(), date.as_bytes());
    for part in [region, "s3", "aws4_request"] {
        k = hmac(&k, part.as_bytes());
    }
    let sig = hmac(&k, b64.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    (b64, sig)
}

const DATE: &str = "20151229T000000Z";
const CREDENTIAL: &str = "AKIAIOSFODNN7EXAMPLE/20151229/us-east-1/s3/aws4_request";

/// The AWS documentation's example policy shape (milliseconds in the
/// expiration, a redirect, `starts-with ""`), written by hand with JSON
/// escapes and array `eq`s.
fn doc_policy(extra: &str) -> String {
    format!(
        r#"{{ "expiration": "2015-12-30T12:00:00.000Z",
  "conditions": [
    {{"bucket": "sigv4examplebucket"}},
    ["starts-with", "$key", "user\/user1\/"],
    {{"acl": "public-read"}},
    {{"success_action_redirect": "http://sigv4examplebucket.s3.amazonaws.com/successful_upload.html"}},
    ["starts-with", "$Content-Type", "image/"],
    ["eq", "$x-amz-meta-uuid", "14365123651274"],
    {{"x-amz-server-side-encryption": "AES256"}},
    ["starts-with", "$x-amz-meta-tag", ""],
    ["content-length-range", 1, "1048576"],
    {{"x-amz-credential": "{CREDENTIAL}"}},
    {{"x-amz-algorithm": "AWS4-HMAC-SHA256"}},
    {{"x-amz-date": "{DATE}" }}{extra}
  ]
}}"#
    )
}

fn doc_fields(b64: &str, sig: &str) -> Vec<(String, String)> {
    [
        ("key", "user/user1/${filename}"),
        ("acl", "public-read"),
        (
            "success_action_redirect",
            "http://sigv4examplebucket.s3.amazonaws.com/successful_upload.html",
        ),
        ("Content-Type", "image/jpeg"),
        ("x-amz-meta-uuid", "14365123651274"),
        ("x-amz-server-side-encryption", "AES256"),
        ("X-Amz-Credential", CREDENTIAL),
        ("X-Amz-Algorithm", "AWS4-HMAC-SHA256"),
        ("X-Amz-Date", DATE),
        ("x-amz-meta-tag", ""),
        ("Policy", b64),
        ("X-Amz-Signature", sig),
    ]
    .iter()
    .map(|(n, v)| ((*n).into(), (*v).into()))
    .collect()
}

fn doc_server() -> Policy<'static> {
    Policy::new(t("2015-12-29T12:00:00Z"), "s3").region("us-east-1")
}

fn doc_run(fields: &[(String, String)], len: u64) -> Result<String, Error> {
    let pairs = owned(fields);
    let form = PostForm::new("sigv4examplebucket", &pairs, len).file_name("photo.jpg");
    let mut buf = [0u8; 4096];
    run(&form, None, &doc_server(), &mut buf).map(|v| v.key.to_owned())
}

#[test]
fn documented_policy_shape_verifies_and_conditions_bind() {
    let (b64, sig) = independent_sign(&doc_policy(""), "20151229", "us-east-1");
    let fields = doc_fields(&b64, &sig);
    assert_eq!(doc_run(&fields, 1000).unwrap(), "user/user1/photo.jpg");
    // content-length-range is inclusive.
    assert!(doc_run(&fields, 1).is_ok() && doc_run(&fields, 1_048_576).is_ok());
    for len in [0, 1_048_577] {
        assert_eq!(
            doc_run(&fields, len),
            Err(Rejection::ContentLengthOutOfRange.into())
        );
    }
    for (name, value) in [
        ("key", "user/user2/${filename}"),
        ("key", "user/user1"),
        ("acl", "public-read-write"),
        ("acl", "public-rea"),
        ("Content-Type", "text/html"),
        ("Content-Type", "IMAGE/png"), // values are case-sensitive
        ("x-amz-meta-uuid", "14365123651275"),
        ("x-amz-server-side-encryption", "aws:kms"),
    ] {
        let mut f = fields.clone();
        f.iter_mut().find(|(n, _)| n == name).unwrap().1 = value.into();
        assert_eq!(
            doc_run(&f, 10),
            Err(Rejection::PolicyConditionFailed.into()),
            "{name}={value}"
        );
    }
    // A field the policy requires, left out: an `eq` is refused; an empty `starts-with` is not.
    for (name, ok) in [
        ("acl", false),
        ("Content-Type", false),
        ("x-amz-meta-tag", true),
    ] {
        let f: Vec<_> = fields.iter().filter(|(n, _)| n != name).cloned().collect();
        assert_eq!(doc_run(&f, 10).is_ok(), ok, "{name}");
    }
    // A missing key field.
    let f: Vec<_> = fields.iter().filter(|(n, _)| n != "key").cloned().collect();
    assert_eq!(doc_run(&f, 10), Err(Rejection::MissingAuthParameter.into()));
    // The file name is what `${filename}` becomes: it can leave the prefix.
    let pairs = owned(&fields);
    let mut buf = [0u8; 4096];
    let form = PostForm::new("sigv4examplebucket", &pairs, 10);
    assert_eq!(
        run(&form, None, &doc_server(), &mut buf).unwrap().key,
        "user/user1/${filename}"
    );
    // Field names ignore case; duplicates (in any case) are refused.
    let mut f = fields.clone();
    f.push(("ACL".into(), "public-read".into()));
    assert_eq!(doc_run(&f, 10), Err(Error::DuplicateFormField));
    // The policy's own escapes: a condition value with `\"`, `\u00e9`, a surrogate pair.
    let extra =
        r#", {"x-amz-meta-note": "\"caf\u00e9\" \ud83d\ude00 \\ \/ \uD800\uDC00\udbff\udfff"}"#;
    let (b64, sig) = independent_sign(&doc_policy(extra), "20151229", "us-east-1");
    let mut f = doc_fields(&b64, &sig);
    f.push((
        "x-amz-meta-note".into(),
        "\"café\" 😀 \\ / \u{10000}\u{10FFFF}".into(),
    ));
    assert!(doc_run(&f, 10).is_ok());
    f.last_mut().unwrap().1 = "\"cafe\" 😀 \\ /".into();
    assert_eq!(
        doc_run(&f, 10),
        Err(Rejection::PolicyConditionFailed.into())
    );
}

#[test]
fn signature_and_scope_are_checked() {
    let (b64, sig) = independent_sign(&doc_policy(""), "20151229", "us-east-1");
    let fields = doc_fields(&b64, &sig);
    let with = |name: &str, value: &str| {
        let mut f = fields.clone();
        f.iter_mut()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .unwrap()
            .1 = value.into();
        doc_run(&f, 10)
    };
    // A changed policy (one base64 character), a changed or malformed signature.
    let mut tampered = b64.clone().into_bytes();
    tampered[20] = if tampered[20] == b'A' { b'B' } else { b'A' };
    let tampered = String::from_utf8(tampered).unwrap();
    assert_eq!(
        with("policy", &tampered),
        Err(Rejection::SignatureMismatch.into())
    );
    let other_sig = format!(
        "{}{}",
        if sig.starts_with('0') { "1" } else { "0" },
        &sig[1..]
    );
    assert_eq!(
        with("x-amz-signature", &other_sig),
        Err(Rejection::SignatureMismatch.into())
    );
    assert_eq!(
        with("x-amz-signature", &sig.to_uppercase()),
        Err(Rejection::MalformedSignature.into())
    );
    assert_eq!(
        with("x-amz-signature", &sig[1..]),
        Err(Rejection::MalformedSignature.into())
    );
    // Scope: the date's day, the server's region and service.
    let cred = |s: &str| with("x-amz-credential", s);
    assert_eq!(
        cred("AKIAIOSFODNN7EXAMPLE/20151230/us-east-1/s3/aws4_request"),
        Err(Rejection::ScopeDateMismatch.into())
    );
    assert_eq!(
        cred("AKIAIOSFODNN7EXAMPLE/20151229/eu-west-1/s3/aws4_request"),
        Err(Rejection::WrongRegion.into())
    );
    assert_eq!(
        cred("AKIAIOSFODNN7EXAMPLE/20151229/us-east-1/sqs/aws4_request"),
        Err(Rejection::WrongService.into())
    );
    assert_eq!(
        cred("AKIAIOSFODNN7EXAMPLE/20151229/us-east-1/s3"),
        Err(Rejection::MalformedCredential.into())
    );
    assert_eq!(
        cred("AKIDOTHER/20151229/us-east-1/s3/aws4_request"),
        Err(Rejection::UnknownAccessKey.into())
    );
    assert_eq!(
        with("x-amz-date", "20151229T000000"),
        Err(Rejection::MalformedDate.into())
    );
    assert_eq!(
        with("x-amz-algorithm", "AWS4-HMAC-SHA1"),
        Err(Rejection::UnsupportedAlgorithm.into())
    );
    // Signed a day after the server's clock.
    let pairs = owned(&fields);
    let form = PostForm::new("sigv4examplebucket", &pairs, 10);
    let mut buf = [0u8; 4096];
    let early = Policy::new(t("2015-12-28T23:00:00Z"), "s3");
    assert_eq!(
        run(&form, None, &early, &mut buf).unwrap_err(),
        Rejection::NotYetValid.into()
    );
    // A long-term key presented with a token; a temporary key without its token.
    let mut f = fields.clone();
    f.push(("x-amz-security-token".into(), "token".into()));
    assert_eq!(doc_run(&f, 10), Err(Rejection::SessionTokenMismatch.into()));
    assert_eq!(
        run(&form, Some("token"), &doc_server(), &mut buf).unwrap_err(),
        Rejection::SessionTokenMismatch.into()
    );
    // Missing authentication fields.
    let without = |names: &[&str]| {
        let f: Vec<_> = fields
            .iter()
            .filter(|(n, _)| !names.iter().any(|m| n.eq_ignore_ascii_case(m)))
            .cloned()
            .collect();
        doc_run(&f, 10)
    };
    assert_eq!(
        without(&["x-amz-date"]),
        Err(Rejection::MissingAuthParameter.into())
    );
    assert_eq!(
        without(&["x-amz-signature"]),
        Err(Rejection::MissingAuthParameter.into())
    );
    assert_eq!(
        without(&["policy", "x-amz-signature", "x-amz-credential"]),
        Err(Rejection::MissingAuthentication.into())
    );
    // The server's service decides.
    let service = Policy::new(t("2015-12-29T12:00:00Z"), "s3express");
    assert_eq!(
        run(&form, None, &service, &mut buf).unwrap_err(),
        Rejection::WrongService.into()
    );
    assert!(
        run(
            &form,
            None,
            &Policy::new(t("2015-12-29T12:00:00Z"), "s3"),
            &mut buf
        )
        .is_ok()
    );
}

/// Policies whose signature is valid but whose content is not a policy
/// document: a clean error, never a panic.
#[test]
fn malformed_policies_are_refused_cleanly() {
    let good = doc_policy("");
    let malformed: Vec<String> = vec![
        String::new(),
        "[]".into(),
        "{}".into(),
        "null".into(),
        good.replace("\"expiration\"", "\"expiry\""),
        good.replace("\"conditions\": [", "\"conditions\": {")
            .replacen(']', "}", 1),
        format!("{good} x"),
        format!("{good}}}"),
        good.replace("2015-12-30T12:00:00.000Z", "tomorrow"),
        good.replace("2015-12-30T12:00:00.000Z", "2015-12-30 12:00:00"),
        good.replace("\"$key\"", "\"key\""),
        good.replace("starts-with", "begins-with"),
        good.replace(
            "[\"content-length-range\", 1,",
            "[\"content-length-range\", -1,",
        ),
        good.replace(
            "[\"content-length-range\", 1,",
            "[\"content-length-range\", 1.5,",
        ),
        good.replace(
            "[\"content-length-range\", 1,",
            "[\"content-length-range\", 01,",
        ),
        good.replace(
            "[\"content-length-range\", 1,",
            "[\"content-length-range\", 99999999999999999999999,",
        ),
        good.replace(
            "{\"acl\": \"public-read\"}",
            "{\"acl\": \"public-read\", \"x\": \"y\"}",
        ),
        good.replace("{\"acl\": \"public-read\"}", "{\"acl\": 1}"),
        good.replace("{\"acl\": \"public-read\"}", "[\"eq\", \"$acl\"]"),
        good.replace(
            "{\"acl\": \"public-read\"}",
            "[\"eq\", \"$acl\", \"public-read\", \"x\"]",
        ),
        good.replace("public-read", "public\\x-read"),
        good.replace("public-read", "public\\ud800-read"),
        good.replace("public-read", "public\\udc00-read"),
        good.replace("public-read", "public\\u12-read"),
        good.replace("public-read", "public\u{1}-read"),
        good.replace(
            "\"expiration\"",
            "\"expiration\": \"2015-12-30T12:00:00Z\", \"expiration\"",
        ),
        good.replace("\"conditions\": [", "\"conditions\": [], \"conditions\": ["),
        good.replace("]\n}", "],\n}"),
        good.replace(
            "\"x-amz-date\": \"20151229T000000Z\" }",
            "\"x-amz-date\": \"20151229T000000Z\" },",
        ),
        good[..good.len() - 3].to_owned(),
        good.replace('"', "'"),
    ];
    for json in &malformed {
        assert_ne!(json, &good);
        let (b64, sig) = independent_sign(json, "20151229", "us-east-1");
        let got = doc_run(&doc_fields(&b64, &sig), 10);
        assert!(
            matches!(got, Err(Error::MalformedPostPolicy { .. })),
            "{json:?}: {got:?}"
        );
    }
    // Not UTF-8 (the byte after `{"expiration": "`, 16 bytes).
    let bytes = base64::engine::general_purpose::STANDARD.encode(b"{\"expiration\": \"\xff\"}");
    let sig = sign_encoded(&bytes);
    assert_eq!(
        doc_run(&doc_fields(&bytes, &sig), 10),
        Err(Error::MalformedPostPolicy { at: 16 })
    );
    // Not base64, signed as it is.
    for b64 in ["not base64!", "eyJ", "eyJ=====", "ey Jl"] {
        let sig = sign_encoded(b64);
        let got = doc_run(&doc_fields(b64, &sig), 10);
        assert!(
            matches!(got, Err(Error::MalformedPostPolicy { .. })),
            "{b64}: {got:?}"
        );
    }
    // 65 conditions; 129 fields.
    let many = ", {\"x-amz-meta-a\": \"b\"}".repeat(53);
    let (b64, sig) = independent_sign(&doc_policy(&many), "20151229", "us-east-1");
    assert_eq!(
        doc_run(&doc_fields(&b64, &sig), 10),
        Err(Error::PostFormTooLarge)
    );
    let (b64, sig) = independent_sign(&doc_policy(""), "20151229", "us-east-1");
    let mut f = doc_fields(&b64, &sig);
    f.extend((0..120).map(|i| (format!("x-ignore-{i}"), String::new())));
    assert_eq!(doc_run(&f, 10), Err(Error::PostFormTooLarge));
    // A buffer too small for the policy.
    let fields = doc_fields(&b64, &sig);
    let pairs = owned(&fields);
    let form = PostForm::new("sigv4examplebucket", &pairs, 10);
    let mut small = [0u8; 64];
    assert!(matches!(
        run(&form, None, &doc_server(), &mut small),
        Err(Error::BufferTooSmall { .. })
    ));
    for kind in [
        Error::MalformedPostPolicy { at: 1 },
        Error::DuplicateFormField,
        Error::PostFormTooLarge,
    ] {
        assert_eq!(kind.kind(), "bad_body");
        assert_ne!(kind.to_string(), "invalid input");
    }
    for (r, kind) in [
        (Rejection::PolicyExpired, "policy_expired"),
        (Rejection::BucketMismatch, "bucket_mismatch"),
        (Rejection::PolicyConditionFailed, "policy_condition_failed"),
        (
            Rejection::ContentLengthOutOfRange,
            "content_length_out_of_range",
        ),
        (Rejection::FieldNotInPolicy, "field_not_in_policy"),
    ] {
        assert_eq!(Error::from(r).kind(), kind);
    }
}

fn sign_encoded(b64: &str) -> String {
    let key = SigningKey::derive(
        &Credentials::new(AKID, SECRET, None).unwrap(),
        t("2015-12-29T00:00:00Z"),
        "us-east-1",
        "s3",
    )
    .unwrap();
    String::from_utf8(s3::sign_encoded_policy(&key, b64).to_vec()).unwrap()
}

/// Forms made by `s3::presign_post` verify, with and without a session
/// token, in every key mode; no allocation.
#[test]
fn presigned_posts_verify_without_allocating() {
    let time = t("2024-02-29T10:00:00Z");
    for token in [None, Some("session/token+=")] {
        let creds = Credentials::new(AKID, SECRET, token).unwrap();
        let key = SigningKey::derive(&creds, time, "us-west-2", "s3").unwrap();
        let signer = Signer::new(&key, &creds, time).unwrap();
        let conditions = [
            Condition::ContentLengthRange(10, 100),
            Condition::Equals("acl", "private"),
            Condition::StartsWith("x-amz-meta-owner", "team-"),
        ];
        let extra = [("acl", "private")];
        for key_condition in [KeyCondition::Exact("a/b.txt"), KeyCondition::Prefix("in/")] {
            let policy = PostPolicy::new("my-bucket", key_condition, 600)
                .conditions(&conditions)
                .fields(&extra);
            let mut out = [0u8; 4096];
            let post = s3::presign_post(&signer, &policy, &mut out).unwrap();
            let mut fields: Vec<(&str, &str)> = post.fields().collect();
            fields.insert(0, ("x-amz-meta-owner", "team-red"));
            let server =
                Policy::new(time.checked_add_seconds(599).unwrap(), "s3").region("us-west-2");
            let form = PostForm::new("my-bucket", &fields, 50).file_name("f.bin");
            let mut buf = [0u8; 4096];
            let lookup = lookup(token);
            let (allocations, got) = allocations_during(|| {
                verify::verify_post_form(&form, &lookup, &server, &mut buf).map(|v| v.key.len())
            });
            assert_eq!(allocations, 0);
            let want = match key_condition {
                KeyCondition::Exact(k) => k.len(),
                KeyCondition::Prefix(p) => p.len() + "f.bin".len(),
            };
            assert_eq!(got, Ok(want));
            let mut buf = [0u8; 4096];
            let owner = [("x-amz-meta-owner", "blue-team")];
            let f2: Vec<_> = owner
                .iter()
                .copied()
                .chain(fields[1..].iter().copied())
                .collect();
            let form = PostForm::new("my-bucket", &f2, 50);
            assert_eq!(
                verify::verify_post_form(&form, &lookup, &server, &mut buf).unwrap_err(),
                Rejection::PolicyConditionFailed.into()
            );
        }
    }
}

/// Every byte of a policy changed (three ways) or cut, then signed: the
/// verifier answers (accepts or refuses) without panicking; a policy
/// accepted still binds the bucket.
#[test]
fn mutated_policies_never_panic() {
    let good = doc_policy(r#", {"x-amz-meta-note": "\"caf\u00e9\" \ud83d\ude00"}"#);
    let mut accepted = 0;
    let mut check = |json: &[u8]| {
        let b64 = base64::engine::general_purpose::STANDARD.encode(json);
        let sig = sign_encoded(&b64);
        let mut fields = doc_fields(&b64, &sig);
        fields.push(("x-amz-meta-note".into(), "\"café\" 😀".into()));
        if doc_run(&fields, 10).is_ok() {
            accepted += 1;
            let pairs = owned(&fields);
            let form = PostForm::new("sigv4examplebucket-2", &pairs, 10);
            let mut buf = [0u8; 4096];
            assert!(run(&form, None, &doc_server(), &mut buf).is_err());
        }
    };
    let bytes = good.as_bytes();
    for i in 0..bytes.len() {
        for mask in [0x01, 0x20, 0x80] {
            let mut m = bytes.to_vec();
            m[i] ^= mask;
            check(&m);
        }
        check(&bytes[..i]);
    }
    check(bytes);
    assert!(accepted > 0);
}
