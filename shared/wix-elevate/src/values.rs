//! Small domain values that can only be built by parsing: free text with a length cap, an email address,
//! a phone number, a timestamp, a page size. Each deserializes through its `parse`, so a typed request body
//! is valid once it exists.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize};
use thiserror::Error;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

#[derive(Debug, Error, PartialEq, Eq)]
pub enum ValueError {
    #[error("must not be empty")]
    Empty,
    #[error("must be at most {0} characters")]
    TooLong(usize),
    #[error("must not contain control characters")]
    ControlCharacter,
    #[error("must be an email address like name@example.com")]
    Email,
    #[error("must be a phone number: digits, spaces, ( ) - . and an optional leading +")]
    Phone,
    #[error("must be an RFC 3339 timestamp like 2026-01-31T12:00:00Z between 1970 and 9999")]
    Timestamp,
    #[error("must be between 1 and {0}")]
    Limit(u16),
}

/// One line of caller-supplied text: trimmed, not empty, at most `MAX` characters, no control characters.
#[derive(Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Text<const MAX: usize>(String);

impl<const MAX: usize> Text<MAX> {
    pub fn parse(text: &str) -> Result<Self, ValueError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(ValueError::Empty);
        }
        if text.chars().count() > MAX {
            return Err(ValueError::TooLong(MAX));
        }
        if text.chars().any(char::is_control) {
            return Err(ValueError::ControlCharacter);
        }
        Ok(Text(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<const MAX: usize> fmt::Debug for Text<MAX> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Text({:?})", self.0)
    }
}

/// An email address as a login: one `@`, a local part of at most 64 and a dotted domain, at most 254
/// characters in all, no spaces, control characters, quotes or brackets.
#[derive(Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Email(String);

/// RFC 5321's limit on a forward path.
const MAX_EMAIL: usize = 254;
const MAX_LOCAL_PART: usize = 64;

impl Email {
    pub fn parse(text: &str) -> Result<Self, ValueError> {
        if text.is_empty() {
            return Err(ValueError::Empty);
        }
        if text.len() > MAX_EMAIL {
            return Err(ValueError::TooLong(MAX_EMAIL));
        }
        let forbidden =
            |c: char| c.is_whitespace() || c.is_control() || "\"'<>()[]\\,;:".contains(c);
        let (local, domain) = text.split_once('@').ok_or(ValueError::Email)?;
        let labels_ok = domain.split('.').count() >= 2
            && domain
                .split('.')
                .all(|label| !label.is_empty() && !label.starts_with('-') && !label.ends_with('-'));
        if local.is_empty()
            || local.len() > MAX_LOCAL_PART
            || local.starts_with('.')
            || local.ends_with('.')
            || domain.contains('@')
            || !labels_ok
            || text.chars().any(forbidden)
        {
            return Err(ValueError::Email);
        }
        Ok(Email(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Email {
    /// Emails are personal data: debug output shows only the domain.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let domain = self.0.rsplit('@').next().unwrap_or_default();
        write!(f, "Email(…@{domain})")
    }
}

/// A phone number as people type it: 3 to 30 characters, at least 3 digits.
#[derive(Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Phone(String);

impl Phone {
    pub fn parse(text: &str) -> Result<Self, ValueError> {
        let text = text.trim();
        let body = text.strip_prefix('+').unwrap_or(text);
        let digits = body.chars().filter(char::is_ascii_digit).count();
        let allowed = body
            .chars()
            .all(|c| c.is_ascii_digit() || " ()-.".contains(c));
        if !(3..=30).contains(&text.len()) || digits < 3 || !allowed {
            return Err(ValueError::Phone);
        }
        Ok(Phone(text.to_owned()))
    }
}

impl fmt::Debug for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Phone(…)")
    }
}

/// A point in time, read from RFC 3339 with any offset and always written as Wix writes dates: UTC with
/// milliseconds, `2026-01-31T12:00:00.000Z`.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(OffsetDateTime);

impl Timestamp {
    pub fn parse(text: &str) -> Result<Self, ValueError> {
        if text.len() > 64 {
            return Err(ValueError::Timestamp);
        }
        let parsed = OffsetDateTime::parse(text, &Rfc3339).map_err(|_| ValueError::Timestamp)?;
        Self::in_range(parsed)
    }

    pub fn now() -> Self {
        Timestamp(OffsetDateTime::now_utc())
    }

    fn in_range(at: OffsetDateTime) -> Result<Self, ValueError> {
        let utc = at.to_offset(time::UtcOffset::UTC);
        if (1970..=9999).contains(&utc.year()) {
            Ok(Timestamp(utc))
        } else {
            Err(ValueError::Timestamp)
        }
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let t = self.0;
        write!(
            f,
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
            t.year(),
            u8::from(t.month()),
            t.day(),
            t.hour(),
            t.minute(),
            t.second(),
            t.millisecond()
        )
    }
}

impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Timestamp({self})")
    }
}

