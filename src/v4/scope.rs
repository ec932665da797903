//! The credential scope: `20150830/us-east-1/service/aws4_request`.
//!
//! It binds a signature to one day, one region and one service; the signing
//! key is derived along the same four steps.
//! See <https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html#create-string-to-sign>.

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
