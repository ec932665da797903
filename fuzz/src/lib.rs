//! The fuzz targets of awsig, as plain functions of the fuzzer's bytes.
//!
//! `fuzz_targets/*.rs` hand libFuzzer's input to these functions; the root
//! crate's `tests/fuzz_replay.rs` includes this file with `#[path]` and
//! replays the committed corpus and regressions through the very same code
//! on the stable toolchain. Each function panics (the fuzzer's "crash") when
//! a property fails; see `fuzz/README.md` for the properties.
//!
//! Only `awsig`, `arbitrary`, `sha2` and `hmac` are used, all of which
//! the root crate has as (dev-)dependencies, so the include compiles there.

#![allow(clippy::too_many_lines)]

#[path = "reference.rs"]
pub mod reference;
#[path = "wire.rs"]
pub mod wire;

use arbitrary::Arbitrary;
use awsig::v4::{self, SessionTokenMode, Signer, SigningKey, SigningSettings};
use awsig::verify::{self, Policy, Rejection, Scheme, Secret};
use awsig::{Credentials, Error, Payload, Request, SigningTime};

use self::reference as r;
use self::wire::{Reader, Writer};

/// The `String` forms of the signers, with what was signed (through
/// `awsig::with_buffer` and `awsig::Trace`).
mod strings {
    use awsig::v4::{self, Signer, SigningSettings};
    use awsig::{Error, Output, Request, Trace, with_buffer};

    /// What was signed, and the signature.
    pub struct Inspection {
        pub canonical_request: String,
        pub string_to_sign: String,
        pub signature: String,
    }

    /// The presigned target.
    pub fn presign(
        signer: &Signer<'_>,
        request: &Request<'_>,
        expires_in: u32,
        settings: &SigningSettings,
    ) -> Result<String, Error> {
        with_buffer(|buf| {
            v4::presign(signer, request, expires_in, settings, buf).map(|p| p.as_str().into())
        })
    }

    /// The presigned URL.
    pub fn presign_url(
        signer: &Signer<'_>,
        request: &Request<'_>,
        expires_in: u32,
        settings: &SigningSettings,
    ) -> Result<String, Error> {
        with_buffer(|buf| {
            v4::presign_url(signer, request, expires_in, settings, buf).map(|p| p.as_str().into())
        })
    }

    /// The headers header signing adds.
    pub fn sign_headers(
        signer: &Signer<'_>,
        request: &Request<'_>,
        settings: &SigningSettings,
    ) -> Result<Vec<(&'static str, String)>, Error> {
        with_buffer(|buf| {
            v4::sign_headers(signer, request, settings, buf)
                .map(|s| s.headers().map(|(n, v)| (n, String::from(v))).collect())
        })
    }

    /// Header signing, with what was signed.
    pub fn inspect_headers(
        signer: &Signer<'_>,
        request: &Request<'_>,
        settings: &SigningSettings,
    ) -> Result<Inspection, Error> {
        with_buffer(|buf| {
            let (mut cr, mut sts) = (String::new(), String::new());
            let mut trace = Trace::new(&mut cr, &mut sts);
            let signed =
                v4::sign_headers(signer, request, settings, Output::traced(buf, &mut trace))?;
            let signature = signed.signature().as_str().into();
            Ok(Inspection {
                canonical_request: cr,
                string_to_sign: sts,
                signature,
            })
        })
    }

    /// Presigning, with what was signed.
    pub fn inspect_presign(
        signer: &Signer<'_>,
        request: &Request<'_>,
        expires_in: u32,
        settings: &SigningSettings,
    ) -> Result<Inspection, Error> {
        with_buffer(|buf| {
            let (mut cr, mut sts) = (String::new(), String::new());
            let mut trace = Trace::new(&mut cr, &mut sts);
            let signed = v4::presign(
                signer,
                request,
                expires_in,
                settings,
                Output::traced(buf, &mut trace),
            )?;
            let signature = signed.signature().as_str().into();
            Ok(Inspection {
                canonical_request: cr,
                string_to_sign: sts,
                signature,
            })
        })
    }
}

// ===================================================================== case

/// A request to sign, with everything the signer takes. Shared by
/// `sign_arbitrary`, `differential_canonical` and (as the genuine starting
/// point) `verify_arbitrary`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Case {
    /// See the `F_*` bits.
    pub flags: u16,
    pub method: String,
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub payload: CasePayload,
    pub access_key_id: String,
    pub secret: String,
    pub token: Option<String>,
    /// Credentials expire this many seconds after `time`.
    pub cred_expiry: Option<u32>,
    pub region: String,
    pub service: String,
    /// Unix seconds, 0..=9999-12-31T23:59:59Z.
    pub time: i64,
    pub expires: u32,
    /// Where in the validity window the verifier's clock is.
    pub check_offset: u32,
    /// The first output buffer's size.
    pub buf_size: u16,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum CasePayload {
    #[default]
    Empty,
    Body(Vec<u8>),
    Precomputed(String),
    Unsigned,
    StreamingSigned,
    StreamingSignedTrailer,
    StreamingUnsignedTrailer,
}

