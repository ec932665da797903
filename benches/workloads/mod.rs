//! The three benchmark workloads, shared by `benches/signing.rs` and the
//! `awsig-peers` crate (crate `awsig-workloads`), so that every
//! implementation and every floor signs exactly the same request.
//!
//! `W1.jsonl`, `W2.jsonl` and `W3.jsonl` beside this file are the same
//! workloads as conformance cases (written by `awsig-peers case W1` ...),
//! for `benches/callgrind.sh`.

#![allow(dead_code)] // each includer uses its own part

use awsig::s3::{self, Addressing, Bucket, ObjectOptions};
use awsig::v4::{self, Signer, SigningKey, SigningSettings};
use awsig::{Credentials, Output, Payload, Request, SigningTime, Trace};

/// AWS's documented example access key id.
pub const ACCESS_KEY_ID: &str = "AKIAIOSFODNN7EXAMPLE";
/// AWS's documented example secret access key.
pub const SECRET_ACCESS_KEY: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
/// The made-up 300-character STS-style session token of the SQS seed
/// vectors (`tests/vectors/seed/make_cases.py`).
pub const SESSION_TOKEN: &str = concat!(
    "IQoJb3JpZ2luX2VjEBoaCXVzLWVhc3QtMiJHMEUCIQAvFvx7TWScuT/QLhFHpW/5yOBS4zND",
    "qLBrjjp8COfZEb23Gd3Q9jGMVF/X25vb46Zc75AwZ9JYJcsy1beVsR3aWaFJxlIB/NLQ2QpN",
    "5sgQbVhaOEme1EiP0Eask/dAkNZ36kX9SD6Ct3QMBBHW3icHewZt2PRWFEXeIsMyRDsrTknG",
    "VtBKuQ7lZSDejpvROHM/HAJN1hgR1dNN1H8NEWWFAJLZNCMRYtmHQwcuC1IToUPLez6mSKa+",
    "Fo5oY1ol/Q==",
);
/// Signing time of every workload.
pub const TIME: &str = "2020-12-18T22:52:43Z";
/// The same instant in Unix seconds (for the peers' own time types).
pub const UNIX_SECONDS: i64 = 1_608_331_963;
/// Validity of the presigned URLs.
pub const EXPIRES_IN: u32 = 3600;

const SQS_HOST: &str = "sqs.us-east-2.amazonaws.com";
const W1_TARGET: &str = concat!(
    "/123456789012/MyQueue/?Action=SendMessageBatch",
    "&SendMessageBatchRequestEntry.1.Id=test_msg_001",
    "&SendMessageBatchRequestEntry.1.MessageBody=test%20message%20body%201",
    "&SendMessageBatchRequestEntry.2.Id=test_msg_002",
    "&SendMessageBatchRequestEntry.2.MessageBody=test%20message%20body%202",
    "&SendMessageBatchRequestEntry.2.DelaySeconds=60&Version=2012-11-05",
);
const W1_HEADERS: &[(&str, &str)] = &[("Host", SQS_HOST)];

const S3_ENDPOINT: &str = "s3.amazonaws.com";
const S3_BUCKET: &str = "examplebucket";
const S3_HOST: &str = "examplebucket.s3.amazonaws.com";
const S3_KEY: &str = "photos/2020/12/my holiday+file.jpg";
/// `S3_KEY` encoded once, as S3 signs it (`awsig::s3` encodes it itself).
const W2_TARGET: &str = "/photos/2020/12/my%20holiday%2Bfile.jpg";
const W2_HEADERS: &[(&str, &str)] = &[("Host", S3_HOST)];

const W3_TARGET: &str = "/123456789012/MyQueue";
const FORM: &str = "application/x-www-form-urlencoded";
const W3_HEADERS: &[(&str, &str)] = &[("Host", SQS_HOST), ("Content-Type", FORM)];
/// Length of the W3 form body.
pub const W3_BODY_LEN: usize = 1024;

/// How a workload is signed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// SigV4 presigned URL, general rules (`v4-query`).
    Presign,
    /// SigV4 presigned URL, S3 rules, `UNSIGNED-PAYLOAD` (`s3-v4-query`).
    S3Presign,
    /// SigV4 `Authorization` header, general rules (`v4-header`).
    Headers,
}

/// An S3 object, as `awsig::s3` and rusty-s3 take it (bucket and raw key).
#[derive(Clone, Copy, Debug)]
pub struct S3Object {
    /// Endpoint host.
    pub endpoint: &'static str,
    /// Bucket name (virtual-hosted).
    pub bucket: &'static str,
    /// Raw object key.
    pub key: &'static str,
}

