//! Borrowing parsers for what a signed request carries: the `Authorization`
//! header, the credential, the signed header names, `X-Amz-Date`.

use crate::SigningTime;
use crate::canonical::headers::NameList;
use crate::credentials::is_scope_part;
use crate::verify::Rejection;

/// The parts of `Authorization: AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct AuthorizationParts<'r> {
    pub credential: &'r str,
    pub signed_headers: &'r str,
    pub signature: &'r str,
}

/// Parses an `Authorization` value: the algorithm name and its parts.
pub(crate) fn authorization(value: &str) -> Result<(&str, AuthorizationParts<'_>), Rejection> {
    let value = value.trim_matches(|c| c == ' ' || c == '\t');
    let (alg, rest) = value
        .split_once(' ')
        .ok_or(Rejection::MalformedAuthorization)?;
    let (mut credential, mut signed_headers, mut signature) = (None, None, None);
    for part in rest.split(',') {
        let part = part.trim_matches(|c| c == ' ' || c == '\t');
        let (name, v) = part
            .split_once('=')
            .ok_or(Rejection::MalformedAuthorization)?;
        let slot = match name {
            "Credential" => &mut credential,
            "SignedHeaders" => &mut signed_headers,
            "Signature" => &mut signature,
            _ => return Err(Rejection::MalformedAuthorization),
        };
        if slot.replace(v).is_some() {
            return Err(Rejection::DuplicateAuthParameter);
        }
    }
    match (credential, signed_headers, signature) {
        (Some(credential), Some(signed_headers), Some(signature)) => Ok((
            alg,
            AuthorizationParts {
                credential,
                signed_headers,
                signature,
            },
        )),
        _ => Err(Rejection::MalformedAuthorization),
    }
}

/// `AKID/YYYYMMDD/region/service/aws4_request` (SigV4a: no region),
/// separated by `/` or, in a query, `%2F`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Credential<'r> {
    pub access_key_id: &'r str,
    pub date: &'r str,
    pub region: Option<&'r str>,
    pub service: &'r str,
}

pub(crate) fn credential(raw: &str, with_region: bool) -> Result<Credential<'_>, Rejection> {
    let mut parts = [""; 5];
    let mut n = 0;
    let mut rest = raw;
    loop {
        let (part, tail, more) = match split_slash(rest) {
            Some((p, t)) => (p, t, true),
            None => (rest, "", false),
        };
        let slot = parts.get_mut(n).ok_or(Rejection::MalformedCredential)?;
        *slot = part;
        n = n.saturating_add(1);
        if !more {
            break;
        }
        rest = tail;
    }
    let (want, [access_key_id, date, region, service, terminator]) = if with_region {
        (5, parts)
    } else {
        let [a, d, s, t, _] = parts;
        (4, [a, d, "x", s, t])
    };
    let ok = n == want
        && terminator == "aws4_request"
        && date.len() == 8
        && date.bytes().all(|b| b.is_ascii_digit())
        && [access_key_id, region, service]
            .iter()
            .all(|p| is_scope_part(p) && !p.contains('%'));
    if !ok {
        return Err(Rejection::MalformedCredential);
    }
    Ok(Credential {
        access_key_id,
        date,
        region: with_region.then_some(region),
        service,
    })
}

/// Splits at the first `/` or `%2F` (any hex case).
fn split_slash(s: &str) -> Option<(&str, &str)> {
    let b = s.as_bytes();
    // Offsets within `s`: saturating sums never reach past its end.
    let at = |i: usize, k: usize| i.saturating_add(k);
    let mut i = 0usize;
    while let Some(&c) = b.get(i) {
        if c == b'/' {
            return Some((s.get(..i)?, s.get(at(i, 1)..)?));
        }
        if c == b'%'
            && b.get(at(i, 1)..at(i, 3))
                .is_some_and(|h| h.eq_ignore_ascii_case(b"2F"))
        {
            return Some((s.get(..i)?, s.get(at(i, 3)..)?));
        }
        i = at(i, 1);
    }
    None
}

/// Checks a received `SignedHeaders` list: lowercase RFC 9110 tokens, sorted,
/// no repeats, `host` among them.
pub(crate) fn signed_headers(list: NameList<'_>) -> Result<(), Rejection> {
    let mut prev: Option<&str> = None;
    let mut host = false;
    for name in list.names() {
        let token = !name.is_empty()
            && list.bytes_of(name).all(|b| {
                b.is_ascii_lowercase() || b.is_ascii_digit() || b"!#$%&'*+-.^_`|~".contains(&b)
            });
        if !token
            || prev.is_some_and(|p| {
                list.bytes_of(p).cmp(list.bytes_of(name)) != core::cmp::Ordering::Less
            })
        {
            return Err(Rejection::MalformedSignedHeaders);
        }
        host |= list.bytes_of(name).eq(*b"host");
        prev = Some(name);
    }
    if host {
        Ok(())
    } else {
        Err(Rejection::MalformedSignedHeaders)
    }
}

