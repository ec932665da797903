//! awsig against its peers on the workloads of `benches/workloads`:
//! the official `aws-sigv4` (W1–W3) and `rusty-s3` (W2), checked to produce
//! the same signatures before anything is timed, plus the SHA-256 floor and
//! a counting global allocator.
//!
//! aws-sigv4 is measured two ways: [`aws::sign`] (sign only: the signature
//! and the instructions, no URL or header produced) and
//! [`aws::sign_and_apply`] (sign, then apply the instructions to an
//! `http::Request`, which then holds the finished URL or headers, as awsig's
//! output does).

pub use awsig_tools::counting;
pub use awsig_workloads as workloads;

use std::time::{Duration, SystemTime};

use aws_credential_types::Credentials as AwsCredentials;
use aws_sigv4::SigningOutput;
use aws_sigv4::http_request::{
    self, PercentEncodingMode, SignableBody, SignableRequest, SignatureLocation,
    SigningInstructions, SigningParams, UriPathNormalizationMode,
};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;
use percent_encoding::percent_decode_str;
use rusty_s3::S3Action as _;

use workloads::{
    ACCESS_KEY_ID, AwsigSigner, EXPIRES_IN, Kind, SECRET_ACCESS_KEY, UNIX_SECONDS, Workload,
};

/// Counts the allocations of [`counting::count`], for the binary and the
/// criterion bench alike.
#[global_allocator]
static GLOBAL: counting::Counting = counting::Counting;

/// The signing time as a `SystemTime` (aws-sigv4).
pub fn system_time() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(UNIX_SECONDS.unsigned_abs())
}

/// The official SDK's signer, `aws-sigv4`.
pub mod aws {
    use super::*;

    /// What stays the same across signatures: the identity and the URI, and
    /// the parts of the `http::Request` that [`sign_and_apply`] signs.
    pub struct Setup {
        /// Credentials as an `Identity`.
        pub identity: Identity,
        /// `https://host/target`.
        pub uri: String,
        /// The method, for [`Setup::request`].
        pub method: http::Method,
        /// `uri`, parsed, for [`Setup::request`].
        pub http_uri: http::Uri,
        /// The workload's headers, for [`Setup::request`].
        pub headers: http::HeaderMap,
    }

    impl Setup {
        /// Prepares `w`.
        pub fn new(w: &Workload) -> Self {
            let creds = AwsCredentials::new(
                ACCESS_KEY_ID,
                SECRET_ACCESS_KEY,
                w.session_token.map(str::to_owned),
                None,
                "benchmark",
            );
            let uri = format!("https://{}{}", w.host, w.target);
            let http_uri = uri.parse().expect("valid URI");
            let headers = w
                .headers
                .iter()
                .map(|&(n, v)| {
                    (
                        http::HeaderName::from_bytes(n.as_bytes()).expect("header name"),
                        http::HeaderValue::from_str(v).expect("header value"),
                    )
                })
                .collect();
            Self {
                identity: creds.into(),
                uri,
                method: w.method.parse().expect("method"),
                http_uri,
                headers,
            }
        }

        /// A fresh unsigned request (method, URI, the workload's headers, no
        /// body), for [`sign_and_apply`] to sign. `http::Request` is not
        /// `Clone`, so it is assembled from clones of the parts kept here:
        /// the method and URI are cheap (`Bytes`, reference counted), the
        /// header map is copied. The copy is part of what `sign+apply`
        /// times; an SDK signing a request it holds has that request
        /// already, so subtract the `request clone` measurement to compare
        /// signing alone.
        #[inline]
        pub fn request(&self) -> http::Request<()> {
            let mut req = http::Request::new(());
            *req.method_mut() = self.method.clone();
            *req.uri_mut() = self.http_uri.clone();
            *req.headers_mut() = self.headers.clone();
            req
        }

        /// The signing parameters (built once: time, region, service, settings).
        pub fn params<'a>(&'a self, w: &'a Workload) -> SigningParams<'a> {
            let mut settings = http_request::SigningSettings::default();
            if w.is_presign() {
                settings.signature_location = SignatureLocation::QueryParams;
                settings.expires_in = Some(Duration::from_secs(EXPIRES_IN.into()));
            }
            if w.kind == Kind::S3Presign {
                settings.percent_encoding_mode = PercentEncodingMode::Single;
                settings.uri_path_normalization_mode = UriPathNormalizationMode::Disabled;
            }
            v4::SigningParams::builder()
                .identity(&self.identity)
                .region(w.region)
                .name(w.service)
                .time(system_time())
                .settings(settings)
                .build()
                .expect("complete parameters")
                .into()
        }
    }

