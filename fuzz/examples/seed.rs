//! Writes the seed corpus of every target from the test vectors:
//!
//! ```sh
//! cd fuzz && cargo run --example seed
//! ```
//!
//! Each SigV4 case of `tests/vectors/suite-v4.jsonl` (all of them) and of
//! `tests/vectors/botocore-public.jsonl` (an even sample) becomes
//! `corpus/<target>/seed-<id>` in the byte layout of `src/wire.rs`, so that
//! it decodes to exactly that case. It also checks, on the way, that the
//! reference canonicaliser (`src/reference.rs`) reproduces every expected
//! canonical request and signature of the vectors it reads.

use std::fs;
use std::path::{Path, PathBuf};

use awsig_fuzz::reference as r;
use awsig_fuzz::vectors::{convert, small};
use awsig_fuzz::wire::Writer;
use awsig_fuzz::{Case, F_S3, F_TOKEN_UNSIGNED, QueryCase, QueryPair};
use serde_json::Value;

/// Seeds per target from botocore-public.jsonl (the suite adds its 76).
const BOTOCORE_SAMPLE: usize = 160;

fn main() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let vectors = root.join("../tests/vectors");
    let mut cases = Vec::new();
    for (file, every) in [("suite-v4.jsonl", 1), ("botocore-public.jsonl", 0)] {
        let text = fs::read_to_string(vectors.join(file)).expect("read vectors");
        let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
        let every = if every == 0 {
            (lines.len() / BOTOCORE_SAMPLE).max(1)
        } else {
            every
        };
        for line in lines.iter().step_by(every) {
            let v: Value = serde_json::from_str(line).expect("JSON line");
            // Seeds stay small: skip cases with a long part.
            if let Some(c) = convert(&v).filter(|c| small(&c.1)) {
                cases.push(c);
            }
        }
    }
    let corpus = root.join("corpus");
    for target in [
        "sign_arbitrary",
        "differential_canonical",
        "verify_arbitrary",
        "query_roundtrip",
    ] {
        let dir = corpus.join(target);
        fs::create_dir_all(&dir).expect("mkdir");
        for entry in fs::read_dir(&dir).expect("read corpus") {
            let p = entry.expect("entry").path();
            if p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("seed-"))
            {
                fs::remove_file(p).expect("remove old seed");
            }
        }
    }
    let (mut checked, mut n) = (0, 0);
    for (i, (id, case, expected, signed)) in cases.iter().enumerate() {
        let name = format!("seed-{}", sanitize(id));
        let suite = id.starts_with("aws-c-auth");
        write(&corpus, "sign_arbitrary", &name, &case.to_bytes());
        write(&corpus, "differential_canonical", &name, &case.to_bytes());
        // verify_arbitrary, mode 2: the case signed by the harness, unchanged.
        if suite || i % 2 == 0 {
            let mut genuine = vec![2u8];
            genuine.extend(case.to_bytes());
            write(
                &corpus,
                "verify_arbitrary",
                &format!("{name}-genuine"),
                &genuine,
            );
        }
        // verify_arbitrary, mode 1: the vector's own signed request as raw
        // text (signed with the vector's secret: must be refused).
        if let Some((target, headers)) = signed.as_ref().filter(|_| suite || i % 2 == 1) {
            let mut w = Writer::default();
            w.u8(1)
                .u32(u32::try_from((case.time - 1_420_070_400).max(0)).unwrap_or(0))
                .u16(900);
            let mut text = format!("{}\n{target}", case.method);
            for (k, v) in headers {
                text.push_str(&format!("\n{k}:{v}"));
            }
            w.out.extend_from_slice(text.as_bytes());
            write(
                &corpus,
                "verify_arbitrary",
                &format!("{name}-signed"),
                &w.out,
            );
        }
        if case.presign() {
            write(
                &corpus,
                "query_roundtrip",
                &name,
                &query_case(case).to_bytes(),
            );
        }
        if let Some(want) = expected {
            let got = case.ref_sign();
            assert_eq!(&got.canonical_request, &want.0, "reference differs on {id}");
            assert_eq!(
                &got.signature, &want.1,
                "reference signature differs on {id}"
            );
            checked += 1;
        }
        n += 1;
    }
    object_presigner_seeds(&corpus);
    eprintln!("{n} cases written; reference agrees with {checked} expected canonical requests");
}

