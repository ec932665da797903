//! SigV4 verification: the `Authorization` header and presigned queries.
//!
//! Both forms make the same claim (an access key and its scope, a time,
//! the signed headers, a signature), written in headers or in `X-Amz-*`
//! parameters: each is parsed into a `Claimed` and its time window
//! checked, then `finish` checks the claim against the server's policy
//! and the request, finds the secret and recomputes the signature
//! (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html>).
//! The steps run in a fixed order: it decides which error a request with
//! several faults gets.

use super::claim::{Alg, Claimed, header_claim, query_claim};
use super::signature::signature_matches;
use crate::Payload;
use crate::canonical::headers::Headers;
use crate::canonical::params::{self, Params, Spans};
use crate::canonical::path;
use crate::canonical::payload::PayloadHash;
use crate::canonical::request::{CanonicalQuery, CanonicalRequest, check_method};
use crate::canonical::target::Target;
use crate::ct::ct_eq;
use crate::v4::{SessionTokenMode, SigningSettings};
use crate::verify::parse;
use crate::verify::{
    Policy, Rejection, Scheme, Secret, SecretLookup, Verified, session_token_matches, single_header,
};
use crate::{Error, Request, SigningTime};

/// What the server received: the request, its target, and the payload line
/// its canonical request ends with.
struct Received<'a, 'r> {
    request: &'a Request<'r>,
    target: Target<'r>,
    payload: PayloadHash,
}

pub(crate) fn verify_header<'r, 's, L: SecretLookup<'s> + ?Sized>(
    request: &Request<'r>,
    target: Target<'r>,
    authorization: &'r str,
    lookup: &L,
    policy: &Policy<'_>,
) -> Result<Verified<'r>, Error> {
    let claimed = header_claim(request, authorization)?;
    check_skew(claimed.signed_at, policy)?;
    let payload = declared_payload(request)?;
    let received = Received {
        request,
        target,
        payload,
    };
    finish(&received, &claimed, lookup, policy)
}

pub(crate) fn verify_query<'r, 's, L: SecretLookup<'s> + ?Sized>(
    request: &Request<'r>,
    target: Target<'r>,
    lookup: &L,
    policy: &Policy<'_>,
) -> Result<Verified<'r>, Error> {
    let (claimed, expires) = query_claim(target.query)?;
    check_validity_window(claimed.signed_at, expires, policy)?;
    // A presigned URL declares nothing of its body: its canonical request
    // ends with what the server knows of it (`UNSIGNED-PAYLOAD` if nothing).
    let payload = PayloadHash::of(&request.payload)?;
    let received = Received {
        request,
        target,
        payload,
    };
    finish(&received, &claimed, lookup, policy)
}

/// A signed request is refused when its `X-Amz-Date` is more than the
/// allowed skew (AWS: 15 minutes) before or after the server's clock.
fn check_skew(signed_at: SigningTime, policy: &Policy<'_>) -> Result<(), Rejection> {
    let skew = i64::from(policy.max_skew);
    let now = policy.now.unix_seconds();
    if (now - signed_at.unix_seconds()).abs() > skew {
        return Err(Rejection::RequestTimeTooSkewed);
    }
    Ok(())
}

/// A presigned URL is valid from `X-Amz-Date` (less the allowed skew) to
/// `X-Amz-Date + X-Amz-Expires`.
fn check_validity_window(
    signed_at: SigningTime,
    expires: u32,
    policy: &Policy<'_>,
) -> Result<(), Rejection> {
    let now = policy.now.unix_seconds();
    let signed = signed_at.unix_seconds();
    if now < signed - i64::from(policy.max_skew) {
        return Err(Rejection::NotYetValid);
    }
    if now > signed + i64::from(expires) {
        return Err(Rejection::Expired);
    }
    Ok(())
}