    /// One signature, sign only: the request is made signable (its URI
    /// parsed) and signed; the instructions (query parameters or headers to
    /// add) are not applied to any request, so no URL or header is produced
    /// (see [`sign_and_apply`]).
    #[inline]
    pub fn sign(
        w: &Workload,
        uri: &str,
        params: &SigningParams<'_>,
    ) -> SigningOutput<SigningInstructions> {
        let body = match w.kind {
            Kind::S3Presign => SignableBody::UnsignedPayload,
            Kind::Presign | Kind::Headers => SignableBody::Bytes(&w.body),
        };
        let request =
            SignableRequest::new(w.method, uri, w.headers.iter().copied(), body).expect("signable");
        http_request::sign(request, params).expect("signs")
    }

    /// One signature, applied: a fresh request from [`Setup::request`], the
    /// [`sign`] above, and the instructions applied to the request with
    /// `SigningInstructions::apply_to_request_http1x` (headers inserted, or
    /// the query parameters appended to the URI, which is re-parsed). The
    /// result holds the finished URL or headers, like awsig's output.
    #[inline]
    pub fn sign_and_apply(
        w: &Workload,
        setup: &Setup,
        params: &SigningParams<'_>,
    ) -> http::Request<()> {
        let mut req = setup.request();
        let out = sign(w, &setup.uri, params);
        out.into_parts().0.apply_to_request_http1x(&mut req);
        req
    }
}

/// rusty-s3 (W2 only: it presigns S3 requests).
pub mod rusty {
    use super::*;

    /// Bucket and credentials, built once.
    pub struct Setup {
        /// The bucket.
        pub bucket: rusty_s3::Bucket,
        /// The credentials.
        pub credentials: rusty_s3::Credentials,
        /// The signing time.
        pub time: jiff::Timestamp,
    }

    impl Setup {
        /// Prepares `w`, which must be W2.
        pub fn new(w: &Workload) -> Option<Self> {
            let o = w.s3?;
            let endpoint = format!("https://{}", o.endpoint).parse().expect("url");
            let bucket = rusty_s3::Bucket::new(
                endpoint,
                rusty_s3::UrlStyle::VirtualHost,
                o.bucket,
                w.region,
            )
            .expect("bucket");
            let credentials = match w.session_token {
                Some(t) => {
                    rusty_s3::Credentials::new_with_token(ACCESS_KEY_ID, SECRET_ACCESS_KEY, t)
                }
                None => rusty_s3::Credentials::new(ACCESS_KEY_ID, SECRET_ACCESS_KEY),
            };
            Some(Self {
                bucket,
                credentials,
                time: jiff::Timestamp::from_second(UNIX_SECONDS).expect("time"),
            })
        }

        /// One presigned GET URL.
        #[inline]
        pub fn sign(&self, object_key: &str) -> String {
            rusty_s3::actions::GetObject::new(&self.bucket, Some(&self.credentials), object_key)
                .sign_with_time(Duration::from_secs(EXPIRES_IN.into()), &self.time)
                .into()
        }
    }
}

/// The query of a target or URL as sorted, percent-decoded pairs.
pub fn query_pairs(target: &str) -> Vec<(String, String)> {
    let query = target.split_once('?').map_or("", |(_, q)| q);
    let decode = |s: &str| percent_decode_str(s).decode_utf8_lossy().into_owned();
    let mut pairs: Vec<_> = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(k), decode(v))
        })
        .collect();
    pairs.sort();
    pairs
}

/// The path of a URL (`https://host/path?query`) or target.
pub fn path_of(url: &str) -> &str {
    let rest = url
        .strip_prefix("https://")
        .map_or(url, |r| r.find('/').map_or("", |i| &r[i..]));
    rest.split_once('?').map_or(rest, |(p, _)| p)
}

/// The signature of a presigned URL, or of an `Authorization` value.
pub fn signature_in(text: &str) -> &str {
    text.rsplit_once("Signature=").map_or("", |(_, s)| s)
}

/// What the comparison found for one workload, for the record.
pub struct Agreement {
    /// awsig's signature.
    pub signature: String,
    /// The peers that signed the workload identically.
    pub peers: Vec<&'static str>,
}

