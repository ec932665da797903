//! Presigned S3 GET and PUT URLs for a bucket and a raw object key (the
//! crate encodes the key); the PUT signs a `content-type` the upload must
//! send.
//!
//! ```text
//! cargo run --example s3 -- BUCKET KEY [REGION]
//! ```
//!
//! Credentials from `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`,
//! `AWS_SESSION_TOKEN` (AWS's example credentials when unset).

use std::error::Error;

use awsig::s3::{self, Addressing, Bucket, ObjectOptions};
use awsig::{Credentials, SigningTime, v4};

fn main() -> Result<(), Box<dyn Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (bucket, object_key, region) = match args.as_slice() {
        [b, k] => (b, k, "us-east-1"),
        [b, k, r] => (b, k, r.as_str()),
        _ => return Err("usage: s3 BUCKET KEY [REGION]".into()),
    };
    let (id, secret, token) = env_credentials();
    let creds = Credentials::new(&id, &secret, token.as_deref())?;
    let time = SigningTime::now()?;
    let key = v4::SigningKey::derive(&creds, time, region, "s3")?;
    let signer = v4::Signer::new(&key, &creds, time)?;

    let endpoint = format!("s3.{region}.amazonaws.com");
    let bucket = Bucket::new(&endpoint, bucket, Addressing::VirtualHosted)?;
    let mut buf = [0u8; 4096];
    let options = ObjectOptions::default();
    let get = s3::presign_get(&signer, &bucket, object_key, 3600, &options, &mut buf)?;
    println!("GET: {get}");
    let headers = [("content-type", "text/plain")];
    let options = ObjectOptions::default().headers(&headers);
    let put = s3::presign_put(&signer, &bucket, object_key, 3600, &options, &mut buf)?;
    println!("PUT (send Content-Type: text/plain): {put}");
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
        "s3: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set; using AWS's example credentials"
    );
    let secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    ("AKIAIOSFODNN7EXAMPLE".into(), secret.into(), None)
}
