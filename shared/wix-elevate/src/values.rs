//! Small domain values that can only be built by parsing: text with a length cap (one line, or a block),
//! an email address, a phone number, a timestamp, an IANA time zone, a page size, a paging cursor, a
//! bounded count, a SKU, an https link and a short list without repeats. Each deserializes through its
//! `parse`, so a typed request body is valid once it exists, and an invalid one is a 400 before any Wix
//! call. Each deserializes through its `parse`, so a typed request body
//! is valid once it exists.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, DeserializeOwned};
use serde::{Deserialize, Deserializer, Serialize};
use thiserror::Error;
use time::format_description::well_known::Rfc3339;
use time::{OffsetDateTime, UtcOffset};

#[derive(Clone, Debug, Error, PartialEq, Eq)]
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
    #[error("must be a whole number from {0} to {1}")]
    Count(u32, u32),
    #[error("must be 1 to {0} visible ASCII characters without spaces")]
    Sku(usize),
    #[error("must be an https:// URL with a host, at most {0} characters")]
    HttpsUrl(usize),
    #[error("must list 1 to {0} items")]
    ListLength(usize),
    #[error("must not list an item twice")]
    Repeated,
}

/// One line of caller-supplied text: trimmed, not empty, at most `MAX` characters, no control characters.
#[derive(Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Text<const MAX: usize>(String);

/// Trimmed, not empty, at most `max` characters, no control characters but those `allowed`.
fn bounded_text(text: &str, max: usize, allowed: &[char]) -> Result<String, ValueError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(ValueError::Empty);
    }
    if text.chars().count() > max {
        return Err(ValueError::TooLong(max));
    }
    if text
        .chars()
        .any(|c| c.is_control() && !allowed.contains(&c))
    {
        return Err(ValueError::ControlCharacter);
    }
    Ok(text.to_owned())
}

