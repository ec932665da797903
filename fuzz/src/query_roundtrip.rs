//! `query_roundtrip`: a presigned query holds exactly the input pairs and
//! the auth parameters, in canonical form and order (see `fuzz/README.md`).

use awsig::v4::{self, SessionTokenMode, Signer, SigningKey, SigningSettings};
use awsig::verify::{self, Policy};
use awsig::{Credentials, Error, Payload, Request, SigningTime};

use crate::reference as r;
use crate::signing::{lookup_for, url_refusal};
use crate::wire::{Reader, Writer};

/// One query parameter and how it is written in the request-target.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueryPair {
    pub key: String,
    pub value: String,
    /// 0: `UriEncode`; 1: lowercase hex; 2: every byte escaped; 3: only
    /// what must be escaped (`%`, `&`, `=`, `#`, controls).
    pub style: u8,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct QueryCase {
    /// bit 0: S3 settings; bit 1: session token; bit 2: token appended
    /// unsigned; bit 3: policy by service.
    pub flags: u8,
    pub path: String,
    pub pairs: Vec<QueryPair>,
    pub headers: Vec<(String, String)>,
    pub token: String,
    pub time: i64,
    pub expires: u32,
}

impl QueryCase {
    pub fn read(r: &mut Reader<'_>) -> Self {
        Self {
            flags: r.u8(),
            path: r.string(),
            pairs: r.list(64, |r| QueryPair {
                key: r.string(),
                value: r.string(),
                style: r.u8(),
            }),
            headers: r.list(8, |r| (r.string(), r.string())),
            token: r.string(),
            time: (r.u64() % (r::MAX_UNIX as u64 + 1)) as i64,
            expires: r.u32(),
        }
    }

    pub fn write(&self, w: &mut Writer) {
        w.u8(self.flags)
            .string(&self.path)
            .list(&self.pairs, |w, p| {
                w.string(&p.key).string(&p.value).u8(p.style);
            })
            .list(&self.headers, |w, (n, v)| {
                w.string(n).string(v);
            })
            .string(&self.token)
            .u64(self.time as u64)
            .u32(self.expires);
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        let mut w = Writer::default();
        self.write(&mut w);
        w.out
    }
}

fn escape_component(s: &str, style: u8, is_key: bool) -> String {
    let mut out = String::new();
    match style % 4 {
        0 => out = r::uri_encode(s.as_bytes(), false),
        1 => {
            for &b in s.as_bytes() {
                if r::is_unreserved(b) {
                    out.push(char::from(b));
                } else {
                    out.push_str(&format!("%{b:02x}"));
                }
            }
        }
        2 => {
            for &b in s.as_bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        }
        _ => {
            // Only what the query's structure needs; raw UTF-8 stays raw.
            for c in s.chars() {
                let must =
                    c.is_ascii_control() || matches!(c, '%' | '&' | '#') || (is_key && c == '=');
                if must {
                    out.push_str(&format!("%{:02X}", c as u32));
                } else {
                    out.push(c);
                }
            }
        }
    }
    out
}

/// The query of a presigned URL, parsed back and percent-decoded, is the
/// request's parameters plus the authentication parameters; it is written in
/// canonical form and order; and it verifies.
pub fn query_roundtrip(data: &[u8]) {
    let case = QueryCase::read(&mut Reader::new(data));
    query_case(&case);
}

