//! Builds a signed aws-chunked S3 upload (`PUT` with
//! `x-amz-content-sha256: STREAMING-AWS4-HMAC-SHA256-PAYLOAD`) of a file:
//! the exact body and the headers to send, and a curl command that sends them.
//!
//! ```text
//! cargo run -p awsig-tools --bin chunked_upload -- [OPTIONS] URL FILE OUTDIR
//!
//!   --region R              signing region (default: from an AWS S3 host name,
//!                           e.g. bucket.s3.eu-west-1.amazonaws.com, else us-east-1)
//!   --chunk-size N          data bytes per chunk, the last one may be shorter
//!                           (default 65536; S3 wants at least 8192)
//!   --time RFC3339          signing time, e.g. 2013-05-24T00:00:00Z (default now)
//!   --trailer crc32         send an x-amz-checksum-crc32 trailer after the last
//!                           chunk (STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER)
//!   --header 'Name: value'  an extra signed header (repeatable), e.g.
//!                           'Content-Type: image/png', 'x-amz-meta-owner: me'
//! ```
//!
//! `URL` is the object's URL, path-style (`http://127.0.0.1:9000/bucket/key`)
//! or virtual-hosted (`https://bucket.s3.us-west-2.amazonaws.com/key`), http
//! or https, with the key already percent-encoded as it will be sent (it is
//! signed as written; the `Host` header is the URL's `host[:port]`).
//!
//! The program writes two files into `OUTDIR` (created if missing):
//!
//! * `OUTDIR/body`: the aws-chunked encoding of `FILE`, chunk after chunk
//!   (`<hex size>;chunk-signature=<sig>\r\n<data>\r\n`), the final
//!   zero-length chunk and, with `--trailer crc32`, the trailer
//!   (`x-amz-checksum-crc32:<base64>\r\n`, `x-amz-trailer-signature:<sig>\r\n`,
//!   `\r\n`). Its length is the `Content-Length` (checked).
//! * `OUTDIR/headers`: every header to send, one `Name: value` line each
//!   (`Host`, `Content-Encoding: aws-chunked`, `Content-Length`,
//!   `x-amz-decoded-content-length`, the `--header`s, with a trailer
//!   `x-amz-sdk-checksum-algorithm: CRC32` and `x-amz-trailer`, then
//!   `X-Amz-Date`, `X-Amz-Security-Token` with temporary credentials,
//!   `x-amz-content-sha256` and `Authorization`): the format `curl -H @file`
//!   reads.
//!
//! and prints on stdout a curl command line that sends the upload:
//!
//! ```text
//! $ cargo run -p awsig-tools --bin chunked_upload -- --chunk-size 65536 \
//!       http://127.0.0.1:9000/bucket/photos/cat.jpg cat.jpg out
//! curl -sS -H @out/headers -T out/body http://127.0.0.1:9000/bucket/photos/cat.jpg
//! ```
//!
//! The file is read one chunk at a time into one buffer, and each chunk is
//! signed and written with no allocation (the chunk header goes through a
//! stack buffer), so any file size works. The credentials come from
//! `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and the optional
//! `AWS_SESSION_TOKEN`; when the first two are not set, AWS's documented
//! example credentials are used and a notice says so on stderr.
//!
//! The signature is only valid around the signing time (S3 allows 15
//! minutes of skew), so send the upload soon after building it. Errors are
//! printed as one line, `chunked_upload: <message>`, on stderr, with exit
//! status 2.

