//! S3 presigned URLs for one object, with the key encoded as S3 expects.
//!
//! S3 signs the path as sent, so the URL must carry the object key encoded
//! exactly once: every byte but `A-Z a-z 0-9 - _ . ~` and `/` as `%XX`.
//! Hand-built URLs get this wrong in both directions (a raw space, or `%2F`
//! for a `/` that S3 then stores as part of the name); these functions build
//! the URL from the bucket and the raw key. Extra signed headers (for example
//! `content-type` or `x-amz-meta-*` on a browser PUT, which must then send
//! exactly them) and query parameters (`versionId`, `response-*` overrides)
//! are signed too. See
//! <https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html>.
//!
//! ```
//! use awsig::{Credentials, SigningTime, s3, v4};
//!
//! let creds = Credentials::new("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", None)?;
//! let time = SigningTime::parse_rfc3339("2013-05-24T00:00:00Z")?;
//! let key = v4::SigningKey::derive(&creds, time, "us-east-1", "s3")?;
//! let signer = v4::Signer::new(&key, &creds, time)?;
//! let bucket = s3::Bucket::new("s3.amazonaws.com", "examplebucket", s3::Addressing::VirtualHosted)?;
//! let mut buf = [0u8; 1024];
//! let url = s3::presign_get(&signer, &bucket, "test.txt", 86400, &s3::ObjectOptions::default(), &mut buf)?;
//! // AWS's worked example in "Authenticating Requests: Using Query Parameters".
//! assert!(url.as_str().ends_with("X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404"));
//! # Ok::<(), awsig::Error>(())
//! ```

mod post;
mod presigner;
#[cfg(feature = "s3-sigv2")]
pub mod v2;

pub use post::{
    Condition, KeyCondition, PostPolicy, PresignedPost, presign_post, sign_encoded_policy,
    sign_policy,
};
pub use presigner::ObjectPresigner;

use crate::encode::encode_into;
use crate::output::Output;
use crate::sink::{OutBuf, Sink};
use crate::v4::presign::{self, Emit, Presigned};
use crate::v4::{Key, Signer, SigningSettings};
use crate::{Error, Payload, Request};

/// How the bucket is addressed.
///
/// ```
/// # use awsig::{Credentials, SigningTime, s3, v4};
/// # let creds = Credentials::new("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", None)?;
/// # let time = SigningTime::parse_rfc3339("2013-05-24T00:00:00Z")?;
/// # let key = v4::SigningKey::derive(&creds, time, "us-east-1", "s3")?;
/// # let signer = v4::Signer::new(&key, &creds, time)?;
/// use awsig::s3::{Addressing, Bucket, ObjectOptions};
///
/// let (opts, mut buf) = (ObjectOptions::default(), [0u8; 1024]);
/// let hosted = Bucket::new("s3.amazonaws.com", "photos", Addressing::VirtualHosted)?;
/// let url = s3::presign_get(&signer, &hosted, "a.jpg", 60, &opts, &mut buf)?;
/// assert!(url.as_str().starts_with("https://photos.s3.amazonaws.com/a.jpg?X-Amz-Algorithm="));
///
/// let path = Bucket::new("s3.amazonaws.com", "photos", Addressing::Path)?;
/// let url = s3::presign_get(&signer, &path, "a.jpg", 60, &opts, &mut buf)?;
/// assert!(url.as_str().starts_with("https://s3.amazonaws.com/photos/a.jpg?X-Amz-Algorithm="));
/// # Ok::<(), awsig::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Addressing {
    /// `https://bucket.endpoint/key` (AWS's default).
    VirtualHosted,
    /// `https://endpoint/bucket/key` (local servers, names with dots).
    Path,
}

