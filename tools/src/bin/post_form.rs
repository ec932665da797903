//! Prints an HTML page with an S3 presigned POST form: a browser uploads a
//! file straight to the bucket, within what the signed policy allows.
//!
//! ```text
//! cargo run -p awsig-tools --bin post_form -- [OPTIONS] BUCKET_URL
//!
//!   --region R            signing region (default: from an AWS S3 host name,
//!                         e.g. bucket.s3.eu-west-1.amazonaws.com, else us-east-1)
//!   --expires SECS        how long the form may be used (default 3600)
//!   --time RFC3339        signing time, e.g. 2015-12-29T00:00:00Z (default now)
//!   --key K               the object key, exactly
//!   --key-prefix P        any key starting with P; the form sends P${filename}
//!                         and S3 puts the uploaded file's name in its place
//!                         (the default is --key-prefix '': any key)
//!   --max-size BYTES      refuse files larger than this (content-length-range)
//!   --field NAME=VALUE    an extra form field, required to be exactly VALUE by
//!                         the policy (repeatable): success_action_status=201,
//!                         Content-Type=image/png, x-amz-meta-owner=me, ...
//!   --bucket NAME         the bucket, when BUCKET_URL does not say it
//!   --fields-only         print the form fields, one name=value line each,
//!                         in order, instead of the page (for scripts)
//!   --json                print {"url": ..., "fields": {...}} instead of the
//!                         page (the shape of botocore's generate_presigned_post)
//! ```
//!
//! `BUCKET_URL` is where the form posts to: path-style
//! (`http://127.0.0.1:9000/bucket`, the bucket is the path) or virtual-hosted
//! (`https://bucket.s3.us-west-2.amazonaws.com/`, the bucket is the host name
//! up to `.s3.` or `.s3-`, or else its first label).
//!
//! ```text
//! $ cargo run -p awsig-tools --bin post_form -- --key-prefix uploads/ --max-size 10485760 \
//!       https://examplebucket.s3.amazonaws.com/ > upload.html
//! ```
//!
//! The page has one hidden input per field of the signed form (`key`,
//! `x-amz-algorithm`, `x-amz-credential`, `x-amz-date`,
//! `x-amz-security-token` with temporary credentials, `policy`,
//! `x-amz-signature`, after the `--field`s), HTML-escaped, then the file
//! input (S3 ignores every field after the file) and a submit button.
//! Scripts can post the same fields with `curl --form-string NAME=VALUE ...
//! -F file=@FILE BUCKET_URL`, in the order `--fields-only` prints them.
//!
//! The credentials come from `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and
//! the optional `AWS_SESSION_TOKEN`; when the first two are not set, AWS's
//! documented example credentials are used and a notice says so on stderr.
//! Errors are printed as one line, `post_form: <message>`, on stderr, with
//! exit status 2.

use std::fmt::Write as _;
use std::process::ExitCode;

use awsig::s3::{self, Condition, KeyCondition, PostPolicy};
use awsig::v4::{Signer, SigningKey};
use awsig::{Credentials, SigningTime};
use awsig_tools::url::region_from_host;
use awsig_tools::{cli, env};

const USAGE: &str = "usage: post_form [--region R] [--expires SECS] [--time RFC3339] \
[--key K | --key-prefix P] [--max-size BYTES] [--field NAME=VALUE]... [--bucket NAME] \
[--fields-only | --json] BUCKET_URL";

fn main() -> ExitCode {
    cli::main("post_form", USAGE, |args| {
        run(args).map(|text| print!("{text}"))
    })
}

/// Parses the arguments, reads the environment, signs and renders.
fn run(args: &[String]) -> Result<String, String> {
    let options = Options::parse(args)?;
    let target = Target::parse(&options.url, options.bucket.as_deref())?;
    let region = options.region.clone().unwrap_or_else(|| {
        region_from_host(target.host)
            .unwrap_or("us-east-1")
            .to_owned()
    });
    let time = env::time(options.time.as_deref())?;
    let env = env::EnvCredentials::load("post_form")?;
    let credentials = env.credentials().map_err(|e| e.to_string())?;
    let form = sign(&options, &target, &region, &credentials, time)?;
    match options.output {
        Output::Html => Ok(html_page(&options.url, target.bucket, &form)),
        Output::FieldsOnly => fields_lines(&form.fields),
        Output::Json => Ok(json_document(&options.url, &form.fields)),
    }
}

