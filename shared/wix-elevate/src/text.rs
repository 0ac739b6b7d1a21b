//! Free text from a caller that Wix stores or sends on (a message to a participant, a note).

use std::fmt;

use serde::{Deserialize, Serialize};

/// 1 to `MAX` characters, with no control characters other than line breaks and tabs. Refused at the
/// boundary, so Wix never sees what this project would not send itself.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String")]
pub struct FreeText<const MAX: usize>(String);

impl<const MAX: usize> FreeText<MAX> {
    pub fn parse(text: &str) -> Result<Self, String> {
        if text.trim().is_empty() {
            return Err("must not be empty".into());
        }
        // Cheap bound first: a char is at most 4 bytes.
        if text.len() > MAX * 4 || text.chars().count() > MAX {
            return Err(format!("must be at most {MAX} characters"));
        }
        if text
            .chars()
            .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
        {
            return Err("must not contain control characters".into());
        }
        Ok(FreeText(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Only the length: free text may be personal, and Debug output ends up in logs.
impl<const MAX: usize> fmt::Debug for FreeText<MAX> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "FreeText({} chars)", self.0.chars().count())
    }
}

impl<const MAX: usize> TryFrom<String> for FreeText<MAX> {
    type Error = String;
    fn try_from(text: String) -> Result<Self, String> {
        FreeText::parse(&text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_within_the_cap_parses_and_keeps_line_breaks() {
        let text = FreeText::<10>::parse("see you\nÀ").unwrap();
        assert_eq!(text.as_str(), "see you\nÀ");
        assert!(
            FreeText::<3>::parse("ééé").is_ok(),
            "the cap counts characters"
        );
    }

    #[test]
    fn empty_overlong_or_control_text_is_refused() {
        for bad in [
            "",
            "  \n",
            "12345678901",
            "bell\u{7}",
            "nul\0",
            "esc\u{1b}[31m",
        ] {
            assert!(FreeText::<10>::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn debug_output_does_not_show_the_text() {
        let text = FreeText::<50>::parse("my phone is 555").unwrap();
        assert_eq!(format!("{text:?}"), "FreeText(15 chars)");
    }
}
