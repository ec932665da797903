//! URLs as the tools take them (signed as written), and what an AWS
//! endpoint's host name says about the region and the service.

use std::fmt;

/// The parts of `scheme://host[:port][/path][?query]`.
#[derive(Debug, PartialEq, Eq)]
pub struct Url<'a> {
    /// `http` or `https`, as written.
    pub scheme: &'a str,
    /// `host[:port]` as written: the signed `Host` header.
    pub authority: &'a str,
    /// The host without the port (IPv6 literals keep their brackets).
    pub host: &'a str,
    /// The path as written, possibly empty.
    pub path: &'a str,
    /// The query after `?` (`None` without a `?`).
    pub query: Option<&'a str>,
}

/// Why [`Url::parse`] refused a URL. The `Display` text is the reason, for
/// `URL '<url>': <reason>`; a tool may word some reasons its own way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UrlError {
    /// A space, a control character or a non-ASCII byte.
    NotPrintable(u8),
    /// A `#fragment`.
    Fragment,
    /// No `scheme://`.
    NoScheme,
    /// A scheme other than `http` and `https`.
    NotHttp,
    /// `user@host`.
    UserInfo,
    /// Nothing between `://` and the path.
    NoAuthority,
    /// The `host[:port]` is malformed (the reason).
    Authority(&'static str),
}

impl fmt::Display for UrlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotPrintable(b) => write!(
                f,
                "byte 0x{b:02x} must be percent-encoded (the URL is signed as written)"
            ),
            Self::Fragment => f.write_str("a fragment (#...) is never sent and cannot be signed"),
            Self::NoScheme => f.write_str("expected scheme://host[:port][/path][?query]"),
            Self::NotHttp => f.write_str("only http and https URLs can be presigned"),
            Self::UserInfo => f.write_str(
                "user information (user@host) is not supported; credentials come from the environment",
            ),
            Self::NoAuthority => f.write_str("no host"),
            Self::Authority(why) => f.write_str(why),
        }
    }
}

impl<'a> Url<'a> {
    /// Splits `url`, checking the parts; errors read `URL '<url>': <reason>`.
    pub fn split(url: &'a str) -> Result<Self, String> {
        Self::parse(url).map_err(|e| format!("URL '{url}': {e}"))
    }

    /// Splits `url`, checking the parts.
    pub fn parse(url: &'a str) -> Result<Self, UrlError> {
        if let Some(b) = url.bytes().find(|b| !b.is_ascii_graphic()) {
            return Err(UrlError::NotPrintable(b));
        }
        if url.contains('#') {
            return Err(UrlError::Fragment);
        }
        let (scheme, rest) = url.split_once("://").ok_or(UrlError::NoScheme)?;
        if !scheme.eq_ignore_ascii_case("http") && !scheme.eq_ignore_ascii_case("https") {
            return Err(UrlError::NotHttp);
        }
        let end = rest.find(['/', '?']).unwrap_or(rest.len());
        let (authority, rest) = rest.split_at(end);
        if authority.contains('@') {
            return Err(UrlError::UserInfo);
        }
        if authority.is_empty() {
            return Err(UrlError::NoAuthority);
        }
        let host = split_port(authority).map_err(UrlError::Authority)?;
        let (path, query) = match rest.split_once('?') {
            Some((path, query)) => (path, Some(query)),
            None => (rest, None),
        };
        Ok(Self {
            scheme,
            authority,
            host,
            path,
            query,
        })
    }

