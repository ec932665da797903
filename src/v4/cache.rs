//! A signing-key cache: derive once per (secret, UTC day, region, service).
//!
//! Deriving a key costs four HMACs; signing with a derived key costs one
//! hash of the canonical request and one HMAC. A signer that signs many
//! requests keeps the key. The cache compares every part of the key's
//! identity, the secret included (a cache keyed on the access key id alone
//! signs with a stale secret after a rotation), and a new UTC day derives a
//! new key. See <https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html#derive-signing-key>.

use core::fmt;

use crate::mac::{sha256, wipe};
use crate::v4::SigningKey;
use crate::{Credentials, Error, SigningTime};

/// One cached [`SigningKey`], re-derived when anything it depends on
/// changes: the UTC day, the region, the service, or the credentials (the
/// access key id, the secret and the expiry). It owns everything it holds,
/// so a client keeps it for its lifetime; with `std`, `SharedKeyCache`
/// is the same behind a lock, for clients shared between threads.
///
/// ```
/// use awsig::{Credentials, SigningTime, v4::KeyCache};
///
/// let creds = Credentials::new("AKIDEXAMPLE", "secret", None)?;
/// let mut cache = KeyCache::new();
/// let t = SigningTime::from_unix_seconds(1_600_000_000)?;
/// let first = cache.key(&creds, t, "us-east-1", "sqs")?.scope().to_string();
/// let later = cache.key(&creds, t.checked_add_seconds(60)?, "us-east-1", "sqs")?.scope().to_string();
/// assert_eq!(first, later);
/// assert_eq!(cache.derivations(), 1); // same day: derived once
/// # Ok::<(), awsig::Error>(())
/// ```
#[derive(Clone, Default)]
pub struct KeyCache {
    entry: Option<(SecretId, SigningKey)>,
    derivations: u64,
}

impl KeyCache {
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
    /// As [`SigningKey::derive`]; [`Error::CredentialsExpired`] at or after
    /// the credentials' expiry.
    pub fn key(
        &mut self,
        credentials: &Credentials<'_>,
        time: SigningTime,
        region: &str,
        service: &str,
    ) -> Result<&SigningKey, Error> {
        let hit = self
            .entry
            .as_ref()
            .is_some_and(|(secret, key)| matches(secret, key, credentials, time, region, service));
        if !hit {
            let key = SigningKey::derive(credentials, time, region, service)?;
            self.derivations = self.derivations.saturating_add(1);
            self.entry = Some((SecretId::of(credentials.secret_access_key()), key));
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

/// Whether `key` (derived from a secret identified by `secret`) is the key
/// for these inputs, and still valid at `time`.
fn matches(
    secret: &SecretId,
    key: &SigningKey,
    credentials: &Credentials<'_>,
    time: SigningTime,
    region: &str,
    service: &str,
) -> bool {
    let scope = key.scope();
    key.access_key_id() == credentials.access_key_id()
        && key.expires_at() == credentials.expires_at()
        && scope.region == region
        && scope.service == service
        && key.is_valid_at(time)
        && secret.is(credentials.secret_access_key())
}

impl fmt::Debug for KeyCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyCache")
            .field("key", &self.entry.as_ref().map(|(_, key)| key))
            .field("derivations", &self.derivations)
            .finish()
    }
}

/// What the cache remembers of the secret a key was derived from, to tell
/// a rotated secret from the same one: the secret itself when it fits
/// (every AWS secret access key does: 40 characters), else its SHA-256.
/// The two cannot be confused (the length is kept, and only secrets longer
/// than the inline room are hashed). Wiped on drop.
#[derive(Clone)]
struct SecretId {
    bytes: [u8; SECRET_ROOM],
    len: usize,
}

const SECRET_ROOM: usize = 128;

impl SecretId {
    fn of(secret: &str) -> Self {
        let mut bytes = [0u8; SECRET_ROOM];
        match bytes.get_mut(..secret.len()) {
            Some(dst) => dst.copy_from_slice(secret.as_bytes()),
            None => {
                let mut digest = hash(secret);
                for (dst, src) in bytes.iter_mut().zip(digest) {
                    *dst = src;
                }
                wipe(&mut digest);
            }
        }
        Self {
            bytes,
            len: secret.len(),
        }
    }

