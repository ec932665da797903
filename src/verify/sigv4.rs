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

use crate::Payload;
use crate::canonical::headers::{Headers, NameList};
use crate::canonical::params::{self, Params, Spans};
use crate::canonical::path;
use crate::canonical::payload::PayloadHash;
use crate::canonical::request::{CanonicalQuery, CanonicalRequest, Copies, check_method};
use crate::canonical::target::Target;
use crate::ct::ct_eq;
use crate::sink::Discard;
use crate::v4::algorithm::KeyKind;
use crate::v4::presign::MAX_EXPIRES;
use crate::v4::signature::feed;
use crate::v4::string_to_sign::ALGORITHM;
use crate::v4::{SessionTokenMode, SigningKey, SigningSettings};
use crate::verify::parse::{self, Credential};
use crate::verify::{
    Policy, Rejection, Scheme, Secret, SecretLookup, Verified, session_token_matches,
    single_header, single_param,
};
use crate::{Credentials, Error, Request, SigningTime};

/// SigV4 or SigV4a.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Alg {
    V4,
    #[cfg(feature = "sigv4a")]
    V4a,
}

fn algorithm(name: &str) -> Result<Alg, Rejection> {
    match name {
        ALGORITHM => Ok(Alg::V4),
        #[cfg(feature = "sigv4a")]
        crate::v4a::ALGORITHM => Ok(Alg::V4a),
        _ => Err(Rejection::UnsupportedAlgorithm),
    }
}

/// What the request claims, in either form.
struct Claimed<'r> {
    /// Header or presigned query.
    scheme: Scheme,
    alg: Alg,
    /// SigV4a's `X-Amz-Region-Set`, as received.
    region_set: Option<&'r str>,
    credential: Credential<'r>,
    signed_at: SigningTime,
    signed_headers: NameList<'r>,
    signature: &'r str,
    /// The session token as received (raw: percent-encoded in a query).
    token: Option<&'r str>,
    /// A presigned URL's `X-Amz-Expires`, seconds.
    expires: Option<u32>,
}

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

/// Parses `Authorization: <algorithm> Credential=..., SignedHeaders=...,
/// Signature=...` and the headers that go with it: `X-Amz-Date` (required),
/// `X-Amz-Region-Set` (SigV4a), `X-Amz-Security-Token`.
fn header_claim<'r>(
    request: &Request<'r>,
    authorization: &'r str,
) -> Result<Claimed<'r>, Rejection> {
    let (name, parts) = parse::authorization(authorization)?;
    let alg = algorithm(name)?;
    let date = single_header(request.headers, "x-amz-date")?.ok_or(Rejection::MalformedDate)?;
    Ok(Claimed {
        scheme: Scheme::V4Header,
        alg,
        region_set: single_header(request.headers, "x-amz-region-set")?,
        credential: parse::credential(parts.credential, alg == Alg::V4)?,
        signed_at: parse::amz_date(date)?,
        signed_headers: NameList {
            raw: parts.signed_headers,
            sep: ";",
        },
        signature: parts.signature,
        token: single_header(request.headers, "x-amz-security-token")?,
        expires: None,
    })
}

/// Parses a presigned URL's `X-Amz-*` parameters (all but the region set
/// and the session token required, each at most once); also returns
/// `X-Amz-Expires`.
fn query_claim(q: &str) -> Result<(Claimed<'_>, u32), Rejection> {
    let required = |name| single_param(q, name)?.ok_or(Rejection::MissingAuthParameter);
    let alg = algorithm(required("X-Amz-Algorithm")?)?;
    let credential = required("X-Amz-Credential")?;
    let date = required("X-Amz-Date")?;
    let expires = required("X-Amz-Expires")?;
    let signed_headers = required("X-Amz-SignedHeaders")?;
    let signature = required("X-Amz-Signature")?;
    let region_set = single_param(q, "X-Amz-Region-Set")?;
    let credential = parse::credential(credential, alg == Alg::V4)?;
    let signed_at = parse::amz_date(date)?;
    let token = single_param(q, "X-Amz-Security-Token")?;
    let expires = parse_expires(expires)?;
    let claimed = Claimed {
        scheme: Scheme::V4Query,
        alg,
        region_set,
        credential,
        signed_at,
        signed_headers: NameList {
            raw: signed_headers,
            sep: "%3B",
        },
        signature,
        token,
        expires: Some(expires),
    };
    Ok((claimed, expires))
}