use std::fs::{self, File};
use std::io::{self, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use awsig::v4::{self, ChunkSigner, ChunkedMode, SigningKey, SigningSettings};
use awsig::{Credentials, Payload, Request, SigningTime};
use awsig_tools::url::{Url, UrlError, region_from_host};
use awsig_tools::{cli, env};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

const USAGE: &str = "usage: chunked_upload [--region R] [--chunk-size N] [--time RFC3339] \
[--trailer crc32] [--header 'Name: value']... URL FILE OUTDIR";

const DEFAULT_CHUNK_SIZE: usize = 64 * 1024;
/// S3's smallest chunk (every chunk but the last).
const S3_MIN_CHUNK_SIZE: usize = 8 * 1024;
/// Keeps a mistyped size from allocating gigabytes.
const MAX_CHUNK_SIZE: usize = 256 * 1024 * 1024;
/// The trailing header line's name.
const CRC32_TRAILER: &str = "x-amz-checksum-crc32";
/// `x-amz-checksum-crc32:` + 8 base64 characters + CRLF.
const CRC32_TRAILER_LINE_LEN: u64 = (CRC32_TRAILER.len() + 1 + 8 + 2) as u64;
/// More than any chunk header (`<16 hex>;chunk-signature=<64 hex>\r\n\r\n`).
const CHUNK_HEADER_BUF: usize = 128;

fn main() -> ExitCode {
    cli::main("chunked_upload", USAGE, |args| {
        run(args).map(|command| println!("{command}"))
    })
}

/// Parses the arguments, reads the environment, writes the files and
/// returns the curl command.
fn run(args: &[String]) -> Result<String, String> {
    let options = Options::parse(args)?;
    let url = split_object_url(&options.url)?;
    let region = options
        .region
        .clone()
        .unwrap_or_else(|| region_from_host(url.host).unwrap_or("us-east-1").to_owned());
    let time = env::time(options.time.as_deref())?;
    if options.chunk_size < S3_MIN_CHUNK_SIZE {
        eprintln!(
            "chunked_upload: note: --chunk-size {} is below S3's minimum of {S3_MIN_CHUNK_SIZE} \
             bytes for every chunk but the last",
            options.chunk_size
        );
    }

    let env = env::EnvCredentials::load("chunked_upload")?;
    let credentials = env.credentials().map_err(|e| e.to_string())?;

    let file = File::open(&options.file).map_err(|e| format!("{}: {e}", options.file.display()))?;
    let decoded_length = file
        .metadata()
        .map_err(|e| format!("{}: {e}", options.file.display()))?
        .len();

    fs::create_dir_all(&options.outdir)
        .map_err(|e| format!("{}: {e}", options.outdir.display()))?;
    let body_path = options.outdir.join("body");
    let headers_path = options.outdir.join("headers");
    let out = File::create(&body_path).map_err(|e| format!("{}: {e}", body_path.display()))?;
    let mut out = BufWriter::new(out);

    let plan = Plan {
        url: &url,
        region: &region,
        chunk_size: options.chunk_size,
        trailer: options.trailer,
        extra_headers: &options.headers,
    };
    let headers = encode(&plan, &credentials, time, decoded_length, file, &mut out)?;
    out.flush()
        .map_err(|e| format!("{}: {e}", body_path.display()))?;

    let mut text = String::new();
    for (name, value) in &headers {
        text.push_str(name);
        text.push_str(": ");
        text.push_str(value);
        text.push('\n');
    }
    fs::write(&headers_path, text).map_err(|e| format!("{}: {e}", headers_path.display()))?;

    Ok(curl_command(&headers_path, &body_path, &options.url))
}

/// What to sign, besides the credentials, the time and the body.
struct Plan<'a> {
    url: &'a Url<'a>,
    region: &'a str,
    chunk_size: usize,
    trailer: bool,
    extra_headers: &'a [(String, String)],
}

