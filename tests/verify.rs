//! Verification, both directions: every corpus case verifies as signed, and
//! systematic single-point tamperings of every case are refused with the
//! right reason.

use std::path::Path;

use awsig::SigningTime;
use serde_json::Value;

use awsig_tools::conformance as runner;

mod repo_data;

use runner::Received;

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

fn all_cases() -> Vec<Value> {
    let mut v = corpus("suite-v4.jsonl");
    v.extend(corpus("botocore-public.jsonl"));
    v.extend(corpus("seed/sqs-seed.jsonl"));
    v.extend(corpus("seed/sqs-seed-v2-expires.jsonl"));
    v
}

#[test]
fn every_corpus_case_verifies() {
    if repo_data::vectors_not_packaged("every_corpus_case_verifies") {
        return;
    }
    let mut n = 0;
    for file in [
        "suite-v4.jsonl",
        "botocore-public.jsonl",
        "seed/sqs-seed.jsonl",
        "seed/sqs-seed-v2-expires.jsonl",
        "seed/sqs-seed-v2-post.jsonl",
        "aws-docs-chunked.jsonl",
        "s3express.jsonl",
    ] {
        for row in corpus(file) {
            let got = runner::verify_line(&row);
            if sends_raw_plus(&row) {
                // Signed with `+` as a plus (botocore's and aws-c-auth's
                // reading); a server reads a received `+` as a space.
                assert_eq!(got["error"], "signature_mismatch", "{file}: {got}");
            } else {
                assert_eq!(got["valid"], Value::Bool(true), "{file}: {got}");
            }
            n += 1;
        }
    }
    assert_eq!(n, 2444);
}

/// Whether the request as sent carries a raw `+` in its query.
fn sends_raw_plus(row: &Value) -> bool {
    runner::received(&row["case"], &row["expected"])
        .ok()
        .is_some_and(|r| {
            r.target
                .split_once('?')
                .is_some_and(|(_, q)| q.contains('+'))
        })
}

#[test]
fn a_received_plus_is_a_space() {
    if repo_data::vectors_not_packaged("a_received_plus_is_a_space") {
        return;
    }
    // botocore's raw-plus cases: the query sent holds a raw `+`, signed as
    // `%2B`. Each is refused as sent, and verifies once the `+` is sent as
    // `%2B`, its meaning when signed.
    let mut n = 0;
    for row in corpus("botocore-public.jsonl") {
        if !sends_raw_plus(&row) {
            continue;
        }
        let case = &row["case"];
        let mut r = runner::received(case, &row["expected"]).ok().unwrap();
        let now = runner::verify_time(case).ok().unwrap();
        assert_eq!(
            runner::verify_received(case, &r, now, None).unwrap_err(),
            "signature_mismatch"
        );
        let (path, query) = r.target.split_once('?').unwrap();
        r.target = format!("{path}?{}", query.replace('+', "%2B"));
        runner::verify_received(case, &r, now, None)
            .unwrap_or_else(|e| panic!("{}: {e}", case["id"]));
        n += 1;
    }
    assert!(n >= 10, "{n} raw-plus cases");
}

/// Replaces the value of query parameter `key` (raw) in `target`.
fn set_param(target: &str, key: &str, f: impl Fn(&str) -> String) -> Option<String> {
    let (path, query) = target.split_once('?')?;
    let mut found = false;
    let parts: Vec<String> = query
        .split('&')
        .map(|p| match p.split_once('=') {
            Some((k, v)) if k == key && !found => {
                found = true;
                format!("{k}={}", f(v))
            }
            _ => p.to_owned(),
        })
        .collect();
    found.then(|| format!("{path}?{}", parts.join("&")))
}

fn param(target: &str, key: &str) -> Option<String> {
    target.split_once('?')?.1.split('&').find_map(|p| {
        let (k, v) = p.split_once('=')?;
        (k == key).then(|| v.to_owned())
    })
}

fn header_index(r: &Received, name: &str) -> Option<usize> {
    r.headers
        .iter()
        .position(|(n, _)| n.eq_ignore_ascii_case(name))
}

fn flip_hex(s: &str, at: usize) -> String {
    let mut b = s.as_bytes().to_vec();
    b[at] = if b[at] == b'0' { b'1' } else { b'0' };
    String::from_utf8(b).unwrap()
}

struct Tamper {
    name: &'static str,
    received: Received,
    now: SigningTime,
    secret: Option<String>,
    want: &'static str,
}

