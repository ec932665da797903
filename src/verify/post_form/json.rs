//! The POST policy document, read without allocating: strings are
//! unescaped in place in the decoded policy's buffer (an escape is never
//! shorter than what it stands for), conditions kept in a fixed array.
//! Only the shape AWS documents is accepted: an object with exactly
//! `expiration` (a string) and `conditions` (an array of `{"field":
//! "value"}` objects and `["eq" | "starts-with", "$field", "value"]`,
//! `["content-length-range", min, max]` arrays); anything else, and any
//! JSON that is not well formed, is [`Error::MalformedPostPolicy`].

use core::ops::Range;

use super::MAX_POLICY_CONDITIONS;
use crate::{Error, SigningTime};

/// One policy condition; names without their `$`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Condition<'j> {
    /// `{"name": "value"}` or `["eq", "$name", "value"]`.
    Eq(&'j str, &'j str),
    /// `["starts-with", "$name", "prefix"]`.
    StartsWith(&'j str, &'j str),
    /// `["content-length-range", min, max]`.
    Range(u64, u64),
}

/// A parsed policy document.
pub(super) struct Document<'j> {
    pub(super) expiration: SigningTime,
    conditions: [Condition<'j>; MAX_POLICY_CONDITIONS],
    count: usize,
}

impl<'j> Document<'j> {
    /// Parses (and unescapes in place) the policy JSON in `buf`.
    pub(super) fn parse(buf: &'j mut [u8]) -> Result<Self, Error> {
        let raw = Parser {
            buf: &mut *buf,
            at: 0,
        }
        .document()?;
        let text: &'j [u8] = buf;
        let string = |span: &Range<usize>| {
            text.get(span.clone())
                .and_then(|b| core::str::from_utf8(b).ok())
                .ok_or(Error::MalformedPostPolicy { at: span.start })
        };
        let expiration = SigningTime::parse_rfc3339(string(&raw.expiration)?).map_err(|_| {
            Error::MalformedPostPolicy {
                at: raw.expiration.start,
            }
        })?;
        let mut document = Self {
            expiration,
            conditions: [Condition::Range(0, 0); MAX_POLICY_CONDITIONS],
            count: raw.count,
        };
        for (slot, c) in document
            .conditions
            .iter_mut()
            .zip(&raw.conditions)
            .take(raw.count)
        {
            *slot = match c {
                RawCondition::Eq(n, v) => Condition::Eq(string(n)?, string(v)?),
                RawCondition::StartsWith(n, v) => Condition::StartsWith(string(n)?, string(v)?),
                RawCondition::Range(min, max) => Condition::Range(*min, *max),
            };
        }
        Ok(document)
    }

    /// The conditions, in order.
    pub(super) fn conditions(&self) -> impl Iterator<Item = Condition<'j>> + '_ {
        self.conditions.iter().copied().take(self.count)
    }
}

#[derive(Clone, Debug)]
enum RawCondition {
    Eq(Range<usize>, Range<usize>),
    StartsWith(Range<usize>, Range<usize>),
    Range(u64, u64),
}

struct Raw {
    expiration: Range<usize>,
    conditions: [RawCondition; MAX_POLICY_CONDITIONS],
    count: usize,
}

struct Parser<'b> {
    buf: &'b mut [u8],
    at: usize,
}