/// A signed form, copied out of the signer's buffer.
#[derive(Debug)]
struct Form {
    fields: Vec<(String, String)>,
    /// When the policy expires (ISO 8601).
    expiration: String,
}

/// Builds the policy from the options and signs it.
fn sign(
    options: &Options,
    target: &Target<'_>,
    region: &str,
    credentials: &Credentials<'_>,
    time: SigningTime,
) -> Result<Form, String> {
    let key_condition = match &options.key {
        KeyChoice::Exact(k) => KeyCondition::Exact(k),
        KeyChoice::Prefix(p) => KeyCondition::Prefix(p),
    };
    let mut conditions: Vec<Condition<'_>> = options
        .fields
        .iter()
        .map(|(n, v)| Condition::Equals(n, v))
        .collect();
    if let Some(max) = options.max_size {
        conditions.push(Condition::ContentLengthRange(0, max));
    }
    let fields: Vec<(&str, &str)> = options
        .fields
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let policy = PostPolicy::new(target.bucket, key_condition, options.expires)
        .conditions(&conditions)
        .fields(&fields);
    let key = SigningKey::derive(credentials, time, region, "s3").map_err(|e| e.to_string())?;
    let signer = Signer::new(&key, credentials, time).map_err(|e| e.to_string())?;
    let expiration = time
        .checked_add_seconds(i64::from(options.expires))
        .map_err(|e| format!("--expires {}: {e}", options.expires))?
        .iso8601()
        .as_str()
        .to_owned();
    let fields = awsig::with_buffer(|buf| {
        s3::presign_post(&signer, &policy, buf).map(|signed| {
            signed
                .fields()
                .map(|(n, v)| (n.to_owned(), v.to_owned()))
                .collect()
        })
    })
    .map_err(|e| e.to_string())?;
    Ok(Form { fields, expiration })
}

/// The page: the form, one hidden input per field, the file input last.
fn html_page(action: &str, bucket: &str, form: &Form) -> String {
    let mut page = String::new();
    let _ = write!(
        page,
        "<!DOCTYPE html>\n\
         <html lang=\"en\">\n\
         <head>\n\
         <meta charset=\"utf-8\">\n\
         <title>Upload to {bucket}</title>\n\
         </head>\n\
         <body>\n\
         <h1>Upload to {bucket}</h1>\n\
         <p>This form may be used until {expiration}.</p>\n\
         <form method=\"post\" enctype=\"multipart/form-data\" action=\"{action}\">\n",
        bucket = escape_html(bucket),
        expiration = escape_html(&form.expiration),
        action = escape_html(action),
    );
    for (name, value) in &form.fields {
        let _ = writeln!(
            page,
            "  <input type=\"hidden\" name=\"{}\" value=\"{}\">",
            escape_html(name),
            escape_html(value)
        );
    }
    page.push_str(
        "  <input type=\"file\" name=\"file\">\n  \
         <input type=\"submit\" value=\"Upload\">\n\
         </form>\n\
         </body>\n\
         </html>\n",
    );
    page
}

/// Escapes text for HTML element content and quoted attribute values.
fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// `name=value` lines; a value with a line break cannot be written so.
fn fields_lines(fields: &[(String, String)]) -> Result<String, String> {
    let mut out = String::new();
    for (name, value) in fields {
        if value.contains(['\r', '\n']) {
            return Err(format!(
                "the value of field '{name}' has a line break; use --json"
            ));
        }
        let _ = writeln!(out, "{name}={value}");
    }
    Ok(out)
}

/// `{"url": "...", "fields": {"key": "...", ...}}`, fields in form order.
fn json_document(url: &str, fields: &[(String, String)]) -> String {
    let mut out = String::from("{\"url\": ");
    json_string(&mut out, url);
    out.push_str(", \"fields\": {");
    for (i, (name, value)) in fields.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        json_string(&mut out, name);
        out.push_str(": ");
        json_string(&mut out, value);
    }
    out.push_str("}}\n");
    out
}