impl Serialize for Timestamp {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// How many results one page holds: 1 to 100 (Wix's maximum for every query this project makes).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct PageLimit(u16);

impl PageLimit {
    pub const MAX: u16 = 100;

    pub fn new(limit: u64) -> Result<Self, ValueError> {
        match u16::try_from(limit) {
            Ok(limit @ 1..=Self::MAX) => Ok(PageLimit(limit)),
            _ => Err(ValueError::Limit(Self::MAX)),
        }
    }

    pub fn get(self) -> u16 {
        self.0
    }
}

impl Default for PageLimit {
    fn default() -> Self {
        PageLimit(50)
    }
}

/// Each value deserializes from its JSON text (or number) through its `parse`.
macro_rules! deserialize_by_parsing {
    ($($ty:ty => $from:ty, $parse:path;)*) => {$(
        impl<'de> Deserialize<'de> for $ty {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let raw = <$from>::deserialize(deserializer)?;
                $parse(&raw).map_err(serde::de::Error::custom)
            }
        }
    )*};
}

fn parse_limit(limit: &u64) -> Result<PageLimit, ValueError> {
    PageLimit::new(*limit)
}

deserialize_by_parsing! {
    Email => std::borrow::Cow<'de, str>, Email::parse;
    Phone => std::borrow::Cow<'de, str>, Phone::parse;
    Timestamp => std::borrow::Cow<'de, str>, Timestamp::parse;
    PageLimit => u64, parse_limit;
}

impl<'de, const MAX: usize> Deserialize<'de> for Text<MAX> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        Text::parse(&raw).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_trimmed_capped_and_free_of_control_characters() {
        assert_eq!(Text::<5>::parse("  héllo ").unwrap().as_str(), "héllo");
        assert_eq!(Text::<5>::parse("   "), Err(ValueError::Empty));
        assert_eq!(Text::<5>::parse("héllo!"), Err(ValueError::TooLong(5)));
        assert_eq!(Text::<9>::parse("a\nb"), Err(ValueError::ControlCharacter));
        assert_eq!(
            Text::<9>::parse("a\u{7}b"),
            Err(ValueError::ControlCharacter)
        );
    }

    #[test]
    fn emails_need_one_at_a_dotted_domain_and_no_spaces() {
        for ok in ["a@b.co", "first.last+tag@mail.example.com", "ü@bücher.de"] {
            assert!(Email::parse(ok).is_ok(), "{ok}");
        }
        let long_local = format!("{}@example.com", "a".repeat(65));
        let long = format!("a@{}.com", "b".repeat(260));
        for bad in [
            "",
            "plain",
            "a@b",
            "@b.co",
            "a@@b.co",
            "a@b@c.co",
            "a b@c.co",
            "a@b.co ",
            "a\t@b.co",
            "a@-b.co",
            "a@b..co",
            ".a@b.co",
            "<a@b.co>",
            "a\"@b.co",
            long_local.as_str(),
            long.as_str(),
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:.40}");
        }
    }

    #[test]
    fn email_debug_output_hides_the_local_part() {
        let email = Email::parse("secret.person@example.com").unwrap();
        assert_eq!(format!("{email:?}"), "Email(…@example.com)");
    }

    #[test]
    fn phones_are_digits_and_separators() {
        for ok in ["+351 912 345 678", "(555) 010-0100", "112"] {
            assert!(Phone::parse(ok).is_ok(), "{ok}");
        }
        for bad in ["", "12", "+", "call me", "555-0100 ext. 3", &"1".repeat(31)] {
            assert!(Phone::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn timestamps_parse_any_offset_and_print_as_utc_milliseconds() {
        let t = Timestamp::parse("2026-01-31T13:00:00.5+01:00").unwrap();
        assert_eq!(t.to_string(), "2026-01-31T12:00:00.500Z");
        assert_eq!(
            Timestamp::parse("2026-01-31T12:00:00Z")
                .unwrap()
                .to_string(),
            "2026-01-31T12:00:00.000Z"
        );
        for bad in [
            "2026-01-31",
            "yesterday",
            "2026-13-01T00:00:00Z",
            "0001-01-01T00:00:00Z",
            "",
        ] {
            assert_eq!(Timestamp::parse(bad), Err(ValueError::Timestamp), "{bad}");
        }
        assert!(Timestamp::now().to_string().ends_with('Z'));
    }

    #[test]
    fn page_limits_are_between_1_and_100() {
        assert_eq!(PageLimit::new(100).unwrap().get(), 100);
        assert_eq!(PageLimit::default().get(), 50);
        for bad in [0, 101, 70_000, u64::MAX] {
            assert!(PageLimit::new(bad).is_err(), "{bad}");
        }
        assert!(serde_json::from_str::<PageLimit>("101").is_err());
        assert!(serde_json::from_str::<PageLimit>("-1").is_err());
        assert!(serde_json::from_str::<PageLimit>("\"5\"").is_err());
    }
}