/// `X-Amz-Expires`: 1 to 604800 seconds (7 days), in plain digits.
fn parse_expires(raw: &str) -> Result<u32, Rejection> {
    match raw.parse() {
        Ok(n) if (1..=MAX_EXPIRES).contains(&n) && raw.bytes().all(|b| b.is_ascii_digit()) => Ok(n),
        _ => Err(Rejection::BadExpires),
    }
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

/// Whether the claimed signature is the one the secret makes of
/// `canonical`.
fn signature_matches(
    claimed: &Claimed<'_>,
    secret: &Secret<'_>,
    canonical: &CanonicalRequest<'_>,
) -> Result<bool, Rejection> {
    match claimed.alg {
        Alg::V4 => v4_signature_matches(claimed, secret, canonical),
        #[cfg(feature = "sigv4a")]
        Alg::V4a => v4a_signature_matches(claimed, secret, canonical),
    }
}

/// SigV4: HMAC-SHA256 with the key derived from the secret for the scope's
/// date, region and service.
fn v4_signature_matches(
    claimed: &Claimed<'_>,
    secret: &Secret<'_>,
    canonical: &CanonicalRequest<'_>,
) -> Result<bool, Rejection> {
    let c = claimed.credential;
    let region = c.region.ok_or(Rejection::MalformedCredential)?;
    let secret_key = secret
        .secret_access_key
        .ok_or(Rejection::UnknownAccessKey)?;
    let credentials = Credentials::new(c.access_key_id, secret_key, None)
        .map_err(|_| Rejection::MalformedCredential)?;
    let key = SigningKey::derive(&credentials, claimed.signed_at, region, c.service)
        .map_err(|_| Rejection::MalformedCredential)?;
    Ok(key_signs(&key, claimed, canonical))
}

/// SigV4a: ECDSA P-256 with the access key's public key when the server
/// has only that, else with the key pair derived from the secret.
#[cfg(feature = "sigv4a")]
fn v4a_signature_matches(
    claimed: &Claimed<'_>,
    secret: &Secret<'_>,
    canonical: &CanonicalRequest<'_>,
) -> Result<bool, Rejection> {
    let c = claimed.credential;
    match (secret.public_key, secret.secret_access_key) {
        (Some(public_key), _) => public_key_signs(public_key, claimed, canonical),
        (None, Some(secret_key)) => {
            let credentials = Credentials::new(c.access_key_id, secret_key, None)
                .map_err(|_| Rejection::MalformedCredential)?;
            // The region set is only added when signing; any valid one does here.
            let key = crate::v4a::V4aSigningKey::derive(&credentials, "*", c.service)
                .map_err(|_| Rejection::MalformedCredential)?;
            Ok(key_signs(&key, claimed, canonical))
        }
        (None, None) => Err(Rejection::UnknownAccessKey),
    }
}

/// SigV4a with only the public key (X, Y): verifies the ECDSA signature of
/// the string to sign.
#[cfg(feature = "sigv4a")]
fn public_key_signs(
    (x, y): ([u8; 32], [u8; 32]),
    claimed: &Claimed<'_>,
    canonical: &CanonicalRequest<'_>,
) -> Result<bool, Rejection> {
    // SEC 1 uncompressed: 0x04, X, Y.
    let mut sec1 = [4u8; 65];
    for (dst, src) in sec1.iter_mut().skip(1).zip(x.iter().chain(&y)) {
        *dst = *src;
    }
    let key = p256::ecdsa::VerifyingKey::from_sec1_bytes(&sec1)
        .map_err(|_| Rejection::UnknownAccessKey)?;
    let mut copies = Copies {
        out: Discard,
        signed_headers: false,
    };
    let date = claimed.signed_at.date_stamp();
    let scope = crate::v4::algorithm::ScopeParts::new(&date, None, claimed.credential.service);
    let state = feed(
        &V4aVerifyOnly,
        &claimed.signed_at.amz_date(),
        &scope,
        canonical,
        &mut copies,
        Discard,
        Discard,
    );
    Ok(crate::v4a::verify_with(&key, state, claimed.signature))
}

/// Recomputes the string to sign of `canonical` with `key` and checks the
/// claimed signature (constant time for HMAC; ECDSA verification for SigV4a).
fn key_signs<K: KeyKind>(key: &K, claimed: &Claimed<'_>, canonical: &CanonicalRequest<'_>) -> bool {
    let mut copies = Copies {
        out: Discard,
        signed_headers: false,
    };
    let date = claimed.signed_at.date_stamp();
    let scope = key.scope(&date);
    let state = feed(
        key,
        &claimed.signed_at.amz_date(),
        &scope,
        canonical,
        &mut copies,
        Discard,
        Discard,
    );
    key.verify(state, claimed.signature)
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

/// Feeds a SigV4a string to sign when only the public key is known.
#[cfg(feature = "sigv4a")]
struct V4aVerifyOnly;

#[cfg(feature = "sigv4a")]
impl KeyKind for V4aVerifyOnly {
    type State = sha2::Sha256;
    type Raw = [u8; 32];

    fn algorithm(&self) -> &'static str {
        crate::v4a::ALGORITHM
    }
    fn access_key_id(&self) -> &str {
        ""
    }
    fn expires_at(&self) -> Option<SigningTime> {
        None
    }
    fn check_time(&self, _: SigningTime) -> Result<(), crate::Error> {
        Ok(())
    }
    fn scope<'s>(
        &'s self,
        date: &'s crate::time::DateStamp,
    ) -> crate::v4::algorithm::ScopeParts<'s> {
        crate::v4::algorithm::ScopeParts::new(date, None, "")
    }
    fn region_set(&self) -> Option<&str> {
        None
    }
    fn start(&self) -> sha2::Sha256 {
        <sha2::Sha256 as sha2::Digest>::new()
    }
    fn finish(&self, _: sha2::Sha256) -> Result<[u8; 32], crate::Error> {
        Err(crate::Error::WriteFailed)
    }
    fn verify(&self, _: sha2::Sha256, _: &str) -> bool {
        false
    }
}
