//! Verifying S3's Signature Version 2 (feature `s3-sigv2`): the
//! `Authorization: AWS <access key id>:<signature>` header form, checked
//! against `Date` (or `x-amz-date`) within the allowed skew, and the
//! presigned form (`AWSAccessKeyId`, `Expires`, `Signature`), valid until
//! `Expires` and at most the policy's SigV2 lifetime ahead of the server's
//! clock. The string to
//! sign is rebuilt by the code that signs ([`crate::s3::v2`]); signatures
//! and session tokens are compared in constant time.

use crate::canonical::target::Target;
use crate::ct::{ct_eq, ct_eq_iter};
use crate::encode::Decoded;
use crate::s3::v2::{self, HttpDate, Parts};
use crate::{Error, Request, SigningTime};

use super::{Policy, Rejection, SecretLookup, session_token_matches, single_header, single_param};

/// A request verified with S3's Signature Version 2.
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub struct VerifiedS3V2<'r> {
    /// The access key id that signed.
    pub access_key_id: &'r str,
    /// Whether it was presigned (query) rather than header-signed.
    pub presigned: bool,
    /// The signature, as received (percent-encoded when presigned).
    pub signature: &'r str,
    /// `Date` / `x-amz-date` (header form).
    pub signed_at: Option<SigningTime>,
    /// `Expires` (presigned form).
    pub expires_at: Option<SigningTime>,
}

/// What the request claims, before the signature is checked.
struct Claim<'r> {
    access_key_id: &'r str,
    signature: &'r str,
    token: Option<(&'r str, bool)>,
    parts: Parts<'r>,
    verified: VerifiedS3V2<'r>,
}

fn header_claim<'r>(
    request: &Request<'r>,
    target: Target<'r>,
    authorization: &'r str,
    policy: &Policy<'_>,
) -> Result<Claim<'r>, Error> {
    let credential = authorization
        .strip_prefix("AWS ")
        .ok_or(Rejection::UnsupportedAlgorithm)?;
    let (access_key_id, signature) = credential
        .rsplit_once(':')
        .ok_or(Rejection::MalformedAuthorization)?;
    let amz_date = single_header(request.headers, "x-amz-date")?;
    let date = match amz_date {
        Some(d) => d,
        None => single_header(request.headers, "date")?.ok_or(Rejection::MalformedDate)?,
    };
    let signed_at = HttpDate::parse(date).ok_or(Rejection::MalformedDate)?;
    let skew = signed_at.unix_seconds().abs_diff(policy.now.unix_seconds());
    if skew > u64::from(policy.max_skew) {
        return Err(Rejection::RequestTimeTooSkewed.into());
    }
    let token = single_header(request.headers, "x-amz-security-token")?;
    Ok(Claim {
        access_key_id,
        signature,
        token: token.map(|t| (t, false)),
        parts: Parts {
            method: request.method,
            content_md5: v2::header(request.headers, "content-md5").map(|v| (v, false)),
            content_type: v2::header(request.headers, "content-type").map(|v| (v, false)),
            date: if amz_date.is_some() { "" } else { date },
            headers: request.headers,
            token: None,
            amz_query: "",
            target,
        },
        verified: VerifiedS3V2 {
            access_key_id,
            presigned: false,
            signature,
            signed_at: Some(signed_at),
            expires_at: None,
        },
    })
}

fn expires_of(raw: &str, policy: &Policy<'_>) -> Result<SigningTime, Error> {
    let digits = !raw.is_empty() && raw.len() <= 12 && raw.bytes().all(|b| b.is_ascii_digit());
    let seconds = raw
        .parse::<i64>()
        .ok()
        .filter(|_| digits)
        .ok_or(Rejection::BadExpires)?;
    let expires = SigningTime::from_unix_seconds(seconds).map_err(|_| Rejection::BadExpires)?;
    let now = policy.now.unix_seconds();
    if now > seconds {
        return Err(Rejection::Expired.into());
    }
    // The policy's SigV2 lifetime bounds how far ahead `Expires` may be.
    if seconds.abs_diff(now) > policy.sigv2.map_or(0, u64::from) {
        return Err(Rejection::ExpiresTooFar.into());
    }
    Ok(expires)
}

/// An `x-amz-*`, `content-type` or `content-md5` parameter that is also a
/// header is signed once, as the header: the two must say the same.
fn same_as_headers(request: &Request<'_>, query: &str) -> Result<(), Rejection> {
    for (k, v) in crate::canonical::query::raw_params(query) {
        let signed = v2::is_amz(k)
            || k.eq_ignore_ascii_case("content-type")
            || k.eq_ignore_ascii_case("content-md5");
        if !signed {
            continue;
        }
        for &(n, h) in request.headers {
            if n.eq_ignore_ascii_case(k) && !ct_eq_iter(Decoded::new(v.as_bytes()), h.as_bytes()) {
                return Err(Rejection::SignatureMismatch);
            }
        }
    }
    Ok(())
}

