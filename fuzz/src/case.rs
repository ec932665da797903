//! The request every target but `query_roundtrip` starts from, as the
//! fuzzer's bytes decode to it (`wire`), as the library takes it and as the
//! reference (`reference`) takes it.

use awsig::v4::{SessionTokenMode, SigningSettings};
use awsig::{Credentials, Error, Payload, SigningTime};

use crate::reference as r;
use crate::wire::{Reader, Writer};

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
pub(crate) fn payload_line(p: &Payload<'_>) -> String {
    match ref_payload(p) {
        r::RefPayload::Body(b) => r::sha256_hex(&b),
        r::RefPayload::Precomputed(h) => h,
        r::RefPayload::Literal(l) => l.to_string(),
    }
}

pub(crate) fn host_of(headers: &[(String, String)]) -> Option<&str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("host"))
        .map(|(_, v)| v.as_str())
}

/// The value of the query parameter `name` (decoded key, exact case).
pub(crate) fn query_param(target: &str, name: &str) -> Option<String> {
    let query = target.split_once('?')?.1;
    r::query_pairs(query)
        .into_iter()
        .find(|(k, _)| k == name.as_bytes())
        .map(|(_, v)| String::from_utf8_lossy(&v).into_owned())
}
