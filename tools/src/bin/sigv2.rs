//! S3's Signature Version 2 from the command line (awsig's `s3::v2`), for
//! `tests/s3s_fs.sh` and for trying an S3-compatible store that still
//! speaks it:
//!
//! ```text
//! sigv2 presign METHOD EXPIRES_SECS URL [--time RFC3339]   prints the presigned URL
//! sigv2 headers METHOD URL [--time RFC3339] [--header 'N: v']...
//!                                       prints the headers to send, one "Name: value" a line
//! ```
//!
//! Credentials from `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and
//! `AWS_SESSION_TOKEN` (AWS's example keys when unset). `URL` is
//! `http(s)://host[:port]/bucket/key[?query]`, path-style, already
//! percent-encoded.

use std::process::ExitCode;

use awsig::{Request, s3};
use awsig_tools::env::{EnvCredentials, time};

const USAGE: &str = "usage: sigv2 presign METHOD EXPIRES_SECS URL [--time RFC3339] | sigv2 headers METHOD URL [--time RFC3339] [--header 'N: v']...";

fn split_url(url: &str) -> Option<(&str, &str, &str)> {
    let (scheme, rest) = url.split_once("://")?;
    let at = rest.find('/').unwrap_or(rest.len());
    let (host, target) = rest.split_at(at);
    Some((scheme, host, if target.is_empty() { "/" } else { target }))
}

fn run(args: &[String]) -> Result<String, String> {
    let mut positional = Vec::new();
    let (mut at, mut extra) = (None, Vec::new());
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--time" => at = Some(it.next().ok_or(USAGE)?.as_str()),
            "--header" => {
                let h = it.next().ok_or(USAGE)?;
                let (n, v) = h.split_once(':').ok_or("--header takes 'Name: value'")?;
                extra.push((n.trim().to_owned(), v.trim().to_owned()));
            }
            _ => positional.push(a.as_str()),
        }
    }
    let env = EnvCredentials::load("sigv2")?;
    let creds = env.credentials().map_err(|e| e.to_string())?;
    let t = time(at)?;
    let mut buf = vec![0u8; 8192];
    match positional.as_slice() {
        ["presign", method, secs, url] => {
            let secs: i64 = secs.parse().map_err(|_| "EXPIRES_SECS is a number")?;
            let (scheme, host, target) = split_url(url).ok_or("URL is http(s)://host/path")?;
            let mut headers = vec![("Host", host)];
            headers.extend(extra.iter().map(|(n, v)| (n.as_str(), v.as_str())));
            let expires = t.checked_add_seconds(secs).map_err(|e| e.to_string())?;
            let request = Request::new(method, target, &headers);
            let signed = s3::v2::presign(&creds, &request, expires, &mut buf[..])
                .map_err(|e| e.to_string())?;
            Ok(format!("{scheme}://{host}{}", signed.as_str()))
        }
        ["headers", method, url] => {
            let (_, host, target) = split_url(url).ok_or("URL is http(s)://host/path")?;
            let mut headers = vec![("Host", host)];
            headers.extend(extra.iter().map(|(n, v)| (n.as_str(), v.as_str())));
            let request = Request::new(method, target, &headers);
            let signed = s3::v2::sign_headers(&creds, &request, t, &mut buf[..])
                .map_err(|e| e.to_string())?;
            Ok(signed
                .headers()
                .map(|(n, v)| format!("{n}: {v}"))
                .collect::<Vec<_>>()
                .join("\n"))
        }
        _ => Err(USAGE.to_owned()),
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(out) => {
            println!("{out}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("sigv2: {e}");
            ExitCode::from(2)
        }
    }
}
