//! The aws-chunked decoder (`verify::AwsChunkedDecoder`): AWS's documented
//! example, bodies made by awsig's signer and by an independent reference
//! signer here (HMAC-SHA256 over AWS's string to sign, written from the
//! documentation), fed in every split; every byte flipped; every
//! truncation; lying and hostile size lines; trailers missing, renamed,
//! forged; no allocation.

use awsig::v4::{self, ChunkSigner, ChunkedMode, Signature, Signer, SigningKey};
use awsig::verify::{AwsChunkedDecoder, ChunkedDeclaration, Rejection};
use awsig::{Credentials, Error, SigningTime};
use base64::Engine;
use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};

mod counting;
use counting::allocations_during;

const AKID: &str = "AKIAIOSFODNN7EXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const TRAILER: &str = "x-amz-checksum-crc32";

fn time() -> SigningTime {
    SigningTime::parse_rfc3339("2013-05-24T00:00:00Z").unwrap()
}

fn creds() -> Credentials<'static> {
    Credentials::new(AKID, SECRET, None).unwrap()
}

fn key() -> SigningKey {
    SigningKey::derive(&creds(), time(), "us-east-1", "s3").unwrap()
}

/// A small xorshift generator: reproducible splits without a dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// The payload and trailer decoded, or the first error.
type Decoded = Result<(Vec<u8>, Option<(String, String)>), Error>;

/// What decoding `pieces` gave: the payload, or the first error (feed or finish).
fn decode_pieces<'a>(
    decoder: &mut AwsChunkedDecoder<'_>,
    pieces: impl IntoIterator<Item = &'a [u8]>,
) -> Decoded {
    let mut payload = Vec::new();
    for piece in pieces {
        let mut input = piece;
        while !input.is_empty() {
            let p = decoder.feed(input)?;
            assert!(p.consumed > 0 && p.consumed <= input.len());
            assert!(p.data.end <= p.consumed);
            payload.extend_from_slice(&input[p.data]);
            input = &input[p.consumed..];
        }
    }
    let done = decoder.finish()?;
    assert_eq!(done.decoded_length, payload.len() as u64);
    let trailer = done.trailer.map(|(n, v)| (n.to_owned(), v.to_owned()));
    Ok((payload, trailer))
}

/// Every way of feeding `body` that the tests use: whole, one byte at a
/// time, two pieces at every cut, and random splits.
fn splits(body: &[u8], seed: u64) -> Vec<Vec<&[u8]>> {
    let mut out = vec![vec![body], body.chunks(1).collect()];
    let step = (body.len() / 97).max(1);
    for cut in (0..=body.len()).step_by(step) {
        out.push(vec![&body[..cut], &body[cut..]]);
    }
    let mut rng = Rng(seed | 1);
    for _ in 0..20 {
        let mut pieces = Vec::new();
        let mut rest = body;
        while !rest.is_empty() {
            let most = if rng.below(2) == 0 { 7 } else { 9000 };
            let n = 1 + rng.below(rest.len().min(most));
            pieces.push(&rest[..n]);
            rest = &rest[n..];
        }
        out.push(pieces);
    }
    out
}

// ---- An independent signer: AWS's documented strings to sign ----

