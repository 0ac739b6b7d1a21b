//! Typed request input: the body (and, where a function needs them, headers) parsed into domain types at
//! the boundary. Unknown fields are errors; so is any input a function does not take.

use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::de::DeserializeOwned;

mod objects;

use crate::ApiError;
use crate::values::Text;

/// What a function can read from the request besides the body.
pub struct RequestParts<'a> {
    pub headers: &'a http::HeaderMap,
    /// The raw query string, empty if none.
    pub query: &'a str,
}

pub trait Input: Sized + Send {
    /// The media type the body must have, or `None` for a request without a body.
    const MEDIA_TYPE: Option<&'static str>;
    fn parse(parts: &RequestParts<'_>, body: &[u8]) -> Result<Self, ApiError>;
    /// The body's JSON Schema, for openapi.yaml; `None` without a body.
    fn body_schema(_generator: &mut SchemaGenerator) -> Option<Schema> {
        None
    }
}

/// A function that takes no input at all: no body and no query string.
pub struct NoInput;

impl Input for NoInput {
    const MEDIA_TYPE: Option<&'static str> = None;
    fn parse(parts: &RequestParts<'_>, _body: &[u8]) -> Result<Self, ApiError> {
        reject_query(parts)?;
        Ok(NoInput)
    }
}

/// A JSON body parsed into `T`. Give `T` `#[serde(deny_unknown_fields)]` and domain-typed fields
/// ([`crate::WixId`] and friends), so that parsing it is the validation.
pub struct Json<T>(pub T);

impl<T: DeserializeOwned + JsonSchema + Send> Input for Json<T> {
    const MEDIA_TYPE: Option<&'static str> = Some("application/json");
    fn body_schema(generator: &mut SchemaGenerator) -> Option<Schema> {
        Some(generator.subschema_for::<T>())
    }
    fn parse(parts: &RequestParts<'_>, body: &[u8]) -> Result<Self, ApiError> {
        reject_query(parts)?;
        // serde's derived structs also take a JSON array as positional fields (`["a@b.com","A"]` would
        // be a member); every body is an object, as the OpenAPI says.
        let first = body
            .iter()
            .find(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r'));
        if first != Some(&b'{') {
            return Err(ApiError::bad_request(
                "the request body must be a JSON object",
            ));
        }
        let parsed = serde_json::from_slice(body)
            .map_err(|e| ApiError::bad_request(format!("invalid request body: {e}")))?;
        // The same serde types, once more with structs only from objects (nested ones too: `"filter": []`
        // is not a filter). The first reading keeps serde_json's own checks, duplicate fields among them.
        let value: serde_json::Value = serde_json::from_slice(body)
            .map_err(|e| ApiError::bad_request(format!("invalid request body: {e}")))?;
        objects::from_value::<T>(&value)
            .map_err(|e| ApiError::bad_request(format!("invalid request body: {e}")))?;
        // An `Option` field takes `null` as absent, but no documented request field is nullable: one
        // spelling per request, as the OpenAPI describes it.
        if holds_null(body) {
            return Err(ApiError::bad_request(
                "the request body must not hold null: leave an optional field out instead",
            ));
        }
        Ok(Json(parsed))
    }
}

/// Whether a JSON document (already parsed, so well formed) has a `null` anywhere: outside strings, an
/// `n` can only begin that literal.
fn holds_null(json: &[u8]) -> bool {
    let mut in_string = false;
    let mut escaped = false;
    for &byte in json {
        match (in_string, byte) {
            (true, _) if escaped => escaped = false,
            (true, b'\\') => escaped = true,
            (true, b'"') | (false, b'"') => in_string = !in_string,
            (false, b'n') => return true,
            _ => {}
        }
    }
    false
}

/// A `multipart/form-data` body (a browser's `FormData`) parsed into `T`. Only the fields `T` names are
/// accepted, each within its size cap; a field sent twice, a missing field, an unnamed or unknown field is
/// a 400, an oversized one a 413.
pub struct Multipart<T>(pub T);

/// What a form-shaped input declares: its fields with their caps, and how to build itself from them.
pub trait FromForm: Sized + Send {
    /// Every field the form may carry, with its size cap in bytes. `Err` when the caps cannot be known
    /// (a configuration error: the caller gets a 503).
    fn fields() -> Result<Vec<(&'static str, u64)>, ApiError>;
    fn from_form(form: Form) -> Result<Self, ApiError>;
}

/// The parts of a parsed form, taken out one by one by name.
#[derive(Debug, Default)]
pub struct Form {
    parts: Vec<FormPart>,
}

/// One part of a form: its name and bytes. The browser's file name and declared type are not kept: they
/// are caller input, and the bytes themselves say what a file is.
#[derive(Debug)]
pub struct FormPart {
    pub name: String,
    pub bytes: bytes::Bytes,
}

impl Form {
    /// The one part called `name`; missing or repeated is a 400.
    pub fn take(&mut self, name: &str) -> Result<FormPart, ApiError> {
        let (first, second) = {
            let mut positions = self
                .parts
                .iter()
                .enumerate()
                .filter(|(_, part)| part.name == name)
                .map(|(index, _)| index);
            (positions.next(), positions.next())
        };
        match (first, second) {
            (Some(index), None) => Ok(self.parts.swap_remove(index)),
            (None, _) => Err(ApiError::bad_request(format!(
                "the form field {name} is required"
            ))),
            (Some(_), Some(_)) => Err(ApiError::bad_request(format!(
                "the form field {name} appears more than once"
            ))),
        }
    }

