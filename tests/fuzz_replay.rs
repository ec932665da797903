//! Replays the fuzz targets' committed inputs on the stable toolchain,
//! without libFuzzer: every file of `fuzz/corpus/<target>/` and
//! `fuzz/regressions/<target>/` goes through the very functions the fuzzer
//! runs (the `awsig-fuzz` crate, a dev-dependency without its `libfuzzer`
//! feature). Also checks the fuzzers' reference canonicaliser
//! (`fuzz/src/reference.rs`) against every expected canonical request and
//! signature of `tests/vectors/`.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use awsig_fuzz as fuzz;
use awsig_fuzz::vectors;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `f` on every file of the target's corpus and regressions; reports
/// every failing file at once.
fn replay(target: &str, f: fn(&[u8])) {
    let mut files = Vec::new();
    for dir in ["fuzz/corpus", "fuzz/regressions"] {
        let dir = root().join(dir).join(target);
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in entries {
            let p = e.expect("directory entry").path();
            if p.is_file()
                && !p
                    .file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with('.'))
            {
                files.push(p);
            }
        }
    }
    files.sort();
    let mut failed = Vec::new();
    for p in &files {
        let data = std::fs::read(p).expect("read input");
        if catch_unwind(AssertUnwindSafe(|| f(&data))).is_err() {
            failed.push(p.strip_prefix(root()).unwrap_or(p).display().to_string());
        }
    }
    assert!(
        failed.is_empty(),
        "{target}: {} of {} inputs fail:\n{}",
        failed.len(),
        files.len(),
        failed.join("\n")
    );
    eprintln!("{target}: {} inputs replayed", files.len());
}

#[test]
fn sign_arbitrary() {
    replay("sign_arbitrary", fuzz::sign_arbitrary);
}

#[test]
fn verify_arbitrary() {
    replay("verify_arbitrary", fuzz::verify_arbitrary);
}

#[test]
fn event_stream() {
    replay("event_stream", fuzz::event_stream);
}

#[test]
fn s3_v2() {
    replay("s3_v2", fuzz::s3_v2);
}

#[test]
fn object_presigner() {
    replay("object_presigner", fuzz::object_presigner);
}

#[test]
fn differential_canonical() {
    replay("differential_canonical", fuzz::differential_canonical);
}

#[test]
fn query_roundtrip() {
    replay("query_roundtrip", fuzz::query_roundtrip);
}

#[test]
fn aws_chunked_decode() {
    replay("aws_chunked_decode", fuzz::aws_chunked_decode);
}

#[test]
fn post_form_verify() {
    replay("post_form_verify", fuzz::post_form_verify);
}

/// The reference canonicaliser reproduces the vectors (AWS's suite and
/// botocore's results): it is checked against the same oracle as the library.
#[test]
fn reference_matches_vectors() {
    let mut checked = 0;
    for file in ["suite-v4.jsonl", "botocore-public.jsonl"] {
        let text = std::fs::read_to_string(Path::new(&root()).join("tests/vectors").join(file))
            .expect("read vectors");
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let v: serde_json::Value = serde_json::from_str(line).expect("JSON line");
            let Some((id, case, Some((cr, sig)), _)) = vectors::convert(&v) else {
                continue;
            };
            let got = case.ref_sign();
            assert_eq!(got.canonical_request, cr, "{id}: canonical request");
            assert_eq!(got.signature, sig, "{id}: signature");
            // And the differential target agrees on the same case.
            fuzz::differential_case(&case);
            checked += 1;
        }
    }
    assert!(checked > 1500, "only {checked} vector cases checked");
    eprintln!("reference: {checked} vector cases agree");
}
