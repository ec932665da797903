//! The one error type of the crate.
//!
//! Every variant names what is wrong with the *input* and, through
//! [`Error::kind`], maps to the short stable word of the conformance protocol
//! (`bad_target`, `bad_header`, ...). No variant ever carries a secret: the
//! secret access key and the session token are never copied into an error.

use core::fmt;

use crate::rejection::Rejection;

/// Everything that can go wrong while signing, presigning or verifying.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Error {
    /// The HTTP method is empty or not an RFC 9110 token.
    InvalidMethod,
    /// The request-target does not start with `/`.
    TargetNotAbsolute,
    /// The request-target holds a control character (NUL, CR, LF, TAB, DEL, ...),
    /// or a `#` (a fragment is never sent on the request line).
    InvalidTargetByte {
        /// The offending byte.
        byte: u8,
        /// Its offset in the request-target.
        at: usize,
    },
    /// A `%` in the query (or in a path that is not re-encoded) is not
    /// followed by two hex digits.
    MalformedPercentEscape {
        /// Offset of the `%` in the request-target.
        at: usize,
    },
    /// A query key or value percent-decodes to bytes that are not UTF-8; AWS
    /// servers decode parameters as UTF-8 text, so the signature could not
    /// match.
    QueryNotUtf8,
    /// The query already carries an authentication parameter (such as
    /// `X-Amz-Signature` or SigV2's `Signature`): the request is signed already.
    AuthParameterPresent,
    /// A header that the signer adds (`Authorization`, `X-Amz-Date`, ...) is
    /// already present: the request is signed already.
    AuthHeaderPresent,
    /// A header name is empty or not an RFC 9110 token.
    InvalidHeaderName,
    /// A header value holds a control character other than TAB and the LF of
    /// an obs-fold line break (NUL, CR, DEL, ...).
    InvalidHeaderValue,
    /// The request has no `Host` header.
    MissingHost,
    /// The request has more than one `Host` header.
    DuplicateHost,
    /// The `Host` value is empty or holds a character that cannot appear in a
    /// host (non-ASCII hosts must be sent in their punycode form).
    InvalidHost,
    /// An S3 bucket name is empty or holds characters its addressing style
    /// cannot carry.
    InvalidBucketName,
    /// A caller-supplied payload hash is not 64 lowercase hex digits (or
    /// `x-amz-content-sha256` appears more than once).
    InvalidPayloadHash,
    /// The request's `x-amz-content-sha256` header and the payload given
    /// for it say different things.
    ContentSha256Mismatch,
    /// A URL scheme that is not RFC 3986 `ALPHA *( ALPHA / DIGIT / + / - / . )`.
    InvalidScheme,
    /// The access key id is empty or holds characters other than
    /// `A-Z a-z 0-9 - _ . ~`.
    InvalidAccessKeyId,
    /// The secret access key is empty.
    EmptySecretAccessKey,
    /// The session token is empty or holds a control character.
    InvalidSessionToken,
    /// The region is empty or holds characters other than `A-Z a-z 0-9 - _ . ~`.
    InvalidRegion,
    /// The service name is empty or holds characters other than `A-Z a-z 0-9 - _ . ~`.
    InvalidService,
    /// An access key id longer than a key holds inline
    /// ([`MAX_ACCESS_KEY_ID_LEN`](crate::v4::MAX_ACCESS_KEY_ID_LEN)).
    AccessKeyIdTooLong,
    /// A region (or region set) or service longer than a key holds inline
    /// ([`MAX_REGION_LEN`](crate::v4::MAX_REGION_LEN),
    /// [`MAX_SERVICE_LEN`](crate::v4::MAX_SERVICE_LEN)).
    NameTooLong,
    /// The credentials given to sign are not the ones the key was derived
    /// from (another access key id).
    KeyCredentialsMismatch,
    /// The time is outside the years 1970..=9999.
    TimeOutOfRange,
    /// A time string is not RFC 3339 in UTC (`2015-08-30T12:36:00Z`).
    InvalidTimeFormat,
    /// `expires_in` is not within 1..=604800 seconds (7 days, the SigV4 maximum).
    ExpiresOutOfRange,
    /// A signing key was derived for another date, region or service than the
    /// request is signed for.
    KeyScopeMismatch,
    /// The output buffer is too small; `needed` bytes would have been enough.
    BufferTooSmall {
        /// The number of bytes the output needs.
        needed: usize,
    },
    /// The `core::fmt::Write` sink given for the output returned an error.
    WriteFailed,
    /// An unsupported signature method was requested (SigV2 `HmacSHA1`).
    UnsupportedSignatureMethod,
    /// SigV2 needs exactly one of `Timestamp` and `Expires`.
    InvalidV2Parameters,
    /// The credentials have expired at the signing time.
    CredentialsExpired,
    /// A presigned URL would outlive its credentials (shorten `expires_in`,
    /// or let the signer clamp it).
    ExpiresAfterCredentials,
    /// An aws-chunked chunk size of 0.
    InvalidChunkSize,
    /// A signature given as text is not lowercase hex of a valid length.
    InvalidSignature,
    /// An aws-chunked step out of order (a chunk after the final one, a
    /// trailer before it or without a trailer mode).
    ChunkedStateError,
    /// Verification refused the request's authentication (wrong signature,
    /// expired URL, unknown access key, ...); see [`Error::rejection`].
    Rejected(Rejection),
    /// A received request is larger than the verifier's policy allows
    /// ([`verify::Limits`](crate::verify::Limits)); refused before any
    /// other work.
    LimitExceeded(Limit),
    /// An aws-chunked size line is malformed: not 1 to
    /// [`MAX_CHUNK_SIZE_DIGITS`](crate::verify::MAX_CHUNK_SIZE_DIGITS) hex
    /// digits (no sign, no space), an extension other than
    /// `;chunk-signature=` (any extension in the unsigned mode), or not
    /// ended by CRLF.
    MalformedChunkLine {
        /// Offset of the offending byte in the encoded body.
        at: u64,
    },
    /// aws-chunked chunk data not followed by CRLF at the size its line
    /// declared (the size line lies).
    ChunkNotTerminated {
        /// Offset of the offending byte in the encoded body.
        at: u64,
    },
    /// The aws-chunked chunk sizes do not add up to the declared
    /// `x-amz-decoded-content-length`.
    DecodedLengthMismatch {
        /// The declared length.
        declared: u64,
        /// The chunk sizes received up to the refusal (more than
        /// `declared`, or the total at the final chunk).
        received: u64,
    },
    /// Bytes after the end of an aws-chunked body.
    BytesAfterChunkedBody {
        /// Offset of the first extra byte in the encoded body.
        at: u64,
    },
    /// An aws-chunked trailer line is not `name:value` and CRLF with a
    /// lowercase name and printable value, or is longer than
    /// [`MAX_TRAILER_LINE`](crate::verify::MAX_TRAILER_LINE).
    MalformedTrailer {
        /// Offset of the offending byte in the encoded body.
        at: u64,
    },
    /// The aws-chunked trailer is not the one `x-amz-trailer` declared: it
    /// is missing, has another name, or another trailing header came too.
    TrailerMismatch,
    /// The aws-chunked body ended before its final zero-length chunk (or,
    /// when one is declared, before its trailer).
    ChunkedBodyIncomplete,
    /// The aws-chunked declaration is not one the decoder handles: a
    /// `STREAMING-*` value other than the SigV4 ones, a malformed
    /// `x-amz-decoded-content-length`, or an `x-amz-trailer` that is not
    /// one header name.
    InvalidChunkedDeclaration,
    /// A POST form's `policy` is not base64 of a JSON policy document
    /// (`expiration` and `conditions` in the forms AWS documents).
    MalformedPostPolicy {
        /// Offset in the decoded policy (or in the base64 text, for
        /// malformed base64).
        at: usize,
    },
    /// A POST form field appears twice (names are compared ignoring case).
    DuplicateFormField,
    /// A POST form has more fields than
    /// [`MAX_FORM_FIELDS`](crate::verify::MAX_FORM_FIELDS), or its policy
    /// more conditions than
    /// [`MAX_POLICY_CONDITIONS`](crate::verify::MAX_POLICY_CONDITIONS).
    PostFormTooLarge,
    /// An event-stream header name is empty or longer than 255 bytes, or a
    /// byte array or string value is longer than 32,767 bytes.
    InvalidEventHeader,
    /// An event-stream message would be longer than its `u32` length field
    /// can say (4 GiB).
    EventMessageTooLarge,
    /// Received event-stream bytes are not a well-formed message: a length
    /// that does not add up, a CRC-32 that does not match, a malformed
    /// header, or bytes missing.
    MalformedEventMessage,
}

