//! Signing a case, by scheme, into the protocol's result object.

use awsig::v4::{self, SigningKey, SigningSettings};
use awsig::{Credentials, Output, Request, SigningTime, Trace, v2};
use serde_json::{Value, json};

use super::case::{Case, Refused, str_field};

/// Signs the SigV4a schemes (`v4a-header`, `v4a-query`): derives the key
/// and calls [`Signing::sign_v4a`]. The runner cannot do it itself: awsig's
/// `v4a` module exists only with awsig's `sigv4a` feature, which is the
/// root crate's to choose; so the runner's callers that have the feature
/// pass this (see [`Runner::with_v4a`]).
pub type V4aSigner = fn(&Signing<'_>, usize, &mut [u8]) -> Result<Value, Refused>;

/// The conformance runner: signs cases into result objects.
#[derive(Clone, Copy, Default)]
pub struct Runner {
    v4a: Option<V4aSigner>,
}

/// A case ready to sign: its fields, credentials, time and request.
pub struct Signing<'a> {
    pub case: &'a Case<'a>,
    pub credentials: &'a Credentials<'a>,
    pub time: SigningTime,
    pub request: &'a Request<'a>,
}

impl Runner {
    /// A runner for every scheme but SigV4a's, which it refuses with
    /// `unsupported_scheme`.
    pub fn new() -> Self {
        Self::default()
    }

    /// Signs the SigV4a schemes with `v4a`.
    pub fn with_v4a(self, v4a: V4aSigner) -> Self {
        Self { v4a: Some(v4a) }
    }

    /// Signs one case `repeat` times through the buffer API (key derived
    /// once), then once more with the trace on, and returns the result
    /// object.
    pub fn sign(&self, case: &Value, repeat: usize, buf: &mut [u8]) -> Result<Value, Refused> {
        let c = Case::parse(case)?;
        let time = SigningTime::parse_rfc3339(c.time)?;
        let credentials = Credentials::new(c.access_key_id, c.secret, c.token)?;
        let request = Request::new(c.method, c.target, &c.headers).with_payload(c.payload());
        let signing = Signing {
            case: &c,
            credentials: &credentials,
            time,
            request: &request,
        };
        match c.scheme {
            "v2-query" | "v2-form" => signing.sign_v2(repeat, buf),
            "v4a-header" | "v4a-query" => match self.v4a {
                Some(v4a) => v4a(&signing, repeat, buf),
                None => Err(Refused("unsupported_scheme")),
            },
            "v4-event" => signing.sign_events(repeat, buf),
            "s3-v2-header" | "s3-v2-query" => signing.sign_s3_v2(repeat, buf),
            "v4-header"
            | "v4-query"
            | "s3-v4-header"
            | "s3-v4-query"
            | "s3-v4-chunked"
            | "s3express-v4-header"
            | "s3express-v4-query" => signing.sign_v4(repeat, buf),
            _ => Err(Refused("unsupported_scheme")),
        }
    }

    /// The result line of one input line (a bare case or `{"case",
    /// "expected"}`), growing `buf` until the output fits.
    pub fn result_for(&self, value: &Value, repeat: usize, buf: &mut Vec<u8>) -> Value {
        let case = value.get("case").unwrap_or(value);
        let id = case.get("id").cloned().unwrap_or(Value::Null);
        let mut result = loop {
            match self.sign(case, repeat, buf) {
                Err(Refused("output")) => {
                    let len = buf.len().max(1);
                    buf.resize(len * 4, 0);
                }
                Ok(r) => break r,
                Err(Refused(kind)) => {
                    break json!({
                        "canonical_request": null, "string_to_sign": null, "signature": null,
                        "authorization": null, "signed_target": null, "added_headers": null, "error": kind,
                    });
                }
            }
        };
        result["id"] = id;
        result
    }
}