/// A bucket at an endpoint.
///
/// Checked once by [`Bucket::new`], then used for any number of object URLs:
///
/// ```
/// # use awsig::{Credentials, SigningTime, s3, v4};
/// # let creds = Credentials::new("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", None)?;
/// # let time = SigningTime::parse_rfc3339("2013-05-24T00:00:00Z")?;
/// # let key = v4::SigningKey::derive(&creds, time, "us-east-1", "s3")?;
/// # let signer = v4::Signer::new(&key, &creds, time)?;
/// use awsig::s3::{Addressing, Bucket, ObjectOptions};
///
/// let bucket = Bucket::new("s3.amazonaws.com", "examplebucket", Addressing::VirtualHosted)?;
/// let mut buf = [0u8; 1024];
/// for (object, expected) in [("a.txt", "/a.txt?"), ("dir/b c.txt", "/dir/b%20c.txt?")] {
///     let url = s3::presign_get(&signer, &bucket, object, 3600, &ObjectOptions::default(), &mut buf)?;
///     let url = url.as_str().strip_prefix("https://examplebucket.s3.amazonaws.com").unwrap();
///     assert!(url.starts_with(expected));
/// }
/// # Ok::<(), awsig::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Bucket<'a> {
    scheme: &'a str,
    /// The endpoint's host (and port).
    endpoint: &'a str,
    /// The endpoint's path prefix (`/storage/v1/s3`), or empty.
    prefix: &'a str,
    name: &'a str,
    addressing: Addressing,
}

impl<'a> Bucket<'a> {
    /// A bucket `name` at `endpoint` (`s3.us-west-2.amazonaws.com`,
    /// `localhost:9000`: host and optional port, and optionally a path
    /// prefix for S3 APIs served below a path), over https.
    ///
    /// An endpoint with a path prefix (`project.supabase.co/storage/v1/s3`,
    /// `gateway.example.com/s3`) puts the prefix first in every target,
    /// where it is signed as sent:
    ///
    /// ```
    /// # use awsig::{Credentials, SigningTime, s3, v4};
    /// # let creds = Credentials::new("AKIDEXAMPLE", "secret", None)?;
    /// # let time = SigningTime::parse_rfc3339("2026-12-03T12:00:00Z")?;
    /// # let key = v4::SigningKey::derive(&creds, time, "us-east-1", "s3")?;
    /// # let signer = v4::Signer::new(&key, &creds, time)?;
    /// use awsig::s3::{Addressing, Bucket, ObjectOptions};
    ///
    /// let bucket = Bucket::new("project.supabase.co/storage/v1/s3", "avatars", Addressing::Path)?;
    /// let mut buf = [0u8; 1024];
    /// let url = s3::presign_get(&signer, &bucket, "a b.png", 60, &ObjectOptions::default(), &mut buf)?;
    /// assert!(url.as_str().starts_with("https://project.supabase.co/storage/v1/s3/avatars/a%20b.png?X-Amz-Algorithm="));
    /// # Ok::<(), awsig::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidHost`] for an endpoint a host cannot be, or a path
    /// prefix that is not already percent-encoded path segments (an empty,
    /// `.` or `..` segment, a space, `?`, `#`, a malformed `%` escape);
    /// [`Error::InvalidBucketName`] for an empty name, or one that is not a
    /// DNS label sequence (`a-z 0-9 . -`) when virtual-hosted (path-style
    /// also allows uppercase and `_`, as legacy buckets may have them).
    ///
    /// ```
    /// use awsig::Error;
    /// use awsig::s3::{Addressing, Bucket};
    ///
    /// assert!(Bucket::new("s3.eu-west-1.amazonaws.com", "my-logs.2024", Addressing::VirtualHosted).is_ok());
    /// // A legacy name with uppercase or `_` is reachable path-style only.
    /// assert_eq!(Bucket::new("s3.amazonaws.com", "Old_Bucket", Addressing::VirtualHosted), Err(Error::InvalidBucketName));
    /// assert!(Bucket::new("s3.amazonaws.com", "Old_Bucket", Addressing::Path).is_ok());
    /// assert_eq!(Bucket::new("bad host", "b", Addressing::Path), Err(Error::InvalidHost));
    /// ```
    pub fn new(endpoint: &'a str, name: &'a str, addressing: Addressing) -> Result<Self, Error> {
        let (endpoint, prefix) = endpoint.split_at(endpoint.find('/').unwrap_or(endpoint.len()));
        let prefix = prefix.strip_suffix('/').unwrap_or(prefix);
        let host_ok = !endpoint.is_empty()
            && !crate::scan::any::<crate::canonical::headers::NotInHost>(endpoint.as_bytes())
            && is_path_prefix(prefix);
        if !host_ok {
            return Err(Error::InvalidHost);
        }
        let name_ok = !name.is_empty()
            && name.bytes().all(|b| match addressing {
                Addressing::VirtualHosted => {
                    b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-'
                }
                Addressing::Path => b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'),
            });
        if !name_ok {
            return Err(Error::InvalidBucketName);
        }
        Ok(Self {
            scheme: "https",
            endpoint,
            prefix,
            name,
            addressing,
        })
    }