    /// The part called `name` as UTF-8 text.
    pub fn text(&mut self, name: &str) -> Result<String, ApiError> {
        String::from_utf8(self.take(name)?.bytes.to_vec())
            .map_err(|_| ApiError::bad_request(format!("the form field {name} must be UTF-8 text")))
    }

    /// The part called `name` as one line of text of at most `MAX` characters.
    pub fn line<const MAX: usize>(&mut self, name: &str) -> Result<Text<MAX>, ApiError> {
        Text::parse(&self.text(name)?)
            .map_err(|e| ApiError::bad_request(format!("the form field {name} {e}")))
    }
}

impl<T: FromForm + JsonSchema> Input for Multipart<T> {
    const MEDIA_TYPE: Option<&'static str> = Some("multipart/form-data");
    fn body_schema(generator: &mut SchemaGenerator) -> Option<Schema> {
        Some(generator.subschema_for::<T>())
    }
    fn parse(parts: &RequestParts<'_>, body: &[u8]) -> Result<Self, ApiError> {
        use futures_util::FutureExt;

        reject_query(parts)?;
        let content_type = parts
            .headers
            .get(http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        let boundary = multer::parse_boundary(content_type)
            .map_err(|_| ApiError::bad_request("a multipart/form-data body needs a boundary"))?;
        let fields = T::fields()?;
        let limits = fields
            .iter()
            .fold(multer::SizeLimit::new(), |limits, (name, cap)| {
                limits.for_field(*name, *cap)
            });
        let constraints = multer::Constraints::new()
            .allowed_fields(fields.iter().map(|(name, _)| *name).collect())
            .size_limit(limits);
        let bytes = bytes::Bytes::copy_from_slice(body);
        let stream = futures_util::stream::once(std::future::ready(Ok::<
            _,
            std::convert::Infallible,
        >(bytes)));
        let mut multipart = multer::Multipart::with_constraints(stream, boundary, constraints);
        // The whole body is in memory, so no step ever waits: each future is ready when first polled.
        let mut form = Form::default();
        loop {
            let next = multipart
                .next_field()
                .now_or_never()
                .ok_or_else(unreadable)?;
            let Some(field) = next.map_err(multipart_error)? else {
                break;
            };
            let name = field.name().unwrap_or_default().to_owned();
            let bytes = field
                .bytes()
                .now_or_never()
                .ok_or_else(unreadable)?
                .map_err(multipart_error)?;
            form.parts.push(FormPart { name, bytes });
        }
        T::from_form(form).map(Multipart)
    }
}

fn unreadable() -> ApiError {
    ApiError::bad_request("the multipart body could not be read")
}

fn multipart_error(error: multer::Error) -> ApiError {
    match error {
        multer::Error::FieldSizeExceeded { limit, .. }
        | multer::Error::StreamSizeExceeded { limit } => ApiError::PayloadTooLarge {
            limit: usize::try_from(limit).unwrap_or(usize::MAX),
        },
        multer::Error::UnknownField { field_name } => ApiError::bad_request(format!(
            "unknown form field {:.40}",
            field_name.unwrap_or_default()
        )),
        _ => ApiError::bad_request("the multipart/form-data body is malformed"),
    }
}

fn reject_query(parts: &RequestParts<'_>) -> Result<(), ApiError> {
    if parts.query.is_empty() {
        Ok(())
    } else {
        Err(ApiError::bad_request(
            "this function takes no query parameters",
        ))
    }
}

/// Whether `content_type` names `expected` (parameters such as `charset` are allowed, other types not).
pub(crate) fn media_type_matches(content_type: Option<&http::HeaderValue>, expected: &str) -> bool {
    content_type
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|essence| essence.trim().eq_ignore_ascii_case(expected))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug, schemars::JsonSchema)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Body {
        id: crate::WixId,
    }

