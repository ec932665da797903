//! Event-stream message signing (`v4::event_stream`) and its verification
//! (`verify::EventVerifier`): the `v4-event` corpus written by aws-sigv4
//! (`benches/peers/src/bin/event_corpus.rs`) byte for byte, every case
//! verified, single-byte tamperings refused, and aws-sigv4's own unit test
//! vectors.

use std::path::Path;

use awsig::v4::event_stream::{
    self, ENVELOPE_OVERHEAD, Header, HeaderValue, MAX_HEADER_NAME_LEN, MAX_HEADER_VALUE_LEN,
    Message, MessageSigner,
};
use awsig::v4::{Signature, SigningKey};
use awsig::verify::{self, EventVerifier, Policy, Rejection, Secret};
use awsig::{Credentials, Error, Output, SigningTime, Trace};
use awsig_tools::conformance::{self as runner, Runner};
use serde_json::Value;

mod repo_data;

fn corpus() -> Vec<Value> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors/v4-event.jsonl");
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn corpus_signs_byte_for_byte() {
    if repo_data::vectors_not_packaged("corpus_signs_byte_for_byte") {
        return;
    }
    let runner = Runner::new();
    let mut buf = vec![0u8; 4096];
    let rows = corpus();
    let mut messages = 0;
    for row in &rows {
        let want = &row["expected"];
        let got = runner.result_for(row, 0, &mut buf);
        for (field, value) in want.as_object().unwrap() {
            assert_eq!(&got[field], value, "{}: {field}", row["case"]["id"]);
        }
        messages += want["event_signatures"].as_array().unwrap().len();
    }
    assert_eq!(rows.len(), 31);
    assert_eq!(messages, 120);
    // `--repeat` signs the same.
    let got = runner.result_for(&rows[3], 3, &mut buf);
    assert_eq!(
        got["event_frames_b64"],
        rows[3]["expected"]["event_frames_b64"]
    );
}

#[test]
fn corpus_verifies() {
    if repo_data::vectors_not_packaged("corpus_verifies") {
        return;
    }
    for row in corpus() {
        let got = runner::verify_line(&row);
        assert_eq!(got["valid"], Value::Bool(true), "{got}");
    }
}

/// Byte positions to tamper with in a frame: the prelude, the envelope's
/// headers, the start of the inner message, a few further in, the CRC.
fn positions(len: usize) -> Vec<usize> {
    let mut p: Vec<usize> = (0..len.min(ENVELOPE_OVERHEAD + 40)).collect();
    p.extend([len / 2, len.saturating_sub(5)]);
    p.extend(len.saturating_sub(4)..len);
    p.sort();
    p.dedup();
    p
}

#[test]
fn single_byte_tamperings_are_refused() {
    if repo_data::vectors_not_packaged("single_byte_tamperings_are_refused") {
        return;
    }
    let mut tried = 0;
    for row in corpus() {
        let case = &row["case"];
        let frames = runner::expected_frames(&row["expected"]).unwrap();
        for i in 0..frames.len() {
            for at in positions(frames[i].len()) {
                // Resealing rewrites the CRCs: a change to one is undone.
                let crc = (8..12).contains(&at) || at >= frames[i].len() - 4;
                for reseal in [false, true] {
                    if reseal && crc {
                        continue;
                    }
                    let mut t = frames.clone();
                    t[i][at] ^= 0x01;
                    if reseal {
                        runner::reseal(&mut t[i]);
                    }
                    let kind = runner::verify_events(case, &t).err().unwrap_or_else(|| {
                        panic!("{} frame {i} byte {at} reseal {reseal}", case["id"])
                    });
                    // After the prelude, a change with both CRCs made good
                    // reaches the signature check (or breaks a header).
                    if reseal && at >= ENVELOPE_OVERHEAD - 4 {
                        // The inner message: only the signature can tell.
                        assert_eq!(
                            kind, "signature_mismatch",
                            "{} frame {i} byte {at}",
                            case["id"]
                        );
                    } else if !reseal {
                        assert_eq!(kind, "bad_event", "{} frame {i} byte {at}", case["id"]);
                    }
                    tried += 1;
                }
            }
            // Dropped, or swapped with the next: the chain breaks.
            let mut t = frames.clone();
            if i + 1 < t.len() {
                t.swap(i, i + 1);
                assert!(runner::verify_events(case, &t).is_err());
            }
        }
    }
    assert_eq!(tried, 26_724);
}

