//! The signing path makes no heap allocation: a counting global allocator
//! watches this thread while requests are signed through the buffer API,
//! small and large (hundreds of parameters, 100+ headers, deep paths).

use awsig::v4::{self, SessionTokenMode, Signer, SigningKey, SigningSettings};
use awsig::{Credentials, Payload, Request, SigningTime, v2};

mod counting;
use counting::allocations_during;

const TOKEN: &str = "IQoJb3JpZ2luX2VjEBoaCXVzLWVhc3QtMiJHMEUCIQAvFvx7TWScuT/QLhFHpW/5yOBS4zNDqLBrjjp8COfZEb23Gd3Q9jGMVF/X25vb46Zc75AwZ9JYJcsy1beVsR3aWaFJxlIB/NLQ2QpN5sgQbVhaOEme1EiP0Eask/dAkNZ36kX9SD6Ct3QMBBHW3icHewZt2PRWFEXeIsMyRDsrTknGVtBKuQ7lZSDejpvROHM/HAJN1hgR1dNN1H8NEWWFAJLZNCMRYtmHQwcuC1IToUPLez6mSKa+Fo5oY1ol/Q==";
const SEND_MESSAGE_BATCH: &str = "/123456789012/MyQueue/?Action=SendMessageBatch&SendMessageBatchRequestEntry.1.Id=test_msg_001&SendMessageBatchRequestEntry.1.MessageBody=test%20message%20body%201&SendMessageBatchRequestEntry.2.Id=test_msg_002&SendMessageBatchRequestEntry.2.MessageBody=test%20message%20body%202&SendMessageBatchRequestEntry.2.DelaySeconds=60&Version=2012-11-05";

