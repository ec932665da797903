//! Conformance runner: JSON Lines cases on stdin, one result line per case on
//! stdout, in the format of the conformance protocol (see README, "Testing").
//!
//! ```sh
//! cargo run --release --example conformance < tests/vectors/suite-v4.jsonl > results.jsonl
//! cargo run --release --example conformance -- --repeat 1000 < cases.jsonl   # for callgrind
//! ```
//!
//! Input lines are bare cases or `{"case": ..., "expected": ...}` lines
//! (`expected` is ignored). Schemes: `v4-header`, `v4-query`,
//! `s3-v4-header`, `s3-v4-query`, `v2-query` (and `v2-form`, with the case
//! field `v2_expires`, for the SQS seed vectors); anything else gives
//! `"error": "unsupported_scheme"`.

use std::io::{self, BufRead, BufWriter, Write};

use serde_json::Value;

mod runner;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut repeat = 0usize;
    let mut verify = false;
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--repeat" => match it.next().and_then(|n| n.parse().ok()) {
                Some(n) => repeat = n,
                None => {
                    eprintln!("conformance: --repeat takes a number");
                    std::process::exit(2);
                }
            },
            "--verify" => verify = true,
            other => {
                eprintln!(
                    "conformance: unknown argument {other:?} (usage: conformance [--repeat N | --verify] < cases.jsonl)"
                );
                std::process::exit(2);
            }
        }
    }
    let stdin = io::stdin().lock();
    let mut out = BufWriter::new(io::stdout().lock());
    let mut buf = vec![0u8; 1 << 16];
    for line in stdin.lines() {
        let line = match line {
            Ok(l) => l,
            Err(e) => {
                eprintln!("conformance: cannot read stdin: {e}");
                std::process::exit(2);
            }
        };
        if line.trim().is_empty() {
            continue;
        }
        let value: Value = match serde_json::from_str(&line) {
            Ok(v) => v,
            Err(e) => {
                eprintln!("conformance: skipping a line that is not JSON: {e}");
                continue;
            }
        };
        let result = if verify {
            runner::verify_line(&value)
        } else {
            runner::result_for(&value, repeat, &mut buf)
        };
        if writeln!(out, "{result}").is_err() {
            std::process::exit(1);
        }
    }
    let _ = out.flush();
}
