//! S3 presigned POST: a policy document, signed, that lets a browser upload
//! straight to S3 with an HTML form.
//!
//! The policy is JSON: an `expiration` and a list of `conditions` the form
//! must meet (bucket, key or key prefix, `content-length-range`, `acl`,
//! `x-amz-meta-*` ...) plus the signing fields themselves. It is base64
//! encoded into the form field `Policy`, and `X-Amz-Signature` is the
//! HMAC-SHA256 of that base64 text with the SigV4 signing key (S3, the day
//! of `X-Amz-Date`). See
//! <https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-HTTPPOSTConstructPolicy.html>.
//!
//! [`presign_post`] writes the policy the way botocore's
//! `generate_presigned_post` does (same key order, separators and `\uXXXX`
//! escapes), so the same inputs give the same bytes and signature;
//! [`sign_policy`] signs a policy the caller wrote. For a directory bucket
//! (S3 Express One Zone) signed with the credentials of `CreateSession`,
//! [`PostPolicy::s3express_session`] names the session token
//! `X-Amz-S3session-Token`, as botocore's `S3ExpressPostAuth` does.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use crate::Error;
use crate::digits::{Digits, hex64};
use crate::sink::{OutBuf, Sink};
use crate::v4::{ALGORITHM, Signer, SigningKey};

/// One condition of a POST policy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Condition<'a> {
    /// `{"name": "value"}`: the form field must equal the value.
    Equals(&'a str, &'a str),
    /// `["starts-with", "$name", "prefix"]`: the field must start with the prefix
    /// (an empty prefix allows any value).
    StartsWith(&'a str, &'a str),
    /// `["content-length-range", min, max]`: the upload's size in bytes.
    ContentLengthRange(u64, u64),
}

/// The key of the uploaded object.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyCondition<'a> {
    /// Exactly this key.
    Exact(&'a str),
    /// Any key starting with this prefix; the form's `key` field is
    /// `prefix${filename}` (the browser substitutes the file name).
    Prefix(&'a str),
}

/// What a presigned POST allows.
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub struct PostPolicy<'a> {
    /// The bucket.
    pub bucket: &'a str,
    /// The key or key prefix.
    pub key: KeyCondition<'a>,
    /// How long the form may be used, seconds from the signing time.
    pub expires_in: u32,
    /// More conditions, before the bucket and key in the policy.
    pub conditions: &'a [Condition<'a>],
    /// Extra form fields to send as they are (`acl`, `success_action_status`,
    /// `x-amz-meta-*` ...); each needs a matching condition.
    pub fields: &'a [(&'a str, &'a str)],
    /// S3 Express One Zone session auth: the session token (of
    /// `CreateSession`) goes in the field and condition
    /// `X-Amz-S3session-Token` instead of `x-amz-security-token`.
    pub s3express_session: bool,
}

impl<'a> PostPolicy<'a> {
    /// A policy for `bucket` and `key`, valid for `expires_in` seconds.
    #[must_use]
    pub const fn new(bucket: &'a str, key: KeyCondition<'a>, expires_in: u32) -> Self {
        Self {
            bucket,
            key,
            expires_in,
            conditions: &[],
            fields: &[],
            s3express_session: false,
        }
    }

    /// For a directory bucket, signed with the credentials that
    /// `CreateSession` returned (service `s3express`): the session token
    /// goes as `X-Amz-S3session-Token`.
    ///
    /// ```
    /// use awsig::s3::{self, KeyCondition, PostPolicy};
    /// use awsig::{Credentials, SigningTime, v4};
    ///
    /// let creds = Credentials::new("ASIASESSIONEXAMPLE", "sessionsecret", Some("session-token"))?;
    /// let time = SigningTime::parse_rfc3339("2024-05-01T10:00:00Z")?;
    /// let key = v4::SigningKey::derive(&creds, time, "us-west-2", "s3express")?;
    /// let bucket = "bucket--usw2-az1--x-s3";
    /// let policy = PostPolicy::new(bucket, KeyCondition::Exact("a.txt"), 600).s3express_session(true);
    /// let mut buf = [0u8; 2048];
    /// let post = s3::presign_post(&v4::Signer::new(&key, &creds, time)?, &policy, &mut buf)?;
    /// assert!(post.fields().any(|f| f == ("X-Amz-S3session-Token", "session-token")));
    /// assert!(post.policy_json().ends_with(r#"{"X-Amz-S3session-Token": "session-token"}]}"#));
    /// # Ok::<(), awsig::Error>(())
    /// ```
    #[must_use]
    pub const fn s3express_session(mut self, on: bool) -> Self {
        self.s3express_session = on;
        self
    }