impl Parser<'_> {
    fn err(&self) -> Error {
        Error::MalformedPostPolicy { at: self.at }
    }

    fn peek(&self) -> Option<u8> {
        self.buf.get(self.at).copied()
    }

    fn next(&mut self) -> Result<u8, Error> {
        let b = self.peek().ok_or_else(|| self.err())?;
        self.at = self.at.saturating_add(1);
        Ok(b)
    }

    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.at = self.at.saturating_add(1);
        }
    }

    /// Skips white space, then expects `b`.
    fn eat(&mut self, b: u8) -> Result<(), Error> {
        self.ws();
        if self.peek() == Some(b) {
            self.at = self.at.saturating_add(1);
            Ok(())
        } else {
            Err(self.err())
        }
    }

    fn text(&self, span: &Range<usize>) -> &[u8] {
        self.buf.get(span.clone()).unwrap_or_default()
    }

    /// A string, unescaped in place: its span in the buffer.
    fn string(&mut self) -> Result<Range<usize>, Error> {
        self.eat(b'"')?;
        let start = self.at;
        let mut w = start;
        loop {
            let at = self.at;
            let c = match self.next()? {
                b'"' => return Ok(start..w),
                b'\\' => self.escape()?,
                ..=0x1f => return Err(Error::MalformedPostPolicy { at }),
                b => {
                    if let Some(slot) = self.buf.get_mut(w) {
                        *slot = b;
                    }
                    w = w.saturating_add(1);
                    continue;
                }
            };
            let mut utf8 = [0u8; 4];
            let bytes = c.encode_utf8(&mut utf8).as_bytes();
            let end = w.saturating_add(bytes.len());
            // The escape read was at least as long: `end <= self.at`.
            let slot = self
                .buf
                .get_mut(w..end)
                .ok_or(Error::MalformedPostPolicy { at })?;
            slot.copy_from_slice(bytes);
            w = end;
        }
    }

    /// After a `\`: the character the escape stands for.
    fn escape(&mut self) -> Result<char, Error> {
        let at = self.at;
        Ok(match self.next()? {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let unit = self.hex4()?;
                let code = match unit {
                    0xD800..=0xDBFF => {
                        if self.next()? != b'\\' || self.next()? != b'u' {
                            return Err(Error::MalformedPostPolicy { at });
                        }
                        let low = self.hex4()?;
                        if !(0xDC00..=0xDFFF).contains(&low) {
                            return Err(Error::MalformedPostPolicy { at });
                        }
                        // 0x10000 + the 10 bits of each half.
                        0x10000u32.saturating_add(((unit & 0x3FF) << 10) | (low & 0x3FF))
                    }
                    _ => unit,
                };
                char::from_u32(code).ok_or(Error::MalformedPostPolicy { at })?
            }
            _ => return Err(Error::MalformedPostPolicy { at }),
        })
    }

    fn hex4(&mut self) -> Result<u32, Error> {
        let mut v = 0u32;
        for _ in 0..4 {
            let at = self.at;
            let d = char::from(self.next()?)
                .to_digit(16)
                .ok_or(Error::MalformedPostPolicy { at })?;
            v = (v << 4) | d;
        }
        Ok(v)
    }

    /// A non-negative integer, as a JSON number or a string of digits.
    fn integer(&mut self) -> Result<u64, Error> {
        self.ws();
        let start = self.at;
        let span = if self.peek() == Some(b'"') {
            self.string()?
        } else {
            while self.peek().is_some_and(|b| b.is_ascii_digit()) {
                self.at = self.at.saturating_add(1);
            }
            start..self.at
        };
        let digits = self.text(&span);
        let leading_zero = digits.len() > 1 && digits.first() == Some(&b'0');
        if digits.is_empty() || digits.len() > 20 || leading_zero {
            return Err(Error::MalformedPostPolicy { at: start });
        }
        digits
            .iter()
            .try_fold(0u64, |n, &b| {
                let d = char::from(b).to_digit(10)?;
                n.checked_mul(10)?.checked_add(u64::from(d))
            })
            .ok_or(Error::MalformedPostPolicy { at: start })
    }

    /// The top-level object.
    fn document(&mut self) -> Result<Raw, Error> {
        let mut raw = Raw {
            expiration: 0..0,
            conditions: core::array::from_fn(|_| RawCondition::Range(0, 0)),
            count: 0,
        };
        let (mut expiration, mut conditions) = (false, false);
        self.eat(b'{')?;
        loop {
            let key_at = self.at;
            let key = self.string()?;
            self.eat(b':')?;
            match self.text(&key) {
                b"expiration" if !expiration => {
                    raw.expiration = self.string()?;
                    expiration = true;
                }
                b"conditions" if !conditions => {
                    self.conditions(&mut raw)?;
                    conditions = true;
                }
                _ => return Err(Error::MalformedPostPolicy { at: key_at }),
            }
            self.ws();
            match self.next()? {
                b',' => {}
                b'}' => break,
                _ => return Err(self.err()),
            }
        }
        self.ws();
        if !(expiration && conditions) || self.peek().is_some() {
            return Err(self.err());
        }
        Ok(raw)
    }

    fn conditions(&mut self, raw: &mut Raw) -> Result<(), Error> {
        self.eat(b'[')?;
        self.ws();
        if self.peek() == Some(b']') {
            self.at = self.at.saturating_add(1);
            return Ok(());
        }
        loop {
            let condition = self.condition()?;
            let slot = raw
                .conditions
                .get_mut(raw.count)
                .ok_or(Error::PostFormTooLarge)?;
            *slot = condition;
            raw.count = raw.count.saturating_add(1);
            self.ws();
            match self.next()? {
                b',' => {}
                b']' => return Ok(()),
                _ => return Err(self.err()),
            }
        }
    }

    fn condition(&mut self) -> Result<RawCondition, Error> {
        self.ws();
        if self.peek() == Some(b'{') {
            self.at = self.at.saturating_add(1);
            let name = self.string()?;
            self.eat(b':')?;
            let value = self.string()?;
            self.eat(b'}')?;
            return Ok(RawCondition::Eq(name, value));
        }
        self.eat(b'[')?;
        let op_at = self.at;
        let op = self.string()?;
        self.eat(b',')?;
        let op = self.text(&op);
        let condition = if op.eq_ignore_ascii_case(b"content-length-range") {
            let min = self.integer()?;
            self.eat(b',')?;
            RawCondition::Range(min, self.integer()?)
        } else {
            let exact = op.eq_ignore_ascii_case(b"eq");
            if !exact && !op.eq_ignore_ascii_case(b"starts-with") {
                return Err(Error::MalformedPostPolicy { at: op_at });
            }
            let name_at = self.at;
            let name = self.string()?;
            if self.text(&name).first() != Some(&b'$') {
                return Err(Error::MalformedPostPolicy { at: name_at });
            }
            let name = name.start.saturating_add(1)..name.end;
            self.eat(b',')?;
            let value = self.string()?;
            if exact {
                RawCondition::Eq(name, value)
            } else {
                RawCondition::StartsWith(name, value)
            }
        };
        self.eat(b']')?;
        Ok(condition)
    }
}