/// S3's settings as the base (else every other service's).
pub const F_S3: u16 = 1 << 0;
pub const F_SET_NORMALIZE: u16 = 1 << 1;
pub const F_NORMALIZE: u16 = 1 << 2;
pub const F_SET_DOUBLE: u16 = 1 << 3;
pub const F_DOUBLE: u16 = 1 << 4;
pub const F_SET_CONTENT: u16 = 1 << 5;
pub const F_CONTENT: u16 = 1 << 6;
pub const F_TOKEN_UNSIGNED: u16 = 1 << 7;
pub const F_SET_PRESIGN_UNSIGNED: u16 = 1 << 8;
pub const F_PRESIGN_UNSIGNED: u16 = 1 << 9;
pub const F_CLAMP: u16 = 1 << 10;
/// Presign (else header signing).
pub const F_PRESIGN: u16 = 1 << 11;
/// The verifier chooses the settings from the service (when they are that service's).
pub const F_POLICY_BY_SERVICE: u16 = 1 << 12;
/// The verifier enforces region and service.
pub const F_POLICY_SCOPE: u16 = 1 << 13;

impl Case {
    pub fn read(r: &mut Reader<'_>) -> Self {
        let flags = r.u16();
        let method = r.string();
        let target = r.string();
        let headers = r.list(32, |r| (r.string(), r.string()));
        let payload = match r.u8() % 7 {
            0 => CasePayload::Empty,
            1 => CasePayload::Body(r.blob()),
            2 => CasePayload::Precomputed(r.string()),
            3 => CasePayload::Unsigned,
            4 => CasePayload::StreamingSigned,
            5 => CasePayload::StreamingSignedTrailer,
            _ => CasePayload::StreamingUnsignedTrailer,
        };
        let access_key_id = r.string();
        let secret = r.string();
        let token = r.opt_string();
        let cred_expiry = if r.flag() { Some(r.u32()) } else { None };
        let region = r.string();
        let service = r.string();
        let time = (r.u64() % (r::MAX_UNIX as u64 + 1)) as i64;
        let expires = r.u32();
        let check_offset = r.u32();
        let buf_size = r.u16();
        Self {
            flags,
            method,
            target,
            headers,
            payload,
            access_key_id,
            secret,
            token,
            cred_expiry,
            region,
            service,
            time,
            expires,
            check_offset,
            buf_size,
        }
    }

    pub fn write(&self, w: &mut Writer) {
        w.u16(self.flags)
            .string(&self.method)
            .string(&self.target)
            .list(&self.headers, |w, (n, v)| {
                w.string(n).string(v);
            });
        match &self.payload {
            CasePayload::Empty => w.u8(0),
            CasePayload::Body(b) => w.u8(1).blob(b),
            CasePayload::Precomputed(h) => w.u8(2).string(h),
            CasePayload::Unsigned => w.u8(3),
            CasePayload::StreamingSigned => w.u8(4),
            CasePayload::StreamingSignedTrailer => w.u8(5),
            CasePayload::StreamingUnsignedTrailer => w.u8(6),
        };
        w.string(&self.access_key_id)
            .string(&self.secret)
            .opt_string(self.token.as_deref());
        match self.cred_expiry {
            Some(e) => w.flag(true).u32(e),
            None => w.flag(false),
        };
        w.string(&self.region)
            .string(&self.service)
            .u64(self.time as u64)
            .u32(self.expires)
            .u32(self.check_offset)
            .u16(self.buf_size);
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        let mut w = Writer::default();
        self.write(&mut w);
        w.out
    }

    pub fn presign(&self) -> bool {
        self.flags & F_PRESIGN != 0
    }

    pub fn settings(&self) -> SigningSettings {
        let f = self.flags;
        let on = |bit| f & bit != 0;
        let mut s = if on(F_S3) {
            SigningSettings::s3()
        } else {
            SigningSettings::new()
        };
        if on(F_SET_NORMALIZE) {
            s = s.normalize_path(on(F_NORMALIZE));
        }
        if on(F_SET_DOUBLE) {
            s = s.double_encode_path(on(F_DOUBLE));
        }
        if on(F_SET_CONTENT) {
            s = s.content_sha256_header(on(F_CONTENT));
        }
        if on(F_TOKEN_UNSIGNED) {
            s = s.session_token(SessionTokenMode::AppendedUnsigned);
        }
        if on(F_SET_PRESIGN_UNSIGNED) {
            s = s.presign_unsigned_payload(on(F_PRESIGN_UNSIGNED));
        }
        if on(F_CLAMP) {
            s = s.clamp_expires_to_credentials(true);
        }
        s
    }

