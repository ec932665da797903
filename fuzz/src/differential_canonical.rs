//! `differential_canonical`: the library's canonical request, string to
//! sign, signature and refusals against the reference's (see `fuzz/README.md`).

use awsig::v4::{Signer, SigningKey};
use awsig::{Error, Request};

use crate::case::Case;
use crate::reference as r;
use crate::strings;
use crate::wire::Reader;

/// The library's canonical request, string to sign and signature equal the
/// reference's; the library refuses exactly when the reference finds a
/// reason, and only for one of those reasons.
pub fn differential_canonical(data: &[u8]) {
    let case = Case::read(&mut Reader::new(data));
    differential_case(&case);
}

pub fn differential_case(case: &Case) {
    let rc = case.ref_credentials();
    let cred_problems = r::credential_problems(&rc, &case.region, &case.service);
    let time = case.signing_time();
    let rreq = case.ref_request();
    let rs = case.ref_settings();
    let problems = r::problems(&rreq, &rc, case.time, &rs, case.ref_mode());
    let creds = case.credentials();
    let key = creds.and_then(|c| SigningKey::derive(&c, time, &case.region, &case.service));
    let key = match key {
        Ok(k) => {
            assert!(
                cred_problems.is_empty(),
                "the library takes credentials the reference refuses: {cred_problems:?}"
            );
            k
        }
        // Expired credentials are refused when the key is derived.
        Err(e @ Error::CredentialsExpired) if cred_problems.is_empty() => {
            assert!(
                problems.contains(&e),
                "the library refuses with {e:?}; the reference sees {problems:?}"
            );
            return;
        }
        Err(e) => {
            assert!(
                cred_problems.contains(&e),
                "the library refuses credentials with {e:?}; the reference sees {cred_problems:?}"
            );
            return;
        }
    };
    let creds = creds.expect("the key was derived from them");
    let signer = Signer::new(&key, &creds, time).expect("a key signs at the time it was derived");

    let headers = case.header_refs();
    let request = Request::new(&case.method, &case.target, &headers).with_payload(case.payload());
    let settings = case.settings();
    let lib = if case.presign() {
        strings::inspect_presign(&signer, &request, case.expires, &settings)
    } else {
        strings::inspect_headers(&signer, &request, &settings)
    };
    let lib = match lib {
        Err(e) => {
            assert!(
                problems.contains(&e),
                "the library refuses with {e:?}; the reference sees {problems:?}"
            );
            return;
        }
        Ok(i) => {
            assert!(
                problems.is_empty(),
                "the library signs what the reference refuses: {problems:?}"
            );
            i
        }
    };
    let want = case.ref_sign();
    assert_eq!(
        lib.canonical_request, want.canonical_request,
        "canonical requests differ"
    );
    assert_eq!(
        lib.string_to_sign, want.string_to_sign,
        "strings to sign differ"
    );
    assert_eq!(lib.signature, want.signature, "signatures differ");

    // What is sent matches what was signed.
    let (amz, date) = r::amz_date(case.time);
    let scope = format!("{date}/{}/{}/aws4_request", case.region, case.service);
    let lines: Vec<&str> = want.canonical_request.split('\n').collect();
    let signed_headers = lines[lines.len() - 2];
    if case.presign() {
        let target = strings::presign(&signer, &request, case.expires, &settings)
            .expect("presign after inspect_presign");
        let path = case
            .target
            .split_once('?')
            .map_or(case.target.as_str(), |(p, _)| p);
        let mut expected = format!("{path}?{}&X-Amz-Signature={}", lines[2], want.signature);
        if let (Some(t), false) = (&case.token, rs.token_signed) {
            expected.push_str("&X-Amz-Security-Token=");
            expected.push_str(&r::uri_encode(t.as_bytes(), false));
        }
        assert_eq!(
            target, expected,
            "the presigned target is not what was signed"
        );
    } else {
        let added = strings::sign_headers(&signer, &request, &settings)
            .expect("sign_headers after inspect_headers");
        // Names as the signer writes them: lowercase.
        let mut expected = vec![("x-amz-date", amz.clone())];
        if let Some(t) = &case.token {
            expected.push(("x-amz-security-token", t.clone()));
        }
        // A request that declares its own x-amz-content-sha256 gets no second one.
        let declared = request
            .headers
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case("x-amz-content-sha256"));
        if rs.content_sha256_header && !declared {
            expected.push(("x-amz-content-sha256", lines[lines.len() - 1].to_string()));
        }
        expected.push((
            "authorization",
            format!(
                "{} Credential={}/{scope}, SignedHeaders={signed_headers}, Signature={}",
                r::ALGORITHM,
                case.access_key_id,
                want.signature
            ),
        ));
        let expected: Vec<(&'static str, String)> = expected;
        assert_eq!(added, expected, "the added headers are not what was signed");
    }
}
