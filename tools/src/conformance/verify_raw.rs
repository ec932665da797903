//! `--verify-raw`: a request as a server receives it, the secrets it
//! knows and its policy, verified as that server would (the conformance
//! protocol's "Receiving side"). One line in, one line out:
//! `{"id", "accepted", "error", "access_key_id", "payload"}`.

use awsig::v4::{Signature, SigningKey};
use awsig::verify::{
    self, AwsChunkedDecoder, ChunkedDeclaration, PayloadCoverage, Policy, PostForm, Secret,
};
use awsig::{Credentials, Error, Payload, Request, SigningTime};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};

use super::case::{Refused, str_field};

/// A key the server knows.
struct Known {
    access_key_id: String,
    secret_access_key: Option<String>,
    session_token: Option<String>,
    public_key: Option<([u8; 32], [u8; 32])>,
}

impl Known {
    fn parse(v: &Value) -> Result<Self, Refused> {
        let field = |name| str_field(v, name, "bad_case");
        let public_key = match v.get("public_key") {
            None | Some(Value::Null) => None,
            Some(pk) => Some((coordinate(&pk["X"])?, coordinate(&pk["Y"])?)),
        };
        Ok(Self {
            access_key_id: field("access_key_id")?
                .ok_or(Refused("bad_case"))?
                .to_owned(),
            secret_access_key: field("secret_access_key")?.map(str::to_owned),
            session_token: field("session_token")?.map(str::to_owned),
            public_key,
        })
    }

    fn secret(&self) -> Option<Secret<'_>> {
        match (self.public_key, &self.secret_access_key) {
            (Some((x, y)), _) => Some(Secret::v4a_public_key(x, y, self.session_token.as_deref())),
            (_, Some(secret)) => Some(Secret::new(secret, self.session_token.as_deref())),
            _ => None,
        }
    }
}

/// A P-256 coordinate: 32 bytes of hex (leading zeros may be left out).
fn coordinate(v: &Value) -> Result<[u8; 32], Refused> {
    let hex = v.as_str().ok_or(Refused("bad_case"))?;
    let padded = format!("{hex:0>64}");
    let mut out = [0u8; 32];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = padded
            .get(2 * i..2 * i + 2)
            .and_then(|h| u8::from_str_radix(h, 16).ok())
            .ok_or(Refused("bad_case"))?;
    }
    Ok(out)
}

/// The server's policy, from the line's `policy` (protocol defaults).
fn policy<'p>(p: &'p Value) -> Result<Policy<'p>, Refused> {
    let now = str_field(p, "now", "bad_time")?.ok_or(Refused("bad_time"))?;
    let now = SigningTime::parse_rfc3339(now)?;
    let service = str_field(p, "service", "bad_case")?.ok_or(Refused("bad_case"))?;
    let mut policy = Policy::new(now, service);
    if let Some(region) = str_field(p, "region", "bad_case")? {
        policy = policy.region(region);
    }
    if let Some(skew) = p.get("max_skew").and_then(Value::as_u64) {
        policy = policy.max_skew(u32::try_from(skew).map_err(|_| Refused("bad_case"))?);
    }
    if let Some(v2) = p.get("sigv2").filter(|v| !v.is_null()) {
        let lifetime = v2["max_lifetime"].as_u64().ok_or(Refused("bad_case"))?;
        policy = policy.sigv2(u32::try_from(lifetime).unwrap_or(u32::MAX));
    }
    if let Some(allow) = p.get("allow_unsigned_payload").and_then(Value::as_bool) {
        policy = policy.allow_unsigned_payload(allow);
    }
    Ok(policy)
}

/// The request as received.
struct Received {
    method: String,
    target: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    form: Option<Vec<(String, Value)>>,
}

