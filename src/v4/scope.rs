//! The credential scope: `20150830/us-east-1/service/aws4_request`.
//!
//! It binds a signature to one day, one region and one service; the signing
//! key is derived along the same four steps.
//! See <https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html#create-string-to-sign>.

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
}

impl<'s> ScopeParts<'s> {
    pub(crate) fn new(date: &'s DateStamp, region: Option<&'s str>, service: &'s str) -> Self {
        match region {
            Some(region) => Self {
                parts: [date.as_str(), region, service, TERMINATOR],
                len: 4,
            },
            None => Self {
                parts: [date.as_str(), service, TERMINATOR, ""],
                len: 3,
            },
        }
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = &'s str> + '_ {
        self.as_slice().iter().copied()
    }

    pub(crate) fn as_slice(&self) -> &[&'s str] {
        self.parts.get(..self.len).unwrap_or_default()
    }

    pub(crate) fn write<S: Sink>(&self, sink: &mut S) {
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
    use crate::canonical::query::write_credential;
    use alloc::format;

    #[test]
    fn scope_is_the_parts_joined() {
        let date = SigningTime::from_unix_seconds(1_608_331_963)
            .unwrap()
            .date_stamp();
        let scope = CredentialScope {
            date,
            region: "us-east-1",
            service: "s3",
        };
        let mut written = alloc::vec::Vec::new();
        ScopeParts::new(&date, Some("us-east-1"), "s3").write(&mut written);
        assert_eq!(written, b"20201218/us-east-1/s3/aws4_request");
        assert_eq!(format!("{scope}"), "20201218/us-east-1/s3/aws4_request");
        let mut credential = alloc::vec::Vec::new();
        write_credential(
            &mut credential,
            "AKID",
            ScopeParts::new(&date, None, "s3").as_slice(),
        );
        assert_eq!(credential, b"AKID%2F20201218%2Fs3%2Faws4_request");
    }
}
