//! Prints a SigV4 presigned URL.
//!
//! ```text
//! cargo run -p awsig-presign -- [OPTIONS] URL
//!
//!   --method M              HTTP method (default GET)
//!   --region R              region (default: inferred from the host)
//!   --service S             signing name (default: inferred from the host)
//!   --expires SECS          validity, 1..=604800 seconds (default 3600)
//!   --time RFC3339          signing time, e.g. 2015-08-30T12:36:00Z (default now)
//!   --header 'Name: value'  an extra signed header (repeatable)
//! ```
//!
//! ```text
//! $ cargo run -p awsig-presign -- https://examplebucket.s3.us-west-2.amazonaws.com/photos/cat.jpg
//! https://examplebucket.s3.us-west-2.amazonaws.com/photos/cat.jpg?X-Amz-Algorithm=AWS4-HMAC-SHA256&...&X-Amz-Signature=...
//! $ cargo run -p awsig-presign -- --method PUT --header 'Content-Type: image/jpeg' \
//!       --region us-east-1 --service s3 http://127.0.0.1:9000/bucket/cat.jpg
//! ```
//!
//! The credentials come from `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and
//! the optional `AWS_SESSION_TOKEN`. When the first two are not set, AWS's
//! documented example credentials are used (the URL is then well formed but
//! refused by AWS), and a notice says so on stderr.
//!
//! The URL is `scheme://host[:port][/path][?query]`, with the path and the
//! query already percent-encoded as they will be sent; they are signed as
//! given (a missing path is `/`). The signed `Host` header is the
//! `host[:port]` of the URL, exactly as written, so send the URL as printed.
//! The output is the URL's scheme and `host[:port]` followed by the presigned
//! request-target.
//!
//! When `--region` or `--service` is missing, it is inferred from an AWS host
//! name (`sqs.us-east-2.amazonaws.com`, `bucket.s3.us-west-2.amazonaws.com`,
//! `s3.amazonaws.com`, `iam.amazonaws.com`, ...). The service `s3` applies
//! S3's rules: the path is signed verbatim and the payload is
//! `UNSIGNED-PAYLOAD`, so any body can be sent with the URL. Other services
//! sign the hash of an empty body.
//!
//! Errors (bad arguments or a request the signer refuses) are printed as one
//! line, `presign: <message>`, on stderr, with exit status 2.

use std::process::ExitCode;

use awsig::{Error, Payload, Request, v4, with_buffer};
use awsig_tools::url::{Url, infer_scope};
use awsig_tools::{cli, env};

const USAGE: &str = "usage: presign [--method M] [--region R] [--service S] [--expires SECS] \
[--time RFC3339] [--header 'Name: value']... URL";

fn main() -> ExitCode {
    cli::main("presign", USAGE, |args| {
        run(args).map(|url| println!("{url}"))
    })
}

/// Parses the arguments, reads the environment and presigns.
fn run(args: &[String]) -> Result<String, String> {
    let options = Options::parse(args)?;
    let url = Url::split(&options.url)?;
    let (region, service) = scope(&options, url.host)?;
    let time = env::time(options.time.as_deref())?;

    let env = env::EnvCredentials::load("presign")?;
    let credentials = env.credentials().map_err(|e| e.to_string())?;

    let mut headers: Vec<(&str, &str)> = vec![("Host", url.authority)];
    headers.extend(
        options
            .headers
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str())),
    );
    let target = url.target();
    let request = Request::new(&options.method, &target, &headers);
    let (request, settings) = if service == "s3" {
        (
            request.with_payload(Payload::Unsigned),
            v4::SigningSettings::s3(),
        )
    } else {
        (request, v4::SigningSettings::for_service(&service))
    };

    let key =
        v4::SigningKey::derive(&credentials, time, &region, &service).map_err(|e| e.to_string())?;
    let signer = v4::Signer::new(&key, &credentials, time).map_err(|e| e.to_string())?;
    let presigned = with_buffer(|buf| {
        v4::presign(&signer, &request, options.expires, &settings, buf)
            .map(|p| p.as_str().to_owned())
    })
    .map_err(|e| match e {
        Error::ExpiresOutOfRange => format!("--expires {}: {e}", options.expires),
        e => e.to_string(),
    })?;
    Ok(format!("{}://{}{presigned}", url.scheme, url.authority))
}