#[test]
fn signing_allocates_nothing() {
    // Inputs are built before counting starts.
    let time = SigningTime::parse_rfc3339("2020-12-18T22:52:43Z").unwrap();
    let creds = Credentials::new(
        "AKIAIOSFODNN7EXAMPLE",
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        Some(TOKEN),
    )
    .unwrap();
    let sqs_host = [("Host", "sqs.us-east-2.amazonaws.com")];
    let body = vec![b'x'; 1024];
    let post_headers = [
        ("Host", "sqs.us-east-2.amazonaws.com"),
        (
            "Content-Type",
            "application/x-www-form-urlencoded; charset=utf-8",
        ),
        ("Content-Length", "1024"),
    ];
    let s3_host = [("Host", "examplebucket.s3.amazonaws.com")];
    let mut big_query = String::from("/a/./b/../c");
    for i in 0..300 {
        big_query.push_str(&format!("/seg{i}"));
    }
    big_query.push_str("/../..?");
    for i in (0..500).rev() {
        big_query.push_str(&format!("p%2D{i}={}&", "v%20é".repeat(i % 7)));
    }
    big_query.push_str("huge=");
    big_query.push_str(&"%E2%82%AC".repeat(10_000));
    let mut big_headers: Vec<(String, String)> = (0..150)
        .map(|i| {
            (
                format!("X-Custom-{}", 150 - i),
                format!("  value {i}\t\t with   spaces "),
            )
        })
        .collect();
    big_headers.push(("Host".into(), "example.amazonaws.com".into()));
    let big_headers: Vec<(&str, &str)> = big_headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let mut buf = vec![0u8; 1 << 20];
    let mut total = 0;

    let (n, url) = allocations_during(|| {
        let key = SigningKey::derive(&creds, time, "us-east-2", "sqs").unwrap();
        let signer = Signer::new(&key, &creds, time).unwrap();
        let req = Request::new("GET", SEND_MESSAGE_BATCH, &sqs_host);
        v4::presign(&signer, &req, 3600, &SigningSettings::new(), &mut buf)
            .map(|p| p.signature().as_str().len())
    });
    assert_eq!(url, Ok(64));
    total += n;

    let (n, ok) = allocations_during(|| {
        let key = SigningKey::derive(&creds, time, "us-east-1", "s3").unwrap();
        let signer = Signer::new(&key, &creds, time).unwrap();
        let req = Request::new("GET", "/photos/2020/12/my%20holiday%2Bfile.jpg", &s3_host)
            .with_payload(Payload::Unsigned);
        v4::presign(&signer, &req, 3600, &SigningSettings::s3(), &mut buf).is_ok()
    });
    assert!(ok);
    total += n;

    let (n, ok) = allocations_during(|| {
        let key = SigningKey::derive(&creds, time, "us-east-2", "sqs").unwrap();
        let signer = Signer::new(&key, &creds, time).unwrap();
        let req = Request::new("POST", "/", &post_headers).with_payload(Payload::Body(&body));
        let settings = SigningSettings::new().session_token(SessionTokenMode::AppendedUnsigned);
        v4::sign_headers(&signer, &req, &settings, &mut buf).is_ok()
    });
    assert!(ok);
    total += n;

    let (n, ok) = allocations_during(|| {
        let key = SigningKey::derive(&creds, time, "us-east-1", "service").unwrap();
        let signer = Signer::new(&key, &creds, time).unwrap();
        let req = Request::new("GET", &big_query, &big_headers);
        let a = v4::presign(&signer, &req, 604_800, &SigningSettings::new(), &mut buf).is_ok();
        let b = v4::sign_headers(&signer, &req, &SigningSettings::new(), &mut buf).is_ok();
        a && b
    });
    assert!(ok);
    total += n;

    let (n, ok) = allocations_during(|| {
        let req = Request::new("GET", SEND_MESSAGE_BATCH, &sqs_host);
        let expires = time.checked_add_seconds(3600).unwrap();
        v2::sign_query(
            &creds,
            &req,
            v2::Validity::Expires(expires),
            v2::SignatureMethod::HmacSha256,
            &mut buf,
        )
        .is_ok()
    });
    assert!(ok);
    total += n;

    // aws-chunked: every chunk header and the trailer.
    let (n, ok) = allocations_during(|| {
        let key = SigningKey::derive(&creds, time, "us-east-1", "s3").unwrap();
        let request_signer = Signer::new(&key, &creds, time).unwrap();
        let req = Request::new("PUT", "/bucket/key", &s3_host)
            .with_payload(Payload::StreamingSignedTrailer);
        let seed = v4::sign_headers(&request_signer, &req, &SigningSettings::s3(), &mut buf)
            .unwrap()
            .signature();
        let mut signer =
            v4::ChunkSigner::new(&request_signer, &seed, v4::ChunkedMode::SignedWithTrailer);
        let mut out = [0u8; v4::MAX_CHUNK_HEADER + 128];
        let mut ok = true;
        for chunk in body.chunks(100).chain([&[][..]]) {
            ok &= signer.chunk_header(chunk, &mut out).is_ok();
        }
        ok && signer
            .trailer(&[("x-amz-checksum-crc32", "sOO8/Q==")], &mut out)
            .is_ok()
    });
    assert!(ok);
    total += n;

    // Verification of a presigned URL and of a header-signed request.
    let presigned = {
        let key = SigningKey::derive(&creds, time, "us-east-2", "sqs").unwrap();
        let signer = Signer::new(&key, &creds, time).unwrap();
        let req = Request::new("GET", SEND_MESSAGE_BATCH, &sqs_host);
        v4::presign(&signer, &req, 3600, &SigningSettings::new(), &mut buf)
            .unwrap()
            .as_str()
            .to_owned()
    };
    let mut signed_headers: Vec<(String, String)> = post_headers
        .iter()
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect();
    {
        let key = SigningKey::derive(&creds, time, "us-east-2", "sqs").unwrap();
        let signer = Signer::new(&key, &creds, time).unwrap();
        let req = Request::new("POST", "/", &post_headers).with_payload(Payload::Body(&body));
        let signed = v4::sign_headers(&signer, &req, &SigningSettings::new(), &mut buf).unwrap();
        signed_headers.extend(
            signed
                .headers()
                .map(|(n, v)| (n.to_string(), v.to_string())),
        );
    }
    let signed_headers: Vec<(&str, &str)> = signed_headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let lookup = |k: &str| {
        (k == "AKIAIOSFODNN7EXAMPLE").then_some(awsig::verify::Secret::new(
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            Some(TOKEN),
        ))
    };
    let (n, ok) = allocations_during(|| {
        let policy = awsig::verify::Policy::new(time, "sqs");
        let a = awsig::verify::verify(
            &Request::new("GET", &presigned, &sqs_host),
            &lookup,
            &policy,
        )
        .is_ok();
        let req = Request::new("POST", "/", &signed_headers).with_payload(Payload::Body(&body));
        let b = awsig::verify::verify(&req, &lookup, &policy).is_ok();
        a && b
    });
    assert!(ok);
    total += n;

    #[cfg(feature = "sigv4a")]
    {
        let key = awsig::v4a::V4aSigningKey::derive(&creds, "*", "s3").unwrap();
        let (n, ok) = allocations_during(|| {
            let signer = Signer::new(&key, &creds, time).unwrap();
            let req =
                Request::new("GET", "/photos/a.jpg", &s3_host).with_payload(Payload::Unsigned);
            let a = v4::presign(&signer, &req, 3600, &SigningSettings::s3(), &mut buf).is_ok();
            let b = v4::sign_headers(&signer, &req, &SigningSettings::s3(), &mut buf).is_ok();
            a && b
        });
        assert!(ok);
        total += n;
    }

    assert_eq!(total, 0, "the signing path allocated");
    // The counter works: an allocation is seen.
    let (n, v) = allocations_during(|| vec![1u8; 10]);
    assert!(n >= 1 && v.len() == 10);
}

