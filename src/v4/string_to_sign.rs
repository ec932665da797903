//! The string to sign:
//!
//! ```text
//! AWS4-HMAC-SHA256 \n
//! 20150830T123600Z \n                       (X-Amz-Date)
//! 20150830/us-east-1/service/aws4_request \n (credential scope)
//! hex(SHA-256(canonical request))
//! ```
//!
//! See <https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html#create-string-to-sign>.

use crate::sink::Sink;
use crate::time::AmzDate;
use crate::v4::scope::ScopeParts;

/// The algorithm name of SigV4 with HMAC-SHA256.
pub const ALGORITHM: &str = "AWS4-HMAC-SHA256";

pub(crate) fn write<S: Sink>(
    sink: &mut S,
    algorithm: &str,
    amz_date: &AmzDate,
    scope: &ScopeParts<'_>,
    canonical_request_hash: &[u8; 64],
) {
    sink.put_str(algorithm);
    sink.put(b"\n");
    sink.put(amz_date.as_bytes());
    sink.put(b"\n");
    scope.write(sink);
    sink.put(b"\n");
    sink.put(canonical_request_hash);
}
