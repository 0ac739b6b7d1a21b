//! Money as exact decimals. Callers send amounts as decimal strings ("18.50"); Wix sends and takes
//! them as decimal strings too (Catalog V1 prices are JSON numbers, written from the decimal's text).
//! Nothing here goes through a float.

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::de;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A positive amount of money with at most 2 decimal places and at most [`Amount::MAX`]: a price, a
/// refund. It says nothing about the currency, which is the site's.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Amount(Decimal);

impl Amount {
    /// Larger amounts are refused as absurd rather than passed on.
    pub const MAX: Decimal = Decimal::from_parts(1_000_000_000, 0, 0, false, 2);

    /// `"18.50"`, `"18.5"`, `"18"`: digits with an optional point and 1 or 2 decimals; nothing else
    /// (no sign, exponent, spaces or thousands separators).
    pub fn parse(text: &str) -> Result<Self, String> {
        const RULE: &str = "must be a positive decimal string with at most 2 decimals, like \"18.50\", up to 10000000";
        let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
        let well_formed = !whole.is_empty()
            && whole.len() <= 8
            && whole.bytes().all(|b| b.is_ascii_digit())
            && (!text.contains('.') || (1..=2).contains(&fraction.len()))
            && fraction.bytes().all(|b| b.is_ascii_digit());
        if !well_formed {
            return Err(RULE.into());
        }
        let value = Decimal::from_str_exact(text).map_err(|_| RULE.to_owned())?;
        if value <= Decimal::ZERO || value > Self::MAX {
            return Err(RULE.into());
        }
        Ok(Amount(value.round_dp(2)))
    }

    /// From a decimal computed here (a refund split across payments); `None` unless it is a valid amount.
    pub fn from_decimal(value: Decimal) -> Option<Self> {
        Amount::parse(&value.normalize().to_string()).ok()
    }

    pub fn decimal(self) -> Decimal {
        self.0
    }

    /// Catalog V1 wants a price as a JSON number: the same digits, as a number.
    pub fn as_json_number(self) -> JsonNumber {
        JsonNumber(self)
    }
}

/// Always two decimals: `"18.50"`.
impl fmt::Display for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut value = self.0;
        value.rescale(2);
        fmt::Display::fmt(&value, f)
    }
}

impl Serialize for Amount {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Amount {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // A JSON number is refused: its value may already have been rounded by a float on the way.
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        Amount::parse(&text).map_err(de::Error::custom)
    }
}

/// An [`Amount`] serialized as a JSON number with its exact digits (`35.00`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct JsonNumber(Amount);

impl Serialize for JsonNumber {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let raw = serde_json::value::RawValue::from_string(self.0.to_string())
            .map_err(serde::ser::Error::custom)?;
        raw.serialize(serializer)
    }
}

/// An amount as Wix reports it (`{"amount": "25.00"}`, possibly with more decimals): read exactly, and
/// never negative. Anything else is unreadable, so treated as absent.
pub fn parse_wix_amount(text: &str) -> Option<Decimal> {
    Decimal::from_str(text.trim())
        .ok()
        .filter(|d| !d.is_sign_negative())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_positive_decimal_strings_with_two_decimals_at_most() {
        for (text, shown) in [
            ("18.50", "18.50"),
            ("18.5", "18.50"),
            ("18", "18.00"),
            ("0.01", "0.01"),
            ("10000000", "10000000.00"),
        ] {
            assert_eq!(Amount::parse(text).unwrap().to_string(), shown, "{text}");
        }
        for bad in [
            "0",
            "0.00",
            "-1",
            "+1",
            "1.005",
            "1.",
            ".5",
            "1e3",
            " 1",
            "1,000",
            "1_000",
            "",
            "10000000.01",
            "99999999",
            "NaN",
            "١٢",
        ] {
            assert!(Amount::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn amounts_come_only_from_json_strings() {
        assert!(serde_json::from_str::<Amount>("\"18.50\"").is_ok());
        assert!(serde_json::from_str::<Amount>("18.5").is_err());
        assert_eq!(
            serde_json::to_string(&Amount::parse("7").unwrap()).unwrap(),
            "\"7.00\""
        );
    }

    #[test]
    fn a_json_number_keeps_the_exact_digits() {
        #[derive(Serialize)]
        struct PriceData {
            price: JsonNumber,
        }
        let price = Amount::parse("0.10").unwrap().as_json_number();
        let json = serde_json::to_string(&PriceData { price }).unwrap();
        assert_eq!(json, r#"{"price":0.10}"#);
    }

    #[test]
    fn wix_amounts_are_read_exactly() {
        assert_eq!(parse_wix_amount("25.000"), Some(Decimal::new(25, 0)));
        assert_eq!(parse_wix_amount("-1"), None);
        assert_eq!(parse_wix_amount("ten"), None);
        assert_eq!(
            Amount::from_decimal(Decimal::new(2500, 2)).map(|a| a.to_string()),
            Some("25.00".into())
        );
        assert_eq!(Amount::from_decimal(Decimal::new(1, 3)), None);
    }
}
