//! Small domain values that can only be built by parsing: text with a length cap (one line, or a block),
//! an email address, a phone number, a timestamp, an IANA time zone, a page size, a paging cursor, a
//! bounded count, a SKU, an https link and a short list without repeats. Each deserializes through its
//! `parse`, so a typed request body is valid once it exists, and an invalid one is a 400 before any Wix
//! call. One file per kind: text, contact, datetime, paging, bounded, link.

use thiserror::Error;

/// Each value deserializes from its JSON text (or number) through its `parse`.
macro_rules! deserialize_by_parsing {
    ($($ty:ty => $from:ty, $parse:path;)*) => {$(
        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let raw = <$from as serde::Deserialize>::deserialize(deserializer)?;
                $parse(&raw).map_err(serde::de::Error::custom)
            }
        }
    )*};
}

mod bounded;
mod contact;
mod datetime;
mod link;
mod paging;
mod schema;
mod text;

pub use bounded::{Count, List};
pub use contact::{Email, Phone};
pub use datetime::{TimeZoneName, Timestamp};
pub use link::HttpsUrl;
pub use paging::{Cursor, PageLimit, SortOrder};
pub use text::{Sku, Text, TextBlock};

#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum ValueError {
    #[error("must not be empty")]
    Empty,
    #[error("must be at most {0} characters")]
    TooLong(usize),
    #[error("must not contain control characters")]
    ControlCharacter,
    #[error("must not contain invisible or direction-changing characters (found U+{0:04X})")]
    HiddenCharacter(u32),
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

#[cfg(test)]
fn from_json<T: serde::de::DeserializeOwned>(json: &str) -> Result<T, String> {
    serde_json::from_str(json).map_err(|e| e.to_string())
}
