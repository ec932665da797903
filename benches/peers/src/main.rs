//! `awsig-peers`: the non-timing side of the peers comparison.
//!
//! ```text
//! awsig-peers check          sign W1-W3 with every implementation, check they agree
//! awsig-peers allocs         median heap allocations per signature, per implementation
//! awsig-peers floor W1 N     the SHA-256 floor of W1, N times (for callgrind)
//! awsig-peers sign W1 N      awsig, cached key, N times (for callgrind)
//! awsig-peers case W1        W1 as a conformance case with its expected result (JSON Lines)
//! awsig-peers interleaved    medians with the implementations timed in turn, round by round
//! awsig-peers series W1 S    awsig, aws-sigv4 and the floor over S seconds, window by window
//! ```
//!
//! aws-sigv4 appears twice: `sign` (the signature and the instructions
//! only, no URL or header produced) and `sign+apply` (a fresh
//! `http::Request` signed and the instructions applied to it, so that it
//! holds the finished URL or headers, as awsig's output does). `request
//! clone` is the cost of making that fresh request alone, included in
//! `sign+apply`, for readers to subtract.
//!
//! The timings are the criterion bench: `cargo bench -p awsig-peers`.

use std::hint::black_box;
use std::process::ExitCode;
use std::time::Instant;

use awsig_peers::workloads::{self, AwsigSigner, EXPIRES_IN, Kind, TIME, Workload};
use awsig_peers::{aws, counting, rusty, verify};
use base64::Engine as _;
use serde_json::{Value, json};

const USAGE: &str = "usage: awsig-peers check | allocs | floor W N | sign W N | case W | interleaved [ROUNDS] | series W SECONDS";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let workload = |name: &str| {
        workloads::by_name(name).unwrap_or_else(|| {
            eprintln!("awsig-peers: no workload {name:?} (W1, W2, W3)");
            std::process::exit(2)
        })
    };
    let count = |n: &str| {
        n.parse::<usize>().unwrap_or_else(|_| {
            eprintln!("awsig-peers: {n:?} is not a count");
            std::process::exit(2)
        })
    };
    match args.as_slice() {
        ["check"] => check(),
        ["allocs"] => allocs(),
        ["floor", w, n] => floor(&workload(w), count(n)),
        ["sign", w, n] => sign(&workload(w), count(n)),
        ["case", w] => case(&workload(w)),
        ["series", w, secs] => series(&workload(w), count(secs)),
        ["interleaved"] => interleaved(301),
        ["interleaved", n] => interleaved(count(n).max(1)),
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    }
    ExitCode::SUCCESS
}

fn check() {
    for w in workloads::all() {
        let a = verify(&w);
        println!(
            "{}: signature {} (awsig, {}: equal)",
            w.name,
            a.signature,
            a.peers.join(", ")
        );
    }
}

fn allocs() {
    const RUNS: usize = 101;
    println!("median heap allocations per signature (calls / bytes), {RUNS} signatures each");
    println!(
        "| workload | awsig cached | awsig uncached | aws-sigv4 sign | aws-sigv4 sign+apply | request clone | rusty-s3 |"
    );
    println!("| --- | --- | --- | --- | --- | --- | --- |");
    for w in workloads::all() {
        verify(&w);
        let signer = AwsigSigner::new(&w);
        let key = w.key();
        let creds = w.credentials();
        let mut buf = vec![0u8; 4096];
        let cached = counting::median(RUNS, || signer.sign(&key, &mut buf).len());
        let uncached = counting::median(RUNS, || {
            let key = signer.derive(&creds);
            signer.sign(&key, &mut buf).len()
        });
        let setup = aws::Setup::new(&w);
        let params = setup.params(&w);
        let aws = counting::median(RUNS, || aws::sign(&w, &setup.uri, &params));
        let applied = counting::median(RUNS, || aws::sign_and_apply(&w, &setup, &params));
        let request = counting::median(RUNS, || setup.request());
        let rusty = rusty::Setup::new(&w)
            .zip(w.s3)
            .map(|(setup, o)| counting::median(RUNS, || setup.sign(o.key)));
        let cell = |(calls, bytes): (usize, usize)| format!("{calls} / {bytes} B");
        println!(
            "| {} | {} | {} | {} | {} | {} | {} |",
            w.name,
            cell(cached),
            cell(uncached),
            cell(aws),
            cell(applied),
            cell(request),
            rusty.map_or("n/a".to_owned(), cell)
        );
    }
}

fn floor(w: &Workload, n: usize) {
    let f = w.floor();
    let mut acc = 0u8;
    for _ in 0..n {
        acc ^= black_box(f.run())[0];
    }
    println!("{}: floor x{n} (checksum {acc})", w.name);
}