impl Received {
    fn parse(r: &Value) -> Result<Self, Refused> {
        let method = str_field(r, "method", "bad_method")?.ok_or(Refused("bad_method"))?;
        let target = str_field(r, "target", "bad_target")?.ok_or(Refused("bad_target"))?;
        let headers = r["headers"]
            .as_array()
            .ok_or(Refused("bad_header"))?
            .iter()
            .map(|h| match (h[0].as_str(), h[1].as_str()) {
                (Some(n), Some(v)) => Ok((n.to_owned(), v.to_owned())),
                _ => Err(Refused("bad_header")),
            })
            .collect::<Result<_, _>>()?;
        let body = match str_field(r, "body_b64", "bad_body")? {
            Some(b) => STANDARD.decode(b).map_err(|_| Refused("bad_body"))?,
            None => Vec::new(),
        };
        let form = match r.get("form") {
            None | Some(Value::Null) => None,
            Some(f) => Some(
                f.as_array()
                    .ok_or(Refused("bad_body"))?
                    .iter()
                    .map(|pair| match pair[0].as_str() {
                        Some(n) => Ok((n.to_owned(), pair[1].clone())),
                        None => Err(Refused("bad_body")),
                    })
                    .collect::<Result<_, _>>()?,
            ),
        };
        Ok(Self {
            method: method.to_owned(),
            target: target.to_owned(),
            headers,
            body,
            form,
        })
    }
}

/// What a verified request established: its principal and its body's coverage.
struct Outcome {
    access_key_id: String,
    payload: &'static str,
}

/// The `--verify-raw` result line of one line.
pub fn verify_raw_line(line: &Value) -> Value {
    let id = line.get("id").cloned().unwrap_or(Value::Null);
    match verify_raw(line) {
        Ok(o) => json!({"id": id, "accepted": true, "error": null,
                        "access_key_id": o.access_key_id, "payload": o.payload}),
        Err(kind) => json!({"id": id, "accepted": false, "error": kind,
                            "access_key_id": null, "payload": null}),
    }
}

fn verify_raw(line: &Value) -> Result<Outcome, String> {
    let refused = |r: Refused| r.0.to_owned();
    let received = Received::parse(&line["received"]).map_err(refused)?;
    let known: Vec<Known> = line["secrets"]
        .as_array()
        .map(|s| s.iter().map(Known::parse).collect::<Result<_, _>>())
        .unwrap_or(Ok(Vec::new()))
        .map_err(refused)?;
    let policy = policy(&line["policy"]).map_err(refused)?;
    let unread = line.get("body").and_then(Value::as_str) == Some("unread");
    let lookup = |akid: &str| {
        known
            .iter()
            .find(|k| k.access_key_id == akid)
            .and_then(Known::secret)
    };
    if let Some(form) = &received.form {
        return verify_post(&received, form, &lookup, &policy);
    }
    let headers: Vec<(&str, &str)> = received
        .headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let payload = if unread {
        Payload::Unsigned
    } else {
        Payload::Body(&received.body)
    };
    let request = Request::new(&received.method, &received.target, &headers).with_payload(payload);
    let verified = match verify::verify(&request, &lookup, &policy) {
        Err(Error::Rejected(verify::Rejection::MissingAuthentication))
            if is_form(&headers) && !unread =>
        {
            // A SigV2 form POST: the parameters are in the body.
            let form = std::str::from_utf8(&received.body).map_err(|_| "bad_body".to_owned())?;
            verify::verify_v2_form(&request, form, &lookup, &policy)
        }
        other => other,
    }
    .map_err(|e| e.kind().to_owned())?;
    let payload = match verified.payload {
        PayloadCoverage::Checked => "checked",
        PayloadCoverage::Unsigned => "unsigned",
        PayloadCoverage::Unread { .. } => "unread",
        PayloadCoverage::Chunked { .. } => {
            let secret = known
                .iter()
                .find(|k| k.access_key_id == verified.access_key_id)
                .and_then(|k| k.secret_access_key.as_deref());
            decode_chunked(&received.body, &headers, Some((&verified, secret)))?;
            "chunks"
        }
        PayloadCoverage::UnsignedChunked => {
            decode_chunked(&received.body, &headers, None)?;
            "unsigned-chunks"
        }
        _ => return Err("unsupported".into()),
    };
    Ok(Outcome {
        access_key_id: verified.access_key_id.to_owned(),
        payload,
    })
}

