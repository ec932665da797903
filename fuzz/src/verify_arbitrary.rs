//! `verify_arbitrary`: `verify` never panics and accepts only what the
//! verifier's secret signed, as the reference confirms (see `fuzz/README.md`).

use arbitrary::Arbitrary;
use awsig::v4::{SessionTokenMode, Signer, SigningKey, SigningSettings};
use awsig::verify::{self, Policy, Scheme, Secret};
use awsig::{Error, Payload, Request, SigningTime};

use crate::case::{Case, payload_line, query_param, ref_payload, ref_settings};
use crate::reference as r;
use crate::sign_arbitrary::excused;
use crate::signing::{ample, sign_into};
use crate::wire::Reader;

/// The only secret the verifier knows. No input carries it: requests are
/// only ever signed with it by the harness itself (mode `Genuine`).
pub const VERIFIER_SECRET: &str = "fuzz/verifier+secret=never-in-inputs";
/// The session token the verifier expects for `ASIA...` keys (not secret).
pub const VERIFIER_TOKEN: &str = "FwoGZXIvYXdzEFUZZTOKEN//+==";
pub const KNOWN_AKID: &str = "AKIDFUZZ";
pub const KNOWN_TEMP_AKID: &str = "ASIAFUZZ";
pub const UNKNOWN_AKID: &str = "AKIDUNKNOWN";

fn verifier_lookup(akid: &str) -> Option<Secret<'static>> {
    if akid == UNKNOWN_AKID {
        None
    } else if akid.starts_with("ASIA") {
        Some(Secret::new(VERIFIER_SECRET, Some(VERIFIER_TOKEN)))
    } else {
        Some(Secret::new(VERIFIER_SECRET, None))
    }
}

/// Parts of an access key id.
#[derive(Arbitrary, Clone, Debug)]
pub enum AkidPart {
    Known,
    Temporary,
    Unknown,
    Raw(String),
}

#[derive(Arbitrary, Clone, Debug)]
pub enum Sep {
    Slash,
    Encoded,
    EncodedLower,
    Raw(String),
}

/// A near-valid SigV4 authorization, from parts.
#[derive(Arbitrary, Clone, Debug)]
pub struct ForgedAuth {
    pub algorithm: Option<String>,
    pub akid: AkidPart,
    pub date: Option<String>,
    pub region: String,
    pub service: String,
    pub terminator: Option<String>,
    pub sep: Sep,
    pub signed_headers: Vec<String>,
    pub raw_signed_headers: Option<String>,
    /// 32 bytes written as hex, or raw text.
    pub signature: Result<[u8; 32], String>,
    pub extra_field: Option<String>,
    pub field_order: u8,
    pub in_query: bool,
    pub expires: Result<u32, String>,
    pub amz_date: Result<u32, String>,
    pub token: Option<Option<String>>,
    pub content_sha256: Option<String>,
}

#[derive(Arbitrary, Clone, Debug)]
pub struct ForgedV2 {
    pub akid: AkidPart,
    pub version: Option<String>,
    pub method: Option<String>,
    pub signature: Result<[u8; 32], String>,
    pub timestamp: Option<Result<u32, String>>,
    pub expires: Option<Result<u32, String>>,
    pub token: Option<Option<String>>,
}

#[derive(Arbitrary, Clone, Debug)]
pub enum ServerPayload {
    Empty,
    Body(Vec<u8>),
    Precomputed([u8; 32]),
    Unsigned,
    Streaming,
}

impl ServerPayload {
    fn get<'a>(&'a self, storage: &'a mut String) -> Payload<'a> {
        match self {
            ServerPayload::Empty => Payload::Body(b""),
            ServerPayload::Body(b) => Payload::Body(b),
            ServerPayload::Precomputed(h) => {
                *storage = r::to_hex(h);
                Payload::Precomputed(storage)
            }
            ServerPayload::Unsigned => Payload::Unsigned,
            ServerPayload::Streaming => Payload::StreamingSigned,
        }
    }
}

