//! Verifying a received S3 browser-form upload (presigned POST,
//! [`s3::presign_post`](crate::s3::presign_post)): the signature over the
//! base64 `policy` field, then the policy itself: its `expiration`, and
//! every condition (`eq`, `starts-with`, `content-length-range`, the
//! bucket) against the form as received, and S3's rule that every form
//! field is covered by a condition except `file`, `policy`,
//! `x-amz-signature` and `x-ignore-*`. See
//! <https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-HTTPPOSTConstructPolicy.html>
//! and <https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-authentication-HTTPPOST.html>.
//!
//! The policy JSON is read by a small allocation-free reader of the subset
//! AWS documents (an object with `expiration` and `conditions`; conditions
//! `{"field": "value"}`, `["eq", "$field", "value"]`,
//! `["starts-with", "$field", "prefix"]`, `["content-length-range", min,
//! max]`); anything else is refused as malformed.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

mod json;

use super::parse;
use super::{Policy, Rejection, SecretLookup, session_token_matches};
use crate::ct::ct_eq;
use crate::v4::{SessionTokenMode, SigningKey};
use crate::{Credentials, Error, SigningTime};

/// The most form fields [`verify_post_form`] accepts (S3 forms have a
/// dozen or so).
pub const MAX_FORM_FIELDS: usize = 128;

/// The most conditions a policy may have for [`verify_post_form`].
pub const MAX_POLICY_CONDITIONS: usize = 64;

const ALGORITHM: &str = "AWS4-HMAC-SHA256";

/// A received POST form upload, as the server parsed its multipart body.
///
/// `fields` are the form fields in the order received, names as sent (S3
/// compares them ignoring case). The file's content is not needed, only its
/// length and, for `${filename}` in the `key` field, its name. A field
/// named `file` ends the form: S3 ignores the fields after it, and so must
/// the server (they are not verified).
#[derive(Clone, Copy)]
#[non_exhaustive]
pub struct PostForm<'f> {
    /// The bucket the request was addressed to (its host or path).
    pub bucket: &'f str,
    /// The form fields, in order.
    pub fields: &'f [(&'f str, &'f str)],
    /// The uploaded file's length in bytes.
    pub file_length: u64,
    /// The uploaded file's name (the multipart `filename`), substituted
    /// for `${filename}` in the `key` field.
    pub file_name: Option<&'f str>,
}

impl<'f> PostForm<'f> {
    /// A form sent to `bucket` with these fields and a file of `file_length` bytes.
    #[must_use]
    pub const fn new(bucket: &'f str, fields: &'f [(&'f str, &'f str)], file_length: u64) -> Self {
        Self {
            bucket,
            fields,
            file_length,
            file_name: None,
        }
    }

    /// With the uploaded file's name (for `${filename}`).
    #[must_use]
    pub const fn file_name(mut self, name: &'f str) -> Self {
        self.file_name = Some(name);
        self
    }
}

/// Field names only: values hold the session token and the signature.
impl core::fmt::Debug for PostForm<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("PostForm")
            .field("bucket", &self.bucket)
            .field("fields", &FieldNames(self.fields))
            .field("file_length", &self.file_length)
            .finish_non_exhaustive()
    }
}

struct FieldNames<'f>(&'f [(&'f str, &'f str)]);

impl core::fmt::Debug for FieldNames<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_list()
            .entries(self.0.iter().map(|(name, _)| name))
            .finish()
    }
}

/// A verified POST form upload: who signed, and what it allows.
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub struct VerifiedPost<'a> {
    /// The access key id that signed the policy.
    pub access_key_id: &'a str,
    /// The credential scope's region.
    pub region: &'a str,
    /// The credential scope's service.
    pub service: &'a str,
    /// The object key: the `key` field with `${filename}` replaced by the
    /// file's name (when given).
    pub key: &'a str,
    /// `x-amz-date`.
    pub signed_at: SigningTime,
    /// The policy's `expiration`.
    pub expiration: SigningTime,
}

/// The value of the form field `name` (any case); fields are unique.
fn field<'f>(fields: &[(&'f str, &'f str)], name: &str) -> Option<&'f str> {
    fields
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|&(_, v)| v)
}

/// The session token of the form: `x-amz-security-token`, or, on an S3
/// Express server ([`SessionTokenMode::S3Express`]), the
/// `X-Amz-S3session-Token` of session auth (botocore's
/// `S3ExpressPostAuth`); not both.
fn form_token<'f>(
    fields: &[(&'f str, &'f str)],
    policy: &Policy<'_>,
) -> Result<Option<&'f str>, Rejection> {
    let security = field(fields, "x-amz-security-token");
    if policy.settings.session_token != SessionTokenMode::S3Express {
        return Ok(security);
    }
    match (security, field(fields, "x-amz-s3session-token")) {
        (Some(_), Some(_)) => Err(Rejection::DuplicateAuthParameter),
        (token, None) | (None, token) => Ok(token),
    }
}

