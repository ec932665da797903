//! Scheme `v4-event`: event-stream message signing, and verifying the
//! signed envelopes as a server would (`--verify`, `tests/event_stream.rs`).
//!
//! The case adds `seed_signature` and `messages` (`{"time", "headers":
//! [[name, type, value]...], "payload_b64"}`, or `{"time", "frame_b64"}`
//! for an inner message given encoded; `""` is the closing empty
//! message); the result adds `event_signatures` and `event_frames_b64`.

use awsig::SigningTime;
use awsig::v4::event_stream::{self, Header, HeaderValue, MessageSigner};
use awsig::v4::{KeyCache, Signature};
use awsig::verify::{EventVerifier, Policy, Secret};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use serde_json::{Value, json};

use super::case::{Case, Refused, str_field};
use super::sign::Signing;

/// One message of a case: its time and its inner message, encoded (empty
/// for the closing message).
pub struct EventMessage {
    pub time: SigningTime,
    pub frame: Vec<u8>,
}

fn b64(v: &Value, kind: &'static str) -> Result<Vec<u8>, Refused> {
    B64.decode(v.as_str().ok_or(Refused(kind))?)
        .map_err(|_| Refused(kind))
}

fn int<T: TryFrom<i64>>(v: &Value) -> Result<T, Refused> {
    v.as_i64()
        .and_then(|n| T::try_from(n).ok())
        .ok_or(Refused("bad_event"))
}

fn uuid(v: &Value) -> Result<[u8; 16], Refused> {
    let hex: String = v
        .as_str()
        .ok_or(Refused("bad_event"))?
        .chars()
        .filter(|&c| c != '-')
        .collect();
    let mut out = [0u8; 16];
    if hex.len() != 32 {
        return Err(Refused("bad_event"));
    }
    for (i, b) in out.iter_mut().enumerate() {
        *b = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).map_err(|_| Refused("bad_event"))?;
    }
    Ok(out)
}

/// A header's value from `[name, type, value]`; byte arrays point into
/// `bytes`, decoded beforehand.
fn header_value<'a>(ty: &str, v: &'a Value, bytes: &'a [u8]) -> Result<HeaderValue<'a>, Refused> {
    Ok(match ty {
        "bool" => HeaderValue::Bool(v.as_bool().ok_or(Refused("bad_event"))?),
        "byte" => HeaderValue::Byte(int(v)?),
        "int16" => HeaderValue::Int16(int(v)?),
        "int32" => HeaderValue::Int32(int(v)?),
        "int64" => HeaderValue::Int64(int(v)?),
        "timestamp" => HeaderValue::Timestamp(int(v)?),
        "byte_array" => HeaderValue::ByteArray(bytes),
        "string" => HeaderValue::String(v.as_str().ok_or(Refused("bad_event"))?),
        "uuid" => HeaderValue::Uuid(uuid(v)?),
        _ => return Err(Refused("bad_event")),
    })
}

/// Encodes the inner message of a `{"headers", "payload_b64"}` entry with awsig.
fn encode_inner(m: &Value) -> Result<Vec<u8>, Refused> {
    let list = m["headers"].as_array().ok_or(Refused("bad_event"))?;
    let mut parts = Vec::new();
    for h in list {
        match h.as_array().map(Vec::as_slice) {
            Some([Value::String(n), Value::String(t), v]) => {
                let bytes = if t == "byte_array" {
                    b64(v, "bad_event")?
                } else {
                    Vec::new()
                };
                parts.push((n.as_str(), t.as_str(), v, bytes));
            }
            _ => return Err(Refused("bad_event")),
        }
    }
    let headers = parts
        .iter()
        .map(|(n, t, v, b)| Ok(Header::new(n, header_value(t, v, b)?)))
        .collect::<Result<Vec<_>, Refused>>()?;
    let payload = match m.get("payload_b64") {
        None | Some(Value::Null) => Vec::new(),
        Some(p) => b64(p, "bad_body")?,
    };
    let mut buf = vec![0u8; event_stream::encoded_len(&headers, payload.len())?];
    Ok(event_stream::encode(&headers, &payload, &mut buf)?.to_vec())
}

