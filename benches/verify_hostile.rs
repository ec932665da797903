//! Verifying hostile requests just under 1 MiB against a baseline of the
//! same size (`benches/README.md`, "Hostile requests"):
//!
//! - `baseline`: one 900 KB header, header-signed: the cost is hashing it;
//! - `params`: an S3 presigned URL with 60,000 extra (signed) parameters;
//! - `segments`: a non-S3 path of 16,000 segments and a `/.` segment;
//! - `headers`: 4,000 headers, all listed in `SignedHeaders`;
//! - `sigv2`: a SigV2 query of 60,000 parameters.
//!
//! Each is verified twice: under the default policy (`default/*`: the
//! limits refuse it before any work) and with no limits (`unlimited/*`:
//! every step runs, to show each is O(n log n)). Every hostile request is
//! validly signed, so that nothing short-circuits but the limits.
//!
//! ```sh
//! cargo bench --bench verify_hostile
//! ```

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};

use awsig::v4::{Signer, SigningKey, SigningSettings};
use awsig::verify::{self, Limits, Policy, Secret};
use awsig::{Credentials, Request, SigningTime, v2, v4};

const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

/// A received request: method, target, headers.
struct Hostile {
    name: &'static str,
    service: &'static str,
    target: String,
    headers: Vec<(String, String)>,
}

fn time() -> SigningTime {
    SigningTime::parse_rfc3339("2015-08-30T12:36:00Z").unwrap()
}

fn header_signed(name: &'static str, path: &str, extra: Vec<(String, String)>) -> Hostile {
    let creds = Credentials::new("AKIDEXAMPLE", SECRET, None).unwrap();
    let key = SigningKey::derive(&creds, time(), "us-east-1", "execute-api").unwrap();
    let signer = Signer::new(&key, &creds, time()).unwrap();
    let mut headers = vec![("Host".to_string(), "example.com".to_string())];
    headers.extend(extra);
    let hs: Vec<(&str, &str)> = headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let mut buf = vec![0u8; 1 << 20];
    let signed = v4::sign_headers(
        &signer,
        &Request::new("GET", path, &hs),
        &SigningSettings::new(),
        &mut buf,
    )
    .unwrap();
    let added: Vec<(String, String)> = signed
        .headers()
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect();
    headers.extend(added);
    Hostile {
        name,
        service: "execute-api",
        target: path.to_string(),
        headers,
    }
}

fn requests() -> Vec<Hostile> {
    let mut out = Vec::new();
    out.push(header_signed(
        "baseline",
        "/",
        vec![("x-big".into(), "a".repeat(900_000))],
    ));
    // 60,000 parameters in an S3 presigned URL.
    let creds = Credentials::new("AKIDEXAMPLE", SECRET, None).unwrap();
    let key = SigningKey::derive(&creds, time(), "us-east-1", "s3").unwrap();
    let signer = Signer::new(&key, &creds, time()).unwrap();
    let query: String = (0..60_000).map(|i| format!("p{i}=v&")).collect();
    let host = [("Host", "examplebucket.s3.amazonaws.com")];
    let mut buf = vec![0u8; 4 << 20];
    let url = v4::presign(
        &signer,
        &Request::new("GET", &format!("/key?{query}"), &host),
        300,
        &SigningSettings::s3(),
        &mut buf,
    )
    .unwrap()
    .as_str()
    .to_string();
    out.push(Hostile {
        name: "params",
        service: "s3",
        target: url,
        headers: vec![("Host".into(), host[0].1.into())],
    });
    let deep: String = (0..16_000).map(|i| format!("/s{i}")).collect::<String>() + "/.";
    out.push(header_signed("segments", &deep, Vec::new()));
    let many = (0..4_000)
        .map(|i| (format!("x-h{i}"), "v".to_string()))
        .collect();
    out.push(header_signed("headers", "/", many));
    // A SigV2 query of 60,000 parameters.
    let query: String = (0..60_000).map(|i| format!("p{i}=v&")).collect();
    let host = [("Host", "sqs.us-east-1.amazonaws.com")];
    let url = v2::sign_query(
        &creds,
        &Request::new("GET", &format!("/?{query}"), &host),
        v2::Validity::Timestamp(time()),
        v2::SignatureMethod::HmacSha256,
        &mut buf,
    )
    .unwrap()
    .as_str()
    .to_string();
    out.push(Hostile {
        name: "sigv2",
        service: "sqs",
        target: url,
        headers: vec![("Host".into(), host[0].1.into())],
    });
    out
}

fn bench(c: &mut Criterion) {
    let lookup = |_: &str| Some(Secret::new(SECRET, None));
    let mut g = c.benchmark_group("verify_hostile");
    g.sample_size(10);
    g.warm_up_time(Duration::from_millis(500));
    g.measurement_time(Duration::from_secs(2));
    for r in requests() {
        let hs: Vec<(&str, &str)> = r
            .headers
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        let request = Request::new("GET", &r.target, &hs);
        let size = r.target.len() + hs.iter().map(|(n, v)| n.len() + v.len()).sum::<usize>();
        assert!(size < 1 << 20, "{}: {size} bytes", r.name);
        let default = Policy::new(time(), r.service).sigv2(900);
        let unlimited = default.limits(Limits::NONE);
        // Validly signed: with no limits, every one verifies.
        verify::verify(&request, &lookup, &unlimited).unwrap_or_else(|e| panic!("{}: {e}", r.name));
        let by_default = verify::verify(&request, &lookup, &default);
        assert_eq!(
            by_default.is_ok(),
            r.name == "baseline",
            "{}: {by_default:?}",
            r.name
        );
        g.bench_function(format!("default/{}", r.name), |b| {
            b.iter(|| black_box(verify::verify(black_box(&request), &lookup, &default).is_ok()));
        });
        g.bench_function(format!("unlimited/{}", r.name), |b| {
            b.iter(|| black_box(verify::verify(black_box(&request), &lookup, &unlimited).is_ok()));
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