    pub fn payload(&self) -> Payload<'_> {
        match &self.payload {
            CasePayload::Empty => Payload::Body(b""),
            CasePayload::Body(b) => Payload::Body(b),
            CasePayload::Precomputed(h) => Payload::Precomputed(h),
            CasePayload::Unsigned => Payload::Unsigned,
            CasePayload::StreamingSigned => Payload::StreamingSigned,
            CasePayload::StreamingSignedTrailer => Payload::StreamingSignedTrailer,
            CasePayload::StreamingUnsignedTrailer => Payload::StreamingUnsignedTrailer,
        }
    }

    pub fn header_refs(&self) -> Vec<(&str, &str)> {
        self.headers
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect()
    }

    pub fn signing_time(&self) -> SigningTime {
        SigningTime::from_unix_seconds(self.time).expect("time is reduced into range")
    }

    /// When the credentials expire, if they do and it is a valid time.
    pub fn expiry(&self) -> Option<SigningTime> {
        self.cred_expiry
            .and_then(|e| SigningTime::from_unix_seconds(self.time + i64::from(e)).ok())
    }

    pub fn credentials(&self) -> Result<Credentials<'_>, Error> {
        let c = Credentials::new(&self.access_key_id, &self.secret, self.token.as_deref())?;
        Ok(match self.expiry() {
            Some(e) => c.with_expiry(e),
            None => c,
        })
    }

    // ---- the reference's view

    pub fn ref_settings(&self) -> r::RefSettings {
        ref_settings(&self.settings())
    }

    pub fn ref_credentials(&self) -> r::RefCredentials {
        r::RefCredentials {
            access_key_id: self.access_key_id.clone(),
            secret: self.secret.clone(),
            token: self.token.clone(),
            expires_at: self.expiry().map(|t| t.unix_seconds()),
        }
    }

    pub fn ref_request(&self) -> r::RefRequest {
        r::RefRequest {
            method: self.method.clone(),
            target: self.target.clone(),
            headers: self.headers.clone(),
            payload: ref_payload(&self.payload()),
        }
    }

    /// The reference's signature of this case.
    pub fn ref_sign(&self) -> r::RefSigned {
        r::sign(
            &self.ref_request(),
            &self.ref_credentials(),
            &self.region,
            &self.service,
            self.time,
            &self.ref_settings(),
            self.ref_mode(),
        )
    }

    pub fn ref_mode(&self) -> r::Mode {
        if self.presign() {
            r::Mode::Presign {
                expires_in: self.expires,
            }
        } else {
            r::Mode::Header
        }
    }
}

pub fn ref_settings(s: &SigningSettings) -> r::RefSettings {
    r::RefSettings {
        normalize_path: s.normalize_path,
        double_encode_path: s.double_encode_path,
        content_sha256_header: s.content_sha256_header,
        token_signed: s.session_token == SessionTokenMode::Signed,
        presign_unsigned_payload: s.presign_unsigned_payload,
        clamp_expires: s.clamp_expires_to_credentials,
    }
}

pub fn ref_payload(p: &Payload<'_>) -> r::RefPayload {
    match *p {
        Payload::Body(b) => r::RefPayload::Body(b.to_vec()),
        Payload::Precomputed(h) => r::RefPayload::Precomputed(h.to_string()),
        Payload::Unsigned => r::RefPayload::Literal("UNSIGNED-PAYLOAD"),
        Payload::StreamingSigned => r::RefPayload::Literal("STREAMING-AWS4-HMAC-SHA256-PAYLOAD"),
        Payload::StreamingSignedTrailer => {
            r::RefPayload::Literal("STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER")
        }
        Payload::StreamingUnsignedTrailer => {
            r::RefPayload::Literal("STREAMING-UNSIGNED-PAYLOAD-TRAILER")
        }
        _ => r::RefPayload::Literal("UNKNOWN-PAYLOAD-KIND"),
    }
}

/// The payload line a payload gives (what the server knows of the body).
fn payload_line(p: &Payload<'_>) -> String {
    match ref_payload(p) {
        r::RefPayload::Body(b) => r::sha256_hex(&b),
        r::RefPayload::Precomputed(h) => h,
        r::RefPayload::Literal(l) => l.to_string(),
    }
}

fn host_of(headers: &[(String, String)]) -> Option<&str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("host"))
        .map(|(_, v)| v.as_str())
}

/// The value of the query parameter `name` (decoded key, exact case).
fn query_param(target: &str, name: &str) -> Option<String> {
    let query = target.split_once('?')?.1;
    r::query_pairs(query)
        .into_iter()
        .find(|(k, _)| k == name.as_bytes())
        .map(|(_, v)| String::from_utf8_lossy(&v).into_owned())
}

// ============================================================ signing once

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
fn sign_into(case: &Case, signer: &Signer<'_>, size: usize) -> Result<Produced, Error> {
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
fn sign_sized(case: &Case, signer: &Signer<'_>) -> Result<Produced, Error> {
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
fn url_refusal(target: &str) -> Option<Error> {
    let at = target
        .bytes()
        .position(|b| b <= 0x20 || b >= 0x7f || b == b'#')?;
    Some(Error::InvalidTargetByte {
        byte: target.as_bytes()[at],
        at,
    })
}

/// The lookup of a verifier that knows one secret.
fn lookup_for<'s>(
    access_key_id: &'s str,
    secret: &'s str,
    token: Option<&'s str>,
) -> impl Fn(&str) -> Option<Secret<'s>> {
    move |akid: &str| (akid == access_key_id).then(|| Secret::new(secret, token))
}