fn tamperings(row: &Value) -> Vec<Tamper> {
    let case = &row["case"];
    let scheme = case["scheme"].as_str().unwrap();
    let base = || runner::received(case, &row["expected"]).ok().unwrap();
    let now = runner::verify_time(case).ok().unwrap();
    let query = matches!(scheme, "v4-query" | "s3-v4-query");
    let header = matches!(scheme, "v4-header" | "s3-v4-header");
    let v2 = scheme == "v2-query";
    let mut out = Vec::new();
    let mut push = |name, received, want| {
        out.push(Tamper {
            name,
            received,
            now,
            secret: None,
            want,
        })
    };

    // The signature itself: one hex digit (SigV2: one base64 character).
    let mut r = base();
    if header {
        let i = header_index(&r, "authorization").unwrap();
        let v = r.headers[i].1.clone();
        r.headers[i].1 = flip_hex(&v, v.len() - 7);
    } else if query {
        r.target = set_param(&r.target, "X-Amz-Signature", |v| flip_hex(v, 13)).unwrap();
    } else {
        r.target = set_param(&r.target, "Signature", |v| {
            let at = v.bytes().position(|b| b.is_ascii_alphanumeric()).unwrap();
            flip_hex(v, at)
        })
        .unwrap();
    }
    push("signature digit", r, "signature_mismatch");

    // One byte of a query value of the request's own parameters.
    let original = case["request"]["target"].as_str().unwrap();
    if let Some((_, q)) = original.split_once('?')
        && let Some((k, _)) = q
            .split('&')
            .filter_map(|p| p.split_once('='))
            .find(|(k, v)| !v.is_empty() && !k.is_empty())
    {
        let mut r = base();
        if let Some(t) = set_param(&r.target, k, |v| format!("{v}Z")) {
            r.target = t;
            push("query value byte", r, "signature_mismatch");
        }
    }

    // A signed header value: the host.
    let mut r = base();
    let i = header_index(&r, "host").unwrap();
    r.headers[i].1 = format!("tampered.{}", r.headers[i].1);
    push("host header", r, "signature_mismatch");

    // Another signed header, when there is one (header scheme).
    if header {
        let auth = base()
            .headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case("authorization"))
            .unwrap()
            .1
            .clone();
        let signed: Vec<String> = auth
            .split("SignedHeaders=")
            .nth(1)
            .unwrap()
            .split(',')
            .next()
            .unwrap()
            .split(';')
            .map(str::to_owned)
            .collect();
        let mut r = base();
        if let Some(i) = r.headers.iter().position(|(n, _)| {
            let n = n.to_ascii_lowercase();
            signed.contains(&n)
                && n != "host"
                && n != "authorization"
                && n != "x-amz-content-sha256"
                && n != "x-amz-security-token"
        }) {
            let name = r.headers[i].0.to_ascii_lowercase();
            if name == "x-amz-date" {
                // One second off, same day: the date is part of what is signed.
                let t = SigningTime::parse_rfc3339(case["time"].as_str().unwrap()).unwrap();
                let off = if t.amz_date().as_str().ends_with("59Z") {
                    -1
                } else {
                    1
                };
                r.headers[i].1 = t.checked_add_seconds(off).unwrap().amz_date().to_string();
                push("x-amz-date", r, "signature_mismatch");
            } else {
                r.headers[i].1.push('Z');
                push("signed header value", r, "signature_mismatch");
            }
        }
    }

    // The method and the path.
    let mut r = base();
    r.method = if r.method == "PATCH" {
        "PUT".into()
    } else {
        "PATCH".into()
    };
    push("method", r, "signature_mismatch");
    let mut r = base();
    r.target = match r.target.split_once('?') {
        Some((p, q)) => format!("{p}x?{q}"),
        None => format!("{}x", r.target),
    };
    push("path", r, "signature_mismatch");

    // Scope date, region, access key, expiry (SigV4).
    if header || query {
        let replace_credential = |r: &mut Received, f: &dyn Fn(&str) -> String| {
            if header {
                let i = header_index(r, "authorization").unwrap();
                r.headers[i].1 = f(&r.headers[i].1);
            } else {
                let c = param(&r.target, "X-Amz-Credential").unwrap();
                r.target = set_param(&r.target, "X-Amz-Credential", |_| f(&c)).unwrap();
            }
        };
        let region = case["region"].as_str().unwrap().to_owned();
        let akid = case["credentials"]["access_key_id"]
            .as_str()
            .unwrap()
            .to_owned();
        let date = case["time"].as_str().unwrap()[..10].replace('-', "");
        let mut r = base();
        let other_day = if date == "20000101" {
            "20000102"
        } else {
            "20000101"
        };
        replace_credential(&mut r, &|c| c.replacen(&date, other_day, 1));
        push("scope date", r, "scope_date_mismatch");
        let mut r = base();
        replace_credential(&mut r, &|c| c.replacen(&region, "xx-tamper-9", 1));
        push("scope region", r, "signature_mismatch");
        let mut r = base();
        replace_credential(&mut r, &|c| c.replacen(&akid, "AKIATAMPEREDTAMPERED", 1));
        push("access key", r, "unknown_access_key");
    }
    if query {
        let mut r = base();
        r.target = set_param(&r.target, "X-Amz-Expires", |v| {
            let n: u32 = v.parse().unwrap();
            (if n > 1 { n - 1 } else { n + 1 }).to_string()
        })
        .unwrap();
        push("X-Amz-Expires", r, "signature_mismatch");
    }

    // The session token.
    if !case["credentials"]["session_token"].is_null() {
        let mut r = base();
        if header {
            let i = header_index(&r, "x-amz-security-token").unwrap();
            r.headers[i].1.push('A');
        } else if query {
            r.target = set_param(&r.target, "X-Amz-Security-Token", |v| format!("A{v}")).unwrap();
        } else {
            r.target = set_param(&r.target, "SecurityToken", |v| format!("A{v}")).unwrap();
        }
        push("session token", r, "session_token_mismatch");
    }

    // Time: past the expiry, or beyond the skew.
    let signed_at = SigningTime::parse_rfc3339(case["time"].as_str().unwrap()).unwrap();
    let late = |secs: i64| signed_at.checked_add_seconds(secs).unwrap();
    if query {
        let expires = case["expires_in"].as_i64().unwrap();
        out.push(Tamper {
            name: "expired",
            received: base(),
            now: late(expires + 1),
            secret: None,
            want: "expired",
        });
        out.push(Tamper {
            name: "future",
            received: base(),
            now: late(-901),
            secret: None,
            want: "not_yet_valid",
        });
    } else if header || (v2 && case.get("v2_expires").is_none()) {
        out.push(Tamper {
            name: "skew",
            received: base(),
            now: late(901),
            secret: None,
            want: "request_time_too_skewed",
        });
        out.push(Tamper {
            name: "skew-",
            received: base(),
            now: late(-901),
            secret: None,
            want: "request_time_too_skewed",
        });
    } else {
        let e = SigningTime::parse_rfc3339(case["v2_expires"].as_str().unwrap()).unwrap();
        out.push(Tamper {
            name: "expired",
            received: base(),
            now: e.checked_add_seconds(1).unwrap(),
            secret: None,
            want: "expired",
        });
    }

    // A wrong secret.
    out.push(Tamper {
        name: "wrong secret",
        received: base(),
        now,
        secret: Some("not-the-secret".into()),
        want: "signature_mismatch",
    });
    out
}

