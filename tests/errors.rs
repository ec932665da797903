//! The bad-input catalogue: each input error, through the public API, with
//! the precise error it must give; and large inputs that must be signed,
//! not refused.

use awsig::v4::{self, Signer, SigningKey, SigningSettings};
use awsig::verify::{self, Policy, Rejection, Secret, Verified};
use awsig::{Credentials, Error, Output, Payload, Request, SigningTime, Trace, s3, v2};

const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const TOKEN: &str = "session-token-value-xyz";

fn time() -> SigningTime {
    SigningTime::parse_rfc3339("2015-08-30T12:36:00Z").unwrap()
}

fn creds() -> Credentials<'static> {
    Credentials::new("AKIDEXAMPLE", SECRET, Some(TOKEN)).unwrap()
}

fn key() -> SigningKey {
    SigningKey::derive(&creds(), time(), "us-east-1", "service").unwrap()
}

const HOST: [(&str, &str); 1] = [("Host", "example.amazonaws.com")];

fn presign(method: &str, target: &str, headers: &[(&str, &str)]) -> Result<String, Error> {
    let mut buf = vec![0u8; 1 << 22];
    let req = Request::new(method, target, headers);
    let (key, creds) = (key(), creds());
    let signer = Signer::new(&key, &creds, time())?;
    v4::presign(&signer, &req, 3600, &SigningSettings::new(), &mut buf)
        .map(|p| p.as_str().to_owned())
}

fn sign(method: &str, target: &str, headers: &[(&str, &str)]) -> Result<String, Error> {
    let mut buf = vec![0u8; 1 << 22];
    let req = Request::new(method, target, headers);
    let (key, creds) = (key(), creds());
    let signer = Signer::new(&key, &creds, time())?;
    v4::sign_headers(&signer, &req, &SigningSettings::new(), &mut buf)
        .map(|s| s.authorization().to_owned())
}

/// Both schemes must give `want` for this request.
fn both(method: &str, target: &str, headers: &[(&str, &str)], want: Error) {
    assert_eq!(
        presign(method, target, headers),
        Err(want),
        "presign {method} {target:?} {headers:?}"
    );
    assert_eq!(
        sign(method, target, headers),
        Err(want),
        "sign {method} {target:?} {headers:?}"
    );
}

#[test]
fn methods() {
    both("", "/", &HOST, Error::InvalidMethod);
    both("GE T", "/", &HOST, Error::InvalidMethod);
    both("GET\n", "/", &HOST, Error::InvalidMethod);
}

#[test]
fn targets() {
    both("GET", "", &HOST, Error::TargetNotAbsolute);
    both("GET", "example.com/", &HOST, Error::TargetNotAbsolute);
    both(
        "GET",
        "/a\0b",
        &HOST,
        Error::InvalidTargetByte { byte: 0, at: 2 },
    );
    both(
        "GET",
        "/a\rb",
        &HOST,
        Error::InvalidTargetByte { byte: b'\r', at: 2 },
    );
    both(
        "GET",
        "/a?b=\x01",
        &HOST,
        Error::InvalidTargetByte { byte: 1, at: 5 },
    );
    both(
        "GET",
        "/a\x7f",
        &HOST,
        Error::InvalidTargetByte { byte: 0x7f, at: 2 },
    );
    both(
        "GET",
        "/a#frag",
        &HOST,
        Error::InvalidTargetByte { byte: b'#', at: 2 },
    );
    both(
        "GET",
        "/?a=%",
        &HOST,
        Error::MalformedPercentEscape { at: 4 },
    );
    both(
        "GET",
        "/?a=%4",
        &HOST,
        Error::MalformedPercentEscape { at: 4 },
    );
    both(
        "GET",
        "/?a=%zz",
        &HOST,
        Error::MalformedPercentEscape { at: 4 },
    );
    both(
        "GET",
        "/?%g1=b",
        &HOST,
        Error::MalformedPercentEscape { at: 2 },
    );
    both("GET", "/?a=%FF", &HOST, Error::QueryNotUtf8);
    both("GET", "/?%C3=x", &HOST, Error::QueryNotUtf8);
    both("GET", "/?a=%ED%A0%80", &HOST, Error::QueryNotUtf8);
}

