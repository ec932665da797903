//! Schemes `s3-v2-header` and `s3-v2-query`: S3's Signature Version 2
//! (awsig's `s3::v2`, feature `s3-sigv2`).

use awsig::{Output, SigningTime, Trace, s3};
use serde_json::{Value, json};

use super::case::Refused;
use super::sign::Signing;

impl Signing<'_> {
    /// Signs an `s3-v2-*` case, `repeat` more times for `--repeat`.
    pub(super) fn sign_s3_v2(&self, repeat: usize, buf: &mut [u8]) -> Result<Value, Refused> {
        let c = self.case;
        if c.payload.is_some() {
            return Err(Refused("bad_payload"));
        }
        let (creds, request) = (self.credentials, self.request);
        let (mut unused, mut sts) = (String::new(), String::new());
        let mut trace = Trace::new(&mut unused, &mut sts);
        if c.scheme == "s3-v2-query" {
            let expires_in = i64::from(c.expires()?);
            let expires = self.time.checked_add_seconds(expires_in)?;
            for _ in 0..repeat {
                let _ = s3::v2::presign(creds, request, expires, &mut *buf)?;
            }
            let signed = s3::v2::presign(creds, request, expires, Output::traced(buf, &mut trace))?;
            let (sig, target) = (signed.signature().to_owned(), signed.as_str().to_owned());
            return Ok(json!({
                "canonical_request": null, "string_to_sign": sts, "signature": sig,
                "authorization": null, "signed_target": target, "added_headers": null, "error": null,
            }));
        }
        if c.expires_in.is_some() {
            return Err(Refused("expires_range"));
        }
        let time: SigningTime = self.time;
        for _ in 0..repeat {
            let _ = s3::v2::sign_headers(creds, request, time, &mut *buf)?;
        }
        let signed = s3::v2::sign_headers(creds, request, time, Output::traced(buf, &mut trace))?;
        let added: Vec<Value> = signed.headers().map(|(n, v)| json!([n, v])).collect();
        let (sig, auth) = (
            signed.signature().to_owned(),
            signed.authorization().to_owned(),
        );
        Ok(json!({
            "canonical_request": null, "string_to_sign": sts, "signature": sig,
            "authorization": auth, "signed_target": null, "added_headers": added, "error": null,
        }))
    }
}