fn json_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if u32::from(c) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// What to print.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Output {
    Html,
    FieldsOnly,
    Json,
}

/// `--key` or `--key-prefix`.
#[derive(Debug, PartialEq, Eq)]
enum KeyChoice {
    Exact(String),
    Prefix(String),
}

/// The command line.
#[derive(Debug, PartialEq, Eq)]
struct Options {
    region: Option<String>,
    expires: u32,
    time: Option<String>,
    key: KeyChoice,
    max_size: Option<u64>,
    fields: Vec<(String, String)>,
    bucket: Option<String>,
    output: Output,
    url: String,
}

impl Options {
    fn parse(args: &[String]) -> Result<Self, String> {
        let mut options = Options {
            region: None,
            expires: 3600,
            time: None,
            key: KeyChoice::Prefix(String::new()),
            max_size: None,
            fields: Vec::new(),
            bucket: None,
            output: Output::Html,
            url: String::new(),
        };
        let mut key_given = false;
        let mut output_given = false;
        let mut url = None;
        let mut args = cli::Args::new(args, USAGE);
        while let Some(arg) = args.next() {
            match arg.name {
                "--region" => options.region = Some(args.value(&arg)?),
                "--time" => options.time = Some(args.value(&arg)?),
                "--bucket" => options.bucket = Some(args.value(&arg)?),
                "--expires" => {
                    let v = args.value(&arg)?;
                    options.expires = v.parse().ok().filter(|&s| s > 0).ok_or_else(|| {
                        format!("--expires {v}: not a positive number of seconds")
                    })?;
                }
                "--key" => {
                    only_once(&mut key_given, "--key / --key-prefix")?;
                    let v = args.value(&arg)?;
                    if v.is_empty() {
                        return Err("--key: the key is empty".into());
                    }
                    options.key = KeyChoice::Exact(v);
                }
                "--key-prefix" => {
                    only_once(&mut key_given, "--key / --key-prefix")?;
                    options.key = KeyChoice::Prefix(args.value(&arg)?);
                }
                "--max-size" => {
                    let v = args.value(&arg)?;
                    options.max_size = Some(
                        v.parse()
                            .map_err(|_| format!("--max-size {v}: not a number of bytes"))?,
                    );
                }
                "--field" => {
                    let v = args.value(&arg)?;
                    let (n, val) = v
                        .split_once('=')
                        .filter(|(n, _)| !n.is_empty())
                        .ok_or_else(|| format!("--field '{v}': expected NAME=VALUE"))?;
                    options.fields.push((n.to_owned(), val.to_owned()));
                }
                "--fields-only" | "--json" if arg.inline.is_none() => {
                    only_once(&mut output_given, "--fields-only / --json")?;
                    options.output = if arg.name == "--json" {
                        Output::Json
                    } else {
                        Output::FieldsOnly
                    };
                }
                "--" => {
                    for rest in args.rest() {
                        cli::take_one(&mut url, rest, "BUCKET_URL")?;
                    }
                }
                _ if arg.text.starts_with('-') => return Err(args.unknown(&arg)),
                _ => cli::take_one(&mut url, arg.text, "BUCKET_URL")?,
            }
        }
        options.url = url.ok_or_else(|| format!("no BUCKET_URL given; {USAGE}"))?;
        Ok(options)
    }
}

/// Fails the second time for the same `given` flag.
fn only_once(given: &mut bool, what: &str) -> Result<(), String> {
    if std::mem::replace(given, true) {
        Err(format!("{what}: give only one; {USAGE}"))
    } else {
        Ok(())
    }
}

/// The bucket and host of a bucket URL.
#[derive(Debug, PartialEq, Eq)]
struct Target<'a> {
    /// The host without the port.
    host: &'a str,
    bucket: &'a str,
}