fn sign(w: &Workload, n: usize) {
    let signer = AwsigSigner::new(w);
    let key = w.key();
    let mut buf = vec![0u8; 4096];
    let mut len = 0;
    for _ in 0..n {
        len += black_box(signer.sign(black_box(&key), &mut buf).len());
    }
    println!("{}: awsig x{n} ({len} bytes)", w.name);
}

/// The workload as a conformance case (`{"case", "expected"}`), its expected
/// result awsig's own, emitted only once aws-sigv4 (and rusty-s3) agree.
fn case(w: &Workload) {
    verify(w);
    let scheme = match w.kind {
        Kind::Presign => "v4-query",
        Kind::S3Presign => "s3-v4-query",
        Kind::Headers => "v4-header",
    };
    let id = format!("bench/{}", w.name);
    let headers: Vec<Value> = w.headers.iter().map(|(n, v)| json!([n, v])).collect();
    let c = json!({
        "id": id,
        "scheme": scheme,
        "request": {
            "method": w.method,
            "target": w.target,
            "headers": headers,
            "body_b64": base64::engine::general_purpose::STANDARD.encode(&w.body),
        },
        "credentials": {
            "access_key_id": workloads::ACCESS_KEY_ID,
            "secret_access_key": workloads::SECRET_ACCESS_KEY,
            "session_token": w.session_token,
        },
        "region": w.region,
        "service": w.service,
        "time": TIME,
        "expires_in": if w.is_presign() { Some(EXPIRES_IN) } else { None },
        "payload": null,
    });
    let i = w.inspect();
    let signer = AwsigSigner::new(w);
    let key = w.key();
    let (authorization, signed_target, added) = if w.is_presign() {
        (None, Some(signer.presigned_target(&key)), None)
    } else {
        let added = signer.signed_headers(&key);
        let authorization = added
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case("authorization"))
            .map(|(_, v)| v.clone());
        let added: Vec<Value> = added.iter().map(|(n, v)| json!([n, v])).collect();
        (authorization, None, Some(added))
    };
    let expected = json!({
        "id": id,
        "canonical_request": i.canonical_request,
        "string_to_sign": i.string_to_sign,
        "signature": i.signature,
        "authorization": authorization,
        "signed_target": signed_target,
        "added_headers": added,
        "error": null,
    });
    println!("{}", json!({"case": c, "expected": expected}));
}

/// One implementation's signature, as a closure.
type Timed<'a> = Box<dyn FnMut() + 'a>;