/// aws-sigv4 1.6.4 `src/event_stream.rs`, test `string_to_sign`: the same
/// message, credentials (`Credentials::for_tests()`), time and previous
/// signature give this string to sign.
#[test]
fn aws_sigv4_string_to_sign_vector() {
    let creds = Credentials::new("ANOTREAL", "notrealrnrELgWzOk3IfjzDKtFBhDby", None).unwrap();
    // 123456789.000001234 s: the sub-second part is dropped.
    let time = SigningTime::from_unix_seconds(123_456_789).unwrap();
    let key = SigningKey::derive(&creds, time, "us-east-1", "testservice").unwrap();
    let last = "be1f8c7d79ef8e1abc5254a2c70e4da3bfaf4f07328f527444e1fc6ea67273e2"; // sha256("last message sts")
    let mut signer = MessageSigner::new(&Signature::parse(last).unwrap());
    let (mut cr, mut sts) = (String::new(), String::new());
    let mut trace = Trace::new(&mut cr, &mut sts);
    let mut buf = [0u8; 256];
    let headers = [Header::new("some-header", HeaderValue::String("value"))];
    let (bytes, signature) = signer
        .sign_event(
            &key,
            &headers,
            b"test payload",
            time,
            Output::traced(&mut buf, &mut trace),
        )
        .map(|m| (m.as_bytes().to_vec(), m.signature()))
        .unwrap();
    let expected = "AWS4-HMAC-SHA256-PAYLOAD\n\
        19731129T213309Z\n\
        19731129/us-east-1/testservice/aws4_request\n\
        be1f8c7d79ef8e1abc5254a2c70e4da3bfaf4f07328f527444e1fc6ea67273e2\n\
        0c0e3b3bf66b59b976181bd7d401927bbd624107303c713fd1e5f3d3c8dd1b1e\n\
        f2eba0f2e95967ee9fbc6db5e678d2fd599229c0d04b11e4fc8e0f2a02a806c6";
    assert_eq!(sts, expected);
    assert!(cr.is_empty());
    // aws-sigv4's test `sign`: `:chunk-signature` (the signature, raw) then
    // `:date` (the time in whole seconds).
    let envelope = Message::decode(&bytes).unwrap();
    let hs: Vec<Header<'_>> = envelope.headers().collect();
    assert_eq!(hs.len(), 2);
    assert_eq!(hs[0].name, ":chunk-signature");
    let HeaderValue::ByteArray(raw) = hs[0].value else {
        panic!("{hs:?}")
    };
    let hex: String = raw.iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(hex, signature.as_str());
    assert_eq!(
        hs[1],
        Header::new(":date", HeaderValue::Timestamp(123_456_789_000))
    );
    // The signature aws-sigv4 1.6.4 gives for it (the corpus's first line).
    assert_eq!(
        signature.as_str(),
        "08fed460df836999e1c4137962a3d6ad66a9e8c1bf8e8888e3cbeee26bbf774d"
    );
}

#[test]
fn encoding_limits_and_buffers() {
    let name = "n".repeat(MAX_HEADER_NAME_LEN);
    let value = "v".repeat(MAX_HEADER_VALUE_LEN);
    let ok = [Header::new(&name, HeaderValue::String(&value))];
    let len = event_stream::encoded_len(&ok, 0).unwrap();
    assert_eq!(len, 12 + 1 + 255 + 1 + 2 + 32_767 + 4);
    let mut buf = vec![0u8; len];
    let frame = event_stream::encode(&ok, b"", &mut buf).unwrap();
    assert_eq!(
        Message::decode(frame).unwrap().header(&name),
        Some(HeaderValue::String(&value))
    );
    let long_name = "n".repeat(MAX_HEADER_NAME_LEN + 1);
    let long_value = vec![0u8; MAX_HEADER_VALUE_LEN + 1];
    for bad in [
        Header::new(&long_name, HeaderValue::Bool(true)),
        Header::new("", HeaderValue::Bool(true)),
        Header::new("a", HeaderValue::ByteArray(&long_value)),
    ] {
        assert_eq!(
            event_stream::encoded_len(&[bad], 0),
            Err(Error::InvalidEventHeader)
        );
        assert_eq!(
            event_stream::encode(&[bad], b"", &mut buf),
            Err(Error::InvalidEventHeader)
        );
    }
    let mut small = [0u8; 10];
    assert_eq!(
        event_stream::encode(&[], b"abc", &mut small),
        Err(Error::BufferTooSmall { needed: 19 })
    );
    // A signer that failed on a small buffer signs the same message again.
    let creds = Credentials::new("AKID", "secret", None).unwrap();
    let t = SigningTime::from_unix_seconds(1_764_763_200).unwrap();
    let key = SigningKey::derive(&creds, t, "us-east-1", "transcribe").unwrap();
    let seed = Signature::parse(&"0".repeat(64)).unwrap();
    let mut signer = MessageSigner::new(&seed);
    let mut tiny = [0u8; ENVELOPE_OVERHEAD + 2];
    assert_eq!(
        signer.sign(&key, b"abc", t, &mut tiny).unwrap_err(),
        Error::BufferTooSmall {
            needed: ENVELOPE_OVERHEAD + 3
        }
    );
    assert_eq!(signer.previous_signature(), &seed);
    let mut a = [0u8; 128];
    let first = signer.sign(&key, b"abc", t, &mut a).unwrap().signature();
    assert_eq!(
        MessageSigner::new(&seed).signature(&key, b"abc", t),
        Ok(first)
    );
    // A key of another day is refused.
    let tomorrow = t.checked_add_seconds(86_400).unwrap();
    assert_eq!(
        signer.sign(&key, b"abc", tomorrow, &mut a).unwrap_err(),
        Error::KeyScopeMismatch
    );
    // The alloc form.
    let owned = awsig::with_buffer(|buf| {
        MessageSigner::new(&seed)
            .sign(&key, &[7u8; 5000], t, buf)
            .map(|m| m.as_bytes().to_vec())
    })
    .unwrap();
    assert_eq!(owned.len(), ENVELOPE_OVERHEAD + 5000);
}

