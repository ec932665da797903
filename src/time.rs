//! The signing time, always supplied by the caller.
//!
//! SigV4 writes it twice: as `X-Amz-Date` (`20150830T123600Z`, ISO 8601 basic
//! format) and as the date of the credential scope (`20150830`). SigV2 writes
//! it in ISO 8601 extended format (`2015-08-30T12:36:00Z`). The library never
//! reads a clock; the `std` feature adds
#![cfg_attr(feature = "std", doc = "[`SigningTime::now`]")]
#![cfg_attr(not(feature = "std"), doc = "`SigningTime::now`")]
//! as a convenience.
//! See <https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html#create-canonical-request> (`X-Amz-Date`) and
//! <https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-making-api-requests.html> (SigV2).

use core::fmt;

use crate::Error;
use crate::digits::Digits;

/// A validated UTC instant, second precision, within the years 1970..=9999.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SigningTime {
    unix: i64,
    year: u16,
    month: u8,
    day: u8,
    hour: u8,
    minute: u8,
    second: u8,
}

/// Largest Unix time accepted: 9999-12-31T23:59:59Z.
const MAX_UNIX: i64 = 253_402_300_799;

impl SigningTime {
    /// From seconds since the Unix epoch (UTC).
    ///
    /// # Errors
    /// [`Error::TimeOutOfRange`] before 1970 or after 9999.
    pub fn from_unix_seconds(seconds: i64) -> Result<Self, Error> {
        if !(0..=MAX_UNIX).contains(&seconds) {
            return Err(Error::TimeOutOfRange);
        }
        let dt = time::OffsetDateTime::from_unix_timestamp(seconds)
            .map_err(|_| Error::TimeOutOfRange)?;
        Self::from_datetime(dt)
    }

    /// From a `time::OffsetDateTime` in any offset (converted to UTC;
    /// sub-second precision is dropped, as AWS's formats have none).
    /// Feature `time`, so that `time`'s types enter the public API only
    /// when asked for.
    ///
    /// ```
    /// let t = awsig::SigningTime::from_offset_datetime(time::macros::datetime!(2015-08-30 14:36 +02:00))?;
    /// assert_eq!(t.amz_date().as_str(), "20150830T123600Z");
    /// # Ok::<(), awsig::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::TimeOutOfRange`] before 1970 or after 9999.
    #[cfg(feature = "time")]
    pub fn from_offset_datetime(dt: time::OffsetDateTime) -> Result<Self, Error> {
        Self::from_datetime(dt)
    }

    fn from_datetime(dt: time::OffsetDateTime) -> Result<Self, Error> {
        let unix = dt.unix_timestamp();
        if !(0..=MAX_UNIX).contains(&unix) {
            return Err(Error::TimeOutOfRange);
        }
        let utc = dt.to_offset(time::UtcOffset::UTC);
        let year = u16::try_from(utc.year()).map_err(|_| Error::TimeOutOfRange)?;
        Ok(Self {
            unix,
            year,
            month: u8::from(utc.month()),
            day: utc.day(),
            hour: utc.hour(),
            minute: utc.minute(),
            second: utc.second(),
        })
    }