/// Signs the seed request for a `decoded_length`-byte body read from
/// `input`, writes the aws-chunked body into `out` and returns every header
/// to send, in order.
fn encode<R: Read, W: Write>(
    plan: &Plan<'_>,
    credentials: &Credentials<'_>,
    time: SigningTime,
    decoded_length: u64,
    input: R,
    out: W,
) -> Result<Vec<(String, String)>, String> {
    let mode = if plan.trailer {
        ChunkedMode::SignedWithTrailer
    } else {
        ChunkedMode::Signed
    };
    let trailer_length = if plan.trailer {
        CRC32_TRAILER_LINE_LEN
    } else {
        0
    };
    let content_length =
        v4::encoded_length(decoded_length, plan.chunk_size as u64, mode, trailer_length)
            .map_err(|e| format!("--chunk-size {}: {e}", plan.chunk_size))?;

    let content_length_text = content_length.to_string();
    let decoded_length_text = decoded_length.to_string();
    let mut headers: Vec<(&str, &str)> = vec![
        ("Host", plan.url.authority),
        ("Content-Encoding", "aws-chunked"),
        ("Content-Length", &content_length_text),
        ("x-amz-decoded-content-length", &decoded_length_text),
    ];
    if plan.trailer {
        // The SDKs send both; some servers (s3s) compute the checksum only
        // when the algorithm header names it.
        headers.push(("x-amz-sdk-checksum-algorithm", "CRC32"));
        headers.push(("x-amz-trailer", CRC32_TRAILER));
    }
    headers.extend(
        plan.extra_headers
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str())),
    );

    let target = plan.url.target();
    let payload = if plan.trailer {
        Payload::StreamingSignedTrailer
    } else {
        Payload::StreamingSigned
    };
    let request = Request::new("PUT", &target, &headers).with_payload(payload);
    let key =
        SigningKey::derive(credentials, time, plan.region, "s3").map_err(|e| e.to_string())?;
    let signer = v4::Signer::new(&key, credentials, time).map_err(|e| e.to_string())?;
    let (signed_headers, seed) = awsig::with_buffer(|buf| {
        v4::sign_headers(&signer, &request, &SigningSettings::s3(), buf).map(|signed| {
            let headers: Vec<(String, String)> = signed
                .headers()
                .map(|(n, v)| (n.to_owned(), v.to_owned()))
                .collect();
            (headers, signed.signature())
        })
    })
    .map_err(|e| e.to_string())?;
    let mut all: Vec<(String, String)> = headers
        .iter()
        .map(|&(n, v)| (n.to_owned(), v.to_owned()))
        .collect();
    all.extend(signed_headers);

    let mut signer = ChunkSigner::new(&signer, &seed, mode);
    let mut chunk = vec![0u8; plan.chunk_size];
    let mut out = Counted {
        inner: out,
        count: 0,
    };
    let mut input = input.take(decoded_length);
    let read = write_body(&mut signer, &mut input, &mut chunk, &mut out, plan.trailer)?;
    if read != decoded_length {
        return Err(format!(
            "the file shrank while it was read: {read} bytes instead of {decoded_length}"
        ));
    }
    if input
        .into_inner()
        .read(&mut [0u8; 1])
        .map_err(|e| e.to_string())?
        != 0
    {
        return Err(format!(
            "the file grew while it was read: more than {decoded_length} bytes"
        ));
    }
    if out.count != content_length {
        return Err(format!(
            "internal error: wrote {} bytes, but Content-Length is {content_length}",
            out.count
        ));
    }
    Ok(all)
}

/// Reads `input` one `chunk`-sized piece at a time and writes each as a
/// signed chunk, then the final chunk and, with `trailer`, the CRC32
/// trailer. Returns the number of data bytes read. Allocates nothing (but on
/// error) and calls `out` three times per chunk.
fn write_body<R: Read, W: Write>(
    signer: &mut ChunkSigner<'_>,
    input: &mut R,
    chunk: &mut [u8],
    out: &mut W,
    trailer: bool,
) -> Result<u64, String> {
    let mut header = [0u8; CHUNK_HEADER_BUF];
    let mut crc = crc32fast::Hasher::new();
    let mut total = 0u64;
    loop {
        let n = fill(input, chunk).map_err(|e| format!("reading the file: {e}"))?;
        let data = chunk.get(..n).unwrap_or_default();
        if data.is_empty() {
            break;
        }
        crc.update(data);
        total += n as u64;
        let head = signer
            .chunk_header(data, &mut header)
            .map_err(|e| e.to_string())?;
        write_all(out, head.as_bytes())?;
        write_all(out, data)?;
        write_all(out, b"\r\n")?;
        if n < chunk.len() {
            break;
        }
    }
    let last = signer
        .chunk_header(b"", &mut header)
        .map_err(|e| e.to_string())?;
    write_all(out, last.as_bytes())?;
    if trailer {
        let mut b64 = [0u8; 8];
        let len = STANDARD
            .encode_slice(crc.finalize().to_be_bytes(), &mut b64)
            .map_err(|e| e.to_string())?;
        let value =
            std::str::from_utf8(b64.get(..len).unwrap_or_default()).map_err(|e| e.to_string())?;
        let mut buf = [0u8; 256];
        let text = signer
            .trailer(&[(CRC32_TRAILER, value)], &mut buf)
            .map_err(|e| e.to_string())?;
        write_all(out, text.as_bytes())?;
    }
    Ok(total)
}

fn write_all<W: Write>(out: &mut W, bytes: &[u8]) -> Result<(), String> {
    out.write_all(bytes)
        .map_err(|e| format!("writing the body: {e}"))
}