fn hmac(key: &[u8], data: &[u8]) -> [u8; 32] {
    let mut m = <Hmac<Sha256> as KeyInit>::new_from_slice(key).unwrap();
    m.update(data);
    m.finalize().into_bytes().into()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

struct Reference {
    key: [u8; 32],
    previous: String,
}

impl Reference {
    fn new(seed: &str) -> Self {
        let k = hmac(format!("AWS4{SECRET}").as_bytes(), b"20130524");
        let k = hmac(&k, b"us-east-1");
        let k = hmac(&k, b"s3");
        Self {
            key: hmac(&k, b"aws4_request"),
            previous: seed.to_owned(),
        }
    }
    fn chain(&mut self, algorithm: &str, hashes: &[String]) -> String {
        let mut sts = format!(
            "{algorithm}\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n{}",
            self.previous
        );
        for h in hashes {
            sts.push('\n');
            sts.push_str(h);
        }
        self.previous = hex(&hmac(&self.key, sts.as_bytes()));
        self.previous.clone()
    }
    fn chunk(&mut self, data: &[u8]) -> String {
        let empty = hex(&Sha256::digest(b""));
        self.chain(
            "AWS4-HMAC-SHA256-PAYLOAD",
            &[empty, hex(&Sha256::digest(data))],
        )
    }
    fn trailer(&mut self, lines: &str) -> String {
        self.chain(
            "AWS4-HMAC-SHA256-TRAILER",
            &[hex(&Sha256::digest(lines.as_bytes()))],
        )
    }
}

/// An aws-chunked body built by the reference signer (`trailer`: the
/// trailing header, in the trailer modes).
fn reference_body(
    seed: &str,
    mode: ChunkedMode,
    payload: &[u8],
    chunk: usize,
    trailer: Option<(&str, &str)>,
) -> Vec<u8> {
    let mut r = Reference::new(seed);
    let mut body = Vec::new();
    for data in payload.chunks(chunk).chain([&[][..]]) {
        body.extend_from_slice(format!("{:x}", data.len()).as_bytes());
        if mode != ChunkedMode::UnsignedWithTrailer {
            body.extend_from_slice(format!(";chunk-signature={}", r.chunk(data)).as_bytes());
        }
        body.extend_from_slice(b"\r\n");
        body.extend_from_slice(data);
        if !data.is_empty() || mode == ChunkedMode::Signed {
            body.extend_from_slice(b"\r\n");
        }
    }
    if mode != ChunkedMode::Signed {
        let lines = trailer.map_or(String::new(), |(n, v)| format!("{n}:{v}\n"));
        if let Some((n, v)) = trailer {
            body.extend_from_slice(format!("{n}:{v}\r\n").as_bytes());
        }
        if mode == ChunkedMode::SignedWithTrailer {
            let sig = r.trailer(&lines);
            body.extend_from_slice(format!("x-amz-trailer-signature:{sig}\r\n").as_bytes());
        }
        body.extend_from_slice(b"\r\n");
    }
    body
}

/// The same body made by awsig's `ChunkSigner`.
fn awsig_body(
    seed: &Signature,
    mode: ChunkedMode,
    payload: &[u8],
    chunk: usize,
    trailer: Option<(&str, &str)>,
) -> Vec<u8> {
    let key = key();
    let signer = Signer::new(&key, &creds(), time()).unwrap();
    let mut s = ChunkSigner::new(&signer, seed, mode);
    let mut out = [0u8; 256];
    let mut body = Vec::new();
    for data in payload.chunks(chunk).chain([&[][..]]) {
        body.extend_from_slice(s.chunk_header(data, &mut out).unwrap().as_bytes());
        if !data.is_empty() {
            body.extend_from_slice(data);
            body.extend_from_slice(b"\r\n");
        }
    }
    if mode != ChunkedMode::Signed {
        let trailers: Vec<(&str, &str)> = trailer.into_iter().collect();
        body.extend_from_slice(s.trailer(&trailers, &mut out).unwrap().as_bytes());
    }
    body
}

const SEED: &str = "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9";

fn seed() -> Signature {
    Signature::parse(SEED).unwrap()
}

fn declared(mode: ChunkedMode, len: Option<u64>) -> ChunkedDeclaration<'static> {
    let trailer = (mode != ChunkedMode::Signed).then_some(TRAILER);
    ChunkedDeclaration::new(mode, len, trailer)
}

fn decoder<'k>(key: &'k SigningKey, d: ChunkedDeclaration<'k>) -> AwsChunkedDecoder<'k> {
    AwsChunkedDecoder::new(d, key, time(), &seed()).unwrap()
}

fn decode_all(mode: ChunkedMode, len: Option<u64>, body: &[u8]) -> Decoded {
    let key = key();
    decode_pieces(&mut decoder(&key, declared(mode, len)), [body])
}

const MODES: [ChunkedMode; 3] = [
    ChunkedMode::Signed,
    ChunkedMode::SignedWithTrailer,
    ChunkedMode::UnsignedWithTrailer,
];

