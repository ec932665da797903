//! Prints a SigV4 presigned URL.
//!
//! ```text
//! cargo run --example presign -- [OPTIONS] URL
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
//! $ cargo run --example presign -- https://examplebucket.s3.us-west-2.amazonaws.com/photos/cat.jpg
//! https://examplebucket.s3.us-west-2.amazonaws.com/photos/cat.jpg?X-Amz-Algorithm=AWS4-HMAC-SHA256&...&X-Amz-Signature=...
//! $ cargo run --example presign -- --method PUT --header 'Content-Type: image/jpeg' \
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

use awsig::{Credentials, Error, Payload, Request, SigningTime, v4};

/// AWS's documented example access key id.
const EXAMPLE_ACCESS_KEY_ID: &str = "AKIAIOSFODNN7EXAMPLE";
/// AWS's documented example secret access key.
const EXAMPLE_SECRET_ACCESS_KEY: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

const USAGE: &str = "usage: presign [--method M] [--region R] [--service S] [--expires SECS] \
[--time RFC3339] [--header 'Name: value']... URL";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "-h" || a == "--help") {
        println!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    match run(&args) {
        Ok(url) => {
            println!("{url}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("presign: {message}");
            ExitCode::from(2)
        }
    }
}

/// Parses the arguments, reads the environment and presigns.
fn run(args: &[String]) -> Result<String, String> {
    let options = Options::parse(args)?;
    let url = Url::split(&options.url)?;
    let (region, service) = scope(&options, url.host)?;
    let time = match &options.time {
        Some(t) => SigningTime::parse_rfc3339(t).map_err(|e| format!("--time {t}: {e}"))?,
        None => now()?,
    };

    let env = EnvCredentials::read()?;
    if env.example {
        eprintln!(
            "presign: AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY are not set; \
             signing with AWS's example credentials ({EXAMPLE_ACCESS_KEY_ID})"
        );
    }
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
    let presigned = with_buffer(|buf| {
        v4::presign(&key, time, &request, options.expires, &settings, buf)
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
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            // `--name value` or `--name=value`.
            let (name, inline) = match arg.split_once('=') {
                Some((n, v)) if n.starts_with("--") => (n, Some(v.to_owned())),
                _ => (arg.as_str(), None),
            };
            let mut value = || {
                inline
                    .clone()
                    .or_else(|| args.next().cloned())
                    .ok_or_else(|| format!("{name} needs a value; {USAGE}"))
            };
            match name {
                "--method" => options.method = value()?,
                "--region" => options.region = Some(value()?),
                "--service" => options.service = Some(value()?),
                "--time" => options.time = Some(value()?),
                "--expires" => {
                    let v = value()?;
                    options.expires = v
                        .parse()
                        .map_err(|_| format!("--expires {v}: not a number of seconds"))?;
                }
                "--header" => options.headers.push(parse_header(&value()?)?),
                "--" => {
                    url = take_url(url, args.next())?;
                    if let Some(extra) = args.next() {
                        return Err(format!("unexpected argument '{extra}'; {USAGE}"));
                    }
                }
                _ if arg.starts_with('-') => {
                    return Err(format!("unknown option '{arg}'; {USAGE}"));
                }
                _ => url = take_url(url, Some(arg))?,
            }
        }
        options.url = url.ok_or_else(|| format!("no URL given; {USAGE}"))?;
        Ok(options)
    }
}

/// Records the one URL argument.
fn take_url(seen: Option<String>, arg: Option<&String>) -> Result<Option<String>, String> {
    match (seen, arg) {
        (Some(_), Some(arg)) => Err(format!("unexpected argument '{arg}': one URL only")),
        (seen, None) => Ok(seen),
        (None, Some(arg)) => Ok(Some(arg.clone())),
    }
}

/// `Name: value` (the value trimmed), as `curl -H` takes it.
fn parse_header(text: &str) -> Result<(String, String), String> {
    let (name, value) = text
        .split_once(':')
        .ok_or_else(|| format!("--header '{text}': expected 'Name: value'"))?;
    let name = name.trim();
    if name.is_empty() {
        return Err(format!("--header '{text}': the name is empty"));
    }
    if name.eq_ignore_ascii_case("host") {
        return Err(format!(
            "--header '{text}': the Host header is taken from the URL"
        ));
    }
    Ok((name.to_owned(), value.trim().to_owned()))
}

/// The parts of `scheme://host[:port][/path][?query]`.
#[derive(Debug, PartialEq, Eq)]
struct Url<'a> {
    /// `http` or `https`, as written.
    scheme: &'a str,
    /// `host[:port]` as written: the signed `Host` header.
    authority: &'a str,
    /// The host without the port (IPv6 literals keep their brackets).
    host: &'a str,
    /// The path as written, possibly empty.
    path: &'a str,
    /// The query after `?` (`None` without a `?`).
    query: Option<&'a str>,
}

