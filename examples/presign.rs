//! Presigns a URL for any AWS service.
//!
//! ```text
//! cargo run --example presign -- URL [REGION SERVICE]
//! cargo run --example presign -- 'https://sqs.us-east-2.amazonaws.com/123456789012/MyQueue/?Action=ReceiveMessage&Version=2012-11-05'
//! ```
//!
//! `URL` is `https://host/path?query`, percent-encoded as it will be sent:
//! it is signed as written. The region and the service come from an AWS host
//! name (`sqs.us-east-2.amazonaws.com`, `bucket.s3.eu-west-1.amazonaws.com`)
//! unless given. An S3 host gets S3's rules: the path is signed as sent and
//! the payload is `UNSIGNED-PAYLOAD`, so the URL can carry any body.
//!
//! The credentials come from `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`
//! and `AWS_SESSION_TOKEN`; without them, AWS's documented example
//! credentials (the URL is then well formed, and refused by AWS).
//!
//! The command-line tool, with options for the method, headers, expiry and
//! time, is `cargo run -p awsig-presign -- --help`.

use std::error::Error;

use awsig::{Credentials, Payload, Request, SigningTime, v4};

fn main() -> Result<(), Box<dyn Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (url, scope) = match args.as_slice() {
        [url] => (url, None),
        [url, region, service] => (url, Some((region.as_str(), service.as_str()))),
        _ => return Err("usage: presign URL [REGION SERVICE]".into()),
    };
    let (access_key_id, secret, token) = env_credentials();
    let creds = Credentials::new(&access_key_id, &secret, token.as_deref())?;
    let presigned = presign(url, scope, &creds, SigningTime::now()?, 3600)?;
    println!("{presigned}");
    Ok(())
}

/// The presigned `url`, valid for `expires_in` seconds from `time`.
fn presign(
    url: &str,
    scope: Option<(&str, &str)>,
    creds: &Credentials<'_>,
    time: SigningTime,
    expires_in: u32,
) -> Result<String, Box<dyn Error>> {
    let (scheme, rest) = url.split_once("://").ok_or("expected https://host/path")?;
    let (host, target) = rest.split_at(rest.find(['/', '?']).unwrap_or(rest.len()));
    let target = match target {
        "" => "/".to_owned(),
        t if t.starts_with('?') => format!("/{t}"),
        t => t.to_owned(),
    };
    let (region, service) = scope
        .or_else(|| scope_of(host))
        .ok_or("cannot tell the region and service from the host; give REGION SERVICE")?;

    // The Host header is always signed: send the URL to this very host.
    let headers = [("host", host)];
    let mut request = Request::new("GET", &target, &headers);
    let settings = if service == "s3" {
        request = request.with_payload(Payload::Unsigned);
        v4::SigningSettings::s3()
    } else {
        v4::SigningSettings::for_service(service)
    };

    // The key is good for a day, a region and a service: keep it and reuse it.
    let key = v4::SigningKey::derive(creds, time, region, service)?;
    let signer = v4::Signer::new(&key, creds, time)?;
    // The signer writes into a buffer it is given; `with_buffer` makes one
    // of the size it asks for.
    let presigned = awsig::with_buffer(|buf| {
        v4::presign(&signer, &request, expires_in, &settings, buf).map(|p| p.to_string())
    })?;
    Ok(format!("{scheme}://{host}{presigned}"))
}

/// Region and service of `[bucket.]service.region.amazonaws.com`, and of
/// S3's global `[bucket.]s3.amazonaws.com` (us-east-1).
fn scope_of(host: &str) -> Option<(&str, &str)> {
    let labels: Vec<&str> = host.strip_suffix(".amazonaws.com")?.rsplit('.').collect();
    match labels.as_slice() {
        ["s3", ..] => Some(("us-east-1", "s3")),
        [region, service, ..] => Some((region, service)),
        _ => None,
    }
}

/// AWS's documented example credentials.
const EXAMPLE: (&str, &str) = (
    "AKIAIOSFODNN7EXAMPLE",
    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
);

/// The credentials from the environment, or AWS's example ones (with a
/// note on stderr).
fn env_credentials() -> (String, String, Option<String>) {
    let var = |name| std::env::var(name).ok().filter(|v: &String| !v.is_empty());
    if let (Some(id), Some(secret)) = (var("AWS_ACCESS_KEY_ID"), var("AWS_SECRET_ACCESS_KEY")) {
        return (id, secret, var("AWS_SESSION_TOKEN"));
    }
    eprintln!(
        "presign: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set; using AWS's example credentials"
    );
    (EXAMPLE.0.into(), EXAMPLE.1.into(), None)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// AWS's presigned-URL example ("Authenticating Requests: Using Query
    /// Parameters", Amazon S3 API Reference).
    #[test]
    fn aws_documented_example() {
        let creds = Credentials::new(EXAMPLE.0, EXAMPLE.1, None).unwrap();
        let time = SigningTime::parse_rfc3339("2013-05-24T00:00:00Z").unwrap();
        let url = "https://examplebucket.s3.amazonaws.com/test.txt";
        let signed = presign(url, None, &creds, time, 86400).unwrap();
        assert!(signed.starts_with("https://examplebucket.s3.amazonaws.com/test.txt?"));
        assert!(signed.ends_with(
            "&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404"
        ));
    }

    #[test]
    fn scope_from_the_host() {
        assert_eq!(
            scope_of("sqs.us-east-2.amazonaws.com"),
            Some(("us-east-2", "sqs"))
        );
        assert_eq!(
            scope_of("b.s3.eu-west-1.amazonaws.com"),
            Some(("eu-west-1", "s3"))
        );
        assert_eq!(scope_of("b.s3.amazonaws.com"), Some(("us-east-1", "s3")));
        assert_eq!(scope_of("example.com"), None);
    }
}
