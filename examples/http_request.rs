//! Signs an `http::Request` in place and presigns one to an `http::Uri`
//! (feature `http`).
//!
//! ```text
//! cargo run --example http_request --features http
//! ```
//!
//! Credentials from `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`,
//! `AWS_SESSION_TOKEN` (AWS's example credentials when unset).

use std::error::Error;

use awsig::http::{presign_uri, sign_request};
use awsig::{Credentials, Payload, SigningTime, v4};

fn main() -> Result<(), Box<dyn Error>> {
    let (id, secret, token) = env_credentials();
    let creds = Credentials::new(&id, &secret, token.as_deref())?;
    let time = SigningTime::now()?;

    // A DynamoDB call, signed with headers added to the request itself.
    let key = v4::SigningKey::derive(&creds, time, "us-east-1", "dynamodb")?;
    let signer = v4::Signer::new(&key, &creds, time)?;
    let mut request = http::Request::post("https://dynamodb.us-east-1.amazonaws.com/")
        .header("content-type", "application/x-amz-json-1.0")
        .header("x-amz-target", "DynamoDB_20120810.ListTables")
        .body(b"{}".to_vec())?;
    sign_request(&mut request, &signer, &v4::SigningSettings::new())?;
    println!("{} {}", request.method(), request.uri());
    for (name, value) in request.headers() {
        println!("{name}: {}", value.to_str().unwrap_or("<binary>"));
    }

    // An SQS call, presigned into a URI valid for five minutes.
    let key = v4::SigningKey::derive(&creds, time, "us-east-2", "sqs")?;
    let signer = v4::Signer::new(&key, &creds, time)?;
    let get = http::Request::get(
        "https://sqs.us-east-2.amazonaws.com/?Action=ListQueues&Version=2012-11-05",
    )
    .body(())?;
    let settings = v4::SigningSettings::new();
    let uri = presign_uri(&get, Payload::Body(b""), &signer, 300, &settings)?;
    println!("\npresigned: {uri}");
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
        "http_request: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set; using AWS's example credentials"
    );
    let secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    ("AKIAIOSFODNN7EXAMPLE".into(), secret.into(), None)
}
