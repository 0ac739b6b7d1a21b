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
}