impl<'a> Target<'a> {
    fn parse(url: &'a str, bucket: Option<&'a str>) -> Result<Self, String> {
        let bad = |why: &str| format!("BUCKET_URL '{url}': {why}");
        let (scheme, rest) = url
            .split_once("://")
            .ok_or_else(|| bad("expected http[s]://host[:port][/bucket]"))?;
        if !scheme.eq_ignore_ascii_case("http") && !scheme.eq_ignore_ascii_case("https") {
            return Err(bad("only http and https URLs are supported"));
        }
        if url.contains(['?', '#']) || url.bytes().any(|b| !b.is_ascii_graphic()) {
            return Err(bad(
                "expected no query, fragment, space or control character",
            ));
        }
        let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
        let host = if authority.starts_with('[') {
            authority
                .find(']')
                .map(|i| &authority[..=i])
                .ok_or_else(|| bad("unterminated IPv6 literal"))?
        } else {
            authority.split(':').next().unwrap_or_default()
        };
        if host.is_empty() || authority.contains('@') {
            return Err(bad("expected a host (and no user@)"));
        }
        let path = path.trim_matches('/');
        let bucket = match bucket {
            Some(b) => b,
            None if !path.is_empty() => {
                if path.contains('/') {
                    return Err(bad(
                        "a form posts to the bucket: expected http[s]://host[:port]/bucket",
                    ));
                }
                path
            }
            None => bucket_from_host(host)
                .ok_or_else(|| bad("cannot tell the bucket from the URL; give --bucket"))?,
        };
        let valid = !bucket.is_empty()
            && bucket
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'));
        if !valid {
            return Err(format!("bucket '{bucket}': not a bucket name"));
        }
        Ok(Self { host, bucket })
    }
}