    /// The same bucket over plain http (local test servers).
    ///
    /// The scheme is not signed: only the URL's start changes.
    ///
    /// ```
    /// # use awsig::{Credentials, SigningTime, s3, v4};
    /// # let creds = Credentials::new("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", None)?;
    /// # let time = SigningTime::parse_rfc3339("2013-05-24T00:00:00Z")?;
    /// # let key = v4::SigningKey::derive(&creds, time, "us-east-1", "s3")?;
    /// # let signer = v4::Signer::new(&key, &creds, time)?;
    /// use awsig::s3::{Addressing, Bucket, ObjectOptions};
    ///
    /// let bucket = Bucket::new("localhost:9000", "test", Addressing::Path)?;
    /// let (mut a, mut b) = ([0u8; 1024], [0u8; 1024]);
    /// let https = s3::presign_get(&signer, &bucket, "k", 60, &ObjectOptions::default(), &mut a)?;
    /// let http = s3::presign_get(&signer, &bucket.http(), "k", 60, &ObjectOptions::default(), &mut b)?;
    /// assert!(http.as_str().starts_with("http://localhost:9000/test/k?"));
    /// assert_eq!(http.as_str().strip_prefix("http:"), https.as_str().strip_prefix("https:"));
    /// # Ok::<(), awsig::Error>(())
    /// ```
    #[must_use]
    pub const fn http(mut self) -> Self {
        self.scheme = "http";
        self
    }

    fn write_host<S: Sink>(&self, sink: &mut S) {
        if self.addressing == Addressing::VirtualHosted {
            sink.put_str(self.name);
            sink.put(b".");
        }
        sink.put_str(self.endpoint);
    }

    /// Writes the host, then the target; returns the host's length.
    fn write_host_and_target<S: Sink>(
        &self,
        sink: &mut S,
        object_key: &str,
        query: &[(&str, &str)],
    ) -> usize {
        let mut host = Count(0);
        self.write_host(&mut crate::sink::Tee(&mut *sink, &mut host));
        self.write_target(sink, object_key, query);
        host.0
    }

    fn write_target<S: Sink>(&self, sink: &mut S, object_key: &str, query: &[(&str, &str)]) {
        sink.put_str(self.prefix);
        sink.put(b"/");
        if self.addressing == Addressing::Path {
            sink.put_str(self.name);
            if !object_key.is_empty() {
                sink.put(b"/");
            }
        }
        encode_into(sink, object_key.as_bytes(), true);
        for (i, (k, v)) in query.iter().enumerate() {
            sink.put(if i == 0 { b"?" } else { b"&" });
            encode_into(sink, k.as_bytes(), false);
            sink.put(b"=");
            encode_into(sink, v.as_bytes(), false);
        }
    }
}

/// Whether `prefix` is empty or `/segment...`, each segment non-empty, not
/// `.` or `..`, of the bytes a path carries as sent (unreserved,
/// sub-delims, `:`, `@`, `%XX`).
fn is_path_prefix(prefix: &str) -> bool {
    let Some(rest) = prefix.strip_prefix('/') else {
        return prefix.is_empty();
    };
    let byte_ok = |b: u8| b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@%".contains(&b);
    rest.split('/').all(|segment| {
        !matches!(segment, "" | "." | "..")
            && segment.bytes().all(byte_ok)
            && crate::encode::check_escapes(segment, 0).is_ok()
    })
}

