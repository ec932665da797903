//! Property: whatever request is signed verifies, and changing any signed
//! component makes it fail.

use awsig::v4::{self, Signer, SigningKey, SigningSettings};
use awsig::verify::{self, Policy, Secret};
use awsig::{Credentials, Error, Payload, Request, SigningTime};
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use proptest::prelude::*;

#[derive(Debug, Clone)]
struct Input {
    method: &'static str,
    segments: Vec<String>,
    params: Vec<(String, String)>,
    headers: Vec<(String, String)>,
    time: i64,
    expires: u32,
    token: Option<String>,
    s3: bool,
    presign: bool,
    body: Vec<u8>,
}

fn text() -> impl Strategy<Value = String> {
    proptest::string::string_regex("[a-zA-Z0-9 ~._+=&/:;%é😀-]{0,12}").unwrap()
}

fn input() -> impl Strategy<Value = Input> {
    (
        prop::sample::select(vec!["GET", "PUT", "POST", "DELETE", "HEAD", "PATCH"]),
        prop::collection::vec(
            proptest::string::string_regex("[a-zA-Z0-9._~ é-]{0,8}|\\.|\\.\\.").unwrap(),
            0..6,
        ),
        prop::collection::vec((text(), text()), 0..8),
        prop::collection::vec(
            (
                proptest::string::string_regex("[a-zA-Z][a-zA-Z0-9!#$&'*+.^_`|~-]{0,10}").unwrap(),
                proptest::string::string_regex("[ \t]{0,2}[!-~]{0,6}[ \t]{0,3}[!-~]{0,6}").unwrap(),
            ),
            0..6,
        ),
        0i64..4_000_000_000,
        1u32..=604_800,
        prop::option::of(proptest::string::string_regex("[A-Za-z0-9+/=]{1,40}").unwrap()),
        any::<bool>(),
        any::<bool>(),
        prop::collection::vec(any::<u8>(), 0..64),
    )
        .prop_map(
            |(method, segments, params, headers, time, expires, token, s3, presign, body)| Input {
                method,
                segments,
                params,
                headers: headers
                    .into_iter()
                    .filter(|(n, _)| !is_reserved(n))
                    .collect(),
                time,
                expires,
                token,
                s3,
                presign,
                body,
            },
        )
}

/// Names the signer adds or never signs.
fn is_reserved(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    [
        "host",
        "authorization",
        "x-amz-date",
        "x-amz-security-token",
        "x-amz-content-sha256",
        "user-agent",
        "expect",
        "connection",
        "te",
        "upgrade",
        "trailer",
        "keep-alive",
        "transfer-encoding",
        "x-amzn-trace-id",
        "baggage",
        "traceparent",
        "tracestate",
        "proxy-authenticate",
        "proxy-authorization",
    ]
    .contains(&n.as_str())
}

fn target(i: &Input) -> String {
    let mut t = String::new();
    for s in &i.segments {
        t.push('/');
        t.push_str(
            &utf8_percent_encode(s, NON_ALPHANUMERIC)
                .to_string()
                .replace("%2E", "."),
        );
    }
    if t.is_empty() {
        t.push('/');
    }
    for (n, (k, v)) in i.params.iter().enumerate() {
        t.push(if n == 0 { '?' } else { '&' });
        t.push_str(&utf8_percent_encode(k, NON_ALPHANUMERIC).to_string());
        t.push('=');
        t.push_str(&utf8_percent_encode(v, NON_ALPHANUMERIC).to_string());
    }
    t
}