#[test]
fn s3_paths_must_be_encoded_once_properly() {
    let mut buf = [0u8; 2048];
    let req = Request::new("GET", "/bucket/100%", &HOST).with_payload(Payload::Unsigned);
    let (key, creds) = (key(), creds());
    let signer = Signer::new(&key, &creds, time()).unwrap();
    assert_eq!(
        v4::presign(&signer, &req, 60, &SigningSettings::s3(), &mut buf).map(|_| ()),
        Err(Error::MalformedPercentEscape { at: 11 })
    );
    // Other services encode the path again: a lone '%' is just a character.
    assert!(
        presign("GET", "/100%", &HOST)
            .unwrap()
            .starts_with("/100%?")
    );
}

#[test]
fn odd_but_legal_inputs_are_signed() {
    // AWS signs these; so do we.
    assert!(presign("GET", "/?a=%2B&b=+&c=%7e&&=v&k", &HOST).is_ok());
    assert!(presign("GET", "/ሴ/ space /..//./%2F", &HOST).is_ok());
    assert!(
        sign(
            "GET",
            "/",
            &[
                ("Host", "h.example"),
                ("X-Empty", ""),
                ("X-Tab", "\ta\t b\t")
            ]
        )
        .is_ok()
    );
    assert!(sign("PATCH", "/", &[("Host", "[::1]:8443")]).is_ok());
}

#[test]
fn auth_parameters_and_headers_already_present() {
    for name in [
        "X-Amz-Signature",
        "x-amz-credential",
        "X-Amz-Date",
        "X-Amz-Expires",
        "X-Amz-Algorithm",
        "X-Amz-SignedHeaders",
        "X-Amz-Security-Token",
        "X%2DAmz%2DSignature",
    ] {
        let target = format!("/?{name}=1");
        assert_eq!(
            presign("GET", &target, &HOST),
            Err(Error::AuthParameterPresent),
            "{name}"
        );
    }
    for name in ["Authorization", "X-Amz-Date", "x-amz-security-token"] {
        let headers = [("Host", "example.amazonaws.com"), (name, "x")];
        assert_eq!(
            sign("GET", "/", &headers),
            Err(Error::AuthHeaderPresent),
            "{name}"
        );
    }
    let headers = [("Host", "example.amazonaws.com"), ("Authorization", "x")];
    assert_eq!(presign("GET", "/", &headers), Err(Error::AuthHeaderPresent));
    let mut buf = [0u8; 4096];
    let req = Request::new("GET", "/?Signature=x", &HOST);
    let v2 = v2::sign_query(
        &creds(),
        &req,
        v2::Validity::Timestamp(time()),
        v2::SignatureMethod::HmacSha256,
        &mut buf,
    );
    assert_eq!(v2.map(|_| ()), Err(Error::AuthParameterPresent));
    let req = Request::new("GET", "/?awsaccesskeyid=x", &HOST);
    let v2 = v2::sign_query(
        &creds(),
        &req,
        v2::Validity::Timestamp(time()),
        v2::SignatureMethod::HmacSha256,
        &mut buf,
    );
    assert_eq!(v2.map(|_| ()), Err(Error::AuthParameterPresent));
}

#[test]
fn headers() {
    both("GET", "/", &[], Error::MissingHost);
    both("GET", "/", &[("X-A", "b")], Error::MissingHost);
    both(
        "GET",
        "/",
        &[("Host", "a"), ("host", "b")],
        Error::DuplicateHost,
    );
    both(
        "GET",
        "/",
        &[("Host", "bücher.example")],
        Error::InvalidHost,
    );
    both("GET", "/", &[("Host", "")], Error::InvalidHost);
    both("GET", "/", &[("Host", "a b")], Error::InvalidHost);
    for name in ["", "bad name", "a:b", "x(y)", "é", "a\nb", "a,b", "a;b"] {
        both(
            "GET",
            "/",
            &[("Host", "h"), (name, "v")],
            Error::InvalidHeaderName,
        );
    }
    for value in ["a\0b", "a\rb", "\x01", "a\x7fb", "a\x0bb"] {
        both(
            "GET",
            "/",
            &[("Host", "h"), ("X-V", value)],
            Error::InvalidHeaderValue,
        );
    }
}

