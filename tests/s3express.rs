//! S3 Express One Zone session auth (service `s3express`,
//! `SigningSettings::s3express`, `PostPolicy::s3express_session`):
//! botocore 1.44.5's `S3ExpressAuth` / `S3ExpressQueryAuth` results
//! (`tests/vectors/s3express.jsonl`) and `S3ExpressPostAuth` forms
//! (`tests/vectors/s3express-post.jsonl`), both written by
//! `tests/vectors/s3express/gen.py`, byte for byte; every case verified
//! (as `conformance --verify` and `--verify-raw` do), and single-point
//! tamperings refused for the right reason.

use std::path::Path;

use awsig::s3::{self, Condition, KeyCondition, PostPolicy};
use awsig::v4::{self, Signer, SigningKey, SigningSettings};
use awsig::verify::{self, Policy, PostForm, Rejection, Secret};
use awsig::{Credentials, Error, Request, SigningTime};
use awsig_tools::conformance::compare::{header_set, split_target};
use awsig_tools::conformance::{self as runner, Runner};
use serde_json::{Value, json};

mod repo_data;

fn corpus(file: &str) -> Vec<Value> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/vectors")
        .join(file);
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
    let rows = corpus("s3express.jsonl");
    let mut schemes = (0, 0);
    for row in &rows {
        let (case, want) = (&row["case"], &row["expected"]);
        let id = &case["id"];
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
        let token = case["credentials"]["session_token"].as_str().unwrap();
        match want["signed_target"].as_str() {
            Some(t) => {
                schemes.1 += 1;
                let (got_path, got_query) = split_target(got["signed_target"].as_str().unwrap());
                assert_eq!(
                    (got_path, &got_query),
                    (t.split('?').next().unwrap().to_owned(), &split_target(t).1),
                    "{id}"
                );
                // The token is the signed `X-Amz-S3session-Token`, and there is no STS token.
                assert!(
                    got_query
                        .contains(&(b"X-Amz-S3session-Token".to_vec(), token.as_bytes().to_vec())),
                    "{id}"
                );
                assert!(
                    !got_query.iter().any(|(k, _)| k == b"X-Amz-Security-Token"),
                    "{id}"
                );
            }
            None => {
                schemes.0 += 1;
                assert!(got["signed_target"].is_null(), "{id}");
                let added = header_set(&got["added_headers"]);
                assert_eq!(added, header_set(&want["added_headers"]), "{id}");
                assert!(
                    added.contains(&("x-amz-s3session-token".into(), token.into())),
                    "{id}"
                );
                assert!(
                    !added.iter().any(|(n, _)| n == "x-amz-security-token"),
                    "{id}"
                );
            }
        }
    }
    assert_eq!(schemes, (180, 180));
}

#[test]
fn every_case_verifies() {
    if repo_data::vectors_not_packaged("every_case_verifies") {
        return;
    }
    for row in corpus("s3express.jsonl") {
        let got = runner::verify_line(&row);
        assert_eq!(got["valid"], Value::Bool(true), "{got}");
    }
}

/// The protocol's `--verify-raw` line of a corpus case, as its server
/// (service `service`) receives it, and the payload coverage to expect.
fn raw_line(row: &Value, service: &str, token: Value) -> (Value, &'static str) {
    let case = &row["case"];
    let r = runner::received(case, &row["expected"]).ok().unwrap();
    let now = runner::verify_time(case).ok().unwrap();
    let headers: Vec<Value> = r.headers.iter().map(|(n, v)| json!([n, v])).collect();
    let (body, payload) = match case["payload"].as_str() {
        _ if case["scheme"] == "s3express-v4-query" => ("known", "unsigned"),
        Some("UNSIGNED-PAYLOAD") => ("known", "unsigned"),
        // A hash that is not the body's: only a server that has not read it accepts it.
        Some(_) => ("unread", "unread"),
        None => ("known", "checked"),
    };
    let c = &case["credentials"];
    let line = json!({
        "id": case["id"],
        "received": {"method": r.method, "target": r.target, "headers": headers,
                     "body_b64": case["request"]["body_b64"]},
        "secrets": [{"access_key_id": c["access_key_id"], "secret_access_key": c["secret_access_key"],
                     "session_token": token}],
        "policy": {"now": now.iso8601().as_str(), "service": service},
        "body": body,
    });
    (line, payload)
}

