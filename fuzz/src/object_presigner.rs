//! Target `object_presigner`: `s3::ObjectPresigner` against
//! `s3::presign_object`.
//!
//! Whatever the endpoint, bucket, addressing, method, expiry, session
//! token, options and keys, preparing and presigning never panic; the
//! presigner fails exactly where `presign_object` fails (with the same
//! error), and otherwise gives the same URL for every key; each URL
//! verifies as S3 would check it, and with one byte of its signature
//! changed it is refused.

use awsig::s3::{self, Addressing, Bucket, ObjectOptions, ObjectPresigner};
use awsig::v4::{Signer, SigningKey};
use awsig::verify::{self, Policy, Secret};
use awsig::{Credentials, Error, Payload, Request, SigningTime};

use crate::wire::Reader;

const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const ENDPOINTS: [&str; 4] = [
    "s3.amazonaws.com",
    "localhost:9000",
    "example.com/storage/v1/s3",
    "s3.eu-west-1.amazonaws.com",
];

pub fn object_presigner(data: &[u8]) {
    let mut r = Reader::new(data);
    let endpoint = match r.u8() {
        n @ 0..=3 => ENDPOINTS[usize::from(n)].to_owned(),
        _ => r.string(),
    };
    let name = r.string();
    let addressing = if r.flag() {
        Addressing::Path
    } else {
        Addressing::VirtualHosted
    };
    let http = r.flag();
    let method = r.string();
    let expires = r.u32() % 700_000;
    let token = r.opt_string();
    let query: Vec<(String, String)> = r.list(4, |r| (r.string(), r.string()));
    let headers: Vec<(String, String)> = r.list(3, |r| (r.string(), r.string()));
    let keys: Vec<String> = r.list(6, Reader::string);
    let time = SigningTime::from_unix_seconds(i64::from(r.u32())).expect("a u32 is a time");

    let Ok(creds) = Credentials::new("AKIDEXAMPLE", SECRET, token.as_deref()) else {
        return;
    };
    let key = SigningKey::derive(&creds, time, "us-east-1", "s3").expect("valid scope");
    let signer = Signer::new(&key, &creds, time).expect("a key signs at its time");
    let Ok(mut bucket) = Bucket::new(&endpoint, &name, addressing) else {
        return;
    };
    if http {
        bucket = bucket.http();
    }
    let query: Vec<(&str, &str)> = query
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let headers: Vec<(&str, &str)> = headers
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let options = ObjectOptions::default().query(&query).headers(&headers);

    let presigner = ObjectPresigner::<16384>::new(&signer, &bucket, &method, expires, &options);
    let mut one = vec![0u8; 16384];
    let mut many = vec![0u8; 16384];
    for object_key in keys.iter().map(String::as_str).chain([""]) {
        let want = s3::presign_object(
            &signer,
            &bucket,
            &method,
            object_key,
            expires,
            &options,
            &mut one[..],
        );
        let p = match (&presigner, &want) {
            (Ok(p), Ok(_)) => p,
            // Fixed parts longer than the presigner holds (documented).
            (Err(Error::BufferTooSmall { .. }), _) => return,
            // A long key may not fit `presign_object`'s buffer.
            (_, Err(Error::BufferTooSmall { .. })) => continue,
            (Err(a), Err(b)) => {
                assert_eq!(a, b, "the presigner fails otherwise than presign_object");
                return;
            }
            (Err(e), Ok(_)) => panic!("the presigner fails where presign_object signs: {e:?}"),
            (Ok(_), Err(e)) => panic!("presign_object fails on a key the presigner took: {e:?}"),
        };
        let got = p.presign(object_key, &mut many[..]);
        let want = want.expect("checked above").as_str();
        let got = got.expect("presign_object signs this key").as_str();
        assert_eq!(
            got, want,
            "the presigner's URL differs from presign_object's"
        );
        check_verifies(got, &method, &headers, token.as_deref(), time);
    }
}

/// The URL verifies as S3 checks it; a changed signature byte is refused.
fn check_verifies(
    url: &str,
    method: &str,
    headers: &[(&str, &str)],
    token: Option<&str>,
    time: SigningTime,
) {
    let Some((_, rest)) = url.split_once("://") else {
        panic!("not a URL: {url}");
    };
    let (host, target) = rest.split_at(rest.find('/').expect("a path"));
    let mut sent = vec![("Host", host)];
    sent.extend(headers.iter().copied());
    let lookup = |_: &str| Some(Secret::new(SECRET, token));
    let policy = Policy::new(time, "s3");
    let request = Request::new(method, target, &sent).with_payload(Payload::Unsigned);
    if let Err(e) = verify::verify(&request, &lookup, &policy) {
        panic!("a presigned URL does not verify ({e:?}): {url} with {headers:?}");
    }
    let at = target.rfind("X-Amz-Signature=").expect("signed") + "X-Amz-Signature=".len();
    let mut tampered = target.as_bytes().to_vec();
    tampered[at] = if tampered[at] == b'0' { b'1' } else { b'0' };
    let tampered = String::from_utf8(tampered).expect("ASCII");
    let request = Request::new(method, &tampered, &sent).with_payload(Payload::Unsigned);
    assert!(
        verify::verify(&request, &lookup, &policy).is_err(),
        "a changed signature verifies: {url}"
    );
}