/// One workload.
#[derive(Clone, Debug)]
pub struct Workload {
    /// `W1`, `W2`, `W3`.
    pub name: &'static str,
    /// What it is, for people.
    pub description: &'static str,
    /// How it is signed.
    pub kind: Kind,
    /// HTTP method.
    pub method: &'static str,
    /// Request-target as sent (path encoded, query as given).
    pub target: &'static str,
    /// Host (also the `Host` header in `headers`).
    pub host: &'static str,
    /// Headers as sent.
    pub headers: &'static [(&'static str, &'static str)],
    /// Body (empty but for W3).
    pub body: Vec<u8>,
    /// Session token, if the credentials carry one.
    pub session_token: Option<&'static str>,
    /// Region.
    pub region: &'static str,
    /// Service.
    pub service: &'static str,
    /// The object, for W2.
    pub s3: Option<S3Object>,
}

/// The W3 body: a SendMessage form whose `MessageBody` pads it to exactly
/// [`W3_BODY_LEN`] bytes.
pub fn w3_body() -> Vec<u8> {
    let mut body = b"Action=SendMessage&Version=2012-11-05&DelaySeconds=0&MessageBody=".to_vec();
    let filler = b"The+quick+brown+fox+jumps+over+the+lazy+dog+0123456789.";
    let mut i = 0;
    while body.len() < W3_BODY_LEN {
        body.push(filler[i % filler.len()]);
        i += 1;
    }
    body
}

/// W1, W2, W3.
pub fn all() -> Vec<Workload> {
    vec![
        Workload {
            name: "W1",
            description: "SQS SendMessageBatch presigned GET, session token",
            kind: Kind::Presign,
            method: "GET",
            target: W1_TARGET,
            host: SQS_HOST,
            headers: W1_HEADERS,
            body: Vec::new(),
            session_token: Some(SESSION_TOKEN),
            region: "us-east-2",
            service: "sqs",
            s3: None,
        },
        Workload {
            name: "W2",
            description: "S3 GET presigned URL, key with space and +",
            kind: Kind::S3Presign,
            method: "GET",
            target: W2_TARGET,
            host: S3_HOST,
            headers: W2_HEADERS,
            body: Vec::new(),
            session_token: None,
            region: "us-east-1",
            service: "s3",
            s3: Some(S3Object {
                endpoint: S3_ENDPOINT,
                bucket: S3_BUCKET,
                key: S3_KEY,
            }),
        },
        Workload {
            name: "W3",
            description: "SQS SendMessage POST, 1 KiB form body, Authorization header, session token",
            kind: Kind::Headers,
            method: "POST",
            target: W3_TARGET,
            host: SQS_HOST,
            headers: W3_HEADERS,
            body: w3_body(),
            session_token: Some(SESSION_TOKEN),
            region: "us-east-2",
            service: "sqs",
            s3: None,
        },
    ]
}

/// The workload named `name` (`W1`, `w2`, ...).
pub fn by_name(name: &str) -> Option<Workload> {
    all()
        .into_iter()
        .find(|w| w.name.eq_ignore_ascii_case(name))
}

impl Workload {
    /// The signing time.
    pub fn time(&self) -> SigningTime {
        let t = SigningTime::parse_rfc3339(TIME).expect("valid time");
        assert_eq!(t.unix_seconds(), UNIX_SECONDS);
        t
    }

