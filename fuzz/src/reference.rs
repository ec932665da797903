//! A deliberately simple SigV4 reference: builds the canonical request as a
//! `String`, step by step, the way the AWS documentation and botocore
//! describe it, and signs it with `sha2` + `hmac` directly. It shares no code
//! with awsig (it only borrows `awsig::Error` as the vocabulary for the
//! reasons a request is refused) and favours clarity over speed everywhere.
//!
//! Rules (AWS "Create a canonical request", botocore `auth.py`,
//! `tests/vectors/README.md`, the module docs of `src/canonical/*.rs`):
//!
//! * **Path** (all services but S3): botocore's `remove_dot_segments` (split
//!   on `/`, drop empty and `.` segments, `..` pops), a leading `/`, a
//!   trailing `/` only when the path ends with one and something is left;
//!   then `quote(path, safe="/~")`, i.e. the path as sent is URI-encoded a
//!   second time. S3: the path is signed verbatim. Either switch can be
//!   turned on or off on its own.
//! * **Query**: split on `&` (empty pieces are no parameter), each piece at
//!   its first `=`; key and value percent-decoded (`%XX` only; `+` stays a
//!   plus when signing, is a space in a received query) and encoded again keeping only `A-Z a-z 0-9 - _ . ~`, uppercase
//!   hex; sorted by encoded key, then encoded value, as bytes.
//! * **Headers**: names lowercased; values trimmed, every run of spaces,
//!   tabs and (obs-fold) line feeds becomes one space; repeated names joined
//!   with `,` in arrival order; sorted by name; `authorization`, the
//!   hop-by-hop and tracing headers, `proxy-authenticate` and
//!   `proxy-authorization` are never signed (botocore's list).
//! * **Payload**: hex SHA-256 of the body, the caller's hash, or a literal.
//!
//! Every refusal of the library must be one of the reasons [`problems`]
//! finds, and when it finds none the library must sign.

#![allow(dead_code)]

use std::collections::BTreeMap;

use awsig::Error;
use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};

pub const ALGORITHM: &str = "AWS4-HMAC-SHA256";

/// Headers never signed (compared ignoring ASCII case).
pub const UNSIGNED_HEADERS: [&str; 15] = [
    "authorization",
    "baggage",
    "connection",
    "expect",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "traceparent",
    "tracestate",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "user-agent",
    "x-amzn-trace-id",
];

/// Query parameters a request to presign must not carry (ignoring case).
pub const AUTH_PARAMETERS: [&str; 8] = [
    "X-Amz-Algorithm",
    "X-Amz-Credential",
    "X-Amz-Date",
    "X-Amz-Expires",
    "X-Amz-SignedHeaders",
    "X-Amz-Signature",
    "X-Amz-Security-Token",
    "X-Amz-Region-Set",
];

/// Largest time accepted: 9999-12-31T23:59:59Z.
pub const MAX_UNIX: i64 = 253_402_300_799;

// ---------------------------------------------------------------- encoding

pub fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.' || b == b'~'
}