#[test]
fn payloads() {
    let mut buf = [0u8; 2048];
    let (key, creds) = (key(), creds());
    let signer = Signer::new(&key, &creds, time()).unwrap();
    for bad in ["", "abc", &"A".repeat(64), &"g".repeat(64), &"0".repeat(65)] {
        let req = Request::new("PUT", "/", &HOST).with_payload(Payload::Precomputed(bad));
        assert_eq!(
            v4::sign_headers(&signer, &req, &SigningSettings::new(), &mut buf).map(|_| ()),
            Err(Error::InvalidPayloadHash),
            "{bad:?}"
        );
    }
}

#[test]
fn credentials_and_scope() {
    assert_eq!(
        Credentials::new("", SECRET, None).map(|_| ()),
        Err(Error::InvalidAccessKeyId)
    );
    assert_eq!(
        Credentials::new("AK/ID", SECRET, None).map(|_| ()),
        Err(Error::InvalidAccessKeyId)
    );
    assert_eq!(
        Credentials::new("AKID", "", None).map(|_| ()),
        Err(Error::EmptySecretAccessKey)
    );
    assert_eq!(
        Credentials::new("AKID", SECRET, Some("")).map(|_| ()),
        Err(Error::InvalidSessionToken)
    );
    assert_eq!(
        Credentials::new("AKID", SECRET, Some("a\r\nb")).map(|_| ()),
        Err(Error::InvalidSessionToken)
    );
    let c = creds();
    for (region, service, want) in [
        ("", "s3", Error::InvalidRegion),
        ("us/east-1", "s3", Error::InvalidRegion),
        ("us east", "s3", Error::InvalidRegion),
        ("us-east-1", "", Error::InvalidService),
        ("us-east-1", "s3/x", Error::InvalidService),
        ("us-east-1", "é", Error::InvalidService),
    ] {
        assert_eq!(
            SigningKey::derive(&c, time(), region, service).map(|_| ()),
            Err(want),
            "{region:?} {service:?}"
        );
    }
}

#[test]
fn times_and_expiry() {
    assert_eq!(
        SigningTime::from_unix_seconds(-1),
        Err(Error::TimeOutOfRange)
    );
    assert_eq!(
        SigningTime::from_unix_seconds(253_402_300_800),
        Err(Error::TimeOutOfRange)
    );
    assert_eq!(
        SigningTime::parse_rfc3339("1969-12-31T23:59:59Z"),
        Err(Error::TimeOutOfRange)
    );
    assert_eq!(
        SigningTime::parse_rfc3339("2015-08-30 12:36:00"),
        Err(Error::InvalidTimeFormat)
    );
    let mut buf = [0u8; 2048];
    let req = Request::new("GET", "/", &HOST);
    let (key, creds) = (key(), creds());
    let signer = Signer::new(&key, &creds, time()).unwrap();
    for expires in [0, 604_801, u32::MAX] {
        assert_eq!(
            v4::presign(&signer, &req, expires, &SigningSettings::new(), &mut buf).map(|_| ()),
            Err(Error::ExpiresOutOfRange)
        );
    }
    assert!(v4::presign(&signer, &req, 1, &SigningSettings::new(), &mut buf).is_ok());
    assert!(v4::presign(&signer, &req, 604_800, &SigningSettings::new(), &mut buf).is_ok());
    let tomorrow = time().checked_add_seconds(86_400).unwrap();
    assert_eq!(
        Signer::new(&key, &creds, tomorrow).map(|_| ()),
        Err(Error::KeyScopeMismatch)
    );
}