/// The fields before `file`, at most [`MAX_FORM_FIELDS`], each name once.
fn form_fields<'f>(form: &PostForm<'f>) -> Result<&'f [(&'f str, &'f str)], Error> {
    let end = form
        .fields
        .iter()
        .position(|(n, _)| n.eq_ignore_ascii_case("file"))
        .unwrap_or(form.fields.len());
    let fields = form.fields.get(..end).unwrap_or_default();
    if fields.len() > MAX_FORM_FIELDS {
        return Err(Error::PostFormTooLarge);
    }
    for (i, (name, _)) in fields.iter().enumerate() {
        let later = fields.get(i.saturating_add(1)..).unwrap_or_default();
        if later.iter().any(|(n, _)| n.eq_ignore_ascii_case(name)) {
            return Err(Error::DuplicateFormField);
        }
    }
    Ok(fields)
}

/// What the form's authentication fields say, checked against the
/// server's policy and the secret.
struct Signed<'f> {
    credential: parse::Credential<'f>,
    region: &'f str,
    signed_at: SigningTime,
    policy: &'f str,
}

fn check_auth<'f, 's, L: SecretLookup<'s> + ?Sized>(
    fields: &[(&'f str, &'f str)],
    lookup: &L,
    policy: &Policy<'_>,
) -> Result<Signed<'f>, Error> {
    let (Some(b64), Some(signature)) = (field(fields, "policy"), field(fields, "x-amz-signature"))
    else {
        let any = ["policy", "x-amz-signature", "x-amz-credential"]
            .iter()
            .any(|n| field(fields, n).is_some());
        return Err(if any {
            Rejection::MissingAuthParameter
        } else {
            Rejection::MissingAuthentication
        }
        .into());
    };
    let required = |name| field(fields, name).ok_or(Rejection::MissingAuthParameter);
    if required("x-amz-algorithm")? != ALGORITHM {
        return Err(Rejection::UnsupportedAlgorithm.into());
    }
    let credential = parse::credential(required("x-amz-credential")?, true)?;
    let signed_at = parse::amz_date(required("x-amz-date")?)?;
    let region = credential.region.ok_or(Rejection::MalformedCredential)?;
    check_scope(&credential, region, signed_at, policy)?;
    let secret = lookup
        .secret(credential.access_key_id)
        .ok_or(Rejection::UnknownAccessKey)?;
    let token = form_token(fields, policy)?;
    if !session_token_matches(secret.session_token, token, false) {
        return Err(Rejection::SessionTokenMismatch.into());
    }
    let is_hex = |b: u8| b.is_ascii_digit() || (b'a'..=b'f').contains(&b);
    if signature.len() != 64 || !signature.bytes().all(is_hex) {
        return Err(Rejection::MalformedSignature.into());
    }
    let secret_key = secret
        .secret_access_key
        .ok_or(Rejection::UnknownAccessKey)?;
    let credentials = Credentials::new(credential.access_key_id, secret_key, None)
        .map_err(|_| Rejection::MalformedCredential)?;
    let key = SigningKey::derive(&credentials, signed_at, region, credential.service)
        .map_err(|_| Rejection::MalformedCredential)?;
    let expected = crate::s3::sign_encoded_policy(&key, b64);
    if !ct_eq(&expected, signature.as_bytes()) {
        return Err(Rejection::SignatureMismatch.into());
    }
    Ok(Signed {
        credential,
        region,
        signed_at,
        policy: b64,
    })
}

/// The scope's date is `x-amz-date`'s, region and service the server's
/// (`s3` when the policy names none), and the form is not dated in the
/// future beyond the allowed skew.
fn check_scope(
    credential: &parse::Credential<'_>,
    region: &str,
    signed_at: SigningTime,
    policy: &Policy<'_>,
) -> Result<(), Rejection> {
    let amz_date = signed_at.amz_date();
    if amz_date.as_str().get(..8) != Some(credential.date) {
        return Err(Rejection::ScopeDateMismatch);
    }
    if policy.region.is_some_and(|r| r != region) {
        return Err(Rejection::WrongRegion);
    }
    if credential.service != policy.service {
        return Err(Rejection::WrongService);
    }
    let ahead = signed_at
        .unix_seconds()
        .saturating_sub(policy.now.unix_seconds());
    if ahead > i64::from(policy.max_skew) {
        return Err(Rejection::NotYetValid);
    }
    Ok(())
}