/// What the verifier requires.
#[derive(Arbitrary, Clone, Debug)]
pub struct ForgedPolicy {
    /// Seconds from the request's claimed date (or absolute, when none).
    pub now_offset: i32,
    pub max_skew: Option<u16>,
    pub region: Option<String>,
    pub service: Option<String>,
    pub settings: Option<u8>,
    /// SigV2 accepted, with this maximum lifetime.
    pub sigv2: Option<u32>,
    pub allow_unsigned_payload: Option<bool>,
    pub allow_streaming: Option<bool>,
}

/// A forged request: everything from the fuzzer, no secret.
#[derive(Arbitrary, Clone, Debug)]
pub struct Forged {
    pub method: String,
    pub path: String,
    pub query: Vec<(String, String)>,
    pub headers: Vec<(String, String)>,
    pub auth: Option<ForgedAuth>,
    pub v2: Option<ForgedV2>,
    pub policy: ForgedPolicy,
    pub payload: ServerPayload,
}

/// A change to a genuinely signed request.
#[derive(Arbitrary, Clone, Debug)]
pub enum Mutation {
    Method(String),
    InsertInTarget { at: u16, text: String },
    DeleteInTarget { at: u16, len: u8 },
    TargetByte { at: u16, byte: u8 },
    AddQuery { key: String, value: String },
    AddHeader { name: String, value: String },
    RemoveHeader(u8),
    HeaderValue { which: u8, value: String },
    HeaderName { which: u8, name: String },
    HeaderNameCase(u8),
    AuthorizationEdit { at: u16, delete: u8, text: String },
    Payload(ServerPayload),
    Now(i32),
    Skew(u16),
    LowercaseEscapes,
    SwapQueryPieces(u8, u8),
    DuplicateHeader(u8),
    Settings(u8),
}

fn settings_from(bits: u8) -> SigningSettings {
    let mut s = if bits & 1 != 0 {
        SigningSettings::s3()
    } else {
        SigningSettings::new()
    };
    if bits & 2 != 0 {
        s = s.normalize_path(bits & 4 != 0);
    }
    if bits & 8 != 0 {
        s = s.double_encode_path(bits & 16 != 0);
    }
    if bits & 32 != 0 {
        s = s.session_token(SessionTokenMode::AppendedUnsigned);
    }
    s
}

fn akid_text(a: &AkidPart) -> String {
    match a {
        AkidPart::Known => KNOWN_AKID.into(),
        AkidPart::Temporary => KNOWN_TEMP_AKID.into(),
        AkidPart::Unknown => UNKNOWN_AKID.into(),
        AkidPart::Raw(s) => s.clone(),
    }
}

fn sig_text(s: &Result<[u8; 32], String>) -> String {
    match s {
        Ok(b) => r::to_hex(b),
        Err(t) => t.clone(),
    }
}

fn amz_text(a: &Result<u32, String>) -> String {
    match a {
        // Around 2015..2151: a real X-Amz-Date.
        Ok(t) => r::amz_date(1_420_070_400 + i64::from(*t)).0,
        Err(s) => s.clone(),
    }
}

/// The received request, owned.
#[derive(Clone, Debug, Default)]
pub struct Received {
    pub method: String,
    pub target: String,
    pub headers: Vec<(String, String)>,
}