#[test]
fn buffers_one_byte_too_small() {
    let req = Request::new("GET", "/?a=b", &HOST);
    let (key, creds) = (key(), creds());
    let signer = Signer::new(&key, &creds, time()).unwrap();
    let full = presign("GET", "/?a=b", &HOST).unwrap();
    let mut exact = vec![0u8; full.len()];
    assert_eq!(
        v4::presign(&signer, &req, 3600, &SigningSettings::new(), &mut exact)
            .unwrap()
            .as_str(),
        full
    );
    let auth = sign("GET", "/?a=b", &HOST).unwrap();
    let mut short = vec![0u8; auth.len() - 1];
    assert_eq!(
        v4::sign_headers(&signer, &req, &SigningSettings::new(), &mut short).map(|_| ()),
        Err(Error::BufferTooSmall { needed: auth.len() })
    );
    // One byte short, and too small for the query itself (the signature is
    // then computed from the parameters instead of the written query): the
    // size is exact either way.
    for len in [full.len() - 1, 0, 10, full.len() / 2] {
        let mut small = vec![0u8; len];
        assert_eq!(
            v4::presign(&signer, &req, 3600, &SigningSettings::new(), &mut small).map(|_| ()),
            Err(Error::BufferTooSmall { needed: full.len() }),
            "{len}"
        );
    }
}

#[test]
fn failing_trace_writer() {
    struct Fails;
    impl core::fmt::Write for Fails {
        fn write_str(&mut self, _: &str) -> core::fmt::Result {
            Err(core::fmt::Error)
        }
    }
    let (mut a, mut b) = (Fails, String::new());
    let mut trace = Trace::new(&mut a, &mut b);
    let mut buf = [0u8; 2048];
    let req = Request::new("GET", "/", &HOST);
    let (key, creds) = (key(), creds());
    let signer = Signer::new(&key, &creds, time()).unwrap();
    assert_eq!(
        v4::presign(
            &signer,
            &req,
            60,
            &SigningSettings::new(),
            Output::traced(&mut buf, &mut trace)
        )
        .map(|_| ()),
        Err(Error::WriteFailed)
    );
}

#[test]
fn v2_specific() {
    let mut buf = [0u8; 4096];
    let req = Request::new("GET", "/?Action=List", &HOST);
    let r = v2::sign_query(
        &creds(),
        &req,
        v2::Validity::Timestamp(time()),
        v2::SignatureMethod::HmacSha1,
        &mut buf,
    );
    assert_eq!(r.map(|_| ()), Err(Error::UnsupportedSignatureMethod));
    let r = v2::sign_form(
        &creds(),
        &req,
        "Action=List",
        v2::Validity::Timestamp(time()),
        v2::SignatureMethod::HmacSha256,
        &mut buf,
    );
    assert_eq!(r.map(|_| ()), Err(Error::InvalidV2Parameters));
    let post = Request::new("POST", "/", &HOST);
    let r = v2::sign_form(
        &creds(),
        &post,
        "Action=List&Expires=x",
        v2::Validity::Timestamp(time()),
        v2::SignatureMethod::HmacSha256,
        &mut buf,
    );
    assert_eq!(r.map(|_| ()), Err(Error::AuthParameterPresent));
}

#[test]
fn s3_bucket_names() {
    assert_eq!(
        s3::Bucket::new(
            "s3.amazonaws.com",
            "My_Bucket",
            s3::Addressing::VirtualHosted
        ),
        Err(Error::InvalidBucketName)
    );
    assert!(s3::Bucket::new("localhost:9000", "My_Bucket", s3::Addressing::Path).is_ok());
}