/// AWS `UriEncode`: every byte but the unreserved ones (and `/` when
/// `keep_slash`) as `%XX`, uppercase.
pub fn uri_encode(bytes: &[u8], keep_slash: bool) -> String {
    let mut out = String::new();
    for &b in bytes {
        if is_unreserved(b) || (keep_slash && b == b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn hex_digit(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

/// Percent-decoding, `%XX` only; anything else (including a malformed
/// escape) is kept as it is.
pub fn percent_decode(s: &str) -> Vec<u8> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && let (Some(h), Some(l)) = (
                b.get(i + 1).copied().and_then(hex_digit),
                b.get(i + 2).copied().and_then(hex_digit),
            )
        {
            out.push(h * 16 + l);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    out
}

/// The position of the first `%` not followed by two hex digits.
pub fn first_bad_escape(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    (0..b.len()).find(|&i| {
        b[i] == b'%'
            && !(b.get(i + 1).is_some_and(|c| c.is_ascii_hexdigit())
                && b.get(i + 2).is_some_and(|c| c.is_ascii_hexdigit()))
    })
}

// ---------------------------------------------------------------- the parts

/// botocore's `remove_dot_segments`.
pub fn remove_dot_segments(path: &str) -> String {
    let mut kept: Vec<&str> = Vec::new();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                kept.pop();
            }
            other => kept.push(other),
        }
    }
    let mut out = String::from("/");
    out.push_str(&kept.join("/"));
    if path.ends_with('/') && !kept.is_empty() {
        out.push('/');
    }
    out
}

pub fn canonical_uri(path: &str, normalize: bool, double_encode: bool) -> String {
    let path = if normalize {
        remove_dot_segments(path)
    } else {
        path.to_string()
    };
    if double_encode {
        uri_encode(path.as_bytes(), true)
    } else {
        path
    }
}

/// The decoded `(key, value)` pairs of a raw query.
pub fn query_pairs(query: &str) -> Vec<(Vec<u8>, Vec<u8>)> {
    query
        .split('&')
        .filter(|piece| !piece.is_empty())
        .map(|piece| {
            let (k, v) = piece.split_once('=').unwrap_or((piece, ""));
            (percent_decode(k), percent_decode(v))
        })
        .collect()
}

/// [`query_pairs`] of a received query: a raw `+` is a space there
/// (`application/x-www-form-urlencoded`, as servers decode queries).
pub fn received_query_pairs(query: &str) -> Vec<(Vec<u8>, Vec<u8>)> {
    query_pairs(&query.replace('+', "%20"))
}

/// Encodes decoded pairs and sorts them by encoded key, then encoded value.
pub fn canonical_query(pairs: &[(Vec<u8>, Vec<u8>)]) -> String {
    let mut encoded: Vec<(String, String)> = pairs
        .iter()
        .map(|(k, v)| (uri_encode(k, false), uri_encode(v, false)))
        .collect();
    encoded.sort_by(|a, b| {
        a.0.as_bytes()
            .cmp(b.0.as_bytes())
            .then(a.1.as_bytes().cmp(b.1.as_bytes()))
    });
    encoded
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&")
}

pub fn is_signed_header(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    !UNSIGNED_HEADERS.contains(&lower.as_str())
}

/// Trimmed; runs of space, tab and LF become one space.
pub fn fold_value(value: &str) -> String {
    value
        .split([' ', '\t', '\n'])
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// `(canonical headers block, signed header names joined with ';')` of
/// `headers` (already filtered to the ones to sign).
pub fn canonical_headers(headers: &[(String, String)]) -> (String, String) {
    let mut by_name: BTreeMap<Vec<u8>, Vec<String>> = BTreeMap::new();
    for (name, value) in headers {
        by_name
            .entry(name.to_ascii_lowercase().into_bytes())
            .or_default()
            .push(fold_value(value));
    }
    let mut block = String::new();
    let mut names = Vec::new();
    for (name, values) in &by_name {
        let name = String::from_utf8(name.clone()).expect("header names are ASCII");
        block.push_str(&format!("{name}:{}\n", values.join(",")));
        names.push(name);
    }
    (block, names.join(";"))
}

/// Lowercase hex.
pub fn to_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    to_hex(&Sha256::digest(bytes))
}

// ---------------------------------------------------------------- time

/// `(X-Amz-Date, date stamp)` of a Unix time (days to civil date: Howard
/// Hinnant's algorithm).
pub fn amz_date(unix: i64) -> (String, String) {
    let days = unix.div_euclid(86_400);
    let secs = unix.rem_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    let date = format!("{year:04}{month:02}{day:02}");
    let full = format!(
        "{date}T{:02}{:02}{:02}Z",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    );
    (full, date)
}

// ---------------------------------------------------------------- signing

fn hmac(key: &[u8], data: &[u8]) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key");
    mac.update(data);
    mac.finalize().into_bytes().to_vec()
}

pub fn signing_key(secret: &str, date: &str, region: &str, service: &str) -> Vec<u8> {
    let k_date = hmac(format!("AWS4{secret}").as_bytes(), date.as_bytes());
    let k_region = hmac(&k_date, region.as_bytes());
    let k_service = hmac(&k_region, service.as_bytes());
    hmac(&k_service, b"aws4_request")
}

