//! The `String` forms of the signers, with what was signed (through
//! `awsig::with_buffer` and `awsig::Trace`).

use awsig::v4::{self, Signer, SigningSettings};
use awsig::{Error, Output, Request, Trace, with_buffer};

/// What was signed, and the signature.
pub struct Inspection {
    pub canonical_request: String,
    pub string_to_sign: String,
    pub signature: String,
}

/// The presigned target.
pub fn presign(
    signer: &Signer<'_>,
    request: &Request<'_>,
    expires_in: u32,
    settings: &SigningSettings,
) -> Result<String, Error> {
    with_buffer(|buf| {
        v4::presign(signer, request, expires_in, settings, buf).map(|p| p.as_str().into())
    })
}

/// The presigned URL.
pub fn presign_url(
    signer: &Signer<'_>,
    request: &Request<'_>,
    expires_in: u32,
    settings: &SigningSettings,
) -> Result<String, Error> {
    with_buffer(|buf| {
        v4::presign_url(signer, request, expires_in, settings, buf).map(|p| p.as_str().into())
    })
}

/// The headers header signing adds.
pub fn sign_headers(
    signer: &Signer<'_>,
    request: &Request<'_>,
    settings: &SigningSettings,
) -> Result<Vec<(&'static str, String)>, Error> {
    with_buffer(|buf| {
        v4::sign_headers(signer, request, settings, buf)
            .map(|s| s.headers().map(|(n, v)| (n, String::from(v))).collect())
    })
}

/// Header signing, with what was signed.
pub fn inspect_headers(
    signer: &Signer<'_>,
    request: &Request<'_>,
    settings: &SigningSettings,
) -> Result<Inspection, Error> {
    with_buffer(|buf| {
        let (mut cr, mut sts) = (String::new(), String::new());
        let mut trace = Trace::new(&mut cr, &mut sts);
        let signed = v4::sign_headers(signer, request, settings, Output::traced(buf, &mut trace))?;
        let signature = signed.signature().as_str().into();
        Ok(Inspection {
            canonical_request: cr,
            string_to_sign: sts,
            signature,
        })
    })
}

/// Presigning, with what was signed.
pub fn inspect_presign(
    signer: &Signer<'_>,
    request: &Request<'_>,
    expires_in: u32,
    settings: &SigningSettings,
) -> Result<Inspection, Error> {
    with_buffer(|buf| {
        let (mut cr, mut sts) = (String::new(), String::new());
        let mut trace = Trace::new(&mut cr, &mut sts);
        let signed = v4::presign(
            signer,
            request,
            expires_in,
            settings,
            Output::traced(buf, &mut trace),
        )?;
        let signature = signed.signature().as_str().into();
        Ok(Inspection {
            canonical_request: cr,
            string_to_sign: sts,
            signature,
        })
    })
}
