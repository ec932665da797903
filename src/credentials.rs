//! The credential triple: access key id, secret access key, optional session
//! token. Borrowed from the caller, never copied, never printed.
//!
//! Temporary credentials (from STS) carry a session token; where it goes is
//! the scheme's business: the `X-Amz-Security-Token` header or query
//! parameter for SigV4, the `SecurityToken` parameter for SigV2. See
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_use-resources.html>.

use core::fmt;

use crate::Error;

/// A borrowed credential triple.
///
/// `Debug` shows the access key id only; the secret and the session token are
/// redacted.
///
/// ```
/// let creds = awsig::Credentials::new("AKIDEXAMPLE", "secret", None)?;
/// assert_eq!(format!("{creds:?}"), r#"Credentials { access_key_id: "AKIDEXAMPLE", secret_access_key: "<redacted>", session_token: None, expires_at: None }"#);
/// # Ok::<(), awsig::Error>(())
/// ```
#[derive(Clone, Copy)]
pub struct Credentials<'a> {
    access_key_id: &'a str,
    secret_access_key: &'a str,
    session_token: Option<&'a str>,
    expires_at: Option<crate::SigningTime>,
}

impl<'a> Credentials<'a> {
    /// Checks and borrows a credential triple.
    ///
    /// # Errors
    /// [`Error::InvalidAccessKeyId`] when the access key id is empty or holds
    /// `/`, `,`, whitespace or a non-printable character (it is written into
    /// `Credential=AKID/...`); [`Error::EmptySecretAccessKey`];
    /// [`Error::InvalidSessionToken`] when the token is empty or holds a
    /// control character (it travels in a header).
    pub fn new(
        access_key_id: &'a str,
        secret_access_key: &'a str,
        session_token: Option<&'a str>,
    ) -> Result<Self, Error> {
        if !is_scope_part(access_key_id) {
            return Err(Error::InvalidAccessKeyId);
        }
        if secret_access_key.is_empty() {
            return Err(Error::EmptySecretAccessKey);
        }
        if let Some(token) = session_token
            && (token.is_empty() || token.bytes().any(|b| b < 0x20 || b == 0x7f))
        {
            return Err(Error::InvalidSessionToken);
        }
        Ok(Self {
            access_key_id,
            secret_access_key,
            session_token,
            expires_at: None,
        })
    }

    /// The same credentials, valid until `expires_at` (temporary credentials
    /// from STS carry an `Expiration`). Signing at or after it fails, and a
    /// presigned URL may not outlive it (see
    /// [`SigningSettings::clamp_expires_to_credentials`](crate::v4::SigningSettings::clamp_expires_to_credentials)).
    #[must_use]
    pub const fn with_expiry(mut self, expires_at: crate::SigningTime) -> Self {
        self.expires_at = Some(expires_at);
        self
    }

    /// When the credentials expire, if they do.
    #[must_use]
    pub const fn expires_at(&self) -> Option<crate::SigningTime> {
        self.expires_at
    }

    /// The access key id (public: it is sent with every request).
    #[must_use]
    pub fn access_key_id(&self) -> &'a str {
        self.access_key_id
    }

    /// The session token of temporary credentials, if any.
    #[must_use]
    pub fn session_token(&self) -> Option<&'a str> {
        self.session_token
    }

    /// The secret access key. Only key derivation needs it.
    pub(crate) fn secret_access_key(&self) -> &'a str {
        self.secret_access_key
    }
}

impl fmt::Debug for Credentials<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"<redacted>")
            .field("session_token", &self.session_token.map(|_| "<redacted>"))
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