pub fn string_to_sign(amz_date: &str, scope: &str, canonical_request: &str) -> String {
    format!(
        "{ALGORITHM}\n{amz_date}\n{scope}\n{}",
        sha256_hex(canonical_request.as_bytes())
    )
}

pub fn signature(
    secret: &str,
    date: &str,
    region: &str,
    service: &str,
    string_to_sign: &str,
) -> String {
    to_hex(&hmac(
        &signing_key(secret, date, region, service),
        string_to_sign.as_bytes(),
    ))
}

pub fn canonical_request(
    method: &str,
    uri: &str,
    query: &str,
    headers_block: &str,
    signed_headers: &str,
    payload: &str,
) -> String {
    format!("{method}\n{uri}\n{query}\n{headers_block}\n{signed_headers}\n{payload}")
}

// ---------------------------------------------------------------- a request

/// What the request says about its body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RefPayload {
    Body(Vec<u8>),
    Precomputed(String),
    /// A literal line: `UNSIGNED-PAYLOAD`, `STREAMING-...`.
    Literal(&'static str),
}

#[derive(Clone, Copy, Debug)]
pub struct RefSettings {
    pub normalize_path: bool,
    pub double_encode_path: bool,
    pub content_sha256_header: bool,
    /// The session token is signed (else appended unsigned).
    pub token_signed: bool,
    pub presign_unsigned_payload: bool,
    pub clamp_expires: bool,
}

#[derive(Clone, Debug)]
pub struct RefCredentials {
    pub access_key_id: String,
    pub secret: String,
    pub token: Option<String>,
    pub expires_at: Option<i64>,
}

#[derive(Clone, Debug)]
pub struct RefRequest {
    pub method: String,
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub payload: RefPayload,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Header,
    Presign { expires_in: u32 },
}

/// What the reference signs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RefSigned {
    pub canonical_request: String,
    pub string_to_sign: String,
    pub signature: String,
    /// The `X-Amz-Expires` actually signed (presign, after clamping).
    pub expires_in: Option<u32>,
}

fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// A credential scope part (and access key id): non-empty, RFC 3986
/// unreserved characters only, so that it reads the same raw in the
/// `Authorization` header and encoded in `X-Amz-Credential`
/// (`src/credentials.rs`, since commit 59502fc; see fuzz/README.md, finding 1).
pub fn is_scope_part(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(is_unreserved)
}

/// Every reason to refuse the credentials and scope.
pub fn credential_problems(c: &RefCredentials, region: &str, service: &str) -> Vec<Error> {
    let mut p = Vec::new();
    if !is_scope_part(&c.access_key_id) {
        p.push(Error::InvalidAccessKeyId);
    }
    if c.secret.is_empty() {
        p.push(Error::EmptySecretAccessKey);
    }
    if let Some(t) = &c.token
        && (t.is_empty() || t.bytes().any(|b| b < 0x20 || b == 0x7f))
    {
        p.push(Error::InvalidSessionToken);
    }
    if !is_scope_part(region) {
        p.push(Error::InvalidRegion);
    }
    if !is_scope_part(service) {
        p.push(Error::InvalidService);
    }
    // The key keeps its access key id, region and service inline, up to
    // `v4::MAX_ACCESS_KEY_ID_LEN`, `MAX_REGION_LEN` and `MAX_SERVICE_LEN`.
    if c.access_key_id.len() > 128 {
        p.push(Error::AccessKeyIdTooLong);
    }
    if region.len() > 64 || service.len() > 64 {
        p.push(Error::NameTooLong);
    }
    p
}

/// The payload lines AWS defines besides a hex SHA-256.
const LITERAL_LINES: [&str; 4] = [
    "UNSIGNED-PAYLOAD",
    "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
    "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER",
    "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
];

/// The values of the request's own `x-amz-content-sha256` headers, trimmed
/// (botocore signs with that value when there is one).
fn declared_payload(req: &RefRequest) -> Vec<&str> {
    req.headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case("x-amz-content-sha256"))
        .map(|(_, v)| v.trim_matches([' ', '\t']))
        .collect()
}