    /// With these extra conditions.
    #[must_use]
    pub const fn conditions(mut self, conditions: &'a [Condition<'a>]) -> Self {
        self.conditions = conditions;
        self
    }

    /// With these extra form fields.
    #[must_use]
    pub const fn fields(mut self, fields: &'a [(&'a str, &'a str)]) -> Self {
        self.fields = fields;
        self
    }
}

/// A signed POST policy and the form fields to send, in the caller's buffer.
///
/// `Debug` hides the session token (also inside the policy).
#[derive(Clone, Copy)]
#[must_use]
pub struct PresignedPost<'o, 'a> {
    fields: &'a [(&'a str, &'a str)],
    key_field: &'o str,
    credential: &'o str,
    date: crate::time::AmzDate,
    token: Option<&'a str>,
    token_field: &'static str,
    policy_json: &'o str,
    policy: &'o str,
    signature: [u8; 64],
}

impl<'o, 'a> PresignedPost<'o, 'a> {
    /// The policy document (JSON) that was signed.
    #[must_use]
    pub fn policy_json(&self) -> &'o str {
        self.policy_json
    }

    /// The base64 policy (the `Policy` field).
    #[must_use]
    pub fn policy(&self) -> &'o str {
        self.policy
    }

    /// The hex signature (the `X-Amz-Signature` field).
    #[must_use]
    pub fn signature(&self) -> &str {
        core::str::from_utf8(&self.signature).unwrap_or_default()
    }

    /// The form fields, in the order a form sends them; the file input
    /// must come after all of them.
    pub fn fields(&self) -> impl Iterator<Item = (&str, &str)> {
        self.fields.iter().copied().chain(
            [
                Some(("key", self.key_field)),
                Some(("x-amz-algorithm", ALGORITHM)),
                Some(("x-amz-credential", self.credential)),
                Some(("x-amz-date", self.date.as_str())),
                self.token.map(|t| (self.token_field, t)),
                Some(("policy", self.policy)),
                Some(("x-amz-signature", self.signature())),
            ]
            .into_iter()
            .flatten(),
        )
    }
}

impl core::fmt::Debug for PresignedPost<'_, '_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("PresignedPost")
            .field("key", &self.key_field)
            .field("credential", &self.credential)
            .field("date", &self.date)
            .field("security_token", &self.token.map(|_| "<redacted>"))
            .field("policy_len", &self.policy.len())
            .field("signature", &self.signature())
            .finish_non_exhaustive()
    }
}

/// Writes a JSON string literal as Python's `json.dumps` does (ASCII only:
/// other characters as `\uXXXX`, surrogate pairs beyond the BMP).
fn json_string<S: Sink>(sink: &mut S, s: &str) {
    json_string_prefixed(sink, "", s);
}

/// [`json_string`] of `prefix` + `s` (`prefix` is plain ASCII).
fn json_string_prefixed<S: Sink>(sink: &mut S, prefix: &str, s: &str) {
    sink.put(b"\"");
    sink.put_str(prefix);
    for c in s.chars() {
        match c {
            '"' => sink.put(b"\\\""),
            '\\' => sink.put(b"\\\\"),
            '\n' => sink.put(b"\\n"),
            '\r' => sink.put(b"\\r"),
            '\t' => sink.put(b"\\t"),
            '\u{8}' => sink.put(b"\\b"),
            '\u{c}' => sink.put(b"\\f"),
            ' '..='~' => sink.put(&[c as u8]),
            _ => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    let hex = b"0123456789abcdef";
                    let digit = |shift: u16| {
                        hex.get(usize::from((*unit >> shift) & 15))
                            .copied()
                            .unwrap_or(b'0')
                    };
                    sink.put(&[b'\\', b'u', digit(12), digit(8), digit(4), digit(0)]);
                }
            }
        }
    }
    sink.put(b"\"");
}