#[test]
fn every_header_type_round_trips() {
    let uuid = [0xab; 16];
    let headers = [
        Header::new("t", HeaderValue::Bool(true)),
        Header::new("f", HeaderValue::Bool(false)),
        Header::new("b", HeaderValue::Byte(-3)),
        Header::new("s", HeaderValue::Int16(-300)),
        Header::new("i", HeaderValue::Int32(70_000)),
        Header::new("l", HeaderValue::Int64(-1 << 40)),
        Header::new("a", HeaderValue::ByteArray(b"\x00\xff")),
        Header::new("str", HeaderValue::String("héllo")),
        Header::new("ts", HeaderValue::Timestamp(1_764_763_200_123)),
        Header::new("u", HeaderValue::Uuid(uuid)),
    ];
    let mut buf = [0u8; 256];
    let frame = event_stream::encode(&headers, b"payload", &mut buf).unwrap();
    let m = Message::decode(frame).unwrap();
    assert!(m.headers().eq(headers.iter().copied()));
    assert_eq!(m.payload(), b"payload");
    // Truncated, extended, or with a header type that does not exist.
    assert_eq!(
        Message::decode(&frame[..frame.len() - 1]),
        Err(Error::MalformedEventMessage)
    );
    let mut longer = frame.to_vec();
    longer.push(0);
    assert_eq!(Message::decode(&longer), Err(Error::MalformedEventMessage));
    let (first, rest) = Message::decode_prefix(&longer).unwrap();
    assert_eq!((first, rest), (m, &[0u8][..]));
    let mut bad_type = frame.to_vec();
    bad_type[12 + 2] = 10; // the type of header `t`
    runner::reseal(&mut bad_type);
    assert_eq!(
        Message::decode(&bad_type),
        Err(Error::MalformedEventMessage)
    );
    for n in 0..16 {
        assert_eq!(
            Message::decode(&frame[..n]),
            Err(Error::MalformedEventMessage)
        );
    }
}

