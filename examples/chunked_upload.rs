//! Signs an aws-chunked S3 upload (`x-amz-content-sha256:
//! STREAMING-AWS4-HMAC-SHA256-PAYLOAD`): the request's headers are signed
//! first (the "seed"), then every chunk of the body, each signature chained
//! on the one before, so the body can be streamed without hashing it first.
//!
//! ```text
//! cargo run --example chunked_upload
//! ```
//!
//! It reproduces AWS's worked example ("Signature Calculations for the
//! Authorization Header: Transferring Payload in Multiple Chunks"): 66,560
//! bytes of `a` in 64 KiB chunks, with AWS's example credentials, and prints
//! the headers and the chunk header lines of the body.
//!
//! The command-line tool (a file, a CRC32 trailer, a curl command that sends
//! it) is `cargo run -p awsig-tools --bin chunked_upload -- --help`.

use awsig::v4::{self, ChunkSigner, ChunkedMode};
use awsig::{Credentials, Error, Payload, Request, SigningTime};

fn main() -> Result<(), Error> {
    let upload = chunked_upload(&[b'a'; 66_560], 65_536)?;
    for (name, value) in &upload.headers {
        println!("{name}: {value}");
    }
    println!();
    // The body: `<hex size>;chunk-signature=<sig>\r\n<data>\r\n` per chunk.
    for line in upload.body.split(|&b| b == b'\n') {
        if line.windows(16).any(|w| w == b";chunk-signature") {
            println!("{}", String::from_utf8_lossy(line).trim_end());
        }
    }
    Ok(())
}

/// What to send.
struct Upload {
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

/// A `PUT` of `data` in chunks of `chunk_size` bytes.
fn chunked_upload(data: &[u8], chunk_size: usize) -> Result<Upload, Error> {
    let creds = Credentials::new(
        "AKIAIOSFODNN7EXAMPLE",
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        None,
    )?;
    let time = SigningTime::parse_rfc3339("2013-05-24T00:00:00Z")?;
    let key = v4::SigningKey::derive(&creds, time, "us-east-1", "s3")?;
    let signer = v4::Signer::new(&key, &creds, time)?;

    // Content-Length is the encoded length: data, chunk headers, final chunk.
    let mode = ChunkedMode::Signed;
    let encoded = v4::encoded_length(data.len() as u64, chunk_size as u64, mode, 0)?;
    let (encoded, decoded) = (encoded.to_string(), data.len().to_string());
    let headers = [
        ("host", "s3.amazonaws.com"),
        ("x-amz-storage-class", "REDUCED_REDUNDANCY"),
        ("content-encoding", "aws-chunked"),
        ("content-length", encoded.as_str()),
        ("x-amz-decoded-content-length", decoded.as_str()),
    ];
    let request = Request::new("PUT", "/examplebucket/chunkObject.txt", &headers)
        .with_payload(Payload::StreamingSigned);
    let mut buf = [0u8; 1024];
    let seed = v4::sign_headers(&signer, &request, &v4::SigningSettings::s3(), &mut buf)?;
    let mut all: Vec<(String, String)> = headers
        .iter()
        .chain(seed.headers().collect::<Vec<_>>().iter())
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect();
    all.sort();

    // Each chunk's header carries its signature; the last chunk is empty.
    let mut chunks = ChunkSigner::new(&signer, &seed.signature(), mode);
    let mut header = [0u8; v4::MAX_CHUNK_HEADER];
    let mut body = Vec::new();
    for chunk in data.chunks(chunk_size).chain([&[][..]]) {
        body.extend_from_slice(chunks.chunk_header(chunk, &mut header)?.as_bytes());
        if !chunk.is_empty() {
            body.extend_from_slice(chunk);
            body.extend_from_slice(b"\r\n");
        }
    }
    Ok(Upload { headers: all, body })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// AWS's own signatures for the example.
    #[test]
    fn aws_documented_example() {
        let Upload { headers, body } = chunked_upload(&[b'a'; 66_560], 65_536).unwrap();
        let auth = &headers
            .iter()
            .find(|(n, _)| n == "authorization")
            .unwrap()
            .1;
        assert!(auth.ends_with(
            "Signature=4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9"
        ));
        assert_eq!(body.len(), 66_824);
        let text = String::from_utf8(body).unwrap();
        for sig in [
            "10000;chunk-signature=ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648\r\n",
            "400;chunk-signature=0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497\r\n",
            "0;chunk-signature=b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9\r\n\r\n",
        ] {
            assert!(text.contains(sig), "{sig}");
        }
    }
}
