//! SigV4 verification: the `Authorization` header and presigned queries.

use crate::Payload;
use crate::canonical::headers::{Headers, NameList};
use crate::canonical::payload::PayloadHash;
use crate::canonical::request::{CanonicalRequest, Copies, check_method};
use crate::canonical::target::Target;
use crate::canonical::{path, query};
use crate::sink::Discard;
use crate::v4::presign::MAX_EXPIRES;
use crate::v4::signature::compute;
use crate::v4::string_to_sign::ALGORITHM;
use crate::v4::{SessionTokenMode, SigningKey, SigningSettings};
use crate::verify::ct::{ct_eq, ct_eq_iter};
use crate::verify::parse::{self, Credential};
use crate::verify::{
    Policy, Rejection, Scheme, SecretLookup, Verified, single_header, single_param,
};
use crate::{Credentials, Request, SigningTime};

/// What both SigV4 forms share once their parameters are found.
struct Claimed<'r> {
    credential: Credential<'r>,
    signed_at: SigningTime,
    signed_headers: NameList<'r>,
    signature: &'r str,
    /// The session token as received (raw: percent-encoded in a query).
    token: Option<&'r str>,
    token_encoded: bool,
}

pub(crate) fn verify_header<'r, 's, L: SecretLookup<'s> + ?Sized>(
    request: &Request<'r>,
    target: Target<'r>,
    authorization: &'r str,
    lookup: &L,
    policy: &Policy<'_>,
) -> Result<Verified<'r>, Rejection> {
    let parts = parse::authorization(authorization, ALGORITHM)?;
    let date = single_header(request.headers, "x-amz-date")?.ok_or(Rejection::MalformedDate)?;
    let claimed = Claimed {
        credential: parse::credential(parts.credential)?,
        signed_at: parse::amz_date(date)?,
        signed_headers: NameList {
            raw: parts.signed_headers,
            sep: ";",
        },
        signature: parts.signature,
        token: single_header(request.headers, "x-amz-security-token")?,
        token_encoded: false,
    };
    let skew = i64::from(policy.max_skew);
    let now = policy.now.unix_seconds();
    if (now - claimed.signed_at.unix_seconds()).abs() > skew {
        return Err(Rejection::RequestTimeTooSkewed);
    }
    // What the request declares about its body, checked against what the
    // server knows of it.
    let declared = single_header(request.headers, "x-amz-content-sha256")?;
    let payload = match declared {
        Some(d) if d.len() == 64 => {
            let declared = PayloadHash::of(&Payload::Precomputed(d))?;
            match request.payload {
                Payload::Body(_) | Payload::Precomputed(_) => {
                    let actual = PayloadHash::of(&request.payload)?;
                    if !ct_eq(actual.as_str().as_bytes(), d.as_bytes()) {
                        return Err(Rejection::PayloadHashMismatch);
                    }
                    actual
                }
                _ => declared,
            }
        }
        Some("UNSIGNED-PAYLOAD") => PayloadHash::of(&Payload::Unsigned)?,
        Some("STREAMING-AWS4-HMAC-SHA256-PAYLOAD") => PayloadHash::of(&Payload::StreamingSigned)?,
        Some("STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER") => {
            PayloadHash::of(&Payload::StreamingSignedTrailer)?
        }
        Some("STREAMING-UNSIGNED-PAYLOAD-TRAILER") => {
            PayloadHash::of(&Payload::StreamingUnsignedTrailer)?
        }
        Some(_) => return Err(Rejection::Request(crate::Error::InvalidPayloadHash)),
        None => PayloadHash::of(&request.payload)?,
    };
    finish(
        request,
        target,
        &claimed,
        payload,
        &[],
        Scheme::V4Header,
        None,
        lookup,
        policy,
    )
}

pub(crate) fn verify_query<'r, 's, L: SecretLookup<'s> + ?Sized>(
    request: &Request<'r>,
    target: Target<'r>,
    lookup: &L,
    policy: &Policy<'_>,
) -> Result<Verified<'r>, Rejection> {
    let q = target.query;
    let required = |name| single_param(q, name)?.ok_or(Rejection::MissingAuthParameter);
    let algorithm = required("X-Amz-Algorithm")?;
    if algorithm != ALGORITHM {
        return Err(Rejection::UnsupportedAlgorithm);
    }
    let credential = required("X-Amz-Credential")?;
    let date = required("X-Amz-Date")?;
    let expires = required("X-Amz-Expires")?;
    let signed_headers = required("X-Amz-SignedHeaders")?;
    let signature = required("X-Amz-Signature")?;
    let claimed = Claimed {
        credential: parse::credential(credential)?,
        signed_at: parse::amz_date(date)?,
        signed_headers: NameList {
            raw: signed_headers,
            sep: "%3B",
        },
        signature,
        token: single_param(q, "X-Amz-Security-Token")?,
        token_encoded: true,
    };
    let expires: u32 = match expires.parse() {
        Ok(n) if (1..=MAX_EXPIRES).contains(&n) && expires.bytes().all(|b| b.is_ascii_digit()) => n,
        _ => return Err(Rejection::BadExpires),
    };
    let now = policy.now.unix_seconds();
    let signed = claimed.signed_at.unix_seconds();
    if now < signed - i64::from(policy.max_skew) {
        return Err(Rejection::NotYetValid);
    }
    if now > signed + i64::from(expires) {
        return Err(Rejection::Expired);
    }
    let expires_at = claimed
        .signed_at
        .checked_add_seconds(i64::from(expires))
        .ok();
    let payload = PayloadHash::of(&request.payload)?;
    finish(
        request,
        target,
        &claimed,
        payload,
        &["X-Amz-Signature"],
        Scheme::V4Query,
        expires_at,
        lookup,
        policy,
    )
}