/// The payload line of a header-signed request: `x-amz-content-sha256` as
/// declared, or the hash of what the server knows of the body when the
/// header is absent. A declared hash must match the body when the server
/// knows it; a literal (`UNSIGNED-PAYLOAD`, `STREAMING-...`) stands for
/// itself.
fn declared_payload(request: &Request<'_>) -> Result<PayloadHash, Error> {
    let declared = single_header(request.headers, "x-amz-content-sha256")?;
    Ok(match declared {
        Some(d) if d.len() == 64 => {
            let declared = PayloadHash::of(&Payload::Precomputed(d))?;
            match request.payload {
                Payload::Body(_) | Payload::Precomputed(_) => {
                    let actual = PayloadHash::of(&request.payload)?;
                    if !ct_eq(actual.as_str().as_bytes(), d.as_bytes()) {
                        return Err(Rejection::PayloadHashMismatch.into());
                    }
                    actual
                }
                _ => declared,
            }
        }
        Some(line) => PayloadHash::of(&Payload::from_line(line))?,
        None => PayloadHash::of(&request.payload)?,
    })
}

/// Checks the claim against the policy and the request, finds the secret
/// and recomputes the signature.
fn finish<'r, 's, L: SecretLookup<'s> + ?Sized>(
    received: &Received<'_, 'r>,
    claimed: &Claimed<'r>,
    lookup: &L,
    policy: &Policy<'_>,
) -> Result<Verified<'r>, Error> {
    check_scope(claimed, policy)?;
    check_signed_headers(claimed, received.request.headers)?;
    check_signature_form(claimed)?;
    let settings = policy
        .settings
        .unwrap_or_else(|| SigningSettings::for_service(claimed.credential.service));
    let mut spans = params::SPANS;
    let params = check_request(received, &settings, &mut spans)?;
    let secret = find_secret(lookup, claimed)?;
    // The canonical request, rebuilt from what was received.
    let headers = Headers::named(received.request.headers, claimed.signed_headers);
    let canonical = CanonicalRequest {
        method: received.request.method,
        path: received.target.path,
        normalize_path: settings.normalize_path,
        double_encode_path: settings.double_encode_path,
        query: CanonicalQuery::Params {
            params: &params,
            added: &[],
            skip: unsigned_params(claimed.scheme, &settings),
        },
        headers: &headers,
        payload: received.payload.as_str(),
    };
    if !signature_matches(claimed, &secret, &canonical)? {
        return Err(Rejection::SignatureMismatch.into());
    }
    Ok(verified(received, claimed))
}

/// The credential scope `AKID/date/region/service/aws4_request`: its date
/// must be the day of `X-Amz-Date`; its region (SigV4a: the region set,
/// which SigV4a requires) and service those the server requires, if any.
fn check_scope(claimed: &Claimed<'_>, policy: &Policy<'_>) -> Result<(), Rejection> {
    let c = claimed.credential;
    if c.date != claimed.signed_at.date_stamp().as_str() {
        return Err(Rejection::ScopeDateMismatch);
    }
    let region_ok = match (policy.region, c.region, claimed.region_set) {
        (None, _, _) => true,
        (Some(want), Some(region), _) => want == region,
        (Some(want), None, Some(set)) => region_set_allows(set, want),
        (Some(_), None, None) => false,
    };
    if !region_ok {
        return Err(Rejection::WrongRegion);
    }
    if claimed.alg != Alg::V4 && claimed.region_set.is_none() {
        return Err(Rejection::MissingAuthParameter);
    }
    if policy.service.is_some_and(|s| s != c.service) {
        return Err(Rejection::WrongService);
    }
    Ok(())
}

/// `SignedHeaders` is well-formed (lowercase, sorted, `host` included) and
/// every header it names is in the request, in any case.
fn check_signed_headers(claimed: &Claimed<'_>, headers: &[(&str, &str)]) -> Result<(), Rejection> {
    parse::signed_headers(claimed.signed_headers)?;
    for name in claimed.signed_headers.names() {
        let listed = || claimed.signed_headers.bytes_of(name);
        let present = headers.iter().any(|(n, _)| {
            listed()
                .map(|b| b.to_ascii_lowercase())
                .eq(n.bytes().map(|b| b.to_ascii_lowercase()))
        });
        if !present {
            return Err(Rejection::SignedHeaderMissing);
        }
    }
    Ok(())
}

