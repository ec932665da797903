//! The conformance runner: JSON Lines cases on stdin, one result line per
//! case on stdout, in the format of the project's conformance protocol
//! (README, "Testing"; `tests/vectors/README.md`).
//!
//! Input lines are bare cases or `{"case": ..., "expected": ...}` lines
//! (`expected` is ignored when signing). Schemes: `v4-header`, `v4-query`,
//! `s3-v4-header`, `s3-v4-query`, `v2-query`, `s3express-v4-header`,
//! `s3express-v4-query` (S3 Express One Zone session auth), and the extensions
//! `s3-v4-chunked`, `v2-form` (with the case field `v2_expires`),
//! `v4-event` (event-stream messages), `s3-v2-header`, `s3-v2-query`
//! (S3's SigV2) and
//! `v4a-header`, `v4a-query` (when given a SigV4a signer,
//! [`Runner::with_v4a`]); anything else gives `"error":
//! "unsupported_scheme"`.
//!
//! The root crate's `conformance` example is the command, and its tests
//! (`tests/conformance.rs`, `tests/verify.rs`, `tests/sigv4a.rs`,
//! `tests/http.rs`) run the corpora through this same code.

mod case;
pub mod compare;
mod event;
mod s3v2;
mod sign;
mod verify;
mod verify_raw;

use std::io::{self, BufRead, BufWriter, Write};

use serde_json::Value;

pub use case::{Case, Refused, str_field};
pub use event::{EventMessage, event_messages, expected_frames, reseal, verify_events};
pub use sign::{Runner, Signing, V4aSigner};
pub use verify::{Received, received, verify_line, verify_received, verify_time};
pub use verify_raw::verify_raw_line;

impl Runner {
    /// The command: `conformance [--repeat N | --verify | --verify-raw] < cases.jsonl`.
    /// `--repeat N` signs every case N more times (for callgrind);
    /// `--verify` writes `{"id", "valid", "error"}` for each
    /// `{"case", "expected"}` line instead; `--verify-raw` verifies
    /// received requests under a server's policy (the protocol's
    /// "Receiving side"). Exits with status 2 on a bad
    /// argument or unreadable input, 1 when stdout is closed.
    pub fn main(&self) {
        let args: Vec<String> = std::env::args().skip(1).collect();
        let mut repeat = 0usize;
        let mut verify = false;
        let mut verify_raw = false;
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
                "--verify-raw" => verify_raw = true,
                other => {
                    eprintln!(
                        "conformance: unknown argument {other:?} (usage: conformance [--repeat N | --verify | --verify-raw] < cases.jsonl)"
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
            let result = if verify_raw {
                verify_raw_line(&value)
            } else if verify {
                verify_line(&value)
            } else {
                self.result_for(&value, repeat, &mut buf)
            };
            if writeln!(out, "{result}").is_err() {
                std::process::exit(1);
            }
        }
        let _ = out.flush();
    }
}