#[allow(clippy::too_many_arguments)]
fn finish<'r, 's, L: SecretLookup<'s> + ?Sized>(
    request: &Request<'r>,
    target: Target<'r>,
    claimed: &Claimed<'r>,
    payload: PayloadHash,
    skip: &[&str],
    scheme: Scheme,
    expires_at: Option<SigningTime>,
    lookup: &L,
    policy: &Policy<'_>,
) -> Result<Verified<'r>, Rejection> {
    let c = claimed.credential;
    if c.date != claimed.signed_at.date_stamp().as_str() {
        return Err(Rejection::ScopeDateMismatch);
    }
    if policy.region.is_some_and(|r| r != c.region) {
        return Err(Rejection::WrongRegion);
    }
    if policy.service.is_some_and(|s| s != c.service) {
        return Err(Rejection::WrongService);
    }
    parse::signed_headers(claimed.signed_headers)?;
    for name in claimed.signed_headers.names() {
        let listed = || claimed.signed_headers.bytes_of(name);
        let present = request.headers.iter().any(|(n, _)| {
            listed()
                .map(|b| b.to_ascii_lowercase())
                .eq(n.bytes().map(|b| b.to_ascii_lowercase()))
        });
        if !present {
            return Err(Rejection::SignedHeaderMissing);
        }
    }
    let sig = claimed.signature.as_bytes();
    if sig.len() != 64 || !sig.iter().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
        return Err(Rejection::MalformedSignature);
    }
    check_method(request.method)?;
    let settings = policy
        .settings
        .unwrap_or_else(|| SigningSettings::for_service(c.service));
    path::check(target.path, settings.double_encode_path)?;
    query::check(target.query, target.query_offset, &[])?;
    Headers::check_received(request.headers)?;

    let secret = lookup
        .secret(c.access_key_id)
        .ok_or(Rejection::UnknownAccessKey)?;
    let token_ok = match (secret.session_token, claimed.token) {
        (None, None) => true,
        (Some(want), Some(got)) if claimed.token_encoded => {
            ct_eq_iter(crate::encode::Decoded::new(got.as_bytes()), want.as_bytes())
        }
        (Some(want), Some(got)) => ct_eq(got.as_bytes(), want.as_bytes()),
        _ => false,
    };
    if !token_ok {
        return Err(Rejection::SessionTokenMismatch);
    }
    let credentials = Credentials::new(c.access_key_id, secret.secret_access_key, None)
        .map_err(|_| Rejection::MalformedCredential)?;
    let key = SigningKey::derive(&credentials, claimed.signed_at, c.region, c.service)
        .map_err(|_| Rejection::MalformedCredential)?;

    let unsigned_token = ["X-Amz-Signature", "X-Amz-Security-Token"];
    let skip = if scheme == Scheme::V4Query
        && settings.session_token == SessionTokenMode::AppendedUnsigned
    {
        &unsigned_token[..]
    } else {
        skip
    };
    let headers = Headers::named(request.headers, claimed.signed_headers);
    let canonical = CanonicalRequest {
        method: request.method,
        target,
        normalize_path: settings.normalize_path,
        double_encode_path: settings.double_encode_path,
        query_added: &[],
        query_skip: skip,
        headers: &headers,
        payload: payload.as_str(),
    };
    let mut copies = Copies {
        out: Discard,
        query: false,
        signed_headers: false,
    };
    let expected = compute(
        &key,
        &claimed.signed_at.amz_date(),
        &canonical,
        &mut copies,
        Discard,
        Discard,
    );
    if !ct_eq(expected.as_str().as_bytes(), sig) {
        return Err(Rejection::SignatureMismatch);
    }
    Ok(Verified {
        scheme,
        access_key_id: c.access_key_id,
        region: Some(c.region),
        service: Some(c.service),
        method: request.method,
        path: target.path,
        signed_headers: claimed.signed_headers.raw,
        signed_at: Some(claimed.signed_at),
        expires_at,
    })
}