/// Seeds of `object_presigner`: AWS's presigned-URL example and variants
/// (path-style, a path prefix, a session token, options, odd keys).
fn object_presigner_seeds(corpus: &Path) {
    let dir = corpus.join("object_presigner");
    fs::create_dir_all(&dir).expect("mkdir");
    let token = "IQoJb3JpZ2luX2VjEBoaCXVzLWVhc3QtMiJHMEUCIQAvFvx7TWScuT/QLhFHpW/5yOBS4zND";
    let seeds: [(u8, &str, bool, &str, Option<&str>, &[(&str, &str)], &[&str]); 6] = [
        (0, "examplebucket", false, "GET", None, &[], &["test.txt"]),
        (
            1,
            "test",
            true,
            "PUT",
            None,
            &[],
            &["a b/c+d.jpg", "é😀", ""],
        ),
        (
            2,
            "media",
            true,
            "GET",
            Some(token),
            &[("versionId", "3")],
            &["x/y", "%41"],
        ),
        (
            3,
            "my-bucket",
            false,
            "HEAD",
            Some(token),
            &[("response-content-type", "a/b c")],
            &["/lead", "k?x#y"],
        ),
        (0, "examplebucket", false, "DELETE", None, &[], &["k"; 6]),
        (1, "Bad_Name", false, "GET", None, &[], &["k"]),
    ];
    for (i, (endpoint, bucket, path_style, method, tok, query, keys)) in seeds.iter().enumerate() {
        let mut w = Writer::default();
        w.u8(*endpoint)
            .string(bucket)
            .flag(*path_style)
            .flag(i % 2 == 1)
            .string(method);
        w.u32(86400).opt_string(*tok);
        w.list(query, |w, (k, v)| {
            w.string(k).string(v);
        });
        let headers: &[(&str, &str)] = if i == 3 {
            &[("content-type", "image/png")]
        } else {
            &[]
        };
        w.list(headers, |w, (k, v)| {
            w.string(k).string(v);
        });
        w.list(keys, |w, k| {
            w.string(k);
        });
        w.u32(1_369_353_600);
        write(corpus, "object_presigner", &format!("seed-{i}"), &w.out);
    }
}

/// The query parameters of a presigned case, decoded, for query_roundtrip.
fn query_case(c: &Case) -> QueryCase {
    let (path, query) = c.target.split_once('?').unwrap_or((&c.target, ""));
    let mut flags = 0;
    if c.flags & F_S3 != 0 {
        flags |= 1;
    }
    if c.token.is_some() {
        flags |= 2;
    }
    if c.flags & F_TOKEN_UNSIGNED != 0 {
        flags |= 4;
    }
    QueryCase {
        flags,
        path: path.trim_start_matches('/').to_string(),
        pairs: r::query_pairs(query)
            .into_iter()
            .take(64)
            .map(|(k, v)| QueryPair {
                key: String::from_utf8_lossy(&k).into_owned(),
                value: String::from_utf8_lossy(&v).into_owned(),
                style: 0,
            })
            .collect(),
        headers: Vec::new(),
        token: c.token.clone().unwrap_or_default(),
        time: c.time,
        expires: c.expires.saturating_sub(1),
    }
}

fn sanitize(id: &str) -> String {
    id.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

fn write(corpus: &Path, target: &str, name: &str, bytes: &[u8]) {
    fs::write(corpus.join(target).join(name), bytes).expect("write seed");
}
