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
use crate::canonical::headers::{Headers, ListMerge};
use crate::canonical::params::{self, Params, Spans};
use crate::canonical::path;
use crate::canonical::payload::PayloadHash;
use crate::canonical::request::{CanonicalQuery, CanonicalRequest, check_method};
use crate::canonical::target::Target;
use crate::ct::ct_eq;
use crate::v4::{SessionTokenMode, SigningSettings};
use crate::verify::parse;
use crate::verify::{
    PayloadCoverage, Policy, Rejection, Scheme, Secret, SecretLookup, Verified,
    session_token_matches, single_header,
};
use crate::{Error, Request, SigningTime};

/// What the server received: the request, its target, and the payload line
/// its canonical request ends with.
#[derive(Clone, Copy)]
struct Received<'a, 'r> {
    request: &'a Request<'r>,
    target: Target<'r>,
    payload: PayloadHash,
    coverage: PayloadCoverage<'r>,
}

pub(crate) fn verify_header<'r, 's, L: SecretLookup<'s> + ?Sized>(
    request: &Request<'r>,
    target: Target<'r>,
    authorization: &'r str,
    lookup: &L,
    policy: &Policy<'_>,
) -> Result<Verified<'r>, Error> {
    let claimed = header_claim(request, authorization, s3session(policy))?;
    check_skew(claimed.signed_at, policy)?;
    let (payload, coverage) = declared_payload(request, policy)?;
    let received = Received {
        request,
        target,
        payload,
        coverage,
    };
    finish(&received, &claimed, lookup, policy)
}

pub(crate) fn verify_query<'r, 's, L: SecretLookup<'s> + ?Sized>(
    request: &Request<'r>,
    target: Target<'r>,
    lookup: &L,
    policy: &Policy<'_>,
) -> Result<Verified<'r>, Error> {
    let (claimed, expires) = query_claim(target.query, s3session(policy))?;
    check_validity_window(claimed.signed_at, expires, policy)?;
    let (payload, coverage) = presigned_payload(request, policy)?;
    let received = Received {
        request,
        target,
        payload,
        coverage,
    };
    finish(&received, &claimed, lookup, policy)
}

/// Whether the server takes S3 Express One Zone session tokens
/// (`x-amz-s3session-token`, `X-Amz-S3session-Token`).
fn s3session(policy: &Policy<'_>) -> bool {
    policy.settings.session_token == SessionTokenMode::S3Express
}

/// A signed request is refused when its `X-Amz-Date` is more than the
/// allowed skew (AWS: 15 minutes) before or after the server's clock.
fn check_skew(signed_at: SigningTime, policy: &Policy<'_>) -> Result<(), Rejection> {
    let now = policy.now.unix_seconds();
    if now.abs_diff(signed_at.unix_seconds()) > u64::from(policy.max_skew) {
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
    if now < signed.saturating_sub(i64::from(policy.max_skew)) {
        return Err(Rejection::NotYetValid);
    }
    if now > signed.saturating_add(i64::from(expires)) {
        return Err(Rejection::Expired);
    }
    Ok(())
}

/// Whether the server passed the body (or its hash).
fn body_known(payload: &Payload<'_>) -> bool {
    matches!(payload, Payload::Body(_) | Payload::Precomputed(_))
}

/// The payload line of a header-signed request and what it establishes:
/// `x-amz-content-sha256` as declared, or, when the header is absent, what
/// the server passed ([`server_payload`]). A declared hash must match the body
/// when the server knows it (else the server must check it: `Unread`); a
/// literal (`UNSIGNED-PAYLOAD`, `STREAMING-...`) stands for itself, if the
/// policy accepts it.
fn declared_payload<'r>(
    request: &Request<'r>,
    policy: &Policy<'_>,
) -> Result<(PayloadHash, PayloadCoverage<'r>), Error> {
    let declared = single_header(request.headers, "x-amz-content-sha256")?;
    let known = body_known(&request.payload);
    match declared {
        Some(d) if d.len() == 64 => {
            let declared = PayloadHash::of(&Payload::Precomputed(d))?;
            if !known {
                return Ok((declared, PayloadCoverage::Unread { sha256: d }));
            }
            let actual = PayloadHash::of(&request.payload)?;
            if !ct_eq(actual.as_str().as_bytes(), d.as_bytes()) {
                return Err(Rejection::PayloadHashMismatch.into());
            }
            Ok((actual, PayloadCoverage::Checked))
        }
        Some(line) => {
            let payload = Payload::from_line(line);
            let line = PayloadHash::of(&payload)?;
            Ok((line, literal_coverage(&payload, policy)?))
        }
        None => server_payload(request, policy),
    }
}

/// The payload line when the request declares none: the hash of the body
/// the server passed, or the literal it passed for a body it did not read
/// (`UNSIGNED-PAYLOAD`: a signature over an unsigned body), if the policy
/// accepts it.
fn server_payload<'r>(
    request: &Request<'r>,
    policy: &Policy<'_>,
) -> Result<(PayloadHash, PayloadCoverage<'r>), Error> {
    let line = PayloadHash::of(&request.payload)?;
    if body_known(&request.payload) {
        return Ok((line, PayloadCoverage::Checked));
    }
    Ok((line, literal_coverage(&request.payload, policy)?))
}