#[test]
fn event_stream_signing_and_verification_allocate_nothing() {
    use awsig::v4::event_stream::{Header, HeaderValue, MessageSigner};
    use awsig::verify::{EventVerifier, Policy, Secret};

    let time = SigningTime::parse_rfc3339("2020-12-18T22:52:43Z").unwrap();
    let creds = Credentials::new(
        "AKIAIOSFODNN7EXAMPLE",
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        None,
    )
    .unwrap();
    let key = SigningKey::derive(&creds, time, "us-east-1", "transcribe").unwrap();
    let seed = v4::Signature::parse(&"ab".repeat(32)).unwrap();
    let audio = vec![7u8; 65_536];
    let headers = [
        Header::new(":message-type", HeaderValue::String("event")),
        Header::new(":event-type", HeaderValue::String("AudioEvent")),
        Header::new(
            ":content-type",
            HeaderValue::String("application/octet-stream"),
        ),
    ];
    let mut first = vec![0u8; 70_000];
    let mut last = [0u8; 128];
    let lookup = |_: &str| {
        Some(Secret::new(
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            None,
        ))
    };
    let policy = Policy::new(time, "transcribe").region("us-east-1");
    let (n, ok) = allocations_during(|| {
        let mut signer = MessageSigner::new(&seed);
        let a = signer.sign_event(&key, &headers, &audio, time, &mut first[..]);
        let b = signer.close(&key, time, &mut last[..]);
        let (Ok(a), Ok(b)) = (a, b) else {
            return false;
        };
        let mut verifier = EventVerifier::new(&seed, "AKIAIOSFODNN7EXAMPLE").unwrap();
        verifier.verify(a.as_bytes(), &lookup, &policy).is_ok()
            && verifier
                .verify(b.as_bytes(), &lookup, &policy)
                .is_ok_and(|e| e.is_end())
    });
    assert!(ok);
    assert_eq!(n, 0, "event-stream signing and verification allocated");
}

