//! Signs an S3 POST policy: the fields of an HTML form with which a browser
//! uploads a file straight to a bucket, within what the policy allows.
//!
//! ```text
//! cargo run --example post_form
//! ```
//!
//! The policy allows any key under `uploads/` and files up to 10 MiB for an
//! hour, and the form says which page the browser goes to afterwards. The
//! program prints the form; the file input comes last (S3 ignores every
//! field after the file). With AWS's example credentials, as here, S3
//! refuses the upload; sign with yours to use the form.
//!
//! The command-line tool (key, size, fields, expiry; an HTML page, the
//! fields, or JSON) is `cargo run -p awsig-tools --bin post_form -- --help`.

use awsig::s3::{self, Condition, KeyCondition, PostPolicy};
use awsig::{Credentials, Error, SigningTime, v4};

const ACTION: &str = "https://examplebucket.s3.amazonaws.com/";

fn main() -> Result<(), Error> {
    let time = SigningTime::now()?;
    let redirect = ("success_action_redirect", "https://example.com/thanks");
    let conditions = [
        Condition::ContentLengthRange(0, 10 << 20),
        Condition::Equals(redirect.0, redirect.1),
    ];
    let fields = post_fields(
        time,
        KeyCondition::Prefix("uploads/"),
        &conditions,
        &[redirect],
    )?;
    println!("<form method=\"post\" enctype=\"multipart/form-data\" action=\"{ACTION}\">");
    for (name, value) in fields {
        // The values are base64, hex, dates and what this program chose: no
        // HTML escaping needed here (an application escapes its own values).
        println!("  <input type=\"hidden\" name=\"{name}\" value=\"{value}\">");
    }
    println!("  <input type=\"file\" name=\"file\">\n  <input type=\"submit\">\n</form>");
    Ok(())
}

/// The signed form fields, in order: `fields`, then the key, the signature's
/// inputs, the base64 policy and the signature.
fn post_fields(
    time: SigningTime,
    key_condition: KeyCondition<'_>,
    conditions: &[Condition<'_>],
    fields: &[(&str, &str)],
) -> Result<Vec<(String, String)>, Error> {
    let creds = Credentials::new(
        "AKIAIOSFODNN7EXAMPLE",
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        None,
    )?;
    let key = v4::SigningKey::derive(&creds, time, "us-east-1", "s3")?;
    let signer = v4::Signer::new(&key, &creds, time)?;
    // Every field the form sends must be allowed by a condition: `fields`
    // come with their own `Condition::Equals`.
    let policy = PostPolicy::new("examplebucket", key_condition, 3600)
        .conditions(conditions)
        .fields(fields);
    let mut buf = [0u8; 4096];
    let signed = s3::presign_post(&signer, &policy, &mut buf)?;
    Ok(signed
        .fields()
        .map(|(n, v)| (n.to_owned(), v.to_owned()))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// botocore's `generate_presigned_post` for the `post/simple` vector
    /// (`tests/vectors/post/post-policy.jsonl`).
    #[test]
    fn matches_botocore() {
        let time = SigningTime::parse_rfc3339("2015-12-29T00:00:00Z").unwrap();
        let key = KeyCondition::Exact("uploads/photo.jpg");
        let fields = post_fields(time, key, &[], &[]).unwrap();
        let names: Vec<&str> = fields.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            [
                "key",
                "x-amz-algorithm",
                "x-amz-credential",
                "x-amz-date",
                "policy",
                "x-amz-signature"
            ]
        );
        assert_eq!(
            fields[5].1,
            "3e5eab31682df1163bcb9f6f257d6eb7cc7e5e4b37e7af3d4fad93c95c7e1566"
        );
    }
}
