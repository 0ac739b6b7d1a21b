//! Caller-supplied text: one line or a block, capped in characters, and a SKU.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize};

use super::ValueError;

/// One line of caller-supplied text: trimmed, not empty, at most `MAX` characters, no control characters
/// and no [hidden characters](is_hidden).
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
    if let Some(hidden) = text.chars().find(|c| is_hidden(*c)) {
        return Err(ValueError::HiddenCharacter(hidden.into()));
    }
    Ok(text.to_owned())
}

/// Unicode format characters that make text display other than it reads: bidi embeddings, overrides
/// and isolates (U+202A–U+202E, U+2066–U+2069, the marks U+200E, U+200F, U+061C) can show a site owner
/// `gpj.exe` as `exe.jpg`; zero-width and invisible characters (U+200B, U+2060–U+2064, U+FEFF, U+00AD,
/// U+180E, U+FFF9–U+FFFB, tags U+E0000–U+E007F) hide text. The zero-width joiner and non-joiner
/// (U+200D, U+200C) stay allowed: emoji sequences and Persian and Indic spelling need them, and they
/// neither reorder nor hide anything.
fn is_hidden(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{061C}'
            | '\u{180E}'
            | '\u{200B}'
            | '\u{200E}'
            | '\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{2069}'
            | '\u{FEFF}'
            | '\u{FFF9}'..='\u{FFFB}'
            | '\u{E0000}'..='\u{E007F}'
    )
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
    fn text_that_displays_other_than_it_reads_is_refused() {
        for (text, hidden) in [
            ("photo\u{202E}gpj.exe", 0x202E),
            ("a\u{2066}b\u{2069}", 0x2066),
            ("ad\u{200B}min", 0x200B),
            ("\u{FEFF}Rui", 0xFEFF),
            ("Rui\u{E0041}", 0xE0041),
            ("mid\u{00AD}dle", 0xAD),
        ] {
            assert_eq!(
                Text::<40>::parse(text),
                Err(ValueError::HiddenCharacter(hidden)),
                "{text:?}"
            );
            assert_eq!(
                TextBlock::<40>::parse(text),
                Err(ValueError::HiddenCharacter(hidden))
            );
        }
        // Joiners build emoji and spell Persian and Indic names; they hide and reorder nothing.
        assert!(Text::<40>::parse("👩\u{200D}🔬 Rui").is_ok());
        assert!(Text::<40>::parse("می\u{200C}خواهم").is_ok());
        assert!(
            Text::<40>::parse("עברית and English").is_ok(),
            "right-to-left script itself is fine"
        );
    }

    #[test]
    fn skus_are_short_visible_ascii() {
        assert!(Sku::parse("TEE-1/black.L").is_ok());
        for bad in ["", "has space", "ünï", &"x".repeat(41), "tab\t"] {
            assert!(Sku::parse(bad).is_err(), "{bad:?}");
        }
    }
}