    fn parts<'a>(headers: &'a http::HeaderMap, query: &'a str) -> RequestParts<'a> {
        RequestParts { headers, query }
    }

    #[test]
    fn unknown_fields_wrong_types_and_bad_ids_are_bad_requests() {
        let headers = http::HeaderMap::new();
        for bad in [
            &br#"{"id":"3f2a6c1e-8d4b-4e57-9a3c-2b1d0e9f8a76","extra":1}"#[..],
            br#"{"id":42}"#,
            br#"{"id":"../admin"}"#,
            br#"{}"#,
            b"not json",
        ] {
            let err = Json::<Body>::parse(&parts(&headers, ""), bad)
                .err()
                .expect("rejected");
            assert!(matches!(err, ApiError::BadRequest(_)), "{err:?}");
        }
        assert!(
            Json::<Body>::parse(
                &parts(&headers, ""),
                br#"{"id":"3f2a6c1e-8d4b-4e57-9a3c-2b1d0e9f8a76"}"#
            )
            .is_ok()
        );
    }

    #[test]
    fn a_body_that_is_not_a_json_object_is_refused_before_it_is_parsed() {
        let headers = http::HeaderMap::new();
        let id = "3f2a6c1e-8d4b-4e57-9a3c-2b1d0e9f8a76";
        // The same fields as an array: serde alone would take it.
        let positional = format!(r#"["{id}"]"#);
        assert!(
            serde_json::from_str::<Body>(&positional).is_ok(),
            "the hole this closes"
        );
        for bad in [positional.as_str(), "[]", "\"text\"", "42", "null", ""] {
            let err = Json::<Body>::parse(&parts(&headers, ""), bad.as_bytes())
                .err()
                .expect("rejected");
            assert!(
                matches!(&err, ApiError::BadRequest(m) if m.contains("JSON object")),
                "{bad:?}: {err:?}"
            );
        }
        let spaced = format!(" \n\t{{\"id\":\"{id}\"}}");
        assert!(Json::<Body>::parse(&parts(&headers, ""), spaced.as_bytes()).is_ok());
    }

    #[test]
    fn a_json_body_holding_null_is_refused_even_where_the_field_is_optional() {
        #[derive(serde::Deserialize, Debug, schemars::JsonSchema)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct Optional {
            note: Option<String>,
            tags: Option<Vec<String>>,
        }
        let headers = http::HeaderMap::new();
        let parse = |body: &str| Json::<Optional>::parse(&parts(&headers, ""), body.as_bytes());
        assert!(
            serde_json::from_str::<Optional>(r#"{"note":null}"#).is_ok(),
            "serde alone takes null as absent"
        );
        for bad in [
            r#"{"note":null}"#,
            r#"{"tags":["a",null]}"#,
            r#"{ "note" : null }"#,
        ] {
            let err = parse(bad).err().expect("rejected");
            assert!(
                matches!(&err, ApiError::BadRequest(m) if m.contains("null")),
                "{bad}: {err:?}"
            );
        }
        // The word inside text, escaped quotes included, is not the literal.
        for good in [
            r#"{}"#,
            r#"{"note":"null"}"#,
            r#"{"note":"a\"null\\","tags":["n"]}"#,
        ] {
            assert!(parse(good).is_ok(), "{good}");
        }
    }

    #[test]
    fn a_function_without_query_parameters_rejects_them() {
        let headers = http::HeaderMap::new();
        assert!(NoInput::parse(&parts(&headers, "fields.paths=email"), b"").is_err());
        assert!(NoInput::parse(&parts(&headers, ""), b"").is_ok());
    }

    /// Two fields: `file` up to 8 bytes, `title` up to 5.
    #[derive(Debug, schemars::JsonSchema)]
    struct Upload {
        #[schemars(with = "String")]
        file: FormPart,
        title: String,
    }

    impl FromForm for Upload {
        fn fields() -> Result<Vec<(&'static str, u64)>, ApiError> {
            Ok(vec![("file", 8), ("title", 5)])
        }
        fn from_form(mut form: Form) -> Result<Self, ApiError> {
            Ok(Upload {
                file: form.take("file")?,
                title: form.text("title")?,
            })
        }
    }

    const BOUNDARY: &str = "XyZ123";

    fn multipart_body(fields: &[(&str, Option<&str>, &[u8])]) -> Vec<u8> {
        let mut body = Vec::new();
        for (name, file_name, bytes) in fields {
            body.extend_from_slice(format!("--{BOUNDARY}\r\n").as_bytes());
            let disposition = match file_name {
                Some(file) => format!(
                    "Content-Disposition: form-data; name=\"{name}\"; filename=\"{file}\"\r\nContent-Type: image/png\r\n\r\n"
                ),
                None => format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n"),
            };
            body.extend_from_slice(disposition.as_bytes());
            body.extend_from_slice(bytes);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
        body
    }

    fn parse_upload(body: &[u8]) -> Result<Upload, ApiError> {
        let mut headers = http::HeaderMap::new();
        headers.insert(
            http::header::CONTENT_TYPE,
            http::HeaderValue::from_str(&format!("multipart/form-data; boundary={BOUNDARY}"))
                .unwrap(),
        );
        Multipart::<Upload>::parse(&parts(&headers, ""), body).map(|m| m.0)
    }

    proptest::proptest! {
        #[test]
        fn any_multipart_body_parses_within_its_caps_or_is_refused(
            noise in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..120),
            title in "[ -~]{0,8}",
            file in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..12),
            mangle in 0usize..200,
        ) {
            // A well-formed form, then cut or spliced with noise at some point.
            let mut body = multipart_body(&[("file", Some("a.png"), &file), ("title", None, title.as_bytes())]);
            let at = mangle.min(body.len());
            body.splice(at..at, noise);
            if let Ok(upload) = parse_upload(&body) {
                proptest::prop_assert!(upload.title.len() <= 5);
                proptest::prop_assert!(upload.file.bytes.len() <= 8);
            }
        }
    }