impl Signing<'_> {
    /// SigV2 (`v2-query`, and `v2-form` with the parameters in the body);
    /// the case field `v2_expires` signs with `Expires` instead of
    /// `Timestamp`.
    fn sign_v2(&self, repeat: usize, buf: &mut [u8]) -> Result<Value, Refused> {
        let c = self.case;
        if c.payload.is_some() {
            return Err(Refused("bad_payload"));
        }
        if c.expires_in.is_some() {
            return Err(Refused("expires_range"));
        }
        let validity = match str_field(c.json, "v2_expires", "bad_time")? {
            Some(t) => v2::Validity::Expires(SigningTime::parse_rfc3339(t)?),
            None => v2::Validity::Timestamp(self.time),
        };
        let method = v2::SignatureMethod::HmacSha256;
        let (creds, request) = (self.credentials, self.request);
        let (mut cr, mut sts) = (String::new(), String::new());
        let mut trace = Trace::new(&mut cr, &mut sts);
        if c.scheme == "v2-form" {
            let form = std::str::from_utf8(&c.body).map_err(|_| Refused("bad_body"))?;
            for _ in 0..repeat {
                let _ = v2::sign_form(creds, request, form, validity, method, &mut *buf)?;
            }
            let traced = Output::traced(buf, &mut trace);
            let signed = v2::sign_form(creds, request, form, validity, method, traced)?;
            let (sig, body) = (signed.signature().to_owned(), signed.as_str().to_owned());
            return Ok(json!({
                "canonical_request": null, "string_to_sign": sts, "signature": sig,
                "authorization": null, "signed_target": null, "added_headers": null, "error": null,
                "body": body,
            }));
        }
        if !c.body.is_empty() {
            return Err(Refused("bad_body"));
        }
        for _ in 0..repeat {
            let _ = v2::sign_query(creds, request, validity, method, &mut *buf)?;
        }
        let traced = Output::traced(buf, &mut trace);
        let signed = v2::sign_query(creds, request, validity, method, traced)?;
        let (sig, target) = (signed.signature().to_owned(), signed.as_str().to_owned());
        Ok(json!({
            "canonical_request": null, "string_to_sign": sts, "signature": sig,
            "authorization": null, "signed_target": target, "added_headers": null, "error": null,
        }))
    }

    /// SigV4, S3's rules included (and S3 Express One Zone session auth:
    /// `s3express-v4-header`, `s3express-v4-query`); `s3-v4-chunked` adds
    /// the signature of every chunk.
    fn sign_v4(&self, repeat: usize, buf: &mut [u8]) -> Result<Value, Refused> {
        let c = self.case;
        let query = matches!(c.scheme, "v4-query" | "s3-v4-query" | "s3express-v4-query");
        if !query && c.expires_in.is_some() {
            return Err(Refused("expires_range"));
        }
        let expires_in = if query { Some(c.expires()?) } else { None };
        let key = SigningKey::derive(self.credentials, self.time, c.region, c.service)?;
        let signer = v4::Signer::new(&key, self.credentials, self.time)?;
        let (mut result, seed) =
            sign_with(&signer, self.request, &c.settings, expires_in, repeat, buf)?;
        if c.scheme == "s3-v4-chunked" {
            result["chunk_signatures"] = self.chunk_signatures(&signer, &seed)?;
        }
        Ok(result)
    }

    /// The case field `region_set` (as sent in `X-Amz-Region-Set`), or the
    /// region.
    pub fn region_set(&self) -> Result<&str, Refused> {
        Ok(str_field(self.case.json, "region_set", "bad_scope")?.unwrap_or(self.case.region))
    }

    /// SigV4a with `key` (awsig's `v4a::V4aSigningKey`) and its public key
    /// `(x, y)`; the result adds `public_key` (`{"X", "Y"}`, hex).
    pub fn sign_v4a<K: v4::Key>(
        &self,
        key: &K,
        (x, y): ([u8; 32], [u8; 32]),
        repeat: usize,
        buf: &mut [u8],
    ) -> Result<Value, Refused> {
        let c = self.case;
        let hex = |b: [u8; 32]| b.iter().map(|v| format!("{v:02x}")).collect::<String>();
        let public_key = json!({"X": hex(x), "Y": hex(y)});
        let signer = v4::Signer::new(key, self.credentials, self.time)?;
        let expires_in = if c.scheme == "v4a-query" {
            Some(c.expires()?)
        } else if c.expires_in.is_some() {
            return Err(Refused("expires_range"));
        } else {
            None
        };
        let (mut result, _) =
            sign_with(&signer, self.request, &c.settings, expires_in, repeat, buf)?;
        result["public_key"] = public_key;
        Ok(result)
    }

    /// The signature of every chunk of the case's body, the final empty
    /// chunk last (extension scheme `s3-v4-chunked`, field `chunk_size`).
    fn chunk_signatures(
        &self,
        signer: &v4::Signer<'_>,
        seed: &v4::Signature,
    ) -> Result<Value, Refused> {
        let c = self.case;
        let size = c.chunk_size.ok_or(Refused("bad_case"))?;
        let mode = match c.payload {
            None | Some("STREAMING-AWS4-HMAC-SHA256-PAYLOAD") => v4::ChunkedMode::Signed,
            Some("STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER") => {
                v4::ChunkedMode::SignedWithTrailer
            }
            Some("STREAMING-UNSIGNED-PAYLOAD-TRAILER") => return Ok(json!([])),
            Some(_) => return Err(Refused("bad_payload")),
        };
        let mut signer = v4::ChunkSigner::new(signer, seed, mode);
        let mut sigs = Vec::new();
        for chunk in c.body.chunks(size).chain([&[][..]]) {
            sigs.push(Value::from(signer.sign_chunk(chunk)?.as_str()));
        }
        Ok(Value::Array(sigs))
    }
}

/// Presigns (with `expires_in`) or signs the headers of `request`, with
/// any SigV4 or SigV4a signer: `repeat` times untraced, then once traced.
/// The result object, and the signature (the seed of a chunked upload).
fn sign_with<K: v4::Key>(
    signer: &v4::Signer<'_, K>,
    request: &Request<'_>,
    settings: &SigningSettings,
    expires_in: Option<u32>,
    repeat: usize,
    buf: &mut [u8],
) -> Result<(Value, v4::Signature), Refused> {
    let (mut cr, mut sts) = (String::new(), String::new());
    let mut trace = Trace::new(&mut cr, &mut sts);
    if let Some(expires_in) = expires_in {
        for _ in 0..repeat {
            let _ = v4::presign(signer, request, expires_in, settings, &mut *buf)?;
        }
        let traced = Output::traced(buf, &mut trace);
        let signed = v4::presign(signer, request, expires_in, settings, traced)?;
        let (target, signature) = (signed.as_str().to_owned(), signed.signature());
        let result = json!({
            "canonical_request": cr, "string_to_sign": sts, "signature": signature.as_str(),
            "authorization": null, "signed_target": target, "added_headers": null, "error": null,
        });
        Ok((result, signature))
    } else {
        for _ in 0..repeat {
            let _ = v4::sign_headers(signer, request, settings, &mut *buf)?;
        }
        let traced = Output::traced(buf, &mut trace);
        let signed = v4::sign_headers(signer, request, settings, traced)?;
        let added: Vec<Value> = signed.headers().map(|(n, v)| json!([n, v])).collect();
        let (signature, authorization) = (signed.signature(), signed.authorization().to_owned());
        let result = json!({
            "canonical_request": cr, "string_to_sign": sts, "signature": signature.as_str(),
            "authorization": authorization, "signed_target": null, "added_headers": added, "error": null,
        });
        Ok((result, signature))
    }
}
