//! Signs an `http::Request` in place and presigns one to an `http::Uri`
//! (feature `http`).
//!
//! ```text
//! cargo run --example http_request --features http -- [--time RFC3339]
//! ```

use std::process::ExitCode;

use awsig::http::{presign_uri, sign_request};
use awsig::{Payload, v4};

#[path = "support/cli.rs"]
mod cli;
#[path = "support/env.rs"]
mod env;

fn run() -> Result<(), String> {
    let args = cli::from_env();
    let creds = env::EnvCredentials::load("http_request")?;
    let creds = creds.credentials().map_err(|e| e.to_string())?;
    let time = env::time(env::time_arg(&args))?;
    let key =
        v4::SigningKey::derive(&creds, time, "us-east-1", "dynamodb").map_err(|e| e.to_string())?;

    let mut request = http::Request::post("https://dynamodb.us-east-1.amazonaws.com/")
        .header("content-type", "application/x-amz-json-1.0")
        .header("x-amz-target", "DynamoDB_20120810.ListTables")
        .body(b"{}".to_vec())
        .map_err(|e| e.to_string())?;
    let signer = v4::Signer::new(&key, &creds, time).map_err(|e| e.to_string())?;
    sign_request(&mut request, &signer, &v4::SigningSettings::new()).map_err(|e| e.to_string())?;
    println!("{} {}", request.method(), request.uri());
    for (name, value) in request.headers() {
        println!("{name}: {}", value.to_str().unwrap_or("<binary>"));
    }

    let key =
        v4::SigningKey::derive(&creds, time, "us-east-2", "sqs").map_err(|e| e.to_string())?;
    let get = http::Request::get(
        "https://sqs.us-east-2.amazonaws.com/?Action=ListQueues&Version=2012-11-05",
    )
    .body(())
    .map_err(|e| e.to_string())?;
    let signer = v4::Signer::new(&key, &creds, time).map_err(|e| e.to_string())?;
    let uri = presign_uri(
        &get,
        Payload::Body(b""),
        &signer,
        300,
        &v4::SigningSettings::new(),
    )
    .map_err(|e| e.to_string())?;
    println!("\npresigned: {uri}");
    Ok(())
}

fn main() -> ExitCode {
    cli::exit("http_request", run())
}