    /// The request-target: the path (`/` when empty) and the query.
    pub fn target(&self) -> String {
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

/// Region and signing name from an AWS endpoint host name, if it is one.
///
/// * `service.region.amazonaws.com` (also `.amazonaws.com.cn`, a
///   `service-fips` label and `service.dualstack.region`);
/// * S3: `s3.amazonaws.com` and `bucket.s3.amazonaws.com` (us-east-1),
///   `[bucket.]s3.region`, `[bucket.]s3-region`, `[bucket.]s3-external-1`,
///   `[bucket.]s3.dualstack.region`, `s3-fips`, `s3-accesspoint`;
/// * global endpoints, `service.amazonaws.com` (`iam`, `sts`, `route53`, ...):
///   us-east-1 (cn-north-1 under `.amazonaws.com.cn`).
pub fn infer_scope(host: &str) -> Option<(String, String)> {
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

/// The region of an AWS S3 endpoint host: `[bucket.]s3.REGION.amazonaws.com`,
/// `[bucket.]s3.dualstack.REGION...`, `[bucket.]s3-REGION...`; `us-east-1`
/// for `s3.amazonaws.com` and `s3-external-1`. (Narrower than
/// [`infer_scope`]: the host as written, S3 only.)
pub fn region_from_host(host: &str) -> Option<&str> {
    let labels = host
        .strip_suffix(".amazonaws.com")
        .or_else(|| host.strip_suffix(".amazonaws.com.cn"))?;
    let mut labels = labels.rsplit('.');
    let last = labels.next()?;
    if last == "s3" || last == "s3-external-1" {
        return Some("us-east-1");
    }
    if let Some(region) = last.strip_prefix("s3-").filter(|r| is_region(r)) {
        return Some(region);
    }
    if is_region(last) {
        let mut service = labels.next()?;
        if service == "dualstack" {
            service = labels.next()?;
        }
        if matches!(service, "s3" | "s3-fips" | "s3-accesspoint") {
            return Some(last);
        }
    }
    None
}

/// Whether `label` looks like a region: `us-east-1`, `us-gov-west-1`,
/// `cn-north-1`, `ap-southeast-2`, ... (two letters, words, a number).
pub fn is_region(label: &str) -> bool {
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
    fn infers_s3_regions() {
        for (host, region) in [
            ("s3.amazonaws.com", Some("us-east-1")),
            ("bucket.s3.amazonaws.com", Some("us-east-1")),
            ("bucket.s3.eu-west-1.amazonaws.com", Some("eu-west-1")),
            ("my.bucket.s3-us-west-2.amazonaws.com", Some("us-west-2")),
            (
                "b.s3.dualstack.ap-south-1.amazonaws.com",
                Some("ap-south-1"),
            ),
            ("b.s3.cn-north-1.amazonaws.com.cn", Some("cn-north-1")),
            ("sqs.us-east-2.amazonaws.com", None),
            ("127.0.0.1", None),
            ("minio.example.com", None),
        ] {
            assert_eq!(region_from_host(host), region, "{host}");
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
        for (bad, why) in [
            ("sqs.us-east-2.amazonaws.com/", UrlError::NoScheme),
            ("ftp://host/x", UrlError::NotHttp),
            ("https://user:pw@host/x", UrlError::UserInfo),
            ("https://host/x#frag", UrlError::Fragment),
            ("https://host/a b", UrlError::NotPrintable(b' ')),
            ("https://host/é", UrlError::NotPrintable(0xc3)),
            ("https:///x", UrlError::NoAuthority),
            ("https://:80/x", UrlError::Authority("no host")),
            (
                "https://host:/x",
                UrlError::Authority("the port must be a number up to 65535"),
            ),
            (
                "https://host:99999/x",
                UrlError::Authority("the port must be a number up to 65535"),
            ),
            (
                "https://host:8o/x",
                UrlError::Authority("the port must be a number up to 65535"),
            ),
            (
                "https://[::1/x",
                UrlError::Authority("unterminated IPv6 literal"),
            ),
            (
                "https://[::1]x/",
                UrlError::Authority("junk after the IPv6 literal"),
            ),
        ] {
            assert_eq!(Url::parse(bad), Err(why), "{bad}");
        }
        assert_eq!(
            Url::split("https:///x").unwrap_err(),
            "URL 'https:///x': no host"
        );
    }
}