impl Forged {
    fn build(&self) -> (Received, Option<i64>) {
        let mut target = if self.path.starts_with('/') {
            self.path.clone()
        } else {
            format!("/{}", self.path)
        };
        let mut query: Vec<String> = self.query.iter().map(|(k, v)| format!("{k}={v}")).collect();
        let mut headers = self.headers.clone();
        let mut claimed_time = None;
        if let Some(a) = &self.auth {
            let (sep, enc) = match &a.sep {
                Sep::Slash => ("/".to_string(), false),
                Sep::Encoded => ("%2F".to_string(), true),
                Sep::EncodedLower => ("%2f".to_string(), true),
                Sep::Raw(s) => (s.clone(), false),
            };
            let amz = amz_text(&a.amz_date);
            if let Ok(t) = a.amz_date {
                claimed_time = Some(1_420_070_400 + i64::from(t));
            }
            let date = a
                .date
                .clone()
                .unwrap_or_else(|| amz.chars().take(8).collect());
            let credential = [
                akid_text(&a.akid),
                date,
                a.region.clone(),
                a.service.clone(),
                a.terminator
                    .clone()
                    .unwrap_or_else(|| "aws4_request".into()),
            ]
            .join(&sep);
            let algorithm = a.algorithm.clone().unwrap_or_else(|| r::ALGORITHM.into());
            let signature = sig_text(&a.signature);
            let token = match &a.token {
                None => None,
                Some(None) => Some(VERIFIER_TOKEN.to_string()),
                Some(Some(t)) => Some(t.clone()),
            };
            if a.in_query {
                let names = a.raw_signed_headers.clone().unwrap_or_else(|| {
                    let mut n = a.signed_headers.clone();
                    if !n.iter().any(|x| x == "host") {
                        n.push("host".into());
                    }
                    n.sort();
                    n.join(if enc { "%3B" } else { ";" })
                });
                let expires = match &a.expires {
                    Ok(e) => (e % 604_801).to_string(),
                    Err(s) => s.clone(),
                };
                query.push(format!("X-Amz-Algorithm={algorithm}"));
                query.push(format!("X-Amz-Credential={credential}"));
                query.push(format!("X-Amz-Date={amz}"));
                query.push(format!("X-Amz-Expires={expires}"));
                query.push(format!("X-Amz-SignedHeaders={names}"));
                if let Some(t) = token {
                    query.push(format!(
                        "X-Amz-Security-Token={}",
                        r::uri_encode(t.as_bytes(), false)
                    ));
                }
                query.push(format!("X-Amz-Signature={signature}"));
            } else {
                let names = a.raw_signed_headers.clone().unwrap_or_else(|| {
                    let mut n = a.signed_headers.clone();
                    n.push("host".into());
                    n.push("x-amz-date".into());
                    n.sort();
                    n.dedup();
                    n.join(";")
                });
                let mut fields = vec![
                    format!("Credential={credential}"),
                    format!("SignedHeaders={names}"),
                    format!("Signature={signature}"),
                ];
                if let Some(x) = &a.extra_field {
                    fields.push(x.clone());
                }
                let k = fields.len();
                fields.rotate_left(usize::from(a.field_order) % k);
                headers.push(("X-Amz-Date".into(), amz));
                if let Some(t) = token {
                    headers.push(("X-Amz-Security-Token".into(), t));
                }
                if let Some(c) = &a.content_sha256 {
                    headers.push(("x-amz-content-sha256".into(), c.clone()));
                }
                headers.push((
                    "Authorization".into(),
                    format!("{algorithm} {}", fields.join(", ")),
                ));
            }
        }
        if let Some(v) = &self.v2 {
            query.push(format!("AWSAccessKeyId={}", akid_text(&v.akid)));
            query.push(format!(
                "SignatureVersion={}",
                v.version.clone().unwrap_or_else(|| "2".into())
            ));
            query.push(format!(
                "SignatureMethod={}",
                v.method.clone().unwrap_or_else(|| "HmacSHA256".into())
            ));
            let iso = |t: &Result<u32, String>| match t {
                Ok(t) => {
                    let (amz, _) = r::amz_date(1_420_070_400 + i64::from(*t));
                    format!(
                        "{}-{}-{}T{}%3A{}%3A{}Z",
                        &amz[0..4],
                        &amz[4..6],
                        &amz[6..8],
                        &amz[9..11],
                        &amz[11..13],
                        &amz[13..15]
                    )
                }
                Err(s) => s.clone(),
            };
            if let Some(t) = &v.timestamp {
                query.push(format!("Timestamp={}", iso(t)));
                if let Ok(t) = t {
                    claimed_time = Some(1_420_070_400 + i64::from(*t));
                }
            }
            if let Some(e) = &v.expires {
                query.push(format!("Expires={}", iso(e)));
            }
            match &v.token {
                None => {}
                Some(None) => query.push(format!(
                    "SecurityToken={}",
                    r::uri_encode(VERIFIER_TOKEN.as_bytes(), false)
                )),
                Some(Some(t)) => query.push(format!("SecurityToken={t}")),
            }
            let sig = match &v.signature {
                Ok(b) => r::uri_encode(base64_std(b).as_bytes(), false),
                Err(s) => s.clone(),
            };
            query.push(format!("Signature={sig}"));
        }
        if !query.is_empty() {
            target.push('?');
            target.push_str(&query.join("&"));
        }
        (
            Received {
                method: self.method.clone(),
                target,
                headers,
            },
            claimed_time,
        )
    }
}

