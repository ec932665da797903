//! The signing key: `HMAC("AWS4" + secret, date)`, then region, service and
//! `aws4_request`, each step keyed by the previous one.
//!
//! It is valid for every request of one UTC day, region and service. A
//! [`SigningKey`] keeps the HMAC state already keyed with it (the inner and
//! outer pads hashed once), so that each signature only pays for the blocks
//! of its string to sign. It carries the access key id and session token of
//! the credentials it came from, so it cannot be paired with the wrong ones.
//! See <https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html#derive-signing-key>.

use core::fmt;

use sha2::{Digest, Sha256};

use crate::mac::{HmacKey, HmacState, hmac, wipe};

use crate::credentials::is_scope_part;
use crate::inline::InlineStr;
use crate::v4::scope::{CredentialScope, TERMINATOR};
use crate::{Credentials, Error, SigningTime};

/// The longest access key id a key can hold: IAM's limit for `AccessKeyId`
/// (16 to 128 characters).
pub const MAX_ACCESS_KEY_ID_LEN: usize = 128;
/// The longest region name a key can hold (AWS's are under 20 characters;
/// S3-compatible stores choose their own).
pub const MAX_REGION_LEN: usize = 64;
/// The longest service signing name a key can hold (AWS's are under 30).
pub const MAX_SERVICE_LEN: usize = 64;

/// A derived SigV4 signing key, bound to an access key id and a credential
/// scope. It owns what it holds (no lifetime, no allocation: the names live
/// inline, up to [`MAX_ACCESS_KEY_ID_LEN`], [`MAX_REGION_LEN`] and
/// [`MAX_SERVICE_LEN`] bytes), so a client can keep it in its own struct,
/// share it between threads and clone it. Key material is wiped on drop
/// (feature `zeroize`, default).
///
/// The session token is not part of the key (it does not enter the
/// derivation): the signing functions take the [`Credentials`] beside the
/// key and check that both name the same access key id.
///
/// `Debug` shows the access key id and the scope, never key material.
///
/// ```
/// use awsig::{Credentials, SigningTime, v4::SigningKey};
///
/// let creds = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", None)?;
/// let time = SigningTime::parse_rfc3339("2015-08-30T12:36:00Z")?;
/// let key = SigningKey::derive(&creds, time, "us-east-1", "iam")?;
/// assert_eq!(key.scope().to_string(), "20150830/us-east-1/iam/aws4_request");
/// assert!(key.is_valid_at(time) && !key.is_valid_at(time.checked_add_seconds(86_400)?));
/// # Ok::<(), awsig::Error>(())
/// ```
#[derive(Clone)]
pub struct SigningKey {
    access_key_id: InlineStr<MAX_ACCESS_KEY_ID_LEN>,
    region: InlineStr<MAX_REGION_LEN>,
    service: InlineStr<MAX_SERVICE_LEN>,
    date: crate::time::DateStamp,
    expires_at: Option<SigningTime>,
    mac: HmacKey,
}

impl SigningKey {
    /// Derives the key for the UTC day of `time`, `region` and `service`.
    ///
    /// # Errors
    /// [`Error::InvalidRegion`] / [`Error::InvalidService`] when empty or
    /// holding characters other than `A-Z a-z 0-9 - _ . ~`;
    /// [`Error::NameTooLong`] past the inline capacities;
    /// [`Error::CredentialsExpired`] when the credentials expire at or
    /// before `time`.
    pub fn derive(
        credentials: &Credentials<'_>,
        time: SigningTime,
        region: &str,
        service: &str,
    ) -> Result<Self, Error> {
        if !is_scope_part(region) {
            return Err(Error::InvalidRegion);
        }
        if !is_scope_part(service) {
            return Err(Error::InvalidService);
        }
        if credentials.expires_at().is_some_and(|e| time >= e) {
            return Err(Error::CredentialsExpired);
        }
        let access_key_id =
            InlineStr::new(credentials.access_key_id()).ok_or(Error::AccessKeyIdTooLong)?;
        let region_text = InlineStr::new(region).ok_or(Error::NameTooLong)?;
        let service_text = InlineStr::new(service).ok_or(Error::NameTooLong)?;
        let date = time.date_stamp();
        let mut k_date = hmac_aws4_secret(credentials.secret_access_key(), date.as_bytes());
        let mut k_region = hmac(&k_date, region.as_bytes());
        let mut k_service = hmac(&k_region, service.as_bytes());
        let mut k_signing = hmac(&k_service, TERMINATOR.as_bytes());
        let mac = HmacKey::new(&k_signing);
        for k in [&mut k_date, &mut k_region, &mut k_service, &mut k_signing] {
            wipe(k);
        }
        Ok(Self {
            access_key_id,
            region: region_text,
            service: service_text,
            date,
            expires_at: credentials.expires_at(),
            mac,
        })
    }

