//! Bounded amounts: a whole number in a range, and a short list without repeats.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, DeserializeOwned};
use serde::{Deserialize, Deserializer, Serialize};

use super::ValueError;

/// A whole number from `MIN` to `MAX`: a stock quantity, a line-item quantity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct Count<const MIN: u32, const MAX: u32>(u32);

impl<const MIN: u32, const MAX: u32> Count<MIN, MAX> {
    pub fn parse(n: i64) -> Result<Self, ValueError> {
        u32::try_from(n)
            .ok()
            .filter(|n| (MIN..=MAX).contains(n))
            .map(Count)
            .ok_or(ValueError::Count(MIN, MAX))
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
    pub fn parse(items: Vec<T>) -> Result<Self, ValueError> {
        if items.is_empty() || items.len() > MAX {
            return Err(ValueError::ListLength(MAX));
        }
        if items
            .iter()
            .enumerate()
            .any(|(i, item)| items[..i].contains(item))
        {
            return Err(ValueError::Repeated);
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
                        return Err(de::Error::custom(ValueError::ListLength(MAX)));
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
    use crate::values::from_json;
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
    fn lists_are_short_non_empty_and_without_repeats() {
        assert!(from_json::<List<u8, 3>>("[1,2,3]").is_ok());
        for bad in ["[]", "[1,2,3,4]", "[1,1]", "1"] {
            assert!(from_json::<List<u8, 3>>(bad).is_err(), "{bad}");
        }
    }
}