/// A query parameter, else the header of the same name.
fn param_or_header<'r>(
    request: &Request<'r>,
    query: &'r str,
    name: &str,
) -> Result<Option<(&'r str, bool)>, Error> {
    Ok(match v2::header(request.headers, name) {
        Some(v) => Some((v, false)),
        None => single_param(query, name)?.map(|v| (v, true)),
    })
}

fn query_claim<'r>(
    request: &Request<'r>,
    target: Target<'r>,
    policy: &Policy<'_>,
) -> Result<Claim<'r>, Error> {
    let q = target.query;
    let need = |name| single_param(q, name)?.ok_or(Rejection::MissingAuthParameter);
    let (access_key_id, signature) = (need("AWSAccessKeyId")?, need("Signature")?);
    let expires_raw = need("Expires")?;
    let expires = expires_of(expires_raw, policy)?;
    if access_key_id.contains('%') {
        return Err(Rejection::MalformedCredential.into());
    }
    same_as_headers(request, q)?;
    let token = match single_param(q, "x-amz-security-token")? {
        Some(t) => Some((t, true)),
        None => single_header(request.headers, "x-amz-security-token")?.map(|t| (t, false)),
    };
    Ok(Claim {
        access_key_id,
        signature,
        token,
        parts: Parts {
            method: request.method,
            content_md5: param_or_header(request, q, "content-md5")?,
            content_type: param_or_header(request, q, "content-type")?,
            date: expires_raw,
            headers: request.headers,
            token: None,
            amz_query: q,
            target,
        },
        verified: VerifiedS3V2 {
            access_key_id,
            presigned: true,
            signature,
            signed_at: None,
            expires_at: Some(expires),
        },
    })
}

/// Verifies a request signed with S3's Signature Version 2, header or
/// presigned, if the policy accepts SigV2 ([`Policy::sigv2`]: its maximum
/// lifetime bounds a presigned `Expires`). Reads `policy.now` and
/// `policy.max_skew` (header form) and the limits; SigV2 has no region or
/// service.
///
/// ```
/// use awsig::verify::{self, Policy, Rejection, Secret};
/// use awsig::{Credentials, Request, SigningTime, s3};
///
/// let creds = Credentials::new("AKIDEXAMPLE", "secret", None)?;
/// let t = SigningTime::parse_rfc3339("2026-12-03T12:00:00Z")?;
/// let headers = [("Host", "127.0.0.1:9000")];
/// let mut buf = [0u8; 512];
/// let url = s3::v2::presign(&creds, &Request::new("GET", "/bucket/key", &headers), t.checked_add_seconds(300)?, &mut buf)?;
///
/// let lookup = |akid: &str| (akid == "AKIDEXAMPLE").then_some(Secret::new("secret", None));
/// let policy = Policy::new(t, "s3").sigv2(3600); // SigV2 is off by default
/// let ok = verify::verify_s3_v2(&Request::new("GET", url.as_str(), &headers), &lookup, &policy)?;
/// assert!(ok.presigned && ok.access_key_id == "AKIDEXAMPLE");
/// let other = url.as_str().replace("/key?", "/other?");
/// let err = verify::verify_s3_v2(&Request::new("GET", &other, &headers), &lookup, &policy).unwrap_err();
/// assert_eq!(err.rejection(), Some(Rejection::SignatureMismatch));
/// let late = Policy::new(t.checked_add_seconds(301)?, "s3").sigv2(3600);
/// let err = verify::verify_s3_v2(&Request::new("GET", url.as_str(), &headers), &lookup, &late).unwrap_err();
/// assert_eq!(err.rejection(), Some(Rejection::Expired));
/// # Ok::<(), awsig::Error>(())
/// ```
///
/// # Errors
/// [`Error::Rejected`]: [`Rejection::MissingAuthentication`],
/// [`Rejection::AmbiguousAuthentication`] (both forms),
/// [`Rejection::UnsupportedAlgorithm`] (an `Authorization` that is not
/// `AWS ...`), [`Rejection::MalformedAuthorization`],
/// [`Rejection::MalformedDate`], [`Rejection::RequestTimeTooSkewed`],
/// [`Rejection::MissingAuthParameter`], [`Rejection::BadExpires`],
/// [`Rejection::Expired`], [`Rejection::UnknownAccessKey`],
/// [`Rejection::SessionTokenMismatch`], [`Rejection::MalformedSignature`],
/// [`Rejection::SignatureMismatch`]; target errors for a malformed target.
pub fn verify_s3_v2<'r, 's, L: SecretLookup<'s> + ?Sized>(
    request: &Request<'r>,
    lookup: &L,
    policy: &Policy<'_>,
) -> Result<VerifiedS3V2<'r>, Error> {
    if policy.sigv2.is_none() {
        return Err(Rejection::SigV2NotAllowed.into());
    }
    super::policy::check_limits(&policy.limits, request.target, request.headers)
        .map_err(Error::LimitExceeded)?;
    let target = Target::parse(request.target)?;
    let authorization = single_header(request.headers, "authorization")?;
    let presigned = single_param(target.query, "Signature")?.is_some()
        || single_param(target.query, "AWSAccessKeyId")?.is_some();
    let claim = match (authorization, presigned) {
        (Some(_), true) => return Err(Rejection::AmbiguousAuthentication.into()),
        (Some(a), false) => header_claim(request, target, a, policy)?,
        (None, true) => query_claim(request, target, policy)?,
        (None, false) => return Err(Rejection::MissingAuthentication.into()),
    };
    let secret = lookup
        .secret(claim.access_key_id)
        .ok_or(Rejection::UnknownAccessKey)?;
    let key = secret
        .secret_access_key
        .ok_or(Rejection::UnknownAccessKey)?;
    let (token, encoded) = match claim.token {
        Some((t, e)) => (Some(t), e),
        None => (None, false),
    };
    if !session_token_matches(secret.session_token, token, encoded) {
        return Err(Rejection::SessionTokenMismatch.into());
    }
    let sig = claim.signature.as_bytes();
    if sig.contains(&b'+') && claim.verified.presigned {
        // A raw `+` in a query is a space: not base64.
        return Err(Rejection::MalformedSignature.into());
    }
    let want = v2::signature(key, &claim.parts, None)?;
    let ok = if claim.verified.presigned {
        ct_eq_iter(Decoded::new(sig), &want)
    } else {
        ct_eq(sig, &want)
    };
    if !ok {
        return Err(Rejection::SignatureMismatch.into());
    }
    Ok(claim.verified)
}

