//! What a SigV4 request claims: an access key and its scope, a time, the
//! signed headers and a signature, written in the `Authorization` header
//! (with `X-Amz-Date`) or in a presigned URL's `X-Amz-*` parameters.
//! See <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html>.

use crate::Request;
use crate::SigningTime;
use crate::canonical::headers::NameList;
use crate::v4::presign::MAX_EXPIRES;
use crate::v4::string_to_sign::ALGORITHM;
use crate::verify::parse::{self, Credential};
use crate::verify::{Rejection, Scheme, single_header, single_param};

/// SigV4 or SigV4a.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Alg {
    V4,
    #[cfg(feature = "sigv4a")]
    V4a,
}

pub(super) fn algorithm(name: &str) -> Result<Alg, Rejection> {
    match name {
        ALGORITHM => Ok(Alg::V4),
        #[cfg(feature = "sigv4a")]
        crate::v4a::ALGORITHM => Ok(Alg::V4a),
        _ => Err(Rejection::UnsupportedAlgorithm),
    }
}

/// What the request claims, in either form.
pub(super) struct Claimed<'r> {
    /// Header or presigned query.
    pub(super) scheme: Scheme,
    pub(super) alg: Alg,
    /// SigV4a's `X-Amz-Region-Set`, as received.
    pub(super) region_set: Option<&'r str>,
    pub(super) credential: Credential<'r>,
    pub(super) signed_at: SigningTime,
    pub(super) signed_headers: NameList<'r>,
    pub(super) signature: &'r str,
    /// The session token as received (raw: percent-encoded in a query).
    pub(super) token: Option<&'r str>,
    /// A presigned URL's `X-Amz-Expires`, seconds.
    pub(super) expires: Option<u32>,
}

/// Parses `Authorization: <algorithm> Credential=..., SignedHeaders=...,
/// Signature=...` and the headers that go with it: `X-Amz-Date` (required),
/// `X-Amz-Region-Set` (SigV4a), `X-Amz-Security-Token` (and, when
/// `s3session`, `x-amz-s3session-token`: see [`session_token`]).
pub(super) fn header_claim<'r>(
    request: &Request<'r>,
    authorization: &'r str,
    s3session: bool,
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
        token: session_token(
            single_header(request.headers, "x-amz-security-token")?,
            s3session
                .then(|| single_header(request.headers, "x-amz-s3session-token"))
                .transpose()?
                .flatten(),
        )?,
        expires: None,
    })
}

/// Parses a presigned URL's `X-Amz-*` parameters (all but the region set
/// and the session token required, each at most once); also returns
/// `X-Amz-Expires`. The session token is `X-Amz-Security-Token` (and,
/// when `s3session`, `X-Amz-S3session-Token`: see [`session_token`]).
pub(super) fn query_claim(q: &str, s3session: bool) -> Result<(Claimed<'_>, u32), Rejection> {
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
    let token = session_token(
        single_param(q, "X-Amz-Security-Token")?,
        s3session
            .then(|| single_param(q, "X-Amz-S3session-Token"))
            .transpose()?
            .flatten(),
    )?;
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

/// The session token a request presents: STS's `X-Amz-Security-Token`,
/// or, on an S3 Express server, the `CreateSession` token of S3 Express
/// One Zone session auth (`x-amz-s3session-token`,
/// `X-Amz-S3session-Token`; `CreateSession` itself is signed with the
/// former). A request carrying both is refused.
fn session_token<'r>(
    security: Option<&'r str>,
    s3session: Option<&'r str>,
) -> Result<Option<&'r str>, Rejection> {
    match (security, s3session) {
        (Some(_), Some(_)) => Err(Rejection::DuplicateAuthParameter),
        (token, None) | (None, token) => Ok(token),
    }
}

/// `X-Amz-Expires`: 1 to 604800 seconds (7 days), in plain digits.
fn parse_expires(raw: &str) -> Result<u32, Rejection> {
    match raw.parse() {
        Ok(n) if (1..=MAX_EXPIRES).contains(&n) && raw.bytes().all(|b| b.is_ascii_digit()) => Ok(n),
        _ => Err(Rejection::BadExpires),
    }
}