/// AWS's worked example ("Transferring Payload in Multiple Chunks"): the
/// documented chunk signatures, in `tests/vectors/aws-docs-chunked.jsonl`.
#[test]
fn aws_documented_example_in_every_split() {
    let Some(text) = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/vectors/aws-docs-chunked.jsonl"),
    )
    .ok() else {
        return; // the packaged crate has no vectors
    };
    let line: serde_json::Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    let case = &line["case"];
    let payload = base64::engine::general_purpose::STANDARD
        .decode(case["request"]["body_b64"].as_str().unwrap())
        .unwrap();
    let chunk = case["chunk_size"].as_u64().unwrap() as usize;
    let sigs: Vec<&str> = line["expected"]["chunk_signatures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    assert_eq!(line["expected"]["signature"].as_str(), Some(SEED));
    let mut body = Vec::new();
    for (data, sig) in payload.chunks(chunk).chain([&[][..]]).zip(&sigs) {
        body.extend_from_slice(format!("{:x};chunk-signature={sig}\r\n", data.len()).as_bytes());
        body.extend_from_slice(data);
        body.extend_from_slice(b"\r\n");
    }
    assert_eq!(body.len(), 66_824); // the documented Content-Length
    // The reference signer agrees with the documentation.
    assert_eq!(
        reference_body(SEED, ChunkedMode::Signed, &payload, chunk, None),
        body
    );
    let key = key();
    for pieces in splits(&body, 7) {
        let mut d = decoder(&key, declared(ChunkedMode::Signed, Some(66_560)));
        let (got, trailer) = decode_pieces(&mut d, pieces).unwrap();
        assert_eq!((got.len(), trailer), (payload.len(), None));
        assert!(got == payload);
        assert_eq!(d.verified_length(), 66_560);
    }
    // Declared length wrong either way.
    for len in [66_559, 66_561] {
        let err = decode_all(ChunkedMode::Signed, Some(len), &body).unwrap_err();
        assert!(
            matches!(err, Error::DecodedLengthMismatch { declared, .. } if declared == len),
            "{err:?}"
        );
    }
}

#[test]
fn signer_bodies_decode_in_every_split_and_mode() {
    let payload: Vec<u8> = (0..20_000u32).map(|i| (i * 7 + i / 251) as u8).collect();
    let key = key();
    for mode in MODES {
        for (len, chunk) in [
            (0, 8192),
            (1, 8192),
            (8192, 8192),
            (20_000, 8192),
            (20_000, 3000),
        ] {
            let data = &payload[..len];
            let trailer = (mode != ChunkedMode::Signed).then_some((TRAILER, "sOO8/Q=="));
            let ours = awsig_body(&seed(), mode, data, chunk, trailer);
            let theirs = reference_body(SEED, mode, data, chunk, trailer);
            assert!(ours == theirs, "{mode:?} {len} {chunk}");
            for pieces in splits(&ours, len as u64 + 3) {
                let d = declared(mode, Some(len as u64));
                let mut d = decoder(&key, d);
                let (got, t) = decode_pieces(&mut d, pieces).unwrap();
                assert!(got == data, "{mode:?} {len} {chunk}");
                assert_eq!(t, trailer.map(|(n, v)| (n.to_owned(), v.to_owned())));
            }
        }
    }
}

/// A small body in each mode: a few chunks and the trailer.
fn small_body(mode: ChunkedMode) -> (Vec<u8>, Vec<u8>) {
    let payload = b"The quick brown fox jumps over the lazy dog".to_vec();
    let trailer = (mode != ChunkedMode::Signed).then_some((TRAILER, "QUo+ww=="));
    (reference_body(SEED, mode, &payload, 16, trailer), payload)
}

#[test]
fn every_truncation_is_incomplete() {
    let key = key();
    for mode in MODES {
        let (body, _) = small_body(mode);
        for cut in 0..body.len() {
            let mut d = decoder(&key, declared(mode, Some(43)));
            let mut payload = Vec::new();
            d.decode(&body[..cut], |x| payload.extend_from_slice(x))
                .unwrap_or_else(|e| panic!("{mode:?} {cut} {e:?}"));
            assert_eq!(
                d.finish(),
                Err(Error::ChunkedBodyIncomplete),
                "{mode:?} {cut}"
            );
            assert!(!d.is_done());
        }
        assert!(decode_all(mode, Some(43), &body).is_ok());
    }
}

