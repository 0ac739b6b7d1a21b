use std::fmt;

use serde::{Deserialize, Deserializer, Serialize};
use thiserror::Error;

/// A Wix entity id: a GUID in its canonical hyphenated form, lower-cased.
///
/// Only this type is ever spliced into a Wix URL path, so a caller cannot steer an elevated call to
/// another path (`../`, `%2e%2e/`, `?`, `#`): anything that is not a GUID never becomes one.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct WixId(uuid::Uuid);

#[derive(Debug, Error, PartialEq, Eq)]
#[error("must be a Wix id: a GUID like 3f2a6c1e-8d4b-4e57-9a3c-2b1d0e9f8a76")]
pub struct IdError;

impl WixId {
    pub fn parse(text: &str) -> Result<Self, IdError> {
        // Only the 36-character hyphenated form: uuid also takes braces, urns and bare hex.
        if text.len() != 36 {
            return Err(IdError);
        }
        uuid::Uuid::try_parse(text).map(WixId).map_err(|_| IdError)
    }

    /// `00000000-0000-0000-0000-000000000000`, which Wix uses as an id too (Catalog V1's default variant).
    pub const fn nil() -> Self {
        WixId(uuid::Uuid::nil())
    }

    /// Canonical text: lower-case hex and hyphens only.
    pub fn as_hyphenated(&self) -> uuid::fmt::Hyphenated {
        self.0.hyphenated()
    }
}

impl fmt::Display for WixId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0.hyphenated(), f)
    }
}

impl fmt::Debug for WixId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "WixId({self})")
    }
}

impl std::str::FromStr for WixId {
    type Err = IdError;
    fn from_str(s: &str) -> Result<Self, IdError> {
        WixId::parse(s)
    }
}

impl Serialize for WixId {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for WixId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        WixId::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// A Wix calendar event id (`slot.eventId`): 36 to 250 characters, not necessarily a GUID (Wix only
/// bounds its length). It travels in JSON bodies and never in a path, so it needs no [`WixId`]; still, only
/// ASCII letters, digits and `- _ . : = + /` are taken, so it cannot carry quotes, spaces or controls.
#[derive(Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct EventId(String);

#[derive(Debug, Error, PartialEq, Eq)]
#[error("must be a Wix event id: 36 to 250 ASCII letters, digits and - _ . : = + /")]
pub struct EventIdError;

impl EventId {
    pub const MIN_CHARS: usize = 36;
    pub const MAX_CHARS: usize = 250;

    pub fn parse(text: &str) -> Result<Self, EventIdError> {
        let allowed = |c: char| c.is_ascii_alphanumeric() || "-_.:=+/".contains(c);
        if (Self::MIN_CHARS..=Self::MAX_CHARS).contains(&text.len()) && text.chars().all(allowed) {
            Ok(EventId(text.to_owned()))
        } else {
            Err(EventIdError)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for EventId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "EventId({})", self.0)
    }
}

impl<'de> Deserialize<'de> for EventId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        EventId::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_guid_parses_to_its_canonical_lowercase_form() {
        let id = WixId::parse("3F2A6C1E-8D4B-4E57-9A3C-2B1D0E9F8A76").unwrap();
        assert_eq!(id.to_string(), "3f2a6c1e-8d4b-4e57-9a3c-2b1d0e9f8a76");
    }

    #[test]
    fn ids_that_are_not_guids_are_rejected() {
        let long = "a".repeat(10 * 1024);
        for bad in [
            "",
            "../",
            "%2e%2e/",
            "?",
            "#",
            "3f2a6c1e-8d4b-4e57-9a3c-2b1d0e9f8a7",
            "3f2a6c1e-8d4b-4e57-9a3c-2b1d0e9f8a76/../x",
            "3f2a6c1e8d4b4e579a3c2b1d0e9f8a76",
            "{3f2a6c1e-8d4b-4e57-9a3c-2b1d0e9f8a7}",
            "3f2a6c1e-8d4b-4e57-9a3c-2b1d0e9f8a7?",
            "3f2a6c1e-8d4b-4e57-9a3c-2b1d0e9f8a7#",
            "3f2a6c1e-8d4b-4e57-9a3c%2b1d0e9f8a7",
            long.as_str(),
        ] {
            assert_eq!(WixId::parse(bad), Err(IdError), "{bad:.40}");
        }
    }

    #[test]
    fn event_ids_are_36_to_250_safe_characters_guid_or_not() {
        let guid = "06ee9e50-1d33-4f52-9f2d-b38fa843812d";
        assert_eq!(EventId::parse(guid).unwrap().as_str(), guid);
        let recurring = format!("{guid}_20270121T180000Z");
        assert!(EventId::parse(&recurring).is_ok());
        assert!(EventId::parse(&"a".repeat(250)).is_ok());
        for bad in [
            "a".repeat(35),
            "a".repeat(251),
            format!("{guid} "),
            format!("{guid}\""),
            format!("{guid}\\n"),
            format!("{guid}é"),
        ] {
            assert_eq!(EventId::parse(&bad), Err(EventIdError), "{bad:.40}");
        }
    }
}