/// `bucket.s3.region.amazonaws.com`, `bucket.s3-region...`,
/// `bucket.localhost`: the host up to `.s3.`/`.s3-`, or its first label.
fn bucket_from_host(host: &str) -> Option<&str> {
    if host.starts_with('[') || host.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return None; // an IP address
    }
    if let Some(i) = host.find(".s3.").or_else(|| host.find(".s3-")) {
        return Some(&host[..i]);
    }
    match host.split_once('.') {
        Some((first, _)) if !first.is_empty() => Some(first),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use awsig::Error;

    fn form(list: &[&str]) -> (Options, Form) {
        let options = Options::parse(&cli::owned(list)).unwrap();
        let target = Target::parse(&options.url, options.bucket.as_deref()).unwrap();
        let region = options.region.clone().unwrap_or_else(|| {
            region_from_host(target.host)
                .unwrap_or("us-east-1")
                .to_owned()
        });
        let creds = env::example_credentials(None);
        let time = env::time(options.time.as_deref()).unwrap();
        let form = sign(&options, &target, &region, &creds, time).unwrap();
        (options, form)
    }

    #[test]
    fn escapes_html() {
        assert_eq!(escape_html("plain/text_1.jpg"), "plain/text_1.jpg");
        assert_eq!(
            escape_html(r#"<script>alert("x" & 'y')</script>"#),
            "&lt;script&gt;alert(&quot;x&quot; &amp; &#39;y&#39;)&lt;/script&gt;"
        );
        assert_eq!(escape_html("&amp;"), "&amp;amp;");
        assert_eq!(escape_html("été ${filename}"), "été ${filename}");
        assert_eq!(escape_html(""), "");
    }

    #[test]
    fn page_escapes_every_value() {
        let (options, form) = form(&[
            "--time",
            "2015-12-29T00:00:00Z",
            "--key",
            "a\"><script>&'.txt",
            "--field",
            "x-amz-meta-note=<b>\"hi\"</b>",
            "http://127.0.0.1:9000/bucket",
        ]);
        let page = html_page(&options.url, "bucket", &form);
        assert!(!page.contains("<script>"), "{page}");
        assert!(!page.contains("<b>"), "{page}");
        assert!(page.contains(
            "<input type=\"hidden\" name=\"key\" value=\"a&quot;&gt;&lt;script&gt;&amp;&#39;.txt\">"
        ));
        assert!(page.contains(
            "<input type=\"hidden\" name=\"x-amz-meta-note\" value=\"&lt;b&gt;&quot;hi&quot;&lt;/b&gt;\">"
        ));
        // Every attribute value is quoted and free of raw quotes and angle brackets.
        for line in page.lines().filter(|l| l.contains("<input")) {
            let inner = line.trim().trim_start_matches('<').trim_end_matches('>');
            assert!(!inner.contains(['<', '>']), "{line}");
            assert_eq!(inner.matches('"').count() % 2, 0, "{line}");
        }
    }

    /// botocore's `generate_presigned_post` for the `post/simple` vector
    /// (tests/vectors/post/post-policy.jsonl).
    #[test]
    fn matches_botocore_simple_case() {
        let (options, form) = form(&[
            "--time",
            "2015-12-29T00:00:00Z",
            "--key",
            "uploads/photo.jpg",
            "https://examplebucket.s3.amazonaws.com/",
        ]);
        let names: Vec<&str> = form.fields.iter().map(|(n, _)| n.as_str()).collect();
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
        let value = |name: &str| {
            form.fields
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.as_str())
                .unwrap()
        };
        assert_eq!(value("key"), "uploads/photo.jpg");
        assert_eq!(
            value("x-amz-credential"),
            "AKIAIOSFODNN7EXAMPLE/20151229/us-east-1/s3/aws4_request"
        );
        assert_eq!(value("x-amz-date"), "20151229T000000Z");
        assert_eq!(
            value("x-amz-signature"),
            "3e5eab31682df1163bcb9f6f257d6eb7cc7e5e4b37e7af3d4fad93c95c7e1566"
        );
        assert_eq!(form.expiration, "2015-12-29T01:00:00Z");

        let page = html_page(&options.url, "examplebucket", &form);
        assert!(page.starts_with("<!DOCTYPE html>\n"));
        assert!(page.contains(
            "<form method=\"post\" enctype=\"multipart/form-data\" action=\"https://examplebucket.s3.amazonaws.com/\">"
        ));
        // The file input comes after every field, then the submit button.
        let file = page.find("<input type=\"file\" name=\"file\">").unwrap();
        let submit = page.find("<input type=\"submit\"").unwrap();
        let last_hidden = page.rfind("type=\"hidden\"").unwrap();
        assert!(last_hidden < file && file < submit);
        assert_eq!(page.matches("type=\"hidden\"").count(), 6);
        assert!(page.ends_with("</html>\n"));

        let lines = fields_lines(&form.fields).unwrap();
        assert!(lines.starts_with("key=uploads/photo.jpg\nx-amz-algorithm=AWS4-HMAC-SHA256\n"));
        assert!(lines.ends_with(
            "x-amz-signature=3e5eab31682df1163bcb9f6f257d6eb7cc7e5e4b37e7af3d4fad93c95c7e1566\n"
        ));
        let json = json_document(&options.url, &form.fields);
        assert!(json.starts_with(
            "{\"url\": \"https://examplebucket.s3.amazonaws.com/\", \"fields\": {\"key\": \"uploads/photo.jpg\", "
        ));
    }

    #[test]
    fn prefix_size_and_extra_fields_go_into_the_policy() {
        let (_, form) = form(&[
            "--time",
            "2015-12-29T00:00:00Z",
            "--key-prefix",
            "user/eric/",
            "--max-size",
            "1048576",
            "--field",
            "success_action_status=201",
            "--expires=600",
            "http://127.0.0.1:9000/awsig-e2e/",
        ]);
        assert_eq!(
            form.fields[0],
            ("success_action_status".into(), "201".into())
        );
        assert_eq!(
            form.fields[1],
            ("key".into(), "user/eric/${filename}".into())
        );
        let policy = &form.fields.iter().find(|(n, _)| n == "policy").unwrap().1;
        use base64::Engine as _;
        let json = base64::engine::general_purpose::STANDARD
            .decode(policy)
            .unwrap();
        let json = String::from_utf8(json).unwrap();
        assert!(json.starts_with("{\"expiration\": \"2015-12-29T00:10:00Z\", \"conditions\": ["));
        for part in [
            "{\"success_action_status\": \"201\"}",
            "[\"content-length-range\", 0, 1048576]",
            "{\"bucket\": \"awsig-e2e\"}",
            "[\"starts-with\", \"$key\", \"user/eric/\"]",
        ] {
            assert!(json.contains(part), "{part} in {json}");
        }
    }

    #[test]
    fn json_and_lines_escape() {
        let fields = vec![("a".to_owned(), "q\"b\\s\u{1}é".to_owned())];
        assert_eq!(
            json_document("u", &fields),
            "{\"url\": \"u\", \"fields\": {\"a\": \"q\\\"b\\\\s\\u0001é\"}}\n"
        );
        assert!(fields_lines(&[("a".to_owned(), "x\ny".to_owned())]).is_err());
    }

    #[test]
    fn finds_the_bucket() {
        for (url, bucket) in [
            ("http://127.0.0.1:9000/awsig-e2e", "awsig-e2e"),
            ("http://127.0.0.1:9000/awsig-e2e/", "awsig-e2e"),
            ("https://examplebucket.s3.amazonaws.com/", "examplebucket"),
            ("https://my.bucket.s3.eu-west-1.amazonaws.com", "my.bucket"),
            ("https://b.s3-us-west-2.amazonaws.com/", "b"),
            ("http://photos.localhost:9000/", "photos"),
            ("http://[::1]:9000/b", "b"),
        ] {
            assert_eq!(Target::parse(url, None).unwrap().bucket, bucket, "{url}");
        }
        assert_eq!(
            Target::parse("http://127.0.0.1:9000/", Some("given"))
                .unwrap()
                .bucket,
            "given"
        );
        for bad in [
            "http://127.0.0.1:9000/",
            "http://[::1]/",
            "http://h/b/k",
            "http://h/b?x=1",
            "ftp://h/b",
            "http://h/b%20c",
            "h/b",
        ] {
            assert!(Target::parse(bad, None).is_err(), "{bad}");
        }
    }

    #[test]
    fn parses_the_command_line() {
        let o = Options::parse(&cli::owned(&["--json", "--key", "k", "http://h/b"])).unwrap();
        assert_eq!(o.output, Output::Json);
        assert_eq!(o.key, KeyChoice::Exact("k".into()));
        let o = Options::parse(&cli::owned(&["http://h/b"])).unwrap();
        assert_eq!(o.key, KeyChoice::Prefix(String::new()));
        assert_eq!(o.output, Output::Html);
        assert_eq!(o.expires, 3600);
        for bad in [
            &["--key", "a", "--key-prefix", "b", "http://h/b"][..],
            &["--json", "--fields-only", "http://h/b"],
            &["--max-size", "big", "http://h/b"],
            &["--expires", "0", "http://h/b"],
            &["--field", "novalue", "http://h/b"],
            &["--key", "", "http://h/b"],
            &["http://h/b", "http://h/c"],
            &["--nope", "http://h/b"],
            &[],
        ] {
            assert!(Options::parse(&cli::owned(bad)).is_err(), "{bad:?}");
        }
    }

    /// The signer's buffer error says how much it needs, and that is enough.
    #[test]
    fn buffer_too_small_reports_what_suffices() {
        let time = SigningTime::parse_rfc3339("2015-12-29T00:00:00Z").unwrap();
        let creds = env::example_credentials(None);
        let key = SigningKey::derive(&creds, time, "us-east-1", "s3").unwrap();
        let signer = Signer::new(&key, &creds, time).unwrap();
        let policy = PostPolicy::new("examplebucket", KeyCondition::Prefix("uploads/"), 3600);
        let mut small = [0u8; 16];
        let Err(Error::BufferTooSmall { needed }) = s3::presign_post(&signer, &policy, &mut small)
        else {
            panic!("expected BufferTooSmall");
        };
        let mut exact = vec![0u8; needed];
        let signed = s3::presign_post(&signer, &policy, &mut exact).unwrap();
        let mut big = vec![0u8; 8192];
        let reference = s3::presign_post(&signer, &policy, &mut big).unwrap();
        assert_eq!(signed.policy(), reference.policy());
        assert_eq!(signed.signature(), reference.signature());
        // Signing the policy text again gives the same signature.
        let mut b64 = vec![0u8; 4096];
        let (again, signature) = s3::sign_policy(&key, reference.policy_json(), &mut b64).unwrap();
        assert_eq!(again, reference.policy());
        assert_eq!(
            std::str::from_utf8(&signature).unwrap(),
            reference.signature()
        );
    }
}