#[test]
fn every_flipped_byte_is_refused() {
    let key = key();
    for mode in MODES {
        let (body, payload) = small_body(mode);
        let (good, good_trailer) = decode_all(mode, Some(43), &body).unwrap();
        assert_eq!(good, payload);
        // Where each payload byte sits in the body.
        let mut in_data = vec![false; body.len()];
        let mut in_size = vec![false; body.len()];
        let mut at = 0;
        for data in payload.chunks(16).chain([&[][..]]) {
            let digits = body[at..]
                .iter()
                .take_while(|b| b.is_ascii_hexdigit())
                .count();
            in_size[at..at + digits].iter_mut().for_each(|x| *x = true);
            if data.is_empty() {
                break;
            }
            let start = at + body[at..].windows(2).position(|w| w == b"\r\n").unwrap() + 2;
            in_data[start..start + data.len()]
                .iter_mut()
                .for_each(|x| *x = true);
            at = start + data.len() + 2;
        }
        for i in 0..body.len() {
            for flip in [0x01, 0x80, 0x20] {
                let mut bad = body.clone();
                bad[i] ^= flip;
                let got = decode_pieces(&mut decoder(&key, declared(mode, Some(43))), [&bad[..]]);
                if flip == 0x20 && in_size[i] && body[i].is_ascii_alphabetic() {
                    // Hex sizes ignore case (`b` and `B` are the same size).
                    assert_eq!(got.map(|(p, _)| p), Ok(good.clone()), "{i}");
                    continue;
                }
                if mode == ChunkedMode::UnsignedWithTrailer {
                    // Nothing is signed: the framing or the content differs.
                    if let Ok((p, t)) = got {
                        assert!(p != good || t != good_trailer, "{i} {flip}");
                    }
                    continue;
                }
                let err = match got {
                    Ok(_) => panic!("{mode:?}: byte {i} ^ {flip:#x} accepted"),
                    Err(e) => e,
                };
                if in_data[i] {
                    assert_eq!(err, Rejection::ChunkSignatureMismatch.into(), "{i}");
                }
            }
        }
    }
}

fn hex_sig(c: char) -> String {
    std::iter::repeat_n(c, 64).collect()
}

#[test]
fn hostile_size_lines_are_refused() {
    let sig = hex_sig('a');
    let signed = |line: &str| decode_all(ChunkedMode::Signed, None, line.as_bytes()).unwrap_err();
    let unsigned = |line: &str| {
        let d = ChunkedDeclaration::new(ChunkedMode::UnsignedWithTrailer, None, None);
        let mut d = AwsChunkedDecoder::unsigned(d).unwrap();
        d.decode(line.as_bytes(), |_| {})
            .and_then(|()| d.finish().map(|_| ()))
            .unwrap_err()
    };
    let line = |at| Error::MalformedChunkLine { at };
    for (text, want) in [
        ("g\r\n", line(0)),
        ("+a\r\n", line(0)),
        ("-1\r\n", line(0)),
        (" a\r\n", line(0)),
        ("a \r\n", line(1)),
        ("0x10\r\n", line(1)),
        ("\r\n", line(0)),
        ("a\n", line(1)),
        ("a\rx", line(2)),
        ("00000000000000001\r\n", line(16)),
        ("a;chunk-signature=x\r\n", line(1)),
        ("a;foo=bar\r\n", line(1)),
    ] {
        assert_eq!(unsigned(text), want, "{text:?}");
    }
    // 16 digits are still a size: the largest one waits for its data.
    assert_eq!(
        unsigned("ffffffffffffffff\r\n"),
        Error::ChunkedBodyIncomplete
    );
    let d = ChunkedDeclaration::new(ChunkedMode::UnsignedWithTrailer, Some(5), None);
    let mut d = AwsChunkedDecoder::unsigned(d).unwrap();
    d.decode(b"0000000000000005\r\nhello\r\n0\r\n\r\n", |_| {})
        .unwrap();
    assert_eq!(d.finish().unwrap().decoded_length, 5);
    for (text, want) in [
        ("a\r\n".to_owned(), Rejection::MalformedSignature.into()),
        (
            format!("a;chunk-signature={}\r\n", &sig[1..]),
            Rejection::MalformedSignature.into(),
        ),
        (
            format!("a;chunk-signature={sig}a\r\n"),
            Rejection::MalformedSignature.into(),
        ),
        (
            format!("a;chunk-signature={}\r\n", hex_sig('A')),
            Rejection::MalformedSignature.into(),
        ),
        (format!("a;chunk-signature={sig} \r\n"), line(82)),
        (format!("a;chunk-signature={sig};x=y\r\n"), line(82)),
        (format!("a;Chunk-Signature={sig}\r\n"), line(2)),
        (format!("a;chunk-signature ={sig}\r\n"), line(17)),
        (format!("a;chunk-signature={sig}\n"), line(82)),
        (format!("g;chunk-signature={sig}\r\n"), line(0)),
    ] {
        assert_eq!(signed(&text), want, "{text:?}");
    }
}

