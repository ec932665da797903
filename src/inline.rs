//! Short owned text with a fixed capacity, for what a key keeps: the access
//! key id, region and service it was derived for. No allocation, `Copy`-free
//! so that a key owning one stays `Send + Sync + Clone` with no lifetime.

use core::fmt;

/// Up to `N` bytes of UTF-8, stored inline.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct InlineStr<const N: usize> {
    buf: [u8; N],
    len: usize,
}

impl<const N: usize> InlineStr<N> {
    /// A copy of `s`, or `None` when it is longer than `N` bytes.
    pub(crate) fn new(s: &str) -> Option<Self> {
        let mut buf = [0u8; N];
        buf.get_mut(..s.len())?.copy_from_slice(s.as_bytes());
        Some(Self { buf, len: s.len() })
    }

    pub(crate) fn as_str(&self) -> &str {
        // Built from a `&str` of exactly these bytes.
        self.buf
            .get(..self.len)
            .and_then(|b| core::str::from_utf8(b).ok())
            .unwrap_or_default()
    }
}

impl<const N: usize> fmt::Debug for InlineStr<N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holds_up_to_capacity() {
        assert_eq!(InlineStr::<4>::new("abcd").unwrap().as_str(), "abcd");
        assert_eq!(InlineStr::<4>::new("").unwrap().as_str(), "");
        assert!(InlineStr::<4>::new("abcde").is_none());
    }
}
