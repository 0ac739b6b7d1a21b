//! Dates and time zones in request input, parsed strictly at the boundary.

use std::fmt;

use serde::{Deserialize, Serialize};
use thiserror::Error;
use time::format_description::well_known::Rfc3339;
use time::{OffsetDateTime, UtcOffset};

/// Longer input is not a date or a zone name; refused before any parsing.
const MAX_LEN: usize = 64;

#[derive(Debug, Error, PartialEq, Eq)]
pub enum DateError {
    #[error("must be an RFC 3339 date-time with an offset, like 2027-01-12T10:00:00Z")]
    NotRfc3339,
    #[error("must be an IANA time zone name, like Europe/Lisbon")]
    NotIanaZone,
}

/// An instant given as an RFC 3339 date-time with an offset (`2027-01-12T10:00:00Z`,
/// `2027-01-12T11:00:00+01:00`). Held and written in UTC, as Wix expects dates in filters and slots.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(try_from = "String")]
pub struct Timestamp(OffsetDateTime);

impl Timestamp {
    pub fn parse(text: &str) -> Result<Self, DateError> {
        if text.len() > MAX_LEN {
            return Err(DateError::NotRfc3339);
        }
        OffsetDateTime::parse(text, &Rfc3339)
            .map(|t| Timestamp(t.to_offset(UtcOffset::UTC)))
            .map_err(|_| DateError::NotRfc3339)
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
            // Out of jiff's range (years beyond ±9999): UTC is the same instant.
            None => self.to_string(),
        }
    }
}

impl fmt::Display for Timestamp {
    /// RFC 3339 in UTC (`…Z`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = self.0.format(&Rfc3339).map_err(|_| fmt::Error)?;
        f.write_str(&text)
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

impl TryFrom<String> for Timestamp {
    type Error = DateError;
    fn try_from(text: String) -> Result<Self, DateError> {
        Timestamp::parse(&text)
    }
}

/// An IANA time zone name (`Europe/Lisbon`), checked against the tz database bundled into the binary
/// and kept in its canonical spelling. Offsets (`+01:00`) and abbreviations that are not zone names are
/// refused.
#[derive(Clone, Deserialize)]
#[serde(try_from = "String")]
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
    pub fn parse(text: &str) -> Result<Self, DateError> {
        if text.is_empty() || text.len() > MAX_LEN {
            return Err(DateError::NotIanaZone);
        }
        let zone = jiff::tz::db()
            .get(text)
            .map_err(|_| DateError::NotIanaZone)?;
        let name = zone.iana_name().ok_or(DateError::NotIanaZone)?.to_owned();
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

impl TryFrom<String> for TimeZoneName {
    type Error = DateError;
    fn try_from(text: String) -> Result<Self, DateError> {
        TimeZoneName::parse(&text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_date_times_parse_and_are_written_in_utc() {
        for (text, utc) in [
            ("2027-01-12T10:00:00Z", "2027-01-12T10:00:00Z"),
            ("2027-01-12t10:00:00z", "2027-01-12T10:00:00Z"),
            // RFC 3339 lets applications separate date and time with a space.
            ("2027-01-12 10:00:00Z", "2027-01-12T10:00:00Z"),
            ("2027-01-12T11:30:00+01:30", "2027-01-12T10:00:00Z"),
            ("2027-01-12T10:00:00.250-00:00", "2027-01-12T10:00:00.25Z"),
        ] {
            assert_eq!(Timestamp::parse(text).unwrap().to_string(), utc, "{text}");
        }
    }

    #[test]
    fn anything_that_is_not_rfc3339_is_refused() {
        let long = format!("2027-01-12T10:00:00{}Z", ".0".repeat(40));
        for bad in [
            "",
            "tomorrow",
            "2027-01-12",
            "2027-01-12T10:00:00",
            "2027-01-12T10:00Z",
            "20270112T100000Z",
            "2027-01-12T10:00:00+0100",
            "2027-02-30T10:00:00Z",
            "2027-01-12T24:00:00Z",
            "2027-01-12T10:00:00Z[Europe/Lisbon]",
            "1768212000",
            long.as_str(),
        ] {
            assert_eq!(Timestamp::parse(bad), Err(DateError::NotRfc3339), "{bad}");
        }
    }

    #[test]
    fn timestamps_order_by_instant_whatever_their_offset() {
        let a = Timestamp::parse("2027-01-12T10:30:00+01:00").unwrap();
        let b = Timestamp::parse("2027-01-12T10:00:00Z").unwrap();
        assert!(a < b);
    }

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
    fn iana_zone_names_parse_to_their_canonical_spelling() {
        assert_eq!(
            TimeZoneName::parse("europe/lisbon").unwrap().as_str(),
            "Europe/Lisbon"
        );
        assert_eq!(TimeZoneName::parse("UTC").unwrap().as_str(), "UTC");
        assert_eq!(
            TimeZoneName::parse("America/Argentina/Buenos_Aires")
                .unwrap()
                .as_str(),
            "America/Argentina/Buenos_Aires"
        );
    }

    #[test]
    fn offsets_abbreviations_and_made_up_zones_are_not_iana_names() {
        for bad in [
            "",
            "+01:00",
            "GMT+1",
            "CEST",
            "Europe/Atlantis",
            "../../etc/passwd",
            "Europe/Lisbon ",
        ] {
            assert_eq!(
                TimeZoneName::parse(bad),
                Err(DateError::NotIanaZone),
                "{bad:?}"
            );
        }
    }
}