/// A size line that disagrees with its data: the chunk signature (signed)
/// or the CRLF after the declared size (unsigned) refuses it.
#[test]
fn lying_sizes_are_refused() {
    for mode in MODES {
        let (body, _) = small_body(mode);
        let text = String::from_utf8(body.clone()).unwrap();
        for (from, to) in [("10", "11"), ("10", "f"), ("b", "a"), ("b", "c")] {
            let Some(pos) = text.find(&format!(
                "{from}{}",
                if mode == ChunkedMode::UnsignedWithTrailer {
                    "\r\n"
                } else {
                    ";"
                }
            )) else {
                continue;
            };
            let mut bad = text.clone();
            bad.replace_range(pos..pos + from.len(), to);
            let err = decode_all(mode, None, bad.as_bytes()).unwrap_err();
            if mode == ChunkedMode::UnsignedWithTrailer {
                assert!(
                    matches!(err, Error::ChunkNotTerminated { .. }),
                    "{from}->{to} {err:?}"
                );
            } else {
                assert_eq!(
                    err,
                    Rejection::ChunkSignatureMismatch.into(),
                    "{from}->{to}"
                );
            }
        }
        // Bytes after the end.
        let mut extra = body.clone();
        extra.extend_from_slice(b"0\r\n");
        let err = decode_all(mode, Some(43), &extra).unwrap_err();
        assert_eq!(
            err,
            Error::BytesAfterChunkedBody {
                at: body.len() as u64
            }
        );
        // The declared length, too short or too long.
        for len in [0, 42, 44] {
            assert!(
                matches!(decode_all(mode, Some(len), &body), Err(Error::DecodedLengthMismatch { declared, .. }) if declared == len)
            );
        }
        // Without a declared length the sizes are still summed.
        assert_eq!(decode_all(mode, None, &body).unwrap().0.len(), 43);
    }
    // A sum past u64::MAX.
    let body = "ffffffffffffffff\r\n";
    let d = ChunkedDeclaration::new(ChunkedMode::UnsignedWithTrailer, None, None);
    let mut d = AwsChunkedDecoder::unsigned(d).unwrap();
    d.decode(body.as_bytes(), |_| {}).unwrap();
    let mut one = AwsChunkedDecoder::unsigned(ChunkedDeclaration::new(
        ChunkedMode::UnsignedWithTrailer,
        Some(3),
        None,
    ))
    .unwrap();
    assert_eq!(
        one.decode(body.as_bytes(), |_| {}),
        Err(Error::DecodedLengthMismatch {
            declared: 3,
            received: u64::MAX
        })
    );
}