/// The payload line the request's payload gives, before any header says otherwise.
fn given_line(req: &RefRequest, settings: &RefSettings, mode: Mode) -> String {
    match (&req.payload, mode) {
        (RefPayload::Body(_), Mode::Presign { .. }) if settings.presign_unsigned_payload => {
            "UNSIGNED-PAYLOAD".to_string()
        }
        (RefPayload::Body(b), _) => sha256_hex(b),
        (RefPayload::Precomputed(h), _) => h.clone(),
        (RefPayload::Literal(l), _) => l.to_string(),
    }
}

/// Every reason the request cannot be signed (empty: it can).
pub fn problems(
    req: &RefRequest,
    creds: &RefCredentials,
    time: i64,
    settings: &RefSettings,
    mode: Mode,
) -> Vec<Error> {
    let mut p = Vec::new();
    if let Mode::Presign { expires_in } = mode {
        if !(1..=604_800).contains(&expires_in) {
            p.push(Error::ExpiresOutOfRange);
        }
        if let Some(end) = creds.expires_at
            && time + i64::from(expires_in) > end
            && time < end
            && !settings.clamp_expires
        {
            p.push(Error::ExpiresAfterCredentials);
        }
    }
    if creds.expires_at.is_some_and(|end| time >= end) {
        p.push(Error::CredentialsExpired);
    }
    if req.method.is_empty() || !req.method.bytes().all(is_tchar) {
        p.push(Error::InvalidMethod);
    }
    // The target.
    let t = &req.target;
    if !t.starts_with('/') {
        p.push(Error::TargetNotAbsolute);
    } else if let Some(at) = t.bytes().position(|b| b < 0x20 || b == 0x7f || b == b'#') {
        p.push(Error::InvalidTargetByte {
            byte: t.as_bytes()[at],
            at,
        });
    } else {
        let (path, query) = t.split_once('?').unwrap_or((t, ""));
        if !settings.double_encode_path
            && let Some(at) = first_bad_escape(path)
        {
            p.push(Error::MalformedPercentEscape { at });
        }
        if let Some(at) = first_bad_escape(query) {
            p.push(Error::MalformedPercentEscape {
                at: path.len() + 1 + at,
            });
        }
        for (k, v) in query_pairs(query) {
            if std::str::from_utf8(&k).is_err() || std::str::from_utf8(&v).is_err() {
                p.push(Error::QueryNotUtf8);
            }
            if matches!(mode, Mode::Presign { .. })
                && AUTH_PARAMETERS
                    .iter()
                    .any(|a| a.as_bytes().eq_ignore_ascii_case(&k))
            {
                p.push(Error::AuthParameterPresent);
            }
        }
    }
    if let RefPayload::Precomputed(h) = &req.payload {
        let ok = h.len() == 64 && h.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
        if !ok {
            p.push(Error::InvalidPayloadHash);
        }
    }
    // A declared `x-amz-content-sha256` is the payload line: one, valid,
    // and equal to the payload's own line unless none was given.
    let declared = declared_payload(req);
    match declared.as_slice() {
        [] => {}
        [line] => {
            let hex =
                line.len() == 64 && line.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
            if !hex && !LITERAL_LINES.contains(line) {
                p.push(Error::InvalidPayloadHash);
            } else if req.payload != RefPayload::Body(Vec::new()) {
                let own = match (&req.payload, mode) {
                    (RefPayload::Body(b), Mode::Presign { .. })
                        if settings.presign_unsigned_payload && !b.is_empty() =>
                    {
                        "UNSIGNED-PAYLOAD".to_string()
                    }
                    (RefPayload::Body(b), _) => sha256_hex(b),
                    (RefPayload::Precomputed(h), _) => h.clone(),
                    (RefPayload::Literal(l), _) => l.to_string(),
                };
                if own != *line {
                    p.push(Error::ContentSha256Mismatch);
                }
            }
        }
        _ => p.push(Error::InvalidPayloadHash),
    }
    // The headers.
    let mut refused: Vec<&str> = Vec::new();
    match mode {
        Mode::Header => {
            // The signer adds `Authorization`: a request that has one is
            // signed already (as in presign mode below).
            refused.push("authorization");
            refused.push("x-amz-date");
            if settings.content_sha256_header && declared.is_empty() {
                refused.push("x-amz-content-sha256");
            }
            if creds.token.is_some() {
                refused.push("x-amz-security-token");
            }
        }
        Mode::Presign { .. } => refused.push("authorization"),
    }
    let mut hosts = Vec::new();
    for (name, value) in &req.headers {
        if name.is_empty() || !name.bytes().all(is_tchar) {
            p.push(Error::InvalidHeaderName);
        }
        if value
            .bytes()
            .any(|b| (b < 0x20 && b != b'\t' && b != b'\n') || b == 0x7f)
        {
            p.push(Error::InvalidHeaderValue);
        }
        if name.eq_ignore_ascii_case("host") {
            hosts.push(value);
        }
        if refused.iter().any(|r| r.eq_ignore_ascii_case(name)) {
            p.push(Error::AuthHeaderPresent);
        }
    }
    match hosts.as_slice() {
        [] => p.push(Error::MissingHost),
        [host] => {
            let ok = !host.is_empty()
                && host
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b".-_:[]".contains(&b));
            if !ok {
                p.push(Error::InvalidHost);
            }
        }
        _ => p.push(Error::DuplicateHost),
    }
    p
}

