//! The protocol's comparison of results (`PROTOCOL.md`): a `signed_target`
//! compares as its path and the multiset of its percent-decoded query
//! pairs (the query's order is not signed), `added_headers` as a set with
//! lowercase names. The Rust tests compare with these;
//! `tests/vectors/compare.py` is the same rule in Python.

use serde_json::Value;

/// A query's decoded `(name, value)` pairs, sorted.
pub type Pairs = Vec<(Vec<u8>, Vec<u8>)>;

/// `s` percent-decoded (a `%` not followed by two hex digits stays as is).
pub fn percent_decode(s: &str) -> Vec<u8> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        let hex = |at: usize| b.get(at).and_then(|&d| char::from(d).to_digit(16));
        if c == b'%'
            && let (Some(h), Some(l)) = (hex(i + 1), hex(i + 2))
        {
            out.push((h * 16 + l) as u8);
            i += 3;
            continue;
        }
        out.push(c);
        i += 1;
    }
    out
}

/// The path of `target`, and its query as sorted decoded pairs.
pub fn split_target(target: &str) -> (String, Pairs) {
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let mut pairs: Pairs = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (percent_decode(k), percent_decode(v))
        })
        .collect();
    pairs.sort();
    (path.to_owned(), pairs)
}

/// `added_headers` (`[[name, value], ...]`) as a sorted set with lowercase
/// names; anything else is the empty set.
pub fn header_set(headers: &Value) -> Vec<(String, String)> {
    let text = |h: &Value, i: usize| {
        h.get(i)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    let mut set: Vec<(String, String)> = headers
        .as_array()
        .map(|list| {
            list.iter()
                .map(|h| (text(h, 0).to_ascii_lowercase(), text(h, 1)))
                .collect()
        })
        .unwrap_or_default();
    set.sort();
    set
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_compare_as_path_and_decoded_pairs() {
        let a = split_target("/k%20?b=2&a=%2F");
        assert_eq!(a.0, "/k%20");
        assert_eq!(
            a.1,
            vec![
                (b"a".to_vec(), b"/".to_vec()),
                (b"b".to_vec(), b"2".to_vec())
            ]
        );
        assert_eq!(a, split_target("/k%20?a=/&b=%32"));
        assert_ne!(a, split_target("/k%20?a=/&b=3"));
        assert_ne!(a, split_target("/k ?a=/&b=2"));
        assert_eq!(percent_decode("%zz%4"), b"%zz%4");
    }

    #[test]
    fn header_sets_ignore_order_and_name_case() {
        let a = serde_json::json!([["X-Amz-Date", "1"], ["Authorization", "x"]]);
        let b = serde_json::json!([["authorization", "x"], ["x-amz-date", "1"]]);
        assert_eq!(header_set(&a), header_set(&b));
        assert_ne!(
            header_set(&a),
            header_set(&serde_json::json!([["x-amz-date", "2"]]))
        );
    }
}
