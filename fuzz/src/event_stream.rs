//! Target `event_stream`: event-stream framing and message signatures.
//!
//! - Arbitrary bytes, read as a stream of messages and as a signed
//!   envelope, never panic the decoder or the verifier.
//! - The input, signed as an inner message, verifies and carries exactly
//!   the input; with one byte of the envelope changed (position and value
//!   from the input) it is refused.
//! - Headers made from the input encode and decode to the same headers.

use awsig::v4::event_stream::{self, Header, HeaderValue, Message, MessageSigner};
use awsig::v4::{Signature, SigningKey};
use awsig::verify::{self, Policy, Secret};
use awsig::{Credentials, SigningTime};

const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

/// Headers from the input: `[type, name length, name..., value...]` each.
fn headers_of(data: &[u8]) -> Vec<(String, u8, Vec<u8>)> {
    let mut out = Vec::new();
    let mut rest = data;
    while let [ty, len, tail @ ..] = rest {
        let n = usize::from(*len % 16).min(tail.len());
        let (name, tail) = tail.split_at(n);
        let v = tail.len().min(usize::from(*len / 16) + 1);
        let (value, tail) = tail.split_at(v);
        out.push((
            String::from_utf8_lossy(name).into_owned(),
            *ty % 10,
            value.to_vec(),
        ));
        rest = tail;
        if out.len() == 8 {
            break;
        }
    }
    out
}

fn value<'a>(ty: u8, v: &'a [u8], text: &'a str) -> HeaderValue<'a> {
    let mut b = [0u8; 16];
    b[..v.len().min(16)].copy_from_slice(&v[..v.len().min(16)]);
    match ty {
        0 => HeaderValue::Bool(v.first().is_some_and(|x| x & 1 == 1)),
        1 => HeaderValue::Byte(b[0] as i8),
        2 => HeaderValue::Int16(i16::from_be_bytes([b[0], b[1]])),
        3 => HeaderValue::Int32(i32::from_be_bytes([b[0], b[1], b[2], b[3]])),
        4 => HeaderValue::Int64(i64::from_be_bytes(b[..8].try_into().unwrap())),
        5 => HeaderValue::ByteArray(v),
        6 => HeaderValue::String(text),
        7 => HeaderValue::Timestamp(i64::from_be_bytes(b[8..].try_into().unwrap())),
        _ => HeaderValue::Uuid(b),
    }
}

pub fn event_stream(data: &[u8]) {
    // Arbitrary bytes: a stream of messages.
    let mut rest = data;
    while let Ok((m, tail)) = Message::decode_prefix(rest) {
        let _ = (m.headers().count(), m.payload().len(), m.header(":date"));
        rest = tail;
    }
    let creds = Credentials::new("AKIDEXAMPLE", SECRET, None).unwrap();
    let t = SigningTime::from_unix_seconds(1_764_763_200).unwrap();
    let key = SigningKey::derive(&creds, t, "us-east-1", "transcribe").unwrap();
    let seed = Signature::parse(&"ab".repeat(32)).unwrap();
    let lookup = |_: &str| Some(Secret::new(SECRET, None));
    let policy = Policy::new(t, "transcribe").region("us-east-1");
    let _ = verify::verify_event_message(data, &seed, "AKIDEXAMPLE", &lookup, &policy);

    // The input signed as an inner message.
    let mut buf = vec![0u8; data.len() + event_stream::ENVELOPE_OVERHEAD];
    let sent = MessageSigner::new(&seed)
        .sign(&key, data, t, &mut buf[..])
        .unwrap();
    let frame = sent.as_bytes().to_vec();
    let ok = verify::verify_event_message(&frame, &seed, "AKIDEXAMPLE", &lookup, &policy).unwrap();
    assert_eq!(ok.message, data);
    assert_eq!(ok.signature, sent.signature());
    if let [a, b, ..] = data {
        let mut changed = frame.clone();
        let at = usize::from(*a) * 256 % changed.len();
        changed[at] ^= b | 1;
        assert!(
            verify::verify_event_message(&changed, &seed, "AKIDEXAMPLE", &lookup, &policy).is_err()
        );
    }

    // Headers made from the input round-trip.
    let owned = headers_of(data);
    let texts: Vec<String> = owned
        .iter()
        .map(|(_, _, v)| String::from_utf8_lossy(v).into_owned())
        .collect();
    let headers: Vec<Header<'_>> = owned
        .iter()
        .zip(&texts)
        .map(|((n, ty, v), text)| Header::new(n, value(*ty, v, text)))
        .collect();
    match event_stream::encoded_len(&headers, data.len()) {
        Ok(len) => {
            let mut out = vec![0u8; len];
            let frame = event_stream::encode(&headers, data, &mut out[..]).unwrap();
            let m = Message::decode(frame).unwrap();
            assert!(m.headers().eq(headers.iter().copied()));
            assert_eq!(m.payload(), data);
        }
        Err(e) => assert!(headers.iter().any(|h| h.name.is_empty()), "{e:?}"),
    }
}