    /// The credentials.
    pub fn credentials(&self) -> Credentials<'static> {
        Credentials::new(ACCESS_KEY_ID, SECRET_ACCESS_KEY, self.session_token)
            .expect("valid credentials")
    }

    /// The signing key, derived once.
    pub fn key(&self) -> SigningKey {
        SigningKey::derive(&self.credentials(), self.time(), self.region, self.service)
            .expect("valid scope")
    }

    /// The settings of the service.
    pub fn settings(&self) -> SigningSettings {
        match self.kind {
            Kind::S3Presign => SigningSettings::s3(),
            Kind::Presign | Kind::Headers => SigningSettings::new(),
        }
    }

    /// The payload as awsig takes it.
    pub fn payload(&self) -> Payload<'_> {
        match self.kind {
            Kind::S3Presign => Payload::Unsigned,
            Kind::Presign | Kind::Headers => Payload::Body(&self.body),
        }
    }

    /// The request as awsig takes it.
    pub fn request(&self) -> Request<'_> {
        Request::new(self.method, self.target, self.headers).with_payload(self.payload())
    }

    /// Whether the signature travels in the query.
    pub fn is_presign(&self) -> bool {
        self.kind != Kind::Headers
    }

    /// What awsig signs: canonical request, string to sign, signature.
    pub fn inspect(&self) -> Inspection {
        let key = self.key();
        let credentials = self.credentials();
        let signer = Signer::new(&key, &credentials, self.time()).expect("valid signer");
        let request = self.request();
        let settings = self.settings();
        awsig::with_buffer(|buf| {
            let (mut cr, mut sts) = (String::new(), String::new());
            let mut trace = Trace::new(&mut cr, &mut sts);
            let out = Output::traced(buf, &mut trace);
            let signature = if self.is_presign() {
                v4::presign(&signer, &request, EXPIRES_IN, &settings, out)?.signature()
            } else {
                v4::sign_headers(&signer, &request, &settings, out)?.signature()
            };
            Ok(Inspection {
                canonical_request: cr,
                string_to_sign: sts,
                signature: signature.as_str().into(),
            })
        })
        .expect("the workload signs")
    }

    /// The body bytes the signer must hash itself (W3), else empty.
    pub fn hashed_body(&self) -> &[u8] {
        match self.kind {
            Kind::S3Presign => &[],
            Kind::Presign | Kind::Headers => &self.body,
        }
    }
}

/// What awsig signed, from its trace.
pub struct Inspection {
    /// The canonical request.
    pub canonical_request: String,
    /// The string to sign.
    pub string_to_sign: String,
    /// The hex signature.
    pub signature: String,
}

/// The SHA-256 floor of a signature: hash of the body (when the signer
/// must hash it), hash of the canonical request, HMAC of the string to sign
/// with a state keyed once with the signing key.
pub mod floor {
    use hmac::{Hmac, KeyInit, Mac};
    use sha2::{Digest, Sha256};

    /// `Hmac<Sha256>` from hmac 0.13, the version awsig uses.
    pub type HmacSha256 = Hmac<Sha256>;

    /// The bytes and the pre-keyed state of one floor.
    #[derive(Clone)]
    pub struct Floor {
        /// Body to hash (empty when the payload is not hashed).
        pub body: Vec<u8>,
        /// The canonical request awsig hashed.
        pub canonical_request: Vec<u8>,
        /// The string to sign awsig keyed.
        pub string_to_sign: Vec<u8>,
        /// HMAC state keyed with the signing key, cloned per signature.
        pub keyed: HmacSha256,
    }

    impl Floor {
        /// One signature's worth of hashing; the raw HMAC.
        #[inline]
        pub fn run(&self) -> [u8; 32] {
            if !self.body.is_empty() {
                core::hint::black_box(Sha256::digest(core::hint::black_box(&self.body)));
            }
            core::hint::black_box(Sha256::digest(core::hint::black_box(
                &self.canonical_request,
            )));
            let mut mac = self.keyed.clone();
            mac.update(core::hint::black_box(&self.string_to_sign));
            mac.finalize().into_bytes().into()
        }
    }

    /// Lowercase hex.
    pub fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// The signing key of AWS's derivation, raw (the floor keys an HMAC
    /// state with it once, outside the timed loop).
    pub fn signing_key(secret: &str, date: &str, region: &str, service: &str) -> [u8; 32] {
        let mac = |key: &[u8], data: &[u8]| -> [u8; 32] {
            let mut m = HmacSha256::new_from_slice(key).expect("any key length");
            m.update(data);
            m.finalize().into_bytes().into()
        };
        let k_date = mac(format!("AWS4{secret}").as_bytes(), date.as_bytes());
        let k_region = mac(&k_date, region.as_bytes());
        let k_service = mac(&k_region, service.as_bytes());
        mac(&k_service, b"aws4_request")
    }
}

impl Workload {
    /// The floor for this workload, checked: its HMAC, in hex, is awsig's
    /// signature.
    pub fn floor(&self) -> floor::Floor {
        use hmac::KeyInit;
        let inspection = self.inspect();
        let date = TIME[..10].replace('-', "");
        let key = floor::signing_key(SECRET_ACCESS_KEY, &date, self.region, self.service);
        let f = floor::Floor {
            body: self.hashed_body().to_vec(),
            canonical_request: inspection.canonical_request.into_bytes(),
            string_to_sign: inspection.string_to_sign.into_bytes(),
            keyed: floor::HmacSha256::new_from_slice(&key).expect("any key length"),
        };
        assert_eq!(
            floor::hex(&f.run()),
            inspection.signature,
            "{}: the floor's HMAC is not awsig's signature",
            self.name
        );
        f
    }
}

