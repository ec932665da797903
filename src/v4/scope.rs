//! The credential scope: `20150830/us-east-1/service/aws4_request`.
//!
//! It binds a signature to one day, one region and one service; the signing
//! key is derived along the same four steps.
//! See <https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html#create-string-to-sign>.

use crate::canonical::query::write_credential;
use crate::sink::OutBuf;
use crate::time::DateStamp;
use crate::v4::algorithm::ScopeParts;

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
