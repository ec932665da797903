//! Writes the `v4-event` conformance corpus (`tests/vectors/v4-event.jsonl`)
//! with `aws-sigv4`'s event-stream signer as the oracle:
//!
//! ```sh
//! cargo run --release -p awsig-peers --bin event_corpus > tests/vectors/v4-event.jsonl
//! ```
//!
//! Each line is `{"case", "expected"}` in the format of the conformance
//! protocol's `v4-event` scheme: the case's messages (typed headers and a
//! payload, or an already encoded `frame_b64`, the closing empty message
//! last) are encoded by `aws-smithy-eventstream` and signed one after the
//! other by `aws_sigv4::event_stream::sign_message` (and
//! `sign_empty_message` for the closing one), chained from the case's
//! `seed_signature`; `expected` holds each signature and each envelope as
//! `aws-smithy-eventstream` writes it. Nothing of awsig is used. The cases
//! are generated from a fixed seed, so the output is the same on every run.

use std::time::{Duration, SystemTime};

use aws_credential_types::Credentials;
use aws_sigv4::event_stream::{sign_empty_message, sign_message};
use aws_sigv4::sign::v4;
use aws_smithy_eventstream::frame::{read_message_from, write_message_to};
use aws_smithy_runtime_api::client::identity::Identity;
use aws_smithy_types::DateTime;
use aws_smithy_types::event_stream::{Header, HeaderValue, Message};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use serde_json::{Value, json};

/// xorshift64*: a fixed, dependency-free pseudo-random sequence.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next() as u8).collect()
    }
    fn hex(&mut self, n: usize) -> String {
        self.bytes(n).iter().map(|b| format!("{b:02x}")).collect()
    }
}

const AKID: &str = "AKIDEXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const TOKEN: &str = "IQoJb3JpZ2luX2VjEBoaCXVzLWVhc3QtMiJHMEUCIQAvFvx7TWScuT/QLhFHpW/5yOBS4zNDqLBrjjp8COfZEb23Gd3Q9jGMVF/X25vb46Zc75AwZ9JYJcsy1beVsR3aWaFJxlIB/NLQ2QpN5sgQbVhaOEme1EiP0Eask/dAkNZ36kX9SD6Ct3QMBBHW3icHewZt2PRWFEXeIsMyRDsrTknGVtBKuQ7lZSDejpvROHM/HAJN1hgR1dNN1H8NEWWFAJLZNCMRYtmHQwcuC1IToUPLez6mSKa+Fo5oY1ol/Q==";

/// One header as the case has it (`[name, type, value]`) and as
/// aws-smithy-types has it.
fn header(rng: &mut Rng, i: usize) -> (Value, Header) {
    let name = match i % 4 {
        0 => format!(":h-{i}"),
        1 => format!("x-amz-meta-{i}"),
        2 => format!("h{i}"),
        _ => format!("content-type-{}", "x".repeat(rng.below(40) as usize)),
    };
    let (json, value) = match rng.below(9) {
        0 => {
            let b = rng.below(2) == 0;
            (json!([name, "bool", b]), HeaderValue::Bool(b))
        }
        1 => {
            let v = rng.next() as i8;
            (json!([name, "byte", v]), HeaderValue::Byte(v))
        }
        2 => {
            let v = rng.next() as i16;
            (json!([name, "int16", v]), HeaderValue::Int16(v))
        }
        3 => {
            let v = rng.next() as i32;
            (json!([name, "int32", v]), HeaderValue::Int32(v))
        }
        4 => {
            let v = (rng.next() as i64) >> 12; // within JSON's exact integers
            (json!([name, "int64", v]), HeaderValue::Int64(v))
        }
        5 => {
            let n = [0, 1, 32, 300][rng.below(4) as usize];
            let v = rng.bytes(n);
            (
                json!([name, "byte_array", B64.encode(&v)]),
                HeaderValue::ByteArray(v.into()),
            )
        }
        6 => {
            let s = [
                "",
                "application/json",
                "AudioEvent",
                "héllo wörld ✓",
                "a\"b\\c",
            ][rng.below(5) as usize]
                .to_owned();
            (json!([name, "string", s]), HeaderValue::String(s.into()))
        }
        7 => {
            let ms = 1_700_000_000_000 + rng.below(100_000_000_000) as i64;
            (
                json!([name, "timestamp", ms]),
                HeaderValue::Timestamp(DateTime::from_millis(ms)),
            )
        }
        _ => {
            let v = u128::from(rng.next()) << 64 | u128::from(rng.next());
            let h = format!("{v:032x}");
            let text = format!(
                "{}-{}-{}-{}-{}",
                &h[..8],
                &h[8..12],
                &h[12..16],
                &h[16..20],
                &h[20..]
            );
            (json!([name, "uuid", text]), HeaderValue::Uuid(v))
        }
    };
    (json, Header::new(name, value))
}