impl<'a> Url<'a> {
    fn split(url: &'a str) -> Result<Self, String> {
        let bad = |why: &str| format!("URL '{url}': {why}");
        if let Some(b) = url.bytes().find(|b| !b.is_ascii_graphic()) {
            return Err(bad(&format!(
                "byte 0x{b:02x} must be percent-encoded (the URL is signed as written)"
            )));
        }
        if url.contains('#') {
            return Err(bad("a fragment (#...) is never sent and cannot be signed"));
        }
        let (scheme, rest) = url
            .split_once("://")
            .ok_or_else(|| bad("expected scheme://host[:port][/path][?query]"))?;
        if !scheme.eq_ignore_ascii_case("http") && !scheme.eq_ignore_ascii_case("https") {
            return Err(bad("only http and https URLs can be presigned"));
        }
        let end = rest.find(['/', '?']).unwrap_or(rest.len());
        let (authority, rest) = rest.split_at(end);
        if authority.contains('@') {
            return Err(bad(
                "user information (user@host) is not supported; credentials come from the environment",
            ));
        }
        let (path, query) = match rest.split_once('?') {
            Some((path, query)) => (path, Some(query)),
            None => (rest, None),
        };
        let host = split_port(authority).map_err(bad)?;
        Ok(Self {
            scheme,
            authority,
            host,
            path,
            query,
        })
    }

    /// The request-target: the path (`/` when empty) and the query.
    fn target(&self) -> String {
        let path = if self.path.is_empty() { "/" } else { self.path };
        match self.query {
            Some(q) => format!("{path}?{q}"),
            None => path.to_owned(),
        }
    }
}

/// The host of `host[:port]`, after checking both parts.
fn split_port(authority: &str) -> Result<&str, &'static str> {
    let (host, port) = if authority.starts_with('[') {
        // An IPv6 literal: `[::1]` or `[::1]:8080`.
        let close = authority.find(']').ok_or("unterminated IPv6 literal")?;
        let (host, rest) = authority.split_at(close + 1);
        match rest {
            "" => (host, None),
            _ => (
                host,
                Some(
                    rest.strip_prefix(':')
                        .ok_or("junk after the IPv6 literal")?,
                ),
            ),
        }
    } else {
        match authority.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        }
    };
    if host.is_empty() || host == "[]" {
        return Err("no host");
    }
    if let Some(port) = port
        && (port.is_empty()
            || !port.bytes().all(|b| b.is_ascii_digit())
            || port.parse::<u16>().is_err())
    {
        return Err("the port must be a number up to 65535");
    }
    Ok(host)
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

/// Region and signing name from an AWS endpoint host name, if it is one.
///
/// * `service.region.amazonaws.com` (also `.amazonaws.com.cn`, a
///   `service-fips` label and `service.dualstack.region`);
/// * S3: `s3.amazonaws.com` and `bucket.s3.amazonaws.com` (us-east-1),
///   `[bucket.]s3.region`, `[bucket.]s3-region`, `[bucket.]s3-external-1`,
///   `[bucket.]s3.dualstack.region`, `s3-fips`, `s3-accesspoint`;
/// * global endpoints, `service.amazonaws.com` (`iam`, `sts`, `route53`, ...):
///   us-east-1 (cn-north-1 under `.amazonaws.com.cn`).
fn infer_scope(host: &str) -> Option<(String, String)> {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    let (labels, global_region) = if let Some(l) = host.strip_suffix(".amazonaws.com") {
        (l, "us-east-1")
    } else if let Some(l) = host.strip_suffix(".amazonaws.com.cn") {
        (l, "cn-north-1")
    } else {
        return None;
    };
    let labels: Vec<&str> = labels.split('.').collect();
    let last = *labels.last()?;

    if is_region(last) {
        // `[...]service[.dualstack].region`
        let mut rest = &labels[..labels.len() - 1];
        if rest.last() == Some(&"dualstack") {
            rest = &rest[..rest.len() - 1];
        }
        let service = signing_name(rest.last()?)?;
        return Some((last.to_owned(), service.to_owned()));
    }
    if last == "s3" || last == "s3-external-1" {
        return Some((global_region.to_owned(), "s3".to_owned()));
    }
    if let Some(region) = last.strip_prefix("s3-").filter(|r| is_region(r)) {
        // The legacy dash form, `bucket.s3-us-west-2.amazonaws.com`.
        return Some((region.to_owned(), "s3".to_owned()));
    }
    if let [service] = labels[..] {
        // A global endpoint such as `iam.amazonaws.com`.
        return Some((global_region.to_owned(), signing_name(service)?.to_owned()));
    }
    None
}