/// Verifies a received S3 POST form upload: the signature over its
/// `policy` field, then the policy's expiration and every condition against
/// the form, and that every field is covered by a condition. `buf` holds
/// the decoded policy and the object key: three quarters of the `policy`
/// field's length plus the `key` field's (with the file name substituted)
/// always suffice.
///
/// How the conditions are read: field names ignore case, values do not; a
/// field the form lacks counts as empty (so `["starts-with", "$x", ""]`
/// allows it to be absent, as in MinIO); `bucket` is the bucket the request
/// was addressed to, `key` the object key after `${filename}`. Not
/// supported: SigV2 forms (`AWSAccessKeyId`, `signature`), SigV4a, and
/// `Content-Type` conditions on a comma-separated list of types.
///
/// ```
/// use awsig::s3::{self, KeyCondition, PostPolicy};
/// use awsig::verify::{self, Policy, PostForm, Rejection, Secret};
/// use awsig::{Credentials, SigningTime, v4};
///
/// // The application signs a form for uploads under `user/alice/`...
/// let creds = Credentials::new("AKIDEXAMPLE", "secret", None)?;
/// let t = SigningTime::parse_rfc3339("2015-12-29T00:00:00Z")?;
/// let key = v4::SigningKey::derive(&creds, t, "us-east-1", "s3")?;
/// let conditions = [s3::Condition::ContentLengthRange(1, 1_000_000)];
/// let policy = PostPolicy::new("examplebucket", KeyCondition::Prefix("user/alice/"), 3600).conditions(&conditions);
/// let mut out = [0u8; 2048];
/// let post = s3::presign_post(&v4::Signer::new(&key, &creds, t)?, &policy, &mut out)?;
/// let fields: Vec<(&str, &str)> = post.fields().collect();
///
/// // ...and the server checks the upload the browser sends.
/// let lookup = |_: &str| Some(Secret::new("secret", None));
/// let server = Policy::new(t.checked_add_seconds(60)?, "s3").region("us-east-1");
/// let mut buf = [0u8; 1024];
/// let form = PostForm::new("examplebucket", &fields, 5_000).file_name("cat.jpg");
/// let verified = verify::verify_post_form(&form, &lookup, &server, &mut buf)?;
/// assert_eq!((verified.access_key_id, verified.key), ("AKIDEXAMPLE", "user/alice/cat.jpg"));
///
/// let too_big = PostForm::new("examplebucket", &fields, 2_000_000);
/// let err = verify::verify_post_form(&too_big, &lookup, &server, &mut buf).unwrap_err();
/// assert_eq!(err.rejection(), Some(Rejection::ContentLengthOutOfRange));
/// # Ok::<(), awsig::Error>(())
/// ```
///
/// # Errors
/// [`Error::Rejected`] with the [`Rejection`] saying why the upload is
/// refused (the signature's: [`Rejection::SignatureMismatch`],
/// [`Rejection::UnknownAccessKey`], ...; the policy's:
/// [`Rejection::PolicyExpired`], [`Rejection::BucketMismatch`],
/// [`Rejection::PolicyConditionFailed`],
/// [`Rejection::ContentLengthOutOfRange`], [`Rejection::FieldNotInPolicy`]);
/// [`Error::MalformedPostPolicy`], [`Error::DuplicateFormField`],
/// [`Error::PostFormTooLarge`] or [`Error::BufferTooSmall`].
pub fn verify_post_form<'a, 's, L: SecretLookup<'s> + ?Sized>(
    form: &PostForm<'a>,
    lookup: &L,
    policy: &Policy<'_>,
    buf: &'a mut [u8],
) -> Result<VerifiedPost<'a>, Error> {
    let fields = form_fields(form)?;
    let signed = check_auth(fields, lookup, policy)?;
    let (json, rest) = decode_policy(signed.policy, buf)?;
    let document = json::Document::parse(json)?;
    if policy.now > document.expiration {
        return Err(Rejection::PolicyExpired.into());
    }
    let object_key = field(fields, "key").ok_or(Rejection::MissingAuthParameter)?;
    let key = substitute_filename(object_key, form.file_name, rest)?;
    let checked = Checked { form, fields, key };
    for condition in document.conditions() {
        checked.check(condition)?;
    }
    checked.coverage(&document)?;
    Ok(VerifiedPost {
        access_key_id: signed.credential.access_key_id,
        region: signed.region,
        service: signed.credential.service,
        key,
        signed_at: signed.signed_at,
        expiration: document.expiration,
    })
}

