//! Paging input for query functions: a capped page size and an opaque cursor.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Wix's maximum page size for queries, and ours.
pub const MAX_PAGE_LIMIT: u8 = 100;

/// A page size, 1 to [`MAX_PAGE_LIMIT`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "u64")]
pub struct PageLimit(u8);

impl PageLimit {
    pub fn new(limit: u64) -> Result<Self, String> {
        match u8::try_from(limit) {
            Ok(limit @ 1..=MAX_PAGE_LIMIT) => Ok(PageLimit(limit)),
            _ => Err(format!("must be between 1 and {MAX_PAGE_LIMIT}")),
        }
    }

    pub fn get(self) -> u8 {
        self.0
    }
}

/// 50: the page size Wix's queries use when none is given.
impl Default for PageLimit {
    fn default() -> Self {
        PageLimit(50)
    }
}

impl TryFrom<u64> for PageLimit {
    type Error = String;
    fn try_from(limit: u64) -> Result<Self, String> {
        PageLimit::new(limit)
    }
}

/// The longest cursor passed back to Wix.
const MAX_CURSOR_LEN: usize = 1024;

/// A paging cursor from a previous answer, handed back to Wix as it was given: visible ASCII only,
/// at most 1,024 characters. It travels in a JSON body, never in a URL.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String")]
pub struct Cursor(String);

impl Cursor {
    pub fn parse(text: &str) -> Result<Self, String> {
        if text.is_empty()
            || text.len() > MAX_CURSOR_LEN
            || !text.bytes().all(|b| b.is_ascii_graphic())
        {
            return Err(format!(
                "must be a cursor from a previous answer (1 to {MAX_CURSOR_LEN} visible ASCII characters)"
            ));
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

impl TryFrom<String> for Cursor {
    type Error = String;
    fn try_from(text: String) -> Result<Self, String> {
        Cursor::parse(&text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_limits_are_between_1_and_100() {
        assert_eq!(PageLimit::new(1).unwrap().get(), 1);
        assert_eq!(PageLimit::new(100).unwrap().get(), 100);
        for bad in [0, 101, 256, 257, u64::MAX] {
            assert!(PageLimit::new(bad).is_err(), "{bad}");
        }
        for bad in ["-1", "1.5", "\"10\"", "null"] {
            assert!(serde_json::from_str::<PageLimit>(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn cursors_are_short_visible_ascii() {
        assert!(Cursor::parse("eyJvIjoyfQ==_-.~").is_ok());
        let long = "a".repeat(MAX_CURSOR_LEN + 1);
        for bad in ["", "has space", "new\nline", "é", long.as_str()] {
            assert!(Cursor::parse(bad).is_err(), "{bad:.20}");
        }
    }
}
