//! Domain values a request body is parsed into: bounded counts, bounded text, SKUs, https links,
//! timestamps, short lists and Wix cursors. Each can only be built by parsing, so a value that exists is
//! valid, and a body that holds an invalid one is a 400 before any Wix call.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, DeserializeOwned};
use serde::{Deserialize, Deserializer, Serialize};

/// A whole number from `MIN` to `MAX`: a stock quantity, a line-item quantity, a page size.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct Count<const MIN: u32, const MAX: u32>(u32);

impl<const MIN: u32, const MAX: u32> Count<MIN, MAX> {
    pub fn parse(n: i64) -> Result<Self, String> {
        u32::try_from(n)
            .ok()
            .filter(|n| (MIN..=MAX).contains(n))
            .map(Count)
            .ok_or_else(|| format!("must be a whole number from {MIN} to {MAX}"))
    }

    pub fn get(self) -> u32 {
        self.0
    }
}

impl<'de, const MIN: u32, const MAX: u32> Deserialize<'de> for Count<MIN, MAX> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // Only JSON integers: "5", 5.0 and 1e3 are refused by i64's own deserializer.
        let n = i64::deserialize(deserializer)?;
        Count::parse(n).map_err(de::Error::custom)
    }
}

/// Free text on one line: trimmed, not empty, at most `MAX` characters, no control characters.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct TextLine<const MAX: usize>(String);

/// Free text that may span lines (`\n`, `\r`, `\t` allowed): trimmed, not empty, at most `MAX`
/// characters, no other control characters.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct TextBlock<const MAX: usize>(String);

fn bounded_text(text: &str, max: usize, allowed: &[char]) -> Result<String, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("must not be empty".into());
    }
    if text.chars().count() > max {
        return Err(format!("must be at most {max} characters"));
    }
    if text
        .chars()
        .any(|c| c.is_control() && !allowed.contains(&c))
    {
        return Err("must not contain control characters".into());
    }
    Ok(text.to_owned())
}

