//! Signs the two requests of the SQS Developer Guide page "Making Query API
//! requests using temporary security credentials" (CreateQueue and
//! SendMessageBatch), each as a SigV4 presigned URL and as a SigV2 signed URL.
//!
//! ```text
//! cargo run --example sqs -- [--time RFC3339]
//! ```
//!
//! The credentials come from `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and
//! the optional `AWS_SESSION_TOKEN`; when the first two are not set, AWS's
//! documented example credentials are used and a notice says so on stderr.
//! The region is `AWS_REGION`, or `us-east-2` as on the page; the host is
//! `sqs.<region>.amazonaws.com` (`.amazonaws.com.cn` in China regions). The
//! time is now, or `--time` to make the output reproducible.
//!
//! Both URLs are valid for one hour: SigV4 with `X-Amz-Expires=3600`, SigV2
//! with `Expires` one hour after the signing time. Output, one line each:
//!
//! ```text
//! CreateQueue (SigV4): https://sqs.us-east-2.amazonaws.com/?Action=CreateQueue&...&X-Amz-Signature=...
//! CreateQueue (SigV2): https://sqs.us-east-2.amazonaws.com/?AWSAccessKeyId=...&Signature=...
//! SendMessageBatch (SigV4): ...
//! SendMessageBatch (SigV2): ...
//! ```
//!
//! See <https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-making-api-requests.html>.

use std::process::ExitCode;

use awsig::{Credentials, Error, Request, SigningTime, v2, v4};

#[path = "support/buffer.rs"]
mod buffer;
#[path = "support/cli.rs"]
mod cli;
#[path = "support/env.rs"]
mod env;

use buffer::with_buffer;

/// The region of the documentation page.
const DEFAULT_REGION: &str = "us-east-2";
/// How long both URLs are valid, in seconds.
const VALIDITY: u32 = 3600;

/// The two requests of the page: name and request-target (already
/// percent-encoded, parameters in the page's order).
const REQUESTS: [(&str, &str); 2] = [
    (
        "CreateQueue",
        "/?Action=CreateQueue&DefaultVisibilityTimeout=40&QueueName=MyQueue\
         &Attribute.1.Name=VisibilityTimeout&Attribute.1.Value=40&Version=2012-11-05",
    ),
    (
        "SendMessageBatch",
        "/123456789012/MyQueue/?Action=SendMessageBatch\
         &SendMessageBatchRequestEntry.1.Id=test_msg_001\
         &SendMessageBatchRequestEntry.1.MessageBody=test%20message%20body%201\
         &SendMessageBatchRequestEntry.2.Id=test_msg_002\
         &SendMessageBatchRequestEntry.2.MessageBody=test%20message%20body%202\
         &SendMessageBatchRequestEntry.2.DelaySeconds=60&Version=2012-11-05",
    ),
];

const USAGE: &str = "usage: sqs [--time RFC3339]";

fn main() -> ExitCode {
    cli::main("sqs", USAGE, |args| {
        for line in run(args)? {
            println!("{line}");
        }
        Ok(())
    })
}

fn run(args: &[String]) -> Result<Vec<String>, String> {
    let time = env::time(parse_args(args)?.as_deref())?;
    let region = std::env::var("AWS_REGION")
        .ok()
        .filter(|r| !r.is_empty())
        .unwrap_or_else(|| DEFAULT_REGION.to_owned());
    let env = env::EnvCredentials::load_detailed("sqs")?;
    let credentials = env.credentials().map_err(|e| e.to_string())?;
    sign_all(&credentials, time, &region).map_err(|e| e.to_string())
}

/// `--time RFC3339` (or `--time=...`), the only option.
fn parse_args(args: &[String]) -> Result<Option<String>, String> {
    let mut time = None;
    let mut args = cli::Args::new(args, USAGE);
    while let Some(arg) = args.next() {
        match arg.name {
            "--time" => time = Some(args.value(&arg)?),
            _ => return Err(args.unexpected(arg.text)),
        }
    }
    Ok(time)
}

