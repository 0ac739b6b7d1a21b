//! Small domain values that can only be built by parsing: free text with a length cap, an email address,
//! a phone number, a timestamp, an IANA time zone, a page size and a paging cursor. Each deserializes through its `parse`, so a typed request body
//! is valid once it exists.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize};
use thiserror::Error;
use time::format_description::well_known::Rfc3339;
use time::{OffsetDateTime, UtcOffset};

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
    #[error("must be an IANA time zone name, like Europe/Lisbon")]
    TimeZone,
    #[error("must be a cursor from a previous answer (1 to {0} visible ASCII characters)")]
    Cursor(usize),
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

    /// RFC 3339 with `zone`'s offset at this instant (`2027-07-01T11:00:00+02:00` for 09:00 UTC in
    /// Europe/Paris): the same instant, and the local time of that zone.
    pub fn in_zone(&self, zone: &TimeZoneName) -> String {
        let local = jiff::Timestamp::from_nanosecond(self.0.unix_timestamp_nanos())
            .ok()
            .and_then(|t| UtcOffset::from_whole_seconds(zone.zone.to_offset(t).seconds()).ok())
            .map(|offset| self.0.to_offset(offset));
        match local.and_then(|l| l.format(&Rfc3339).ok()) {
            Some(text) => text,
            None => self.to_string(),
        }
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

/// An IANA time zone name (`Europe/Lisbon`), checked against the tz database bundled into the binary
/// and kept in its canonical spelling. Offsets (`+01:00`) and abbreviations that are not zone names are
/// refused.
#[derive(Clone)]
pub struct TimeZoneName {
    name: String,
    zone: jiff::tz::TimeZone,
}

impl PartialEq for TimeZoneName {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
    }
}

impl Eq for TimeZoneName {}

impl TimeZoneName {
    pub fn parse(text: &str) -> Result<Self, ValueError> {
        if text.is_empty() || text.len() > 64 {
            return Err(ValueError::TimeZone);
        }
        let zone = jiff::tz::db().get(text).map_err(|_| ValueError::TimeZone)?;
        let name = zone.iana_name().ok_or(ValueError::TimeZone)?.to_owned();
        Ok(TimeZoneName { name, zone })
    }

    pub fn as_str(&self) -> &str {
        &self.name
    }
}

impl fmt::Display for TimeZoneName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)
    }
}

impl fmt::Debug for TimeZoneName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TimeZoneName({})", self.name)
    }
}

impl Serialize for TimeZoneName {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.name)
    }
}

/// A paging cursor from a previous answer, handed back to Wix as it was given: visible ASCII only, at
/// most [`Cursor::MAX_LEN`] characters. It travels in a JSON body, never in a URL.
#[derive(Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Cursor(String);

impl Cursor {
    pub const MAX_LEN: usize = 1024;

    pub fn parse(text: &str) -> Result<Self, ValueError> {
        let visible = !text.is_empty() && text.bytes().all(|b| b.is_ascii_graphic());
        if !visible || text.len() > Self::MAX_LEN {
            return Err(ValueError::Cursor(Self::MAX_LEN));
        }
        Ok(Cursor(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Cursor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Cursor({} chars)", self.0.len())
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
    TimeZoneName => std::borrow::Cow<'de, str>, TimeZoneName::parse;
    Cursor => std::borrow::Cow<'de, str>, Cursor::parse;
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
    fn an_instant_is_written_with_the_zones_offset_at_that_instant() {
        let paris = TimeZoneName::parse("Europe/Paris").unwrap();
        let summer = Timestamp::parse("2027-07-01T09:00:00Z").unwrap();
        let winter = Timestamp::parse("2027-01-12T09:00:00Z").unwrap();
        assert_eq!(summer.in_zone(&paris), "2027-07-01T11:00:00+02:00");
        assert_eq!(winter.in_zone(&paris), "2027-01-12T10:00:00+01:00");
        let utc = TimeZoneName::parse("UTC").unwrap();
        assert_eq!(winter.in_zone(&utc), "2027-01-12T09:00:00Z");
    }

    #[test]
    fn iana_zone_names_parse_to_their_canonical_spelling_and_nothing_else_does() {
        assert_eq!(
            TimeZoneName::parse("europe/lisbon").unwrap().as_str(),
            "Europe/Lisbon"
        );
        for bad in [
            "",
            "+01:00",
            "CEST",
            "Mars/Olympus",
            "Europe/Lisbon\n",
            &"A".repeat(65),
        ] {
            assert_eq!(TimeZoneName::parse(bad), Err(ValueError::TimeZone), "{bad}");
        }
    }

    #[test]
    fn cursors_are_short_visible_ascii() {
        assert!(Cursor::parse("eyJvIjoyfQ==_-.~").is_ok());
        let long = "a".repeat(Cursor::MAX_LEN + 1);
        for bad in ["", "a b", "é", "a\n", long.as_str()] {
            assert!(Cursor::parse(bad).is_err(), "{bad:.20}");
        }
    }

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