#[test]
fn large_inputs_have_no_cap() {
    // A 1 MiB target, 10,000 query pairs, 10,000 headers: signed, not refused.
    let mut target = String::from("/");
    while target.len() < 1 << 20 {
        target.push_str("seg/");
    }
    assert!(presign("GET", &target, &HOST).is_ok());
    let mut target = String::from("/?");
    for i in (0..10_000).rev() {
        target.push_str(&format!("k{i}=v{i}&"));
    }
    let signed = presign("GET", &target, &HOST).unwrap();
    assert!(
        signed.contains("&k0=v0&k1=v1&k10=v10&k100=v100&k1000=v1000&k1001=v1001&"),
        "{}",
        &signed[..300]
    );
    let names: Vec<String> = (0..10_000).map(|i| format!("X-H{i}")).collect();
    let mut headers: Vec<(&str, &str)> = names.iter().map(|n| (n.as_str(), "v")).collect();
    headers.push(("Host", "example.amazonaws.com"));
    let auth = sign("GET", "/", &headers).unwrap();
    assert!(auth.contains("SignedHeaders=host;x-amz-date;x-amz-security-token;x-h0;x-h1;x-h10;x-h100;x-h1000;x-h1001;"), "{auth:.200}");
}

#[test]
fn errors_never_show_secrets() {
    let all = [
        Error::InvalidMethod,
        Error::TargetNotAbsolute,
        Error::InvalidTargetByte { byte: 0, at: 0 },
        Error::MalformedPercentEscape { at: 0 },
        Error::QueryNotUtf8,
        Error::AuthParameterPresent,
        Error::AuthHeaderPresent,
        Error::InvalidHeaderName,
        Error::InvalidHeaderValue,
        Error::MissingHost,
        Error::DuplicateHost,
        Error::InvalidHost,
        Error::InvalidBucketName,
        Error::InvalidPayloadHash,
        Error::ContentSha256Mismatch,
        Error::InvalidScheme,
        Error::InvalidAccessKeyId,
        Error::EmptySecretAccessKey,
        Error::InvalidSessionToken,
        Error::InvalidRegion,
        Error::InvalidService,
        Error::AccessKeyIdTooLong,
        Error::NameTooLong,
        Error::KeyCredentialsMismatch,
        Error::TimeOutOfRange,
        Error::InvalidTimeFormat,
        Error::ExpiresOutOfRange,
        Error::KeyScopeMismatch,
        Error::BufferTooSmall { needed: 1 },
        Error::WriteFailed,
        Error::UnsupportedSignatureMethod,
        Error::InvalidV2Parameters,
        Error::CredentialsExpired,
        Error::ExpiresAfterCredentials,
        Error::InvalidChunkSize,
        Error::ChunkedStateError,
        Error::InvalidSignature,
        Error::Rejected(Rejection::SignatureMismatch),
    ];
    for e in all {
        let text = format!("{e} {e:?}");
        assert!(!text.contains(SECRET) && !text.contains(TOKEN));
        assert!(!e.to_string().is_empty() && !e.kind().is_empty());
        // Every variant has a message of its own, not the fallback.
        assert_ne!(e.to_string(), "invalid input", "{e:?}");
    }
    let shown = format!("{:?} {:?} {:?}", creds(), key(), v4::KeyCache::new());
    assert!(!shown.contains(SECRET) && !shown.contains(TOKEN), "{shown}");
}

#[test]
fn presigned_urls_do_not_outlive_their_credentials() {
    let expiry = time().checked_add_seconds(600).unwrap();
    let temporary = creds().with_expiry(expiry);
    let key = SigningKey::derive(&temporary, time(), "us-east-1", "service").unwrap();
    let req = Request::new("GET", "/", &HOST);
    let mut buf = [0u8; 2048];
    let signer = Signer::new(&key, &temporary, time()).unwrap();
    assert_eq!(
        v4::presign(&signer, &req, 3600, &SigningSettings::new(), &mut buf).map(|_| ()),
        Err(Error::ExpiresAfterCredentials)
    );
    let clamped = SigningSettings::new().clamp_expires_to_credentials(true);
    let url = v4::presign(&signer, &req, 3600, &clamped, &mut buf)
        .unwrap()
        .as_str()
        .to_owned();
    assert!(url.contains("X-Amz-Expires=600&"), "{url}");
    assert!(v4::presign(&signer, &req, 600, &SigningSettings::new(), &mut buf).is_ok());
    assert_eq!(
        Signer::new(&key, &temporary, expiry).map(|_| ()),
        Err(Error::CredentialsExpired)
    );
    let just_before =
        Signer::new(&key, &temporary, expiry.checked_add_seconds(-1).unwrap()).unwrap();
    assert!(v4::sign_headers(&just_before, &req, &SigningSettings::new(), &mut buf).is_ok());
}