/// Signs like the documentation says. Call [`problems`] first: this assumes
/// the request is valid.
pub fn sign(
    req: &RefRequest,
    creds: &RefCredentials,
    region: &str,
    service: &str,
    time: i64,
    settings: &RefSettings,
    mode: Mode,
) -> RefSigned {
    let (amz, date) = amz_date(time);
    let scope = format!("{date}/{region}/{service}/aws4_request");
    let (path, query) = req.target.split_once('?').unwrap_or((&req.target, ""));
    let uri = canonical_uri(path, settings.normalize_path, settings.double_encode_path);

    // Headers to sign: the request's signable ones, plus the signer's.
    let mut headers: Vec<(String, String)> = req
        .headers
        .iter()
        .filter(|(n, _)| is_signed_header(n))
        .cloned()
        .collect();
    let declared = declared_payload(req);
    let payload = match declared.first() {
        Some(line) => line.to_string(),
        None => given_line(req, settings, mode),
    };
    let signed_token = creds.token.clone().filter(|_| settings.token_signed);
    if mode == Mode::Header {
        headers.push(("x-amz-date".into(), amz.clone()));
        if let Some(t) = &signed_token {
            headers.push(("x-amz-security-token".into(), t.clone()));
        }
        if settings.content_sha256_header && declared.is_empty() {
            headers.push(("x-amz-content-sha256".into(), payload.clone()));
        }
    }
    let (block, signed) = canonical_headers(&headers);

    let mut pairs = query_pairs(query);
    let mut expires_signed = None;
    if let Mode::Presign { expires_in } = mode {
        let expires_in = match creds.expires_at {
            Some(end) if time + i64::from(expires_in) > end => (end - time) as u32,
            _ => expires_in,
        };
        expires_signed = Some(expires_in);
        let credential = format!("{}/{scope}", creds.access_key_id);
        let mut add = |k: &str, v: &str| pairs.push((k.as_bytes().to_vec(), v.as_bytes().to_vec()));
        add("X-Amz-Algorithm", ALGORITHM);
        add("X-Amz-Credential", &credential);
        add("X-Amz-Date", &amz);
        add("X-Amz-Expires", &expires_in.to_string());
        add("X-Amz-SignedHeaders", &signed);
        if let Some(t) = &signed_token {
            add("X-Amz-Security-Token", t);
        }
    }
    let cr = canonical_request(
        &req.method,
        &uri,
        &canonical_query(&pairs),
        &block,
        &signed,
        &payload,
    );
    let sts = string_to_sign(&amz, &scope, &cr);
    let sig = signature(&creds.secret, &date, region, service, &sts);
    RefSigned {
        canonical_request: cr,
        string_to_sign: sts,
        signature: sig,
        expires_in: expires_signed,
    }
}

// ---------------------------------------------------------------- receiving

