//! Signs the two requests of the SQS Developer Guide page "Making Query API
//! requests using temporary security credentials" (CreateQueue and
//! SendMessageBatch), each as a SigV4 presigned URL and as a SigV2 signed
//! URL, both valid for one hour.
//!
//! ```text
//! cargo run --example sqs -- [--time RFC3339]
//! ```
//!
//! Temporary credentials are an access key id, a secret and a session token
//! (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`; AWS's
//! example credentials with a made-up token when they are not set). The
//! token travels in the URL: `X-Amz-Security-Token` (SigV4) or
//! `SecurityToken` (SigV2). The region is `us-east-2`, as on the page.
//!
//! See <https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-making-api-requests.html>.

use std::error::Error;

use awsig::{Credentials, Request, SigningTime, v2, v4};

const HOST: &str = "sqs.us-east-2.amazonaws.com";

/// The page's requests: name and request-target, percent-encoded.
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

/// A made-up session token (the one of `tests/vectors/seed/make_cases.py`).
const EXAMPLE_TOKEN: &str = "IQoJb3JpZ2luX2VjEBoaCXVzLWVhc3QtMiJHMEUCIQAvFvx7TWScuT/QLhFHpW/5yOBS4zND\
    qLBrjjp8COfZEb23Gd3Q9jGMVF/X25vb46Zc75AwZ9JYJcsy1beVsR3aWaFJxlIB/NLQ2QpN\
    5sgQbVhaOEme1EiP0Eask/dAkNZ36kX9SD6Ct3QMBBHW3icHewZt2PRWFEXeIsMyRDsrTknG\
    VtBKuQ7lZSDejpvROHM/HAJN1hgR1dNN1H8NEWWFAJLZNCMRYtmHQwcuC1IToUPLez6mSKa+\
    Fo5oY1ol/Q==";

fn main() -> Result<(), Box<dyn Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let time = match args.as_slice() {
        [] => SigningTime::now()?,
        [flag, t] if flag == "--time" => SigningTime::parse_rfc3339(t)?,
        _ => return Err("usage: sqs [--time RFC3339]".into()),
    };
    let var = |name| std::env::var(name).ok().filter(|v: &String| !v.is_empty());
    let (id, secret, token) = match (var("AWS_ACCESS_KEY_ID"), var("AWS_SECRET_ACCESS_KEY")) {
        (Some(id), Some(secret)) => (id, secret, var("AWS_SESSION_TOKEN")),
        _ => {
            eprintln!(
                "sqs: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set; using AWS's example credentials"
            );
            let secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY".to_owned();
            (
                "AKIAIOSFODNN7EXAMPLE".to_owned(),
                secret,
                Some(EXAMPLE_TOKEN.to_owned()),
            )
        }
    };
    let creds = Credentials::new(&id, &secret, token.as_deref())?;
    for line in sign_all(&creds, time)? {
        println!("{line}");
    }
    Ok(())
}

/// Per request, the SigV4 presigned URL and the SigV2 signed URL.
fn sign_all(creds: &Credentials<'_>, time: SigningTime) -> Result<Vec<String>, awsig::Error> {
    let headers = [("host", HOST)];
    // One key serves every SigV4 request of the day, region and service.
    let key = v4::SigningKey::derive(creds, time, "us-east-2", "sqs")?;
    let signer = v4::Signer::new(&key, creds, time)?;
    let settings = v4::SigningSettings::for_service("sqs");
    // SigV2 says until when the request is valid, not for how long.
    let expires = v2::Validity::Expires(time.checked_add_seconds(3600)?);
    let mut buf = [0u8; 4096];
    let mut lines = Vec::new();
    for (name, target) in REQUESTS {
        let request = Request::new("GET", target, &headers);
        let url = v4::presign_url(&signer, &request, 3600, &settings, &mut buf)?;
        lines.push(format!("{name} (SigV4): {url}"));
        let method = v2::SignatureMethod::HmacSha256;
        let signed = v2::sign_query(creds, &request, expires, method, &mut buf)?;
        lines.push(format!("{name} (SigV2): https://{HOST}{signed}"));
    }
    Ok(lines)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The seed vectors' inputs give the seed vectors' signatures
    /// (`sqs-seed/*/v4-query` and `sqs-seed/*/v2-query-expires`).
    #[test]
    fn seed_signatures() {
        let secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
        let creds = Credentials::new("AKIAIOSFODNN7EXAMPLE", secret, Some(EXAMPLE_TOKEN)).unwrap();
        let time = SigningTime::parse_rfc3339("2020-12-18T22:52:43Z").unwrap();
        let lines = sign_all(&creds, time).unwrap();
        let want = [
            "&X-Amz-Signature=fec53d2081188869a057f2f455e33bca8fec2b2479c3a9a416d500aae941ad9b",
            "&Signature=tWrCfR6xhnFD5fEQGM9bcPg7tYT6ErA8Bb4ckPD0ejc%3D",
            "&X-Amz-Signature=e825ed81e276a80bc3467b955b9362d3d8583dc1bae1508704f45ee9f1145747",
            "&Signature=HEFdNK9lipP73rpP5nOrMPxk1MkzOrxrhgPJUMfsvHk%3D",
        ];
        assert_eq!(lines.len(), want.len());
        for (line, end) in lines.iter().zip(want) {
            assert!(line.ends_with(end), "{line}");
        }
        assert!(lines[1].starts_with("CreateQueue (SigV2): https://sqs.us-east-2.amazonaws.com/?"));
        assert!(lines[1].contains("&Expires=2020-12-18T23%3A52%3A43Z&"));
        assert!(lines.iter().all(|l| l.contains("IQoJb3JpZ2luX2VjEBoaCXVz")));
    }
}
