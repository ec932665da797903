//! awsig against aws-sigv4 and rusty-s3, with the SHA-256 floor, in one
//! criterion run: one group per workload (`peers-W1`, `peers-W2`,
//! `peers-W3`), functions `awsig/cached`, `awsig/uncached`,
//! `aws-sigv4/sign` (sign only: signature and instructions, no URL or
//! header produced), `aws-sigv4/sign+apply` (a fresh `http::Request`
//! signed, the instructions applied to it: the finished URL or headers, as
//! awsig produces; the request's copy, ~0.1 µs and 2 allocations, is
//! included, and measured alone by `awsig-peers interleaved` and `allocs`),
//! `rusty-s3` (W2 only) and `floor`.
//! Every implementation is checked to produce awsig's signature (and the
//! same URL query or headers) before anything is timed.
//!
//! ```sh
//! cargo bench -p awsig-peers
//! benches/table.sh peers-      # medians and ratios of the last run
//! ```

use std::hint::black_box;
use std::time::Duration;

use awsig_peers::workloads::{self, AwsigSigner, Workload};
use awsig_peers::{aws, rusty, verify};
use criterion::{Criterion, criterion_group, criterion_main};

fn bench_workload(c: &mut Criterion, w: &Workload) {
    verify(w);
    let floor = w.floor();
    let signer = AwsigSigner::new(w);
    let key = w.key();
    let creds = w.credentials();
    let mut buf = vec![0u8; 4096];
    let aws_setup = aws::Setup::new(w);
    let aws_params = aws_setup.params(w);
    let rusty_setup = rusty::Setup::new(w).zip(w.s3);

    let mut g = c.benchmark_group(format!("peers-{}", w.name));
    g.warm_up_time(Duration::from_secs(1));
    g.measurement_time(Duration::from_secs(3));
    g.bench_function("awsig/cached", |b| {
        b.iter(|| black_box(signer.sign(black_box(&key), &mut buf).len()));
    });
    g.bench_function("awsig/uncached", |b| {
        b.iter(|| {
            let key = signer.derive(black_box(&creds));
            black_box(signer.sign(&key, &mut buf).len())
        });
    });
    g.bench_function("aws-sigv4/sign", |b| {
        b.iter(|| aws::sign(black_box(w), &aws_setup.uri, &aws_params));
    });
    g.bench_function("aws-sigv4/sign+apply", |b| {
        b.iter(|| aws::sign_and_apply(black_box(w), &aws_setup, &aws_params));
    });
    if let Some((setup, o)) = &rusty_setup {
        g.bench_function("rusty-s3", |b| {
            b.iter(|| setup.sign(black_box(o.key)));
        });
    }
    g.bench_function("floor", |b| {
        b.iter(|| black_box(floor.run()));
    });
    g.finish();
}

fn peers(c: &mut Criterion) {
    for w in workloads::all() {
        bench_workload(c, &w);
    }
}

criterion_group!(benches, peers);
criterion_main!(benches);