#[test]
fn a_server_for_s3express_accepts_them_and_only_it() {
    if repo_data::vectors_not_packaged("a_server_for_s3express_accepts_them_and_only_it") {
        return;
    }
    for row in corpus("s3express.jsonl") {
        let token = row["case"]["credentials"]["session_token"].clone();
        let (line, payload) = raw_line(&row, "s3express", token.clone());
        let got = runner::verify_raw_line(&line);
        assert_eq!(got["accepted"], true, "{got}");
        assert_eq!(got["payload"], payload, "{got}");
        assert_eq!(
            got["access_key_id"],
            row["case"]["credentials"]["access_key_id"]
        );
        let (line, _) = raw_line(&row, "s3", token);
        let got = runner::verify_raw_line(&line);
        assert_eq!(
            (&got["accepted"], &got["error"]),
            (&json!(false), &json!("wrong_service")),
            "{got}"
        );
        // A long-term key must not come with a session token.
        let (line, _) = raw_line(&row, "s3express", Value::Null);
        let got = runner::verify_raw_line(&line);
        assert_eq!(got["error"], "session_token_mismatch", "{got}");
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

/// One hex digit changed, still lowercase hex.
fn flip_hex(s: &str, at: usize) -> String {
    let mut b = s.as_bytes().to_vec();
    b[at] = if b[at] == b'0' { b'1' } else { b'0' };
    String::from_utf8(b).unwrap()
}

fn header_pos(r: &runner::Received, name: &str) -> Option<usize> {
    r.headers
        .iter()
        .position(|(n, _)| n.eq_ignore_ascii_case(name))
}

/// Replaces the value of the query parameter `key` (as written).
fn set_param(target: &str, key: &str, f: impl Fn(&str) -> String) -> String {
    let (path, query) = target.split_once('?').unwrap();
    let parts: Vec<String> = query
        .split('&')
        .map(|p| match p.split_once('=') {
            Some((k, v)) if k == key => format!("{k}={}", f(v)),
            _ => p.to_owned(),
        })
        .collect();
    let out = format!("{path}?{}", parts.join("&"));
    assert_ne!(out, target, "{key} not in {target}");
    out
}

fn without_param(target: &str, key: &str) -> String {
    let (path, query) = target.split_once('?').unwrap();
    let parts: Vec<&str> = query
        .split('&')
        .filter(|p| p.split('=').next() != Some(key))
        .collect();
    format!("{path}?{}", parts.join("&"))
}

/// One change to what was signed, each refused for its own reason.
#[test]
fn tamperings_are_refused() {
    if repo_data::vectors_not_packaged("tamperings_are_refused") {
        return;
    }
    let mut n = 0;
    for row in corpus("s3express.jsonl") {
        let case = &row["case"];
        let id = case["id"].as_str().unwrap();
        let base = || runner::received(case, &row["expected"]).ok().unwrap();
        let now = runner::verify_time(case).ok().unwrap();
        let query = case["scheme"] == "s3express-v4-query";
        let token = case["credentials"]["session_token"].as_str().unwrap();
        let mut variants: Vec<(runner::Received, &str, &str)> = Vec::new();

        let mut r = base();
        if query {
            r.target = set_param(&r.target, "X-Amz-Signature", |v| flip_hex(v, 5));
        } else {
            let i = header_pos(&r, "authorization").unwrap();
            r.headers[i].1 = flip_hex(&r.headers[i].1.clone(), r.headers[i].1.len() - 5);
        }
        variants.push((r, "signature_mismatch", "signature"));

        let mut r = base();
        r.target = match r.target.split_once('?') {
            Some((p, q)) => format!("{p}x?{q}"),
            None => format!("{}x", r.target),
        };
        variants.push((r, "signature_mismatch", "path byte"));

        let mut r = base();
        let i = header_pos(&r, "host").unwrap();
        r.headers[i].1.insert(0, 'x');
        variants.push((r, "signature_mismatch", "host"));

        // The session token: one byte, gone, renamed to STS's, doubled.
        let mut r = base();
        let mut gone = base();
        let mut renamed = base();
        let mut both = base();
        if query {
            r.target = set_param(&r.target, "X-Amz-S3session-Token", |v| flip(v, 0));
            gone.target = without_param(&gone.target, "X-Amz-S3session-Token");
            renamed.target = renamed
                .target
                .replace("X-Amz-S3session-Token=", "X-Amz-Security-Token=");
            both.target = format!(
                "{}&X-Amz-Security-Token={}",
                both.target,
                split_target(&both.target)
                    .1
                    .iter()
                    .find(|(k, _)| k == b"X-Amz-S3session-Token")
                    .map(|_| url_encode(token))
                    .unwrap()
            );
            variants.push((gone, "session_token_mismatch", "token parameter gone"));
            variants.push((
                renamed,
                "signature_mismatch",
                "token as X-Amz-Security-Token",
            ));
        } else {
            let i = header_pos(&r, "x-amz-s3session-token").unwrap();
            r.headers[i].1 = flip(&r.headers[i].1.clone(), 0);
            gone.headers.remove(i);
            renamed.headers[i].0 = "X-Amz-Security-Token".into();
            both.headers
                .push(("x-amz-security-token".into(), token.into()));
            variants.push((gone, "signed_header_missing", "token header gone"));
            variants.push((
                renamed,
                "signed_header_missing",
                "token as X-Amz-Security-Token",
            ));
            // The token header present but not signed.
            let mut r = base();
            let i = header_pos(&r, "authorization").unwrap();
            r.headers[i].1 = r.headers[i].1.replace(";x-amz-s3session-token", "");
            variants.push((r, "unsigned_amz_header", "token header unsigned"));
            // X-Amz-Date, one second off.
            let mut r = base();
            let i = header_pos(&r, "x-amz-date").unwrap();
            let t = SigningTime::parse_rfc3339(case["time"].as_str().unwrap()).unwrap();
            let off = if r.headers[i].1.ends_with("59Z") {
                -1
            } else {
                1
            };
            r.headers[i].1 = t.checked_add_seconds(off).unwrap().amz_date().to_string();
            variants.push((r, "signature_mismatch", "x-amz-date"));
        }
        variants.push((r, "session_token_mismatch", "token byte"));
        variants.push((both, "duplicate_auth_parameter", "both tokens"));

        if query {
            let mut r = base();
            r.target = set_param(&r.target, "X-Amz-Expires", |v| {
                let e: u32 = v.parse().unwrap();
                (if e > 1 { e - 1 } else { 2 }).to_string()
            });
            variants.push((r, "signature_mismatch", "X-Amz-Expires"));
        }
        // Another signed header of the request's own.
        let signed_extra = base().headers.iter().position(|(n, _)| {
            n.to_ascii_lowercase().starts_with("x-amz-meta")
                || n.eq_ignore_ascii_case("content-type")
        });
        if let Some(i) = signed_extra {
            let mut r = base();
            r.headers[i].1.push('Z');
            variants.push((r, "signature_mismatch", "signed header"));
        }
        for (r, want, what) in &variants {
            let got = runner::verify_received(case, r, now, None);
            assert_eq!(got.err().as_deref(), Some(*want), "{id}: {what}");
            n += 1;
        }
        assert_eq!(
            runner::verify_received(case, &base(), now, Some("other")).unwrap_err(),
            "signature_mismatch",
            "{id}"
        );
        // At a server for another service.
        let mut other = case.clone();
        other["service"] = json!("s3");
        assert_eq!(
            runner::verify_received(&other, &base(), now, None).unwrap_err(),
            "wrong_service",
            "{id}"
        );
        n += 2;
    }
    assert!(n > 3000, "{n}");
}

fn url_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

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
fn post_forms_match_s3express_post_auth_and_verify() {
    if repo_data::vectors_not_packaged("post_forms_match_s3express_post_auth_and_verify") {
        return;
    }
    let rows = corpus("s3express-post.jsonl");
    for row in &rows {
        let (case, want) = (&row["case"], &row["expected"]);
        let id = &case["id"];
        let c = &case["credentials"];
        let (akid, secret) = (
            c["access_key_id"].as_str().unwrap(),
            c["secret_access_key"].as_str().unwrap(),
        );
        let token = c["session_token"].as_str().unwrap();
        let creds = Credentials::new(akid, secret, Some(token)).unwrap();
        let time = SigningTime::parse_rfc3339(case["time"].as_str().unwrap()).unwrap();
        let region = case["region"].as_str().unwrap();
        let key = SigningKey::derive(&creds, time, region, "s3express").unwrap();
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
        let bucket = case["bucket"].as_str().unwrap();
        let policy = PostPolicy::new(
            bucket,
            key_condition,
            case["expires_in"].as_u64().unwrap() as u32,
        )
        .conditions(&conds)
        .fields(&fields)
        .s3express_session(true);
        let mut buf = vec![0u8; 8192];
        let signed = s3::presign_post(&signer, &policy, &mut buf).unwrap();
        assert_eq!(
            signed.policy(),
            want["policy"].as_str().unwrap(),
            "{id}: {}",
            signed.policy_json()
        );
        assert_eq!(
            signed.signature(),
            want["signature"].as_str().unwrap(),
            "{id}"
        );
        let got: Vec<Value> = signed.fields().map(|(k, v)| json!([k, v])).collect();
        assert_eq!(Value::Array(got), want["fields"], "{id}");
        assert!(
            !format!("{signed:?}").contains(token),
            "{id}: Debug shows the token"
        );

        // The server: botocore's fields as the browser sends them.
        let sent: Vec<(&str, &str)> = want["fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| (f[0].as_str().unwrap(), f[1].as_str().unwrap()))
            .collect();
        let lookup = |k: &str| (k == akid).then_some(Secret::new(secret, Some(token)));
        let server = Policy::new(time.checked_add_seconds(1).unwrap(), "s3express").region(region);
        let mut out = [0u8; 4096];
        let check = |fields: &[(&str, &str)], policy: &Policy<'_>| {
            let form = PostForm::new(bucket, fields, 5).file_name("f.png");
            let mut out = [0u8; 4096];
            verify::verify_post_form(&form, &lookup, policy, &mut out)
                .map(|v| v.access_key_id.to_owned())
        };
        let form_fields = with_required(&sent, &conds);
        let form = PostForm::new(bucket, &form_fields, 5).file_name("f.png");
        let verified = verify::verify_post_form(&form, &lookup, &server, &mut out);
        assert_eq!(verified.map(|v| v.access_key_id), Ok(akid), "{id}");
        let rejection = |fields: &[(&str, &str)], policy: &Policy<'_>| {
            check(fields, policy).unwrap_err().rejection()
        };
        // A changed token, a second token, another service.
        let mut changed = form_fields.clone();
        let i = changed
            .iter()
            .position(|(n, _)| *n == "X-Amz-S3session-Token")
            .unwrap();
        let other = format!("{token}A");
        changed[i].1 = &other;
        assert_eq!(
            rejection(&changed, &server),
            Some(Rejection::SessionTokenMismatch),
            "{id}"
        );
        let mut doubled = form_fields.clone();
        doubled.insert(0, ("x-amz-security-token", token));
        assert_eq!(
            rejection(&doubled, &server),
            Some(Rejection::DuplicateAuthParameter),
            "{id}"
        );
        let s3 = Policy::new(time.checked_add_seconds(1).unwrap(), "s3");
        assert_eq!(
            rejection(&form_fields, &s3),
            Some(Rejection::WrongService),
            "{id}"
        );
    }
    assert_eq!(rows.len(), 12);
}

/// The form fields a browser sends for this policy: botocore's fields, and
/// a value for each condition on a field that botocore leaves to the page
/// (`starts-with` on `Content-Type`, `x-amz-meta-tag`).
fn with_required<'a>(
    sent: &[(&'a str, &'a str)],
    conds: &[Condition<'a>],
) -> Vec<(&'a str, &'a str)> {
    let mut out: Vec<(&str, &str)> = Vec::new();
    for c in conds {
        if let Condition::StartsWith(name, prefix) = *c
            && name != "key"
            && !sent.iter().any(|(n, _)| n.eq_ignore_ascii_case(name))
        {
            out.push((name, if prefix.is_empty() { "any" } else { prefix }));
        }
    }
    out.extend_from_slice(sent);
    out
}

#[test]
fn the_signer_refuses_what_it_adds_and_hides_the_token() {
    let creds = Credentials::new("ASIAEXAMPLE", "secret", Some("the-session-token")).unwrap();
    let time = SigningTime::parse_rfc3339("2024-05-01T10:00:00Z").unwrap();
    let key = SigningKey::derive(&creds, time, "us-west-2", "s3express").unwrap();
    let signer = Signer::new(&key, &creds, time).unwrap();
    let settings = SigningSettings::s3express();
    let mut buf = [0u8; 2048];
    for extra in [
        ("x-amz-s3session-token", "t"),
        ("X-Amz-Security-Token", "t"),
    ] {
        let h = [
            (
                "Host",
                "b--usw2-az1--x-s3.s3express-usw2-az1.us-west-2.amazonaws.com",
            ),
            extra,
        ];
        let err = v4::sign_headers(&signer, &Request::new("GET", "/k", &h), &settings, &mut buf)
            .unwrap_err();
        assert_eq!(err, Error::AuthHeaderPresent, "{extra:?}");
    }
    let h = [(
        "Host",
        "b--usw2-az1--x-s3.s3express-usw2-az1.us-west-2.amazonaws.com",
    )];
    for q in ["/k?X-Amz-S3session-Token=t", "/k?X-Amz-Security-Token=t"] {
        let err = v4::presign(
            &signer,
            &Request::new("GET", q, &h),
            300,
            &settings,
            &mut buf,
        )
        .unwrap_err();
        assert_eq!(err, Error::AuthParameterPresent, "{q}");
    }
    let request = Request::new("GET", "/k", &h);
    let signed = v4::sign_headers(&signer, &request, &settings, &mut buf).unwrap();
    assert_eq!(
        (signed.s3session_token(), signed.security_token()),
        (Some("the-session-token"), None)
    );
    assert!(!format!("{signed:?}").contains("the-session-token"));
    let names: Vec<&str> = signed.headers().map(|(n, _)| n).collect();
    assert_eq!(
        names,
        [
            "x-amz-date",
            "x-amz-s3session-token",
            "x-amz-content-sha256",
            "authorization"
        ]
    );
    // Without a token, S3 Express settings sign as S3's.
    let long_term = Credentials::new("AKIDEXAMPLE", "secret", None).unwrap();
    let key = SigningKey::derive(&long_term, time, "us-west-2", "s3express").unwrap();
    let signer = Signer::new(&key, &long_term, time).unwrap();
    let mut other = [0u8; 2048];
    let a = v4::sign_headers(&signer, &request, &settings, &mut buf).unwrap();
    let b = v4::sign_headers(&signer, &request, &SigningSettings::s3(), &mut other).unwrap();
    assert_eq!(a.authorization(), b.authorization());
    // `CreateSession` itself is signed for `s3express` with STS's token,
    // which an s3express server takes as well.
    let sts = Credentials::new("ASIASTS", "secret", Some("sts-token")).unwrap();
    let key = SigningKey::derive(&sts, time, "us-west-2", "s3express").unwrap();
    let signer = Signer::new(&key, &sts, time).unwrap();
    let create = Request::new("GET", "/?session", &h);
    let signed = v4::sign_headers(
        &signer,
        &create,
        &SigningSettings::for_service("s3express"),
        &mut buf,
    )
    .unwrap();
    assert_eq!(signed.security_token(), Some("sts-token"));
    let mut sent: Vec<(&str, &str)> = h.to_vec();
    sent.extend(signed.headers());
    let lookup = |_: &str| Some(Secret::new("secret", Some("sts-token")));
    let received = Request::new("GET", "/?session", &sent);
    assert!(verify::verify(&received, &lookup, &Policy::new(time, "s3express")).is_ok());
}

/// The `alloc` form (`with_buffer`): the same bytes as the buffer API, also
/// when the first 1 KiB is too small for a long session token.
#[test]
fn the_alloc_form_gives_the_same_bytes() {
    let token = "T".repeat(1500);
    let creds = Credentials::new("ASIAEXAMPLE", "secret", Some(&token)).unwrap();
    let time = SigningTime::parse_rfc3339("2024-05-01T10:00:00Z").unwrap();
    let key = SigningKey::derive(&creds, time, "us-west-2", "s3express").unwrap();
    let signer = Signer::new(&key, &creds, time).unwrap();
    let settings = SigningSettings::s3express();
    let h = [(
        "Host",
        "b--usw2-az1--x-s3.s3express-usw2-az1.us-west-2.amazonaws.com",
    )];
    let request = Request::new("GET", "/k", &h);
    let mut buf = [0u8; 8192];
    let url = awsig::with_buffer(|b| {
        v4::presign_url(&signer, &request, 300, &settings, b).map(|u| u.to_string())
    })
    .unwrap();
    let direct = v4::presign_url(&signer, &request, 300, &settings, &mut buf).unwrap();
    assert!(url.len() > 1024);
    assert_eq!(url, direct.as_str());
    assert!(url.contains(&format!("&X-Amz-S3session-Token={token}&")));
    let auth = awsig::with_buffer(|b| {
        v4::sign_headers(&signer, &request, &settings, b).map(|s| s.authorization().to_owned())
    })
    .unwrap();
    let direct = v4::sign_headers(&signer, &request, &settings, &mut buf).unwrap();
    assert_eq!(auth, direct.authorization());
    let policy =
        PostPolicy::new("b--usw2-az1--x-s3", KeyCondition::Exact("k"), 300).s3express_session(true);
    let form = awsig::with_buffer(|b| {
        s3::presign_post(&signer, &policy, b)
            .map(|p| (p.policy().to_owned(), p.signature().to_owned()))
    })
    .unwrap();
    let direct = s3::presign_post(&signer, &policy, &mut buf).unwrap();
    assert_eq!(
        form,
        (direct.policy().to_owned(), direct.signature().to_owned())
    );
}
