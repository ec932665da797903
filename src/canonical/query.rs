//! `CanonicalQueryString`: the query decoded, re-encoded and sorted.
//!
//! The query is split on `&` (empty segments are no parameter) and each
//! parameter at its first `=` (`acl` and `acl=` are the same); key and value
//! are percent-decoded (`%XX` only: `+` is a literal plus) and encoded again
//! with the unreserved set; the pairs are sorted by encoded key, then encoded
//! value, in byte order; repeated keys are all kept.
//!
//! For presigned URLs the authentication parameters (`X-Amz-Algorithm`, ...)
//! join the sort, and the same bytes become the query of the URL: one encoder
//! for what is signed and what is sent.
//! See <https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html#create-canonical-request>.

use core::cmp::Ordering;

use crate::canonical::headers::Headers;
use crate::encode::{Decoded, Plus, cmp_canonical, encode_into, is_plain, reencode_into_as};
use crate::sink::Sink;
use crate::sort::for_each_sorted;

/// The raw `(key, value)` parameters of a query as sent, in order.
pub(crate) fn raw_params(query: &str) -> impl Iterator<Item = (&str, &str)> + Clone {
    query
        .split('&')
        .filter(|s| !s.is_empty())
        .map(|s| s.split_once('=').unwrap_or((s, "")))
}

/// Checks every parameter: well-formed escapes, UTF-8 after decoding, and
/// (when `refused` is not empty) no key equal, ignoring ASCII case, to one of
/// the `refused` authentication parameter names.
///
/// The rule written plainly, kept as the reference the one-pass reader of
/// [`crate::canonical::params`] is tested against.
#[cfg(test)]
pub(crate) fn check(query: &str, offset: usize, refused: &[&str]) -> Result<(), crate::Error> {
    use crate::Error;
    use crate::encode::{check_escapes, decodes_to_utf8};
    check_escapes(query, offset)?;
    for (key, value) in raw_params(query) {
        if !decodes_to_utf8(key) || !decodes_to_utf8(value) {
            return Err(Error::QueryNotUtf8);
        }
        // A key decodes to at most its own length: shorter keys cannot be
        // one of the names, and most are.
        if refused
            .iter()
            .any(|name| key.len() >= name.len() && decoded_eq_ignore_case(key, name))
        {
            return Err(Error::AuthParameterPresent);
        }
    }
    Ok(())
}

/// Whether the percent-decoding of `raw` equals `name`, ignoring ASCII case.
pub(crate) fn decoded_eq_ignore_case(raw: &str, name: &str) -> bool {
    let mut decoded = Decoded::new(raw.as_bytes());
    let mut want = name.bytes();
    loop {
        match (decoded.next(), want.next()) {
            (None, None) => return true,
            (Some(a), Some(b)) if a.eq_ignore_ascii_case(&b) => {}
            _ => return false,
        }
    }
}

/// Whether the percent-decoding of `raw` equals `name` exactly.
pub(crate) fn decoded_eq(raw: &str, name: &str) -> bool {
    Decoded::new(raw.as_bytes()).eq(name.bytes())
}