#[test]
fn single_point_tamperings_are_refused_for_the_right_reason() {
    if repo_data::vectors_not_packaged("single_point_tamperings_are_refused_for_the_right_reason") {
        return;
    }
    let mut count = 0;
    let mut failures = Vec::new();
    for row in all_cases().into_iter().filter(|row| !sends_raw_plus(row)) {
        let case = &row["case"];
        // The untampered request verifies.
        let r = runner::received(case, &row["expected"]).ok().unwrap();
        let now = runner::verify_time(case).ok().unwrap();
        runner::verify_received(case, &r, now, None)
            .unwrap_or_else(|e| panic!("{}: {e}", case["id"]));
        for t in tamperings(&row) {
            count += 1;
            let got = runner::verify_received(case, &t.received, t.now, t.secret.as_deref());
            match got {
                Err(kind) if kind == t.want => {}
                other => failures.push(format!(
                    "{} [{}]: want {}, got {:?}",
                    case["id"],
                    t.name,
                    t.want,
                    other.map(|v| v.1)
                )),
            }
        }
    }
    assert!(count > 15_000, "only {count} tamperings");
    assert!(
        failures.is_empty(),
        "{} of {count} tamperings misjudged:\n{}",
        failures.len(),
        failures[..failures.len().min(15)].join("\n")
    );
}