/// `X-Amz-Date`, `20150830T123600Z`, strictly.
pub(crate) fn amz_date(s: &str) -> Result<SigningTime, Rejection> {
    let b = s.as_bytes();
    let digits =
        |r: core::ops::Range<usize>| b.get(r).is_some_and(|d| d.iter().all(u8::is_ascii_digit));
    if b.len() != 16
        || !digits(0..8)
        || b.get(8) != Some(&b'T')
        || !digits(9..15)
        || b.get(15) != Some(&b'Z')
    {
        return Err(Rejection::MalformedDate);
    }
    let mut iso = *b"0000-00-00T00:00:00Z";
    for (dst, src) in [
        (0..4, 0..4),
        (5..7, 4..6),
        (8..10, 6..8),
        (11..13, 9..11),
        (14..16, 11..13),
        (17..19, 13..15),
    ] {
        if let (Some(d), Some(s)) = (iso.get_mut(dst), b.get(src)) {
            d.copy_from_slice(s);
        }
    }
    let iso = core::str::from_utf8(&iso).map_err(|_| Rejection::MalformedDate)?;
    SigningTime::parse_rfc3339(iso).map_err(|_| Rejection::MalformedDate)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_authorization() {
        let (alg, a) = authorization(
            "AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/iam/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc",
        )
        .unwrap();
        assert_eq!(alg, "AWS4-HMAC-SHA256");
        assert_eq!(a.credential, "AKID/20150830/us-east-1/iam/aws4_request");
        assert_eq!(a.signed_headers, "host;x-amz-date");
        assert_eq!(a.signature, "abc");
        let c = credential(a.credential, true).unwrap();
        assert_eq!(
            (c.access_key_id, c.date, c.region, c.service),
            ("AKID", "20150830", Some("us-east-1"), "iam")
        );
        assert_eq!(
            credential("AKID%2F20150830%2fus-east-1%2Fiam%2Faws4_request", true).unwrap(),
            c
        );
        let v4a = credential("AKID/20150830/s3/aws4_request", false).unwrap();
        assert_eq!((v4a.region, v4a.service), (None, "s3"));
        assert_eq!(
            credential("AKID/20150830/us-east-1/s3/aws4_request", false),
            Err(Rejection::MalformedCredential)
        );
        for bad in [
            "AKID/2015083/us-east-1/iam/aws4_request",
            "AKID/20150830/us-east-1/iam",
            "AKID/20150830/us-east-1/iam/aws4_request/x",
            "/20150830/us-east-1/iam/aws4_request",
            "AKID/20150830/us-east-1/iam/aws5_request",
        ] {
            assert_eq!(
                credential(bad, true),
                Err(Rejection::MalformedCredential),
                "{bad}"
            );
        }
        let a = authorization(
            "AWS4-HMAC-SHA256 Credential=a, Credential=a, SignedHeaders=b, Signature=c",
        );
        assert_eq!(a.unwrap_err(), Rejection::DuplicateAuthParameter);
        let a = authorization("AWS4-HMAC-SHA256 Credential=a, Signature=c");
        assert_eq!(a.unwrap_err(), Rejection::MalformedAuthorization);
        assert_eq!(
            authorization("AWS4-HMAC-SHA1 Credential=a, SignedHeaders=b, Signature=c")
                .unwrap()
                .0,
            "AWS4-HMAC-SHA1"
        );
    }

    #[test]
    fn checks_signed_header_lists() {
        let l = |raw| NameList { raw, sep: ";" };
        assert!(signed_headers(l("host;x-amz-date")).is_ok());
        assert!(
            signed_headers(NameList {
                raw: "content-type%3bhost",
                sep: "%3B"
            })
            .is_ok()
        );
        for bad in [
            "x-amz-date;host",
            "host;host",
            "Host;x-amz-date",
            "x-amz-date",
            "host;;x",
            "",
        ] {
            assert_eq!(
                signed_headers(l(bad)),
                Err(Rejection::MalformedSignedHeaders),
                "{bad}"
            );
        }
    }

    #[test]
    fn parses_amz_dates() {
        assert_eq!(
            amz_date("20150830T123600Z").unwrap().amz_date().as_str(),
            "20150830T123600Z"
        );
        for bad in [
            "20150830T123600",
            "2015-08-30T12:36:00Z",
            "20150230T123600Z",
            "20150830T126000Z",
            "x0150830T123600Z",
        ] {
            assert_eq!(amz_date(bad), Err(Rejection::MalformedDate), "{bad}");
        }
    }
}
