//! The knobs of SigV4 that differ between services: S3 neither normalises
//! nor double-encodes the path and wants `x-amz-content-sha256`. See
//! <https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html>.

/// Where the session token of temporary credentials goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum SessionTokenMode {
    /// Signed: `x-amz-security-token` is a signed header, or
    /// `X-Amz-Security-Token` is part of the canonical query. What most
    /// services expect.
    #[default]
    Signed,
    /// Appended after signing, not part of the signature: some services
    /// (e.g. IoT WebSocket URLs) expect this.
    AppendedUnsigned,
    /// S3 Express One Zone session auth: the token is the session token of
    /// `CreateSession`, signed as the header `x-amz-s3session-token` or, in
    /// a presigned URL, the parameter `X-Amz-S3session-Token`, and no
    /// `X-Amz-Security-Token` is sent (botocore's `S3ExpressAuth` and
    /// `S3ExpressQueryAuth`). See
    /// <https://docs.aws.amazon.com/AmazonS3/latest/API/API_CreateSession.html>.
    S3Express,
}

/// How to canonicalise and what to add, per service.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct SigningSettings {
    /// Remove dot segments and empty segments from the path (all services
    /// but S3).
    pub normalize_path: bool,
    /// URI-encode the path as sent again (all services but S3).
    pub double_encode_path: bool,
    /// Add and sign `x-amz-content-sha256` with the payload hash (header
    /// signing only; S3 requires it).
    pub content_sha256_header: bool,
    /// Where the session token goes.
    pub session_token: SessionTokenMode,
    /// When presigning a request whose payload is [`Payload::Body`](crate::Payload::Body),
    /// sign `UNSIGNED-PAYLOAD` instead of the body's hash: S3 presigned URLs
    /// never sign the body, which is only sent later.
    pub presign_unsigned_payload: bool,
    /// When the credentials expire before a presigned URL would, shorten
    /// the URL's validity to the credentials' remaining lifetime instead of
    /// refusing with [`Error::ExpiresAfterCredentials`](crate::Error::ExpiresAfterCredentials).
    pub clamp_expires_to_credentials: bool,
    /// Write and sign `X-Amz-Expires` in presigned URLs (on by default).
    /// Off for AWS IoT Core's MQTT-over-WebSocket URLs, which carry no
    /// expiry (the connection is checked once, when it opens); with
    /// [`SessionTokenMode::AppendedUnsigned`] it gives what aws-c-auth signs
    /// for them (no expiration, `omit_session_token`).
    pub expires_param: bool,
}

impl Default for SigningSettings {
    fn default() -> Self {
        Self::new()
    }
}

impl SigningSettings {
    /// The rules of every service but S3.
    #[must_use]
    pub const fn new() -> Self {
        Self {
            normalize_path: true,
            double_encode_path: true,
            content_sha256_header: false,
            session_token: SessionTokenMode::Signed,
            presign_unsigned_payload: false,
            clamp_expires_to_credentials: false,
            expires_param: true,
        }
    }

    /// S3's rules: the path is neither normalised nor encoded twice, header
    /// signing adds `x-amz-content-sha256`, and presigned URLs sign
    /// `UNSIGNED-PAYLOAD` unless a payload hash is given.
    #[must_use]
    pub const fn s3() -> Self {
        Self {
            normalize_path: false,
            double_encode_path: false,
            content_sha256_header: true,
            session_token: SessionTokenMode::Signed,
            presign_unsigned_payload: true,
            clamp_expires_to_credentials: false,
            expires_param: true,
        }
    }