/// Signs `w` with awsig (cached and uncached key, and for W2 both APIs),
/// aws-sigv4 (sign only, and sign + apply to an `http::Request`) and, for
/// W2, rusty-s3, and panics unless all agree: same signature; for presigned
/// URLs the same path and the same decoded query pairs (for sign+apply,
/// those of the request's URI, its headers unchanged); for header signing
/// the same `Authorization`, `X-Amz-Date` and `X-Amz-Security-Token` (for
/// sign+apply, the request's header values, its URI unchanged and its
/// other headers kept).
pub fn verify(w: &Workload) -> Agreement {
    let name = w.name;
    let inspection = w.inspect();
    let expected = inspection.signature.clone();
    let floor = w.floor(); // asserts the floor's HMAC is the signature
    drop(floor);

    let signer = AwsigSigner::new(w);
    let key = w.key();
    let mut buf = vec![0u8; 4096];
    let cached = signer.sign(&key, &mut buf).to_owned();
    let uncached = signer
        .sign(&signer.derive(&w.credentials()), &mut buf)
        .to_owned();
    assert_eq!(cached, uncached, "{name}: cached and uncached keys differ");
    assert_eq!(signature_in(&cached), expected, "{name}: awsig output");
    if w.kind == Kind::S3Presign {
        let general = signer.sign_v4_presign(&key, &mut buf).to_owned();
        assert_eq!(
            general, cached,
            "{name}: s3::presign_get and v4::presign_url differ"
        );
    }
    let mut peers = Vec::new();

    // aws-sigv4
    let setup = aws::Setup::new(w);
    let params = setup.params(w);
    let out = aws::sign(w, &setup.uri, &params);
    assert_eq!(out.signature(), expected, "{name}: aws-sigv4 signature");
    let (headers, query) = out.into_parts().0.into_parts();
    if w.is_presign() {
        let mut theirs = query_pairs(w.target);
        theirs.extend(query.iter().map(|(k, v)| ((*k).to_owned(), v.to_string())));
        theirs.sort();
        assert_eq!(
            query_pairs(&cached),
            theirs,
            "{name}: aws-sigv4 query pairs"
        );
        assert_eq!(path_of(&cached), path_of(w.target), "{name}: path");
        assert!(
            headers.is_empty(),
            "{name}: aws-sigv4 added headers to a presigned URL"
        );
    } else {
        let mut theirs: Vec<(String, String)> = headers
            .iter()
            .map(|h| (h.name().to_ascii_lowercase(), h.value().to_owned()))
            .collect();
        theirs.sort();
        let mut ours: Vec<(String, String)> = signer
            .signed_headers(&key)
            .into_iter()
            .map(|(n, v)| (n.to_ascii_lowercase(), v))
            .collect();
        ours.sort();
        assert_eq!(
            ours, theirs,
            "{name}: aws-sigv4 headers (Authorization, X-Amz-Date, token)"
        );
        assert!(query.is_empty(), "{name}: aws-sigv4 added query parameters");
    }
    peers.push("aws-sigv4 sign");

    // aws-sigv4, instructions applied to an `http::Request`
    let req = aws::sign_and_apply(w, &setup, &params);
    assert_eq!(req.method(), &setup.method, "{name}: sign+apply method");
    let url = req.uri().to_string();
    if w.is_presign() {
        let pairs = query_pairs(&url);
        let signature = pairs
            .iter()
            .find(|(k, _)| k == "X-Amz-Signature")
            .map(|(_, v)| v.as_str());
        assert_eq!(
            signature,
            Some(expected.as_str()),
            "{name}: aws-sigv4 sign+apply signature"
        );
        assert_eq!(
            pairs,
            query_pairs(&cached),
            "{name}: aws-sigv4 sign+apply query pairs"
        );
        assert_eq!(
            path_of(&url),
            path_of(&cached),
            "{name}: aws-sigv4 sign+apply path"
        );
        assert_eq!(
            req.headers(),
            &setup.headers,
            "{name}: aws-sigv4 sign+apply changed the headers of a presigned URL"
        );
    } else {
        assert_eq!(
            url, setup.uri,
            "{name}: aws-sigv4 sign+apply changed the URI"
        );
        let ours = signer.signed_headers(&key);
        for (n, v) in &ours {
            let theirs = req.headers().get(n.as_str()).map(|v| v.as_bytes());
            assert_eq!(
                theirs,
                Some(v.as_bytes()),
                "{name}: aws-sigv4 sign+apply header {n}"
            );
        }
        for n in ["authorization", "x-amz-date", "x-amz-security-token"] {
            assert!(
                ours.iter().any(|(o, _)| o.eq_ignore_ascii_case(n)),
                "{name}: awsig did not add {n}"
            );
        }
        for (n, v) in &setup.headers {
            assert_eq!(
                req.headers().get(n),
                Some(v),
                "{name}: aws-sigv4 sign+apply header {n}"
            );
        }
        assert_eq!(
            req.headers().len(),
            setup.headers.len() + ours.len(),
            "{name}: aws-sigv4 sign+apply headers (count)"
        );
        let authorization = req.headers()["authorization"].to_str().unwrap_or("");
        assert_eq!(
            signature_in(authorization),
            expected,
            "{name}: aws-sigv4 sign+apply signature"
        );
    }
    peers.push("aws-sigv4 sign+apply");

    // rusty-s3
    if let (Some(setup), Some(o)) = (rusty::Setup::new(w), w.s3) {
        let url = setup.sign(o.key);
        assert_eq!(signature_in(&url), expected, "{name}: rusty-s3 signature");
        assert_eq!(
            query_pairs(&url),
            query_pairs(&cached),
            "{name}: rusty-s3 query pairs"
        );
        assert_eq!(path_of(&url), path_of(&cached), "{name}: rusty-s3 path");
        peers.push("rusty-s3");
    }
    Agreement {
        signature: expected,
        peers,
    }
}