/// Which of the verifier's limits a request exceeds
/// ([`verify::Limits`](crate::verify::Limits)).
///
/// ```
/// use awsig::verify::{self, Limit, Limits, Policy, Secret};
/// use awsig::{Error, Request, SigningTime};
///
/// let t = SigningTime::parse_rfc3339("2015-08-30T12:36:00Z")?;
/// let policy = Policy::new(t, "sqs").limits(Limits { max_query_params: 2, ..Limits::DEFAULT });
/// let headers = [("Host", "sqs.us-east-1.amazonaws.com")];
/// let lookup = |_: &str| None::<Secret<'static>>;
/// let err = verify::verify(&Request::new("GET", "/?a=1&b=2&c=3", &headers), &lookup, &policy).unwrap_err();
/// assert_eq!(err, Error::LimitExceeded(Limit::QueryParams));
/// # Ok::<(), Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Limit {
    /// The request-target and headers together, bytes.
    RequestBytes,
    /// Query (or SigV2 form) parameters.
    QueryParams,
    /// Headers.
    Headers,
    /// Path segments.
    PathSegments,
}

impl Error {
    /// The short stable word for this error used by the conformance protocol
    /// (`bad_target`, `bad_header`, `bad_time`, `expires_range`, ...).
    #[must_use]
    pub const fn kind(&self) -> &'static str {
        match self {
            Error::InvalidMethod => "bad_method",
            Error::TargetNotAbsolute
            | Error::InvalidTargetByte { .. }
            | Error::MalformedPercentEscape { .. }
            | Error::QueryNotUtf8
            | Error::InvalidScheme
            | Error::AuthParameterPresent => "bad_target",
            Error::AuthHeaderPresent
            | Error::InvalidHeaderName
            | Error::InvalidHeaderValue
            | Error::MissingHost
            | Error::DuplicateHost
            | Error::InvalidHost => "bad_header",
            Error::InvalidBucketName => "bad_target",
            Error::InvalidPayloadHash | Error::ContentSha256Mismatch => "bad_payload",
            Error::InvalidAccessKeyId
            | Error::AccessKeyIdTooLong
            | Error::KeyCredentialsMismatch
            | Error::EmptySecretAccessKey
            | Error::InvalidSessionToken => "bad_credentials",
            Error::InvalidRegion
            | Error::InvalidService
            | Error::NameTooLong
            | Error::KeyScopeMismatch => "bad_scope",
            Error::TimeOutOfRange | Error::InvalidTimeFormat => "bad_time",
            Error::ExpiresOutOfRange | Error::ExpiresAfterCredentials => "expires_range",
            Error::CredentialsExpired => "bad_credentials",
            Error::BufferTooSmall { .. } | Error::WriteFailed => "output",
            Error::UnsupportedSignatureMethod
            | Error::InvalidV2Parameters
            | Error::InvalidChunkSize
            | Error::InvalidSignature
            | Error::ChunkedStateError => "bad_case",
            Error::Rejected(r) => r.kind(),
            Error::LimitExceeded(_) => "limit_exceeded",
            Error::MalformedChunkLine { .. }
            | Error::ChunkNotTerminated { .. }
            | Error::DecodedLengthMismatch { .. }
            | Error::BytesAfterChunkedBody { .. }
            | Error::MalformedTrailer { .. }
            | Error::TrailerMismatch
            | Error::ChunkedBodyIncomplete
            | Error::MalformedPostPolicy { .. }
            | Error::DuplicateFormField
            | Error::PostFormTooLarge => "bad_body",
            Error::InvalidChunkedDeclaration => "bad_header",
            Error::InvalidEventHeader
            | Error::EventMessageTooLarge
            | Error::MalformedEventMessage => "bad_event",
        }
    }

    /// The [`Rejection`] when verification refused the request's
    /// authentication, `None` for every other error (a malformed request,
    /// or a signing error).
    ///
    /// A server answers a rejection with 403 Forbidden and a malformed
    /// request with 400 Bad Request (S3 answers 400 to some malformed
    /// authentication too, `AuthorizationHeaderMalformed`: match the
    /// [`Rejection`] for a finer mapping).
    #[must_use]
    pub const fn rejection(&self) -> Option<Rejection> {
        match self {
            Error::Rejected(r) => Some(*r),
            _ => None,
        }
    }
}