/// What else to sign with the object request.
///
/// `#[non_exhaustive]`: start from `default()` and add with the builders.
///
/// ```
/// # use awsig::{Credentials, SigningTime, s3, v4};
/// # let creds = Credentials::new("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", None)?;
/// # let time = SigningTime::parse_rfc3339("2013-05-24T00:00:00Z")?;
/// # let key = v4::SigningKey::derive(&creds, time, "us-east-1", "s3")?;
/// # let signer = v4::Signer::new(&key, &creds, time)?;
/// use awsig::s3::{Addressing, Bucket, ObjectOptions};
///
/// let bucket = Bucket::new("s3.amazonaws.com", "examplebucket", Addressing::VirtualHosted)?;
/// let options = ObjectOptions::default()
///     .query(&[("versionId", "3HL4kqtJlcpXroDTDmJ")])
///     .headers(&[("x-amz-meta-owner", "alice")]);
/// let mut buf = [0u8; 1024];
/// let url = s3::presign_get(&signer, &bucket, "test.txt", 600, &options, &mut buf)?;
/// assert!(url.as_str().contains("&X-Amz-SignedHeaders=host%3Bx-amz-meta-owner&versionId=3HL4kqtJlcpXroDTDmJ&"));
/// # Ok::<(), awsig::Error>(())
/// ```
#[derive(Clone, Copy, Debug, Default)]
#[non_exhaustive]
pub struct ObjectOptions<'a> {
    /// Query parameters, *not* encoded (the function encodes them):
    /// `("versionId", "...")`, `("response-content-disposition",
    /// "attachment; filename=\"a b.txt\"")`, ...
    pub query: &'a [(&'a str, &'a str)],
    /// Extra headers to sign, which the client must then send with exactly
    /// these values: `("content-type", "image/png")`, `("x-amz-meta-...", ...)`,
    /// `("x-amz-checksum-sha256", ...)`.
    pub headers: &'a [(&'a str, &'a str)],
}

impl<'a> ObjectOptions<'a> {
    /// With these query parameters (not encoded).
    ///
    /// ```
    /// # use awsig::{Credentials, SigningTime, s3, v4};
    /// # let creds = Credentials::new("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", None)?;
    /// # let time = SigningTime::parse_rfc3339("2013-05-24T00:00:00Z")?;
    /// # let key = v4::SigningKey::derive(&creds, time, "us-east-1", "s3")?;
    /// # let signer = v4::Signer::new(&key, &creds, time)?;
    /// use awsig::s3::{Addressing, Bucket, ObjectOptions};
    ///
    /// let bucket = Bucket::new("s3.amazonaws.com", "examplebucket", Addressing::VirtualHosted)?;
    /// let download = ObjectOptions::default().query(&[("response-content-disposition", "attachment; filename=\"a b.txt\"")]);
    /// let mut buf = [0u8; 1024];
    /// let url = s3::presign_get(&signer, &bucket, "test.txt", 600, &download, &mut buf)?;
    /// assert!(url.as_str().contains("&response-content-disposition=attachment%3B%20filename%3D%22a%20b.txt%22&"));
    /// # Ok::<(), awsig::Error>(())
    /// ```
    #[must_use]
    pub const fn query(mut self, query: &'a [(&'a str, &'a str)]) -> Self {
        self.query = query;
        self
    }