/// What a literal payload line establishes, if the policy accepts it.
fn literal_coverage<'r>(
    payload: &Payload<'_>,
    policy: &Policy<'_>,
) -> Result<PayloadCoverage<'r>, Rejection> {
    let (coverage, unsigned, streaming) = match payload {
        Payload::StreamingSigned => (PayloadCoverage::Chunked { trailer: false }, false, true),
        Payload::StreamingSignedTrailer => {
            (PayloadCoverage::Chunked { trailer: true }, false, true)
        }
        Payload::StreamingUnsignedTrailer => (PayloadCoverage::UnsignedChunked, true, true),
        _ => (PayloadCoverage::Unsigned, true, false),
    };
    if unsigned && !policy.allow_unsigned_payload {
        return Err(Rejection::UnsignedPayloadNotAllowed);
    }
    if streaming && !policy.allow_streaming {
        return Err(Rejection::StreamingNotAllowed);
    }
    Ok(coverage)
}

/// The payload line of a presigned request: the `x-amz-content-sha256` it
/// carries, if any, else what the server passed ([`server_payload`]); S3
/// presigning never signs the body, so for a body the server read,
/// `unsigned_retry` also tries `UNSIGNED-PAYLOAD`.
fn presigned_payload<'r>(
    request: &Request<'r>,
    policy: &Policy<'_>,
) -> Result<(PayloadHash, PayloadCoverage<'r>), Error> {
    if single_header(request.headers, "x-amz-content-sha256")?.is_some() {
        return declared_payload(request, policy);
    }
    // A body the server did not read is `UNSIGNED-PAYLOAD` (S3 presigned
    // URLs), or the literal it passed; one it read is tried as signed first
    // (`unsigned_retry` then tries S3's `UNSIGNED-PAYLOAD`).
    server_payload(request, policy)
}

/// An S3 presigned URL whose body the server knows may be signed over it
/// (botocore and awsig sign a given payload hash) or, as S3 itself
/// presigns, over `UNSIGNED-PAYLOAD`: the second try, when the first does
/// not match.
fn unsigned_retry<'a, 'r>(
    received: &Received<'a, 'r>,
    claimed: &Claimed<'_>,
    policy: &Policy<'_>,
) -> Option<Received<'a, 'r>> {
    let retry = claimed.scheme == Scheme::V4Query
        && policy.settings.presign_unsigned_payload
        && received.coverage == PayloadCoverage::Checked
        && single_header(received.request.headers, "x-amz-content-sha256") == Ok(None);
    retry.then(|| Received {
        payload: PayloadHash::unsigned(),
        coverage: PayloadCoverage::Unsigned,
        ..*received
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
    let settings = policy.settings;
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
    if signature_matches(claimed, &secret, &canonical)? {
        return Ok(verified(received, claimed, settings.normalize_path));
    }
    if let Some(retry) = unsigned_retry(received, claimed, policy) {
        let canonical = CanonicalRequest {
            payload: retry.payload.as_str(),
            ..canonical
        };
        if signature_matches(claimed, &secret, &canonical)? {
            // Signed over `UNSIGNED-PAYLOAD`: accepted if the policy
            // accepts unsigned bodies, and refused saying so otherwise.
            if !policy.allow_unsigned_payload {
                return Err(Rejection::UnsignedPayloadNotAllowed.into());
            }
            return Ok(verified(&retry, claimed, settings.normalize_path));
        }
    }
    Err(Rejection::SignatureMismatch.into())
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
    if policy.service != c.service {
        return Err(Rejection::WrongService);
    }
    Ok(())
}

/// `SignedHeaders` is well-formed (lowercase, sorted, `host` included),
/// every header it names is in the request (in any case), and every
/// `x-amz-*` header of the request is among them: S3 refuses unsigned ones
/// ("There were headers present in the request which were not signed"), as
/// the IAM guide asks of every service. The one exception is
/// `x-amz-security-token`, which some services take unsigned (the IAM
/// guide, "Create a signed AWS API request") and which must match the
/// access key's token anyway. Both lists are walked in sorted order:
/// O(n log n) for any number of headers.
fn check_signed_headers(claimed: &Claimed<'_>, headers: &[(&str, &str)]) -> Result<(), Rejection> {
    parse::signed_headers(claimed.signed_headers)?;
    let mut merge = ListMerge::new(claimed.signed_headers);
    let mut result = Ok(());
    crate::sort::for_each_sorted(
        &|visit| headers.iter().map(|&(name, _)| name).for_each(&mut *visit),
        &|a: &&str, b: &&str| cmp_lowercase(a, b),
        &mut |name: &str| {
            if result.is_err() {
                return;
            }
            result = match merge.listed(name) {
                None => Err(Rejection::SignedHeaderMissing),
                Some(false) if is_unsigned_amz(name) => Err(Rejection::UnsignedAmzHeader),
                Some(_) => Ok(()),
            };
        },
    );
    result?;
    if !merge.complete() {
        return Err(Rejection::SignedHeaderMissing);
    }
    Ok(())
}

/// An `x-amz-*` header that must not go unsigned.
fn is_unsigned_amz(name: &str) -> bool {
    name.get(..6)
        .is_some_and(|p| p.eq_ignore_ascii_case("x-amz-"))
        && !name.eq_ignore_ascii_case("x-amz-security-token")
}

fn cmp_lowercase(a: &str, b: &str) -> core::cmp::Ordering {
    a.bytes()
        .map(|c| c.to_ascii_lowercase())
        .cmp(b.bytes().map(|c| c.to_ascii_lowercase()))
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
    let params = Params::parse_received(target.query, spans, target.query_offset)?;
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
fn verified<'r>(
    received: &Received<'_, 'r>,
    claimed: &Claimed<'r>,
    normalize_path: bool,
) -> Verified<'r> {
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
        payload: received.coverage,
        normalized_path: normalize_path,
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
