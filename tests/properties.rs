//! Property tests for the encoder and the time formats, against independent
//! implementations (the `percent-encoding` crate, `time`'s formatting).

use awsig::SigningTime;
use awsig::v4::{self, Signer, SigningKey, SigningSettings};
use awsig::{Credentials, Request};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};
use proptest::prelude::*;

const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// The canonical query the crate writes for `pairs` (percent-encoded any
/// way), read back from a presigned target (auth parameters removed).
fn canonical_query(target_query: &str) -> Vec<(String, String)> {
    let creds = Credentials::new("AKID", "secret", None).unwrap();
    let t = SigningTime::from_unix_seconds(1_600_000_000).unwrap();
    let key = SigningKey::derive(&creds, t, "us-east-1", "svc").unwrap();
    let signer = Signer::new(&key, &creds, t).unwrap();
    let h = [("Host", "h.example")];
    let target = format!("/?{target_query}");
    let mut buf = vec![0u8; 1 << 16];
    let out = v4::presign(
        &signer,
        &Request::new("GET", &target, &h),
        60,
        &SigningSettings::new(),
        &mut buf,
    )
    .unwrap();
    let q = out.as_str().split_once('?').unwrap().1;
    q.split('&')
        .map(|kv| kv.split_once('=').unwrap())
        .filter(|(k, _)| !k.starts_with("X-Amz-"))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

fn any_encoding(s: &str, upper: bool, all: bool) -> String {
    // Escapes everything (or only what must be), in either hex case.
    let e = if all {
        utf8_percent_encode(s, NON_ALPHANUMERIC).to_string()
    } else {
        utf8_percent_encode(s, UNRESERVED).to_string()
    };
    if upper {
        e
    } else {
        // Lowercase hex digits only, the rest as is.
        let mut out = String::new();
        let mut hex_left = 0;
        for c in e.chars() {
            if c == '%' {
                hex_left = 2;
                out.push(c);
            } else if hex_left > 0 {
                hex_left -= 1;
                out.push(c.to_ascii_lowercase());
            } else {
                out.push(c);
            }
        }
        out
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    /// decode(encode(x)) == x, the canonical encoding is the RFC 3986 one
    /// whatever encoding came in, and the order is the byte order of the
    /// encoded (key, value) pairs.
    #[test]
    fn query_encoding_roundtrips_and_sorts(pairs in prop::collection::vec((".{0,8}", ".{0,8}"), 1..10), upper in any::<bool>(), all in any::<bool>()) {
        let pairs: Vec<(String, String)> = pairs.into_iter().filter(|(k, _)| !k.to_ascii_lowercase().starts_with("x-amz-")).collect();
        prop_assume!(!pairs.is_empty());
        let sent: Vec<String> = pairs.iter().map(|(k, v)| format!("{}={}", any_encoding(k, upper, all), any_encoding(v, upper, all))).collect();
        let got = canonical_query(&sent.join("&"));
        // Each written pair is the unreserved-set encoding of an input pair.
        let mut want: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| (utf8_percent_encode(k, UNRESERVED).to_string(), utf8_percent_encode(v, UNRESERVED).to_string()))
            .collect();
        want.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()).then(a.1.as_bytes().cmp(b.1.as_bytes())));
        prop_assert_eq!(&got, &want);
        for (k, v) in &got {
            let dk = String::from_utf8(percent_decode_str(k).collect()).unwrap();
            let dv = String::from_utf8(percent_decode_str(v).collect()).unwrap();
            prop_assert!(pairs.iter().any(|(pk, pv)| *pk == dk && *pv == dv));
        }
    }

    /// Unix seconds -> the three text forms, against `time`'s own formatting.
    #[test]
    fn time_formats(secs in 0i64..=253_402_300_799) {
        let t = SigningTime::from_unix_seconds(secs).unwrap();
        let dt = time::OffsetDateTime::from_unix_timestamp(secs).unwrap();
        let (y, m, d) = (dt.year(), u8::from(dt.month()), dt.day());
        let (hh, mm, ss) = (dt.hour(), dt.minute(), dt.second());
        prop_assert_eq!(t.amz_date().to_string(), format!("{y:04}{m:02}{d:02}T{hh:02}{mm:02}{ss:02}Z"));
        prop_assert_eq!(t.date_stamp().to_string(), format!("{y:04}{m:02}{d:02}"));
        let iso = format!("{y:04}-{m:02}-{d:02}T{hh:02}:{mm:02}:{ss:02}Z");
        prop_assert_eq!(t.iso8601().to_string(), iso.clone());
        prop_assert_eq!(SigningTime::parse_rfc3339(&iso).unwrap(), t);
        prop_assert_eq!(t.unix_seconds(), secs);
    }
}