    /// With these extra signed headers.
    ///
    /// ```
    /// # use awsig::{Credentials, SigningTime, s3, v4};
    /// # let creds = Credentials::new("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", None)?;
    /// # let time = SigningTime::parse_rfc3339("2013-05-24T00:00:00Z")?;
    /// # let key = v4::SigningKey::derive(&creds, time, "us-east-1", "s3")?;
    /// # let signer = v4::Signer::new(&key, &creds, time)?;
    /// use awsig::s3::{Addressing, Bucket, ObjectOptions};
    ///
    /// let bucket = Bucket::new("s3.amazonaws.com", "examplebucket", Addressing::VirtualHosted)?;
    /// let png = ObjectOptions::default().headers(&[("content-type", "image/png")]);
    /// let mut buf = [0u8; 1024];
    /// let url = s3::presign_put(&signer, &bucket, "a.png", 600, &png, &mut buf)?;
    /// // Signed by name; the uploader must send `content-type: image/png`.
    /// assert!(url.as_str().contains("&X-Amz-SignedHeaders=content-type%3Bhost&"));
    /// # Ok::<(), awsig::Error>(())
    /// ```
    #[must_use]
    pub const fn headers(mut self, headers: &'a [(&'a str, &'a str)]) -> Self {
        self.headers = headers;
        self
    }
}

/// Counts bytes.
struct Count(usize);

impl Sink for Count {
    fn put(&mut self, bytes: &[u8]) {
        self.0 = self.0.saturating_add(bytes.len());
    }
}

/// Presigns `method` on `object_key` (raw, not encoded; empty for the bucket
/// itself) with `UNSIGNED-PAYLOAD` and writes the whole URL into `out`.
///
/// When the host and encoded target are longer than 512 bytes, `out` also
/// holds them while the URL is signed, and needs room for both.
///
/// ```
/// # use awsig::{Credentials, SigningTime, s3, v4};
/// # let creds = Credentials::new("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", None)?;
/// # let time = SigningTime::parse_rfc3339("2013-05-24T00:00:00Z")?;
/// # let key = v4::SigningKey::derive(&creds, time, "us-east-1", "s3")?;
/// # let signer = v4::Signer::new(&key, &creds, time)?;
/// use awsig::s3::{Addressing, Bucket, ObjectOptions};
///
/// let bucket = Bucket::new("s3.amazonaws.com", "examplebucket", Addressing::VirtualHosted)?;
/// let mut buf = [0u8; 1024];
/// // A HEAD of an object, and a listing of the bucket (empty key).
/// let head = s3::presign_object(&signer, &bucket, "HEAD", "test.txt", 60, &ObjectOptions::default(), &mut buf)?;
/// assert!(head.as_str().starts_with("https://examplebucket.s3.amazonaws.com/test.txt?"));
/// let list = ObjectOptions::default().query(&[("list-type", "2"), ("prefix", "photos/")]);
/// let url = s3::presign_object(&signer, &bucket, "GET", "", 60, &list, &mut buf)?;
/// assert!(url.as_str().starts_with("https://examplebucket.s3.amazonaws.com/?X-Amz-Algorithm="));
/// assert!(url.as_str().contains("&list-type=2&prefix=photos%2F&"));
/// # Ok::<(), awsig::Error>(())
/// ```
///
/// # Errors
/// As [`crate::v4::presign()`].
#[allow(clippy::too_many_arguments)]
pub fn presign_object<'o, K: Key>(
    signer: &Signer<'_, K>,
    bucket: &Bucket<'_>,
    method: &str,
    object_key: &str,
    expires_in: u32,
    options: &ObjectOptions<'_>,
    out: impl Into<Output<'o>>,
) -> Result<Presigned<'o>, Error> {
    let Output { buf: out, trace } = out.into();
    // The host and target are written once, into a stack buffer when they
    // fit (most keys), else at the end of `out`, which then must hold them
    // as well as the URL.
    let mut stack = [0u8; STACK_TARGET];
    let mut scratch = OutBuf::new(&mut stack);
    let host_len = bucket.write_host_and_target(&mut scratch, object_key, options.query);
    let object = |text| ObjectTarget {
        bucket,
        method,
        text,
        host_len,
        expires_in,
        options,
    };
    if let Ok(text) = scratch.finish() {
        return object(text).sign(signer, Output { buf: out, trace });
    }
    let mut count = Count(0);
    bucket.write_host_and_target(&mut count, object_key, options.query);
    let scratch_len = count.0;
    let split = out
        .len()
        .checked_sub(scratch_len)
        .ok_or(Error::BufferTooSmall {
            needed: scratch_len.saturating_mul(3),
        })?;
    let (head, tail) = out.split_at_mut(split);
    let mut scratch = OutBuf::new(tail);
    bucket.write_host_and_target(&mut scratch, object_key, options.query);
    object(scratch.finish()?)
        .sign(signer, Output { buf: head, trace })
        .map_err(|e| match e {
            Error::BufferTooSmall { needed } => Error::BufferTooSmall {
                needed: needed.saturating_add(scratch_len),
            },
            other => other,
        })
}

