//! `HashedPayload`: the last line of the canonical request.
//!
//! Hex SHA-256 of the body, a hash the caller computed (for bodies streamed
//! from elsewhere), or one of the literal values AWS defines: `UNSIGNED-PAYLOAD`
//! (S3 presigned URLs) and the `STREAMING-*` values of aws-chunked uploads.
//! See <https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html>.

use core::fmt;

use sha2::{Digest, Sha256};

use crate::Error;

/// What the request says about its body.
#[derive(Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Payload<'a> {
    /// The body bytes; the signer hashes them.
    Body(&'a [u8]),
    /// A SHA-256 of the body computed by the caller: 64 lowercase hex digits.
    Precomputed(&'a str),
    /// `UNSIGNED-PAYLOAD`: the body is not signed (S3).
    Unsigned,
    /// `STREAMING-AWS4-HMAC-SHA256-PAYLOAD`: the seed of an aws-chunked upload.
    StreamingSigned,
    /// `STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER`.
    StreamingSignedTrailer,
    /// `STREAMING-UNSIGNED-PAYLOAD-TRAILER`.
    StreamingUnsignedTrailer,
}

impl fmt::Debug for Payload<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Payload::Body(b) => write!(f, "Body({} bytes)", b.len()),
            Payload::Precomputed(h) => f.debug_tuple("Precomputed").field(h).finish(),
            Payload::Unsigned => f.write_str("Unsigned"),
            Payload::StreamingSigned => f.write_str("StreamingSigned"),
            Payload::StreamingSignedTrailer => f.write_str("StreamingSignedTrailer"),
            Payload::StreamingUnsignedTrailer => f.write_str("StreamingUnsignedTrailer"),
        }
    }
}

/// The literal payload lines AWS defines, with the payload each stands for.
const LITERALS: [(&str, Payload<'static>); 4] = [
    ("UNSIGNED-PAYLOAD", Payload::Unsigned),
    (
        "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
        Payload::StreamingSigned,
    ),
    (
        "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER",
        Payload::StreamingSignedTrailer,
    ),
    (
        "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
        Payload::StreamingUnsignedTrailer,
    ),
];

impl<'a> Payload<'a> {
    /// The payload a payload line stands for, as received in
    /// `x-amz-content-sha256`: one of the literal values, or a hash
    /// ([`Payload::Precomputed`], checked when it is used).
    #[must_use]
    pub fn from_line(line: &'a str) -> Self {
        LITERALS
            .iter()
            .find(|(text, _)| *text == line)
            .map_or(Payload::Precomputed(line), |(_, payload)| *payload)
    }
}

/// The payload line as it is signed (and sent as `x-amz-content-sha256`).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct PayloadHash(Line);

#[derive(Clone, Copy, PartialEq, Eq)]
enum Line {
    Hex([u8; 64]),
    Literal(&'static str),
}

/// SHA-256 of the empty string, hex.
pub const EMPTY_SHA256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

impl PayloadHash {
    /// `UNSIGNED-PAYLOAD`.
    pub(crate) const fn unsigned() -> Self {
        Self(Line::Literal("UNSIGNED-PAYLOAD"))
    }

    /// Computes the payload line of `payload`.
    ///
    /// # Errors
    /// [`Error::InvalidPayloadHash`] when a precomputed hash is not 64
    /// lowercase hex digits.
    // Inline, so that the literal lines (no body, `UNSIGNED-PAYLOAD`, the
    // streaming ones) are chosen where they are used rather than copied
    // out of a returned `Result`; hashing a body stays out of line.
    #[inline]
    pub fn of(payload: &Payload<'_>) -> Result<Self, Error> {
        Ok(Self(match *payload {
            // Most requests have no body: skip hashing the empty string.
            Payload::Body([]) => Line::Literal(EMPTY_SHA256),
            Payload::Body(body) => Line::Hex(hash_body(body)),
            Payload::Precomputed(h) => Line::Hex(precomputed(h)?),
            literal => Line::Literal(
                LITERALS
                    .iter()
                    .find(|(_, p)| *p == literal)
                    .map_or("UNSIGNED-PAYLOAD", |(text, _)| text),
            ),
        }))
    }

    /// The payload line of a request to sign, and whether the request
    /// declared it itself: a request that carries `x-amz-content-sha256`
    /// is signed with that header's value, since it is what the server
    /// reads (botocore's `SigV4Auth` does the same). A payload given as
    /// well must agree with it, except the default empty body, which only
    /// means that none was given.
    pub(crate) fn of_request(
        payload: &Payload<'_>,
        headers: &[(&str, &str)],
    ) -> Result<(Self, bool), Error> {
        let mut declared = headers
            .iter()
            .filter(|(name, _)| name.eq_ignore_ascii_case("x-amz-content-sha256"));
        let Some((_, value)) = declared.next() else {
            return Ok((Self::of(payload)?, false));
        };
        if declared.next().is_some() {
            return Err(Error::InvalidPayloadHash);
        }
        let line = Self::of(&Payload::from_line(value.trim_matches([' ', '\t'])))?;
        if !matches!(payload, Payload::Body([])) && Self::of(payload)? != line {
            return Err(Error::ContentSha256Mismatch);
        }
        Ok((line, true))
    }

    /// The text of the line.
    #[must_use]
    pub fn as_str(&self) -> &str {
        match &self.0 {
            Line::Hex(h) => core::str::from_utf8(h).unwrap_or_default(),
            Line::Literal(s) => s,
        }
    }
}

impl fmt::Debug for PayloadHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for PayloadHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The hex SHA-256 of a body.
#[inline(never)]
fn hash_body(body: &[u8]) -> [u8; 64] {
    crate::digits::hex64(&Sha256::digest(body).into())
}

/// A hash given by the caller: 64 lowercase hex digits.
fn precomputed(h: &str) -> Result<[u8; 64], Error> {
    let bytes: [u8; 64] = h
        .as_bytes()
        .try_into()
        .map_err(|_| Error::InvalidPayloadHash)?;
    if !bytes.iter().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
        return Err(Error::InvalidPayloadHash);
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines() {
        assert_eq!(
            PayloadHash::of(&Payload::Body(b"")).unwrap().as_str(),
            EMPTY_SHA256
        );
        assert_eq!(
            PayloadHash::of(&Payload::Unsigned).unwrap().as_str(),
            "UNSIGNED-PAYLOAD"
        );
        assert_eq!(
            PayloadHash::of(&Payload::Precomputed(EMPTY_SHA256))
                .unwrap()
                .as_str(),
            EMPTY_SHA256
        );
        let upper = EMPTY_SHA256.to_ascii_uppercase();
        assert_eq!(
            PayloadHash::of(&Payload::Precomputed(&upper)),
            Err(Error::InvalidPayloadHash)
        );
        assert_eq!(
            PayloadHash::of(&Payload::Precomputed("abc")),
            Err(Error::InvalidPayloadHash)
        );
    }
}
