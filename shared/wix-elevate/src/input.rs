//! Typed request input: the body (and, where a function needs them, headers) parsed into domain types at
//! the boundary. Unknown fields are errors; so is any input a function does not take.

use serde::de::DeserializeOwned;

use crate::ApiError;

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

impl<T: DeserializeOwned + Send> Input for Json<T> {
    const MEDIA_TYPE: Option<&'static str> = Some("application/json");
    fn parse(parts: &RequestParts<'_>, body: &[u8]) -> Result<Self, ApiError> {
        reject_query(parts)?;
        serde_json::from_slice(body)
            .map(Json)
            .map_err(|e| ApiError::bad_request(format!("invalid request body: {e}")))
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

    #[derive(serde::Deserialize, Debug)]
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
    fn a_function_without_query_parameters_rejects_them() {
        let headers = http::HeaderMap::new();
        assert!(NoInput::parse(&parts(&headers, "fields.paths=email"), b"").is_err());
        assert!(NoInput::parse(&parts(&headers, ""), b"").is_ok());
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
