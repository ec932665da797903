//! Signing a [`Case`] once, the step the targets share.

use awsig::v4::{self, Signer};
use awsig::verify::Secret;
use awsig::{Error, Request};

use crate::case::{Case, query_param};

/// What one signing produced: the received request and the signature.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Produced {
    /// The target as sent (presigned: with the signature).
    pub target: String,
    /// The headers as sent (header signing: with the added ones).
    pub headers: Vec<(String, String)>,
    pub signature: String,
    /// The `X-Amz-Expires` written (presign).
    pub expires_in: Option<u32>,
}

/// Signs or presigns `case` with `key` into a buffer of `size` bytes.
pub(crate) fn sign_into(case: &Case, signer: &Signer<'_>, size: usize) -> Result<Produced, Error> {
    let headers = case.header_refs();
    let request = Request::new(&case.method, &case.target, &headers).with_payload(case.payload());
    let settings = case.settings();
    let mut buf = vec![0u8; size];
    if case.presign() {
        let p = v4::presign(signer, &request, case.expires, &settings, &mut buf)?;
        let target = p.as_str().to_string();
        let expires_in = query_param(&target, "X-Amz-Expires").and_then(|e| e.parse().ok());
        Ok(Produced {
            target,
            headers: case.headers.clone(),
            signature: p.signature().as_str().to_string(),
            expires_in,
        })
    } else {
        let s = v4::sign_headers(signer, &request, &settings, &mut buf)?;
        let mut all = case.headers.clone();
        all.extend(s.headers().map(|(n, v)| (n.to_string(), v.to_string())));
        Ok(Produced {
            target: case.target.clone(),
            headers: all,
            signature: s.signature().as_str().to_string(),
            expires_in: None,
        })
    }
}

/// A buffer size that always suffices: every input byte is written at most
/// three times over (`%XX`), plus the fixed parts.
pub fn ample(case: &Case) -> usize {
    let text = case.target.len()
        + case
            .headers
            .iter()
            .map(|(n, v)| n.len() + v.len() + 1)
            .sum::<usize>()
        + case.token.as_ref().map_or(0, String::len)
        + case.access_key_id.len()
        + case.region.len()
        + case.service.len();
    4096 + 3 * text
}

/// Signs with a buffer of the case's size; on `BufferTooSmall { needed }`,
/// `needed` bytes must be enough.
pub(crate) fn sign_sized(case: &Case, signer: &Signer<'_>) -> Result<Produced, Error> {
    let size = usize::from(case.buf_size);
    match sign_into(case, signer, size) {
        Err(Error::BufferTooSmall { needed }) => {
            assert!(
                needed > size,
                "BufferTooSmall {{ needed: {needed} }} with {size} bytes"
            );
            let again = sign_into(case, signer, needed);
            assert!(
                !matches!(again, Err(Error::BufferTooSmall { .. })),
                "needed {needed} bytes was not enough: {again:?}"
            );
            again
        }
        other => other,
    }
}

/// Why `presign_url` refuses a target that `presign` signs: a URL is sent
/// as written, so its target may hold only visible ASCII and no `#` (raw
/// spaces and UTF-8 must be percent-encoded first), while `presign` signs
/// them in their encoded form (AWS's rule). The first such byte.
pub(crate) fn url_refusal(target: &str) -> Option<Error> {
    let at = target
        .bytes()
        .position(|b| b <= 0x20 || b >= 0x7f || b == b'#')?;
    Some(Error::InvalidTargetByte {
        byte: target.as_bytes()[at],
        at,
    })
}

/// The lookup of a verifier that knows one secret.
pub(crate) fn lookup_for<'s>(
    access_key_id: &'s str,
    secret: &'s str,
    token: Option<&'s str>,
) -> impl Fn(&str) -> Option<Secret<'s>> {
    move |akid: &str| (akid == access_key_id).then(|| Secret::new(secret, token))
}
