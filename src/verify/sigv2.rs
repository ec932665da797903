//! SigV2 verification (query or form parameters).

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use crate::canonical::headers::Headers;
use crate::canonical::params::Params;
use crate::canonical::request::check_method;
use crate::canonical::target::Target;
use crate::ct::{ct_eq, ct_eq_iter};
use crate::encode::Decoded;
use crate::mac::HmacKey;
use crate::verify::{Policy, Rejection, Scheme, SecretLookup, Verified, single_param};
use crate::{Error, Request, SigningTime};

/// Decodes a short parameter value into `buf`.
fn decode_into<'b>(raw: &str, buf: &'b mut [u8]) -> Result<&'b str, Rejection> {
    let mut n = 0;
    for b in Decoded::new(raw.as_bytes()) {
        *buf.get_mut(n).ok_or(Rejection::MalformedDate)? = b;
        n += 1;
    }
    core::str::from_utf8(buf.get(..n).unwrap_or_default()).map_err(|_| Rejection::MalformedDate)
}

pub(crate) fn verify<'r, 's, L: SecretLookup<'s> + ?Sized>(
    request: &Request<'r>,
    target: Target<'r>,
    params: &'r str,
    lookup: &L,
    policy: &Policy<'_>,
) -> Result<Verified<'r>, Error> {
    let required = |name| single_param(params, name)?.ok_or(Rejection::MissingAuthParameter);
    if required("SignatureVersion")? != "2" {
        return Err(Rejection::UnsupportedAlgorithm.into());
    }
    if required("SignatureMethod")? != "HmacSHA256" {
        return Err(Rejection::UnsupportedAlgorithm.into());
    }
    let access_key_id = required("AWSAccessKeyId")?;
    if !crate::credentials::is_scope_part(access_key_id) || access_key_id.contains('%') {
        return Err(Rejection::MalformedCredential.into());
    }
    let signature = required("Signature")?;
    let (mut tbuf, mut ebuf) = ([0u8; 32], [0u8; 32]);
    let timestamp = single_param(params, "Timestamp")?
        .map(|t| {
            decode_into(t, &mut tbuf)
                .and_then(|t| SigningTime::parse_rfc3339(t).map_err(|_| Rejection::MalformedDate))
        })
        .transpose()?;
    let expires = single_param(params, "Expires")?
        .map(|t| {
            decode_into(t, &mut ebuf)
                .and_then(|t| SigningTime::parse_rfc3339(t).map_err(|_| Rejection::MalformedDate))
        })
        .transpose()?;
    let now = policy.now.unix_seconds();
    match (timestamp, expires) {
        (Some(t), None) if (now - t.unix_seconds()).abs() > i64::from(policy.max_skew) => {
            return Err(Rejection::RequestTimeTooSkewed.into());
        }
        (None, Some(e)) if now > e.unix_seconds() => return Err(Rejection::Expired.into()),
        (Some(_), None) | (None, Some(_)) => {}
        _ => return Err(Rejection::MalformedDate.into()),
    }
    let mut sig = [0u8; 64];
    let mut sig_len = 0;
    for b in Decoded::new(signature.as_bytes()) {
        *sig.get_mut(sig_len).ok_or(Rejection::MalformedSignature)? = b;
        sig_len += 1;
    }
    let sig = sig.get(..sig_len).unwrap_or_default();
    if sig_len != 44 {
        return Err(Rejection::MalformedSignature.into());
    }
    check_method(request.method)?;
    Params::check(params, 0, &[])?;
    let host = Headers::check_received(request.headers)?;

    let secret = lookup
        .secret(access_key_id)
        .ok_or(Rejection::UnknownAccessKey)?;
    let token = single_param(params, "SecurityToken")?;
    let token_ok = match (secret.session_token, token) {
        (None, None) => true,
        (Some(want), Some(got)) => ct_eq_iter(Decoded::new(got.as_bytes()), want.as_bytes()),
        _ => false,
    };
    if !token_ok {
        return Err(Rejection::SessionTokenMismatch.into());
    }
    let secret_key = secret
        .secret_access_key
        .ok_or(Rejection::UnknownAccessKey)?;
    let mut mac = HmacKey::new(secret_key.as_bytes()).start();
    let parts = crate::v2::StringToSign {
        method: request.method,
        host,
        path: target.path,
        params,
        added: &[],
        skip: &["Signature"],
    };
    parts.write(&mut mac, &mut crate::sink::Discard);
    let digest = crate::mac::finish(mac);
    let mut expected = [0u8; 44];
    let _ = STANDARD.encode_slice(digest, &mut expected);
    if !ct_eq(&expected, sig) {
        return Err(Rejection::SignatureMismatch.into());
    }
    Ok(Verified {
        scheme: Scheme::V2Query,
        access_key_id,
        region: None,
        region_set: None,
        service: None,
        method: request.method,
        path: target.path,
        signed_headers: "",
        signature,
        signed_at: timestamp,
        expires_at: expires,
    })
}
