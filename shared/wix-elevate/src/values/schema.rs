//! The JSON Schema of each value, for openapi.yaml: what its `parse` accepts, with the limits taken from
//! the type itself. Patterns are ECMA-262, as JSON Schema and OpenAPI 3.1 read them. Single-use shapes
//! (a text of some length, a bounded count, a list) are inlined; the named ones become components.

use std::borrow::Cow;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};

use super::{
    Count, Cursor, Email, HttpsUrl, List, PageLimit, Phone, Sku, SortOrder, Text, TextBlock,
    TimeZoneName, Timestamp,
};
use crate::ids::{EventId, WixId};
use crate::money::Amount;

/// One line: not only spaces, no control characters (the hidden ones are refused too, which a pattern
/// does not say).
const ONE_LINE: &str = "^[^\\u0000-\\u001F\\u007F-\\u009F]*[^\\s\\u0000-\\u001F\\u007F-\\u009F][^\\u0000-\\u001F\\u007F-\\u009F]*$";
/// A block: as [`ONE_LINE`], with tabs and line breaks.
const BLOCK: &str = "^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*[^\\s\\u0000-\\u001F\\u007F-\\u009F][^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*$";
const VISIBLE_ASCII: &str = "^[!-~]+$";

/// A named schema: a component of its own, referenced wherever the type is used.
macro_rules! named_schema {
    ($($ty:ty => $name:literal $schema:tt;)*) => {$(
        impl JsonSchema for $ty {
            fn schema_name() -> Cow<'static, str> {
                Cow::Borrowed($name)
            }
            fn json_schema(_: &mut SchemaGenerator) -> Schema {
                json_schema!($schema)
            }
        }
    )*};
}

named_schema! {
    WixId => "WixId" {
        "description": "A Wix id, a GUID in its 36-character hyphenated form.",
        "type": "string",
        "format": "uuid",
        "pattern": "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
    };
    EventId => "EventId" {
        "description": "A Wix calendar event id: another session of the booking's class (Wix's `slot.eventId`, which replaces the deprecated `sessionId`). Not necessarily a GUID.",
        "type": "string",
        "minLength": EventId::MIN_CHARS,
        "maxLength": EventId::MAX_CHARS,
        "pattern": format!("^[A-Za-z0-9_.:=+/-]{{{},{}}}$", EventId::MIN_CHARS, EventId::MAX_CHARS)
    };
    Timestamp => "Timestamp" {
        "description": "An RFC 3339 date-time with any offset (`2026-01-31T12:00:00Z`, `2027-02-01T11:00:00+01:00`), between the years 1970 and 9999, at most 64 characters.",
        "type": "string",
        "format": "date-time",
        "maxLength": 64
    };
    Amount => "Amount" {
        "description": "Money as a decimal string, never a JSON number: positive, at most 2 decimals, at most 10,000,000 (`\"18.50\"`, `\"18.5\"`, `\"18\"`). The currency is the site's. Answers always carry 2 decimals.",
        "type": "string",
        "pattern": "^[0-9]{1,8}(\\.[0-9]{1,2})?$"
    };
    PageLimit => "PageLimit" {
        "description": "How many results one page holds.",
        "type": "integer",
        "minimum": 1,
        "maximum": PageLimit::MAX,
        "default": PageLimit::default().get()
    };
    Cursor => "Cursor" {
        "description": "A paging cursor from a previous answer (`nextCursor`), sent back as it was given.",
        "type": "string",
        "minLength": 1,
        "maxLength": Cursor::MAX_LEN,
        "pattern": VISIBLE_ASCII
    };
    Email => "Email" {
        "description": "An email address as a login.",
        "type": "string",
        "format": "email",
        "maxLength": super::contact::MAX_EMAIL
    };
    TimeZoneName => "TimeZoneName" {
        "description": "An IANA time zone name (`Europe/Lisbon`); offsets and abbreviations are refused.",
        "type": "string"
    };
    SortOrder => "SortOrder" {
        "description": "The sort direction; newest first unless asked otherwise.",
        "type": "string",
        "enum": ["ASC", "DESC"],
        "default": "DESC"
    };
}