    /// The access key id of the credentials.
    #[must_use]
    pub fn access_key_id(&self) -> &str {
        self.access_key_id.as_str()
    }

    /// The credential scope the key was derived for.
    #[must_use]
    pub fn scope(&self) -> CredentialScope<'_> {
        CredentialScope {
            date: self.date,
            region: self.region.as_str(),
            service: self.service.as_str(),
        }
    }

    pub(crate) fn date(&self) -> &crate::time::DateStamp {
        &self.date
    }

    pub(crate) fn region(&self) -> &str {
        self.region.as_str()
    }

    pub(crate) fn service(&self) -> &str {
        self.service.as_str()
    }

    /// Whether the key can sign at `time`: the same UTC day, and before the
    /// credentials it came from expire.
    #[must_use]
    pub fn is_valid_at(&self, time: SigningTime) -> bool {
        self.check_time(time).is_ok()
    }

    /// When the credentials the key came from expire, if they do.
    #[must_use]
    pub fn expires_at(&self) -> Option<SigningTime> {
        self.expires_at
    }

    pub(crate) fn check_time(&self, time: SigningTime) -> Result<(), Error> {
        if self.date != time.date_stamp() {
            return Err(Error::KeyScopeMismatch);
        }
        if self.expires_at.is_some_and(|e| time >= e) {
            return Err(Error::CredentialsExpired);
        }
        Ok(())
    }

    /// A fresh HMAC computation keyed with the signing key.
    pub(crate) fn mac(&self) -> HmacState {
        self.mac.start()
    }

    /// `HMAC(signing key, message)`, raw bytes.
    #[must_use]
    pub fn sign(&self, message: &[u8]) -> [u8; 32] {
        self.mac.mac(message)
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningKey")
            .field("access_key_id", &self.access_key_id)
            .field("scope", &self.scope())
            .field("expires_at", &self.expires_at)
            .field("key", &"<redacted>")
            .finish()
    }
}

/// An HMAC key `prefix + secret`, as one 64-byte block: assembled on the
/// stack when it fits, else replaced by its SHA-256 as HMAC itself does
/// (RFC 2104), so no allocation is needed for any secret length.
pub(crate) fn hmac_key_with_prefix(prefix: &[u8], secret: &str) -> [u8; 64] {
    let mut block = [0u8; 64];
    let len = prefix.len().saturating_add(secret.len());
    match block.get_mut(..len) {
        Some(key) => {
            let (p, rest) = key.split_at_mut(prefix.len());
            p.copy_from_slice(prefix);
            rest.copy_from_slice(secret.as_bytes());
        }
        None => {
            let mut s = Sha256::new();
            s.update(prefix);
            s.update(secret.as_bytes());
            let mut digest: [u8; 32] = s.finalize().into();
            for (dst, src) in block.iter_mut().zip(digest) {
                *dst = src;
            }
            wipe(&mut digest);
        }
    }
    // Zero-padded to the block, this is the same HMAC key (RFC 2104).
    block
}