/// Host and target written together (`text`, the host its first
/// `host_len` bytes) beyond this many bytes are kept in the output buffer.
const STACK_TARGET: usize = 512;

/// An object request whose host and target are written (`text`, the host
/// its first `host_len` bytes), ready to presign.
struct ObjectTarget<'t> {
    bucket: &'t Bucket<'t>,
    method: &'t str,
    text: &'t str,
    host_len: usize,
    expires_in: u32,
    options: &'t ObjectOptions<'t>,
}

impl ObjectTarget<'_> {
    fn sign<'o, K: Key>(
        &self,
        signer: &Signer<'_, K>,
        out: Output<'o>,
    ) -> Result<Presigned<'o>, Error> {
        let Self {
            bucket,
            method,
            text,
            host_len,
            expires_in,
            options,
        } = *self;
        let (host, target) = text.split_at_checked(host_len).ok_or(Error::WriteFailed)?;
        let request = Request::new(method, target, options.headers).with_payload(Payload::Unsigned);
        let emit = Emit {
            scheme: Some(bucket.scheme),
            host: Some(host),
        };
        let job = presign::Job {
            request: &request,
            expires_in,
            settings: &SigningSettings::s3(),
            emit,
            // Bucket (checked by `Bucket::new`), key and query: written by
            // `encode_into`, so the target is not checked again.
            target_is_ours: true,
        };
        job.run_into(signer, out)
    }
}

/// Presigns a `GET` of `object_key`: see [`presign_object`].
///
/// AWS's worked example ("Authenticating Requests: Using Query
/// Parameters"), URL and signature as AWS gives them:
///
/// ```
/// use awsig::{Credentials, SigningTime, s3, v4};
///
/// let creds = Credentials::new("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", None)?;
/// let time = SigningTime::parse_rfc3339("2013-05-24T00:00:00Z")?;
/// let key = v4::SigningKey::derive(&creds, time, "us-east-1", "s3")?;
/// let bucket = s3::Bucket::new("s3.amazonaws.com", "examplebucket", s3::Addressing::VirtualHosted)?;
/// let mut buf = [0u8; 1024];
/// let url = s3::presign_get(&v4::Signer::new(&key, &creds, time)?, &bucket, "test.txt", 86400, &s3::ObjectOptions::default(), &mut buf)?;
/// assert_eq!(url.as_str(), "https://examplebucket.s3.amazonaws.com/test.txt\
///     ?X-Amz-Algorithm=AWS4-HMAC-SHA256\
///     &X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request\
///     &X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host\
///     &X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404");
/// # Ok::<(), awsig::Error>(())
/// ```
///
/// # Errors
/// As [`presign_object`].
pub fn presign_get<'o, K: Key>(
    signer: &Signer<'_, K>,
    bucket: &Bucket<'_>,
    object_key: &str,
    expires_in: u32,
    options: &ObjectOptions<'_>,
    out: impl Into<Output<'o>>,
) -> Result<Presigned<'o>, Error> {
    presign_object(signer, bucket, "GET", object_key, expires_in, options, out)
}

