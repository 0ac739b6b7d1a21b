//! Entry points for the fuzz targets (`fuzz/`, run by `scripts/fuzz`) into the crate-private parsers of
//! untrusted bytes (headers, token-info and Wix answers), reachable from outside the crate only with the
//! `fuzzing` feature; function inputs are fuzzed through the public API (`fuzz/functions.rs`). Each returns
//! whether its input was accepted; a panic is the bug a fuzzer looks for.

use std::sync::LazyLock;
use std::time::SystemTime;

use crate::Config;
use crate::caller::{CallerVerifier, bearer_token, decode_token_info};
use crate::idempotency::IdempotencyKey;

/// The `Authorization` header value, and the same bytes as an `Idempotency-Key`.
pub fn request_headers(value: &[u8]) -> (bool, bool) {
    let Ok(value) = http::HeaderValue::from_bytes(value) else {
        return (false, false);
    };
    let mut headers = http::HeaderMap::new();
    headers.insert(http::header::AUTHORIZATION, value.clone());
    let bearer = bearer_token(&headers).is_ok();
    let key = value
        .to_str()
        .is_ok_and(|text| IdempotencyKey::parse(text).is_ok());
    (bearer, key)
}

static VERIFIER: LazyLock<CallerVerifier> = LazyLock::new(|| {
    let config = Config::from_lookup(|name| match name {
        "WIX_CLIENT_ID" => Some("1d8d4ab1-63d1-4c2c-a34b-8c0c7b9f0a11".into()),
        "WIX_SITE_ID" => Some("6bf2d5db-cd21-41d4-847f-5a42c0836aaf".into()),
        "WIX_API_BASE" => Some("http://127.0.0.1:9".into()),
        _ => None,
    })
    .expect("a fixed configuration");
    let client = wix_auth::wix_http_client().expect("the TLS set-up every function uses");
    CallerVerifier::new(client, &config)
});

/// Wix's token-info answer about a caller's token, decoded and checked as the verifier does.
pub fn token_info(answer: &[u8]) -> bool {
    decode_token_info(answer).is_ok_and(|info| VERIFIER.accept(info, SystemTime::now()).is_ok())
}

fn answer_decoders() -> impl Iterator<Item = &'static crate::wix::AnswerDecoder> {
    crate::wix::ANSWER_DECODERS
        .iter()
        .flat_map(|module| module.iter())
}

/// How many Wix answer types [`wix_answer`] decodes.
pub fn wix_answer_count() -> usize {
    answer_decoders().count()
}

/// `answer` decoded as the Wix answer type number `which` (modulo [`wix_answer_count`]).
pub fn wix_answer(which: usize, answer: &[u8]) -> bool {
    let decode = answer_decoders()
        .nth(which % wix_answer_count())
        .expect("an index below the count");
    decode(answer)
}
