//! Signs an STS `GetCallerIdentity` POST with the `Authorization` header and
//! prints it as a `curl` command.
//!
//! ```text
//! cargo run --example sts
//! ```
//!
//! Credentials from `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`,
//! `AWS_SESSION_TOKEN` (AWS's example credentials when unset). With real
//! credentials, running the printed command returns your account and ARN.

use std::error::Error;

use awsig::{Credentials, Payload, Request, SigningTime, v4};

const BODY: &str = "Action=GetCallerIdentity&Version=2011-06-15";

fn main() -> Result<(), Box<dyn Error>> {
    let (id, secret, token) = env_credentials();
    let creds = Credentials::new(&id, &secret, token.as_deref())?;
    let time = SigningTime::now()?;
    let key = v4::SigningKey::derive(&creds, time, "us-east-1", "sts")?;
    let signer = v4::Signer::new(&key, &creds, time)?;

    let headers = [
        ("host", "sts.amazonaws.com"),
        (
            "content-type",
            "application/x-www-form-urlencoded; charset=utf-8",
        ),
    ];
    let request = Request::new("POST", "/", &headers).with_payload(Payload::Body(BODY.as_bytes()));
    let mut buf = [0u8; 1024];
    let signed = v4::sign_headers(&signer, &request, &v4::SigningSettings::new(), &mut buf)?;

    // curl sets Host itself; the other headers are the request's and the signer's.
    let mut cmd = String::from("curl -sS -X POST https://sts.amazonaws.com/");
    for (name, value) in headers.iter().copied().skip(1).chain(signed.headers()) {
        cmd.push_str(&format!(" -H '{name}: {value}'"));
    }
    cmd.push_str(&format!(" --data '{BODY}'"));
    println!("{cmd}");
    Ok(())
}

/// The credentials from the environment, or AWS's documented example ones
/// (with a note on stderr).
fn env_credentials() -> (String, String, Option<String>) {
    let var = |name| std::env::var(name).ok().filter(|v: &String| !v.is_empty());
    if let (Some(id), Some(secret)) = (var("AWS_ACCESS_KEY_ID"), var("AWS_SECRET_ACCESS_KEY")) {
        return (id, secret, var("AWS_SESSION_TOKEN"));
    }
    eprintln!(
        "sts: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set; using AWS's example credentials"
    );
    let secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    ("AKIAIOSFODNN7EXAMPLE".into(), secret.into(), None)
}