/// The signing name for an endpoint label (`s3-fips` → `s3`, `sqs` → `sqs`).
fn signing_name(label: &str) -> Option<&str> {
    let name = label.strip_suffix("-fips").unwrap_or(label);
    match name {
        "" => None,
        "s3-accesspoint" => Some("s3"),
        "email" => Some("ses"),
        _ => Some(name),
    }
}

/// Whether `label` looks like a region: `us-east-1`, `us-gov-west-1`,
/// `cn-north-1`, `ap-southeast-2`, ... (two letters, words, a number).
fn is_region(label: &str) -> bool {
    let mut parts = label.split('-');
    let first = parts.next().unwrap_or_default();
    let words: Vec<&str> = parts.collect();
    let Some((number, middle)) = words.split_last() else {
        return false;
    };
    first.len() == 2
        && first.bytes().all(|b| b.is_ascii_lowercase())
        && !middle.is_empty()
        && middle
            .iter()
            .all(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_lowercase()))
        && !number.is_empty()
        && number.bytes().all(|b| b.is_ascii_digit())
}

/// The environment's credentials, or AWS's example ones.
struct EnvCredentials {
    access_key_id: String,
    secret_access_key: String,
    session_token: Option<String>,
    /// Whether these are the example credentials.
    example: bool,
}

impl EnvCredentials {
    fn read() -> Result<Self, String> {
        let var = |name| std::env::var(name).ok().filter(|v: &String| !v.is_empty());
        let token = var("AWS_SESSION_TOKEN");
        match (var("AWS_ACCESS_KEY_ID"), var("AWS_SECRET_ACCESS_KEY")) {
            (Some(access_key_id), Some(secret_access_key)) => Ok(Self {
                access_key_id,
                secret_access_key,
                session_token: token,
                example: false,
            }),
            (None, None) => Ok(Self {
                access_key_id: EXAMPLE_ACCESS_KEY_ID.into(),
                secret_access_key: EXAMPLE_SECRET_ACCESS_KEY.into(),
                session_token: None,
                example: true,
            }),
            (Some(_), None) => {
                Err("AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not".into())
            }
            (None, Some(_)) => {
                Err("AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not".into())
            }
        }
    }

    fn credentials(&self) -> Result<Credentials<'_>, Error> {
        Credentials::new(
            &self.access_key_id,
            &self.secret_access_key,
            self.session_token.as_deref(),
        )
    }
}

/// The current time. (`SigningTime::now()` does the same with the crate's
/// `std` feature; this keeps the example building without it.)
fn now() -> Result<SigningTime, String> {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_err(|_| "the system clock is before 1970".to_owned())?
        .as_secs();
    i64::try_from(secs)
        .map_err(|_| Error::TimeOutOfRange)
        .and_then(SigningTime::from_unix_seconds)
        .map_err(|e| e.to_string())
}

