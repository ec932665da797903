//! A signing-key cache: derive once per (secret, UTC day, region, service).
//!
//! Deriving a key costs four HMACs; signing with a derived key costs one
//! hash of the canonical request and one HMAC. A signer that signs many
//! requests keeps the key. The cache compares every part of the key's
//! identity, the secret included (a cache keyed on the access key id alone
//! signs with a stale secret after a rotation), and a new UTC day derives a
//! new key. See <https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html#derive-signing-key>.

use core::fmt;

use crate::v4::SigningKey;
use crate::{Credentials, Error, SigningTime};

/// One cached [`SigningKey`], re-derived when anything it depends on changes.
///
/// ```
/// use awsig::{Credentials, SigningTime, v4::KeyCache};
///
/// let creds = Credentials::new("AKIDEXAMPLE", "secret", None)?;
/// let mut cache = KeyCache::new();
/// let t = SigningTime::from_unix_seconds(1_600_000_000)?;
/// let first = cache.key(&creds, t, "us-east-1", "sqs")?.scope();
/// let later = cache.key(&creds, t.checked_add_seconds(60)?, "us-east-1", "sqs")?.scope();
/// assert_eq!(first, later); // same day: no new derivation
/// # Ok::<(), awsig::Error>(())
/// ```
#[derive(Clone, Default)]
pub struct KeyCache<'a> {
    entry: Option<(&'a str, SigningKey<'a>)>,
    derivations: u64,
}

impl<'a> KeyCache<'a> {
    /// An empty cache.
    #[must_use]
    pub const fn new() -> Self {
        Self {
            entry: None,
            derivations: 0,
        }
    }

    /// The key for these credentials at `time` (its UTC day), `region` and
    /// `service`, derived only if the cached one differs in any of them.
    ///
    /// # Errors
    /// As [`SigningKey::derive`].
    pub fn key(
        &mut self,
        credentials: &Credentials<'a>,
        time: SigningTime,
        region: &'a str,
        service: &'a str,
    ) -> Result<&SigningKey<'a>, Error> {
        let hit = self.entry.as_ref().is_some_and(|(secret, key)| {
            let scope = key.scope();
            *secret == credentials.secret_access_key()
                && key.access_key_id() == credentials.access_key_id()
                && key.session_token() == credentials.session_token()
                && key.expires_at() == credentials.expires_at()
                && scope.date == time.date_stamp()
                && scope.region == region
                && scope.service == service
        });
        if !hit {
            let key = SigningKey::derive(credentials, time, region, service)?;
            self.derivations += 1;
            self.entry = Some((credentials.secret_access_key(), key));
        }
        self.entry
            .as_ref()
            .map(|(_, key)| key)
            .ok_or(Error::KeyScopeMismatch)
    }

    /// How many keys this cache has derived (for tests and metrics).
    #[must_use]
    pub const fn derivations(&self) -> u64 {
        self.derivations
    }
}

impl fmt::Debug for KeyCache<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyCache")
            .field("key", &self.entry.as_ref().map(|(_, key)| key))
            .field("derivations", &self.derivations)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rederives_on_any_change() {
        let a = Credentials::new("AKID", "secret-one", None).unwrap();
        let rotated = Credentials::new("AKID", "secret-two", None).unwrap();
        let day = SigningTime::parse_rfc3339("2020-12-18T23:59:59Z").unwrap();
        let next_day = day.checked_add_seconds(1).unwrap();
        let mut cache = KeyCache::new();
        let k1 = cache.key(&a, day, "us-east-1", "sqs").unwrap().sign(b"x");
        assert_eq!(
            cache.key(&a, day, "us-east-1", "sqs").unwrap().sign(b"x"),
            k1
        );
        assert_eq!(cache.derivations(), 1);
        let k2 = cache
            .key(&rotated, day, "us-east-1", "sqs")
            .unwrap()
            .sign(b"x");
        assert_ne!(k1, k2, "a rotated secret must not reuse the old key");
        cache.key(&rotated, next_day, "us-east-1", "sqs").unwrap();
        cache.key(&rotated, next_day, "us-west-2", "sqs").unwrap();
        cache.key(&rotated, next_day, "us-west-2", "sns").unwrap();
        assert_eq!(cache.derivations(), 5);
        let s = alloc::format!("{cache:?}");
        assert!(!s.contains("secret-"), "{s}");
    }
}
