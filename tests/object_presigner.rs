//! `s3::ObjectPresigner` against `s3::presign_object`: for any key, bucket,
//! endpoint, method, expiry, session token and options, the same URL, the
//! same canonical request and string to sign, and a URL our verifier
//! accepts; buffers that are too small say how much is needed.

use awsig::s3::{self, Addressing, Bucket, ObjectOptions, ObjectPresigner};
use awsig::v4::{Signer, SigningKey};
use awsig::verify::{self, Policy, Secret};
use awsig::{Credentials, Error, Output, Payload, Request, SigningTime, Trace};
use proptest::prelude::*;

const AKID: &str = "AKIAIOSFODNN7EXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

#[derive(Debug, Clone)]
struct Case {
    key: String,
    endpoint: &'static str,
    bucket: &'static str,
    path_style: bool,
    http: bool,
    method: &'static str,
    expires: u32,
    token: Option<String>,
    query: Vec<(String, String)>,
    headers: Vec<(String, String)>,
    time: i64,
}

fn case() -> impl Strategy<Value = Case> {
    (
        (
            // Any text, including `%`, `+`, spaces, slashes and non-ASCII.
            proptest::string::string_regex("(/|[a-zA-Z0-9 ~._+=&:;%?#é😀-]){0,40}").unwrap(),
            prop::sample::select(vec![
                "s3.amazonaws.com",
                "s3.eu-west-1.amazonaws.com",
                "localhost:9000",
                "example.com/storage/v1/s3",
            ]),
            prop::sample::select(vec!["examplebucket", "a.b-c", "my-bucket-2"]),
            any::<bool>(),
            any::<bool>(),
            prop::sample::select(vec!["GET", "PUT", "HEAD", "DELETE"]),
            1u32..=604_800,
        ),
        (
            prop::option::of(proptest::string::string_regex("[A-Za-z0-9+/=]{1,600}").unwrap()),
            prop::collection::vec(
                (
                    proptest::string::string_regex("[a-z][a-zA-Z0-9-]{0,10}").unwrap(),
                    proptest::string::string_regex("[a-zA-Z0-9 ~._+=&/%é-]{0,12}").unwrap(),
                ),
                0..3,
            ),
            prop::collection::vec(
                (
                    proptest::string::string_regex("(content-type|x-amz-meta-[a-z]{1,6})").unwrap(),
                    proptest::string::string_regex("[!-~]{1,8}").unwrap(),
                ),
                0..2,
            ),
            0i64..4_000_000_000,
        ),
    )
        .prop_map(
            |(
                (key, endpoint, bucket, path_style, http, method, expires),
                (token, query, headers, time),
            )| Case {
                key,
                endpoint,
                bucket,
                path_style,
                http,
                method,
                expires,
                token,
                query,
                headers,
                time,
            },
        )
}

fn pairs(v: &[(String, String)]) -> Vec<(&str, &str)> {
    v.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}