#[cfg(feature = "s3-sigv2")]
#[test]
fn s3_sigv2_signing_and_verification_allocate_nothing() {
    use awsig::s3;
    use awsig::verify::{self, Policy, Secret};

    let time = SigningTime::parse_rfc3339("2020-12-18T22:52:43Z").unwrap();
    let creds = Credentials::new(
        "AKIAIOSFODNN7EXAMPLE",
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        Some(TOKEN),
    )
    .unwrap();
    let headers = [
        ("Host", "s3.amazonaws.com"),
        ("Content-Type", "text/plain"),
        ("x-amz-meta-b", "2"),
        ("x-amz-meta-a", "1"),
        ("x-amz-meta-a", "3"),
    ];
    let target = "/bucket/photos/a%20b.jpg?versionId=3&uploads&x-id=1";
    let request = Request::new("PUT", target, &headers);
    let lookup = |_: &str| {
        Some(Secret::new(
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            Some(TOKEN),
        ))
    };
    let policy = Policy::new(time, "s3").sigv2(604_800);
    let mut a = [0u8; 2048];
    let mut b = [0u8; 2048];
    let host = [("Host", "s3.amazonaws.com")];
    let (n, ok) = allocations_during(|| {
        let expires = time.checked_add_seconds(600).unwrap();
        let url = s3::v2::presign(&creds, &request, expires, &mut a[..]).unwrap();
        let presigned = Request::new("PUT", url.as_str(), &host);
        let q = verify::verify_s3_v2(&presigned, &lookup, &policy).is_ok();
        let h = s3::v2::sign_headers(&creds, &request, time, &mut b[..]).unwrap();
        let mut sent = [("", ""); 8];
        sent[..5].copy_from_slice(&headers);
        for (slot, header) in sent[5..].iter_mut().zip(h.headers()) {
            *slot = header;
        }
        let signed = Request::new("PUT", target, &sent);
        q && verify::verify_s3_v2(&signed, &lookup, &policy).is_ok()
    });
    assert!(ok);
    assert_eq!(n, 0, "S3 SigV2 signing and verification allocated");
}

#[test]
fn s3express_signing_and_verification_allocate_nothing() {
    use awsig::s3::{self, KeyCondition, PostPolicy};
    use awsig::verify::{self, Policy, Secret};

    let time = SigningTime::parse_rfc3339("2024-05-01T10:00:00Z").unwrap();
    let creds = Credentials::new("ASIASESSIONEXAMPLE", "sessionsecret", Some(TOKEN)).unwrap();
    let headers = [
        (
            "Host",
            "bucket--usw2-az1--x-s3.s3express-usw2-az1.us-west-2.amazonaws.com",
        ),
        ("x-amz-meta-a", "1"),
    ];
    let target = "/photos/a%20b.jpg?x-id=GetObject";
    let lookup = |_: &str| Some(Secret::new("sessionsecret", Some(TOKEN)));
    let policy = Policy::new(time, "s3express");
    let settings = SigningSettings::s3express();
    let (mut a, mut b, mut c, mut d) = ([0u8; 2048], [0u8; 2048], [0u8; 4096], [0u8; 2048]);
    let (n, ok) = allocations_during(|| {
        let key = SigningKey::derive(&creds, time, "us-west-2", "s3express").unwrap();
        let signer = Signer::new(&key, &creds, time).unwrap();
        let request = Request::new("GET", target, &headers);
        let url = v4::presign(&signer, &request, 300, &settings, &mut a[..]).unwrap();
        let presigned = Request::new("GET", url.as_str(), &headers);
        let q = verify::verify(&presigned, &lookup, &policy).map(|_| ());
        let h = v4::sign_headers(&signer, &request, &settings, &mut b[..]).unwrap();
        // x-amz-date, x-amz-s3session-token, x-amz-content-sha256, authorization.
        let mut sent = [("", ""); 6];
        sent[..2].copy_from_slice(&headers);
        for (slot, header) in sent[2..].iter_mut().zip(h.headers()) {
            *slot = header;
        }
        let signed = Request::new("GET", target, &sent);
        let v = verify::verify(&signed, &lookup, &policy).map(|_| ());
        let post_policy = PostPolicy::new("bucket--usw2-az1--x-s3", KeyCondition::Exact("k"), 300)
            .s3express_session(true);
        let post = s3::presign_post(&signer, &post_policy, &mut c[..]).unwrap();
        let mut fields = [("", ""); 8];
        let mut len = 0;
        for (slot, field) in fields.iter_mut().zip(post.fields()) {
            *slot = field;
            len += 1;
        }
        let form = verify::PostForm::new("bucket--usw2-az1--x-s3", &fields[..len], 10);
        let p = verify::verify_post_form(&form, &lookup, &policy, &mut d[..]).map(|_| ());
        (q, v, p, h.s3session_token() == Some(TOKEN))
    });
    assert_eq!(ok, (Ok(()), Ok(()), Ok(()), true));
    assert_eq!(n, 0, "S3 Express signing and verification allocated");
}
