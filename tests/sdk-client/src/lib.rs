//! What an SDK client keeps when it embeds awsig: its credentials (owned,
//! replaced on rotation) and a signing-key cache, in one struct that can be
//! a `static` and is shared by every thread that signs.

use std::sync::{Arc, RwLock};

use awsig::{Error, OwnedCredentials, Request, SigningTime, v4};

/// A client for one region and service.
pub struct Client {
    credentials: RwLock<Arc<OwnedCredentials>>,
    keys: v4::SharedKeyCache,
    region: String,
    service: String,
    settings: v4::SigningSettings,
}

impl Client {
    /// A client signing with `credentials` for `region` and `service`.
    pub fn new(credentials: OwnedCredentials, region: &str, service: &str) -> Self {
        Self {
            credentials: RwLock::new(Arc::new(credentials)),
            keys: v4::SharedKeyCache::new(),
            region: region.to_owned(),
            service: service.to_owned(),
            settings: v4::SigningSettings::for_service(service),
        }
    }

    /// Replaces the credentials (a refresh or a rotation): the next
    /// signature derives a new key.
    pub fn rotate(&self, credentials: OwnedCredentials) {
        *self.credentials.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(credentials);
    }

    fn current(&self) -> Arc<OwnedCredentials> {
        Arc::clone(&self.credentials.read().unwrap_or_else(|e| e.into_inner()))
    }

    /// The presigned request-target of `request`, valid `expires_in` seconds from `time`.
    pub fn presign(
        &self,
        request: &Request<'_>,
        expires_in: u32,
        time: SigningTime,
    ) -> Result<String, Error> {
        let owned = self.current();
        let creds = owned.as_credentials();
        let key = self.keys.key(&creds, time, &self.region, &self.service)?;
        let signer = v4::Signer::new(&key, &creds, time)?;
        awsig::with_buffer(|buf| {
            v4::presign(&signer, request, expires_in, &self.settings, buf).map(|p| p.to_string())
        })
    }

    /// The headers to add to `request` to sign it at `time`.
    pub fn sign_headers(
        &self,
        request: &Request<'_>,
        time: SigningTime,
    ) -> Result<Vec<(&'static str, String)>, Error> {
        let owned = self.current();
        let creds = owned.as_credentials();
        let key = self.keys.key(&creds, time, &self.region, &self.service)?;
        let signer = v4::Signer::new(&key, &creds, time)?;
        awsig::with_buffer(|buf| {
            v4::sign_headers(&signer, request, &self.settings, buf)
                .map(|h| h.headers().map(|(n, v)| (n, v.to_owned())).collect())
        })
    }

    /// How many signing keys the client has derived.
    pub fn derivations(&self) -> u64 {
        self.keys.derivations()
    }
}