/// Reads until `buf` is full or the input ends; returns the bytes read.
fn fill<R: Read>(input: &mut R, buf: &mut [u8]) -> io::Result<usize> {
    let mut n = 0;
    while let Some(rest) = buf.get_mut(n..) {
        if rest.is_empty() {
            break;
        }
        match input.read(rest) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// A writer that counts what goes through it.
struct Counted<W> {
    inner: W,
    count: u64,
}

impl<W: Write> Write for Counted<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.count += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// The command line.
#[derive(Debug, PartialEq, Eq)]
struct Options {
    region: Option<String>,
    chunk_size: usize,
    time: Option<String>,
    trailer: bool,
    headers: Vec<(String, String)>,
    url: String,
    file: PathBuf,
    outdir: PathBuf,
}

impl Options {
    fn parse(args: &[String]) -> Result<Self, String> {
        let mut options = Options {
            region: None,
            chunk_size: DEFAULT_CHUNK_SIZE,
            time: None,
            trailer: false,
            headers: Vec::new(),
            url: String::new(),
            file: PathBuf::new(),
            outdir: PathBuf::new(),
        };
        let mut positional: Vec<&str> = Vec::new();
        let mut args = cli::Args::new(args, USAGE);
        while let Some(arg) = args.next() {
            match arg.name {
                "--region" => options.region = Some(args.value(&arg)?),
                "--time" => options.time = Some(args.value(&arg)?),
                "--chunk-size" => {
                    let v = args.value(&arg)?;
                    options.chunk_size = v
                        .parse()
                        .ok()
                        .filter(|n| (1..=MAX_CHUNK_SIZE).contains(n))
                        .ok_or_else(|| {
                            format!("--chunk-size {v}: expected 1..={MAX_CHUNK_SIZE} bytes")
                        })?;
                }
                "--trailer" => {
                    let v = args.value(&arg)?;
                    if !v.eq_ignore_ascii_case("crc32") {
                        return Err(format!("--trailer {v}: only crc32 is supported"));
                    }
                    options.trailer = true;
                }
                "--header" => options.headers.push(parse_header(&args.value(&arg)?)?),
                "--" => positional.extend(args.rest().map(String::as_str)),
                _ if arg.text.starts_with('-') && arg.text.len() > 1 => {
                    return Err(args.unknown(&arg));
                }
                _ => positional.push(arg.text),
            }
        }
        match positional.as_slice() {
            [url, file, outdir] => {
                options.url = (*url).to_owned();
                options.file = PathBuf::from(file);
                options.outdir = PathBuf::from(outdir);
                Ok(options)
            }
            _ => Err(format!(
                "expected URL FILE OUTDIR, got {} argument(s); {USAGE}",
                positional.len()
            )),
        }
    }
}

/// `Name: value` (the value trimmed), as `curl -H` takes it; the headers
/// this program sets itself are refused.
fn parse_header(text: &str) -> Result<(String, String), String> {
    let (name, value) = cli::split_header(text)?;
    if name.is_empty() || !name.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(format!("--header '{text}': not a header name"));
    }
    const OWN: [&str; 10] = [
        "host",
        "content-length",
        "content-encoding",
        "authorization",
        "x-amz-date",
        "x-amz-content-sha256",
        "x-amz-decoded-content-length",
        "x-amz-security-token",
        "x-amz-trailer",
        "x-amz-sdk-checksum-algorithm",
    ];
    if OWN.iter().any(|own| name.eq_ignore_ascii_case(own)) {
        return Err(format!("--header '{text}': {name} is set by this program"));
    }
    Ok((name.to_owned(), value.to_owned()))
}

/// The object's URL, `http[s]://host[:port]/path[?query]` with a path
/// other than `/`, split (the messages word some reasons for an upload).
fn split_object_url(url: &str) -> Result<Url<'_>, String> {
    let bad = |why: &dyn std::fmt::Display| format!("URL '{url}': {why}");
    let parts = Url::parse(url).map_err(|e| match e {
        UrlError::NoScheme => bad(&"expected http[s]://host[:port]/key"),
        UrlError::NotHttp => bad(&"only http and https URLs are supported"),
        UrlError::UserInfo | UrlError::NoAuthority => bad(&"expected a host (and no user@)"),
        e => bad(&e),
    })?;
    if parts.path.len() < 2 {
        return Err(bad(
            &"expected the URL of an object: http[s]://host[:port]/[bucket/]key",
        ));
    }
    Ok(parts)
}