struct Parts<'x> {
    policy: &'x PostPolicy<'x>,
    expiration: crate::time::Iso8601,
    credential: &'x [&'x str],
    date: &'x str,
    token: Option<&'x str>,
    token_field: &'static str,
}

impl Parts<'_> {
    fn write_credential<S: Sink>(&self, sink: &mut S) {
        for (i, part) in self.credential.iter().enumerate() {
            if i > 0 {
                sink.put(b"/");
            }
            sink.put_str(part);
        }
    }

    /// `{"expiration": "...", "conditions": [...]}` as botocore writes it.
    fn write_policy<S: Sink>(&self, sink: &mut S) {
        sink.put(b"{\"expiration\": ");
        json_string(sink, self.expiration.as_str());
        sink.put(b", \"conditions\": [");
        let mut first = true;
        let mut sep = |sink: &mut S| {
            if !first {
                sink.put(b", ");
            }
            first = false;
        };
        let eq = |sink: &mut S, name: &str, value: &dyn Fn(&mut S)| {
            sink.put(b"{");
            json_string(sink, name);
            sink.put(b": ");
            value(sink);
            sink.put(b"}");
        };
        for c in self.policy.conditions {
            sep(sink);
            match *c {
                Condition::Equals(name, value) => {
                    eq(sink, name, &|s: &mut S| json_string(s, value))
                }
                Condition::StartsWith(name, prefix) => {
                    sink.put(b"[\"starts-with\", ");
                    json_string_prefixed(sink, "$", name);
                    sink.put(b", ");
                    json_string(sink, prefix);
                    sink.put(b"]");
                }
                Condition::ContentLengthRange(min, max) => {
                    sink.put(b"[\"content-length-range\", ");
                    sink.put(Digits::decimal(min).as_bytes());
                    sink.put(b", ");
                    sink.put(Digits::decimal(max).as_bytes());
                    sink.put(b"]");
                }
            }
        }
        sep(sink);
        eq(sink, "bucket", &|s: &mut S| {
            json_string(s, self.policy.bucket)
        });
        sep(sink);
        match self.policy.key {
            KeyCondition::Exact(key) => eq(sink, "key", &|s: &mut S| json_string(s, key)),
            KeyCondition::Prefix(prefix) => {
                sink.put(b"[\"starts-with\", \"$key\", ");
                json_string(sink, prefix);
                sink.put(b"]");
            }
        }
        sep(sink);
        eq(sink, "x-amz-algorithm", &|s: &mut S| {
            json_string(s, ALGORITHM)
        });
        sep(sink);
        sink.put(b"{\"x-amz-credential\": \"");
        self.write_credential(sink);
        sink.put(b"\"}");
        sep(sink);
        eq(sink, "x-amz-date", &|s: &mut S| json_string(s, self.date));
        if let Some(token) = self.token {
            sep(sink);
            eq(sink, self.token_field, &|s: &mut S| json_string(s, token));
        }
        sink.put(b"]}");
    }

    fn write_key_field<S: Sink>(&self, sink: &mut S) {
        match self.policy.key {
            KeyCondition::Exact(key) => sink.put_str(key),
            KeyCondition::Prefix(prefix) => {
                sink.put_str(prefix);
                sink.put(b"${filename}");
            }
        }
    }
}

