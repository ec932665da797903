//! SigV4 verification: the `Authorization` header and presigned queries.

use crate::Payload;
use crate::canonical::headers::{Headers, NameList};
use crate::canonical::params::{self, Params};
use crate::canonical::path;
use crate::canonical::payload::PayloadHash;
use crate::canonical::request::{CanonicalQuery, CanonicalRequest, Copies, check_method};
use crate::canonical::target::Target;
use crate::ct::{ct_eq, ct_eq_iter};
use crate::sink::Discard;
use crate::v4::algorithm::KeyKind;
use crate::v4::presign::MAX_EXPIRES;
use crate::v4::signature::feed;
use crate::v4::string_to_sign::ALGORITHM;
use crate::v4::{SessionTokenMode, SigningKey, SigningSettings};
use crate::verify::parse::{self, Credential};
use crate::verify::{
    Policy, Rejection, Scheme, SecretLookup, Verified, single_header, single_param,
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

/// What both SigV4 forms share once their parameters are found.
struct Claimed<'r> {
    alg: Alg,
    /// SigV4a's `X-Amz-Region-Set`, as received.
    region_set: Option<&'r str>,
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
) -> Result<Verified<'r>, Error> {
    let (name, parts) = parse::authorization(authorization)?;
    let alg = algorithm(name)?;
    let date = single_header(request.headers, "x-amz-date")?.ok_or(Rejection::MalformedDate)?;
    let claimed = Claimed {
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
        token_encoded: false,
    };
    let skew = i64::from(policy.max_skew);
    let now = policy.now.unix_seconds();
    if (now - claimed.signed_at.unix_seconds()).abs() > skew {
        return Err(Rejection::RequestTimeTooSkewed.into());
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
                        return Err(Rejection::PayloadHashMismatch.into());
                    }
                    actual
                }
                _ => declared,
            }
        }
        Some(line) => PayloadHash::of(&Payload::from_line(line))?,
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
) -> Result<Verified<'r>, Error> {
    let q = target.query;
    let required = |name| single_param(q, name)?.ok_or(Rejection::MissingAuthParameter);
    let alg = algorithm(required("X-Amz-Algorithm")?)?;
    let credential = required("X-Amz-Credential")?;
    let date = required("X-Amz-Date")?;
    let expires = required("X-Amz-Expires")?;
    let signed_headers = required("X-Amz-SignedHeaders")?;
    let signature = required("X-Amz-Signature")?;
    let claimed = Claimed {
        alg,
        region_set: single_param(q, "X-Amz-Region-Set")?,
        credential: parse::credential(credential, alg == Alg::V4)?,
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
        _ => return Err(Rejection::BadExpires.into()),
    };
    let now = policy.now.unix_seconds();
    let signed = claimed.signed_at.unix_seconds();
    if now < signed - i64::from(policy.max_skew) {
        return Err(Rejection::NotYetValid.into());
    }
    if now > signed + i64::from(expires) {
        return Err(Rejection::Expired.into());
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
) -> Result<Verified<'r>, Error> {
    let c = claimed.credential;
    if c.date != claimed.signed_at.date_stamp().as_str() {
        return Err(Rejection::ScopeDateMismatch.into());
    }
    let region_ok = match (policy.region, c.region, claimed.region_set) {
        (None, _, _) => true,
        (Some(want), Some(region), _) => want == region,
        (Some(want), None, Some(set)) => region_set_allows(set, want),
        (Some(_), None, None) => false,
    };
    if !region_ok {
        return Err(Rejection::WrongRegion.into());
    }
    if claimed.alg != Alg::V4 && claimed.region_set.is_none() {
        return Err(Rejection::MissingAuthParameter.into());
    }
    if policy.service.is_some_and(|s| s != c.service) {
        return Err(Rejection::WrongService.into());
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
            return Err(Rejection::SignedHeaderMissing.into());
        }
    }
    let sig = claimed.signature.as_bytes();
    let hex = sig.iter().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
    let length_ok = match claimed.alg {
        Alg::V4 => sig.len() == 64,
        // A DER ECDSA P-256 signature: 8 to 72 bytes.
        #[cfg(feature = "sigv4a")]
        Alg::V4a => (16..=144).contains(&sig.len()) && sig.len().is_multiple_of(2),
    };
    if !hex || !length_ok {
        return Err(Rejection::MalformedSignature.into());
    }
    check_method(request.method)?;
    let settings = policy
        .settings
        .unwrap_or_else(|| SigningSettings::for_service(c.service));
    path::check(target.path, settings.double_encode_path)?;
    let mut room = params::room(target.query);
    let mut params = Params::new_in(target.query, &mut room);
    params.read(target.query_offset, &[])?;
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
        return Err(Rejection::SessionTokenMismatch.into());
    }
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
        path: target.path,
        normalize_path: settings.normalize_path,
        double_encode_path: settings.double_encode_path,
        query: CanonicalQuery::Params {
            params: &params,
            added: &[],
            skip,
        },
        headers: &headers,
        payload: payload.as_str(),
    };
    let valid = match claimed.alg {
        Alg::V4 => {
            let region = c.region.ok_or(Rejection::MalformedCredential)?;
            let secret_key = secret
                .secret_access_key
                .ok_or(Rejection::UnknownAccessKey)?;
            let credentials = Credentials::new(c.access_key_id, secret_key, None)
                .map_err(|_| Rejection::MalformedCredential)?;
            let key = SigningKey::derive(&credentials, claimed.signed_at, region, c.service)
                .map_err(|_| Rejection::MalformedCredential)?;
            signature_matches(&key, claimed, &canonical)
        }
        #[cfg(feature = "sigv4a")]
        Alg::V4a => match (secret.public_key, secret.secret_access_key) {
            (Some((x, y)), _) => {
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
                let scope = crate::v4::algorithm::ScopeParts::new(&date, None, c.service);
                let state = feed(
                    &V4aVerifyOnly,
                    &claimed.signed_at.amz_date(),
                    &scope,
                    &canonical,
                    &mut copies,
                    Discard,
                    Discard,
                );
                crate::v4a::verify_with(&key, state, claimed.signature)
            }
            (None, Some(secret_key)) => {
                let credentials = Credentials::new(c.access_key_id, secret_key, None)
                    .map_err(|_| Rejection::MalformedCredential)?;
                // The region set is only added when signing; any valid one does here.
                let key = crate::v4a::V4aSigningKey::derive(&credentials, "*", c.service)
                    .map_err(|_| Rejection::MalformedCredential)?;
                signature_matches(&key, claimed, &canonical)
            }
            (None, None) => return Err(Rejection::UnknownAccessKey.into()),
        },
    };
    if !valid {
        return Err(Rejection::SignatureMismatch.into());
    }
    Ok(Verified {
        scheme,
        access_key_id: c.access_key_id,
        region: c.region,
        region_set: claimed.region_set,
        service: Some(c.service),
        method: request.method,
        path: target.path,
        signed_headers: claimed.signed_headers.raw,
        signature: claimed.signature,
        signed_at: Some(claimed.signed_at),
        expires_at,
    })
}

/// Recomputes the string to sign of `canonical` with `key` and checks the
/// claimed signature (constant time for HMAC; ECDSA verification for SigV4a).
fn signature_matches<K: KeyKind>(
    key: &K,
    claimed: &Claimed<'_>,
    canonical: &CanonicalRequest<'_>,
) -> bool {
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