/// Signs `i`, returns the request as received: (method, target, headers).
fn sign(i: &Input) -> (String, String, Vec<(String, String)>) {
    let creds = Credentials::new("AKIDEXAMPLE", "secret-key", i.token.as_deref()).unwrap();
    let time = SigningTime::from_unix_seconds(i.time).unwrap();
    let service = if i.s3 { "s3" } else { "execute-api" };
    let key = SigningKey::derive(&creds, time, "eu-west-3", service).unwrap();
    let signer = Signer::new(&key, &creds, time).unwrap();
    let mut headers: Vec<(String, String)> = vec![("Host".into(), "api.example.com:8443".into())];
    headers.extend(i.headers.iter().cloned());
    let hs: Vec<(&str, &str)> = headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let t = target(i);
    let req = Request::new(i.method, &t, &hs).with_payload(Payload::Body(&i.body));
    let settings = SigningSettings::for_service(service);
    let mut buf = vec![0u8; 1 << 16];
    if i.presign {
        let p = v4::presign(&signer, &req, i.expires, &settings, &mut buf).unwrap();
        (i.method.into(), p.as_str().into(), headers)
    } else {
        let s = v4::sign_headers(&signer, &req, &settings, &mut buf).unwrap();
        let mut all = headers.clone();
        all.extend(s.headers().map(|(n, v)| (n.to_owned(), v.to_owned())));
        (i.method.into(), t, all)
    }
}

fn check(
    i: &Input,
    method: &str,
    target: &str,
    headers: &[(String, String)],
    secret: &str,
) -> Result<(), Error> {
    let hs: Vec<(&str, &str)> = headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let payload = if i.presign && i.s3 {
        Payload::Unsigned
    } else {
        Payload::Body(&i.body)
    };
    let req = Request::new(method, target, &hs).with_payload(payload);
    let token = i.token.as_deref();
    let lookup = |k: &str| (k == "AKIDEXAMPLE").then(|| Secret::new(secret, token));
    let now = SigningTime::from_unix_seconds(
        i.time + i64::from(if i.presign { i.expires / 2 } else { 0 }),
    )
    .unwrap();
    let service = if i.s3 { "s3" } else { "execute-api" };
    verify::verify(&req, &lookup, &Policy::new(now, service)).map(|_| ())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn signed_requests_verify_and_tampered_ones_do_not(i in input(), which in 0usize..6, pick in any::<prop::sample::Index>()) {
        let (method, target, headers) = sign(&i);
        prop_assert_eq!(check(&i, &method, &target, &headers, "secret-key"), Ok(()));
        let mut m = method.clone();
        let mut t = target.clone();
        let mut h = headers.clone();
        let mut secret = "secret-key";
        match which {
            0 => m = if m == "PATCH" { "PUT".into() } else { "PATCH".into() },
            1 => {
                let (p, q) = t.split_once('?').map(|(p, q)| (p.to_owned(), format!("?{q}"))).unwrap_or((t.clone(), String::new()));
                t = format!("{p}z{q}");
            }
            2 => {
                // A query value of the request's own, or a new parameter.
                if i.params.is_empty() {
                    t.push_str(if t.contains('?') { "&added=1" } else { "?added=1" });
                } else {
                    // As the presigned URL carries it: RFC 3986 unreserved kept.
                    const UNRESERVED: &percent_encoding::AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~');
                    let set = if i.presign { UNRESERVED } else { NON_ALPHANUMERIC };
                    let k = utf8_percent_encode(&i.params[pick.index(i.params.len())].0, set).to_string();
                    let (p, q) = t.split_once('?').unwrap();
                    let q: Vec<String> = q.split('&').map(|kv| if kv.split('=').next() == Some(k.as_str()) { format!("{kv}X") } else { kv.to_owned() }).collect();
                    t = format!("{p}?{}", q.join("&"));
                }
            }
            3 => {
                // A signed header: host or one of the request's own.
                let signed: Vec<usize> = (0..h.len()).filter(|&n| !["authorization"].contains(&h[n].0.to_ascii_lowercase().as_str())).collect();
                let n = signed[pick.index(signed.len())];
                h[n].1.push('!');
            }
            4 => secret = "another-secret",
            _ => {
                // The signature itself.
                if i.presign {
                    let at = t.find("X-Amz-Signature=").unwrap() + 16;
                    let c = if &t[at..at + 1] == "0" { "1" } else { "0" };
                    t.replace_range(at..at + 1, c);
                } else {
                    let a = h.iter_mut().find(|(n, _)| n.eq_ignore_ascii_case("authorization")).unwrap();
                    let at = a.1.len() - 1;
                    let c = if &a.1[at..] == "0" { "1" } else { "0" };
                    a.1.replace_range(at.., c);
                }
            }
        }
        prop_assert!(check(&i, &m, &t, &h, secret).is_err(), "tampering {} was accepted: {} {}", which, m, t);
    }
}
