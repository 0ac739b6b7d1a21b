//! Instants and time zones: a timestamp written as Wix writes dates, and an IANA zone name.

use std::fmt;

use serde::Serialize;
use time::format_description::well_known::Rfc3339;
use time::{OffsetDateTime, UtcOffset};

use super::ValueError;

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

deserialize_by_parsing! {
    Timestamp => std::borrow::Cow<'de, str>, Timestamp::parse;
    TimeZoneName => std::borrow::Cow<'de, str>, TimeZoneName::parse;
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
}