/// The signature is lowercase hex: 64 digits for SigV4's HMAC-SHA256, the
/// DER encoding of an ECDSA P-256 signature (8 to 72 bytes) for SigV4a.
fn check_signature_form(claimed: &Claimed<'_>) -> Result<(), Rejection> {
    let sig = claimed.signature.as_bytes();
    let hex = sig.iter().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
    let length_ok = match claimed.alg {
        Alg::V4 => sig.len() == 64,
        #[cfg(feature = "sigv4a")]
        Alg::V4a => (16..=144).contains(&sig.len()) && sig.len().is_multiple_of(2),
    };
    if !hex || !length_ok {
        return Err(Rejection::MalformedSignature);
    }
    Ok(())
}

/// The request is one the canonicaliser can write: a method token, a path
/// with well-formed escapes, a query whose parameters are read and sorted
/// into `spans`, well-formed headers.
fn check_request<'q, 's>(
    received: &Received<'_, 'q>,
    settings: &SigningSettings,
    spans: &'s mut Spans,
) -> Result<Params<'q, 's>, Error> {
    check_method(received.request.method)?;
    path::check(received.target.path, settings.double_encode_path)?;
    let target = received.target;
    let params = Params::parse(target.query, spans, target.query_offset, &[])?;
    Headers::check_received(received.request.headers)?;
    Ok(params)
}

/// The secret of the claimed access key, whose session token (if it has
/// one) the request must carry, and only then.
fn find_secret<'s, L: SecretLookup<'s> + ?Sized>(
    lookup: &L,
    claimed: &Claimed<'_>,
) -> Result<Secret<'s>, Rejection> {
    let secret = lookup
        .secret(claimed.credential.access_key_id)
        .ok_or(Rejection::UnknownAccessKey)?;
    let encoded = claimed.scheme == Scheme::V4Query;
    if !session_token_matches(secret.session_token, claimed.token, encoded) {
        return Err(Rejection::SessionTokenMismatch);
    }
    Ok(secret)
}

/// The query parameters the signature does not cover: a presigned URL's
/// `X-Amz-Signature`, and its `X-Amz-Security-Token` when the service
/// appends the token after signing.
fn unsigned_params(scheme: Scheme, settings: &SigningSettings) -> &'static [&'static str] {
    match scheme {
        Scheme::V4Query if settings.session_token == SessionTokenMode::AppendedUnsigned => {
            &["X-Amz-Signature", "X-Amz-Security-Token"]
        }
        Scheme::V4Query => &["X-Amz-Signature"],
        _ => &[],
    }
}

/// Who signed and what: the claim, as received.
fn verified<'r>(received: &Received<'_, 'r>, claimed: &Claimed<'r>) -> Verified<'r> {
    let c = claimed.credential;
    Verified {
        scheme: claimed.scheme,
        access_key_id: c.access_key_id,
        region: c.region,
        region_set: claimed.region_set,
        service: Some(c.service),
        method: received.request.method,
        path: received.target.path,
        signed_headers: claimed.signed_headers.raw,
        signature: claimed.signature,
        signed_at: Some(claimed.signed_at),
        expires_at: claimed
            .expires
            .and_then(|e| claimed.signed_at.checked_add_seconds(i64::from(e)).ok()),
    }
}

/// Whether a SigV4a region set (`us-east-1,eu-*`, `*`) covers `region`.
fn region_set_allows(set: &str, region: &str) -> bool {
    set.split(',')
        .map(str::trim)
        .any(|entry| match entry.strip_suffix('*') {
            Some(prefix) => region.starts_with(prefix),
            None => entry == region,
        })
}
