//! Presigned S3 GET and PUT URLs for a bucket and a raw object key (the
//! crate encodes the key); the PUT signs a `content-type` the upload must send.
//!
//! ```text
//! cargo run --example s3 -- [--time RFC3339] BUCKET KEY [REGION]
//! ```

use std::process::ExitCode;

use awsig::s3::{self, Addressing, Bucket, ObjectOptions};
use awsig::v4;

#[path = "support/cli.rs"]
mod cli;
#[path = "support/env.rs"]
mod env;

fn run() -> Result<(), String> {
    let args = cli::from_env();
    let time_arg = env::time_arg(&args);
    let positional: Vec<&String> = args
        .iter()
        .enumerate()
        .filter(|(i, a)| *a != "--time" && (*i == 0 || args[i - 1] != "--time"))
        .map(|(_, a)| a)
        .collect();
    let (bucket, object_key, region) = match positional.as_slice() {
        [b, k] => (b.as_str(), k.as_str(), "us-east-1"),
        [b, k, r] => (b.as_str(), k.as_str(), r.as_str()),
        _ => return Err("usage: s3 [--time RFC3339] BUCKET KEY [REGION]".into()),
    };
    let creds = env::EnvCredentials::load("s3")?;
    let creds = creds.credentials().map_err(|e| e.to_string())?;
    let time = env::time(time_arg)?;
    let key = v4::SigningKey::derive(&creds, time, region, "s3").map_err(|e| e.to_string())?;
    let signer = v4::Signer::new(&key, &creds, time).map_err(|e| e.to_string())?;
    let endpoint = format!("s3.{region}.amazonaws.com");
    let bucket =
        Bucket::new(&endpoint, bucket, Addressing::VirtualHosted).map_err(|e| e.to_string())?;
    let mut buf = [0u8; 4096];
    let get = s3::presign_get(
        &signer,
        &bucket,
        object_key,
        3600,
        &ObjectOptions::default(),
        &mut buf,
    )
    .map_err(|e| e.to_string())?
    .as_str()
    .to_owned();
    println!("GET: {get}");
    let headers = [("content-type", "text/plain")];
    let put = s3::presign_put(
        &signer,
        &bucket,
        object_key,
        3600,
        &ObjectOptions::default().headers(&headers),
        &mut buf,
    )
    .map_err(|e| e.to_string())?;
    println!("PUT (send Content-Type: text/plain): {put}");
    Ok(())
}

fn main() -> ExitCode {
    cli::exit("s3", run())
}
