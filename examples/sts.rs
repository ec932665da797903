//! Signs an STS `GetCallerIdentity` POST with the `Authorization` header and
//! prints it as a `curl` command.
//!
//! ```text
//! cargo run --example sts -- [--time RFC3339]
//! ```
//!
//! Credentials from `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`,
//! `AWS_SESSION_TOKEN` (AWS's example credentials when unset). With real
//! credentials, running the printed command returns your account and ARN.

use std::process::ExitCode;

use awsig::{Payload, Request, v4};

#[path = "support/cli.rs"]
mod cli;
#[path = "support/env.rs"]
mod env;

const BODY: &str = "Action=GetCallerIdentity&Version=2011-06-15";

fn run() -> Result<(), String> {
    let args = cli::from_env();
    let creds = env::EnvCredentials::load("sts")?;
    let creds = creds.credentials().map_err(|e| e.to_string())?;
    let time = env::time(env::time_arg(&args))?;
    let key =
        v4::SigningKey::derive(&creds, time, "us-east-1", "sts").map_err(|e| e.to_string())?;
    let headers = [
        ("Host", "sts.amazonaws.com"),
        (
            "Content-Type",
            "application/x-www-form-urlencoded; charset=utf-8",
        ),
    ];
    let request = Request::new("POST", "/", &headers).with_payload(Payload::Body(BODY.as_bytes()));
    let mut buf = [0u8; 1024];
    let signer = v4::Signer::new(&key, &creds, time).map_err(|e| e.to_string())?;
    let signed = v4::sign_headers(&signer, &request, &v4::SigningSettings::new(), &mut buf)
        .map_err(|e| e.to_string())?;
    let mut cmd = String::from("curl -sS -X POST https://sts.amazonaws.com/");
    for (name, value) in headers.iter().copied().skip(1).chain(signed.headers()) {
        cmd.push_str(&format!(" -H '{name}: {value}'"));
    }
    cmd.push_str(&format!(" --data '{BODY}'"));
    println!("{cmd}");
    Ok(())
}

fn main() -> ExitCode {
    cli::exit("sts", run())
}