/// The labelled lines: per request, the SigV4 presigned URL and the SigV2
/// signed URL.
fn sign_all(
    credentials: &Credentials<'_>,
    time: SigningTime,
    region: &str,
) -> Result<Vec<String>, Error> {
    let host = sqs_host(region);
    let headers = [("Host", host.as_str())];
    // One key serves every SigV4 request of the day, region and service.
    let key = v4::SigningKey::derive(credentials, time, region, "sqs")?;
    let signer = v4::Signer::new(&key, credentials, time)?;
    let settings = v4::SigningSettings::for_service("sqs");
    // SigV2 says until when the request is valid, not for how long.
    let expires = time.checked_add_seconds(i64::from(VALIDITY))?;

    let mut lines = Vec::new();
    for (name, target) in REQUESTS {
        let request = Request::new("GET", target, &headers);
        let v4 = with_buffer(|buf| {
            v4::presign_url(&signer, &request, VALIDITY, &settings, buf)
                .map(|p| p.as_str().to_owned())
        })?;
        lines.push(format!("{name} (SigV4): {v4}"));
        let v2 = with_buffer(|buf| {
            v2::sign_query(
                credentials,
                &request,
                v2::Validity::Expires(expires),
                v2::SignatureMethod::HmacSha256,
                buf,
            )
            .map(|s| s.as_str().to_owned())
        })?;
        lines.push(format!("{name} (SigV2): https://{host}{v2}"));
    }
    Ok(lines)
}

/// The SQS endpoint of `region`.
fn sqs_host(region: &str) -> String {
    let suffix = if region.starts_with("cn-") {
        "amazonaws.com.cn"
    } else {
        "amazonaws.com"
    };
    format!("sqs.{region}.{suffix}")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The session token of `tests/vectors/seed/make_cases.py`.
    const SEED_TOKEN: &str = "IQoJb3JpZ2luX2VjEBoaCXVzLWVhc3QtMiJHMEUCIQAvFvx7TWScuT/QLhFHpW/5yOBS4zND\
        qLBrjjp8COfZEb23Gd3Q9jGMVF/X25vb46Zc75AwZ9JYJcsy1beVsR3aWaFJxlIB/NLQ2QpN\
        5sgQbVhaOEme1EiP0Eask/dAkNZ36kX9SD6Ct3QMBBHW3icHewZt2PRWFEXeIsMyRDsrTknG\
        VtBKuQ7lZSDejpvROHM/HAJN1hgR1dNN1H8NEWWFAJLZNCMRYtmHQwcuC1IToUPLez6mSKa+\
        Fo5oY1ol/Q==";

    /// The seed vectors' inputs give the seed vectors' signatures
    /// (`sqs-seed/*/v4-query` and `sqs-seed/*/v2-query-expires`).
    #[test]
    fn seed_signatures() {
        let creds = env::example_credentials(Some(SEED_TOKEN));
        let time = SigningTime::parse_rfc3339("2020-12-18T22:52:43Z").unwrap();
        let lines = sign_all(&creds, time, "us-east-2").unwrap();
        let want = [
            (
                "CreateQueue (SigV4): https://sqs.us-east-2.amazonaws.com/?",
                "&X-Amz-Signature=fec53d2081188869a057f2f455e33bca8fec2b2479c3a9a416d500aae941ad9b",
            ),
            (
                "CreateQueue (SigV2): https://sqs.us-east-2.amazonaws.com/?",
                "&Signature=tWrCfR6xhnFD5fEQGM9bcPg7tYT6ErA8Bb4ckPD0ejc%3D",
            ),
            (
                "SendMessageBatch (SigV4): https://sqs.us-east-2.amazonaws.com/123456789012/MyQueue/?",
                "&X-Amz-Signature=e825ed81e276a80bc3467b955b9362d3d8583dc1bae1508704f45ee9f1145747",
            ),
            (
                "SendMessageBatch (SigV2): https://sqs.us-east-2.amazonaws.com/123456789012/MyQueue/?",
                "&Signature=HEFdNK9lipP73rpP5nOrMPxk1MkzOrxrhgPJUMfsvHk%3D",
            ),
        ];
        assert_eq!(lines.len(), want.len());
        for (line, (start, end)) in lines.iter().zip(want) {
            assert!(line.starts_with(start) && line.ends_with(end), "{line}");
        }
        assert!(lines[1].contains("&Expires=2020-12-18T23%3A52%3A43Z&"));
        assert!(lines.iter().all(|l| l.contains("IQoJb3JpZ2luX2VjEBoaCXVz")));
    }

    #[test]
    fn hosts() {
        assert_eq!(sqs_host("us-east-2"), "sqs.us-east-2.amazonaws.com");
        assert_eq!(sqs_host("cn-north-1"), "sqs.cn-north-1.amazonaws.com.cn");
    }

    #[test]
    fn args() {
        let args = |a: &[&str]| parse_args(&cli::owned(a));
        assert_eq!(args(&[]), Ok(None));
        assert_eq!(args(&["--time", "t"]), Ok(Some("t".into())));
        assert_eq!(args(&["--time=t"]), Ok(Some("t".into())));
        assert!(args(&["--time"]).is_err());
        assert!(args(&["x"]).is_err());
    }
}