/// Times every implementation of every workload in turn, round after round
/// (each round a batch of ~1 ms per implementation, the order rotated), and
/// prints the median time per signature of each, and the median over rounds
/// of the ratios to the floor and of aws-sigv4 (sign only, and sign+apply)
/// to awsig. A burst of load on a shared machine then hits a round of every
/// implementation alike instead of one criterion benchmark, so the ratios
/// stay meaningful. `request clone` (making the fresh `http::Request` that
/// sign+apply signs, included in it) is timed the same way.
fn interleaved(rounds: usize) {
    println!(
        "interleaved, {rounds} rounds: median per signature; ratios are medians of per-round ratios"
    );
    println!(
        "| workload | awsig cached | awsig uncached | aws-sigv4 sign | aws-sigv4 sign+apply | request clone | rusty-s3 | floor | cached x floor | aws-sigv4 sign / cached | aws-sigv4 sign / uncached | aws-sigv4 sign+apply / cached | aws-sigv4 sign+apply / uncached |"
    );
    println!("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
    for w in workloads::all() {
        verify(&w);
        let floor = w.floor();
        let signer = AwsigSigner::new(&w);
        let key = w.key();
        let creds = w.credentials();
        let setup = aws::Setup::new(&w);
        let params = setup.params(&w);
        let rusty = rusty::Setup::new(&w).zip(w.s3);
        let mut buf = vec![0u8; 4096];
        let mut buf2 = vec![0u8; 4096];
        let mut runs: Vec<(&str, Timed<'_>)> = vec![
            (
                "cached",
                Box::new(|| {
                    black_box(signer.sign(black_box(&key), &mut buf).len());
                }),
            ),
            (
                "uncached",
                Box::new(|| {
                    let key = signer.derive(black_box(&creds));
                    black_box(signer.sign(&key, &mut buf2).len());
                }),
            ),
            (
                "aws-sigv4 sign",
                Box::new(|| {
                    black_box(aws::sign(black_box(&w), &setup.uri, &params));
                }),
            ),
            (
                "aws-sigv4 sign+apply",
                Box::new(|| {
                    black_box(aws::sign_and_apply(black_box(&w), &setup, &params));
                }),
            ),
            (
                "request clone",
                Box::new(|| {
                    black_box(black_box(&setup).request());
                }),
            ),
            (
                "floor",
                Box::new(|| {
                    black_box(floor.run());
                }),
            ),
        ];
        if let Some((setup, o)) = &rusty {
            runs.push((
                "rusty-s3",
                Box::new(move || {
                    black_box(setup.sign(black_box(o.key)));
                }),
            ));
        }
        // Batch sizes for ~1 ms each, after a warm-up.
        let batches: Vec<u32> = runs
            .iter_mut()
            .map(|(_, f)| {
                let start = Instant::now();
                let mut n = 0u32;
                while start.elapsed().as_millis() < 200 {
                    f();
                    n += 1;
                }
                (n / 200).max(1)
            })
            .collect();
        let mut per: Vec<Vec<f64>> = vec![Vec::with_capacity(rounds); runs.len()];
        for round in 0..rounds {
            for k in 0..runs.len() {
                let i = (k + round) % runs.len();
                let (_, f) = &mut runs[i];
                let start = Instant::now();
                for _ in 0..batches[i] {
                    f();
                }
                per[i].push(start.elapsed().as_nanos() as f64 / f64::from(batches[i]));
            }
        }
        let names: Vec<&str> = runs.iter().map(|(n, _)| *n).collect();
        let idx = |name: &str| names.iter().position(|n| *n == name);
        let median = |mut v: Vec<f64>| {
            v.sort_by(f64::total_cmp);
            v[v.len() / 2]
        };
        let ratio =
            |a: usize, b: usize| median((0..rounds).map(|r| per[a][r] / per[b][r]).collect());
        let cell = |name: &str| {
            idx(name).map_or("n/a".to_owned(), |i| {
                format!("{:.0} ns", median(per[i].clone()))
            })
        };
        let (c, u, a, p, f) = (
            idx("cached").unwrap_or(0),
            idx("uncached").unwrap_or(0),
            idx("aws-sigv4 sign").unwrap_or(0),
            idx("aws-sigv4 sign+apply").unwrap_or(0),
            idx("floor").unwrap_or(0),
        );
        println!(
            "| {} | {} | {} | {} | {} | {} | {} | {} | {:.2} | {:.2} | {:.2} | {:.2} | {:.2} |",
            w.name,
            cell("cached"),
            cell("uncached"),
            cell("aws-sigv4 sign"),
            cell("aws-sigv4 sign+apply"),
            cell("request clone"),
            cell("rusty-s3"),
            cell("floor"),
            ratio(c, f),
            ratio(a, c),
            ratio(a, u),
            ratio(p, c),
            ratio(p, u),
        );
    }
}

/// awsig (cached key), aws-sigv4 (sign + apply) and the floor of one
/// workload, in turn, for `secs` seconds: per quarter second, each one's
/// median time and the two ratios. This machine's speed changes over
/// time, every few seconds, for awsig and aws-sigv4 but not for the floor
/// (see benches/README.md, "Two speeds over time"); the series shows it,
/// and which ratios hold through it.
fn series(w: &Workload, secs: usize) {
    verify(w);
    let floor = w.floor();
    let signer = AwsigSigner::new(w);
    let key = w.key();
    let setup = aws::Setup::new(w);
    let params = setup.params(w);
    let mut buf = vec![0u8; 4096];
    println!(
        "{}: per 250 ms window, medians of 100-signature batches",
        w.name
    );
    println!(
        "| t (s) | awsig cached | aws-sigv4 sign+apply | floor | awsig x floor | aws-sigv4 / awsig |"
    );
    println!("| --- | --- | --- | --- | --- | --- |");
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let start = Instant::now();
    while start.elapsed().as_secs_f64() < secs as f64 {
        let t = start.elapsed().as_secs_f64();
        let (mut a, mut p, mut f) = (Vec::new(), Vec::new(), Vec::new());
        let window = Instant::now();
        while window.elapsed().as_millis() < 250 {
            let s = Instant::now();
            for _ in 0..100 {
                black_box(signer.sign(black_box(&key), &mut buf).len());
            }
            a.push(s.elapsed().as_nanos() as f64 / 100.0);
            let s = Instant::now();
            for _ in 0..100 {
                black_box(aws::sign_and_apply(black_box(w), &setup, &params));
            }
            p.push(s.elapsed().as_nanos() as f64 / 100.0);
            let s = Instant::now();
            for _ in 0..100 {
                black_box(floor.run());
            }
            f.push(s.elapsed().as_nanos() as f64 / 100.0);
        }
        let (a, p, f) = (median(&mut a), median(&mut p), median(&mut f));
        println!(
            "| {t:.2} | {a:.0} ns | {p:.0} ns | {f:.0} ns | {:.2} | {:.2} |",
            a / f,
            p / a
        );
    }
}
