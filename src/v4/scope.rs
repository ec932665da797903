//! The credential scope: `20150830/us-east-1/service/aws4_request`.
//!
//! It binds a signature to one day, one region and one service; the signing
//! key is derived along the same four steps.
//! See <https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html#create-string-to-sign>.

use crate::canonical::query::write_credential;
use crate::sink::OutBuf;
use crate::sink::Sink;
use crate::time::DateStamp;

/// The last element of every SigV4 credential scope.
pub const TERMINATOR: &str = "aws4_request";

/// A credential scope: date, region, service.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CredentialScope<'a> {
    /// The UTC date, `YYYYMMDD`.
    pub date: DateStamp,
    /// The region, e.g. `us-east-1`.
    pub region: &'a str,
    /// The service signing name, e.g. `s3`.
    pub service: &'a str,
}

impl<'a> CredentialScope<'a> {
    /// The `/`-separated parts, `aws4_request` last.
    pub(crate) fn parts(&self) -> [&str; 4] {
        [self.date.as_str(), self.region, self.service, TERMINATOR]
    }
}

/// A key's credential scope written out once, when the key is derived,
/// rather than piece by piece in every signature: the scope as the string
/// to sign and the `Authorization` header have it
/// (`20150830/us-east-1/iam/aws4_request`), and the `X-Amz-Credential`
/// value of a presigned URL (`AKID%2F20150830%2Fus-east-1%2Fiam%2Faws4_request`).
/// Either is absent when it does not fit (unusually long names): the parts
/// are then written one by one.
#[derive(Clone)]
pub(crate) struct ScopeTexts {
    buf: [u8; TEXTS_LEN],
    scope_len: u8,
    credential_len: u8,
}

const TEXTS_LEN: usize = 192;

impl ScopeTexts {
    /// From parts already checked to be unreserved (`is_scope_part`, and
    /// access key ids likewise), so that joining them with `%2F` is their
    /// encoding.
    pub(crate) fn new(access_key_id: &str, scope: &CredentialScope<'_>) -> Self {
        let mut buf = [0u8; TEXTS_LEN];
        let mut out = OutBuf::new(&mut buf);
        // The very writers that write them part by part otherwise.
        let parts = ScopeParts::new(&scope.date, Some(scope.region), scope.service);
        parts.write(&mut out);
        let scope_len = out.position();
        write_credential(&mut out, access_key_id, parts.as_slice());
        let credential_len = out.position() - scope_len;
        // Both or neither: the credential is stored after the scope.
        let fits = out.finish_bytes().is_ok();
        let (scope_len, credential_len) =
            match (u8::try_from(scope_len), u8::try_from(credential_len)) {
                (Ok(s), Ok(c)) if fits => (s, c),
                _ => (0, 0),
            };
        Self {
            buf,
            scope_len,
            credential_len,
        }
    }

    /// `date/region/service/aws4_request`.
    pub(crate) fn scope(&self) -> Option<&[u8]> {
        self.text(0, self.scope_len)
    }

    /// `AKID%2Fdate%2Fregion%2Fservice%2Faws4_request`.
    pub(crate) fn credential(&self) -> Option<&[u8]> {
        self.text(usize::from(self.scope_len), self.credential_len)
    }

    /// As bytes: they only ever go into sinks, and a `&str` would cost a
    /// UTF-8 check of both texts on every signature.
    fn text(&self, start: usize, len: u8) -> Option<&[u8]> {
        if len == 0 {
            return None;
        }
        self.buf.get(start..start + usize::from(len))
    }
}

impl core::fmt::Display for CredentialScope<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(
            f,
            "{}/{}/{}/{TERMINATOR}",
            self.date, self.region, self.service
        )
    }
}

/// The `/`-separated parts of a credential scope (without the access key id).
#[derive(Clone, Copy, Debug)]
pub struct ScopeParts<'s> {
    parts: [&'s str; 4],
    len: usize,
    /// The parts joined with `/`, when written already (a SigV4 key's).
    joined: Option<&'s [u8]>,
    /// `X-Amz-Credential`: the access key id and the parts joined with
    /// `%2F`, when written already.
    credential: Option<&'s [u8]>,
}

impl<'s> ScopeParts<'s> {
    pub(crate) fn new(date: &'s DateStamp, region: Option<&'s str>, service: &'s str) -> Self {
        match region {
            Some(region) => Self {
                parts: [date.as_str(), region, service, TERMINATOR],
                len: 4,
                joined: None,
                credential: None,
            },
            None => Self {
                parts: [date.as_str(), service, TERMINATOR, ""],
                len: 3,
                joined: None,
                credential: None,
            },
        }
    }

    /// With the texts a SigV4 key wrote when it was derived (the same parts).
    pub(crate) fn with_texts(mut self, texts: &'s crate::v4::scope::ScopeTexts) -> Self {
        self.joined = texts.scope();
        self.credential = texts.credential();
        self
    }

    /// The `X-Amz-Credential` value, when written already.
    pub(crate) fn credential(&self) -> Option<&'s [u8]> {
        self.credential
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = &'s str> + '_ {
        self.as_slice().iter().copied()
    }

    pub(crate) fn as_slice(&self) -> &[&'s str] {
        self.parts.get(..self.len).unwrap_or_default()
    }

    pub(crate) fn write<S: Sink>(&self, sink: &mut S) {
        if let Some(joined) = self.joined {
            sink.put(joined);
            return;
        }
        for (i, part) in self.iter().enumerate() {
            if i > 0 {
                sink.put(b"/");
            }
            sink.put_str(part);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SigningTime;
    use alloc::format;
    use alloc::string::String;

    #[test]
    fn texts_are_the_parts_joined_or_absent_when_too_long() {
        let date = SigningTime::from_unix_seconds(1_608_331_963)
            .unwrap()
            .date_stamp();
        let long = "r".repeat(200);
        for (region, fits) in [("us-east-1", true), ("a", true), (&long[..], false)] {
            let scope = CredentialScope {
                date,
                region,
                service: "s3",
            };
            let texts = ScopeTexts::new("AKIDEXAMPLE", &scope);
            let joined = format!("20201218/{region}/s3/aws4_request");
            let credential: String = format!("AKIDEXAMPLE/{joined}").replace('/', "%2F");
            assert_eq!(texts.scope(), fits.then_some(joined.as_bytes()), "{region}");
            assert_eq!(
                texts.credential(),
                fits.then_some(credential.as_bytes()),
                "{region}"
            );
            assert_eq!(format!("{scope}"), joined);
        }
    }
}