// =========================================================== sign_arbitrary

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
fn excused(case: &Case, produced: &Produced, rejection: Error) -> bool {
    let has_header = |name: &str| {
        case.headers
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case(name))
    };
    if case.presign() {
        return false;
    }
    match rejection {
        // The query also says "X-Amz-Algorithm": both header and query
        // authentication, which the verifier refuses as ambiguous.
        Error::Rejected(Rejection::AmbiguousAuthentication) => {
            query_param(&produced.target, "X-Amz-Algorithm").is_some()
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

fn check_verifies(case: &Case, produced: &Produced) {
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
    let mut policy = Policy::new(now);
    if !(case.flags & F_POLICY_BY_SERVICE != 0
        && settings == SigningSettings::for_service(&case.service))
    {
        policy = policy.settings(settings);
    }
    if case.flags & F_POLICY_SCOPE != 0 {
        policy = policy.region(&case.region).service(&case.service);
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

// =================================================== differential_canonical

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

// ========================================================== query_roundtrip

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
    let service = if case.flags & 1 != 0 {
        "s3"
    } else {
        "execute-api"
    };
    let token = (case.flags & 2 != 0)
        .then(|| case.token.replace(|c: char| c.is_control(), ""))
        .filter(|t| !t.is_empty());
    let mut settings = SigningSettings::for_service(service);
    if case.flags & 4 != 0 {
        settings = settings.session_token(SessionTokenMode::AppendedUnsigned);
    }
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
    let unsigned_token = token.is_some() && case.flags & 4 != 0;
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
        add("X-Amz-Security-Token", t);
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
    let mut policy = Policy::new(time);
    if case.flags & 8 == 0 || settings != SigningSettings::for_service(service) {
        policy = policy.settings(settings);
    }
    if let Err(e) = verify::verify(&received, &lookup, &policy) {
        panic!("the presigned URL does not verify: {e:?}: {out}");
    }
}

// ========================================================= verify_arbitrary

/// The only secret the verifier knows. No input carries it: requests are
/// only ever signed with it by the harness itself (mode `Genuine`).
pub const VERIFIER_SECRET: &str = "fuzz/verifier+secret=never-in-inputs";
/// The session token the verifier expects for `ASIA...` keys (not secret).
pub const VERIFIER_TOKEN: &str = "FwoGZXIvYXdzEFUZZTOKEN//+==";
pub const KNOWN_AKID: &str = "AKIDFUZZ";
pub const KNOWN_TEMP_AKID: &str = "ASIAFUZZ";
pub const UNKNOWN_AKID: &str = "AKIDUNKNOWN";

fn verifier_lookup(akid: &str) -> Option<Secret<'static>> {
    if akid == UNKNOWN_AKID {
        None
    } else if akid.starts_with("ASIA") {
        Some(Secret::new(VERIFIER_SECRET, Some(VERIFIER_TOKEN)))
    } else {
        Some(Secret::new(VERIFIER_SECRET, None))
    }
}

/// Parts of an access key id.
#[derive(Arbitrary, Clone, Debug)]
pub enum AkidPart {
    Known,
    Temporary,
    Unknown,
    Raw(String),
}

#[derive(Arbitrary, Clone, Debug)]
pub enum Sep {
    Slash,
    Encoded,
    EncodedLower,
    Raw(String),
}

/// A near-valid SigV4 authorization, from parts.
#[derive(Arbitrary, Clone, Debug)]
pub struct ForgedAuth {
    pub algorithm: Option<String>,
    pub akid: AkidPart,
    pub date: Option<String>,
    pub region: String,
    pub service: String,
    pub terminator: Option<String>,
    pub sep: Sep,
    pub signed_headers: Vec<String>,
    pub raw_signed_headers: Option<String>,
    /// 32 bytes written as hex, or raw text.
    pub signature: Result<[u8; 32], String>,
    pub extra_field: Option<String>,
    pub field_order: u8,
    pub in_query: bool,
    pub expires: Result<u32, String>,
    pub amz_date: Result<u32, String>,
    pub token: Option<Option<String>>,
    pub content_sha256: Option<String>,
}

#[derive(Arbitrary, Clone, Debug)]
pub struct ForgedV2 {
    pub akid: AkidPart,
    pub version: Option<String>,
    pub method: Option<String>,
    pub signature: Result<[u8; 32], String>,
    pub timestamp: Option<Result<u32, String>>,
    pub expires: Option<Result<u32, String>>,
    pub token: Option<Option<String>>,
}

#[derive(Arbitrary, Clone, Debug)]
pub enum ServerPayload {
    Empty,
    Body(Vec<u8>),
    Precomputed([u8; 32]),
    Unsigned,
    Streaming,
}

impl ServerPayload {
    fn get<'a>(&'a self, storage: &'a mut String) -> Payload<'a> {
        match self {
            ServerPayload::Empty => Payload::Body(b""),
            ServerPayload::Body(b) => Payload::Body(b),
            ServerPayload::Precomputed(h) => {
                *storage = r::to_hex(h);
                Payload::Precomputed(storage)
            }
            ServerPayload::Unsigned => Payload::Unsigned,
            ServerPayload::Streaming => Payload::StreamingSigned,
        }
    }
}

/// What the verifier requires.
#[derive(Arbitrary, Clone, Debug)]
pub struct ForgedPolicy {
    /// Seconds from the request's claimed date (or absolute, when none).
    pub now_offset: i32,
    pub max_skew: Option<u16>,
    pub region: Option<String>,
    pub service: Option<String>,
    pub settings: Option<u8>,
}

/// A forged request: everything from the fuzzer, no secret.
#[derive(Arbitrary, Clone, Debug)]
pub struct Forged {
    pub method: String,
    pub path: String,
    pub query: Vec<(String, String)>,
    pub headers: Vec<(String, String)>,
    pub auth: Option<ForgedAuth>,
    pub v2: Option<ForgedV2>,
    pub policy: ForgedPolicy,
    pub payload: ServerPayload,
}

/// A change to a genuinely signed request.
#[derive(Arbitrary, Clone, Debug)]
pub enum Mutation {
    Method(String),
    InsertInTarget { at: u16, text: String },
    DeleteInTarget { at: u16, len: u8 },
    TargetByte { at: u16, byte: u8 },
    AddQuery { key: String, value: String },
    AddHeader { name: String, value: String },
    RemoveHeader(u8),
    HeaderValue { which: u8, value: String },
    HeaderName { which: u8, name: String },
    HeaderNameCase(u8),
    AuthorizationEdit { at: u16, delete: u8, text: String },
    Payload(ServerPayload),
    Now(i32),
    Skew(u16),
    LowercaseEscapes,
    SwapQueryPieces(u8, u8),
    DuplicateHeader(u8),
    Settings(u8),
}

fn settings_from(bits: u8) -> SigningSettings {
    let mut s = if bits & 1 != 0 {
        SigningSettings::s3()
    } else {
        SigningSettings::new()
    };
    if bits & 2 != 0 {
        s = s.normalize_path(bits & 4 != 0);
    }
    if bits & 8 != 0 {
        s = s.double_encode_path(bits & 16 != 0);
    }
    if bits & 32 != 0 {
        s = s.session_token(SessionTokenMode::AppendedUnsigned);
    }
    s
}

fn akid_text(a: &AkidPart) -> String {
    match a {
        AkidPart::Known => KNOWN_AKID.into(),
        AkidPart::Temporary => KNOWN_TEMP_AKID.into(),
        AkidPart::Unknown => UNKNOWN_AKID.into(),
        AkidPart::Raw(s) => s.clone(),
    }
}

fn sig_text(s: &Result<[u8; 32], String>) -> String {
    match s {
        Ok(b) => r::to_hex(b),
        Err(t) => t.clone(),
    }
}

fn amz_text(a: &Result<u32, String>) -> String {
    match a {
        // Around 2015..2151: a real X-Amz-Date.
        Ok(t) => r::amz_date(1_420_070_400 + i64::from(*t)).0,
        Err(s) => s.clone(),
    }
}

/// The received request, owned.
#[derive(Clone, Debug, Default)]
pub struct Received {
    pub method: String,
    pub target: String,
    pub headers: Vec<(String, String)>,
}

impl Forged {
    fn build(&self) -> (Received, Option<i64>) {
        let mut target = if self.path.starts_with('/') {
            self.path.clone()
        } else {
            format!("/{}", self.path)
        };
        let mut query: Vec<String> = self.query.iter().map(|(k, v)| format!("{k}={v}")).collect();
        let mut headers = self.headers.clone();
        let mut claimed_time = None;
        if let Some(a) = &self.auth {
            let (sep, enc) = match &a.sep {
                Sep::Slash => ("/".to_string(), false),
                Sep::Encoded => ("%2F".to_string(), true),
                Sep::EncodedLower => ("%2f".to_string(), true),
                Sep::Raw(s) => (s.clone(), false),
            };
            let amz = amz_text(&a.amz_date);
            if let Ok(t) = a.amz_date {
                claimed_time = Some(1_420_070_400 + i64::from(t));
            }
            let date = a
                .date
                .clone()
                .unwrap_or_else(|| amz.chars().take(8).collect());
            let credential = [
                akid_text(&a.akid),
                date,
                a.region.clone(),
                a.service.clone(),
                a.terminator
                    .clone()
                    .unwrap_or_else(|| "aws4_request".into()),
            ]
            .join(&sep);
            let algorithm = a.algorithm.clone().unwrap_or_else(|| r::ALGORITHM.into());
            let signature = sig_text(&a.signature);
            let token = match &a.token {
                None => None,
                Some(None) => Some(VERIFIER_TOKEN.to_string()),
                Some(Some(t)) => Some(t.clone()),
            };
            if a.in_query {
                let names = a.raw_signed_headers.clone().unwrap_or_else(|| {
                    let mut n = a.signed_headers.clone();
                    if !n.iter().any(|x| x == "host") {
                        n.push("host".into());
                    }
                    n.sort();
                    n.join(if enc { "%3B" } else { ";" })
                });
                let expires = match &a.expires {
                    Ok(e) => (e % 604_801).to_string(),
                    Err(s) => s.clone(),
                };
                query.push(format!("X-Amz-Algorithm={algorithm}"));
                query.push(format!("X-Amz-Credential={credential}"));
                query.push(format!("X-Amz-Date={amz}"));
                query.push(format!("X-Amz-Expires={expires}"));
                query.push(format!("X-Amz-SignedHeaders={names}"));
                if let Some(t) = token {
                    query.push(format!(
                        "X-Amz-Security-Token={}",
                        r::uri_encode(t.as_bytes(), false)
                    ));
                }
                query.push(format!("X-Amz-Signature={signature}"));
            } else {
                let names = a.raw_signed_headers.clone().unwrap_or_else(|| {
                    let mut n = a.signed_headers.clone();
                    n.push("host".into());
                    n.push("x-amz-date".into());
                    n.sort();
                    n.dedup();
                    n.join(";")
                });
                let mut fields = vec![
                    format!("Credential={credential}"),
                    format!("SignedHeaders={names}"),
                    format!("Signature={signature}"),
                ];
                if let Some(x) = &a.extra_field {
                    fields.push(x.clone());
                }
                let k = fields.len();
                fields.rotate_left(usize::from(a.field_order) % k);
                headers.push(("X-Amz-Date".into(), amz));
                if let Some(t) = token {
                    headers.push(("X-Amz-Security-Token".into(), t));
                }
                if let Some(c) = &a.content_sha256 {
                    headers.push(("x-amz-content-sha256".into(), c.clone()));
                }
                headers.push((
                    "Authorization".into(),
                    format!("{algorithm} {}", fields.join(", ")),
                ));
            }
        }
        if let Some(v) = &self.v2 {
            query.push(format!("AWSAccessKeyId={}", akid_text(&v.akid)));
            query.push(format!(
                "SignatureVersion={}",
                v.version.clone().unwrap_or_else(|| "2".into())
            ));
            query.push(format!(
                "SignatureMethod={}",
                v.method.clone().unwrap_or_else(|| "HmacSHA256".into())
            ));
            let iso = |t: &Result<u32, String>| match t {
                Ok(t) => {
                    let (amz, _) = r::amz_date(1_420_070_400 + i64::from(*t));
                    format!(
                        "{}-{}-{}T{}%3A{}%3A{}Z",
                        &amz[0..4],
                        &amz[4..6],
                        &amz[6..8],
                        &amz[9..11],
                        &amz[11..13],
                        &amz[13..15]
                    )
                }
                Err(s) => s.clone(),
            };
            if let Some(t) = &v.timestamp {
                query.push(format!("Timestamp={}", iso(t)));
                if let Ok(t) = t {
                    claimed_time = Some(1_420_070_400 + i64::from(*t));
                }
            }
            if let Some(e) = &v.expires {
                query.push(format!("Expires={}", iso(e)));
            }
            match &v.token {
                None => {}
                Some(None) => query.push(format!(
                    "SecurityToken={}",
                    r::uri_encode(VERIFIER_TOKEN.as_bytes(), false)
                )),
                Some(Some(t)) => query.push(format!("SecurityToken={t}")),
            }
            let sig = match &v.signature {
                Ok(b) => r::uri_encode(base64_std(b).as_bytes(), false),
                Err(s) => s.clone(),
            };
            query.push(format!("Signature={sig}"));
        }
        if !query.is_empty() {
            target.push('?');
            target.push_str(&query.join("&"));
        }
        (
            Received {
                method: self.method.clone(),
                target,
                headers,
            },
            claimed_time,
        )
    }
}

/// Standard base64 with padding (no dependency for 32 bytes).
fn base64_std(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(A[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// `verify` never panics and never accepts a request that was not signed
/// with the verifier's secret. Three modes: a near-valid forgery from parts,
/// raw text, and a request genuinely signed by the harness then changed.
/// Whenever `verify` accepts, the reference recomputes the signature of the
/// received request with the verifier's secret and it must be the one the
/// request carries.
pub fn verify_arbitrary(data: &[u8]) {
    let mut reader = Reader::new(data);
    match reader.u8() % 3 {
        0 => {
            let mut u = reader.rest();
            let Ok(forged) = Forged::arbitrary(&mut u) else {
                return;
            };
            let (received, claimed) = forged.build();
            let mut storage = String::new();
            let payload = forged.payload.get(&mut storage);
            let base = claimed.unwrap_or(1_420_070_400);
            let now = base + i64::from(forged.policy.now_offset);
            let Ok(now) = SigningTime::from_unix_seconds(now) else {
                return;
            };
            let mut policy = Policy::new(now);
            if let Some(s) = forged.policy.max_skew {
                policy = policy.max_skew(u32::from(s));
            }
            if let Some(r) = &forged.policy.region {
                policy = policy.region(r);
            }
            if let Some(s) = &forged.policy.service {
                policy = policy.service(s);
            }
            if let Some(bits) = forged.policy.settings {
                policy = policy.settings(settings_from(bits));
            }
            let _ = check_verdict(&received, payload, &policy);
        }
        1 => {
            // Raw text: method line, target line, then `name:value` lines;
            // the first 8 bytes are the clock.
            let now = i64::from(reader.u32()) + 1_420_070_400;
            let skew = reader.u16();
            let text = String::from_utf8_lossy(reader.rest().take_rest()).into_owned();
            let mut lines = text.split('\n');
            let method = lines.next().unwrap_or_default().to_string();
            let target = lines.next().unwrap_or_default().to_string();
            let headers = lines
                .map(|l| {
                    let (n, v) = l.split_once(':').unwrap_or((l, ""));
                    (n.to_string(), v.to_string())
                })
                .collect();
            let received = Received {
                method,
                target,
                headers,
            };
            let Ok(now) = SigningTime::from_unix_seconds(now) else {
                return;
            };
            let _ = check_verdict(
                &received,
                Payload::Body(b""),
                &Policy::new(now).max_skew(u32::from(skew)),
            );
        }
        _ => genuine_then_mutated(reader),
    }
}

fn genuine_then_mutated(mut reader: Reader<'_>) {
    let mut case = Case::read(&mut reader);
    // Signed with the verifier's secret, by the harness.
    case.secret = VERIFIER_SECRET.into();
    if case.token.is_some() {
        case.access_key_id = KNOWN_TEMP_AKID.into();
        case.token = Some(VERIFIER_TOKEN.into());
    } else {
        case.access_key_id = KNOWN_AKID.into();
    }
    case.cred_expiry = None;
    let Ok(creds) = case.credentials() else {
        return;
    };
    let time = case.signing_time();
    let Ok(key) = SigningKey::derive(&creds, time, &case.region, &case.service) else {
        return;
    };
    let signer = Signer::new(&key, &creds, time).expect("a key signs at the time it was derived");
    let Ok(produced) = sign_into(&case, &signer, ample(&case)) else {
        return;
    };
    let mut received = Received {
        method: case.method.clone(),
        target: produced.target.clone(),
        headers: produced.headers.clone(),
    };
    let settings = case.settings();
    let mut payload = match case.payload() {
        Payload::Body(_) if case.presign() && settings.presign_unsigned_payload => {
            ServerPayload::Unsigned
        }
        Payload::Body(b) => ServerPayload::Body(b.to_vec()),
        Payload::Precomputed(h) => {
            let mut a = [0u8; 32];
            for (i, byte) in a.iter_mut().enumerate() {
                *byte =
                    u8::from_str_radix(&h[2 * i..2 * i + 2], 16).expect("signed with a valid hash");
            }
            ServerPayload::Precomputed(a)
        }
        Payload::Unsigned => ServerPayload::Unsigned,
        Payload::StreamingSigned => ServerPayload::Streaming,
        _ => return, // the trailer literals: no server payload mirrors them here
    };
    let mut now = case.time
        + match produced.expires_in {
            Some(e) => i64::from(case.check_offset % (e + 1)),
            None => i64::from(case.check_offset % 1801) - 900,
        };
    let mut skew = 900u32;
    let mut policy_settings = Some(settings);

    let mut u = reader.rest();
    let Ok(mutations) = Vec::<Mutation>::arbitrary(&mut u) else {
        return;
    };
    for m in mutations.iter().take(8) {
        mutate(
            &mut received,
            m,
            &mut payload,
            &mut now,
            &mut skew,
            &mut policy_settings,
        );
    }
    let Ok(now) = SigningTime::from_unix_seconds(now) else {
        return;
    };
    let mut policy = Policy::new(now).max_skew(skew);
    if let Some(s) = policy_settings {
        policy = policy.settings(s);
    }
    let mut storage = String::new();
    let p = payload.get(&mut storage);
    let verdict = check_verdict(&received, p, &policy);
    if mutations.is_empty() {
        // Unchanged: it must verify (sign_arbitrary's excuses apply).
        if let Err(rejection) = verdict {
            assert!(
                excused(&case, &produced, rejection),
                "a genuine request does not verify: {rejection:?}"
            );
        }
    }
}

fn clamp_index(len: usize, at: u16) -> usize {
    if len == 0 {
        0
    } else {
        usize::from(at) % (len + 1)
    }
}

fn floor_char(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn mutate(
    rq: &mut Received,
    m: &Mutation,
    payload: &mut ServerPayload,
    now: &mut i64,
    skew: &mut u32,
    settings: &mut Option<SigningSettings>,
) {
    let pick = |len: usize, w: u8| (len > 0).then(|| usize::from(w) % len);
    match m {
        Mutation::Method(s) => rq.method = s.clone(),
        Mutation::InsertInTarget { at, text } => {
            let i = floor_char(&rq.target, clamp_index(rq.target.len(), *at));
            rq.target.insert_str(i, text);
        }
        Mutation::DeleteInTarget { at, len } => {
            let i = floor_char(&rq.target, clamp_index(rq.target.len(), *at));
            let j = floor_char(&rq.target, i + usize::from(*len));
            rq.target.replace_range(i..j, "");
        }
        Mutation::TargetByte { at, byte } => {
            if byte.is_ascii() && !rq.target.is_empty() {
                let i = floor_char(&rq.target, usize::from(*at) % rq.target.len());
                let j = floor_char(&rq.target, i + 1).max(i + 1);
                let j = (i + 1..=rq.target.len())
                    .find(|&k| rq.target.is_char_boundary(k))
                    .unwrap_or(j);
                rq.target
                    .replace_range(i..j, &char::from(*byte).to_string());
            }
        }
        Mutation::AddQuery { key, value } => {
            let sep = if rq.target.contains('?') { '&' } else { '?' };
            rq.target.push(sep);
            rq.target.push_str(&format!("{key}={value}"));
        }
        Mutation::AddHeader { name, value } => rq.headers.push((name.clone(), value.clone())),
        Mutation::RemoveHeader(w) => {
            if let Some(i) = pick(rq.headers.len(), *w) {
                rq.headers.remove(i);
            }
        }
        Mutation::HeaderValue { which, value } => {
            if let Some(i) = pick(rq.headers.len(), *which) {
                rq.headers[i].1 = value.clone();
            }
        }
        Mutation::HeaderName { which, name } => {
            if let Some(i) = pick(rq.headers.len(), *which) {
                rq.headers[i].0 = name.clone();
            }
        }
        Mutation::HeaderNameCase(w) => {
            if let Some(i) = pick(rq.headers.len(), *w) {
                let n = &rq.headers[i].0;
                rq.headers[i].0 = if n.bytes().any(|b| b.is_ascii_lowercase()) {
                    n.to_ascii_uppercase()
                } else {
                    n.to_ascii_lowercase()
                };
            }
        }
        Mutation::AuthorizationEdit { at, delete, text } => {
            if let Some((_, v)) = rq
                .headers
                .iter_mut()
                .find(|(n, _)| n.eq_ignore_ascii_case("authorization"))
            {
                let i = floor_char(v, clamp_index(v.len(), *at));
                let j = floor_char(v, i + usize::from(*delete));
                v.replace_range(i..j, text);
            }
        }
        Mutation::Payload(p) => *payload = p.clone(),
        Mutation::Now(d) => *now += i64::from(*d),
        Mutation::Skew(s) => *skew = u32::from(*s),
        Mutation::LowercaseEscapes => {
            let b = rq.target.as_bytes();
            let mut out = String::new();
            let mut i = 0;
            while i < b.len() {
                if b[i] == b'%'
                    && i + 2 < b.len() + 1
                    && b.get(i + 1).is_some()
                    && b.get(i + 2).is_some()
                    && b[i + 1].is_ascii_hexdigit()
                    && b[i + 2].is_ascii_hexdigit()
                {
                    out.push('%');
                    out.push(char::from(b[i + 1].to_ascii_lowercase()));
                    out.push(char::from(b[i + 2].to_ascii_lowercase()));
                    i += 3;
                } else {
                    let j = (i + 1..=b.len())
                        .find(|&k| rq.target.is_char_boundary(k))
                        .unwrap_or(b.len());
                    out.push_str(&rq.target[i..j]);
                    i = j;
                }
            }
            rq.target = out;
        }
        Mutation::SwapQueryPieces(a, b) => {
            if let Some((path, query)) = rq.target.split_once('?') {
                let mut pieces: Vec<&str> = query.split('&').collect();
                let n = pieces.len();
                pieces.swap(usize::from(*a) % n, usize::from(*b) % n);
                rq.target = format!("{path}?{}", pieces.join("&"));
            }
        }
        Mutation::DuplicateHeader(w) => {
            if let Some(i) = pick(rq.headers.len(), *w) {
                let h = rq.headers[i].clone();
                rq.headers.push(h);
            }
        }
        Mutation::Settings(bits) => {
            *settings = if bits & 64 != 0 {
                None
            } else {
                Some(settings_from(*bits))
            };
        }
    }
}

/// Verifies; when the verifier accepts, checks with the reference that the
/// request really carries the signature of what it says it signed, made
/// with the verifier's secret, within the time window, with the right token.
fn check_verdict(
    received: &Received,
    payload: Payload<'_>,
    policy: &Policy<'_>,
) -> Result<(), Error> {
    let headers: Vec<(&str, &str)> = received
        .headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let request = Request::new(&received.method, &received.target, &headers).with_payload(payload);
    let verified = verify::verify(&request, &verifier_lookup, policy)?;
    let describe = || format!("{received:#?}\npayload {payload:?}\npolicy {policy:?}");
    match verified.scheme {
        Scheme::V4Header | Scheme::V4Query => {}
        // SigV2: the harness never signs SigV2 with the verifier's secret,
        // so an accepted SigV2 request is a forgery by construction.
        Scheme::V2Query => panic!("accepted a SigV2 request nobody signed: {}", describe()),
        // Any other scheme (SigV4a with the `sigv4a` feature): the harness
        // never signs one either.
        other => panic!("accepted a {other:?} request nobody signed: {}", describe()),
    }
    let presigned = verified.scheme == Scheme::V4Query;
    let query = received.target.split_once('?').map_or("", |(_, q)| q);
    let header = |name: &str| {
        received
            .headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
    };
    let claimed = if presigned {
        r::parse_presigned(query)
    } else {
        let date = header("x-amz-date").unwrap_or_default();
        r::parse_authorization(&header("authorization").unwrap_or_default(), &date)
    };
    let Some(claimed) = claimed else {
        panic!(
            "accepted a request the reference cannot parse: {}",
            describe()
        );
    };
    let secret = verifier_lookup(&claimed.access_key_id);
    assert!(
        secret.is_some(),
        "accepted an unknown access key: {}",
        describe()
    );
    let settings = policy
        .settings
        .unwrap_or_else(|| SigningSettings::for_service(&claimed.service));
    let rs = ref_settings(&settings);
    let line = match header("x-amz-content-sha256") {
        Some(declared) if !presigned => declared,
        _ => payload_line(&payload),
    };
    let rreq = r::RefRequest {
        method: received.method.clone(),
        target: received.target.clone(),
        headers: received.headers.clone(),
        payload: ref_payload(&payload),
    };
    let expected = r::received_signature(&rreq, &claimed, VERIFIER_SECRET, &rs, &line);
    assert_eq!(
        expected,
        claimed.signature,
        "accepted a request whose signature is not the verifier's secret's signature of it: {}",
        describe()
    );
    // The clock, the scope and the token.
    let (amz, date) = r::amz_date(verified.signed_at.expect("SigV4 has a date").unix_seconds());
    assert_eq!(amz, claimed.amz_date);
    assert_eq!(date, claimed.date);
    let now = policy.now.unix_seconds();
    let signed = verified.signed_at.unwrap().unix_seconds();
    let skew = i64::from(policy.max_skew);
    if presigned {
        let expires: i64 = query_param(&received.target, "X-Amz-Expires")
            .and_then(|e| e.parse().ok())
            .expect("accepted without X-Amz-Expires");
        assert!((1..=604_800).contains(&expires));
        assert!(
            now >= signed - skew && now <= signed + expires,
            "accepted outside its validity: {}",
            describe()
        );
    } else {
        assert!(
            (now - signed).abs() <= skew,
            "accepted outside the skew: {}",
            describe()
        );
    }
    let token = if presigned {
        query_param(&received.target, "X-Amz-Security-Token")
    } else {
        header("x-amz-security-token")
    };
    let expected_token = claimed
        .access_key_id
        .starts_with("ASIA")
        .then_some(VERIFIER_TOKEN);
    assert_eq!(
        token.as_deref(),
        expected_token,
        "accepted with the wrong session token: {}",
        describe()
    );
    if let Some(r) = policy.region {
        assert_eq!(claimed.region, r);
    }
    if let Some(s) = policy.service {
        assert_eq!(claimed.service, s);
    }
    ACCEPTED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    Ok(())
}

/// How many accepted requests the reference has confirmed (for statistics
/// when replaying a corpus).
pub static ACCEPTED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