/// Presigns a `PUT` of `object_key`: see [`presign_object`]. Headers in
/// `options` (such as `content-type`) must be sent with the upload.
///
/// ```
/// # use awsig::{Credentials, SigningTime, s3, v4};
/// # let creds = Credentials::new("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", None)?;
/// # let time = SigningTime::parse_rfc3339("2013-05-24T00:00:00Z")?;
/// # let key = v4::SigningKey::derive(&creds, time, "us-east-1", "s3")?;
/// # let signer = v4::Signer::new(&key, &creds, time)?;
/// # let bucket = s3::Bucket::new("s3.amazonaws.com", "examplebucket", s3::Addressing::VirtualHosted)?;
/// # let mut buf = [0u8; 1024];
/// use awsig::verify::{self, Policy, Rejection, Secret};
/// use awsig::{Payload, Request};
/// let png = s3::ObjectOptions::default().headers(&[("content-type", "image/png")]);
/// let url = s3::presign_put(&signer, &bucket, "a.png", 600, &png, &mut buf)?;
/// let target = url.as_str().strip_prefix("https://examplebucket.s3.amazonaws.com").unwrap();
///
/// // S3's check of the upload (whose body is not signed), a minute later:
/// let lookup = |_: &str| Some(Secret::new("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", None));
/// let policy = Policy::new(time.checked_add_seconds(60)?, "s3");
/// let sent = [("Host", "examplebucket.s3.amazonaws.com"), ("Content-Type", "image/png")];
/// let upload = Request::new("PUT", target, &sent).with_payload(Payload::Unsigned);
/// assert_eq!(verify::verify(&upload, &lookup, &policy)?.method, "PUT");
/// let untyped = Request::new("PUT", target, &sent[..1]).with_payload(Payload::Unsigned);
/// assert_eq!(verify::verify(&untyped, &lookup, &policy).unwrap_err().rejection(), Some(Rejection::SignedHeaderMissing));
/// # Ok::<(), awsig::Error>(())
/// ```
///
/// # Errors
/// As [`presign_object`].
pub fn presign_put<'o, K: Key>(
    signer: &Signer<'_, K>,
    bucket: &Bucket<'_>,
    object_key: &str,
    expires_in: u32,
    options: &ObjectOptions<'_>,
    out: impl Into<Output<'o>>,
) -> Result<Presigned<'o>, Error> {
    presign_object(signer, bucket, "PUT", object_key, expires_in, options, out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::v4::SigningKey;
    use crate::{Credentials, SigningTime};

    fn creds() -> Credentials<'static> {
        Credentials::new(
            "AKIAIOSFODNN7EXAMPLE",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            None,
        )
        .unwrap()
    }

    #[test]
    fn encodes_the_key_once_and_keeps_slashes() {
        let time = SigningTime::parse_rfc3339("2013-05-24T00:00:00Z").unwrap();
        let creds = creds();
        let key = SigningKey::derive(&creds, time, "us-east-1", "s3").unwrap();
        let signer = Signer::new(&key, &creds, time).unwrap();
        let bucket = Bucket::new("localhost:9000", "bkt", Addressing::Path)
            .unwrap()
            .http();
        let mut buf = [0u8; 2048];
        let opts = ObjectOptions::default().query(&[
            ("versionId", "3/L4kqtJl"),
            (
                "response-content-disposition",
                "attachment; filename=\"a b.txt\"",
            ),
        ]);
        let url = presign_get(
            &signer,
            &bucket,
            "photos/2020/12/my holiday+file~é.jpg",
            3600,
            &opts,
            &mut buf,
        )
        .unwrap();
        let s = url.as_str();
        assert!(
            s.starts_with(
                "http://localhost:9000/bkt/photos/2020/12/my%20holiday%2Bfile~%C3%A9.jpg?"
            ),
            "{s}"
        );
        assert!(
            s.contains("response-content-disposition=attachment%3B%20filename%3D%22a%20b.txt%22"),
            "{s}"
        );
        assert!(s.contains("versionId=3%2FL4kqtJl"), "{s}");
    }

    #[test]
    fn small_buffers_and_bad_names_are_errors() {
        let time = SigningTime::parse_rfc3339("2013-05-24T00:00:00Z").unwrap();
        let creds = creds();
        let key = SigningKey::derive(&creds, time, "us-east-1", "s3").unwrap();
        let signer = Signer::new(&key, &creds, time).unwrap();
        let bucket = Bucket::new(
            "s3.amazonaws.com",
            "examplebucket",
            Addressing::VirtualHosted,
        )
        .unwrap();
        let mut full = [0u8; 2048];
        let len = presign_get(
            &signer,
            &bucket,
            "k",
            60,
            &ObjectOptions::default(),
            &mut full,
        )
        .unwrap()
        .as_str()
        .len();
        let mut small = [0u8; 64];
        assert!(matches!(
            presign_get(
                &signer,
                &bucket,
                "k",
                60,
                &ObjectOptions::default(),
                &mut small
            ),
            Err(Error::BufferTooSmall { .. })
        ));
        assert!(len > 64);
        assert_eq!(
            Bucket::new("s3.amazonaws.com", "Upper", Addressing::VirtualHosted),
            Err(Error::InvalidBucketName)
        );
        assert_eq!(
            Bucket::new("s3.amazonaws.com", "", Addressing::Path),
            Err(Error::InvalidBucketName)
        );
        assert_eq!(
            Bucket::new("bad host", "b", Addressing::Path),
            Err(Error::InvalidHost)
        );
    }

    /// Keys whose target fits the stack scratch and keys that do not give
    /// the URL `v4::presign_url` gives for the encoded target; a buffer too
    /// small says how much is needed either way.
    #[test]
    fn short_and_long_keys_sign_as_the_general_presigner() {
        use alloc::borrow::ToOwned;
        use alloc::string::String;
        use alloc::vec;
        let time = SigningTime::parse_rfc3339("2013-05-24T00:00:00Z").unwrap();
        let creds = creds();
        let key = SigningKey::derive(&creds, time, "us-east-1", "s3").unwrap();
        let signer = Signer::new(&key, &creds, time).unwrap();
        let host = "examplebucket.s3.amazonaws.com";
        let bucket = Bucket::new(
            "s3.amazonaws.com",
            "examplebucket",
            Addressing::VirtualHosted,
        )
        .unwrap();
        for len in [1, 400, 480, 481, 482, 700, 5000] {
            let raw: String = "ab c/".chars().cycle().take(len).collect();
            let encoded = raw.replace(' ', "%20");
            let target = alloc::format!("/{encoded}");
            let headers = [("host", host)];
            let request = Request::new("GET", &target, &headers).with_payload(Payload::Unsigned);
            let mut want = vec![0u8; 20_000];
            let want =
                crate::v4::presign_url(&signer, &request, 60, &SigningSettings::s3(), &mut want)
                    .unwrap()
                    .as_str()
                    .to_owned();
            let mut got = vec![0u8; 20_000];
            let got = presign_get(
                &signer,
                &bucket,
                &raw,
                60,
                &ObjectOptions::default(),
                &mut got,
            )
            .unwrap();
            assert_eq!(got.as_str(), want, "{len}");
            let scratch = host.len() + target.len();
            let needed = want.len() + if scratch > STACK_TARGET { scratch } else { 0 };
            let mut exact = vec![0u8; needed];
            assert!(
                presign_get(
                    &signer,
                    &bucket,
                    &raw,
                    60,
                    &ObjectOptions::default(),
                    &mut exact,
                )
                .is_ok(),
                "{len}"
            );
            let mut short = vec![0u8; needed - 1];
            let err = presign_get(
                &signer,
                &bucket,
                &raw,
                60,
                &ObjectOptions::default(),
                &mut short,
            )
            .err();
            assert!(matches!(err, Some(Error::BufferTooSmall { .. })), "{len}");
            if scratch <= STACK_TARGET || needed > scratch {
                assert_eq!(err, Some(Error::BufferTooSmall { needed }), "{len}");
            }
        }
    }
}