    /// Compared in constant time for a given length.
    fn is(&self, secret: &str) -> bool {
        if secret.len() != self.len {
            return false;
        }
        match self.bytes.get(..secret.len()) {
            Some(kept) => crate::ct::ct_eq(kept, secret.as_bytes()),
            None => {
                let mut digest = hash(secret);
                let same = crate::ct::ct_eq(self.bytes.get(..32).unwrap_or_default(), &digest);
                wipe(&mut digest);
                same
            }
        }
    }
}

fn hash(secret: &str) -> [u8; 32] {
    sha256(secret.as_bytes())
}

impl Drop for SecretId {
    fn drop(&mut self) {
        wipe(&mut self.bytes);
    }
}

/// A [`KeyCache`] behind a lock, for a client shared between threads
/// (feature `std`). [`key`](Self::key) returns a copy of the cached key, so
/// no lock is held while signing.
///
/// ```
/// use awsig::{Credentials, SigningTime, v4::SharedKeyCache};
///
/// static CACHE: SharedKeyCache = SharedKeyCache::new();
/// let creds = Credentials::new("AKIDEXAMPLE", "secret", None)?;
/// let t = SigningTime::from_unix_seconds(1_600_000_000)?;
/// std::thread::scope(|s| {
///     for _ in 0..4 {
///         s.spawn(|| CACHE.key(&creds, t, "us-east-1", "sqs").map(|_| ()));
///     }
/// });
/// assert!(CACHE.derivations() >= 1);
/// # Ok::<(), awsig::Error>(())
/// ```
#[cfg(feature = "std")]
#[derive(Default)]
pub struct SharedKeyCache {
    inner: std::sync::RwLock<KeyCache>,
}

#[cfg(feature = "std")]
impl SharedKeyCache {
    /// An empty cache.
    #[must_use]
    pub const fn new() -> Self {
        Self {
            inner: std::sync::RwLock::new(KeyCache::new()),
        }
    }

    /// As [`KeyCache::key`]: a read lock when the cached key fits, a write
    /// lock to derive a new one.
    ///
    /// # Errors
    /// As [`KeyCache::key`].
    pub fn key(
        &self,
        credentials: &Credentials<'_>,
        time: SigningTime,
        region: &str,
        service: &str,
    ) -> Result<SigningKey, Error> {
        {
            // A poisoned lock only means a panic elsewhere while it was held;
            // the cache's state is a whole key or none, so it stays usable.
            let cache = self.inner.read().unwrap_or_else(|e| e.into_inner());
            if let Some((secret, key)) = &cache.entry
                && matches(secret, key, credentials, time, region, service)
            {
                return Ok(key.clone());
            }
        }
        let mut cache = self.inner.write().unwrap_or_else(|e| e.into_inner());
        cache.key(credentials, time, region, service).cloned()
    }

    /// How many keys this cache has derived.
    #[must_use]
    pub fn derivations(&self) -> u64 {
        self.inner
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .derivations()
    }
}

#[cfg(feature = "std")]
impl fmt::Debug for SharedKeyCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.inner.try_read() {
            Ok(cache) => fmt::Debug::fmt(&*cache, f),
            Err(_) => f.write_str("SharedKeyCache { <locked> }"),
        }
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
        // A secret too long to keep inline is told apart by its hash.
        let long_a = "a".repeat(SECRET_ROOM + 1);
        let long_b = "b".repeat(SECRET_ROOM + 1);
        let a = Credentials::new("AKID", &long_a, None).unwrap();
        let b = Credentials::new("AKID", &long_b, None).unwrap();
        cache.key(&a, day, "us-east-1", "sqs").unwrap();
        cache.key(&a, day, "us-east-1", "sqs").unwrap();
        assert_eq!(cache.derivations(), 6);
        cache.key(&b, day, "us-east-1", "sqs").unwrap();
        assert_eq!(cache.derivations(), 7);
    }

    #[test]
    fn refuses_expired_credentials_and_rederives_on_new_expiry() {
        let t = SigningTime::parse_rfc3339("2020-12-18T12:00:00Z").unwrap();
        let end = t.checked_add_seconds(60).unwrap();
        let creds = Credentials::new("AKID", "s", Some("tok"))
            .unwrap()
            .with_expiry(end);
        let mut cache = KeyCache::new();
        assert!(
            cache
                .key(&creds, t, "us-east-1", "sqs")
                .unwrap()
                .is_valid_at(t)
        );
        assert!(
            !cache
                .key(&creds, t, "us-east-1", "sqs")
                .unwrap()
                .is_valid_at(end)
        );
        assert_eq!(
            cache.key(&creds, end, "us-east-1", "sqs").unwrap_err(),
            Error::CredentialsExpired
        );
        let renewed = creds.with_expiry(end.checked_add_seconds(3600).unwrap());
        cache.key(&renewed, end, "us-east-1", "sqs").unwrap();
        assert_eq!(cache.derivations(), 2);
    }
}