/// Whether the body is a URL-encoded form.
fn is_form(headers: &[(&str, &str)]) -> bool {
    headers.iter().any(|(n, v)| {
        n.eq_ignore_ascii_case("content-type")
            && v.trim_start()
                .to_ascii_lowercase()
                .starts_with("application/x-www-form-urlencoded")
    })
}

/// Decodes an aws-chunked body with the library's decoder: every chunk
/// signature and the trailer verified (from the seed request's signature)
/// when `signed` gives the verified seed, the framing alone otherwise; the
/// body must end with its final chunk (and declared trailer).
fn decode_chunked(
    body: &[u8],
    headers: &[(&str, &str)],
    signed: Option<(&verify::Verified<'_>, Option<&str>)>,
) -> Result<(), String> {
    let kind = |e: Error| e.kind().to_owned();
    let declared = ChunkedDeclaration::from_headers(headers)
        .map_err(kind)?
        .ok_or_else(|| "bad_header".to_owned())?;
    let Some((verified, secret)) = signed else {
        let mut decoder = AwsChunkedDecoder::unsigned(declared).map_err(kind)?;
        decoder.decode(body, |_| {}).map_err(kind)?;
        return decoder.finish().map(|_| ()).map_err(kind);
    };
    let secret = secret.ok_or_else(|| "unknown_access_key".to_owned())?;
    let (region, service) = (
        verified.region.unwrap_or_default(),
        verified.service.unwrap_or_default(),
    );
    let signed_at = verified
        .signed_at
        .ok_or_else(|| "malformed_date".to_owned())?;
    let creds = Credentials::new(verified.access_key_id, secret, None).map_err(kind)?;
    let key = SigningKey::derive(&creds, signed_at, region, service).map_err(kind)?;
    let seed = Signature::parse(verified.signature).map_err(kind)?;
    let mut decoder = AwsChunkedDecoder::new(declared, &key, signed_at, &seed).map_err(kind)?;
    decoder.decode(body, |_| {}).map_err(kind)?;
    decoder.finish().map(|_| ()).map_err(kind)
}

/// An S3 POST form upload: the bucket from the path (path-style) or the
/// host (virtual-hosted), the file's length from its content; its policy's
/// conditions checked. The file's content is not signed: `"unsigned"`.
fn verify_post<'s>(
    received: &Received,
    form: &[(String, Value)],
    lookup: &dyn verify::SecretLookup<'s>,
    policy: &Policy<'_>,
) -> Result<Outcome, String> {
    let mut fields: Vec<(String, String)> = Vec::new();
    let mut file_length = 0u64;
    for (name, value) in form {
        let text = value.as_str().ok_or_else(|| "bad_body".to_owned())?;
        if name == "file" {
            file_length = STANDARD
                .decode(text)
                .map_err(|_| "bad_body".to_owned())?
                .len() as u64;
            fields.push((name.clone(), String::new()));
        } else {
            fields.push((name.clone(), text.to_owned()));
        }
    }
    let pairs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let path = received.target.split('?').next().unwrap_or_default();
    let host = received
        .headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("host"))
        .map(|(_, v)| v.as_str())
        .unwrap_or_default();
    let bucket = match path.trim_start_matches('/').split('/').next() {
        Some(b) if !b.is_empty() => b,
        _ => host.split('.').next().unwrap_or_default(),
    };
    let post = PostForm::new(bucket, &pairs, file_length);
    let mut buf = vec![0u8; 64 * 1024];
    let verified = verify::verify_post_form(&post, lookup, policy, &mut buf)
        .map_err(|e| e.kind().to_owned())?;
    Ok(Outcome {
        access_key_id: verified.access_key_id.to_owned(),
        payload: "unsigned",
    })
}
