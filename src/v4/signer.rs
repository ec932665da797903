//! Who signs, and when: a derived key, the credentials it came from (for
//! the session token and expiry), and the signing time, checked together
//! once and then given to every SigV4/SigV4a signer.

use crate::v4::algorithm::KeyKind;
use crate::{Credentials, Error, SigningTime};

/// A key that signs SigV4-style requests: [`SigningKey`](crate::v4::SigningKey)
/// (`AWS4-HMAC-SHA256`) or, with feature `sigv4a`,
/// `V4aSigningKey` (`AWS4-ECDSA-P256-SHA256`). Sealed: the crate's two key
/// types are the only ones.
pub trait Key: KeyKind {}

impl Key for crate::v4::SigningKey {}

#[cfg(feature = "sigv4a")]
impl Key for crate::v4a::V4aSigningKey {}

/// A key, the session token and expiry of its credentials, and the signing
/// time: what every signer in [`v4`](crate::v4) and [`s3`](crate::s3) takes
/// first. Cheap to make (no hashing): make one per request, or per batch
/// of requests signed at the same time.
///
/// ```
/// use awsig::{Credentials, SigningTime, v4};
///
/// let creds = Credentials::new("AKIDEXAMPLE", "secret", Some("token"))?;
/// let time = SigningTime::parse_rfc3339("2015-08-30T12:36:00Z")?;
/// let key = v4::SigningKey::derive(&creds, time, "us-east-1", "sqs")?;
/// let signer = v4::Signer::new(&key, &creds, time)?;
/// assert_eq!(signer.session_token(), Some("token"));
///
/// // The key is for one UTC day, and for these credentials only.
/// let tomorrow = time.checked_add_seconds(86_400)?;
/// assert_eq!(v4::Signer::new(&key, &creds, tomorrow).unwrap_err(), awsig::Error::KeyScopeMismatch);
/// let other = Credentials::new("AKIDOTHER", "secret", None)?;
/// assert_eq!(v4::Signer::new(&key, &other, time).unwrap_err(), awsig::Error::KeyCredentialsMismatch);
/// # Ok::<(), awsig::Error>(())
/// ```
#[derive(Clone, Copy)]
pub struct Signer<'a, K: Key = crate::v4::SigningKey> {
    pub(crate) key: &'a K,
    pub(crate) session_token: Option<&'a str>,
    pub(crate) expires_at: Option<SigningTime>,
    pub(crate) time: SigningTime,
}

impl<'a, K: Key> Signer<'a, K> {
    /// Pairs `key` with the `credentials` it was derived from, to sign at
    /// `time`.
    ///
    /// # Errors
    /// [`Error::KeyCredentialsMismatch`] when the key was derived from
    /// another access key id; [`Error::KeyScopeMismatch`] when `time` is
    /// not on the key's UTC day (SigV4); [`Error::CredentialsExpired`] at
    /// or after the credentials' expiry.
    pub fn new(
        key: &'a K,
        credentials: &Credentials<'a>,
        time: SigningTime,
    ) -> Result<Self, Error> {
        if key.access_key_id() != credentials.access_key_id() {
            return Err(Error::KeyCredentialsMismatch);
        }
        key.check_time(time)?;
        let expires_at = match (key.expires_at(), credentials.expires_at()) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        if expires_at.is_some_and(|e| time >= e) {
            return Err(Error::CredentialsExpired);
        }
        Ok(Self {
            key,
            session_token: credentials.session_token(),
            expires_at,
            time,
        })
    }

    /// The key.
    #[must_use]
    pub fn key(&self) -> &'a K {
        self.key
    }

    /// The signing time.
    #[must_use]
    pub fn time(&self) -> SigningTime {
        self.time
    }

    /// The session token of the credentials, if any.
    #[must_use]
    pub fn session_token(&self) -> Option<&'a str> {
        self.session_token
    }

    /// When the credentials expire, if they do.
    #[must_use]
    pub fn expires_at(&self) -> Option<SigningTime> {
        self.expires_at
    }
}

impl<K: Key> core::fmt::Debug for Signer<'_, K> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Signer")
            .field("access_key_id", &self.key.access_key_id())
            .field("session_token", &self.session_token.map(|_| "<redacted>"))
            .field("expires_at", &self.expires_at)
            .field("time", &self.time)
            .finish_non_exhaustive()
    }
}