/// Presigns with both and compares URL, canonical request and string to sign.
fn check(c: &Case) -> Result<(), TestCaseError> {
    let creds = Credentials::new(AKID, SECRET, c.token.as_deref()).unwrap();
    let time = SigningTime::from_unix_seconds(c.time).unwrap();
    let key = SigningKey::derive(&creds, time, "us-east-1", "s3").unwrap();
    let signer = Signer::new(&key, &creds, time).unwrap();
    let addressing = if c.path_style {
        Addressing::Path
    } else {
        Addressing::VirtualHosted
    };
    let mut bucket = Bucket::new(c.endpoint, c.bucket, addressing).unwrap();
    if c.http {
        bucket = bucket.http();
    }
    let (query, headers) = (pairs(&c.query), pairs(&c.headers));
    let options = ObjectOptions::default().query(&query).headers(&headers);

    let (mut cr1, mut sts1) = (String::new(), String::new());
    let mut trace = Trace::new(&mut cr1, &mut sts1);
    let mut buf1 = vec![0u8; 8192];
    let one = s3::presign_object(
        &signer,
        &bucket,
        c.method,
        &c.key,
        c.expires,
        &options,
        Output::traced(&mut buf1, &mut trace),
    );
    let presigner = ObjectPresigner::<8192>::new(&signer, &bucket, c.method, c.expires, &options);
    let (one, presigner) = match (one, presigner) {
        (Ok(one), Ok(p)) => (one.to_string(), p),
        (Err(a), Err(b)) => {
            prop_assert_eq!(a, b);
            return Ok(());
        }
        (a, b) => return Err(TestCaseError::fail(format!("{a:?} vs {:?}", b.err()))),
    };
    let (mut cr2, mut sts2) = (String::new(), String::new());
    let mut trace = Trace::new(&mut cr2, &mut sts2);
    let mut buf2 = vec![0u8; 8192];
    let many = presigner
        .presign(&c.key, Output::traced(&mut buf2, &mut trace))
        .unwrap();
    let signature = many.signature();
    let many = many.to_string();
    prop_assert_eq!(&many, &one);
    prop_assert_eq!(&cr2, &cr1);
    prop_assert_eq!(&sts2, &sts1);
    let needle = format!("X-Amz-Signature={}", signature);
    prop_assert!(many.contains(&needle));

    // One byte short is refused with the exact size needed.
    let short = many.len() - 1;
    let mut small = vec![0u8; short];
    prop_assert_eq!(
        presigner.presign(&c.key, &mut small[..]).unwrap_err(),
        Error::BufferTooSmall { needed: many.len() }
    );

    // S3's check of the URL as sent.
    let (host, target) = many
        .split_once("://")
        .unwrap()
        .1
        .split_at(many.split_once("://").unwrap().1.find('/').unwrap());
    let mut sent = vec![("Host", host)];
    sent.extend(headers.iter().copied());
    let lookup = |_: &str| Some(Secret::new(SECRET, c.token.as_deref()));
    let policy = Policy::new(time.checked_add_seconds(1).unwrap(), "s3");
    let request = Request::new(c.method, target, &sent).with_payload(Payload::Unsigned);
    prop_assert!(verify::verify(&request, &lookup, &policy).is_ok(), "{many}");
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]
    #[test]
    fn presigner_urls_are_presign_objects(c in case()) {
        check(&c)?;
    }
}

fn signer_parts(token: Option<&str>) -> (Credentials<'_>, SigningTime, SigningKey) {
    let creds = Credentials::new(AKID, SECRET, token).unwrap();
    let time = SigningTime::parse_rfc3339("2013-05-24T00:00:00Z").unwrap();
    let key = SigningKey::derive(&creds, time, "us-east-1", "s3").unwrap();
    (creds, time, key)
}

/// AWS's worked example ("Authenticating Requests: Using Query Parameters").
#[test]
fn aws_worked_example() {
    let (creds, time, key) = signer_parts(None);
    let signer = Signer::new(&key, &creds, time).unwrap();
    let bucket = Bucket::new(
        "s3.amazonaws.com",
        "examplebucket",
        Addressing::VirtualHosted,
    )
    .unwrap();
    let p: ObjectPresigner =
        ObjectPresigner::new(&signer, &bucket, "GET", 86400, &ObjectOptions::default()).unwrap();
    let mut buf = [0u8; 1024];
    assert_eq!(
        p.presign("test.txt", &mut buf).unwrap().as_str(),
        "https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256\
         &X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request\
         &X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host\
         &X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404"
    );
}

