//! The Secrets Manager secret JSON; a refusal must never quote what it was given.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wix_auth::WixCredentials;

/// Every refusal is one of these texts once its line and column numbers are taken out, so nothing of the
/// input (a client secret, an API key) can be in it.
const REFUSALS: &[&str] = &[
    "the secret is not valid Wix credentials JSON: expected exactly clientId + clientSecret, or exactly apiKey + siteId, all non-empty",
    "the secret is not valid Wix credentials JSON: expected {\"clientId\",\"clientSecret\"} or {\"apiKey\",\"siteId\"} (Syntax error at line  column )",
    "the secret is not valid Wix credentials JSON: expected {\"clientId\",\"clientSecret\"} or {\"apiKey\",\"siteId\"} (Data error at line  column )",
    "the secret is not valid Wix credentials JSON: expected {\"clientId\",\"clientSecret\"} or {\"apiKey\",\"siteId\"} (Eof error at line  column )",
];

fuzz_target!(|data: &[u8]| {
    let Ok(json) = std::str::from_utf8(data) else {
        return;
    };
    if let Err(error) = WixCredentials::parse(json) {
        let message: String = error
            .to_string()
            .chars()
            .filter(|c| !c.is_ascii_digit())
            .collect();
        assert!(
            REFUSALS.contains(&message.as_str()),
            "a refusal that is not a fixed text: {message}"
        );
    }
});