/// Signing and verifying fail with the one `Error`: `?` takes both, and a
/// server's own `Rejection` converts into it.
#[test]
fn signing_and_verification_share_one_error() {
    fn server_policy(v: &Verified<'_>) -> Result<(), Rejection> {
        match v.region {
            Some("us-east-1") => Ok(()),
            _ => Err(Rejection::WrongRegion),
        }
    }
    fn sign_then_verify(target: &str, expires_in: u32, now: SigningTime) -> Result<String, Error> {
        let mut buf = [0u8; 2048];
        let req = Request::new("GET", target, &HOST);
        let creds = creds();
        let key = key();
        let url = v4::presign(
            &Signer::new(&key, &creds, time())?,
            &req,
            expires_in,
            &SigningSettings::new(),
            &mut buf,
        )?;
        let lookup = |k: &str| (k == "AKIDEXAMPLE").then_some(Secret::new(SECRET, Some(TOKEN)));
        let received = Request::new("GET", url.as_str(), &HOST);
        let verified = verify::verify(&received, &lookup, &Policy::new(now, "service"))?;
        server_policy(&verified)?;
        Ok(verified.access_key_id.to_owned())
    }

    let ok = sign_then_verify("/?a=b", 300, time());
    assert_eq!(ok.as_deref(), Ok("AKIDEXAMPLE"));
    // A signing error, through `?`.
    let e = sign_then_verify("/?a=b", 0, time()).unwrap_err();
    assert_eq!(e, Error::ExpiresOutOfRange);
    assert_eq!((e.kind(), e.rejection()), ("expires_range", None));
    // A verification failure, through `?`.
    let late = time().checked_add_seconds(301).unwrap();
    let e = sign_then_verify("/?a=b", 300, late).unwrap_err();
    assert_eq!(e, Error::Rejected(Rejection::Expired));
    assert_eq!(
        (e.kind(), e.rejection()),
        ("expired", Some(Rejection::Expired))
    );
    assert_eq!(e.to_string(), Rejection::Expired.to_string());

    // A malformed request is refused with the plain error, under its own word.
    let lookup = |_: &str| None::<Secret<'static>>;
    let policy = Policy::new(time(), "service");
    let e = verify::verify(&Request::new("GET", "/a\tb", &HOST), &lookup, &policy).unwrap_err();
    assert_eq!(e, Error::InvalidTargetByte { byte: b'\t', at: 2 });
    assert_eq!((e.kind(), e.rejection()), ("bad_target", None));

    // Every rejection keeps its word, and comes back out.
    let e = Error::from(Rejection::SignatureMismatch);
    assert_eq!(e.kind(), "signature_mismatch");
    assert_eq!(e.rejection(), Some(Rejection::SignatureMismatch));
    for r in [
        Rejection::MissingAuthentication,
        Rejection::AmbiguousAuthentication,
        Rejection::UnsupportedAlgorithm,
        Rejection::MalformedAuthorization,
        Rejection::DuplicateAuthParameter,
        Rejection::MissingAuthParameter,
        Rejection::MalformedCredential,
        Rejection::MalformedDate,
        Rejection::ScopeDateMismatch,
        Rejection::WrongRegion,
        Rejection::WrongService,
        Rejection::MalformedSignedHeaders,
        Rejection::SignedHeaderMissing,
        Rejection::BadExpires,
        Rejection::MalformedSignature,
        Rejection::UnknownAccessKey,
        Rejection::SessionTokenMismatch,
        Rejection::RequestTimeTooSkewed,
        Rejection::Expired,
        Rejection::NotYetValid,
        Rejection::PayloadHashMismatch,
        Rejection::SignatureMismatch,
    ] {
        let e = Error::from(r);
        assert_eq!((e.kind(), e.rejection()), (r.kind(), Some(r)));
        assert_eq!(e.to_string(), r.to_string());
    }
}
