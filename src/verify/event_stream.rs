//! Checking the messages of a received event stream: each envelope's
//! framing and CRCs, its `:date` against the server's clock, and its
//! `:chunk-signature` against the one [`MessageSigner`] chains on the
//! previous signature (the first on the verified request's), compared in
//! constant time. See [`crate::v4::event_stream`].
//!
//! [`MessageSigner`]: crate::v4::event_stream::MessageSigner

use crate::ct::ct_eq;
use crate::digits::hex64;
use crate::inline::InlineStr;
use crate::v4::event_stream::{HeaderValue, Message, date_header_millis, payload_signature};
use crate::v4::{MAX_ACCESS_KEY_ID_LEN, Signature, SigningKey};
use crate::{Credentials, Error, SigningTime};

use super::{Policy, Rejection, SecretLookup};

/// A verified event-stream envelope.
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub struct VerifiedEvent<'m> {
    /// The inner message, as encoded ([`VerifiedEvent::decode`] reads it);
    /// empty for the message that ends the stream.
    pub message: &'m [u8],
    /// The envelope's signature: the next message chains on it.
    pub signature: Signature,
    /// The envelope's `:date` (whole seconds).
    pub time: SigningTime,
}

impl<'m> VerifiedEvent<'m> {
    /// Whether this is the empty message that ends the stream.
    #[must_use]
    pub fn is_end(&self) -> bool {
        self.message.is_empty()
    }

    /// The inner message, decoded.
    ///
    /// # Errors
    /// [`Error::MalformedEventMessage`], also for the end of the stream.
    pub fn decode(&self) -> Result<Message<'m>, Error> {
        Message::decode(self.message)
    }
}

/// The parts of a received envelope that are signed.
struct Envelope<'m> {
    signature: [u8; 32],
    millis: i64,
    time: SigningTime,
    message: &'m [u8],
}

fn put_once<T>(slot: &mut Option<T>, value: T) -> Result<(), Rejection> {
    match slot.replace(value) {
        Some(_) => Err(Rejection::DuplicateAuthParameter),
        None => Ok(()),
    }
}

/// Decodes an envelope: exactly a `:chunk-signature` (32 bytes) and a
/// `:date` (timestamp) header, around the inner message.
fn envelope(bytes: &[u8]) -> Result<Envelope<'_>, Error> {
    let message = Message::decode(bytes)?;
    let (mut signature, mut millis) = (None, None);
    for h in message.headers() {
        match (h.name, h.value) {
            (":chunk-signature", HeaderValue::ByteArray(b)) => put_once(
                &mut signature,
                <[u8; 32]>::try_from(b).map_err(|_| Rejection::MalformedSignature)?,
            )?,
            (":chunk-signature", _) => return Err(Rejection::MalformedSignature.into()),
            (":date", HeaderValue::Timestamp(ms)) => put_once(&mut millis, ms)?,
            (":date", _) => return Err(Rejection::MalformedDate.into()),
            _ => return Err(Rejection::MalformedAuthorization.into()),
        }
    }
    let signature = signature.ok_or(Rejection::MissingAuthParameter)?;
    let millis = millis.ok_or(Rejection::MissingAuthParameter)?;
    let time = SigningTime::from_unix_seconds(millis.div_euclid(1000))
        .map_err(|_| Rejection::MalformedDate)?;
    Ok(Envelope {
        signature,
        millis,
        time,
        message: message.payload(),
    })
}

/// The region and service the stream was opened for (the policy must say).
fn scope<'p>(policy: &Policy<'p>) -> Result<(&'p str, &'p str), Error> {
    let region = policy.region.ok_or(Error::InvalidRegion)?;
    let service = policy.service;
    Ok((region, service))
}

fn check_skew(time: SigningTime, policy: &Policy<'_>) -> Result<(), Rejection> {
    let skew = time.unix_seconds().abs_diff(policy.now.unix_seconds());
    if skew > u64::from(policy.max_skew) {
        return Err(Rejection::RequestTimeTooSkewed);
    }
    Ok(())
}

fn derive<'s, L: SecretLookup<'s> + ?Sized>(
    lookup: &L,
    access_key_id: &str,
    time: SigningTime,
    policy: &Policy<'_>,
) -> Result<SigningKey, Error> {
    let (region, service) = scope(policy)?;
    let secret = lookup
        .secret(access_key_id)
        .and_then(|s| s.secret_access_key)
        .ok_or(Rejection::UnknownAccessKey)?;
    let credentials = Credentials::new(access_key_id, secret, None)?;
    SigningKey::derive(&credentials, time, region, service)
}