pub fn query_case(case: &QueryCase) {
    const AKID: &str = "AKIDEXAMPLE";
    const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    const REGION: &str = "us-east-1";
    // Flag 16: S3 Express One Zone session auth (the token signed as
    // `X-Amz-S3session-Token`, service `s3express`).
    let express = case.flags & 16 != 0;
    let service = if express {
        "s3express"
    } else if case.flags & 1 != 0 {
        "s3"
    } else {
        "execute-api"
    };
    let token = (case.flags & 2 != 0)
        .then(|| case.token.replace(|c: char| c.is_control(), ""))
        .filter(|t| !t.is_empty());
    let mut settings = SigningSettings::for_service(service);
    if express {
        settings = SigningSettings::s3express();
    } else if case.flags & 4 != 0 {
        settings = settings.session_token(SessionTokenMode::AppendedUnsigned);
    }
    let token_param = if express {
        "X-Amz-S3session-Token"
    } else {
        "X-Amz-Security-Token"
    };
    let expires = case.expires % 604_800 + 1;
    // A path that needs no escape checks; only the query is under test.
    let path: String = case
        .path
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '-' | '_' | '.' | '~'))
        .collect();
    let mut target = format!("/{path}");
    for (i, p) in case.pairs.iter().enumerate() {
        target.push(if i == 0 { '?' } else { '&' });
        target.push_str(&escape_component(&p.key, p.style, true));
        target.push('=');
        target.push_str(&escape_component(&p.value, p.style >> 2, false));
    }
    // Extra signed headers, made valid.
    let mut headers = vec![("Host".to_string(), "bucket.example.com".to_string())];
    for (n, v) in &case.headers {
        let n: String = n
            .bytes()
            .filter(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(b))
            .map(char::from)
            .collect();
        if n.is_empty() || n.eq_ignore_ascii_case("host") || n.eq_ignore_ascii_case("authorization")
        {
            continue;
        }
        headers.push((n, v.replace(|c: char| c.is_control() && c != '\t', "")));
    }
    let hs: Vec<(&str, &str)> = headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();

    let creds = Credentials::new(AKID, SECRET, token.as_deref()).expect("valid credentials");
    let time = SigningTime::from_unix_seconds(case.time).expect("time in range");
    let key = SigningKey::derive(&creds, time, REGION, service).expect("valid scope");
    let signer = Signer::new(&key, &creds, time).expect("valid signer");
    let request = Request::new("GET", &target, &hs);
    let text = target.len()
        + headers
            .iter()
            .map(|(n, v)| n.len() + v.len() + 1)
            .sum::<usize>()
        + token.as_ref().map_or(0, String::len);
    let mut buf = vec![0u8; 4096 + 3 * text];
    let presigned = v4::presign(&signer, &request, expires, &settings, &mut buf);

    let auth_key = case.pairs.iter().any(|p| {
        r::AUTH_PARAMETERS
            .iter()
            .chain(express.then_some(&"X-Amz-S3session-Token"))
            .any(|a| a.as_bytes().eq_ignore_ascii_case(p.key.as_bytes()))
    });
    let presigned = match presigned {
        Err(Error::AuthParameterPresent) if auth_key => return,
        Err(e) => panic!("presigning failed: {e:?} for {target:?}"),
        Ok(_) if auth_key => panic!("presigned a request that carries an auth parameter"),
        Ok(p) => p,
    };
    let out = presigned.as_str();
    let (out_path, query) = out.split_once('?').expect("a presigned target has a query");
    assert_eq!(out_path, format!("/{path}"), "the path changed");

    // Every piece is in canonical form: only unreserved bytes and %XX (uppercase).
    let pieces: Vec<&str> = query.split('&').collect();
    for piece in &pieces {
        let (k, v) = piece.split_once('=').expect("every parameter has '='");
        for part in [k, v] {
            assert_eq!(
                r::uri_encode(&r::percent_decode(part), false),
                part,
                "not in canonical form: {piece:?}"
            );
        }
    }
    // Sorted, up to the signature (and an unsigned token) appended last.
    let unsigned_token = token.is_some() && !express && case.flags & 4 != 0;
    let tail = if unsigned_token { 2 } else { 1 };
    let sorted = &pieces[..pieces.len() - tail];
    let keyed: Vec<(&str, &str)> = sorted.iter().map(|p| p.split_once('=').unwrap()).collect();
    assert!(
        keyed
            .windows(2)
            .all(|w| (w[0].0.as_bytes(), w[0].1.as_bytes())
                <= (w[1].0.as_bytes(), w[1].1.as_bytes())),
        "the query is not sorted: {query}"
    );
    assert!(pieces[pieces.len() - tail].starts_with("X-Amz-Signature="));

    // Parsed back, decoded: the input pairs plus the auth parameters.
    let mut got: Vec<(Vec<u8>, Vec<u8>)> = r::query_pairs(query);
    let (amz, date) = r::amz_date(case.time);
    let signed: Vec<(String, String)> = headers
        .iter()
        .filter(|(n, _)| r::is_signed_header(n))
        .cloned()
        .collect();
    let (_, signed_headers) = r::canonical_headers(&signed);
    let mut want: Vec<(Vec<u8>, Vec<u8>)> = case
        .pairs
        .iter()
        .map(|p| (p.key.as_bytes().to_vec(), p.value.as_bytes().to_vec()))
        .collect();
    let mut add = |k: &str, v: &str| want.push((k.as_bytes().to_vec(), v.as_bytes().to_vec()));
    add("X-Amz-Algorithm", "AWS4-HMAC-SHA256");
    add(
        "X-Amz-Credential",
        &format!("{AKID}/{date}/{REGION}/{service}/aws4_request"),
    );
    add("X-Amz-Date", &amz);
    add("X-Amz-Expires", &expires.to_string());
    add("X-Amz-SignedHeaders", &signed_headers);
    if let Some(t) = &token {
        add(token_param, t);
    }
    add("X-Amz-Signature", presigned.signature().as_str());
    got.sort();
    want.sort();
    assert_eq!(got, want, "the query does not round-trip: {out}");

    // The URL form carries the same target, and it verifies.
    let url = v4::presign_url(
        &signer,
        &request,
        expires,
        &settings,
        &mut vec![0u8; 4096 + 3 * text],
    )
    .map(|u| u.as_str().to_string());
    if let Some(refusal) = url_refusal(&target) {
        assert_eq!(url, Err(refusal), "a URL with a target it cannot carry raw");
    } else {
        assert_eq!(
            url.expect("presign_url"),
            format!("https://bucket.example.com{out}")
        );
    }
    let lookup = lookup_for(AKID, SECRET, token.as_deref());
    let payload = if settings.presign_unsigned_payload {
        Payload::Unsigned
    } else {
        Payload::Body(b"")
    };
    let received = Request::new("GET", out, &hs).with_payload(payload);
    let mut policy = Policy::new(time, service).allow_unsigned_payload(true);
    if case.flags & 8 == 0 || settings != SigningSettings::for_service(service) {
        policy = policy.settings(settings);
    }
    if let Err(e) = verify::verify(&received, &lookup, &policy) {
        panic!("the presigned URL does not verify: {e:?}: {out}");
    }
}
