//! Signing throughput against the SHA-256 floor, one criterion group per
//! workload (see `benches/README.md`):
//!
//! - `awsig/cached`: the signing key derived once, outside the loop;
//! - `awsig/uncached`: the key derived inside the loop (4 more HMACs);
//! - `floor`: SHA-256 of the same canonical request (and of the body, for
//!   W3) and HMAC-SHA256 of the same string to sign with a state keyed once,
//!   the work no SigV4 signer can avoid.
//!
//! W2 also times the general `v4::presign` on the encoded target
//! (`awsig-v4presign/*`) and an `s3::ObjectPresigner` prepared once for the
//! bucket (`awsig-presigner/cached`); `awsig/*` is `s3::presign_get` from the
//! raw key.
//!
//! ```sh
//! cargo bench --bench signing
//! ```

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};

use awsig_workloads as workloads;

use workloads::{AwsigSigner, Kind, Workload};

fn bench_workload(c: &mut Criterion, w: &Workload) {
    let expected = w.inspect().signature;
    let floor = w.floor(); // asserts floor HMAC == awsig signature
    let key = w.key();
    let creds = w.credentials();
    let p = AwsigSigner::new(w);
    let mut buf = vec![0u8; 4096];

    // The outputs carry the expected signature before anything is timed.
    assert!(p.sign(&key, &mut buf).ends_with(&expected), "{}", w.name);
    if w.kind == Kind::S3Presign {
        let url = p.sign_v4_presign(&key, &mut buf).to_owned();
        assert!(url.ends_with(&expected), "{}", w.name);
        assert_eq!(
            url,
            p.sign(&key, &mut buf),
            "{}: same URL both ways",
            w.name
        );
    }

    let mut g = c.benchmark_group(w.name);
    g.warm_up_time(Duration::from_secs(1));
    g.measurement_time(Duration::from_secs(3));

    g.bench_function("awsig/cached", |b| {
        b.iter(|| {
            black_box(p.sign(black_box(&key), &mut buf).len());
        });
    });
    g.bench_function("awsig/uncached", |b| {
        b.iter(|| {
            let key = p.derive(black_box(&creds));
            black_box(p.sign(&key, &mut buf).len());
        });
    });
    if w.kind == Kind::S3Presign {
        g.bench_function("awsig-v4presign/cached", |b| {
            b.iter(|| {
                black_box(p.sign_v4_presign(black_box(&key), &mut buf).len());
            });
        });
        // The prepared presigner: what is the same for every key done once.
        let presigner = p.object_presigner(&key).expect("W2 is S3");
        let url = p.sign(&key, &mut buf).to_owned();
        assert_eq!(p.sign_with_presigner(&presigner, &mut buf), url, "same URL");
        g.bench_function("awsig-presigner/cached", |b| {
            b.iter(|| {
                black_box(p.sign_with_presigner(black_box(&presigner), &mut buf).len());
            });
        });
        g.bench_function("awsig-v4presign/uncached", |b| {
            b.iter(|| {
                let key = p.derive(black_box(&creds));
                black_box(p.sign_v4_presign(&key, &mut buf).len());
            });
        });
    }
    g.bench_function("floor", |b| {
        b.iter(|| black_box(floor.run()));
    });
    g.finish();
}

/// SigV4a (feature `sigv4a`): W2's S3 GET presigned for the region set `*`,
/// key derived once (`cached`), or per signature (`uncached`: the KDF and a
/// scalar multiplication). The ECDSA signature dominates.
#[cfg(feature = "sigv4a")]
fn bench_v4a(c: &mut Criterion) {
    use awsig::v4::{self, Signer};
    use awsig::v4a::V4aSigningKey;
    let w = workloads::by_name("W2").expect("W2");
    let creds = w.credentials();
    let time = w.time();
    let key = V4aSigningKey::derive(&creds, "*", "s3").expect("key");
    let host = [("Host", "examplebucket.s3.amazonaws.com")];
    let request = awsig::Request::new("GET", "/photos/2020/12/my%20holiday%2Bfile.jpg", &host)
        .with_payload(awsig::Payload::Unsigned);
    let settings = awsig::v4::SigningSettings::s3();
    let mut buf = vec![0u8; 4096];
    let mut g = c.benchmark_group("W2-sigv4a");
    g.warm_up_time(Duration::from_secs(1));
    g.measurement_time(Duration::from_secs(3));
    g.bench_function("awsig/cached", |b| {
        b.iter(|| {
            let signer = Signer::new(black_box(&key), &creds, time).expect("signer");
            black_box(
                v4::presign(&signer, &request, 3600, &settings, &mut buf).map(|p| p.as_str().len()),
            )
        });
    });
    g.bench_function("awsig/uncached", |b| {
        b.iter(|| {
            let key = V4aSigningKey::derive(black_box(&creds), "*", "s3").expect("key");
            let signer = Signer::new(&key, &creds, time).expect("signer");
            black_box(
                v4::presign(&signer, &request, 3600, &settings, &mut buf).map(|p| p.as_str().len()),
            )
        });
    });
    g.finish();
}

#[cfg(not(feature = "sigv4a"))]
fn bench_v4a(_: &mut Criterion) {}

fn signing(c: &mut Criterion) {
    for w in workloads::all() {
        bench_workload(c, &w);
    }
    bench_v4a(c);
}

criterion_group!(benches, signing);
criterion_main!(benches);
