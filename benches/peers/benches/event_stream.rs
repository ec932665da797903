//! One event-stream message signature, awsig against aws-sigv4 1.6.4
//! (`aws_sigv4::event_stream::sign_message`), in one criterion run: groups
//! `event-3200` (100 ms of 16 kHz 16-bit audio, Transcribe's usual chunk)
//! and `event-65536`, each message with Transcribe's three headers.
//!
//! - `awsig/cached`: `MessageSigner::sign_event` with a key derived once
//!   (encodes the inner message into the envelope and signs: the bytes to
//!   send).
//! - `awsig/uncached`: the same with the key derived in the loop, as
//!   aws-sigv4 always does.
//! - `aws-sigv4/sign`: `sign_message` (encodes the inner message, derives
//!   the key, signs; returns the envelope as a `Message`, not yet bytes).
//! - `aws-sigv4/sign+encode`: the same, then `write_message_to` of the
//!   envelope: the bytes to send, as awsig's output is.
//! - `crc32/awsig-encode`, `crc32/crc32fast`: the framing alone: awsig's
//!   `event_stream::encode` of the payload (a copy and one CRC-32 with
//!   awsig's table-driven CRC) against a copy and `crc32fast::hash`.
//!
//! Before timing, both signers must give the same signature and envelope
//! bytes.
//!
//! ```sh
//! cargo bench -p awsig-peers --bench event_stream
//! benches/table.sh event-
//! ```

use std::hint::black_box;
use std::time::{Duration, SystemTime};

use aws_credential_types::Credentials as AwsCredentials;
use aws_sigv4::event_stream::sign_message;
use aws_sigv4::sign::v4 as aws_v4;
use aws_smithy_eventstream::frame::write_message_to;
use aws_smithy_runtime_api::client::identity::Identity;
use aws_smithy_types::event_stream::{Header as AwsHeader, HeaderValue as AwsValue, Message};
use awsig::v4::event_stream::{self, Header, HeaderValue, MessageSigner};
use awsig::v4::{Signature, SigningKey};
use awsig::{Credentials, SigningTime};
use awsig_peers::workloads::{ACCESS_KEY_ID, SECRET_ACCESS_KEY, UNIX_SECONDS};
use criterion::{Criterion, criterion_group, criterion_main};

const SEED: &str = "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9";
const HEADERS: [(&str, &str); 3] = [
    (":message-type", "event"),
    (":event-type", "AudioEvent"),
    (":content-type", "application/octet-stream"),
];

fn bench_size(c: &mut Criterion, size: usize) {
    let payload: Vec<u8> = (0..size).map(|i| (i * 31 % 251) as u8).collect();
    let time = SigningTime::from_unix_seconds(UNIX_SECONDS).unwrap();
    let creds = Credentials::new(ACCESS_KEY_ID, SECRET_ACCESS_KEY, None).unwrap();
    let key = SigningKey::derive(&creds, time, "us-east-1", "transcribe").unwrap();
    let seed = Signature::parse(SEED).unwrap();
    let headers = HEADERS.map(|(n, v)| Header::new(n, HeaderValue::String(v)));
    let mut buf = vec![0u8; size + 256];

    let identity: Identity =
        AwsCredentials::new(ACCESS_KEY_ID, SECRET_ACCESS_KEY, None, None, "bench").into();
    let params = aws_v4::SigningParams::builder()
        .identity(&identity)
        .region("us-east-1")
        .name("transcribe")
        .time(SystemTime::UNIX_EPOCH + Duration::from_secs(UNIX_SECONDS as u64))
        .settings(())
        .build()
        .unwrap();
    let message = HEADERS
        .iter()
        .fold(Message::new(payload.clone()), |m, (n, v)| {
            m.add_header(AwsHeader::new(*n, AwsValue::String((*v).into())))
        });

    // Both give the same envelope, byte for byte.
    let ours = MessageSigner::new(&seed)
        .sign_event(&key, &headers, &payload, time, &mut buf[..])
        .map(|m| (m.signature().to_string(), m.as_bytes().to_vec()))
        .unwrap();
    let (envelope, signature) = sign_message(&message, SEED, &params).unwrap().into_parts();
    let mut theirs = Vec::new();
    write_message_to(&envelope, &mut theirs).unwrap();
    assert_eq!((ours.0.as_str(), &ours.1), (signature.as_str(), &theirs));

    let mut g = c.benchmark_group(format!("event-{size}"));
    g.warm_up_time(Duration::from_secs(1));
    g.measurement_time(Duration::from_secs(3));
    g.bench_function("awsig/cached", |b| {
        b.iter(|| {
            let mut s = MessageSigner::new(&seed);
            let m = s.sign_event(&key, &headers, black_box(&payload), time, &mut buf[..]);
            black_box(m.map(|m| m.as_bytes().len()).unwrap_or(0))
        });
    });
    g.bench_function("awsig/uncached", |b| {
        b.iter(|| {
            let key = SigningKey::derive(black_box(&creds), time, "us-east-1", "transcribe");
            let key = key.unwrap();
            let mut s = MessageSigner::new(&seed);
            let m = s.sign_event(&key, &headers, black_box(&payload), time, &mut buf[..]);
            black_box(m.map(|m| m.as_bytes().len()).unwrap_or(0))
        });
    });
    g.bench_function("aws-sigv4/sign", |b| {
        b.iter(|| black_box(sign_message(black_box(&message), SEED, &params).unwrap()));
    });
    g.bench_function("aws-sigv4/sign+encode", |b| {
        b.iter(|| {
            let (envelope, _) = sign_message(black_box(&message), SEED, &params)
                .unwrap()
                .into_parts();
            let mut out = Vec::with_capacity(size + 256);
            write_message_to(&envelope, &mut out).unwrap();
            black_box(out.len())
        });
    });
    g.bench_function("crc32/awsig-encode", |b| {
        b.iter(|| {
            black_box(
                event_stream::encode(&[], black_box(&payload), &mut buf[..])
                    .map(|f| f[f.len() - 1]),
            )
        });
    });
    g.bench_function("crc32/crc32fast", |b| {
        b.iter(|| {
            buf[12..12 + size].copy_from_slice(black_box(&payload));
            black_box(crc32fast::hash(&buf[..12 + size]))
        });
    });
    g.finish();
}

fn events(c: &mut Criterion) {
    for size in [3200, 65_536] {
        bench_size(c, size);
    }
}

criterion_group!(benches, events);
criterion_main!(benches);