#[test]
fn trailers_must_be_the_declared_one_and_signed() {
    let key = key();
    let payload = b"hello world";
    let with = |mode, trailer: Option<(&str, &str)>, declared_name: Option<&'static str>| {
        let body = reference_body(SEED, mode, payload, 8, trailer);
        let d = ChunkedDeclaration::new(mode, Some(11), declared_name);
        decode_pieces(&mut decoder(&key, d), [&body[..]]).map(|(_, t)| t)
    };
    for mode in [
        ChunkedMode::SignedWithTrailer,
        ChunkedMode::UnsignedWithTrailer,
    ] {
        let crc = Some((TRAILER, "DUoRhQ=="));
        assert_eq!(
            with(mode, crc, Some(TRAILER)),
            Ok(Some((TRAILER.into(), "DUoRhQ==".into())))
        );
        // x-amz-trailer names are compared ignoring case.
        assert!(with(mode, crc, Some("X-Amz-Checksum-CRC32")).is_ok());
        assert_eq!(with(mode, None, Some(TRAILER)), Err(Error::TrailerMismatch));
        let other = Some(("x-amz-checksum-sha256", "abc="));
        assert_eq!(
            with(mode, other, Some(TRAILER)),
            Err(Error::TrailerMismatch)
        );
        assert_eq!(with(mode, crc, None), Err(Error::TrailerMismatch));
        assert_eq!(with(mode, None, None), Ok(None));
    }
    // A forged trailer value, a forged signature, a missing signature.
    let body = reference_body(
        SEED,
        ChunkedMode::SignedWithTrailer,
        payload,
        8,
        Some((TRAILER, "DUoRhQ==")),
    );
    let text = String::from_utf8(body).unwrap();
    let d = || declared(ChunkedMode::SignedWithTrailer, Some(11));
    let run = |t: &str| decode_pieces(&mut decoder(&key, d()), [t.as_bytes()]).map(|_| ());
    assert_eq!(
        run(&text.replace("DUoRhQ==", "AAAAAA==")),
        Err(Rejection::TrailerSignatureMismatch.into())
    );
    let sig_at = text.find("x-amz-trailer-signature:").unwrap() + 24;
    let mut forged = text.clone();
    forged.replace_range(sig_at..sig_at + 64, &hex_sig('0'));
    assert_eq!(
        run(&forged),
        Err(Rejection::TrailerSignatureMismatch.into())
    );
    let mut short = text.clone();
    short.replace_range(sig_at..sig_at + 1, "");
    assert_eq!(run(&short), Err(Rejection::MalformedSignature.into()));
    let unsigned_end = &text[..sig_at - 24];
    assert_eq!(
        run(&format!("{unsigned_end}\r\n")),
        Err(Rejection::MissingAuthParameter.into())
    );
    // Nothing after the signature, and the declared trailer first.
    let sig_line = &text[sig_at - 24..text.len() - 2];
    let trailer_line = &text[sig_at - 24 - "x-amz-checksum-crc32:DUoRhQ==\r\n".len()..sig_at - 24];
    assert_eq!(
        run(&format!(
            "{}{sig_line}{trailer_line}\r\n",
            &text[..sig_at - 24]
        )),
        Err(Error::TrailerMismatch)
    );
    assert_eq!(
        run(&format!(
            "{}{sig_line}{trailer_line}\r\n",
            &text[..sig_at - 24 - trailer_line.len()]
        )),
        Err(Error::TrailerMismatch)
    );
    // Malformed lines: no colon, uppercase name, control byte, bare LF, too long.
    let head = &text[..sig_at - 24 - trailer_line.len()];
    for line in [
        "x-amz-checksum-crc32 DUoRhQ==\r\n",
        "X-Amz-Checksum-Crc32:DUoRhQ==\r\n",
        "x-amz-checksum-crc32:DU\x01oRhQ==\r\n",
        "x-amz-checksum-crc32:DUoRhQ==\n",
    ] {
        assert!(
            matches!(
                run(&format!("{head}{line}{sig_line}\r\n")),
                Err(Error::MalformedTrailer { .. })
            ),
            "{line:?}"
        );
    }
    let long = format!("{head}{TRAILER}:{}\r\n", "A".repeat(300));
    assert!(matches!(run(&long), Err(Error::MalformedTrailer { .. })));
    // The unsigned mode refuses a trailer signature (nothing to check it with).
    let unsigned = reference_body(SEED, ChunkedMode::UnsignedWithTrailer, payload, 8, None);
    let mut with_sig = unsigned[..unsigned.len() - 2].to_vec();
    with_sig
        .extend_from_slice(format!("x-amz-trailer-signature:{}\r\n\r\n", hex_sig('a')).as_bytes());
    let mut d = AwsChunkedDecoder::unsigned(ChunkedDeclaration::new(
        ChunkedMode::UnsignedWithTrailer,
        None,
        None,
    ))
    .unwrap();
    assert_eq!(d.decode(&with_sig, |_| {}), Err(Error::TrailerMismatch));
}