/// Runs `f` with a buffer large enough for its output: the crate writes into
/// caller-owned buffers and says how many bytes it needed when one is short.
fn with_buffer<T>(mut f: impl FnMut(&mut [u8]) -> Result<T, Error>) -> Result<T, Error> {
    let mut buf = vec![0u8; 2048];
    match f(&mut buf) {
        Err(Error::BufferTooSmall { needed }) => {
            buf.resize(needed, 0);
            f(&mut buf)
        }
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn infer(host: &str) -> Option<(String, String)> {
        infer_scope(host)
    }

    fn pair(region: &str, service: &str) -> Option<(String, String)> {
        Some((region.to_owned(), service.to_owned()))
    }

    #[test]
    fn infers_regional_endpoints() {
        let cases = [
            ("sqs.us-east-2.amazonaws.com", ("us-east-2", "sqs")),
            ("SQS.US-EAST-2.AMAZONAWS.COM.", ("us-east-2", "sqs")),
            ("sqs.cn-north-1.amazonaws.com.cn", ("cn-north-1", "sqs")),
            ("sts.us-gov-west-1.amazonaws.com", ("us-gov-west-1", "sts")),
            ("sqs-fips.us-east-1.amazonaws.com", ("us-east-1", "sqs")),
            ("email.eu-west-1.amazonaws.com", ("eu-west-1", "ses")),
            (
                "abc123.execute-api.ap-southeast-2.amazonaws.com",
                ("ap-southeast-2", "execute-api"),
            ),
            ("iam.amazonaws.com", ("us-east-1", "iam")),
            ("sts.amazonaws.com", ("us-east-1", "sts")),
            ("iam.amazonaws.com.cn", ("cn-north-1", "iam")),
        ];
        for (host, want) in cases {
            assert_eq!(infer(host), pair(want.0, want.1), "{host}");
        }
    }

    #[test]
    fn infers_s3_endpoints() {
        let cases = [
            ("s3.amazonaws.com", "us-east-1"),
            ("bucket.s3.amazonaws.com", "us-east-1"),
            ("my.dotted.bucket.s3.amazonaws.com", "us-east-1"),
            ("s3.us-west-2.amazonaws.com", "us-west-2"),
            ("bucket.s3.us-west-2.amazonaws.com", "us-west-2"),
            ("bucket.s3-us-west-2.amazonaws.com", "us-west-2"),
            ("s3-us-west-2.amazonaws.com", "us-west-2"),
            ("s3-external-1.amazonaws.com", "us-east-1"),
            ("bucket.s3-external-1.amazonaws.com", "us-east-1"),
            ("s3.dualstack.us-east-1.amazonaws.com", "us-east-1"),
            ("bucket.s3.dualstack.eu-west-1.amazonaws.com", "eu-west-1"),
            ("s3-fips.us-gov-west-1.amazonaws.com", "us-gov-west-1"),
            (
                "ap-123456789012.s3-accesspoint.us-west-2.amazonaws.com",
                "us-west-2",
            ),
            ("bucket.s3.cn-north-1.amazonaws.com.cn", "cn-north-1"),
        ];
        for (host, region) in cases {
            assert_eq!(infer(host), pair(region, "s3"), "{host}");
        }
    }

    #[test]
    fn does_not_guess_elsewhere() {
        for host in [
            "127.0.0.1",
            "[::1]",
            "localhost",
            "example.com",
            "minio.example.com",
            "amazonaws.com",
            "a.b.amazonaws.com",
            "dualstack.us-east-1.amazonaws.com",
            "s3-website.example.com",
        ] {
            assert_eq!(infer(host), None, "{host}");
        }
    }

    #[test]
    fn regions() {
        for ok in ["us-east-1", "us-gov-west-1", "us-isob-east-1", "cn-north-1"] {
            assert!(is_region(ok), "{ok}");
        }
        for bad in [
            "s3",
            "us-east",
            "useast-1",
            "s3-external-1",
            "us--1",
            "us-1",
        ] {
            assert!(!is_region(bad), "{bad}");
        }
    }

    #[test]
    fn splits_urls() {
        let u = Url::split("https://sqs.us-east-2.amazonaws.com/123/Q/?Action=X&A=b%20c").unwrap();
        assert_eq!(
            u,
            Url {
                scheme: "https",
                authority: "sqs.us-east-2.amazonaws.com",
                host: "sqs.us-east-2.amazonaws.com",
                path: "/123/Q/",
                query: Some("Action=X&A=b%20c"),
            }
        );
        assert_eq!(u.target(), "/123/Q/?Action=X&A=b%20c");

        let u = Url::split("http://127.0.0.1:8014").unwrap();
        assert_eq!(
            (u.authority, u.host, u.target()),
            ("127.0.0.1:8014", "127.0.0.1", "/".into())
        );
        let u = Url::split("HTTP://h?x=1").unwrap();
        assert_eq!((u.scheme, u.target()), ("HTTP", "/?x=1".into()));
        let u = Url::split("http://[::1]:9000/b/k").unwrap();
        assert_eq!(
            (u.authority, u.host, u.target()),
            ("[::1]:9000", "[::1]", "/b/k".into())
        );
        let u = Url::split("https://h/p?").unwrap();
        assert_eq!(u.target(), "/p?");
    }

    #[test]
    fn refuses_bad_urls() {
        for bad in [
            "sqs.us-east-2.amazonaws.com/",
            "ftp://host/x",
            "https://user:pw@host/x",
            "https://host/x#frag",
            "https://host/a b",
            "https://host/é",
            "https:///x",
            "https://:80/x",
            "https://host:/x",
            "https://host:99999/x",
            "https://host:8o/x",
            "https://[::1/x",
            "https://[::1]x/",
        ] {
            assert!(Url::split(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn parses_options() {
        let args: Vec<String> = [
            "--method=PUT",
            "--header",
            "Content-Type:  text/plain ",
            "--expires",
            "60",
            "http://h/",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let o = Options::parse(&args).unwrap();
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
            let args: Vec<String> = bad.iter().map(|s| s.to_string()).collect();
            assert!(Options::parse(&args).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn scope_from_options_or_host() {
        let mut o = Options::parse(&["http://127.0.0.1:1/".to_string()]).unwrap();
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
