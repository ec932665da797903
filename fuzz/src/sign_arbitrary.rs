//! `sign_arbitrary`: signing and presigning never panic, what they sign
//! verifies, and every output form agrees (see `fuzz/README.md`).

use awsig::v4::{Signer, SigningKey, SigningSettings};
use awsig::verify::{self, Policy, Rejection, Scheme};
use awsig::{Error, Payload, Request, SigningTime};

use crate::case::{Case, F_POLICY_BY_SERVICE, F_POLICY_SCOPE, host_of, query_param};
use crate::reference as r;
use crate::signing::{Produced, ample, lookup_for, sign_into, sign_sized, url_refusal};
use crate::strings;
use crate::wire::Reader;

/// Signing and presigning never panic; what they sign verifies (same
/// settings, a time within the validity window); signing again gives the
/// same bytes; every output form agrees.
pub fn sign_arbitrary(data: &[u8]) {
    let case = Case::read(&mut Reader::new(data));
    sign_case(&case);
}

pub fn sign_case(case: &Case) {
    let Ok(creds) = case.credentials() else {
        return;
    };
    let time = case.signing_time();
    let Ok(key) = SigningKey::derive(&creds, time, &case.region, &case.service) else {
        return;
    };
    let signer = Signer::new(&key, &creds, time).expect("a key signs at the time it was derived");
    let first = sign_sized(case, &signer);
    let big = sign_into(case, &signer, ample(case));
    let produced = match (&first, &big) {
        (Ok(a), Ok(b)) => {
            assert_eq!(a, b, "the output depends on the buffer size");
            a.clone()
        }
        (Err(a), Err(b)) => {
            assert_eq!(a, b, "the error depends on the buffer size");
            assert!(
                !matches!(a, Error::BufferTooSmall { .. }),
                "an ample buffer is too small: {a:?}"
            );
            return;
        }
        _ => panic!("one buffer signs, the other fails: {first:?} vs {big:?}"),
    };
    // Deterministic.
    assert_eq!(
        sign_into(case, &signer, ample(case)).as_ref(),
        Ok(&produced),
        "signing again gave other bytes"
    );

    // The traced and allocating forms give the same signature.
    let headers = case.header_refs();
    let request = Request::new(&case.method, &case.target, &headers).with_payload(case.payload());
    let settings = case.settings();
    let inspection = if case.presign() {
        strings::inspect_presign(&signer, &request, case.expires, &settings)
    } else {
        strings::inspect_headers(&signer, &request, &settings)
    }
    .expect("traced signing fails where signing succeeds");
    assert_eq!(inspection.signature, produced.signature);
    assert!(
        inspection
            .string_to_sign
            .ends_with(&r::sha256_hex(inspection.canonical_request.as_bytes())),
        "the string to sign does not end with the hash of the traced canonical request"
    );
    if case.presign() {
        let target =
            strings::presign(&signer, &request, case.expires, &settings).expect("alloc presign");
        assert_eq!(target, produced.target);
        let url = strings::presign_url(&signer, &request, case.expires, &settings);
        if let Some(refusal) = url_refusal(&case.target) {
            assert_eq!(url, Err(refusal), "a URL with a target it cannot carry raw");
        } else {
            let host = host_of(&case.headers).expect("presigned without a host");
            assert_eq!(
                url.expect("alloc presign_url"),
                format!("https://{host}{}", produced.target)
            );
        }
    } else {
        let added =
            strings::sign_headers(&signer, &request, &settings).expect("alloc sign_headers");
        let added: Vec<(String, String)> =
            added.into_iter().map(|(n, v)| (n.to_string(), v)).collect();
        assert_eq!(&produced.headers[case.headers.len()..], added.as_slice());
    }

    check_verifies(case, &produced);
}