#[test]
fn errors_stick_and_declarations_are_checked() {
    let key = key();
    let mut d = decoder(&key, declared(ChunkedMode::Signed, None));
    assert_eq!(d.feed(b"z"), Err(Error::MalformedChunkLine { at: 0 }));
    let (body, _) = small_body(ChunkedMode::Signed);
    assert_eq!(d.feed(&body), Err(Error::MalformedChunkLine { at: 0 }));
    assert_eq!(d.finish(), Err(Error::MalformedChunkLine { at: 0 }));
    // A refused chunk fails everything after it.
    let mut bad = body.clone();
    let data_at = body.windows(2).position(|w| w == b"\r\n").unwrap() + 2;
    bad[data_at] ^= 1;
    let mut d = decoder(&key, declared(ChunkedMode::Signed, None));
    let mut fed = 0;
    let err = loop {
        match d.feed(&bad[fed..]) {
            Ok(p) => fed += p.consumed,
            Err(e) => break e,
        }
    };
    assert_eq!(err, Rejection::ChunkSignatureMismatch.into());
    assert_eq!(d.verified_length(), 0);
    assert_eq!(d.feed(&bad[fed..]), Err(err));
    assert_eq!(d.finish(), Err(err));
    // Another key, time or seed: the first chunk fails.
    let other = SigningKey::derive(
        &Credentials::new(AKID, "other", None).unwrap(),
        time(),
        "us-east-1",
        "s3",
    )
    .unwrap();
    let mut d =
        AwsChunkedDecoder::new(declared(ChunkedMode::Signed, None), &other, time(), &seed())
            .unwrap();
    assert_eq!(
        d.decode(&body, |_| {}),
        Err(Rejection::ChunkSignatureMismatch.into())
    );
    let next_day = time().checked_add_seconds(86_400).unwrap();
    assert_eq!(
        AwsChunkedDecoder::new(declared(ChunkedMode::Signed, None), &key, next_day, &seed())
            .map(|_| ()),
        Err(Error::KeyScopeMismatch)
    );
    // Declarations.
    let d = ChunkedDeclaration::new(ChunkedMode::Signed, None, Some(TRAILER));
    assert_eq!(
        AwsChunkedDecoder::new(d, &key, time(), &seed()).map(|_| ()),
        Err(Error::InvalidChunkedDeclaration)
    );
    assert_eq!(
        AwsChunkedDecoder::unsigned(declared(ChunkedMode::Signed, None)).map(|_| ()),
        Err(Error::InvalidChunkedDeclaration)
    );
    for name in ["", "a,b", "x-amz-trailer-signature", "a b"] {
        let d = ChunkedDeclaration::new(ChunkedMode::UnsignedWithTrailer, None, Some(name));
        assert_eq!(
            AwsChunkedDecoder::unsigned(d).map(|_| ()),
            Err(Error::InvalidChunkedDeclaration),
            "{name:?}"
        );
    }
    let h = |sha: &'static str, len: &'static str, trailer: &'static str| {
        ChunkedDeclaration::from_headers(&[
            ("X-Amz-Content-Sha256", sha),
            ("X-Amz-Decoded-Content-Length", len),
            ("X-Amz-Trailer", trailer),
        ])
    };
    assert_eq!(
        h("STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER", "10", TRAILER),
        Ok(Some(ChunkedDeclaration::new(
            ChunkedMode::SignedWithTrailer,
            Some(10),
            Some(TRAILER)
        )))
    );
    assert_eq!(h("UNSIGNED-PAYLOAD", "x", ""), Ok(None));
    for (sha, len, trailer) in [
        ("STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD", "10", TRAILER),
        ("STREAMING-UNSIGNED-PAYLOAD-TRAILER", "+10", TRAILER),
        (
            "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
            "99999999999999999999",
            TRAILER,
        ),
        ("STREAMING-UNSIGNED-PAYLOAD-TRAILER", "", TRAILER),
        (
            "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
            "10",
            "x-amz-checksum-crc32,x-amz-checksum-sha256",
        ),
        ("STREAMING-AWS4-HMAC-SHA256-PAYLOAD", "10", TRAILER),
    ] {
        assert_eq!(
            h(sha, len, trailer),
            Err(Error::InvalidChunkedDeclaration),
            "{sha} {len} {trailer}"
        );
    }
    let twice = [
        ("x-amz-content-sha256", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"),
        ("x-amz-decoded-content-length", "1"),
        ("x-amz-decoded-content-length", "2"),
    ];
    assert_eq!(
        ChunkedDeclaration::from_headers(&twice),
        Err(Rejection::DuplicateAuthParameter.into())
    );
}

#[test]
fn decoding_allocates_nothing() {
    let payload = vec![b'a'; 70_000];
    for mode in MODES {
        let trailer = (mode != ChunkedMode::Signed).then_some((TRAILER, "sOO8/Q=="));
        let body = reference_body(SEED, mode, &payload, 65_536, trailer);
        let key = key();
        let d = declared(mode, Some(70_000));
        let (count, total) = allocations_during(|| {
            let mut dec = AwsChunkedDecoder::new(d, &key, time(), &seed()).unwrap();
            let mut total = 0usize;
            for piece in body.chunks(1000).chain(body[..0].chunks(1)) {
                dec.decode(piece, |x| total += x.len()).unwrap();
            }
            let mut one = AwsChunkedDecoder::new(d, &key, time(), &seed()).unwrap();
            for b in body.chunks(1) {
                one.decode(b, |_| {}).unwrap();
            }
            one.finish().unwrap();
            dec.finish().unwrap().decoded_length as usize + total
        });
        assert_eq!((count, total), (0, 140_000), "{mode:?}");
    }
}

