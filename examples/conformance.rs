//! The conformance runner (`awsig_tools::conformance`): JSON Lines cases on
//! stdin, one result line per case on stdout (README, "Testing").
//!
//! ```sh
//! cargo run --release --example conformance < tests/vectors/suite-v4.jsonl > results.jsonl
//! cargo run --release --example conformance -- --verify < tests/vectors/suite-v4.jsonl
//! cargo run --release --example conformance -- --repeat 1000 < cases.jsonl   # for callgrind
//! cargo run --release --example conformance --features sigv4a < tests/vectors/suite-v4a.jsonl
//! ```
//!
//! The runner lives in `tools/`; this example is its command, built with
//! this crate's features: with `sigv4a` it also signs the SigV4a schemes.

use awsig_tools::conformance::Runner;

fn main() {
    let runner = Runner::new();
    #[cfg(feature = "sigv4a")]
    let runner = runner.with_v4a(sigv4a::sign);
    runner.main();
}

#[cfg(feature = "sigv4a")]
mod sigv4a {
    use awsig::v4a::V4aSigningKey;
    use awsig_tools::conformance::{Refused, Signing};
    use serde_json::Value;

    /// Derives the case's SigV4a key and signs with it.
    pub fn sign(s: &Signing<'_>, repeat: usize, buf: &mut [u8]) -> Result<Value, Refused> {
        let key = V4aSigningKey::derive(s.credentials, s.region_set()?, s.case.service)?;
        s.sign_v4a(&key, key.public_key(), repeat, buf)
    }
}