    /// S3's rules with S3 Express One Zone session auth
    /// ([`SessionTokenMode::S3Express`]): for requests to a directory
    /// bucket signed (service `s3express`) with the credentials that
    /// `CreateSession` returned.
    ///
    /// ```
    /// use awsig::{Credentials, Request, SigningTime, v4};
    ///
    /// // The credentials `CreateSession` returned for the bucket.
    /// let creds = Credentials::new("ASIARXYZSESSIONEXMPL", "s3xSecret/with+plus=Q", Some("session-token"))?;
    /// let time = SigningTime::parse_rfc3339("2025-05-17T19:32:01Z")?;
    /// let key = v4::SigningKey::derive(&creds, time, "us-west-2", "s3express")?;
    /// let signer = v4::Signer::new(&key, &creds, time)?;
    /// let headers = [("Host", "bkt-1--usw2-az1--x-s3.s3express-usw2-az1.us-west-2.amazonaws.com")];
    /// let request = Request::new("GET", "/a%20b%2Bc.txt?x-id=GetObject", &headers);
    /// let settings = v4::SigningSettings::s3express();
    ///
    /// let mut buf = [0u8; 512];
    /// let signed = v4::sign_headers(&signer, &request, &settings, &mut buf)?;
    /// assert_eq!(signed.s3session_token(), Some("session-token"));
    /// assert_eq!(signed.security_token(), None);
    /// assert!(signed.authorization().contains("SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-s3session-token,"));
    /// // botocore 1.44.5's `S3ExpressAuth` (tests/vectors/s3express.jsonl, s3express-v4-header-250):
    /// assert_eq!(signed.signature().as_str(), "e6f2d9248c121e6a7a6c315fb7492296ca21e55eff9569a744e3bece16a0002d");
    ///
    /// // The server (`Policy::new(.., "s3express")`) checks the token against the session's.
    /// use awsig::verify::{self, Policy, Secret};
    /// let mut sent = headers.to_vec();
    /// sent.extend(signed.headers());
    /// let lookup = |_: &str| Some(Secret::new("s3xSecret/with+plus=Q", Some("session-token")));
    /// let received = Request::new("GET", "/a%20b%2Bc.txt?x-id=GetObject", &sent);
    /// assert!(verify::verify(&received, &lookup, &Policy::new(time, "s3express")).is_ok());
    ///
    /// // Presigned: `X-Amz-S3session-Token` is a signed parameter (`S3ExpressQueryAuth`, s3express-v4-query-359).
    /// let creds = Credentials::new("AKIDEXAMPLE", "b4Kq7Zb1xv0yM4oYlQn2Zr9XH0EXAMPLESECRET", Some("session-token"))?;
    /// let time = SigningTime::parse_rfc3339("2029-11-24T08:17:28Z")?;
    /// let key = v4::SigningKey::derive(&creds, time, "ap-northeast-1", "s3express")?;
    /// let headers = [("Host", "bkt-1--apne1-az4--x-s3.s3express-apne1-az4.ap-northeast-1.amazonaws.com")];
    /// let request = Request::new("GET", "/2026/12/03%20report.pdf", &headers);
    /// let mut buf = [0u8; 1024];
    /// let url = v4::presign(&v4::Signer::new(&key, &creds, time)?, &request, 900, &settings, &mut buf)?;
    /// assert!(url.as_str().contains("&X-Amz-S3session-Token=session-token&X-Amz-SignedHeaders=host&"));
    /// assert!(!url.as_str().contains("X-Amz-Security-Token"));
    /// assert_eq!(url.signature().as_str(), "727d51c6c904a0265be09c9fca6c2d72bdb42b65f2b4d77068c47ac2eadd7fc6");
    /// # Ok::<(), awsig::Error>(())
    /// ```
    #[must_use]
    pub const fn s3express() -> Self {
        Self::s3().session_token(SessionTokenMode::S3Express)
    }

    /// The rules for a service signing name: [`SigningSettings::s3`] for
    /// `s3` and `s3express`, [`SigningSettings::new`] otherwise. Signing
    /// name `s3express` alone does not mean session auth (`CreateSession`
    /// itself is signed for it with the account's credentials and
    /// `X-Amz-Security-Token`): requests that use a session's credentials
    /// take [`SigningSettings::s3express`].
    #[must_use]
    pub fn for_service(service: &str) -> Self {
        if service == "s3" || service == "s3express" {
            Self::s3()
        } else {
            Self::new()
        }
    }

    /// With path normalisation on or off.
    #[must_use]
    pub const fn normalize_path(mut self, on: bool) -> Self {
        self.normalize_path = on;
        self
    }

    /// With double path encoding on or off.
    #[must_use]
    pub const fn double_encode_path(mut self, on: bool) -> Self {
        self.double_encode_path = on;
        self
    }

    /// With or without the signed `x-amz-content-sha256` header.
    #[must_use]
    pub const fn content_sha256_header(mut self, on: bool) -> Self {
        self.content_sha256_header = on;
        self
    }

    /// With or without `UNSIGNED-PAYLOAD` for presigned bodies.
    #[must_use]
    pub const fn presign_unsigned_payload(mut self, on: bool) -> Self {
        self.presign_unsigned_payload = on;
        self
    }

    /// Shortening presigned URLs to the credentials' lifetime, or refusing them.
    #[must_use]
    pub const fn clamp_expires_to_credentials(mut self, on: bool) -> Self {
        self.clamp_expires_to_credentials = on;
        self
    }

    /// With or without `X-Amz-Expires` in presigned URLs (`expires_in` is
    /// then neither checked nor written).
    #[must_use]
    pub const fn expires_param(mut self, on: bool) -> Self {
        self.expires_param = on;
        self
    }

    /// The settings AWS IoT Core wants for a presigned MQTT-over-WebSocket
    /// URL (service `iotdevicegateway`): no `X-Amz-Expires`, and the session
    /// token appended after signing.
    #[must_use]
    pub const fn iot_websocket() -> Self {
        Self::new()
            .expires_param(false)
            .session_token(SessionTokenMode::AppendedUnsigned)
    }

    /// With the session token signed or appended unsigned.
    #[must_use]
    pub const fn session_token(mut self, mode: SessionTokenMode) -> Self {
        self.session_token = mode;
        self
    }
}
