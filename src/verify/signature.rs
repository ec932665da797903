//! Whether a claimed SigV4/SigV4a signature is the one the access key's
//! secret (or, for SigV4a, its public key) makes of the canonical request:
//! the string to sign recomputed, compared in constant time (HMAC) or
//! verified (ECDSA).

use crate::Credentials;
use crate::canonical::request::CanonicalRequest;
use crate::sink::Discard;
use crate::v4::SigningKey;
use crate::v4::algorithm::KeyKind;
use crate::v4::signature::feed;
#[cfg(feature = "sigv4a")]
use crate::v4::{signature::canonical_request_hash, string_to_sign};
use crate::verify::{Rejection, Secret};

use super::claim::{Alg, Claimed};

/// Whether the claimed signature is the one the secret makes of
/// `canonical`.
pub(super) fn signature_matches(
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
    let hash = canonical_request_hash(canonical, Discard);
    let date = claimed.signed_at.date_stamp();
    let scope = crate::v4::scope::ScopeParts::new(&date, None, claimed.credential.service);
    let mut state = <sha2::Sha256 as sha2::Digest>::new();
    let amz_date = claimed.signed_at.amz_date();
    string_to_sign::write(&mut state, crate::v4a::ALGORITHM, &amz_date, &scope, &hash);
    Ok(crate::v4a::verify_with(&key, state, claimed.signature))
}

/// Recomputes the string to sign of `canonical` with `key` and checks the
/// claimed signature (constant time for HMAC; ECDSA verification for SigV4a).
fn key_signs<K: KeyKind>(key: &K, claimed: &Claimed<'_>, canonical: &CanonicalRequest<'_>) -> bool {
    let date = claimed.signed_at.date_stamp();
    let scope = key.scope(&date);
    let state = feed(
        key,
        &claimed.signed_at.amz_date(),
        &scope,
        canonical,
        Discard,
        Discard,
    );
    key.verify(state, claimed.signature)
}