fn rfc3339(t: SystemTime) -> String {
    let d = t.duration_since(SystemTime::UNIX_EPOCH).unwrap();
    let dt = DateTime::from_secs_and_nanos(d.as_secs() as i64, d.subsec_nanos());
    dt.fmt(aws_smithy_types::date_time::Format::DateTime)
        .unwrap()
}

struct Spec {
    id: String,
    region: &'static str,
    service: &'static str,
    token: bool,
    start: SystemTime,
    /// Payload size per message (`None`: an already encoded frame is given).
    messages: Vec<(Option<usize>, usize, u64)>,
}

/// Signs the messages of `spec` with aws-sigv4: the `{"case", "expected"}` line.
fn line(spec: &Spec, rng: &mut Rng) -> Value {
    let seed = rng.hex(32);
    let creds = Credentials::new(
        AKID,
        SECRET,
        spec.token.then(|| TOKEN.to_owned()),
        None,
        "event_corpus",
    );
    let identity: Identity = creds.into();
    let (mut messages, mut sigs, mut frames) = (Vec::new(), Vec::new(), Vec::new());
    let mut last = seed.clone();
    let mut t = spec.start;
    for &(size, nheaders, step) in &spec.messages {
        t += Duration::from_millis(step);
        let params = v4::SigningParams::builder()
            .identity(&identity)
            .region(spec.region)
            .name(spec.service)
            .time(t)
            .settings(())
            .build()
            .unwrap();
        let (case_msg, signed) = match size {
            Some(size) => {
                let (jh, hs): (Vec<Value>, Vec<Header>) =
                    (0..nheaders).map(|i| header(rng, i)).unzip();
                let payload = rng.bytes(size);
                let mut msg = Message::new(payload.clone());
                for h in hs {
                    msg = msg.add_header(h);
                }
                let case_msg =
                    json!({"time": rfc3339(t), "headers": jh, "payload_b64": B64.encode(&payload)});
                (case_msg, sign_message(&msg, &last, &params).unwrap())
            }
            None if nheaders == 0 => {
                let case_msg = json!({"time": rfc3339(t), "frame_b64": ""});
                (case_msg, sign_empty_message(&last, &params).unwrap())
            }
            None => {
                // An inner message given already encoded.
                let mut msg = Message::new(rng.bytes(nheaders * 10));
                let (_, h) = header(rng, 2);
                msg = msg.add_header(h);
                let mut frame = Vec::new();
                write_message_to(&msg, &mut frame).unwrap();
                let decoded = read_message_from(&frame[..]).unwrap();
                let case_msg = json!({"time": rfc3339(t), "frame_b64": B64.encode(&frame)});
                (case_msg, sign_message(&decoded, &last, &params).unwrap())
            }
        };
        let (envelope, signature) = signed.into_parts();
        let mut bytes = Vec::new();
        write_message_to(&envelope, &mut bytes).unwrap();
        messages.push(case_msg);
        frames.push(Value::from(B64.encode(&bytes)));
        sigs.push(Value::from(signature.clone()));
        last = signature;
    }
    let host = format!("{}.{}.amazonaws.com", spec.service, spec.region);
    json!({
        "case": {
            "id": spec.id, "scheme": "v4-event",
            "request": {"method": "POST", "target": "/stream", "headers": [["Host", host]], "body_b64": ""},
            "credentials": {"access_key_id": AKID, "secret_access_key": SECRET,
                            "session_token": if spec.token { Value::from(TOKEN) } else { Value::Null }},
            "region": spec.region, "service": spec.service, "time": rfc3339(spec.start),
            "expires_in": null, "payload": null,
            "seed_signature": seed, "messages": messages,
        },
        "expected": {
            "canonical_request": null, "string_to_sign": null, "signature": null,
            "authorization": null, "signed_target": null, "added_headers": null, "error": null,
            "event_signatures": sigs, "event_frames_b64": frames,
        },
    })
}