/// `curl -sS -H @HEADERS -T BODY URL`, quoted for a POSIX shell.
fn curl_command(headers: &Path, body: &Path, url: &str) -> String {
    format!(
        "curl -sS -H {} -T {} {}",
        sh_quote(&format!("@{}", headers.display())),
        sh_quote(&body.display().to_string()),
        sh_quote(url)
    )
}

/// Quotes `s` for a POSIX shell when it needs it.
fn sh_quote(s: &str) -> String {
    let plain = !s.is_empty()
        && s.bytes().all(|b| {
            b.is_ascii_alphanumeric()
                || matches!(
                    b,
                    b'_' | b'-' | b'.' | b'/' | b':' | b'@' | b'%' | b'+' | b',' | b'='
                )
        });
    if plain {
        s.to_owned()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use awsig_tools::counting::{self, Counting};

    #[global_allocator]
    static GLOBAL: Counting = Counting;

    /// Encodes `body` and returns the headers and the encoded bytes.
    fn build(
        url: &str,
        body: &[u8],
        chunk_size: usize,
        trailer: bool,
        extra: &[(String, String)],
    ) -> (Vec<(String, String)>, Vec<u8>) {
        let url = split_object_url(url).unwrap();
        let time = SigningTime::parse_rfc3339("2013-05-24T00:00:00Z").unwrap();
        let plan = Plan {
            url: &url,
            region: "us-east-1",
            chunk_size,
            trailer,
            extra_headers: extra,
        };
        let mut out = Vec::new();
        let headers = encode(
            &plan,
            &env::example_credentials(None),
            time,
            body.len() as u64,
            body,
            &mut out,
        )
        .unwrap();
        (headers, out)
    }

    fn header<'h>(headers: &'h [(String, String)], name: &str) -> &'h str {
        headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .unwrap_or_else(|| panic!("no {name} in {headers:?}"))
    }

    /// AWS's worked example ("Signature Calculations for the Authorization
    /// Header: Transferring Payload in Multiple Chunks"): 66,560 bytes of
    /// `a` in 64 KiB chunks, with `x-amz-storage-class` signed.
    #[test]
    fn reproduces_aws_documented_example() {
        let body = vec![b'a'; 66_560];
        let extra = [(
            "x-amz-storage-class".to_owned(),
            "REDUCED_REDUNDANCY".to_owned(),
        )];
        let (headers, out) = build(
            "https://s3.amazonaws.com/examplebucket/chunkObject.txt",
            &body,
            65_536,
            false,
            &extra,
        );
        assert_eq!(header(&headers, "content-length"), "66824");
        assert_eq!(out.len(), 66_824);
        assert_eq!(header(&headers, "x-amz-decoded-content-length"), "66560");
        assert_eq!(header(&headers, "content-encoding"), "aws-chunked");
        assert_eq!(header(&headers, "host"), "s3.amazonaws.com");
        assert_eq!(header(&headers, "x-amz-date"), "20130524T000000Z");
        assert_eq!(
            header(&headers, "x-amz-content-sha256"),
            "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"
        );
        assert_eq!(
            header(&headers, "authorization"),
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, \
             SignedHeaders=content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;\
             x-amz-decoded-content-length;x-amz-storage-class, \
             Signature=4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9"
        );
        let text = String::from_utf8(out).unwrap();
        assert!(text.starts_with(
            "10000;chunk-signature=ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648\r\naaaa"
        ));
        assert!(text.contains(
            "aaa\r\n400;chunk-signature=0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497\r\naaa"
        ));
        assert!(text.ends_with(
            "aaa\r\n0;chunk-signature=b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9\r\n\r\n"
        ));
        // Authorization is the last header, and Host the first.
        assert_eq!(headers.first().unwrap().0, "Host");
        assert!(
            headers
                .last()
                .unwrap()
                .0
                .eq_ignore_ascii_case("authorization")
        );
    }

    #[test]
    fn body_length_is_the_content_length() {
        for trailer in [false, true] {
            for (len, size) in [
                (0usize, 8192usize),
                (1, 8192),
                (8191, 8192),
                (8192, 8192),
                (8193, 8192),
                (204_800, 65_536),
                (196_608, 65_536),
                (100_000, 1),
            ] {
                let body: Vec<u8> = (0..len).map(|i| (i * 7 + i / 251) as u8).collect();
                let (headers, out) = build(
                    "http://127.0.0.1:9000/bucket/k%20ey",
                    &body,
                    size,
                    trailer,
                    &[],
                );
                assert_eq!(
                    header(&headers, "content-length"),
                    out.len().to_string(),
                    "{len} {size} {trailer}"
                );
                assert_eq!(decode(&out, trailer), body, "{len} {size} {trailer}");
            }
        }
    }

    /// Decodes an aws-chunked body, checking its framing (not signatures).
    fn decode(mut text: &[u8], trailer: bool) -> Vec<u8> {
        let mut data = Vec::new();
        loop {
            let line_end = text.windows(2).position(|w| w == b"\r\n").unwrap();
            let line = std::str::from_utf8(&text[..line_end]).unwrap();
            let (size, sig) = line.split_once(";chunk-signature=").unwrap();
            assert_eq!(sig.len(), 64);
            assert!(sig.bytes().all(|b| b.is_ascii_hexdigit()));
            let size = usize::from_str_radix(size, 16).unwrap();
            text = &text[line_end + 2..];
            if size == 0 {
                break;
            }
            data.extend_from_slice(&text[..size]);
            assert_eq!(&text[size..size + 2], b"\r\n");
            text = &text[size + 2..];
        }
        if trailer {
            let rest = std::str::from_utf8(text).unwrap();
            let crc = crc32fast::hash(&data);
            let want = format!(
                "x-amz-checksum-crc32:{}\r\n",
                STANDARD.encode(crc.to_be_bytes())
            );
            assert!(rest.starts_with(&want), "{rest}");
            let rest = &rest[want.len()..];
            let sig = rest
                .strip_prefix("x-amz-trailer-signature:")
                .and_then(|r| r.strip_suffix("\r\n\r\n"))
                .unwrap();
            assert_eq!(sig.len(), 64);
        } else {
            assert_eq!(text, b"\r\n");
        }
        data
    }

    #[test]
    fn trailer_mode_headers() {
        let (headers, out) = build(
            "https://bucket.s3.eu-west-1.amazonaws.com/a/b.txt",
            b"123456789",
            8192,
            true,
            &[],
        );
        assert_eq!(
            header(&headers, "x-amz-content-sha256"),
            "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"
        );
        assert_eq!(header(&headers, "x-amz-trailer"), "x-amz-checksum-crc32");
        assert_eq!(header(&headers, "x-amz-sdk-checksum-algorithm"), "CRC32");
        let auth = header(&headers, "authorization");
        assert!(
            auth.contains("SignedHeaders=content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-sdk-checksum-algorithm;x-amz-trailer,"),
            "{auth}"
        );
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains("\r\n0;chunk-signature="), "{text}");
        assert!(text.contains("\r\nx-amz-checksum-crc32:y/Q5Jg==\r\nx-amz-trailer-signature:"));
    }

    /// Chunks are signed and written without touching the heap: the same
    /// (zero) number of allocations for one chunk and for a thousand.
    #[test]
    fn no_allocation_per_chunk() {
        let time = SigningTime::parse_rfc3339("2013-05-24T00:00:00Z").unwrap();
        let creds = env::example_credentials(None);
        let key = SigningKey::derive(&creds, time, "us-east-1", "s3").unwrap();
        let signer = v4::Signer::new(&key, &creds, time).unwrap();
        // A seed signature (the crate makes them only by signing).
        let host = [("Host", "h")];
        let seed_request =
            Request::new("PUT", "/b/k", &host).with_payload(Payload::StreamingSigned);
        let mut buf = [0u8; 512];
        let seed = v4::sign_headers(&signer, &seed_request, &SigningSettings::s3(), &mut buf)
            .unwrap()
            .signature();
        let body = vec![5u8; 8192 * 1000 + 17];
        let mut chunk = vec![0u8; 8192];
        for trailer in [false, true] {
            for len in [100, body.len()] {
                let mode = if trailer {
                    ChunkedMode::SignedWithTrailer
                } else {
                    ChunkedMode::Signed
                };
                let mut signer = ChunkSigner::new(&signer, &seed, mode);
                let mut input = &body[..len];
                let mut out = Counted {
                    inner: io::sink(),
                    count: 0,
                };
                let (read, allocations, _) = counting::count(|| {
                    write_body(&mut signer, &mut input, &mut chunk, &mut out, trailer)
                });
                assert_eq!(read, Ok(len as u64));
                assert_eq!(allocations, 0, "{len} bytes, trailer {trailer}");
                let trailer_len = if trailer { CRC32_TRAILER_LINE_LEN } else { 0 };
                assert_eq!(
                    out.count,
                    v4::encoded_length(len as u64, 8192, mode, trailer_len).unwrap()
                );
            }
        }
    }

    #[test]
    fn parses_the_command_line() {
        let o = Options::parse(&cli::owned(&[
            "--region",
            "eu-west-1",
            "--chunk-size=8192",
            "--trailer",
            "crc32",
            "--header",
            "Content-Type: text/plain",
            "--time",
            "2013-05-24T00:00:00Z",
            "https://b.s3.amazonaws.com/k",
            "file.bin",
            "out",
        ]))
        .unwrap();
        assert_eq!(o.region.as_deref(), Some("eu-west-1"));
        assert_eq!(o.chunk_size, 8192);
        assert!(o.trailer);
        assert_eq!(
            o.headers,
            vec![("Content-Type".to_owned(), "text/plain".to_owned())]
        );
        assert_eq!(o.time.as_deref(), Some("2013-05-24T00:00:00Z"));
        assert_eq!(o.url, "https://b.s3.amazonaws.com/k");
        assert_eq!(o.file, PathBuf::from("file.bin"));
        assert_eq!(o.outdir, PathBuf::from("out"));
        for bad in [
            &["u", "f"][..],
            &["u", "f", "o", "x"],
            &["--chunk-size", "0", "u", "f", "o"],
            &["--chunk-size", "many", "u", "f", "o"],
            &["--trailer", "sha1", "u", "f", "o"],
            &["--header", "Content-Length: 5", "u", "f", "o"],
            &["--header", "no colon", "u", "f", "o"],
            &["--bogus", "u", "f", "o"],
            &["--region"],
        ] {
            assert!(Options::parse(&cli::owned(bad)).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn splits_urls() {
        let u = split_object_url("http://127.0.0.1:9000/bucket/dir/a%20b.txt").unwrap();
        assert_eq!(u.authority, "127.0.0.1:9000");
        assert_eq!(u.host, "127.0.0.1");
        assert_eq!(u.target(), "/bucket/dir/a%20b.txt");
        let u = split_object_url("https://[::1]/b/k").unwrap();
        assert_eq!((u.authority, u.host), ("[::1]", "[::1]"));
        let u = split_object_url("https://[::1]:8443/b/k?versionId=1").unwrap();
        assert_eq!(u.authority, "[::1]:8443");
        assert_eq!(u.target(), "/b/k?versionId=1");
        for bad in [
            "ftp://h/k",
            "http://h",
            "http://h/",
            "http://h/a b",
            "http://h/k#f",
            "http://u@h/k",
            "http://h:99999/k",
            "http://h:/k",
            "http://[::1/k",
            "http://:80/k",
            "h/k",
        ] {
            assert!(split_object_url(bad).is_err(), "{bad}");
        }
        // This program's wording, where it differs from presign's.
        for (bad, why) in [
            ("h/k", "expected http[s]://host[:port]/key"),
            ("ftp://h/k", "only http and https URLs are supported"),
            ("http://u@h/k", "expected a host (and no user@)"),
            ("http:///k", "expected a host (and no user@)"),
            ("http://:80/k", "no host"),
            (
                "http://h/",
                "expected the URL of an object: http[s]://host[:port]/[bucket/]key",
            ),
        ] {
            assert_eq!(
                split_object_url(bad).unwrap_err(),
                format!("URL '{bad}': {why}")
            );
        }
    }

    #[test]
    fn quotes_for_the_shell() {
        assert_eq!(sh_quote("out/body"), "out/body");
        assert_eq!(sh_quote("a b"), "'a b'");
        assert_eq!(sh_quote("it's"), "'it'\\''s'");
        assert_eq!(
            curl_command(
                Path::new("o/headers"),
                Path::new("o/body"),
                "http://h/k?a=1&b=2"
            ),
            "curl -sS -H @o/headers -T o/body 'http://h/k?a=1&b=2'"
        );
    }
}