/// `HMAC("AWS4" + secret, data)`.
fn hmac_aws4_secret(secret: &str, data: &[u8]) -> [u8; 32] {
    let mut key = hmac_key_with_prefix(b"AWS4", secret);
    let out = hmac(&key, data);
    wipe(&mut key);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key_hex(secret: &str, date: &str, region: &str, service: &str) -> alloc::string::String {
        let k_date = hmac_aws4_secret(secret, date.as_bytes());
        let k = hmac(
            &hmac(&hmac(&k_date, region.as_bytes()), service.as_bytes()),
            b"aws4_request",
        );
        alloc::string::String::from_utf8(crate::digits::hex64(&k).to_vec()).unwrap()
    }

    /// What a client keeps must be ownable and shareable: no lifetime,
    /// `Send + Sync + Clone`.
    #[test]
    fn keys_and_caches_are_owned_and_shareable() {
        fn owned_shareable<T: Send + Sync + Clone + 'static>() {}
        owned_shareable::<SigningKey>();
        owned_shareable::<crate::v4::KeyCache>();
        #[cfg(feature = "sigv4a")]
        owned_shareable::<crate::v4a::V4aSigningKey>();
        #[cfg(feature = "std")]
        {
            fn shareable<T: Send + Sync + 'static>() {}
            shareable::<crate::v4::SharedKeyCache>();
        }
    }

    /// The error messages name the limits (written out there, since the
    /// error types sit below the keys).
    #[test]
    fn too_long_messages_name_the_limits() {
        let akid = alloc::format!("{}", Error::AccessKeyIdTooLong);
        assert!(
            akid.contains(&alloc::format!("{MAX_ACCESS_KEY_ID_LEN} bytes")),
            "{akid}"
        );
        let name = alloc::format!("{}", Error::NameTooLong);
        let want = alloc::format!("{MAX_REGION_LEN}, 256 and {MAX_SERVICE_LEN} bytes");
        assert!(name.contains(&want), "{name}");
        #[cfg(feature = "sigv4a")]
        assert_eq!(crate::v4a::MAX_REGION_SET_LEN, 256);
    }

    #[test]
    fn derives_aws_documented_key() {
        // AWS's example in "Examples of how to derive a signing key for Signature Version 4".
        assert_eq!(
            key_hex(
                "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                "20120215",
                "us-east-1",
                "iam"
            ),
            "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d"
        );
    }

    #[test]
    fn long_secrets_follow_rfc2104() {
        let long = "x".repeat(200);
        let mut concat = alloc::string::String::from("AWS4");
        concat.push_str(&long);
        assert_eq!(hmac_aws4_secret(&long, b"d"), hmac(concat.as_bytes(), b"d"));
        let edge = "y".repeat(60); // exactly one block with the prefix
        let mut concat = alloc::string::String::from("AWS4");
        concat.push_str(&edge);
        assert_eq!(hmac_aws4_secret(&edge, b"d"), hmac(concat.as_bytes(), b"d"));
    }

    #[test]
    fn debug_hides_key_material() {
        let c = Credentials::new("AKID", "SECRETSECRET", Some("TOKENTOKEN")).unwrap();
        let t = SigningTime::from_unix_seconds(0).unwrap();
        let k = SigningKey::derive(&c, t, "us-east-1", "s3").unwrap();
        let s = alloc::format!("{k:?}");
        assert!(s.contains("AKID") && !s.contains("SECRETSECRET") && !s.contains("TOKENTOKEN"));
        let long = "r".repeat(MAX_REGION_LEN + 1);
        assert_eq!(
            SigningKey::derive(&c, t, &long, "s3").unwrap_err(),
            Error::NameTooLong
        );
        assert!(SigningKey::derive(&c, t, &long[1..], "s3").is_ok());
        assert_eq!(
            SigningKey::derive(&c, t, "", "s3").unwrap_err(),
            Error::InvalidRegion
        );
        assert_eq!(
            SigningKey::derive(&c, t, "us/east", "s3").unwrap_err(),
            Error::InvalidRegion
        );
        assert_eq!(
            SigningKey::derive(&c, t, "us-east-1", "s 3").unwrap_err(),
            Error::InvalidService
        );
    }
}