impl From<Rejection> for Error {
    fn from(r: Rejection) -> Self {
        Error::Rejected(r)
    }
}

impl Error {
    /// What is wrong with the request, for the variants that carry nothing.
    const fn request_message(&self) -> Option<&'static str> {
        Some(match self {
            Error::InvalidMethod => {
                "the HTTP method must be a non-empty RFC 9110 token such as GET"
            }
            Error::TargetNotAbsolute => "the request-target must start with '/'",
            Error::QueryNotUtf8 => {
                "a query parameter percent-decodes to bytes that are not UTF-8; AWS decodes parameters as UTF-8, so encode the text as UTF-8"
            }
            Error::InvalidScheme => {
                "the URL scheme must be a letter followed by letters, digits, '+', '-' or '.' (http, https, wss)"
            }
            Error::AuthParameterPresent => {
                "the query already carries an authentication parameter (X-Amz-*/Signature/AWSAccessKeyId ...); sign the unsigned request"
            }
            Error::AuthHeaderPresent => {
                "the request already carries a header the signer adds (Authorization, X-Amz-Date, X-Amz-Security-Token, x-amz-s3session-token or x-amz-content-sha256); sign the unsigned request"
            }
            Error::InvalidHeaderName => "a header name is empty or not an RFC 9110 token",
            Error::InvalidHeaderValue => {
                "a header value holds a control character (only TAB and obs-fold line breaks are allowed)"
            }
            Error::MissingHost => "the request has no Host header; add one (it is always signed)",
            Error::DuplicateHost => "the request has more than one Host header",
            Error::InvalidHost => {
                "the Host header is empty or holds characters a host cannot have (use the punycode form of international names)"
            }
            Error::InvalidBucketName => {
                "the bucket name is empty or not valid for its addressing style (virtual-hosted names are lowercase DNS labels)"
            }
            Error::ContentSha256Mismatch => {
                "the request's x-amz-content-sha256 header differs from the payload given; the header is what is signed, so give the same value (or leave the payload out)"
            }
            Error::InvalidPayloadHash => {
                "a precomputed payload hash must be 64 lowercase hex digits (SHA-256)"
            }
            Error::InvalidEventHeader => {
                "an event-stream header name must be 1 to 255 bytes, and a byte array or string value at most 32767 bytes"
            }
            Error::EventMessageTooLarge => {
                "an event-stream message must be shorter than 4 GiB (its length is a u32)"
            }
            Error::MalformedEventMessage => {
                "the bytes are not a well-formed event-stream message (lengths, CRC-32s or headers)"
            }
            _ => return None,
        })
    }

    /// What is wrong with the credentials, key, time or output, for the variants that carry nothing.
    const fn signing_message(&self) -> Option<&'static str> {
        Some(match self {
            Error::InvalidAccessKeyId => {
                "the access key id must be non-empty and made of A-Z a-z 0-9 - _ . ~"
            }
            Error::EmptySecretAccessKey => "the secret access key is empty",
            Error::InvalidSessionToken => "the session token is empty or holds a control character",
            Error::InvalidRegion => {
                "the region must be non-empty and made of A-Z a-z 0-9 - _ . ~ (e.g. us-east-1)"
            }
            Error::InvalidService => {
                "the service must be non-empty and made of A-Z a-z 0-9 - _ . ~ (e.g. s3, sqs)"
            }
            Error::KeyCredentialsMismatch => {
                "the signing key was derived from other credentials (another access key id); derive it from these"
            }
            Error::TimeOutOfRange => "the signing time must be within the years 1970 to 9999",
            Error::InvalidTimeFormat => {
                "the time must be RFC 3339 in UTC, e.g. 2015-08-30T12:36:00Z"
            }
            Error::ExpiresOutOfRange => "expires_in must be between 1 and 604800 seconds (7 days)",
            Error::KeyScopeMismatch => {
                "the signing key was derived for another date, region or service; derive one for this request's scope"
            }
            Error::WriteFailed => "the output writer returned an error",
            Error::UnsupportedSignatureMethod => {
                "only HmacSHA256 is supported for Signature Version 2 (HmacSHA1 is refused)"
            }
            Error::InvalidV2Parameters => {
                "Signature Version 2 needs exactly one of Timestamp and Expires (and a form POST no query in its target)"
            }
            Error::CredentialsExpired => {
                "the credentials have expired at the signing time; refresh them"
            }
            Error::ExpiresAfterCredentials => {
                "the presigned URL would outlive its temporary credentials; shorten expires_in or enable clamp_expires_to_credentials"
            }
            Error::InvalidSignature => {
                "a signature must be lowercase hex: 64 digits (SigV4) or a DER ECDSA signature (SigV4a)"
            }
            Error::InvalidChunkSize => "the aws-chunked chunk size must be at least 1 byte",
            Error::ChunkedStateError => {
                "aws-chunked steps out of order: chunks, then the final empty chunk, then the trailer (trailer modes only)"
            }
            Error::AccessKeyIdTooLong => {
                "the access key id is longer than 128 bytes (v4::MAX_ACCESS_KEY_ID_LEN, IAM's limit)"
            }
            Error::NameTooLong => {
                "the region (or region set) or service is longer than a signing key holds (v4::MAX_REGION_LEN, v4a::MAX_REGION_SET_LEN, v4::MAX_SERVICE_LEN: 64, 256 and 64 bytes)"
            }
            _ => return other_message(self),
        })
    }
}