#[test]
fn error_kinds_are_stable() {
    for (e, kind) in [
        (Error::MalformedChunkLine { at: 1 }, "bad_body"),
        (Error::ChunkNotTerminated { at: 1 }, "bad_body"),
        (
            Error::DecodedLengthMismatch {
                declared: 1,
                received: 2,
            },
            "bad_body",
        ),
        (Error::BytesAfterChunkedBody { at: 1 }, "bad_body"),
        (Error::MalformedTrailer { at: 1 }, "bad_body"),
        (Error::TrailerMismatch, "bad_body"),
        (Error::ChunkedBodyIncomplete, "bad_body"),
        (Error::InvalidChunkedDeclaration, "bad_header"),
        (
            Rejection::ChunkSignatureMismatch.into(),
            "chunk_signature_mismatch",
        ),
        (
            Rejection::TrailerSignatureMismatch.into(),
            "trailer_signature_mismatch",
        ),
    ] {
        assert_eq!(e.kind(), kind);
        assert_ne!(e.to_string(), "invalid input", "{e:?}");
    }
    // The decoder's Debug shows no signature or data.
    let key = key();
    let mut d = decoder(&key, declared(ChunkedMode::Signed, None));
    d.decode(
        format!("5;chunk-signature={}\r\nsecret", hex_sig('e')).as_bytes(),
        |_| {},
    )
    .unwrap_err();
    let shown = format!("{d:?}");
    assert!(
        !shown.contains("eeee") && !shown.contains("secret"),
        "{shown}"
    );
}

#[test]
fn chunk_verifier_finish_needs_the_final_chunk_and_trailer() {
    let key = key();
    let signer = Signer::new(&key, &creds(), time()).unwrap();
    let mut s = ChunkSigner::new(&signer, &seed(), ChunkedMode::SignedWithTrailer);
    let mut v = awsig::verify::ChunkVerifier::with_trailer(&key, time(), &seed()).unwrap();
    v.verify_chunk(b"abc", s.sign_chunk(b"abc").unwrap().as_str())
        .unwrap();
    assert_eq!(v.finish(), Err(Error::ChunkedBodyIncomplete));
    v.verify_chunk(b"", s.sign_chunk(b"").unwrap().as_str())
        .unwrap();
    assert_eq!(v.finish(), Err(Error::ChunkedBodyIncomplete));
    let mut out = [0u8; 256];
    let trailers = [(TRAILER, "sOO8/Q==")];
    let text = s.trailer(&trailers, &mut out).unwrap();
    let sig = &text[text.find("signature:").unwrap() + 10..][..64];
    v.verify_trailer(&trailers, sig).unwrap();
    assert_eq!(v.finish(), Ok(()));
    let _ = v4::MAX_CHUNK_HEADER;
}

/// The whole server flow on AWS's documented upload: verify the seed
/// request as received, read its declaration, derive the key from the
/// verified scope, decode the body.
#[test]
fn server_flow_on_the_documented_upload() {
    use awsig::Request;
    use awsig::verify::{self, Policy, Secret};
    let Some(text) = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/vectors/aws-docs-chunked.jsonl"),
    )
    .ok() else {
        return;
    };
    let line: serde_json::Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    let pairs = |v: &serde_json::Value| -> Vec<(String, String)> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|p| {
                (
                    p[0].as_str().unwrap().to_owned(),
                    p[1].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    };
    let mut headers = pairs(&line["case"]["request"]["headers"]);
    headers.extend(pairs(&line["expected"]["added_headers"]));
    let headers: Vec<(&str, &str)> = headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let request = Request::new("PUT", "/examplebucket/chunkObject.txt", &headers);
    let lookup = |akid: &str| (akid == AKID).then_some(Secret::new(SECRET, None));
    let verified = verify::verify(&request, &lookup, &Policy::new(time(), "s3")).unwrap();
    let declared = ChunkedDeclaration::from_headers(&headers).unwrap().unwrap();
    assert_eq!(
        declared,
        ChunkedDeclaration::new(ChunkedMode::Signed, Some(66_560), None)
    );
    let key = SigningKey::derive(
        &Credentials::new(verified.access_key_id, SECRET, None).unwrap(),
        verified.signed_at.unwrap(),
        verified.region.unwrap(),
        verified.service.unwrap(),
    )
    .unwrap();
    let seed = Signature::parse(verified.signature).unwrap();
    let mut decoder =
        AwsChunkedDecoder::new(declared, &key, verified.signed_at.unwrap(), &seed).unwrap();
    let payload = vec![b'a'; 66_560];
    let body = reference_body(SEED, ChunkedMode::Signed, &payload, 65_536, None);
    let mut got = Vec::new();
    decoder.decode(&body, |d| got.extend_from_slice(d)).unwrap();
    assert_eq!(decoder.finish().unwrap().decoded_length, 66_560);
    assert!(got == payload);
}