/// The bucket itself (empty key), path-style and virtual-hosted.
#[test]
fn empty_key_is_the_bucket() {
    let (creds, time, key) = signer_parts(None);
    let signer = Signer::new(&key, &creds, time).unwrap();
    for addressing in [Addressing::Path, Addressing::VirtualHosted] {
        let bucket = Bucket::new("s3.amazonaws.com", "examplebucket", addressing).unwrap();
        let options = ObjectOptions::default();
        let p: ObjectPresigner =
            ObjectPresigner::new(&signer, &bucket, "GET", 60, &options).unwrap();
        let (mut a, mut b) = ([0u8; 1024], [0u8; 1024]);
        let many = p.presign("", &mut a).unwrap();
        let one = s3::presign_object(&signer, &bucket, "GET", "", 60, &options, &mut b).unwrap();
        assert_eq!(many.as_str(), one.as_str());
        assert!(
            many.as_str()
                .starts_with(if addressing == Addressing::Path {
                    "https://s3.amazonaws.com/examplebucket?"
                } else {
                    "https://examplebucket.s3.amazonaws.com/?"
                })
        );
    }
}

/// A template that does not fit in `N` bytes says which `N` would, and the
/// larger presigner then works; `Debug` shows neither token nor key.
#[test]
fn capacity_and_debug() {
    let token = "T".repeat(3000);
    let (creds, time, key) = signer_parts(Some(&token));
    let signer = Signer::new(&key, &creds, time).unwrap();
    let bucket = Bucket::new(
        "s3.amazonaws.com",
        "examplebucket",
        Addressing::VirtualHosted,
    )
    .unwrap();
    let options = ObjectOptions::default();
    let err = ObjectPresigner::<4096>::new(&signer, &bucket, "GET", 60, &options).unwrap_err();
    let Error::BufferTooSmall { needed } = err else {
        panic!("{err:?}")
    };
    assert!(needed > 6000, "{needed}");
    let p = ObjectPresigner::<8192>::new(&signer, &bucket, "GET", 60, &options).unwrap();
    assert!(needed <= 8192);
    let mut buf = vec![0u8; 4096];
    let url = p.presign("k", &mut buf[..]).unwrap();
    assert!(url.as_str().contains(&token));
    let debug = format!("{p:?}");
    assert!(
        !debug.contains("TTT") && !debug.contains("wJalr"),
        "{debug}"
    );
    assert!(debug.contains("examplebucket.s3.amazonaws.com"), "{debug}");
}

/// Errors of the request come from `new`, as `presign_object` gives them.
#[test]
fn errors_are_presign_objects() {
    let (creds, time, key) = signer_parts(None);
    let signer = Signer::new(&key, &creds, time).unwrap();
    let bucket = Bucket::new(
        "s3.amazonaws.com",
        "examplebucket",
        Addressing::VirtualHosted,
    )
    .unwrap();
    let options = ObjectOptions::default();
    for (method, expires, want) in [
        ("GET", 0, Error::ExpiresOutOfRange),
        ("GET", 604_801, Error::ExpiresOutOfRange),
        ("G T", 60, Error::InvalidMethod),
    ] {
        assert_eq!(
            ObjectPresigner::<4096>::new(&signer, &bucket, method, expires, &options).unwrap_err(),
            want
        );
    }
}

mod counting;
use counting::allocations_during;

/// Preparing and presigning allocate nothing (with a session token too).
#[test]
fn presigner_allocates_nothing() {
    let token = "T".repeat(700);
    let (creds, time, key) = signer_parts(Some(&token));
    let signer = Signer::new(&key, &creds, time).unwrap();
    let bucket = Bucket::new("s3.amazonaws.com", "examplebucket", Addressing::Path).unwrap();
    let options = ObjectOptions::default()
        .query(&[("versionId", "3")])
        .headers(&[("content-type", "image/png")]);
    let mut buf = vec![0u8; 4096];
    let mut lens = 0;
    let (n, ()) = allocations_during(|| {
        let p = ObjectPresigner::<4096>::new(&signer, &bucket, "PUT", 600, &options).unwrap();
        for key in ["a", "photos/a b+c.jpg", "", "é/😀"] {
            lens += p.presign(key, &mut buf[..]).unwrap().as_str().len();
        }
    });
    assert_eq!(n, 0);
    assert!(lens > 4 * 700);
}