/// The messages of the body variants (aws-chunked, POST forms) that carry nothing.
const fn other_message(e: &Error) -> Option<&'static str> {
    Some(match e {
        Error::TrailerMismatch => {
            "the aws-chunked trailer is not the one x-amz-trailer declared (missing, another name, or an extra header)"
        }
        Error::ChunkedBodyIncomplete => {
            "the aws-chunked body ended before its final zero-length chunk (or its trailer)"
        }
        Error::InvalidChunkedDeclaration => {
            "unsupported aws-chunked declaration: x-amz-content-sha256 must be a SigV4 STREAMING-* value, x-amz-decoded-content-length a decimal number, x-amz-trailer one header name"
        }
        Error::DuplicateFormField => "a POST form field appears twice (names ignore case)",
        Error::PostFormTooLarge => {
            "the POST form has more fields, or its policy more conditions, than the verifier accepts"
        }
        _ => return None,
    })
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidTargetByte { byte, at } => write!(
                f,
                "the request-target holds byte 0x{byte:02x} at offset {at}, which cannot be sent as is: percent-encode spaces, non-ASCII bytes and control characters (awsig::encode::path or awsig::encode::component), and leave out any '#fragment'"
            ),
            Error::MalformedPercentEscape { at } => write!(
                f,
                "malformed percent-escape at offset {at} of the request-target: '%' must be followed by two hex digits (write a literal '%' as %25)"
            ),
            Error::BufferTooSmall { needed } => write!(
                f,
                "the output buffer is too small: {needed} bytes are needed"
            ),
            Error::Rejected(r) => fmt::Display::fmt(r, f),
            Error::LimitExceeded(limit) => write!(
                f,
                "the request exceeds the verifier's limit on {}",
                match limit {
                    Limit::RequestBytes => "the size of its target and headers",
                    Limit::QueryParams => "query parameters",
                    Limit::Headers => "headers",
                    Limit::PathSegments => "path segments",
                }
            ),
            Error::MalformedChunkLine { at } => write!(
                f,
                "malformed aws-chunked size line at offset {at}: 1 to 16 hex digits, then ';chunk-signature=' and 64 hex digits (signed modes) or nothing (unsigned), then CRLF"
            ),
            Error::ChunkNotTerminated { at } => write!(
                f,
                "aws-chunked chunk data is not followed by CRLF at its declared size (offset {at})"
            ),
            Error::DecodedLengthMismatch { declared, received } => write!(
                f,
                "the aws-chunked chunk sizes add up to {received} bytes, x-amz-decoded-content-length declares {declared}"
            ),
            Error::BytesAfterChunkedBody { at } => {
                write!(
                    f,
                    "bytes after the end of the aws-chunked body (offset {at})"
                )
            }
            Error::MalformedTrailer { at } => write!(
                f,
                "malformed aws-chunked trailer line at offset {at}: 'name:value' and CRLF, lowercase name, printable value, at most 256 bytes"
            ),
            Error::MalformedPostPolicy { at } => write!(
                f,
                "the POST form's policy is not base64 of a JSON policy document (expiration, conditions) at offset {at}"
            ),
            other => f.write_str(
                other
                    .request_message()
                    .or_else(|| other.signing_message())
                    .unwrap_or("invalid input"),
            ),
        }
    }
}

impl core::error::Error for Error {}
