//! `aws_chunked_decode`: the aws-chunked decoder
//! (`verify::AwsChunkedDecoder`) on arbitrary bytes fed in arbitrary
//! splits, and on valid bodies (made by `v4::ChunkSigner`), possibly
//! changed by one byte (see `fuzz/README.md`).
//!
//! Input layout: byte 0 = flags (bits 0-1: mode, `% 3`: signed, signed with
//! trailer, unsigned with trailer; bit 2: declare `x-amz-decoded-content-length`;
//! bit 3: declare the trailer `x-amz-checksum-crc32`; bit 4: build a valid
//! body from the rest; bit 5: then flip one byte of it), bytes 1-2 = split
//! seed, byte 3 = chunk size - 1 (valid bodies), bytes 4-5 = position of
//! the flipped byte, byte 6 = its XOR mask; the rest is the body (or the
//! payload of a valid body).

use awsig::v4::{ChunkSigner, ChunkedMode, Signature, Signer, SigningKey};
use awsig::verify::{AwsChunkedDecoder, ChunkedDeclaration};
use awsig::{Credentials, Error, SigningTime};

const TRAILER: &str = "x-amz-checksum-crc32";
const TRAILER_VALUE: &str = "sOO8/Q==";

/// What a decoding gave: the payload and the trailer, or the error.
type Outcome = Result<(Vec<u8>, Option<(String, String)>), Error>;

fn byte(data: &[u8], i: usize) -> u8 {
    data.get(i).copied().unwrap_or(0)
}

fn key() -> (Credentials<'static>, SigningTime, SigningKey) {
    let creds = Credentials::new("AKIDEXAMPLE", "fuzz-secret", None).expect("credentials");
    let time = SigningTime::from_unix_seconds(1_700_000_000).expect("time");
    let key = SigningKey::derive(&creds, time, "us-east-1", "s3").expect("key");
    (creds, time, key)
}

fn seed() -> Signature {
    Signature::parse(&"7".repeat(64)).expect("seed")
}

/// Decodes `body` cut into the pieces `cuts` yields (lengths).
fn decode(
    declared: ChunkedDeclaration<'_>,
    key: &SigningKey,
    time: SigningTime,
    body: &[u8],
    mut cuts: impl FnMut() -> usize,
) -> Outcome {
    let mut d = AwsChunkedDecoder::new(declared, key, time, &seed())?;
    let mut payload = Vec::new();
    let mut rest = body;
    while !rest.is_empty() {
        let n = cuts().clamp(1, rest.len());
        let (mut piece, tail) = rest.split_at(n);
        rest = tail;
        while !piece.is_empty() {
            let p = d.feed(piece)?;
            assert!(p.consumed > 0 && p.consumed <= piece.len(), "no progress");
            assert!(p.data.start <= p.data.end && p.data.end <= p.consumed);
            payload.extend_from_slice(&piece[p.data]);
            piece = &piece[p.consumed..];
        }
    }
    let done = d.finish();
    let done = done?;
    assert_eq!(done.decoded_length, payload.len() as u64);
    if let Some(n) = declared.decoded_length {
        assert_eq!(n, done.decoded_length);
    }
    assert!(d.is_done() && d.verified_length() == done.decoded_length);
    Ok((
        payload,
        done.trailer.map(|(n, v)| (n.to_owned(), v.to_owned())),
    ))
}

/// A valid body for `payload` in `mode`, as a client sends it.
fn valid_body(
    creds: &Credentials<'_>,
    time: SigningTime,
    key: &SigningKey,
    mode: ChunkedMode,
    payload: &[u8],
    chunk: usize,
    trailer: bool,
) -> Vec<u8> {
    let signer = Signer::new(key, creds, time).expect("signer");
    let mut s = ChunkSigner::new(&signer, &seed(), mode);
    let mut out = [0u8; 256];
    let mut body = Vec::new();
    for data in payload.chunks(chunk).chain([&[][..]]) {
        body.extend_from_slice(s.chunk_header(data, &mut out).expect("header").as_bytes());
        if !data.is_empty() {
            body.extend_from_slice(data);
            body.extend_from_slice(b"\r\n");
        }
    }
    if mode != ChunkedMode::Signed {
        let pair = [(TRAILER, TRAILER_VALUE)];
        let trailers: &[(&str, &str)] = if trailer { &pair } else { &[] };
        body.extend_from_slice(s.trailer(trailers, &mut out).expect("trailer").as_bytes());
    }
    body
}

/// The fuzz target: never panics; a body decodes to the same outcome
/// (payload and trailer, or the same error) whatever its split; a valid
/// body decodes to its payload and trailer.
pub fn aws_chunked_decode(data: &[u8]) {
    let flags = byte(data, 0);
    let mode = [
        ChunkedMode::Signed,
        ChunkedMode::SignedWithTrailer,
        ChunkedMode::UnsignedWithTrailer,
    ][usize::from(flags & 3) % 3];
    let trailer = flags & 8 != 0 && mode != ChunkedMode::Signed;
    let split_seed = u64::from(u16::from_le_bytes([byte(data, 1), byte(data, 2)]));
    let rest = data.get(7..).unwrap_or_default();
    let (creds, time, key) = key();
    let valid = flags & 16 != 0;
    let body = if valid {
        let chunk = usize::from(byte(data, 3)) + 1;
        let mut body = valid_body(&creds, time, &key, mode, rest, chunk, trailer);
        if flags & 32 != 0 && !body.is_empty() {
            let at = usize::from(u16::from_le_bytes([byte(data, 4), byte(data, 5)])) % body.len();
            body[at] ^= byte(data, 6) | 1;
        }
        body
    } else {
        rest.to_vec()
    };
    let declared = ChunkedDeclaration::new(
        mode,
        (flags & 4 != 0).then_some(if valid { rest.len() as u64 } else { split_seed }),
        trailer.then_some(TRAILER),
    );
    let whole = decode(declared, &key, time, &body, || usize::MAX);
    let bytewise = decode(declared, &key, time, &body, || 1);
    let mut state = split_seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let random = decode(declared, &key, time, &body, || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        1 + (state % 64) as usize
    });
    assert_eq!(whole, bytewise, "the outcome depends on the split");
    assert_eq!(whole, random, "the outcome depends on the split");
    if valid && flags & 32 == 0 {
        let trailer = trailer.then(|| (TRAILER.to_owned(), TRAILER_VALUE.to_owned()));
        assert_eq!(
            whole,
            Ok((rest.to_vec(), trailer)),
            "a valid body is refused"
        );
    }
    // A truncated valid body is never complete.
    if valid && flags & 32 == 0 && !body.is_empty() {
        let cut = usize::from(byte(data, 4)) % body.len();
        assert_eq!(
            decode(declared, &key, time, &body[..cut], || usize::MAX),
            Err(Error::ChunkedBodyIncomplete),
            "a truncated body is accepted"
        );
    }
}