/// Checks the envelope's signature with `key`; its signature on success.
fn check(key: &SigningKey, env: &Envelope<'_>, previous: &Signature) -> Result<Signature, Error> {
    let date = date_header_millis(env.millis);
    let raw = payload_signature(key, env.time, previous.as_str(), &date, env.message, None)?;
    if ct_eq(&raw, &env.signature) {
        Ok(Signature::from_hex(hex64(&raw)))
    } else {
        Err(Rejection::SignatureMismatch.into())
    }
}

/// Verifies one received event-stream envelope whose signature chains on
/// `previous` (the verified request's signature for the first message),
/// signed by `access_key_id` for the region and service of `policy`
/// (both required: the stream's request's), its `:date` within
/// `policy.max_skew` of `policy.now`. Derives the key every time:
/// [`EventVerifier`] keeps it for a whole stream.
///
/// ```
/// use awsig::v4::event_stream::MessageSigner;
/// use awsig::v4::{Signature, SigningKey};
/// use awsig::verify::{self, Policy, Rejection, Secret};
/// use awsig::{Credentials, SigningTime};
///
/// let creds = Credentials::new("AKIDEXAMPLE", "secret", None)?;
/// let t = SigningTime::parse_rfc3339("2026-12-03T12:00:00Z")?;
/// let key = SigningKey::derive(&creds, t, "us-east-1", "transcribe")?;
/// let seed = Signature::parse(&"ab".repeat(32))?; // the verified request's
/// let mut buf = [0u8; 256];
/// let sent = MessageSigner::new(&seed).sign(&key, b"inner message", t, &mut buf)?;
///
/// let lookup = |akid: &str| (akid == "AKIDEXAMPLE").then_some(Secret::new("secret", None));
/// let policy = Policy::new(t, "transcribe").region("us-east-1");
/// let event = verify::verify_event_message(sent.as_bytes(), &seed, "AKIDEXAMPLE", &lookup, &policy)?;
/// assert_eq!(event.message, b"inner message");
/// assert_eq!(event.signature, sent.signature());
/// // Chained on another signature: refused.
/// let err = verify::verify_event_message(sent.as_bytes(), &event.signature, "AKIDEXAMPLE", &lookup, &policy).unwrap_err();
/// assert_eq!(err.rejection(), Some(Rejection::SignatureMismatch));
/// # Ok::<(), awsig::Error>(())
/// ```
///
/// # Errors
/// [`Error::MalformedEventMessage`] for bytes that are not one message
/// (lengths, CRCs); [`Error::InvalidRegion`] / [`Error::InvalidService`]
/// when `policy` names no region or service; [`Error::Rejected`] with
/// [`Rejection::SignatureMismatch`], [`Rejection::RequestTimeTooSkewed`],
/// [`Rejection::UnknownAccessKey`], or [`Rejection::MissingAuthParameter`] /
/// [`Rejection::DuplicateAuthParameter`] / [`Rejection::MalformedSignature`] /
/// [`Rejection::MalformedDate`] / [`Rejection::MalformedAuthorization`] for
/// envelope headers other than one `:chunk-signature` and one `:date`.
pub fn verify_event_message<'m, 's, L: SecretLookup<'s> + ?Sized>(
    envelope_bytes: &'m [u8],
    previous: &Signature,
    access_key_id: &str,
    lookup: &L,
    policy: &Policy<'_>,
) -> Result<VerifiedEvent<'m>, Error> {
    let env = envelope(envelope_bytes)?;
    check_skew(env.time, policy)?;
    let key = derive(lookup, access_key_id, env.time, policy)?;
    let signature = check(&key, &env, previous)?;
    Ok(VerifiedEvent {
        message: env.message,
        signature,
        time: env.time,
    })
}

