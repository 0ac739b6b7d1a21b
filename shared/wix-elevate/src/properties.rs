//! Property tests over the parsers that see untrusted bytes: whatever arrives, they answer (no panic), and
//! what they accept keeps the rule the type stands for. The stable counterpart of fuzzing, run by the test
//! command.

use proptest::prelude::*;

use crate::input::{Json, RequestParts};
use crate::values::{Text, TextBlock, ValueError};
use crate::{Input, WixId};

/// Text with a good share of the characters the parsers care about: controls, bidi and zero-width
/// characters, joiners, spaces, and ordinary letters of several scripts.
fn tricky_text() -> impl Strategy<Value = String> {
    let pieces = prop_oneof![
        Just('\u{202E}'),
        Just('\u{2066}'),
        Just('\u{200B}'),
        Just('\u{200D}'),
        Just('\u{FEFF}'),
        Just('\u{7}'),
        Just('\n'),
        Just(' '),
        Just('é'),
        Just('ש'),
        any::<char>(),
    ];
    proptest::collection::vec(pieces, 0..60).prop_map(|chars| chars.into_iter().collect())
}

#[derive(serde::Deserialize, schemars::JsonSchema, Debug)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Body {
    id: WixId,
    name: Option<Text<20>>,
}

proptest! {
    #[test]
    fn accepted_text_is_trimmed_bounded_and_shows_what_it_says(text in tricky_text()) {
        match Text::<40>::parse(&text) {
            Ok(t) => {
                let s = t.as_str();
                prop_assert_eq!(s, s.trim());
                prop_assert!(!s.is_empty() && s.chars().count() <= 40);
                prop_assert!(!s.chars().any(|c| c.is_control()));
                let hidden = ['\u{202E}', '\u{2066}', '\u{200B}', '\u{FEFF}'];
                prop_assert!(!s.contains(hidden), "hidden characters in {:?}", s);
            }
            Err(ValueError::Empty | ValueError::TooLong(_) | ValueError::ControlCharacter
                | ValueError::HiddenCharacter(_)) => {}
            Err(other) => prop_assert!(false, "unexpected error {other:?}"),
        }
        if let Ok(block) = TextBlock::<40>::parse(&text) {
            prop_assert!(!block.as_str().chars().any(|c| c.is_control() && !"\n\r\t".contains(c)));
        }
    }

    #[test]
    fn a_json_body_is_an_object_of_known_fields_or_a_bad_request(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        let headers = http::HeaderMap::new();
        let parts = RequestParts { headers: &headers, query: "" };
        if let Ok(Json(body)) = Json::<Body>::parse(&parts, &bytes) {
            let value: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
            prop_assert!(value.is_object());
            prop_assert_eq!(body.id.to_string().len(), 36);
        }
    }

    #[test]
    fn json_shaped_bodies_parse_only_as_objects(
        id in "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}",
        name in tricky_text(),
        as_array in any::<bool>(),
    ) {
        let value = if as_array {
            serde_json::json!([id, name])
        } else {
            serde_json::json!({ "id": id, "name": name })
        };
        let headers = http::HeaderMap::new();
        let parts = RequestParts { headers: &headers, query: "" };
        let parsed = Json::<Body>::parse(&parts, value.to_string().as_bytes());
        if as_array {
            prop_assert!(parsed.is_err());
        } else if let Ok(Json(body)) = parsed {
            prop_assert_eq!(body.id.to_string(), id);
        }
    }

    #[test]
    fn a_wix_id_is_a_guid_whatever_it_was_given(text in "\\PC{0,50}|[0-9a-fA-F-]{30,40}") {
        if let Ok(id) = WixId::parse(&text) {
            let text = id.to_string();
            prop_assert!(uuid::Uuid::parse_str(&text).is_ok());
            prop_assert!(text.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-'), "{}", text);
        }
    }

    #[test]
    fn an_event_id_stays_inside_its_character_set(text in "[ -~]{30,260}|\\PC{0,80}") {
        if let Ok(id) = crate::EventId::parse(&text) {
            prop_assert!((36..=250).contains(&id.as_str().len()));
            prop_assert!(id.as_str().chars().all(|c| c.is_ascii_alphanumeric() || "-_.:=+/".contains(c)));
        }
    }

    #[test]
    fn a_bearer_header_yields_a_bounded_token_or_a_refusal(value in proptest::collection::vec(any::<u8>(), 0..300)) {
        let mut headers = http::HeaderMap::new();
        if let Ok(value) = http::HeaderValue::from_bytes(&value) {
            headers.insert(http::header::AUTHORIZATION, value);
        }
        if let Ok(token) = crate::caller::bearer_token(&headers) {
            prop_assert!(!token.is_empty() && token.len() <= 4096);
            prop_assert!(!token.chars().any(char::is_whitespace));
        }
    }

    #[test]
    fn an_upload_url_is_followed_only_to_the_pinned_host(
        url in "(https?|ftp|file)://[a-z0-9.:@\\[\\]-]{0,40}(/[ -~]{0,20})?|[ -~]{0,60}",
    ) {
        let pinned = ["upload.wixmp.com".to_owned()];
        if let Ok(checked) = crate::wix::checked_upload_url(&url, "https://www.wixapis.com", &pinned) {
            prop_assert_eq!(checked.scheme(), "https");
            prop_assert_eq!(checked.host_str(), Some("upload.wixmp.com"));
            prop_assert_eq!(checked.port(), None);
        }
    }
}