    #[test]
    fn a_form_with_exactly_its_fields_parses_from_memory() {
        let body = multipart_body(&[
            ("title", None, b"Vase"),
            ("file", Some("a.png"), b"\x89PNG"),
        ]);
        let upload = parse_upload(&body).unwrap();
        assert_eq!(upload.title, "Vase");
        assert_eq!(&upload.file.bytes[..], b"\x89PNG");
    }

    #[test]
    fn unknown_missing_repeated_or_oversized_form_fields_are_refused() {
        let status = |fields: &[(&str, Option<&str>, &[u8])]| {
            parse_upload(&multipart_body(fields))
                .unwrap_err()
                .status()
                .as_u16()
        };
        let file: (&str, Option<&str>, &[u8]) = ("file", Some("a.png"), b"1234");
        let title: (&str, Option<&str>, &[u8]) = ("title", None, b"Vase");
        assert_eq!(status(&[file, title, ("isApproved", None, b"true")]), 400);
        assert_eq!(status(&[file]), 400);
        assert_eq!(status(&[file, title, title]), 400);
        assert_eq!(status(&[("file", None, b"123456789"), title]), 413);
        assert_eq!(status(&[file, ("title", None, b"Vase with handles")]), 413);
        assert_eq!(status(&[file, ("title", None, b"\xff\xfe")]), 400);
        for garbage in [&b""[..], b"--XyZ123\r\nno headers", b"not multipart at all"] {
            assert_eq!(parse_upload(garbage).unwrap_err().status().as_u16(), 400);
        }
    }

    #[test]
    fn a_multipart_body_without_a_boundary_is_refused() {
        let mut headers = http::HeaderMap::new();
        headers.insert(
            http::header::CONTENT_TYPE,
            http::HeaderValue::from_static("multipart/form-data"),
        );
        let body = multipart_body(&[("title", None, b"Vase")]);
        assert!(Multipart::<Upload>::parse(&parts(&headers, ""), &body).is_err());
    }

    #[test]
    fn media_types_compare_by_essence() {
        let json = http::HeaderValue::from_static("Application/JSON; charset=utf-8");
        assert!(media_type_matches(Some(&json), "application/json"));
        let text = http::HeaderValue::from_static("text/plain");
        assert!(!media_type_matches(Some(&text), "application/json"));
        assert!(!media_type_matches(None, "application/json"));
    }
}