impl<const MAX: usize> Text<MAX> {
    pub fn parse(text: &str) -> Result<Self, ValueError> {
        bounded_text(text, MAX, &[]).map(Text)
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

/// Which way a query sorts its one sort field: `"ASC"` or `"DESC"` (the default: newest first), in the
/// caller's request and on the wire alike.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum SortOrder {
    Asc,
    #[default]
    Desc,
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
    pub const MAX_LEN: usize = 4096;

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

/// Text that may span lines (`\n`, `\r`, `\t` allowed): trimmed, not empty, at most `MAX` characters,
/// no other control characters.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct TextBlock<const MAX: usize>(String);

impl<const MAX: usize> TextBlock<MAX> {
    pub fn parse(text: &str) -> Result<Self, ValueError> {
        bounded_text(text, MAX, &['\n', '\r', '\t']).map(TextBlock)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A whole number from `MIN` to `MAX`: a stock quantity, a line-item quantity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct Count<const MIN: u32, const MAX: u32>(u32);

impl<const MIN: u32, const MAX: u32> Count<MIN, MAX> {
    pub fn parse(n: i64) -> Result<Self, ValueError> {
        u32::try_from(n)
            .ok()
            .filter(|n| (MIN..=MAX).contains(n))
            .map(Count)
            .ok_or(ValueError::Count(MIN, MAX))
    }

    pub fn get(self) -> u32 {
        self.0
    }
}

impl<'de, const MIN: u32, const MAX: u32> Deserialize<'de> for Count<MIN, MAX> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // Only JSON integers: "5", 5.0 and 1e3 are refused by i64's own deserializer.
        let n = i64::deserialize(deserializer)?;
        Count::parse(n).map_err(de::Error::custom)
    }
}

/// A stock-keeping unit: 1 to 40 visible ASCII characters (no spaces), Wix's SKU length limit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Sku(String);

impl Sku {
    pub const MAX_CHARS: usize = 40;

    pub fn parse(text: &str) -> Result<Self, ValueError> {
        if text.is_empty()
            || text.len() > Self::MAX_CHARS
            || !text.bytes().all(|b| b.is_ascii_graphic())
        {
            return Err(ValueError::Sku(Self::MAX_CHARS));
        }
        Ok(Sku(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An absolute `https://` URL with a host and no user info, at most 2048 characters: a tracking link.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct HttpsUrl(String);

impl HttpsUrl {
    pub const MAX_CHARS: usize = 2048;

    pub fn parse(text: &str) -> Result<Self, ValueError> {
        let invalid = ValueError::HttpsUrl(Self::MAX_CHARS);
        if text.len() > Self::MAX_CHARS {
            return Err(invalid);
        }
        let url = reqwest::Url::parse(text).map_err(|_| invalid.clone())?;
        let plain = url.username().is_empty() && url.password().is_none();
        if url.scheme() != "https" || url.host_str().is_none_or(str::is_empty) || !plain {
            return Err(invalid);
        }
        Ok(HttpsUrl(url.into()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A list of 1 to `MAX` items without repeats: a filter's allowed values, the line items to fulfil.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct List<T, const MAX: usize>(Vec<T>);

impl<T, const MAX: usize> List<T, MAX> {
    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.0.iter()
    }

    pub fn as_slice(&self) -> &[T] {
        &self.0
    }
}

impl<T: PartialEq, const MAX: usize> List<T, MAX> {
    pub fn parse(items: Vec<T>) -> Result<Self, ValueError> {
        if items.is_empty() || items.len() > MAX {
            return Err(ValueError::ListLength(MAX));
        }
        if items
            .iter()
            .enumerate()
            .any(|(i, item)| items[..i].contains(item))
        {
            return Err(ValueError::Repeated);
        }
        Ok(List(items))
    }
}

impl<'de, T: DeserializeOwned + PartialEq, const MAX: usize> Deserialize<'de> for List<T, MAX> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Bounded<T, const MAX: usize>(PhantomData<T>);
        impl<'de, T: DeserializeOwned, const MAX: usize> de::Visitor<'de> for Bounded<T, MAX> {
            type Value = Vec<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "a list of 1 to {MAX} items")
            }
            // Stops reading at MAX + 1 items: a huge array is never collected.
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element()? {
                    if items.len() == MAX {
                        return Err(de::Error::custom(ValueError::ListLength(MAX)));
                    }
                    items.push(item);
                }
                Ok(items)
            }
        }
        let items = deserializer.deserialize_seq(Bounded::<T, MAX>(PhantomData))?;
        List::parse(items).map_err(de::Error::custom)
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
    Sku => std::borrow::Cow<'de, str>, Sku::parse;
    HttpsUrl => std::borrow::Cow<'de, str>, HttpsUrl::parse;
}

impl<'de, const MAX: usize> Deserialize<'de> for TextBlock<MAX> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        TextBlock::parse(&raw).map_err(de::Error::custom)
    }
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
        let now = Timestamp::now();
        let read_back = Timestamp::parse(&now.to_string()).unwrap();
        assert!(
            (OffsetDateTime::now_utc() - read_back.0).abs() < time::Duration::seconds(5),
            "now() is the current instant and reads back as itself: {now}"
        );
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

    fn from_json<T: DeserializeOwned>(json: &str) -> Result<T, String> {
        serde_json::from_str(json).map_err(|e| e.to_string())
    }

    #[test]
    fn counts_take_only_whole_numbers_in_range() {
        type Stock = Count<0, 1_000_000>;
        assert_eq!(from_json::<Stock>("0").unwrap().get(), 0);
        assert_eq!(from_json::<Stock>("1000000").unwrap().get(), 1_000_000);
        for bad in [
            "-1",
            "1000001",
            "99999999999999999999",
            "1.5",
            "1e3",
            "\"5\"",
            "null",
        ] {
            assert!(from_json::<Stock>(bad).is_err(), "{bad}");
        }
        assert!(from_json::<Count<1, 100>>("0").is_err());
    }

    #[test]
    fn text_is_trimmed_bounded_and_free_of_control_characters() {
        assert_eq!(
            Text::<5>::parse("  mug  ").unwrap().as_str(),
            "mug",
            "trimmed"
        );
        assert!(Text::<5>::parse("   ").is_err());
        assert!(Text::<5>::parse("sixsix").is_err());
        assert!(Text::<5>::parse("ünïcø").is_ok(), "characters, not bytes");
        assert!(Text::<50>::parse("two\nlines").is_err());
        assert!(Text::<50>::parse("bell\u{7}").is_err());
        assert!(TextBlock::<50>::parse("two\nlines\twith a tab").is_ok());
        assert!(TextBlock::<50>::parse("escape\u{1b}[31m").is_err());
        assert!(from_json::<Text<5>>("42").is_err());
    }

    #[test]
    fn skus_are_short_visible_ascii() {
        assert!(Sku::parse("TEE-1/black.L").is_ok());
        for bad in ["", "has space", "ünï", &"x".repeat(41), "tab\t"] {
            assert!(Sku::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn only_https_links_with_a_host_are_links() {
        assert!(HttpsUrl::parse("https://track.example.com/p?id=1").is_ok());
        for bad in [
            "http://track.example.com/",
            "javascript:alert(1)",
            "https://",
            "https://user:pw@track.example.com/",
            "track.example.com",
            "",
        ] {
            assert!(HttpsUrl::parse(bad).is_err(), "{bad:?}");
        }
        let long = format!("https://example.com/{}", "a".repeat(2048));
        assert!(HttpsUrl::parse(&long).is_err());
    }

    #[test]
    fn lists_are_short_non_empty_and_without_repeats() {
        assert!(from_json::<List<u8, 3>>("[1,2,3]").is_ok());
        for bad in ["[]", "[1,2,3,4]", "[1,1]", "1"] {
            assert!(from_json::<List<u8, 3>>(bad).is_err(), "{bad}");
        }
    }
}