/// Credentials a client owns and keeps (feature `alloc`): the same checks
/// as [`Credentials`], the strings on the heap, the secret and the token
/// wiped when dropped (feature `zeroize`). [`as_credentials`](Self::as_credentials)
/// lends them to the signers.
///
/// ```
/// use awsig::{OwnedCredentials, SigningTime};
///
/// let expiry = SigningTime::parse_rfc3339("2026-12-03T13:00:00Z")?;
/// let creds = OwnedCredentials::new("ASIAEXAMPLE".into(), "secret".into(), Some("token".into()))?
///     .with_expiry(expiry);
/// assert_eq!(creds.as_credentials().session_token(), Some("token"));
/// assert!(!format!("{creds:?}").contains("secret\""));
/// # Ok::<(), awsig::Error>(())
/// ```
#[cfg(feature = "alloc")]
#[derive(Clone)]
pub struct OwnedCredentials {
    access_key_id: alloc::string::String,
    secret_access_key: alloc::string::String,
    session_token: Option<alloc::string::String>,
    expires_at: Option<crate::SigningTime>,
}

#[cfg(feature = "alloc")]
impl OwnedCredentials {
    /// Checks and keeps a credential triple.
    ///
    /// # Errors
    /// As [`Credentials::new`].
    pub fn new(
        access_key_id: alloc::string::String,
        secret_access_key: alloc::string::String,
        session_token: Option<alloc::string::String>,
    ) -> Result<Self, Error> {
        Credentials::new(&access_key_id, &secret_access_key, session_token.as_deref())?;
        Ok(Self {
            access_key_id,
            secret_access_key,
            session_token,
            expires_at: None,
        })
    }

    /// The same credentials, valid until `expires_at`.
    #[must_use]
    pub fn with_expiry(mut self, expires_at: crate::SigningTime) -> Self {
        self.expires_at = Some(expires_at);
        self
    }

    /// The borrowed view the signers take.
    #[must_use]
    pub fn as_credentials(&self) -> Credentials<'_> {
        Credentials {
            access_key_id: &self.access_key_id,
            secret_access_key: &self.secret_access_key,
            session_token: self.session_token.as_deref(),
            expires_at: self.expires_at,
        }
    }
}

#[cfg(feature = "alloc")]
impl fmt::Debug for OwnedCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.as_credentials(), f)
    }
}

#[cfg(feature = "alloc")]
impl Drop for OwnedCredentials {
    fn drop(&mut self) {
        // Each secret string's own allocation, zeroed before it is freed.
        for text in [
            Some(&mut self.secret_access_key),
            self.session_token.as_mut(),
        ]
        .into_iter()
        .flatten()
        {
            let mut bytes = core::mem::take(text).into_bytes();
            crate::mac::wipe(&mut bytes);
        }
    }
}

/// Whether `s` can stand as one `/`-separated part of a credential scope
/// (`AKID/20150830/us-east-1/service/aws4_request`): non-empty, RFC 3986
/// unreserved characters only (`A-Z a-z 0-9 - _ . ~`). Every access key id,
/// region and service name AWS issues fits, and such a part reads the same
/// in the `Authorization` header and, unencoded, in `X-Amz-Credential`, so a
/// verifier parses exactly what a signer wrote.
pub(crate) fn is_scope_part(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(crate::encode::is_unreserved)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_bad_parts() {
        assert_eq!(
            Credentials::new("", "s", None).unwrap_err(),
            Error::InvalidAccessKeyId
        );
        assert_eq!(
            Credentials::new("A/B", "s", None).unwrap_err(),
            Error::InvalidAccessKeyId
        );
        assert_eq!(
            Credentials::new("A B", "s", None).unwrap_err(),
            Error::InvalidAccessKeyId
        );
        assert_eq!(
            Credentials::new("AK", "", None).unwrap_err(),
            Error::EmptySecretAccessKey
        );
        assert_eq!(
            Credentials::new("AK", "s", Some("")).unwrap_err(),
            Error::InvalidSessionToken
        );
        assert_eq!(
            Credentials::new("AK", "s", Some("a\nb")).unwrap_err(),
            Error::InvalidSessionToken
        );
    }

    #[test]
    fn debug_redacts() {
        let c = Credentials::new("AKID", "topsecretvalue", Some("tokenvalue")).unwrap();
        let s = alloc_fmt(&c);
        assert!(s.contains("AKID"));
        assert!(!s.contains("topsecretvalue"));
        assert!(!s.contains("tokenvalue"));
    }

    fn alloc_fmt(c: &Credentials<'_>) -> alloc::string::String {
        alloc::format!("{c:?}")
    }
}