/// awsig signing one workload: everything but the key is prepared outside
/// the timed loop (time, settings, request, bucket), the output goes into
/// the caller's reused buffer.
pub struct AwsigSigner<'w> {
    /// The workload.
    pub w: &'w Workload,
    credentials: Credentials<'static>,
    time: SigningTime,
    settings: SigningSettings,
    request: Request<'w>,
    bucket: Option<Bucket<'static>>,
}

impl<'w> AwsigSigner<'w> {
    /// Prepares `w`.
    pub fn new(w: &'w Workload) -> Self {
        Self {
            w,
            credentials: w.credentials(),
            time: w.time(),
            settings: w.settings(),
            request: w.request(),
            bucket: w.s3.map(|o| {
                Bucket::new(o.endpoint, o.bucket, Addressing::VirtualHosted).expect("bucket")
            }),
        }
    }

    /// The key, derived as a caller would per signature when not caching
    /// it (the uncached variant).
    #[inline]
    pub fn derive(&self, credentials: &Credentials<'static>) -> SigningKey {
        SigningKey::derive(credentials, self.time, self.w.region, self.w.service).expect("derives")
    }

    /// The key with the workload's credentials and time (made per
    /// signature, as a caller signing at a new time would).
    #[inline]
    fn signer<'k>(&'k self, key: &'k SigningKey) -> Signer<'k> {
        Signer::new(key, &self.credentials, self.time).expect("valid signer")
    }

    /// One signature with `key` into `buf`: the presigned URL, or the
    /// `Authorization` value. W2 goes through `s3::presign_get` (raw key,
    /// encoded by awsig), the others through the general API.
    #[inline]
    pub fn sign<'b>(&self, key: &SigningKey, buf: &'b mut [u8]) -> &'b str {
        let (settings, request) = (&self.settings, &self.request);
        match (self.w.kind, &self.bucket, self.w.s3) {
            (Kind::S3Presign, Some(bucket), Some(o)) => {
                let opts = ObjectOptions::default();
                s3::presign_get(&self.signer(key), bucket, o.key, EXPIRES_IN, &opts, buf)
                    .expect("signs")
                    .as_str()
            }
            (Kind::Headers, _, _) => v4::sign_headers(&self.signer(key), request, settings, buf)
                .expect("signs")
                .authorization(),
            _ => self.sign_v4_presign(key, buf),
        }
    }

    /// `v4::presign_url` of the request (for W2: of the encoded target).
    #[inline]
    pub fn sign_v4_presign<'b>(&self, key: &SigningKey, buf: &'b mut [u8]) -> &'b str {
        v4::presign_url(
            &self.signer(key),
            &self.request,
            EXPIRES_IN,
            &self.settings,
            buf,
        )
        .expect("signs")
        .as_str()
    }

    /// An `s3::ObjectPresigner` for W2's bucket (GET, `EXPIRES_IN`), made
    /// once for many keys.
    pub fn object_presigner(&self, key: &SigningKey) -> Option<s3::ObjectPresigner> {
        let bucket = self.bucket.as_ref()?;
        let opts = ObjectOptions::default();
        Some(
            s3::ObjectPresigner::new(&self.signer(key), bucket, "GET", EXPIRES_IN, &opts)
                .expect("prepares"),
        )
    }

    /// W2's object presigned by `presigner`.
    #[inline]
    pub fn sign_with_presigner<'b>(
        &self,
        presigner: &s3::ObjectPresigner,
        buf: &'b mut [u8],
    ) -> &'b str {
        let key = self.w.s3.map_or("", |o| o.key);
        presigner.presign(key, buf).expect("signs").as_str()
    }

    /// Header signing with the added headers, `(name, value)`, for checks.
    pub fn signed_headers(&self, key: &SigningKey) -> Vec<(String, String)> {
        let mut buf = [0u8; 4096];
        v4::sign_headers(&self.signer(key), &self.request, &self.settings, &mut buf)
            .expect("signs")
            .headers()
            .map(|(n, v)| (n.to_owned(), v.to_owned()))
            .collect()
    }

    /// `v4::presign` (the target only, as the conformance runner signs).
    pub fn presigned_target(&self, key: &SigningKey) -> String {
        let mut buf = [0u8; 4096];
        v4::presign(
            &self.signer(key),
            &self.request,
            EXPIRES_IN,
            &self.settings,
            &mut buf,
        )
        .expect("signs")
        .as_str()
        .to_owned()
    }
}