/// Verifies the signature of a browser POST upload signed with S3's SigV2
/// (botocore's `HmacV1PostAuth`): the form `fields` (`AWSAccessKeyId`,
/// `policy`, `signature`, and `x-amz-security-token` with temporary
/// credentials; names in any case). The policy's `expiration` and
/// conditions are the caller's to check against the form (decode `policy`,
/// base64 JSON); this checks that the policy is the one the key signed.
///
/// ```
/// use awsig::verify::{self, Rejection, Secret};
/// use awsig::{Credentials, s3};
///
/// let creds = Credentials::new("AKIDEXAMPLE", "secret", None)?;
/// let policy = "eyJleHBpcmF0aW9uIjogIjIwMjYtMTItMDNUMTM6MDA6MDBaIiwgImNvbmRpdGlvbnMiOiBbeyJidWNrZXQiOiAiYiJ9XX0=";
/// let signature = s3::v2::sign_policy(&creds, policy);
/// let form = [("key", "a.txt"), ("AWSAccessKeyId", "AKIDEXAMPLE"), ("policy", policy), ("signature", signature.as_str())];
/// let lookup = |_: &str| Some(Secret::new("secret", None));
/// assert_eq!(verify::verify_s3_v2_post(&form, &lookup)?, "AKIDEXAMPLE");
/// let other = [("AWSAccessKeyId", "AKIDEXAMPLE"), ("policy", "e30="), ("signature", signature.as_str())];
/// assert_eq!(verify::verify_s3_v2_post(&other, &lookup).unwrap_err().rejection(), Some(Rejection::SignatureMismatch));
/// # Ok::<(), awsig::Error>(())
/// ```
///
/// # Errors
/// [`Error::Rejected`]: [`Rejection::MissingAuthParameter`] /
/// [`Rejection::DuplicateAuthParameter`] for the fields,
/// [`Rejection::UnknownAccessKey`], [`Rejection::SessionTokenMismatch`],
/// [`Rejection::SignatureMismatch`].
pub fn verify_s3_v2_post<'f, 's, L: SecretLookup<'s> + ?Sized>(
    fields: &[(&'f str, &'f str)],
    lookup: &L,
) -> Result<&'f str, Error> {
    let need = |name| single_header(fields, name)?.ok_or(Rejection::MissingAuthParameter);
    let access_key_id = need("AWSAccessKeyId")?;
    let (policy, signature) = (need("policy")?, need("signature")?);
    let token = single_header(fields, "x-amz-security-token")?;
    let secret = lookup
        .secret(access_key_id)
        .ok_or(Rejection::UnknownAccessKey)?;
    let key = secret
        .secret_access_key
        .ok_or(Rejection::UnknownAccessKey)?;
    if !session_token_matches(secret.session_token, token, false) {
        return Err(Rejection::SessionTokenMismatch.into());
    }
    let credentials = crate::Credentials::new(access_key_id, key, None)?;
    let want = v2::sign_policy(&credentials, policy);
    if ct_eq(want.as_str().as_bytes(), signature.as_bytes()) {
        Ok(access_key_id)
    } else {
        Err(Rejection::SignatureMismatch.into())
    }
}