/// How a received request claims to be signed, parsed loosely (the caller
/// only uses this after the library accepted the request).
#[derive(Clone, Debug)]
pub struct Claimed {
    pub access_key_id: String,
    pub date: String,
    pub region: String,
    pub service: String,
    pub amz_date: String,
    pub signed_headers: Vec<String>,
    pub signature: String,
    pub presigned: bool,
}

/// Parses `AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...`.
pub fn parse_authorization(value: &str, amz_date: &str) -> Option<Claimed> {
    let rest = value
        .trim_matches([' ', '\t'])
        .strip_prefix("AWS4-HMAC-SHA256 ")?;
    let mut fields = BTreeMap::new();
    for part in rest.split(',') {
        let (k, v) = part.trim_matches([' ', '\t']).split_once('=')?;
        fields.insert(k.to_string(), v.to_string());
    }
    // The verifier also takes `%2F` between the credential's parts.
    let credential = fields
        .get("Credential")?
        .replace("%2F", "/")
        .replace("%2f", "/");
    let cred: Vec<&str> = credential.split('/').collect();
    if cred.len() != 5 {
        return None;
    }
    Some(Claimed {
        access_key_id: cred[0].into(),
        date: cred[1].into(),
        region: cred[2].into(),
        service: cred[3].into(),
        amz_date: amz_date.into(),
        signed_headers: fields
            .get("SignedHeaders")?
            .split(';')
            .map(String::from)
            .collect(),
        signature: fields.get("Signature")?.clone(),
        presigned: false,
    })
}

/// Parses the `X-Amz-*` parameters of a presigned query.
pub fn parse_presigned(query: &str) -> Option<Claimed> {
    let get = |name: &str| {
        query_pairs(query)
            .into_iter()
            .find(|(k, _)| k == name.as_bytes())
            .map(|(_, v)| String::from_utf8_lossy(&v).into_owned())
    };
    let credential = get("X-Amz-Credential")?;
    let cred: Vec<&str> = credential.split('/').collect();
    if cred.len() != 5 {
        return None;
    }
    Some(Claimed {
        access_key_id: cred[0].into(),
        date: cred[1].into(),
        region: cred[2].into(),
        service: cred[3].into(),
        amz_date: get("X-Amz-Date")?,
        signed_headers: get("X-Amz-SignedHeaders")?
            .split(';')
            .map(String::from)
            .collect(),
        signature: get("X-Amz-Signature")?,
        presigned: true,
    })
}

/// The signature a received request must carry when signed with `secret`:
/// the canonical request rebuilt from what the request says it signed.
/// `server_payload` is the payload line the server's knowledge of the body
/// gives (or the declared `x-amz-content-sha256`, when the request has one).
pub fn received_signature(
    req: &RefRequest,
    claimed: &Claimed,
    secret: &str,
    settings: &RefSettings,
    payload_line: &str,
) -> String {
    let (path, query) = req.target.split_once('?').unwrap_or((&req.target, ""));
    let uri = canonical_uri(path, settings.normalize_path, settings.double_encode_path);
    // A server reads a raw `+` in the query it receives as a space.
    let mut pairs = received_query_pairs(query);
    if claimed.presigned {
        pairs.retain(|(k, _)| {
            k != b"X-Amz-Signature" && (settings.token_signed || k != b"X-Amz-Security-Token")
        });
    }
    let headers: Vec<(String, String)> = req
        .headers
        .iter()
        .filter(|(n, _)| {
            claimed
                .signed_headers
                .iter()
                .any(|s| s.eq_ignore_ascii_case(n))
        })
        .cloned()
        .collect();
    let (block, signed) = canonical_headers(&headers);
    let cr = canonical_request(
        &req.method,
        &uri,
        &canonical_query(&pairs),
        &block,
        &signed,
        payload_line,
    );
    let scope = format!(
        "{}/{}/{}/aws4_request",
        claimed.date, claimed.region, claimed.service
    );
    let sts = string_to_sign(&claimed.amz_date, &scope, &cr);
    signature(
        secret,
        &claimed.date,
        &claimed.region,
        &claimed.service,
        &sts,
    )
}
