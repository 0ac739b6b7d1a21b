//! How a query pages and sorts: a page size, a cursor from a previous answer, a sort direction.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::ValueError;

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

fn parse_limit(limit: &u64) -> Result<PageLimit, ValueError> {
    PageLimit::new(*limit)
}

deserialize_by_parsing! {
    PageLimit => u64, parse_limit;
    Cursor => std::borrow::Cow<'de, str>, Cursor::parse;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_are_short_visible_ascii() {
        assert!(Cursor::parse("eyJvIjoyfQ==_-.~").is_ok());
        let long = "a".repeat(Cursor::MAX_LEN + 1);
        for bad in ["", "a b", "é", "a\n", long.as_str()] {
            assert!(Cursor::parse(bad).is_err(), "{bad:.20}");
        }
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