/// An inlined schema: the shape is the type's, the words are the field's.
macro_rules! inline_schema {
    ($($ty:ty => $name:expr, $schema:tt;)*) => {$(
        impl JsonSchema for $ty {
            fn inline_schema() -> bool {
                true
            }
            fn schema_name() -> Cow<'static, str> {
                Cow::Owned($name)
            }
            fn json_schema(_: &mut SchemaGenerator) -> Schema {
                json_schema!($schema)
            }
        }
    )*};
}

inline_schema! {
    Phone => "Phone".into(), {
        "description": "3 to 30 characters with at least 3 digits; digits, spaces, ( ) - . and an optional leading +.",
        "type": "string",
        "minLength": 3,
        "maxLength": 30,
        "pattern": "^\\s*\\+?[0-9 ().-]+\\s*$"
    };
    Sku => "Sku".into(), {
        "description": "A stock-keeping unit, 1 to 40 visible ASCII characters without spaces.",
        "type": "string",
        "minLength": 1,
        "maxLength": Sku::MAX_CHARS,
        "pattern": VISIBLE_ASCII
    };
    HttpsUrl => "HttpsUrl".into(), {
        "description": "An https:// URL with a host and no user info.",
        "type": "string",
        "format": "uri",
        "maxLength": HttpsUrl::MAX_CHARS,
        "pattern": "^https://"
    };
}

impl<const MAX: usize> JsonSchema for Text<MAX> {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> Cow<'static, str> {
        Cow::Owned(format!("Text{MAX}"))
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "One line of text, trimmed, no control characters.",
            "type": "string",
            "minLength": 1,
            "maxLength": MAX,
            "pattern": ONE_LINE
        })
    }
}

impl<const MAX: usize> JsonSchema for TextBlock<MAX> {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> Cow<'static, str> {
        Cow::Owned(format!("TextBlock{MAX}"))
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "Plain text: line breaks and tabs allowed, trimmed, no other control characters.",
            "type": "string",
            "minLength": 1,
            "maxLength": MAX,
            "pattern": BLOCK
        })
    }
}

impl<const MIN: u32, const MAX: u32> JsonSchema for Count<MIN, MAX> {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> Cow<'static, str> {
        Cow::Owned(format!("Count{MIN}To{MAX}"))
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "type": "integer", "minimum": MIN, "maximum": MAX })
    }
}

impl<T: JsonSchema, const MAX: usize> JsonSchema for List<T, MAX> {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> Cow<'static, str> {
        Cow::Owned(format!("ListOf{}Max{MAX}", T::schema_name()))
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "array",
            "minItems": 1,
            "maxItems": MAX,
            "uniqueItems": true,
            "items": generator.subschema_for::<T>()
        })
    }
}

/// The schema of a type that deserializes through another (`#[serde(from = "…")]` or `try_from`): the
/// other's shape under this type's name, plus the keywords of the rules the conversion adds. `inline`
/// puts it where it is used instead of in a component.
#[macro_export]
macro_rules! schema_via {
    (inline $ty:ty => $via:ty $(, $extra:tt)?) => {
        $crate::schema_via!(@impl $ty => $via, stringify!($ty), true $(, $extra)?);
    };
    ($ty:ty => $via:ty as $name:literal $(, $extra:tt)?) => {
        $crate::schema_via!(@impl $ty => $via, $name, false $(, $extra)?);
    };
    ($ty:ty => $via:ty $(, $extra:tt)?) => {
        $crate::schema_via!(@impl $ty => $via, stringify!($ty), false $(, $extra)?);
    };
    (@impl $ty:ty => $via:ty, $name:expr, $inline:literal $(, $extra:tt)?) => {
        impl $crate::schemars::JsonSchema for $ty {
            fn inline_schema() -> bool {
                $inline
            }
            fn schema_name() -> ::std::borrow::Cow<'static, str> {
                ::std::borrow::Cow::Borrowed($name)
            }
            fn json_schema(
                generator: &mut $crate::schemars::SchemaGenerator,
            ) -> $crate::schemars::Schema {
                #[allow(unused_mut)]
                let mut schema = <$via as $crate::schemars::JsonSchema>::json_schema(generator);
                $(
                    let extra: $crate::schemars::Schema = $crate::schemars::json_schema!($extra);
                    for (keyword, value) in extra.as_object().into_iter().flatten() {
                        schema.insert(keyword.clone(), value.clone());
                    }
                )?
                schema
            }
        }
    };
}