impl<const MAX: usize> TextLine<MAX> {
    pub fn parse(text: &str) -> Result<Self, String> {
        bounded_text(text, MAX, &[]).map(TextLine)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<const MAX: usize> TextBlock<MAX> {
    pub fn parse(text: &str) -> Result<Self, String> {
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

    pub fn parse(text: &str) -> Result<Self, String> {
        if text.is_empty() || text.len() > Self::MAX_CHARS || !text.bytes().all(visible_ascii) {
            return Err(format!(
                "must be 1 to {} visible ASCII characters without spaces",
                Self::MAX_CHARS
            ));
        }
        Ok(Sku(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

pub(crate) fn visible_ascii(b: u8) -> bool {
    (0x21..=0x7e).contains(&b)
}

/// An absolute `https://` URL with a host and no user info, at most 2048 characters: a tracking link.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct HttpsUrl(String);

impl HttpsUrl {
    pub const MAX_CHARS: usize = 2048;

    pub fn parse(text: &str) -> Result<Self, String> {
        const RULE: &str = "must be an https:// URL with a host";
        if text.len() > Self::MAX_CHARS {
            return Err(format!("must be at most {} characters", Self::MAX_CHARS));
        }
        let url = reqwest::Url::parse(text).map_err(|_| RULE.to_owned())?;
        let plain = url.username().is_empty() && url.password().is_none();
        if url.scheme() != "https" || url.host_str().is_none_or(str::is_empty) || !plain {
            return Err(RULE.into());
        }
        Ok(HttpsUrl(url.into()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A point in time given as RFC 3339 (`2026-03-01T00:00:00Z`, any offset), kept in Wix's form: UTC
/// with milliseconds (`2026-03-01T00:00:00.000Z`), so it compares and filters as Wix dates do.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct Timestamp(String);

impl Timestamp {
    pub fn parse(text: &str) -> Result<Self, String> {
        const RULE: &str = "must be an RFC 3339 timestamp between the years 2000 and 2100, like 2026-03-01T00:00:00Z";
        let at = time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339)
            .map_err(|_| RULE.to_owned())?
            .to_offset(time::UtcOffset::UTC);
        if !(2000..=2100).contains(&at.year()) {
            return Err(RULE.into());
        }
        Ok(Timestamp(format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
            at.year(),
            u8::from(at.month()),
            at.day(),
            at.hour(),
            at.minute(),
            at.second(),
            at.millisecond()
        )))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A paging cursor Wix handed out: 1 to 4096 visible ASCII characters. It only ever travels inside a
/// JSON body, never in a URL.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Cursor(String);

impl Cursor {
    pub fn parse(text: &str) -> Result<Self, String> {
        if text.is_empty() || text.len() > 4096 || !text.bytes().all(visible_ascii) {
            return Err("must be a cursor from a previous page".into());
        }
        Ok(Cursor(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Deserialize through `parse(&str)`: a string, or a 400 naming the rule it broke.
macro_rules! deserialize_by_parsing {
    ($($ty:ident $(<const $n:ident: $t:ty>)?),* $(,)?) => {$(
        impl<'de $(, const $n: $t)?> Deserialize<'de> for $ty $(<$n>)? {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
                Self::parse(&text).map_err(de::Error::custom)
            }
        }
    )*};
}

deserialize_by_parsing!(
    TextLine<const MAX: usize>,
    TextBlock<const MAX: usize>,
    Sku,
    HttpsUrl,
    Timestamp,
    Cursor,
);

/// A list of 1 to `MAX` items without repeats: a filter's allowed values, the line items to fulfil.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct List<T, const MAX: usize>(Vec<T>);

impl<T, const MAX: usize> List<T, MAX> {
    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.0.iter()
    }

    pub fn as_slice(&self) -> &[T] {
        &self.0
    }
}

impl<T: PartialEq, const MAX: usize> List<T, MAX> {
    pub fn parse(items: Vec<T>) -> Result<Self, String> {
        if items.is_empty() || items.len() > MAX {
            return Err(format!("must list 1 to {MAX} items"));
        }
        if items
            .iter()
            .enumerate()
            .any(|(i, item)| items[..i].contains(item))
        {
            return Err("must not list an item twice".into());
        }
        Ok(List(items))
    }
}

impl<'de, T: DeserializeOwned + PartialEq, const MAX: usize> Deserialize<'de> for List<T, MAX> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Bounded<T, const MAX: usize>(PhantomData<T>);
        impl<'de, T: DeserializeOwned, const MAX: usize> de::Visitor<'de> for Bounded<T, MAX> {
            type Value = Vec<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "a list of 1 to {MAX} items")
            }
            // Stops reading at MAX + 1 items: a huge array is never collected.
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element()? {
                    if items.len() == MAX {
                        return Err(de::Error::custom(format!("must list 1 to {MAX} items")));
                    }
                    items.push(item);
                }
                Ok(items)
            }
        }
        let items = deserializer.deserialize_seq(Bounded::<T, MAX>(PhantomData))?;
        List::parse(items).map_err(de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn from_json<T: DeserializeOwned>(json: &str) -> Result<T, String> {
        serde_json::from_str(json).map_err(|e| e.to_string())
    }

    #[test]
    fn counts_take_only_whole_numbers_in_range() {
        type Stock = Count<0, 1_000_000>;
        assert_eq!(from_json::<Stock>("0").unwrap().get(), 0);
        assert_eq!(from_json::<Stock>("1000000").unwrap().get(), 1_000_000);
        for bad in [
            "-1",
            "1000001",
            "99999999999999999999",
            "1.5",
            "1e3",
            "\"5\"",
            "null",
        ] {
            assert!(from_json::<Stock>(bad).is_err(), "{bad}");
        }
        assert!(from_json::<Count<1, 100>>("0").is_err());
    }

    #[test]
    fn text_is_trimmed_bounded_and_free_of_control_characters() {
        assert_eq!(
            TextLine::<5>::parse("  mug  ").unwrap().as_str(),
            "mug",
            "trimmed"
        );
        assert!(TextLine::<5>::parse("   ").is_err());
        assert!(TextLine::<5>::parse("sixsix").is_err());
        assert!(
            TextLine::<5>::parse("ünïcø").is_ok(),
            "characters, not bytes"
        );
        assert!(TextLine::<50>::parse("two\nlines").is_err());
        assert!(TextLine::<50>::parse("bell\u{7}").is_err());
        assert!(TextBlock::<50>::parse("two\nlines\twith a tab").is_ok());
        assert!(TextBlock::<50>::parse("escape\u{1b}[31m").is_err());
        assert!(from_json::<TextLine<5>>("42").is_err());
    }

    #[test]
    fn skus_are_short_visible_ascii() {
        assert!(Sku::parse("TEE-1/black.L").is_ok());
        for bad in ["", "has space", "ünï", &"x".repeat(41), "tab\t"] {
            assert!(Sku::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn only_https_links_with_a_host_are_links() {
        assert!(HttpsUrl::parse("https://track.example.com/p?id=1").is_ok());
        for bad in [
            "http://track.example.com/",
            "javascript:alert(1)",
            "https://",
            "https://user:pw@track.example.com/",
            "track.example.com",
            "",
        ] {
            assert!(HttpsUrl::parse(bad).is_err(), "{bad:?}");
        }
        let long = format!("https://example.com/{}", "a".repeat(2048));
        assert!(HttpsUrl::parse(&long).is_err());
    }

    #[test]
    fn timestamps_become_utc_with_milliseconds() {
        assert_eq!(
            Timestamp::parse("2026-03-01T01:30:00+01:00")
                .unwrap()
                .as_str(),
            "2026-03-01T00:30:00.000Z"
        );
        assert_eq!(
            Timestamp::parse("2026-03-01T00:00:00.25Z")
                .unwrap()
                .as_str(),
            "2026-03-01T00:00:00.250Z"
        );
        for bad in [
            "2026-03-01",
            "yesterday",
            "1970-01-01T00:00:00Z",
            "2026-13-01T00:00:00Z",
        ] {
            assert!(Timestamp::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn lists_are_short_non_empty_and_without_repeats() {
        assert!(from_json::<List<u8, 3>>("[1,2,3]").is_ok());
        for bad in ["[]", "[1,2,3,4]", "[1,1]", "1"] {
            assert!(from_json::<List<u8, 3>>(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn cursors_are_visible_ascii() {
        assert!(Cursor::parse("eyJvZmZzZXQiOjJ9").is_ok());
        assert!(Cursor::parse("").is_err());
        assert!(Cursor::parse("a b").is_err());
        assert!(Cursor::parse(&"a".repeat(4097)).is_err());
    }
}
