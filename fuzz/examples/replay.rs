//! Replays inputs through a target without libFuzzer (stable toolchain),
//! printing each failing file and, for `verify_arbitrary`, how many accepted
//! requests the reference confirmed:
//!
//! ```sh
//! cd fuzz && cargo run --release --example replay -- verify_arbitrary corpus/verify_arbitrary
//! ```

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::Ordering;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (target, paths) = args.split_first().expect("usage: replay TARGET PATH...");
    let f: fn(&[u8]) = match target.as_str() {
        "sign_arbitrary" => awsig_fuzz::sign_arbitrary,
        "verify_arbitrary" => awsig_fuzz::verify_arbitrary,
        "differential_canonical" => awsig_fuzz::differential_canonical,
        "query_roundtrip" => awsig_fuzz::query_roundtrip,
        "aws_chunked_decode" => awsig_fuzz::aws_chunked_decode,
        "post_form_verify" => awsig_fuzz::post_form_verify,
        "event_stream" => awsig_fuzz::event_stream,
        "s3_v2" => awsig_fuzz::s3_v2,
        other => panic!("unknown target {other}"),
    };
    let mut files = Vec::new();
    for p in paths {
        let p = std::path::PathBuf::from(p);
        if !p.exists() {
            eprintln!("skipping {}: no such file or directory", p.display());
        } else if p.is_dir() {
            for e in std::fs::read_dir(&p).expect("read dir") {
                files.push(e.expect("entry").path());
            }
        } else {
            files.push(p);
        }
    }
    files.sort();
    let mut failed = 0;
    for p in &files {
        let data = std::fs::read(p).expect("read input");
        if catch_unwind(AssertUnwindSafe(|| f(&data))).is_err() {
            println!("FAIL {}", p.display());
            failed += 1;
        }
    }
    println!(
        "{target}: {} inputs, {failed} failed, {} accepted requests confirmed by the reference",
        files.len(),
        awsig_fuzz::ACCEPTED.load(Ordering::Relaxed)
            + awsig_fuzz::POST_ACCEPTED.load(Ordering::Relaxed)
    );
}
