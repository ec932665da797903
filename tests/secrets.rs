//! No public type that can hold a secret shows it: `{:?}` (and `{}` where
//! implemented) of everything that holds the secret access key, the session
//! token or derived key material never contains them.

use awsig::v4::{self, KeyCache, Signer, SigningKey, SigningSettings};
use awsig::verify::{Policy, Secret};
use awsig::{Credentials, Payload, Request, SigningTime, s3, v2};

const SECRET: &str = "SECRETxSECRETxSECRETxSECRETxSECRETxSECRET";
const TOKEN: &str = "TOKENzTOKENzTOKENzTOKENzTOKEN";
const TOKEN_ENCODED: &str = "TOKENzTOKENzTOKENzTOKENzTOKEN"; // only unreserved characters

fn assert_hidden(what: &str, text: &str) {
    assert!(!text.contains(SECRET), "{what} shows the secret: {text}");
    assert!(
        !text.contains(TOKEN) && !text.contains(TOKEN_ENCODED),
        "{what} shows the token: {text}"
    );
}

#[test]
fn debug_and_display_never_show_secrets() {
    let t = SigningTime::parse_rfc3339("2020-12-18T22:52:43Z").unwrap();
    let creds = Credentials::new("AKIDEXAMPLE", SECRET, Some(TOKEN))
        .unwrap()
        .with_expiry(t.checked_add_seconds(7200).unwrap());
    assert_hidden("Credentials", &format!("{creds:?}"));
    let key = SigningKey::derive(&creds, t, "us-east-1", "s3").unwrap();
    assert_hidden("SigningKey", &format!("{key:?}"));
    let signer = Signer::new(&key, &creds, t).unwrap();
    assert_hidden("Signer", &format!("{signer:?}"));
    let mut cache = KeyCache::new();
    cache.key(&creds, t, "us-east-1", "s3").unwrap();
    assert_hidden("KeyCache", &format!("{cache:?}"));
    assert_hidden("Secret", &format!("{:?}", Secret::new(SECRET, Some(TOKEN))));
    assert_hidden("Policy", &format!("{:?}", Policy::new(t, "s3")));

    let h = [("Host", "examplebucket.s3.amazonaws.com")];
    let req = Request::new("PUT", "/k", &h).with_payload(Payload::Unsigned);
    let mut buf = [0u8; 4096];
    let signed = v4::sign_headers(&signer, &req, &SigningSettings::s3(), &mut buf).unwrap();
    assert_hidden("HeaderSignature", &format!("{signed:?}"));
    assert!(
        signed.security_token() == Some(TOKEN),
        "the token is still available to send"
    );
    let mut buf2 = [0u8; 4096];
    let presigned = v4::presign(&signer, &req, 60, &SigningSettings::s3(), &mut buf2).unwrap();
    assert_hidden("Presigned", &format!("{presigned:?}"));
    assert!(
        format!("{presigned}").contains(TOKEN_ENCODED),
        "Display is the URL, token included"
    );

    let q = [("Host", "sqs.us-east-2.amazonaws.com")];
    let v2req = Request::new("GET", "/?Action=ListQueues", &q);
    let mut buf3 = [0u8; 4096];
    let v2signed = v2::sign_query(
        &creds,
        &v2req,
        v2::Validity::Timestamp(t),
        v2::SignatureMethod::HmacSha256,
        &mut buf3,
    )
    .unwrap();
    assert_hidden("V2Signed", &format!("{v2signed:?}"));

    let policy = s3::PostPolicy::new("bkt", s3::KeyCondition::Exact("k"), 60);
    let mut pbuf = [0u8; 4096];
    let post = s3::presign_post(&signer, &policy, &mut pbuf).unwrap();
    assert_hidden("PresignedPost", &format!("{post:?}"));
    // The form as a server receives it, token field included.
    let fields: Vec<(&str, &str)> = post.fields().collect();
    assert!(
        fields.iter().any(|(_, v)| *v == TOKEN),
        "the form carries the token"
    );
    let form = awsig::verify::PostForm::new("bkt", &fields, 10);
    assert_hidden("PostForm", &format!("{form:?}"));
    let lookup = |_: &str| Some(Secret::new(SECRET, Some(TOKEN)));
    let mut vbuf = [0u8; 4096];
    let verified =
        awsig::verify::verify_post_form(&form, &lookup, &Policy::new(t, "s3"), &mut vbuf).unwrap();
    assert_hidden("VerifiedPost", &format!("{verified:?}"));

    let seed = signed.signature();
    let chunks = v4::ChunkSigner::new(&signer, &seed, v4::ChunkedMode::Signed);
    assert_hidden("ChunkSigner", &format!("{chunks:?}"));

    for e in [
        awsig::Error::InvalidSessionToken,
        awsig::Error::EmptySecretAccessKey,
        awsig::Error::CredentialsExpired,
    ] {
        assert_hidden("Error", &format!("{e:?} {e}"));
    }
    #[cfg(feature = "sigv4a")]
    {
        let k = awsig::v4a::V4aSigningKey::derive(&creds, "*", "s3").unwrap();
        assert_hidden("V4aSigningKey", &format!("{k:?}"));
    }
}
