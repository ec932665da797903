//! SigV2 verification (query or form parameters).
//!
//! The request claims an access key, a signature and a time in its own
//! parameters; the signature is the base64 HMAC-SHA256, keyed with the
//! secret, of the method, host, path and sorted parameters
//! (<https://docs.aws.amazon.com/general/latest/gr/signature-version-2.html>).
//! The steps run in a fixed order: it decides which error a request with
//! several faults gets.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use crate::canonical::headers::Headers;
use crate::canonical::params::Params;
use crate::canonical::request::check_method;
use crate::canonical::target::Target;
use crate::ct::ct_eq;
use crate::encode::Decoded;
use crate::mac::HmacKey;
use crate::v2::StringToSign;
use crate::verify::{
    PayloadCoverage, Policy, Rejection, Scheme, SecretLookup, Verified, session_token_matches,
    single_param,
};
use crate::{Error, Payload, Request, SigningTime};

/// What the request claims in its parameters.
struct Claimed<'r> {
    access_key_id: &'r str,
    /// `Signature`, as received (percent-encoded base64).
    signature: &'r str,
    timestamp: Option<SigningTime>,
    expires: Option<SigningTime>,
}

pub(crate) fn verify<'r, 's, L: SecretLookup<'s> + ?Sized>(
    request: &Request<'r>,
    target: Target<'r>,
    params: &'r str,
    is_form: bool,
    lookup: &L,
    policy: &Policy<'_>,
) -> Result<Verified<'r>, Error> {
    let max_lifetime = policy.sigv2.ok_or(Rejection::SigV2NotAllowed)?;
    let claimed = parse_claim(params)?;
    check_time_window(&claimed, policy, max_lifetime)?;
    let payload = payload_coverage(request, is_form, policy)?;
    let signature = decode_signature(claimed.signature)?;
    // The request is one the string to sign can be written of.
    check_method(request.method)?;
    Params::check(params, 0, &[])?;
    let host = Headers::check_received(request.headers)?;
    let secret_key = find_secret(lookup, claimed.access_key_id, params)?;
    let string_to_sign = StringToSign {
        method: request.method,
        host,
        path: target.path,
        params,
        added: &[],
        skip: &["Signature"],
        plus: crate::encode::Plus::Space,
    };
    if !ct_eq(&expected_signature(secret_key, &string_to_sign), &signature) {
        return Err(Rejection::SignatureMismatch.into());
    }
    Ok(Verified {
        scheme: Scheme::V2Query,
        access_key_id: claimed.access_key_id,
        region: None,
        region_set: None,
        service: None,
        method: request.method,
        path: target.path,
        signed_headers: "",
        signature: claimed.signature,
        signed_at: claimed.timestamp,
        expires_at: claimed.expires,
        payload,
        normalized_path: false,
    })
}

/// A form POST signs its body (the parameters); a query signs none of the
/// body, so one the server did not see empty is unauthenticated.
fn payload_coverage<'r>(
    request: &Request<'r>,
    is_form: bool,
    policy: &Policy<'_>,
) -> Result<PayloadCoverage<'r>, Rejection> {
    if is_form || matches!(request.payload, Payload::Body([])) {
        return Ok(PayloadCoverage::Checked);
    }
    if !policy.allow_unsigned_payload {
        return Err(Rejection::UnsignedPayloadNotAllowed);
    }
    Ok(PayloadCoverage::Unsigned)
}

/// Parses the SigV2 parameters, each at most once: `SignatureVersion=2`
/// and `SignatureMethod=HmacSHA256` (the only method verified),
/// `AWSAccessKeyId` and `Signature` (required), `Timestamp` and `Expires`.
fn parse_claim(params: &str) -> Result<Claimed<'_>, Rejection> {
    let required = |name| single_param(params, name)?.ok_or(Rejection::MissingAuthParameter);
    if required("SignatureVersion")? != "2" {
        return Err(Rejection::UnsupportedAlgorithm);
    }
    if required("SignatureMethod")? != "HmacSHA256" {
        return Err(Rejection::UnsupportedAlgorithm);
    }
    let access_key_id = required("AWSAccessKeyId")?;
    if !crate::credentials::is_scope_part(access_key_id) || access_key_id.contains('%') {
        return Err(Rejection::MalformedCredential);
    }
    let signature = required("Signature")?;
    let timestamp = time_param(params, "Timestamp")?;
    let expires = time_param(params, "Expires")?;
    Ok(Claimed {
        access_key_id,
        signature,
        timestamp,
        expires,
    })
}