    /// Parses RFC 3339 in UTC: `2015-08-30T12:36:00Z` (also `t`/`z`,
    /// `+00:00`/`-00:00`, and fractional seconds, which are truncated).
    ///
    /// # Errors
    /// [`Error::InvalidTimeFormat`] for anything else, including impossible
    /// dates such as February 30; [`Error::TimeOutOfRange`] before 1970.
    pub fn parse_rfc3339(s: &str) -> Result<Self, Error> {
        let b = s.as_bytes();
        let num = |r: core::ops::Range<usize>| -> Result<u32, Error> {
            let digits = b.get(r).ok_or(Error::InvalidTimeFormat)?;
            digits.iter().try_fold(0u32, |acc, &d| {
                if d.is_ascii_digit() {
                    // At most 4 digits: no overflow.
                    Ok(acc
                        .saturating_mul(10)
                        .saturating_add(u32::from(d.wrapping_sub(b'0'))))
                } else {
                    Err(Error::InvalidTimeFormat)
                }
            })
        };
        let at = |i: usize, set: &[u8]| b.get(i).is_some_and(|c| set.contains(c));
        if !(at(4, b"-") && at(7, b"-") && at(10, b"Tt") && at(13, b":") && at(16, b":")) {
            return Err(Error::InvalidTimeFormat);
        }
        let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
        let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
        let mut rest = b.get(19..).ok_or(Error::InvalidTimeFormat)?;
        if let Some((b'.', frac)) = rest.split_first() {
            let digits = frac.iter().take_while(|c| c.is_ascii_digit()).count();
            if digits == 0 {
                return Err(Error::InvalidTimeFormat);
            }
            rest = frac.get(digits..).ok_or(Error::InvalidTimeFormat)?;
        }
        if !matches!(rest, b"Z" | b"z" | b"+00:00" | b"-00:00") {
            return Err(Error::InvalidTimeFormat);
        }
        let month = u8::try_from(month)
            .ok()
            .and_then(|m| time::Month::try_from(m).ok())
            .ok_or(Error::InvalidTimeFormat)?;
        let year = i32::try_from(year).map_err(|_| Error::InvalidTimeFormat)?;
        let small = |v: u32| u8::try_from(v).map_err(|_| Error::InvalidTimeFormat);
        let date = time::Date::from_calendar_date(year, month, small(day)?)
            .map_err(|_| Error::InvalidTimeFormat)?;
        let clock = time::Time::from_hms(small(hour)?, small(minute)?, small(second)?)
            .map_err(|_| Error::InvalidTimeFormat)?;
        Self::from_datetime(time::PrimitiveDateTime::new(date, clock).assume_utc())
    }

    /// The current time from the system clock: the one place the crate reads
    /// a clock, behind the `std` feature.
    ///
    /// # Errors
    /// [`Error::TimeOutOfRange`] if the clock is before 1970 or after 9999.
    #[cfg(feature = "std")]
    pub fn now() -> Result<Self, Error> {
        Self::try_from(std::time::SystemTime::now())
    }

    /// Seconds since the Unix epoch.
    #[must_use]
    pub const fn unix_seconds(&self) -> i64 {
        self.unix
    }

    /// This time plus `seconds`.
    ///
    /// # Errors
    /// [`Error::TimeOutOfRange`] when the result leaves 1970..=9999.
    pub fn checked_add_seconds(&self, seconds: i64) -> Result<Self, Error> {
        Self::from_unix_seconds(
            self.unix
                .checked_add(seconds)
                .ok_or(Error::TimeOutOfRange)?,
        )
    }

    /// `X-Amz-Date`: ISO 8601 basic format, `20150830T123600Z`.
    #[must_use]
    pub fn amz_date(&self) -> AmzDate {
        let mut out = [0u8; 16];
        let d = self.date_stamp();
        out[..8].copy_from_slice(&d.0);
        out[8] = b'T';
        put(&mut out[9..11], u16::from(self.hour));
        put(&mut out[11..13], u16::from(self.minute));
        put(&mut out[13..15], u16::from(self.second));
        out[15] = b'Z';
        AmzDate(out)
    }

    /// The date of the credential scope, `20150830`.
    #[must_use]
    pub fn date_stamp(&self) -> DateStamp {
        let mut out = [0u8; 8];
        put(&mut out[..4], self.year);
        put(&mut out[4..6], u16::from(self.month));
        put(&mut out[6..8], u16::from(self.day));
        DateStamp(out)
    }

    /// ISO 8601 extended format, `2015-08-30T12:36:00Z` (SigV2's `Timestamp`
    /// and `Expires`).
    #[must_use]
    pub fn iso8601(&self) -> Iso8601 {
        let mut out = *b"0000-00-00T00:00:00Z";
        put(&mut out[..4], self.year);
        put(&mut out[5..7], u16::from(self.month));
        put(&mut out[8..10], u16::from(self.day));
        put(&mut out[11..13], u16::from(self.hour));
        put(&mut out[14..16], u16::from(self.minute));
        put(&mut out[17..19], u16::from(self.second));
        Iso8601(out)
    }
}

/// Writes `v` in decimal into `out`, zero-padded to its length.
fn put(out: &mut [u8], v: u16) {
    let digits = Digits::new(u64::from(v), 10, out.len());
    for (slot, digit) in out.iter_mut().rev().zip(digits.as_bytes().iter().rev()) {
        *slot = *digit;
    }
}