#[test]
fn verifier_refusals() {
    let creds = Credentials::new("AKIDEXAMPLE", "secret", None).unwrap();
    let t = SigningTime::from_unix_seconds(1_764_763_200).unwrap();
    let key = SigningKey::derive(&creds, t, "us-east-1", "transcribe").unwrap();
    let seed = Signature::parse(&"ab".repeat(32)).unwrap();
    let mut buf = [0u8; 256];
    let sent = MessageSigner::new(&seed)
        .sign(&key, b"inner", t, &mut buf)
        .unwrap();
    let frame = sent.as_bytes().to_vec();
    let lookup = |k: &str| (k == "AKIDEXAMPLE").then_some(Secret::new("secret", None));
    let policy = Policy::new(t, "transcribe").region("us-east-1");
    let check = |frame: &[u8], akid: &str, policy: &Policy<'_>| {
        verify::verify_event_message(frame, &seed, akid, &lookup, policy)
            .map(|e| e.message.to_vec())
    };
    assert_eq!(check(&frame, "AKIDEXAMPLE", &policy), Ok(b"inner".to_vec()));
    let rejected = |e: Result<Vec<u8>, Error>| e.unwrap_err().rejection();
    assert_eq!(
        rejected(check(&frame, "AKIDOTHER", &policy)),
        Some(Rejection::UnknownAccessKey)
    );
    let west = Policy::new(t, "transcribe").region("us-west-2");
    assert_eq!(
        rejected(check(&frame, "AKIDEXAMPLE", &west)),
        Some(Rejection::SignatureMismatch)
    );
    let late = Policy::new(t.checked_add_seconds(901).unwrap(), "transcribe").region("us-east-1");
    assert_eq!(
        rejected(check(&frame, "AKIDEXAMPLE", &late)),
        Some(Rejection::RequestTimeTooSkewed)
    );
    assert_eq!(
        check(&frame, "AKIDEXAMPLE", &Policy::new(t, "transcribe")),
        Err(Error::InvalidRegion)
    );
    // Another service than the stream's: its signatures do not verify.
    assert_eq!(
        check(
            &frame,
            "AKIDEXAMPLE",
            &Policy::new(t, "bedrock").region("us-east-1")
        ),
        Err(Rejection::SignatureMismatch.into())
    );
    // Envelopes whose headers are not exactly one signature and one date.
    let sig = [1u8; 32];
    let date = HeaderValue::Timestamp(t.unix_seconds() * 1000);
    let forged = |headers: &[Header<'_>]| {
        let mut b = vec![0u8; 512];
        let n = event_stream::encode(headers, b"inner", &mut b)
            .unwrap()
            .len();
        b.truncate(n);
        b
    };
    let cases: [(&[Header<'_>], Rejection); 5] = [
        (
            &[Header::new(":date", date)],
            Rejection::MissingAuthParameter,
        ),
        (
            &[Header::new(
                ":chunk-signature",
                HeaderValue::ByteArray(&sig),
            )],
            Rejection::MissingAuthParameter,
        ),
        (
            &[
                Header::new(":chunk-signature", HeaderValue::ByteArray(&sig[..31])),
                Header::new(":date", date),
            ],
            Rejection::MalformedSignature,
        ),
        (
            &[
                Header::new(":chunk-signature", HeaderValue::ByteArray(&sig)),
                Header::new(":date", HeaderValue::Int64(0)),
            ],
            Rejection::MalformedDate,
        ),
        (
            &[
                Header::new(":chunk-signature", HeaderValue::ByteArray(&sig)),
                Header::new(":date", date),
                Header::new(":date", date),
            ],
            Rejection::DuplicateAuthParameter,
        ),
    ];
    for (headers, want) in cases {
        assert_eq!(
            rejected(check(&forged(headers), "AKIDEXAMPLE", &policy)),
            Some(want),
            "{headers:?}"
        );
    }
    let extra = forged(&[
        Header::new(":chunk-signature", HeaderValue::ByteArray(&sig)),
        Header::new(":date", date),
        Header::new("x", HeaderValue::Bool(true)),
    ]);
    assert_eq!(
        rejected(check(&extra, "AKIDEXAMPLE", &policy)),
        Some(Rejection::MalformedAuthorization)
    );
    // A stream verifier stays refused after a failure, and derives its key
    // once per day.
    let mut v = EventVerifier::new(&seed, "AKIDEXAMPLE").unwrap();
    assert!(v.verify(&extra, &lookup, &policy).is_err());
    assert!(v.verify(&frame, &lookup, &policy).is_err());
    let mut v = EventVerifier::new(&seed, "AKIDEXAMPLE").unwrap();
    assert!(v.verify(&frame, &lookup, &policy).is_ok());
    assert_eq!(v.previous_signature(), &sent.signature());
}

/// Arbitrary bytes (random, and every prefix of a real envelope) never
/// make the decoder or the verifier panic.
#[test]
fn arbitrary_bytes_never_panic() {
    let mut x = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let creds = Credentials::new("AKID", "secret", None).unwrap();
    let t = SigningTime::from_unix_seconds(1_764_763_200).unwrap();
    let key = SigningKey::derive(&creds, t, "us-east-1", "transcribe").unwrap();
    let seed = Signature::parse(&"0".repeat(64)).unwrap();
    let mut buf = [0u8; 512];
    let headers = [Header::new("a", HeaderValue::String("b"))];
    let real = MessageSigner::new(&seed)
        .sign_event(&key, &headers, b"payload", t, &mut buf)
        .unwrap()
        .as_bytes()
        .to_vec();
    let lookup = |_: &str| Some(Secret::new("secret", None));
    let policy = Policy::new(t, "transcribe").region("us-east-1");
    let mut inputs: Vec<Vec<u8>> = (0..=real.len()).map(|n| real[..n].to_vec()).collect();
    for _ in 0..2000 {
        let mut v = real.clone();
        for _ in 0..(next() % 4 + 1) {
            let at = (next() as usize) % v.len();
            v[at] = next() as u8;
        }
        runner::reseal(&mut v);
        inputs.push(v);
        inputs.push((0..next() % 64).map(|_| next() as u8).collect());
    }
    for input in &inputs {
        let _ = Message::decode(input).map(|m| m.headers().count());
        let _ = Message::decode_prefix(input);
        let _ = verify::verify_event_message(input, &seed, "AKID", &lookup, &policy);
    }
}