/// A time parameter, percent-decoded: ISO 8601 (`2011-10-03T15:19:30Z`).
fn time_param(params: &str, name: &str) -> Result<Option<SigningTime>, Rejection> {
    let mut buf = [0u8; 32];
    single_param(params, name)?
        .map(|raw| {
            let text = decode_into(raw, &mut buf, Rejection::MalformedDate)?;
            let text = core::str::from_utf8(text).map_err(|_| Rejection::MalformedDate)?;
            SigningTime::parse_rfc3339(text).map_err(|_| Rejection::MalformedDate)
        })
        .transpose()
}

/// A request carries either `Timestamp`, refused beyond the allowed clock
/// skew (AWS: 15 minutes), or `Expires`, refused after it or further ahead
/// than the policy's maximum lifetime; not both.
fn check_time_window(
    claimed: &Claimed<'_>,
    policy: &Policy<'_>,
    max_lifetime: u32,
) -> Result<(), Rejection> {
    let now = policy.now.unix_seconds();
    match (claimed.timestamp, claimed.expires) {
        (Some(t), None) if now.abs_diff(t.unix_seconds()) > u64::from(policy.max_skew) => {
            Err(Rejection::RequestTimeTooSkewed)
        }
        (None, Some(e)) if now > e.unix_seconds() => Err(Rejection::Expired),
        (None, Some(e)) if e.unix_seconds().abs_diff(now) > u64::from(max_lifetime) => {
            Err(Rejection::ExpiresTooFar)
        }
        (Some(_), None) | (None, Some(_)) => Ok(()),
        _ => Err(Rejection::MalformedDate),
    }
}

/// `Signature`, percent-decoded: the 44 characters of a base64 HMAC-SHA256.
fn decode_signature(raw: &str) -> Result<[u8; 44], Rejection> {
    let mut buf = [0u8; 44];
    let decoded = decode_into(raw, &mut buf, Rejection::MalformedSignature)?;
    decoded
        .try_into()
        .map_err(|_| Rejection::MalformedSignature)
}

/// Percent-decodes a short parameter value into `buf`; `too_long` when it
/// does not fit.
fn decode_into<'b>(
    raw: &str,
    buf: &'b mut [u8],
    too_long: Rejection,
) -> Result<&'b [u8], Rejection> {
    let mut n = 0;
    for b in Decoded::new(raw.as_bytes()) {
        *buf.get_mut(n).ok_or(too_long)? = b;
        n = n.saturating_add(1);
    }
    Ok(buf.get(..n).unwrap_or_default())
}

/// The secret key of `access_key_id`, whose session token (if it has one)
/// the request must carry as `SecurityToken`, and only then.
fn find_secret<'s, L: SecretLookup<'s> + ?Sized>(
    lookup: &L,
    access_key_id: &str,
    params: &str,
) -> Result<&'s str, Rejection> {
    let secret = lookup
        .secret(access_key_id)
        .ok_or(Rejection::UnknownAccessKey)?;
    let token = single_param(params, "SecurityToken")?;
    if !session_token_matches(secret.session_token, token, true) {
        return Err(Rejection::SessionTokenMismatch);
    }
    secret.secret_access_key.ok_or(Rejection::UnknownAccessKey)
}

/// The signature AWS computes: base64 of HMAC-SHA256(secret, string to sign).
fn expected_signature(secret_key: &str, string_to_sign: &StringToSign<'_>) -> [u8; 44] {
    let mut mac = HmacKey::new(secret_key.as_bytes()).start();
    string_to_sign.write(&mut mac, &mut crate::sink::Discard);
    let digest = crate::mac::finish(mac);
    let mut expected = [0u8; 44];
    let _ = STANDARD.encode_slice(digest, &mut expected);
    expected
}