impl fmt::Debug for SigningTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SigningTime({})", self.iso8601())
    }
}

impl fmt::Display for SigningTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.iso8601(), f)
    }
}

#[cfg(feature = "time")]
impl TryFrom<time::OffsetDateTime> for SigningTime {
    type Error = Error;
    fn try_from(dt: time::OffsetDateTime) -> Result<Self, Error> {
        Self::from_datetime(dt)
    }
}

#[cfg(feature = "std")]
impl TryFrom<std::time::SystemTime> for SigningTime {
    type Error = Error;
    fn try_from(t: std::time::SystemTime) -> Result<Self, Error> {
        let secs = t
            .duration_since(std::time::UNIX_EPOCH)
            .map_err(|_| Error::TimeOutOfRange)?
            .as_secs();
        Self::from_unix_seconds(i64::try_from(secs).map_err(|_| Error::TimeOutOfRange)?)
    }
}

macro_rules! ascii_stamp {
    ($(#[$doc:meta])* $name:ident, $len:literal) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash)]
        pub struct $name([u8; $len]);

        impl $name {
            /// The text.
            #[must_use]
            pub fn as_str(&self) -> &str {
                // Only ASCII digits and separators are ever written.
                core::str::from_utf8(&self.0).unwrap_or_default()
            }

            /// The bytes.
            #[must_use]
            pub fn as_bytes(&self) -> &[u8] {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Debug::fmt(self.as_str(), f)
            }
        }
    };
}

ascii_stamp!(
    /// `X-Amz-Date` text, `20150830T123600Z`.
    AmzDate,
    16
);
ascii_stamp!(
    /// Credential-scope date, `20150830`.
    DateStamp,
    8
);
ascii_stamp!(
    /// ISO 8601 extended UTC text, `2015-08-30T12:36:00Z`.
    Iso8601,
    20
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_aws_example() {
        let t = SigningTime::parse_rfc3339("2015-08-30T12:36:00Z").unwrap();
        assert_eq!(t.unix_seconds(), 1_440_938_160);
        assert_eq!(t.amz_date().as_str(), "20150830T123600Z");
        assert_eq!(t.date_stamp().as_str(), "20150830");
        assert_eq!(t.iso8601().as_str(), "2015-08-30T12:36:00Z");
        assert_eq!(SigningTime::from_unix_seconds(1_440_938_160).unwrap(), t);
    }

    #[test]
    fn range_is_1970_to_9999() {
        assert!(SigningTime::from_unix_seconds(0).is_ok());
        assert_eq!(
            SigningTime::from_unix_seconds(-1),
            Err(Error::TimeOutOfRange)
        );
        let max = SigningTime::from_unix_seconds(MAX_UNIX).unwrap();
        assert_eq!(max.amz_date().as_str(), "99991231T235959Z");
        assert_eq!(
            SigningTime::from_unix_seconds(MAX_UNIX + 1),
            Err(Error::TimeOutOfRange)
        );
        assert_eq!(
            SigningTime::parse_rfc3339("1969-12-31T23:59:59Z"),
            Err(Error::TimeOutOfRange)
        );
    }

    #[test]
    fn rfc3339_variants() {
        let want = SigningTime::parse_rfc3339("2020-12-18T22:52:43Z").unwrap();
        for ok in [
            "2020-12-18t22:52:43z",
            "2020-12-18T22:52:43+00:00",
            "2020-12-18T22:52:43-00:00",
            "2020-12-18T22:52:43.999Z",
        ] {
            assert_eq!(SigningTime::parse_rfc3339(ok).unwrap(), want, "{ok}");
        }
        for bad in [
            "",
            "2020-12-18",
            "2020-12-18T22:52:43",
            "2020-12-18T22:52:43+01:00",
            "2023-02-30T00:00:00Z",
            "2020-12-18T24:00:00Z",
            "2020-12-18T23:59:60Z",
            "2020-13-01T00:00:00Z",
            "2020-12-18T22:52:43.Z",
            "２020-12-18T22:52:43Z",
        ] {
            assert_eq!(
                SigningTime::parse_rfc3339(bad),
                Err(Error::InvalidTimeFormat),
                "{bad}"
            );
        }
    }
}