/// The command line.
#[derive(Debug, PartialEq, Eq)]
struct Options {
    method: String,
    region: Option<String>,
    service: Option<String>,
    expires: u32,
    time: Option<String>,
    headers: Vec<(String, String)>,
    url: String,
}

impl Options {
    fn parse(args: &[String]) -> Result<Self, String> {
        let mut options = Options {
            method: "GET".into(),
            region: None,
            service: None,
            expires: 3600,
            time: None,
            headers: Vec::new(),
            url: String::new(),
        };
        let mut url = None;
        let mut args = cli::Args::new(args, USAGE);
        while let Some(arg) = args.next() {
            match arg.name {
                "--method" => options.method = args.value(&arg)?,
                "--region" => options.region = Some(args.value(&arg)?),
                "--service" => options.service = Some(args.value(&arg)?),
                "--time" => options.time = Some(args.value(&arg)?),
                "--expires" => {
                    let v = args.value(&arg)?;
                    options.expires = v
                        .parse()
                        .map_err(|_| format!("--expires {v}: not a number of seconds"))?;
                }
                "--header" => options.headers.push(parse_header(&args.value(&arg)?)?),
                "--" => {
                    if let Some(arg) = args.rest().next() {
                        cli::take_one(&mut url, arg, "URL")?;
                    }
                    if let Some(extra) = args.rest().next() {
                        return Err(args.unexpected(extra));
                    }
                }
                _ if arg.text.starts_with('-') => return Err(args.unknown(&arg)),
                _ => cli::take_one(&mut url, arg.text, "URL")?,
            }
        }
        options.url = url.ok_or_else(|| format!("no URL given; {USAGE}"))?;
        Ok(options)
    }
}

/// `Name: value` (the value trimmed), as `curl -H` takes it.
fn parse_header(text: &str) -> Result<(String, String), String> {
    let (name, value) = cli::split_header(text)?;
    if name.is_empty() {
        return Err(format!("--header '{text}': the name is empty"));
    }
    if name.eq_ignore_ascii_case("host") {
        return Err(format!(
            "--header '{text}': the Host header is taken from the URL"
        ));
    }
    Ok((name.to_owned(), value.to_owned()))
}

/// The region and service: the options, or what the host says.
fn scope(options: &Options, host: &str) -> Result<(String, String), String> {
    let inferred = infer_scope(host);
    let region = options
        .region
        .clone()
        .or_else(|| inferred.as_ref().map(|(r, _)| r.clone()));
    let service = options
        .service
        .clone()
        .or_else(|| inferred.as_ref().map(|(_, s)| s.clone()));
    match (region, service) {
        (Some(region), Some(service)) => Ok((region, service)),
        (region, service) => {
            let missing = match (region, service) {
                (None, None) => "--region and --service",
                (None, _) => "--region",
                _ => "--service",
            };
            Err(format!(
                "cannot infer the region and service from host '{host}'; give {missing}"
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_options() {
        let o = Options::parse(&cli::owned(&[
            "--method=PUT",
            "--header",
            "Content-Type:  text/plain ",
            "--expires",
            "60",
            "http://h/",
        ]))
        .unwrap();
        assert_eq!(o.method, "PUT");
        assert_eq!(o.expires, 60);
        assert_eq!(o.headers, [("Content-Type".into(), "text/plain".into())]);
        assert_eq!(o.url, "http://h/");

        for bad in [
            &["--expires", "soon", "http://h/"][..],
            &["--header", "no-colon", "http://h/"],
            &["--header", "Host: x", "http://h/"],
            &["--region"],
            &["--bogus", "http://h/"],
            &["http://h/", "http://i/"],
            &[],
        ] {
            assert!(Options::parse(&cli::owned(bad)).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn scope_from_options_or_host() {
        let mut o = Options::parse(&cli::owned(&["http://127.0.0.1:1/"])).unwrap();
        assert!(
            scope(&o, "127.0.0.1")
                .unwrap_err()
                .contains("--region and --service")
        );
        o.service = Some("s3".into());
        assert!(
            scope(&o, "127.0.0.1")
                .unwrap_err()
                .ends_with("give --region")
        );
        o.region = Some("us-east-1".into());
        assert_eq!(
            scope(&o, "127.0.0.1").unwrap(),
            ("us-east-1".into(), "s3".into())
        );
        o.region = None;
        assert_eq!(
            scope(&o, "bucket.s3.eu-west-1.amazonaws.com").unwrap(),
            ("eu-west-1".into(), "s3".into())
        );
    }
}