/// Builds, encodes and signs the POST policy for `policy` at `time` and
/// writes the policy, its base64 form and the key and credential fields into
/// `out`.
///
/// # Errors
/// [`Error::KeyScopeMismatch`] when `time` is not on the key's day;
/// [`Error::TimeOutOfRange`] for an expiration past 9999;
/// [`Error::BufferTooSmall`].
pub fn presign_post<'o, 'a>(
    signer: &Signer<'a, SigningKey>,
    policy: &'a PostPolicy<'a>,
    out: &'o mut [u8],
) -> Result<PresignedPost<'o, 'a>, Error> {
    let (key, time, token) = (signer.key, signer.time, signer.session_token);
    let expiration = time
        .checked_add_seconds(i64::from(policy.expires_in))?
        .iso8601();
    let scope = key.scope();
    let [date_part, region, service, terminator] = scope.parts();
    let credential = [key.access_key_id(), date_part, region, service, terminator];
    let amz_date = time.amz_date();
    let parts = Parts {
        policy,
        expiration,
        credential: &credential,
        date: amz_date.as_str(),
        token,
        token_field: token_field(policy),
    };

    // Layout of `out`: key field, credential, base64 policy, JSON policy.
    let mut buf = OutBuf::new(out);
    let mut lengths = [0usize; 3];
    parts.write_key_field(&mut buf);
    lengths[0] = buf.position();
    parts.write_credential(&mut buf);
    lengths[1] = buf.position();
    let mut json_len = Counter(0);
    parts.write_policy(&mut json_len);
    let b64_len = json_len.0.div_ceil(3).saturating_mul(4);
    buf.reserve(b64_len);
    lengths[2] = buf.position();
    parts.write_policy(&mut buf);
    let text = buf.finish_bytes()?;
    let (head, json) = text
        .split_at_mut_checked(lengths[2])
        .ok_or(Error::WriteFailed)?;
    let (head, b64) = head
        .split_at_mut_checked(lengths[1])
        .ok_or(Error::WriteFailed)?;
    let written = STANDARD
        .encode_slice(&*json, b64)
        .map_err(|_| Error::BufferTooSmall { needed: 0 })?;
    let b64 = b64.get(..written).unwrap_or_default();
    let (key_field, credential_text) = head
        .split_at_checked(lengths[0])
        .ok_or(Error::WriteFailed)?;
    let to_str = |b: &'o [u8]| core::str::from_utf8(b).map_err(|_| Error::WriteFailed);
    let b64: &'o [u8] = b64;
    let signature = hex64(&key.sign(b64));
    Ok(PresignedPost {
        fields: policy.fields,
        key_field: to_str(key_field)?,
        credential: to_str(credential_text)?,
        date: amz_date,
        token,
        token_field: token_field(policy),
        policy_json: to_str(json)?,
        policy: to_str(b64)?,
        signature,
    })
}

/// The session token's field: `x-amz-security-token`, or S3 Express's
/// `X-Amz-S3session-Token` (botocore's `S3ExpressPostAuth` spells it so).
const fn token_field(policy: &PostPolicy<'_>) -> &'static str {
    if policy.s3express_session {
        "X-Amz-S3session-Token"
    } else {
        "x-amz-security-token"
    }
}

struct Counter(usize);

impl Sink for Counter {
    fn put(&mut self, bytes: &[u8]) {
        self.0 = self.0.saturating_add(bytes.len());
    }
}

/// Signs a policy the caller wrote (JSON, which must include the
/// `x-amz-algorithm`, `x-amz-credential` and `x-amz-date` conditions
/// matching `key` and the signing time): writes its base64 form into `out`
/// and returns it with the hex signature.
///
/// # Errors
/// [`Error::BufferTooSmall`] when `out` cannot hold the base64 text.
pub fn sign_policy<'o>(
    key: &SigningKey,
    policy_json: &str,
    out: &'o mut [u8],
) -> Result<(&'o str, [u8; 64]), Error> {
    let needed = policy_json.len().div_ceil(3).saturating_mul(4);
    let written = STANDARD
        .encode_slice(policy_json.as_bytes(), out)
        .map_err(|_| Error::BufferTooSmall { needed })?;
    let b64 = out.get(..written).unwrap_or_default();
    let b64 = core::str::from_utf8(b64).map_err(|_| Error::WriteFailed)?;
    Ok((b64, hex64(&key.sign(b64.as_bytes()))))
}

/// Signs an already base64-encoded policy (the `Policy` field as sent).
#[must_use]
pub fn sign_encoded_policy(key: &SigningKey, policy_base64: &str) -> [u8; 64] {
    hex64(&key.sign(policy_base64.as_bytes()))
}