fn specs(rng: &mut Rng) -> Vec<Spec> {
    let scopes = [
        ("us-east-1", "transcribe"),
        ("us-west-2", "bedrock"),
        ("eu-west-1", "lex"),
        ("ap-southeast-2", "rekognition"),
    ];
    let base = SystemTime::UNIX_EPOCH + Duration::from_secs(1_764_763_200); // 2025-12-03T12:00:00Z
    let end = (None, 0, 1000);
    let mut out = Vec::new();
    let mut push = |id: &str, i: usize, token: bool, start: SystemTime, messages| {
        let (region, service) = scopes[i % scopes.len()];
        out.push(Spec {
            id: format!("v4-event/{id}"),
            region,
            service,
            token,
            start,
            messages,
        });
    };
    // Only the closing message; one empty event; sizes up to 64 KiB.
    push("close-only", 0, false, base, vec![end]);
    push("empty-event", 1, false, base, vec![(Some(0), 0, 0), end]);
    for (i, size) in [1usize, 100, 3200, 8192, 65_535, 65_536]
        .into_iter()
        .enumerate()
    {
        push(
            &format!("payload-{size}"),
            i,
            i % 2 == 1,
            base,
            vec![(Some(size), 1, 500), end],
        );
    }
    // Every header type, several per message, several messages per stream.
    for n in 0..16 {
        let count = 2 + rng.below(5) as usize;
        let msgs: Vec<_> = (0..count)
            .map(|_| {
                let size = [0, 7, 320, 1024, 5000][rng.below(5) as usize];
                (Some(size), rng.below(7) as usize, rng.below(3000))
            })
            .chain([end])
            .collect();
        let start = base + Duration::from_secs(rng.below(86_000));
        push(&format!("stream-{n}"), n, n % 3 == 0, start, msgs);
    }
    // Inner messages given already encoded.
    for n in 0..4 {
        let msgs = vec![(None, 1 + n, 250), (None, 3, 250), (Some(64), 2, 0), end];
        push(&format!("encoded-frames-{n}"), n, false, base, msgs);
    }
    // A stream that runs past midnight UTC: the key of the next day.
    let late = SystemTime::UNIX_EPOCH + Duration::from_secs(1_764_806_399); // 23:59:59
    push(
        "midnight",
        0,
        false,
        late,
        vec![(Some(10), 1, 0), (Some(10), 1, 1500), end],
    );
    // Sub-second times: aws-sigv4 drops the milliseconds.
    let odd = base + Duration::from_millis(750);
    push(
        "subsecond",
        2,
        true,
        odd,
        vec![(Some(20), 2, 333), (Some(20), 0, 333), end],
    );
    out
}

/// The message of aws-sigv4's own tests (`src/event_stream.rs`, `string_to_sign`
/// and `sign`): credentials `Credentials::for_tests()`, previous signature
/// SHA-256 of `last message sts`, time 123456789.000001234.
fn aws_sigv4_unit_test_case() -> Value {
    let creds = Credentials::new(
        "ANOTREAL",
        "notrealrnrELgWzOk3IfjzDKtFBhDby",
        None,
        None,
        "test",
    );
    let identity: Identity = creds.into();
    let time = SystemTime::UNIX_EPOCH + Duration::new(123_456_789, 1234);
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region("us-east-1")
        .name("testservice")
        .time(time)
        .settings(())
        .build()
        .unwrap();
    use sha2::Digest as _;
    let last: String = sha2::Sha256::digest(b"last message sts")
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let msg = Message::new(&b"test payload"[..]).add_header(Header::new(
        "some-header",
        HeaderValue::String("value".into()),
    ));
    let (envelope, signature) = sign_message(&msg, &last, &params).unwrap().into_parts();
    let mut bytes = Vec::new();
    write_message_to(&envelope, &mut bytes).unwrap();
    json!({
        "case": {
            "id": "aws-sigv4/event_stream.rs/sign", "scheme": "v4-event",
            "request": {"method": "POST", "target": "/", "headers": [["Host", "testservice.us-east-1.amazonaws.com"]], "body_b64": ""},
            "credentials": {"access_key_id": "ANOTREAL", "secret_access_key": "notrealrnrELgWzOk3IfjzDKtFBhDby", "session_token": null},
            "region": "us-east-1", "service": "testservice", "time": "1973-11-29T21:33:09Z",
            "expires_in": null, "payload": null, "seed_signature": last,
            "messages": [{"time": "1973-11-29T21:33:09.000001234Z",
                          "headers": [["some-header", "string", "value"]],
                          "payload_b64": B64.encode(b"test payload")}],
        },
        "expected": {
            "canonical_request": null, "string_to_sign": null, "signature": null,
            "authorization": null, "signed_target": null, "added_headers": null, "error": null,
            "event_signatures": [signature], "event_frames_b64": [B64.encode(&bytes)],
        },
    })
}

fn main() {
    let mut rng = Rng(0x5eed_0018_e7e7_0001);
    println!("{}", aws_sigv4_unit_test_case());
    for spec in specs(&mut rng) {
        println!("{}", line(&spec, &mut rng));
    }
}