/// Decodes the base64 policy into the start of `buf`: the JSON (checked
/// to be UTF-8), and the rest of `buf`.
fn decode_policy<'a>(b64: &str, buf: &'a mut [u8]) -> Result<(&'a mut [u8], &'a mut [u8]), Error> {
    let needed = (b64.len() / 4).saturating_mul(3);
    if buf.len() < needed {
        return Err(Error::BufferTooSmall { needed });
    }
    let written = STANDARD
        .decode_slice(b64.as_bytes(), buf)
        .map_err(|e| match e {
            base64::DecodeSliceError::DecodeError(
                base64::DecodeError::InvalidByte(at, _)
                | base64::DecodeError::InvalidLastSymbol(at, _),
            ) => Error::MalformedPostPolicy { at },
            _ => Error::MalformedPostPolicy { at: b64.len() },
        })?;
    let (json, rest) = buf.split_at_mut(written.min(buf.len()));
    if let Err(e) = core::str::from_utf8(json) {
        return Err(Error::MalformedPostPolicy {
            at: e.valid_up_to(),
        });
    }
    Ok((json, rest))
}

/// Writes `key` with every `${filename}` replaced by `file_name` into `out`.
fn substitute_filename<'a>(
    key: &str,
    file_name: Option<&str>,
    out: &'a mut [u8],
) -> Result<&'a str, Error> {
    const VAR: &str = "${filename}";
    let name = file_name.unwrap_or(VAR);
    let count = key.matches(VAR).count();
    let needed = count
        .checked_mul(name.len())
        .and_then(|n| n.checked_add(key.len().saturating_sub(count.saturating_mul(VAR.len()))))
        .ok_or(Error::BufferTooSmall { needed: usize::MAX })?;
    let dst = out
        .get_mut(..needed)
        .ok_or(Error::BufferTooSmall { needed })?;
    let mut at = 0usize;
    let mut put = |s: &str| {
        let end = at.saturating_add(s.len());
        if let Some(d) = dst.get_mut(at..end) {
            d.copy_from_slice(s.as_bytes());
        }
        at = end;
    };
    for (i, piece) in key.split(VAR).enumerate() {
        if i > 0 {
            put(name);
        }
        put(piece);
    }
    core::str::from_utf8(dst).map_err(|_| Error::WriteFailed)
}

/// The form as the conditions see it.
struct Checked<'c, 'f> {
    form: &'c PostForm<'f>,
    fields: &'c [(&'f str, &'f str)],
    key: &'c str,
}

impl Checked<'_, '_> {
    /// One condition: the field's value (a missing field is empty, as in
    /// MinIO; the bucket is the one addressed; `key` with `${filename}`
    /// substituted) equals or starts with the condition's.
    fn check(&self, condition: json::Condition<'_>) -> Result<(), Rejection> {
        let (name, want, exact) = match condition {
            json::Condition::Range(min, max) => {
                let len = self.form.file_length;
                return if (min..=max).contains(&len) {
                    Ok(())
                } else {
                    Err(Rejection::ContentLengthOutOfRange)
                };
            }
            json::Condition::Eq(name, value) => (name, value, true),
            json::Condition::StartsWith(name, value) => (name, value, false),
        };
        let (actual, failed) = if name.eq_ignore_ascii_case("bucket") {
            (self.form.bucket, Rejection::BucketMismatch)
        } else if name.eq_ignore_ascii_case("key") {
            (self.key, Rejection::PolicyConditionFailed)
        } else {
            let value = self
                .fields
                .iter()
                .find(|(n, _)| name.eq_ignore_ascii_case(n));
            (
                value.map_or("", |&(_, v)| v),
                Rejection::PolicyConditionFailed,
            )
        };
        let mut got = actual.chars();
        let prefix = want.chars().all(|c| got.next() == Some(c));
        if prefix && (!exact || got.next().is_none()) {
            Ok(())
        } else {
            Err(failed)
        }
    }

    /// Every field but `policy`, `x-amz-signature` and `x-ignore-*` is
    /// named by an `eq` or `starts-with` condition.
    fn coverage(&self, document: &json::Document<'_>) -> Result<(), Rejection> {
        for (name, _) in self.fields {
            let exempt = ["policy", "x-amz-signature"]
                .iter()
                .any(|e| name.eq_ignore_ascii_case(e))
                || name
                    .get(..9)
                    .is_some_and(|p| p.eq_ignore_ascii_case("x-ignore-"));
            let covered = exempt
                || document.conditions().any(|c| match c {
                    json::Condition::Eq(n, _) | json::Condition::StartsWith(n, _) => {
                        n.eq_ignore_ascii_case(name)
                    }
                    json::Condition::Range(..) => false,
                });
            if !covered {
                return Err(Rejection::FieldNotInPolicy);
            }
        }
        Ok(())
    }
}