/// Standard base64 with padding (no dependency for 32 bytes).
fn base64_std(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(A[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// `verify` never panics and never accepts a request that was not signed
/// with the verifier's secret. Three modes: a near-valid forgery from parts,
/// raw text, and a request genuinely signed by the harness then changed.
/// Whenever `verify` accepts, the reference recomputes the signature of the
/// received request with the verifier's secret and it must be the one the
/// request carries.
pub fn verify_arbitrary(data: &[u8]) {
    let mut reader = Reader::new(data);
    match reader.u8() % 3 {
        0 => {
            let mut u = reader.rest();
            let Ok(forged) = Forged::arbitrary(&mut u) else {
                return;
            };
            let (received, claimed) = forged.build();
            let mut storage = String::new();
            let payload = forged.payload.get(&mut storage);
            let base = claimed.unwrap_or(1_420_070_400);
            let now = base + i64::from(forged.policy.now_offset);
            let Ok(now) = SigningTime::from_unix_seconds(now) else {
                return;
            };
            // The server is the service the policy names, else the one the
            // forged scope names (the likeliest to pass the scope checks).
            let service = forged
                .policy
                .service
                .clone()
                .or_else(|| forged.auth.as_ref().map(|a| a.service.clone()))
                .unwrap_or_else(|| "s3".into());
            let mut policy = Policy::new(now, &service);
            if let Some(s) = forged.policy.max_skew {
                policy = policy.max_skew(u32::from(s));
            }
            if let Some(r) = &forged.policy.region {
                policy = policy.region(r);
            }
            if let Some(bits) = forged.policy.settings {
                policy = policy.settings(settings_from(bits));
            }
            if let Some(lifetime) = forged.policy.sigv2 {
                policy = policy.sigv2(lifetime);
            }
            if let Some(allow) = forged.policy.allow_unsigned_payload {
                policy = policy.allow_unsigned_payload(allow);
            }
            if let Some(allow) = forged.policy.allow_streaming {
                policy = policy.allow_streaming(allow);
            }
            let _ = check_verdict(&received, payload, &policy);
        }
        1 => {
            // Raw text: method line, target line, then `name:value` lines;
            // the first 8 bytes are the clock.
            let now = i64::from(reader.u32()) + 1_420_070_400;
            let skew = reader.u16();
            let service = ["s3", "service", "sqs", "s3express"][usize::from(reader.u8() % 4)];
            let sigv2 = reader.u8() % 2 == 0;
            let text = String::from_utf8_lossy(reader.rest().take_rest()).into_owned();
            let mut lines = text.split('\n');
            let method = lines.next().unwrap_or_default().to_string();
            let target = lines.next().unwrap_or_default().to_string();
            let headers = lines
                .map(|l| {
                    let (n, v) = l.split_once(':').unwrap_or((l, ""));
                    (n.to_string(), v.to_string())
                })
                .collect();
            let received = Received {
                method,
                target,
                headers,
            };
            let Ok(now) = SigningTime::from_unix_seconds(now) else {
                return;
            };
            let mut policy = Policy::new(now, service).max_skew(u32::from(skew));
            if sigv2 {
                policy = policy.sigv2(u32::from(skew));
            }
            let _ = check_verdict(&received, Payload::Body(b""), &policy);
        }
        _ => genuine_then_mutated(reader),
    }
}

fn genuine_then_mutated(mut reader: Reader<'_>) {
    let mut case = Case::read(&mut reader);
    // Signed with the verifier's secret, by the harness.
    case.secret = VERIFIER_SECRET.into();
    if case.token.is_some() {
        case.access_key_id = KNOWN_TEMP_AKID.into();
        case.token = Some(VERIFIER_TOKEN.into());
    } else {
        case.access_key_id = KNOWN_AKID.into();
    }
    case.cred_expiry = None;
    let Ok(creds) = case.credentials() else {
        return;
    };
    let time = case.signing_time();
    let Ok(key) = SigningKey::derive(&creds, time, &case.region, &case.service) else {
        return;
    };
    let signer = Signer::new(&key, &creds, time).expect("a key signs at the time it was derived");
    let Ok(produced) = sign_into(&case, &signer, ample(&case)) else {
        return;
    };
    let mut received = Received {
        method: case.method.clone(),
        target: produced.target.clone(),
        headers: produced.headers.clone(),
    };
    let settings = case.settings();
    let mut payload = match case.payload() {
        Payload::Body(_) if case.presign() && settings.presign_unsigned_payload => {
            ServerPayload::Unsigned
        }
        Payload::Body(b) => ServerPayload::Body(b.to_vec()),
        Payload::Precomputed(h) => {
            let mut a = [0u8; 32];
            for (i, byte) in a.iter_mut().enumerate() {
                *byte =
                    u8::from_str_radix(&h[2 * i..2 * i + 2], 16).expect("signed with a valid hash");
            }
            ServerPayload::Precomputed(a)
        }
        Payload::Unsigned => ServerPayload::Unsigned,
        Payload::StreamingSigned => ServerPayload::Streaming,
        _ => return, // the trailer literals: no server payload mirrors them here
    };
    let mut now = case.time
        + match produced.expires_in {
            Some(e) => i64::from(case.check_offset % (e + 1)),
            None => i64::from(case.check_offset % 1801) - 900,
        };
    let mut skew = 900u32;
    let mut policy_settings = Some(settings);

    let mut u = reader.rest();
    let Ok(mutations) = Vec::<Mutation>::arbitrary(&mut u) else {
        return;
    };
    for m in mutations.iter().take(8) {
        mutate(
            &mut received,
            m,
            &mut payload,
            &mut now,
            &mut skew,
            &mut policy_settings,
        );
    }
    let Ok(now) = SigningTime::from_unix_seconds(now) else {
        return;
    };
    // Every body declaration the signer makes is accepted: the policy's
    // own refusals are tested elsewhere.
    let mut policy = Policy::new(now, &case.service)
        .max_skew(skew)
        .allow_unsigned_payload(true)
        .allow_streaming(true);
    if let Some(s) = policy_settings {
        policy = policy.settings(s);
    }
    let mut storage = String::new();
    let p = payload.get(&mut storage);
    let verdict = check_verdict(&received, p, &policy);
    if mutations.is_empty() {
        // Unchanged: it must verify (sign_arbitrary's excuses apply).
        if let Err(rejection) = verdict {
            assert!(
                excused(&case, &produced, rejection),
                "a genuine request does not verify: {rejection:?}\n{received:#?}\npayload {p:?}\npolicy {policy:?}"
            );
        }
    }
}

fn clamp_index(len: usize, at: u16) -> usize {
    if len == 0 {
        0
    } else {
        usize::from(at) % (len + 1)
    }
}

fn floor_char(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn mutate(
    rq: &mut Received,
    m: &Mutation,
    payload: &mut ServerPayload,
    now: &mut i64,
    skew: &mut u32,
    settings: &mut Option<SigningSettings>,
) {
    let pick = |len: usize, w: u8| (len > 0).then(|| usize::from(w) % len);
    match m {
        Mutation::Method(s) => rq.method = s.clone(),
        Mutation::InsertInTarget { at, text } => {
            let i = floor_char(&rq.target, clamp_index(rq.target.len(), *at));
            rq.target.insert_str(i, text);
        }
        Mutation::DeleteInTarget { at, len } => {
            let i = floor_char(&rq.target, clamp_index(rq.target.len(), *at));
            let j = floor_char(&rq.target, i + usize::from(*len));
            rq.target.replace_range(i..j, "");
        }
        Mutation::TargetByte { at, byte } => {
            if byte.is_ascii() && !rq.target.is_empty() {
                let i = floor_char(&rq.target, usize::from(*at) % rq.target.len());
                let j = floor_char(&rq.target, i + 1).max(i + 1);
                let j = (i + 1..=rq.target.len())
                    .find(|&k| rq.target.is_char_boundary(k))
                    .unwrap_or(j);
                rq.target
                    .replace_range(i..j, &char::from(*byte).to_string());
            }
        }
        Mutation::AddQuery { key, value } => {
            let sep = if rq.target.contains('?') { '&' } else { '?' };
            rq.target.push(sep);
            rq.target.push_str(&format!("{key}={value}"));
        }
        Mutation::AddHeader { name, value } => rq.headers.push((name.clone(), value.clone())),
        Mutation::RemoveHeader(w) => {
            if let Some(i) = pick(rq.headers.len(), *w) {
                rq.headers.remove(i);
            }
        }
        Mutation::HeaderValue { which, value } => {
            if let Some(i) = pick(rq.headers.len(), *which) {
                rq.headers[i].1 = value.clone();
            }
        }
        Mutation::HeaderName { which, name } => {
            if let Some(i) = pick(rq.headers.len(), *which) {
                rq.headers[i].0 = name.clone();
            }
        }
        Mutation::HeaderNameCase(w) => {
            if let Some(i) = pick(rq.headers.len(), *w) {
                let n = &rq.headers[i].0;
                rq.headers[i].0 = if n.bytes().any(|b| b.is_ascii_lowercase()) {
                    n.to_ascii_uppercase()
                } else {
                    n.to_ascii_lowercase()
                };
            }
        }
        Mutation::AuthorizationEdit { at, delete, text } => {
            if let Some((_, v)) = rq
                .headers
                .iter_mut()
                .find(|(n, _)| n.eq_ignore_ascii_case("authorization"))
            {
                let i = floor_char(v, clamp_index(v.len(), *at));
                let j = floor_char(v, i + usize::from(*delete));
                v.replace_range(i..j, text);
            }
        }
        Mutation::Payload(p) => *payload = p.clone(),
        Mutation::Now(d) => *now += i64::from(*d),
        Mutation::Skew(s) => *skew = u32::from(*s),
        Mutation::LowercaseEscapes => {
            let b = rq.target.as_bytes();
            let mut out = String::new();
            let mut i = 0;
            while i < b.len() {
                if b[i] == b'%'
                    && i + 2 < b.len() + 1
                    && b.get(i + 1).is_some()
                    && b.get(i + 2).is_some()
                    && b[i + 1].is_ascii_hexdigit()
                    && b[i + 2].is_ascii_hexdigit()
                {
                    out.push('%');
                    out.push(char::from(b[i + 1].to_ascii_lowercase()));
                    out.push(char::from(b[i + 2].to_ascii_lowercase()));
                    i += 3;
                } else {
                    let j = (i + 1..=b.len())
                        .find(|&k| rq.target.is_char_boundary(k))
                        .unwrap_or(b.len());
                    out.push_str(&rq.target[i..j]);
                    i = j;
                }
            }
            rq.target = out;
        }
        Mutation::SwapQueryPieces(a, b) => {
            if let Some((path, query)) = rq.target.split_once('?') {
                let mut pieces: Vec<&str> = query.split('&').collect();
                let n = pieces.len();
                pieces.swap(usize::from(*a) % n, usize::from(*b) % n);
                rq.target = format!("{path}?{}", pieces.join("&"));
            }
        }
        Mutation::DuplicateHeader(w) => {
            if let Some(i) = pick(rq.headers.len(), *w) {
                let h = rq.headers[i].clone();
                rq.headers.push(h);
            }
        }
        Mutation::Settings(bits) => {
            *settings = if bits & 64 != 0 {
                None
            } else {
                Some(settings_from(*bits))
            };
        }
    }
}

/// Verifies; when the verifier accepts, checks with the reference that the
/// request really carries the signature of what it says it signed, made
/// with the verifier's secret, within the time window, with the right token.
fn check_verdict(
    received: &Received,
    payload: Payload<'_>,
    policy: &Policy<'_>,
) -> Result<(), Error> {
    let headers: Vec<(&str, &str)> = received
        .headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let request = Request::new(&received.method, &received.target, &headers).with_payload(payload);
    let verified = verify::verify(&request, &verifier_lookup, policy)?;
    let describe = || format!("{received:#?}\npayload {payload:?}\npolicy {policy:?}");
    match verified.scheme {
        Scheme::V4Header | Scheme::V4Query => {}
        // SigV2: the harness never signs SigV2 with the verifier's secret,
        // so an accepted SigV2 request is a forgery by construction.
        Scheme::V2Query => panic!("accepted a SigV2 request nobody signed: {}", describe()),
        // Any other scheme (SigV4a with the `sigv4a` feature): the harness
        // never signs one either.
        other => panic!("accepted a {other:?} request nobody signed: {}", describe()),
    }
    let presigned = verified.scheme == Scheme::V4Query;
    let query = received.target.split_once('?').map_or("", |(_, q)| q);
    let header = |name: &str| {
        received
            .headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
    };
    let claimed = if presigned {
        r::parse_presigned(query)
    } else {
        let date = header("x-amz-date").unwrap_or_default();
        r::parse_authorization(&header("authorization").unwrap_or_default(), &date)
    };
    let Some(claimed) = claimed else {
        panic!(
            "accepted a request the reference cannot parse: {}",
            describe()
        );
    };
    let secret = verifier_lookup(&claimed.access_key_id);
    assert!(
        secret.is_some(),
        "accepted an unknown access key: {}",
        describe()
    );
    let settings = policy.settings;
    let rs = ref_settings(&settings);
    let line = match header("x-amz-content-sha256") {
        Some(declared) => declared,
        // S3 presigning never signs the body.
        // S3 presigning never signs the body (awsig also accepts a URL
        // signed over the body the server passes: `Checked`).
        None if presigned
            && settings.presign_unsigned_payload
            && verified.payload == verify::PayloadCoverage::Unsigned =>
        {
            "UNSIGNED-PAYLOAD".into()
        }
        None => payload_line(&payload),
    };
    // Every x-amz-* header is signed (the token may go unsigned).
    for (name, _) in &received.headers {
        let lower = name.to_ascii_lowercase();
        assert!(
            !lower.starts_with("x-amz-")
                || lower == "x-amz-security-token"
                || claimed
                    .signed_headers
                    .iter()
                    .any(|s| s.eq_ignore_ascii_case(name)),
            "accepted an unsigned {name} header: {}",
            describe()
        );
    }
    let rreq = r::RefRequest {
        method: received.method.clone(),
        target: received.target.clone(),
        headers: received.headers.clone(),
        payload: ref_payload(&payload),
    };
    let expected = r::received_signature(&rreq, &claimed, VERIFIER_SECRET, &rs, &line);
    assert_eq!(
        expected,
        claimed.signature,
        "accepted a request whose signature is not the verifier's secret's signature of it: {}",
        describe()
    );
    // The clock, the scope and the token.
    let (amz, date) = r::amz_date(verified.signed_at.expect("SigV4 has a date").unix_seconds());
    assert_eq!(amz, claimed.amz_date);
    assert_eq!(date, claimed.date);
    let now = policy.now.unix_seconds();
    let signed = verified.signed_at.unwrap().unix_seconds();
    let skew = i64::from(policy.max_skew);
    if presigned {
        let expires: i64 = query_param(&received.target, "X-Amz-Expires")
            .and_then(|e| e.parse().ok())
            .expect("accepted without X-Amz-Expires");
        assert!((1..=604_800).contains(&expires));
        assert!(
            now >= signed - skew && now <= signed + expires,
            "accepted outside its validity: {}",
            describe()
        );
    } else {
        assert!(
            (now - signed).abs() <= skew,
            "accepted outside the skew: {}",
            describe()
        );
    }
    let token = if presigned {
        query_param(&received.target, "X-Amz-Security-Token")
    } else {
        header("x-amz-security-token")
    };
    let expected_token = claimed
        .access_key_id
        .starts_with("ASIA")
        .then_some(VERIFIER_TOKEN);
    assert_eq!(
        token.as_deref(),
        expected_token,
        "accepted with the wrong session token: {}",
        describe()
    );
    if let Some(r) = policy.region {
        assert_eq!(claimed.region, r);
    }
    assert_eq!(claimed.service, policy.service);
    ACCEPTED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    Ok(())
}

/// How many accepted requests the reference has confirmed (for statistics
/// when replaying a corpus).
pub static ACCEPTED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