/// The value of one parameter, by where it comes from.
#[derive(Clone, Copy, Default)]
pub(crate) enum Value<'a> {
    /// Nothing (the sort's placeholder).
    #[default]
    Empty,
    /// As sent: percent-decoded, then encoded.
    Raw(&'a str),
    /// Plain text the signer supplies: encoded.
    Text(&'a str),
    /// Text the signer made of unreserved characters only (the algorithm,
    /// a date, digits): written as it is.
    Unreserved(&'a str),
    /// `X-Amz-Credential`: `AKID/date/region/service/aws4_request`, the
    /// parts unreserved (checked when the credentials and key were made),
    /// joined with an encoded `/`: the access key id, then the scope's parts.
    Credential(&'a str, &'a [&'a str]),
    /// `X-Amz-SignedHeaders`: the signed header names joined with `;`, encoded.
    SignedHeaders(&'a Headers<'a>),
}

/// One query parameter.
#[derive(Clone, Copy, Default)]
pub(crate) struct Param<'a> {
    key: &'a str,
    /// What a raw `+` in the key or a raw value stands for.
    plus: Plus,
    key_plain: bool,
    value: Value<'a>,
    value_plain: bool,
    /// `&key=` in one piece, for the parameters the signer adds (written
    /// with one copy instead of three); empty for the others.
    lead: &'static str,
}

impl<'a> Param<'a> {
    /// A parameter as sent in the target, a raw `+` read as `plus` says.
    pub(crate) fn raw_as(key: &'a str, value: &'a str, plus: Plus) -> Self {
        Self {
            key,
            plus,
            key_plain: is_plain(key),
            value: Value::Raw(value),
            value_plain: is_plain(value),
            lead: "",
        }
    }

    /// A parameter the signer adds; `key` must be made of unreserved characters.
    pub(crate) fn added(key: &'static str, value: Value<'a>) -> Self {
        Self {
            key,
            plus: Plus::Literal,
            key_plain: true,
            value,
            value_plain: false,
            lead: "",
        }
    }

    /// [`Param::added`], the key given as `&key=`.
    pub(crate) fn added_lead(lead: &'static str, value: Value<'a>) -> Self {
        debug_assert!(lead.len() > 2 && lead.starts_with('&') && lead.ends_with('='));
        let key = lead
            .get(1..lead.len().saturating_sub(1))
            .unwrap_or_default();
        Self {
            lead,
            ..Self::added(key, value)
        }
    }

    /// Writes the parameter after its `&` separator (none when `first`).
    #[inline]
    pub(crate) fn write_after<S: Sink>(&self, sink: &mut S, first: bool) {
        if self.lead.is_empty() {
            if !first {
                sink.put(b"&");
            }
            self.write(sink);
            return;
        }
        let lead = if first {
            self.lead.get(1..).unwrap_or_default()
        } else {
            self.lead
        };
        sink.put_str(lead);
        self.write_value(sink);
    }

    /// Orders added parameters by key.
    pub(crate) fn key_cmp(&self, other: &Self) -> Ordering {
        cmp_canonical(
            self.key,
            self.key_plain,
            other.key,
            other.key_plain,
            self.plus,
        )
    }

    /// Whether this parameter's key sorts before the raw `key`.
    pub(crate) fn key_before(&self, key: &str, plain: bool, plus: Plus) -> bool {
        cmp_canonical(self.key, self.key_plain, key, plain, plus) == Ordering::Less
    }

    fn cmp(&self, other: &Self) -> Ordering {
        // Added parameters are plain, so the raw one's `plus` decides.
        let plus = if self.plus == Plus::Space {
            self.plus
        } else {
            other.plus
        };
        cmp_canonical(self.key, self.key_plain, other.key, other.key_plain, plus).then_with(|| {
            match (self.value, other.value) {
                (Value::Raw(a), Value::Raw(b)) => {
                    cmp_canonical(a, self.value_plain, b, other.value_plain, plus)
                }
                // Added keys are unique and never equal a key of the request
                // (checked), so their values are never compared.
                _ => Ordering::Equal,
            }
        })
    }

    /// SigV2 order: by the decoded key (then the decoded value), in byte
    /// order, as the Query API documentation and botocore sort.
    fn cmp_decoded(&self, other: &Self) -> Ordering {
        let plus = if self.plus == Plus::Space {
            self.plus
        } else {
            other.plus
        };
        let decoded = |s: &'a str| Decoded::new_as(s.as_bytes(), plus);
        decoded(self.key)
            .cmp(decoded(other.key))
            .then_with(|| match (self.value, other.value) {
                (Value::Raw(a), Value::Raw(b)) => decoded(a).cmp(decoded(b)),
                _ => Ordering::Equal,
            })
    }

    pub(crate) fn write<S: Sink>(&self, sink: &mut S) {
        if self.key_plain {
            sink.put_str(self.key);
        } else {
            reencode_into_as(sink, self.key, self.plus);
        }
        sink.put(b"=");
        self.write_value(sink);
    }

    /// Writes the value in canonical form.
    fn write_value<S: Sink>(&self, sink: &mut S) {
        match self.value {
            Value::Empty => {}
            Value::Raw(raw) if self.value_plain => sink.put_str(raw),
            Value::Raw(raw) => reencode_into_as(sink, raw, self.plus),
            Value::Text(text) => encode_into(sink, text.as_bytes(), false),
            Value::Unreserved(text) => {
                debug_assert!(is_plain(text), "{text}");
                sink.put_str(text);
            }
            Value::Credential(access_key_id, scope) => {
                write_credential(sink, access_key_id, scope);
            }
            Value::SignedHeaders(headers) => headers.write_signed_headers(sink, b"%3B", true),
        }
    }
}

/// Writes an `X-Amz-Credential` value: the access key id and the scope's
/// parts, unreserved (checked when the credentials and key were made),
/// joined with an encoded `/`.
pub(crate) fn write_credential<S: Sink>(sink: &mut S, access_key_id: &str, scope: &[&str]) {
    debug_assert!(is_plain(access_key_id), "{access_key_id}");
    sink.put_str(access_key_id);
    for part in scope {
        debug_assert!(is_plain(part), "{part}");
        sink.put(b"%2F");
        sink.put_str(part);
    }
}

/// How parameters are sorted.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Order {
    /// SigV4: by encoded key, then encoded value.
    Encoded,
    /// SigV2: by decoded key, then decoded value.
    Decoded,
}

/// Writes the canonical query string of `query` (as sent, checked) with the
/// `added` parameters merged into the sort.
pub(crate) fn write<S: Sink>(
    sink: &mut S,
    query: &str,
    added: &[Param<'_>],
    skip: &[&str],
    plus: Plus,
) {
    write_ordered(sink, query, added, Order::Encoded, skip, plus);
}

/// [`write`] with a choice of order. Parameters whose decoded key is one of
/// `skip` are left out (a received `X-Amz-Signature` when verifying).
pub(crate) fn write_ordered<S: Sink>(
    sink: &mut S,
    query: &str,
    added: &[Param<'_>],
    order: Order,
    skip: &[&str],
    plus: Plus,
) {
    let mut first = true;
    for_each_sorted(
        &|visit| {
            raw_params(query)
                .filter(|(k, _)| !skip.iter().any(|s| decoded_eq(k, s)))
                .map(|(k, v)| Param::raw_as(k, v, plus))
                .chain(added.iter().copied())
                .for_each(&mut *visit);
        },
        &|a: &Param<'_>, b: &Param<'_>| match order {
            Order::Encoded => a.cmp(b),
            Order::Decoded => a.cmp_decoded(b),
        },
        &mut |p| {
            p.write_after(sink, first);
            first = false;
        },
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Error;
    use alloc::string::String;
    use alloc::vec::Vec;

    fn canon(q: &str) -> String {
        check(q, 0, &[]).unwrap();
        let mut v: Vec<u8> = Vec::new();
        write(&mut v, q, &[], &[], Plus::Literal);
        String::from_utf8(v).unwrap()
    }

    #[test]
    fn canonical_query_rules() {
        assert_eq!(canon(""), "");
        assert_eq!(
            canon("Param2=value2&Param1=value1"),
            "Param1=value1&Param2=value2"
        );
        assert_eq!(canon("b=2&a=1&b=1&a"), "a=&a=1&b=1&b=2");
        assert_eq!(canon("a=1&&b=2&"), "a=1&b=2");
        assert_eq!(canon("q=a+b"), "q=a%2Bb");
        assert_eq!(canon("k%3Dv=x=y"), "k%3Dv=x%3Dy");
        assert_eq!(canon("=v"), "=v");
        // '%7e' and '%7E' decode to '~', which is never encoded; 'a' < '~'.
        assert_eq!(canon("%7e=%7E&~=a"), "~=a&~=~");
        // sorted by encoded bytes: '%' < 'A' < '_' < 'a' < '~'
        assert_eq!(canon("~=1&a=1&_=1&A=1&%20=1"), "%20=1&A=1&_=1&a=1&~=1");
    }

    #[test]
    fn refuses_bad_queries() {
        assert_eq!(
            check("a=%", 10, &[]),
            Err(Error::MalformedPercentEscape { at: 12 })
        );
        assert_eq!(check("a=%FF", 0, &[]), Err(Error::QueryNotUtf8));
        assert_eq!(
            check("x-amz-signature=1", 0, &["X-Amz-Signature"]),
            Err(Error::AuthParameterPresent)
        );
        assert_eq!(
            check("X%2DAmz-Date=1", 0, &["X-Amz-Date"]),
            Err(Error::AuthParameterPresent)
        );
        assert_eq!(check("X-Amz-Dates=1", 0, &["X-Amz-Date"]), Ok(()));
    }

    #[test]
    fn many_parameters_sort_without_a_cap() {
        let mut q = String::new();
        for i in (0..1000).rev() {
            q.push_str(&alloc::format!("p{i:04}=v&"));
        }
        let got = canon(&q);
        let want: Vec<String> = (0..1000).map(|i| alloc::format!("p{i:04}=v")).collect();
        assert_eq!(got, want.join("&"));
    }
}