/// Rejections the verifier may give a request the signer signed, and why.
pub(crate) fn excused(case: &Case, produced: &Produced, rejection: Error) -> bool {
    let has_header = |name: &str| {
        case.headers
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case(name))
    };
    if case.presign() {
        // An S3 presigned URL signed over a given payload hash: S3 (and
        // the verifier) take presigned bodies as `UNSIGNED-PAYLOAD`.
        return rejection == Error::Rejected(Rejection::SignatureMismatch)
            && case.settings().presign_unsigned_payload
            && matches!(case.payload(), Payload::Precomputed(_));
    }
    match rejection {
        // A raw `+` in the query of a header-signed request: signed as a
        // plus (as botocore and aws-c-auth sign it), read as a space by
        // the server (as form decoders, S3, s3s and MinIO read it).
        Error::Rejected(Rejection::SignatureMismatch)
            if produced
                .target
                .split_once('?')
                .is_some_and(|(_, q)| q.contains('+')) =>
        {
            true
        }
        // The query also says "X-Amz-Algorithm": both header and query
        // authentication, which the verifier refuses as ambiguous.
        Error::Rejected(Rejection::AmbiguousAuthentication) => {
            let has = |name| query_param(&produced.target, name).is_some();
            [
                "X-Amz-Algorithm",
                "X-Amz-Credential",
                "X-Amz-Signature",
                "X-Amz-SignedHeaders",
            ]
            .into_iter()
            .any(has)
                || (has("AWSAccessKeyId") && (has("Signature") || has("SignatureVersion")))
        }
        // The caller's own x-amz-security-token header without a session
        // token in the credentials: the server expects none.
        Error::Rejected(Rejection::SessionTokenMismatch) => {
            case.token.is_none() && has_header("x-amz-security-token")
        }
        // The caller's own x-amz-content-sha256 header: it declares the body
        // to the verifier, and may not match it or what was signed.
        Error::Rejected(Rejection::PayloadHashMismatch | Rejection::SignatureMismatch)
        | Error::InvalidPayloadHash => {
            !case.settings().content_sha256_header && has_header("x-amz-content-sha256")
        }
        // Two caller headers the verifier reads as authentication.
        Error::Rejected(Rejection::DuplicateAuthParameter) => {
            ["x-amz-security-token", "x-amz-content-sha256"]
                .iter()
                .any(|h| {
                    case.headers
                        .iter()
                        .filter(|(n, _)| n.eq_ignore_ascii_case(h))
                        .count()
                        > 1
                })
        }
        _ => false,
    }
}

pub(crate) fn check_verifies(case: &Case, produced: &Produced) {
    let settings = case.settings();
    let time = case.time;
    let now = if let Some(expires) = produced.expires_in {
        time + i64::from(case.check_offset % (expires + 1))
    } else {
        time + i64::from(case.check_offset % 1801) - 900
    };
    let Ok(now) = SigningTime::from_unix_seconds(now) else {
        return;
    };
    let headers: Vec<(&str, &str)> = produced
        .headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let payload = match case.payload() {
        Payload::Body(_) if case.presign() && settings.presign_unsigned_payload => {
            Payload::Unsigned
        }
        other => other,
    };
    let request = Request::new(&case.method, &produced.target, &headers).with_payload(payload);
    let lookup = lookup_for(&case.access_key_id, &case.secret, case.token.as_deref());
    // Every body declaration the signer makes is accepted here.
    let mut policy = Policy::new(now, &case.service)
        .allow_unsigned_payload(true)
        .allow_streaming(true);
    if !(case.flags & F_POLICY_BY_SERVICE != 0
        && settings == SigningSettings::for_service(&case.service))
    {
        policy = policy.settings(settings);
    }
    if case.flags & F_POLICY_SCOPE != 0 {
        policy = policy.region(&case.region);
    }
    match verify::verify(&request, &lookup, &policy) {
        Ok(v) => {
            let scheme = if case.presign() {
                Scheme::V4Query
            } else {
                Scheme::V4Header
            };
            assert_eq!(v.scheme, scheme);
            assert_eq!(v.access_key_id, case.access_key_id);
            assert_eq!(v.region, Some(case.region.as_str()));
            assert_eq!(v.service, Some(case.service.as_str()));
            assert_eq!(v.method, case.method);
            assert_eq!(v.signed_at.map(|t| t.unix_seconds()), Some(time));
            if let Some(e) = produced.expires_in {
                assert_eq!(
                    v.expires_at.map(|t| t.unix_seconds()),
                    SigningTime::from_unix_seconds(time + i64::from(e))
                        .ok()
                        .map(|t| t.unix_seconds())
                );
            }
        }
        Err(rejection) => assert!(
            excused(case, produced, rejection),
            "a signed request does not verify: {rejection:?}\nrequest: {} {}\nheaders: {:?}\nsettings: {settings:?}",
            case.method,
            produced.target,
            produced.headers,
        ),
    }
}
