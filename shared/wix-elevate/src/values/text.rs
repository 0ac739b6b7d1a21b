//! Caller-supplied text: one line or a block, capped in characters, and a SKU.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize};

use super::ValueError;

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

impl<'de, const MAX: usize> Deserialize<'de> for TextBlock<MAX> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        TextBlock::parse(&raw).map_err(serde::de::Error::custom)
    }
}

impl<'de, const MAX: usize> Deserialize<'de> for Text<MAX> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        Text::parse(&raw).map_err(serde::de::Error::custom)
    }
}

deserialize_by_parsing! {
    Sku => std::borrow::Cow<'de, str>, Sku::parse;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::values::from_json;
    #[test]
    fn text_is_trimmed_capped_and_free_of_control_characters() {
        assert_eq!(Text::<5>::parse("  héllo ").unwrap().as_str(), "héllo");
        assert_eq!(
            Text::<5>::parse("ünïcø").unwrap().as_str(),
            "ünïcø",
            "characters, not bytes"
        );
        assert_eq!(Text::<5>::parse("   "), Err(ValueError::Empty));
        assert_eq!(Text::<5>::parse("héllo!"), Err(ValueError::TooLong(5)));
        assert_eq!(Text::<9>::parse("a\nb"), Err(ValueError::ControlCharacter));
        assert_eq!(
            Text::<9>::parse("a\u{7}b"),
            Err(ValueError::ControlCharacter)
        );
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
}