/// The messages of a `v4-event` case, their inner messages encoded.
pub fn event_messages(case: &Value) -> Result<Vec<EventMessage>, Refused> {
    let list = case["messages"].as_array().ok_or(Refused("bad_case"))?;
    list.iter()
        .map(|m| {
            let time = str_field(m, "time", "bad_time")?.ok_or(Refused("bad_time"))?;
            let time = SigningTime::parse_rfc3339(time)?;
            let frame = match m.get("frame_b64") {
                Some(f) if !f.is_null() && m.get("headers").is_none() => b64(f, "bad_event")?,
                _ => encode_inner(m)?,
            };
            Ok(EventMessage { time, frame })
        })
        .collect()
}

fn seed(case: &Case<'_>) -> Result<Signature, Refused> {
    let hex = str_field(case.json, "seed_signature", "bad_case")?.ok_or(Refused("bad_case"))?;
    Signature::parse(hex).map_err(|_| Refused("bad_case"))
}

impl Signing<'_> {
    /// Scheme `v4-event`: signs every message, chained from the seed, `repeat`
    /// more times for `--repeat`; the result's `event_signatures` and
    /// `event_frames_b64`.
    pub(super) fn sign_events(&self, repeat: usize, buf: &mut [u8]) -> Result<Value, Refused> {
        let c = self.case;
        if c.expires_in.is_some() {
            return Err(Refused("expires_range"));
        }
        let seed = seed(c)?;
        let messages = event_messages(c.json)?;
        let mut keys = KeyCache::new();
        let (mut sigs, mut frames) = (Vec::new(), Vec::new());
        for round in 0..=repeat {
            let mut signer = MessageSigner::new(&seed);
            for m in &messages {
                let key = keys.key(self.credentials, m.time, c.region, c.service)?;
                let signed = signer.sign(key, &m.frame, m.time, &mut *buf)?;
                if round == repeat {
                    sigs.push(Value::from(signed.signature().as_str()));
                    frames.push(Value::from(B64.encode(signed.as_bytes())));
                }
            }
        }
        Ok(json!({
            "canonical_request": null, "string_to_sign": null, "signature": null,
            "authorization": null, "signed_target": null, "added_headers": null, "error": null,
            "event_signatures": sigs, "event_frames_b64": frames,
        }))
    }
}

/// Verifies the envelopes `frames` of a `v4-event` case in order, as its
/// server would (the case's credentials, region and service, each message
/// at its own time): `Ok` when every one verifies and carries the case's
/// inner message, else the first refusal's kind (`inner_mismatch` when a
/// verified envelope carries another message).
pub fn verify_events(case: &Value, frames: &[Vec<u8>]) -> Result<(), String> {
    let c = Case::parse(case).map_err(|r| r.0.to_owned())?;
    let seed = seed(&c).map_err(|r| r.0.to_owned())?;
    let messages = event_messages(case).map_err(|r| r.0.to_owned())?;
    if messages.len() != frames.len() {
        return Err("bad_case".into());
    }
    let (akid, secret) = (c.access_key_id.to_owned(), c.secret.to_owned());
    let lookup = |k: &str| (k == akid).then(|| Secret::new(&secret, None));
    let mut verifier =
        EventVerifier::new(&seed, c.access_key_id).map_err(|e| e.kind().to_owned())?;
    for (m, frame) in messages.iter().zip(frames) {
        let policy = Policy::new(m.time, c.service).region(c.region);
        let event = verifier
            .verify(frame, &lookup, &policy)
            .map_err(|e| e.kind().to_owned())?;
        if event.message != m.frame.as_slice() {
            return Err("inner_mismatch".into());
        }
    }
    Ok(())
}

/// The envelopes of an expected result, decoded.
pub fn expected_frames(expected: &Value) -> Result<Vec<Vec<u8>>, Refused> {
    expected["event_frames_b64"]
        .as_array()
        .ok_or(Refused("bad_case"))?
        .iter()
        .map(|f| b64(f, "bad_case"))
        .collect()
}

/// Rewrites both CRC-32s of an envelope (with `crc32fast`, independently of
/// awsig) after a change, so that the change reaches the signature check.
pub fn reseal(frame: &mut [u8]) {
    if frame.len() < 16 {
        return;
    }
    let prelude = crc32fast::hash(&frame[..8]);
    frame[8..12].copy_from_slice(&prelude.to_be_bytes());
    let end = frame.len() - 4;
    let crc = crc32fast::hash(&frame[..end]);
    frame[end..].copy_from_slice(&crc.to_be_bytes());
}