/// Checks the envelopes of a received event stream in order (for
/// servers), from the verified request's signature, keeping the derived
/// key between messages (derived again when the UTC day changes). After a
/// refused message every later one is refused too: the chain is broken.
///
/// ```
/// use awsig::v4::event_stream::{Header, HeaderValue, MessageSigner};
/// use awsig::v4::{Signature, SigningKey};
/// use awsig::verify::{EventVerifier, Policy, Rejection, Secret};
/// use awsig::{Credentials, SigningTime};
///
/// # let creds = Credentials::new("AKIDEXAMPLE", "secret", None)?;
/// # let t = SigningTime::parse_rfc3339("2026-12-03T12:00:00Z")?;
/// # let key = SigningKey::derive(&creds, t, "us-east-1", "transcribe")?;
/// let seed = Signature::parse(&"ab".repeat(32))?; // verify::verify's `signature`
/// let mut signer = MessageSigner::new(&seed);
/// let (mut a, mut b, mut end) = ([0u8; 256], [0u8; 256], [0u8; 128]);
/// let headers = [Header::new(":event-type", HeaderValue::String("AudioEvent"))];
/// let first = signer.sign_event(&key, &headers, b"one", t, &mut a)?;
/// let second = signer.sign_event(&key, &headers, b"two", t, &mut b)?;
/// let last = signer.close(&key, t, &mut end)?;
///
/// let lookup = |_: &str| Some(Secret::new("secret", None));
/// let policy = Policy::new(t, "transcribe").region("us-east-1");
/// let mut verifier = EventVerifier::new(&seed, "AKIDEXAMPLE")?;
/// assert_eq!(verifier.verify(first.as_bytes(), &lookup, &policy)?.decode()?.payload(), b"one");
/// assert_eq!(verifier.verify(second.as_bytes(), &lookup, &policy)?.decode()?.payload(), b"two");
/// assert!(verifier.verify(last.as_bytes(), &lookup, &policy)?.is_end());
///
/// // Replayed, reordered or changed messages break the chain.
/// let mut verifier = EventVerifier::new(&seed, "AKIDEXAMPLE")?;
/// let err = verifier.verify(second.as_bytes(), &lookup, &policy).unwrap_err();
/// assert_eq!(err.rejection(), Some(Rejection::SignatureMismatch));
/// assert!(verifier.verify(first.as_bytes(), &lookup, &policy).is_err());
/// # Ok::<(), awsig::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct EventVerifier {
    previous: Signature,
    access_key_id: InlineStr<MAX_ACCESS_KEY_ID_LEN>,
    key: Option<SigningKey>,
    failed: bool,
}

impl EventVerifier {
    /// Starts after the request that opened the stream, verified as
    /// signed by `access_key_id` with signature `seed`.
    ///
    /// # Errors
    /// [`Error::AccessKeyIdTooLong`].
    pub fn new(seed: &Signature, access_key_id: &str) -> Result<Self, Error> {
        Ok(Self {
            previous: *seed,
            access_key_id: InlineStr::new(access_key_id).ok_or(Error::AccessKeyIdTooLong)?,
            key: None,
            failed: false,
        })
    }

    /// The signature of the last message verified (the seed before any).
    #[must_use]
    pub fn previous_signature(&self) -> &Signature {
        &self.previous
    }

    /// Verifies the next envelope, as [`verify_event_message`] does; asks
    /// `lookup` for the secret only when it derives a key.
    ///
    /// # Errors
    /// As [`verify_event_message`]; [`Rejection::SignatureMismatch`] for
    /// every message after a refused one.
    pub fn verify<'m, 's, L: SecretLookup<'s> + ?Sized>(
        &mut self,
        envelope_bytes: &'m [u8],
        lookup: &L,
        policy: &Policy<'_>,
    ) -> Result<VerifiedEvent<'m>, Error> {
        if self.failed {
            return Err(Rejection::SignatureMismatch.into());
        }
        let result = self.next(envelope_bytes, lookup, policy);
        self.failed = result.is_err();
        result
    }

    fn next<'m, 's, L: SecretLookup<'s> + ?Sized>(
        &mut self,
        envelope_bytes: &'m [u8],
        lookup: &L,
        policy: &Policy<'_>,
    ) -> Result<VerifiedEvent<'m>, Error> {
        let env = envelope(envelope_bytes)?;
        check_skew(env.time, policy)?;
        let (region, service) = scope(policy)?;
        let reusable = self.key.as_ref().is_some_and(|k| {
            let s = k.scope();
            k.is_valid_at(env.time) && s.region == region && s.service == service
        });
        let key = match self.key.as_mut() {
            Some(key) if reusable => key,
            _ => self.key.insert(derive(
                lookup,
                self.access_key_id.as_str(),
                env.time,
                policy,
            )?),
        };
        let signature = check(key, &env, &self.previous)?;
        self.previous = signature;
        Ok(VerifiedEvent {
            message: env.message,
            signature,
            time: env.time,
        })
    }
}
