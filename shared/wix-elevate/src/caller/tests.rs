//! The checks on Wix's answer about a caller token, and the cache of verified callers.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::json;
use wix_sandbox::{Sandbox, seed};

use super::*;

const SITE: &str = "6bf2d5db-cd21-41d4-847f-5a42c0836aaf";
const MEMBER_ID: &str = "cf604682-755c-4070-9507-0d99c9702925";

fn config(base: &str) -> Config {
    let base = base.to_owned();
    Config::from_lookup(move |name| match name {
        "WIX_CLIENT_ID" => Some(seed::CLIENT_ID.into()),
        "WIX_SITE_ID" => Some(SITE.into()),
        "WIX_API_BASE" => Some(base.clone()),
        "ADMIN_MEMBER_IDS" => Some(seed::ADMIN.id.into()),
        _ => None,
    })
    .unwrap()
}

fn verifier() -> CallerVerifier {
    CallerVerifier::new(
        wix_auth::wix_http_client().unwrap(),
        &config("http://127.0.0.1:9"),
    )
}

fn info(overrides: serde_json::Value) -> TokenInfo {
    let in_an_hour = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
        + 3600;
    let mut base = json!({
        "active": true, "subjectType": "MEMBER", "subjectId": MEMBER_ID,
        "clientId": seed::CLIENT_ID, "siteId": SITE, "exp": in_an_hour, "iat": 0
    });
    for (k, v) in overrides.as_object().unwrap() {
        base[k] = v.clone();
    }
    serde_json::from_value(base).unwrap()
}

/// True when the token is refused as unauthenticated for exactly `reason`, so a check cannot pass
/// because another one refused the token first.
fn refused(overrides: serde_json::Value, reason: &str) -> bool {
    match verifier().accept(info(overrides), SystemTime::now()) {
        Err(ApiError::Unauthenticated(why)) => why == reason,
        _ => false,
    }
}

const OTHER_SITE: &str = "the access token belongs to another site";
const OTHER_CLIENT: &str = "the access token was issued to another client";
const NOT_VISITOR_OR_MEMBER: &str = "only visitor and member access tokens are accepted";
const NOT_VALID: &str = "the access token is not valid";
const EXPIRED: &str = "the access token has expired or was revoked";

#[test]
fn a_member_token_of_our_client_and_site_is_accepted() {
    let (subject, _) = verifier()
        .accept(info(json!({})), SystemTime::now())
        .unwrap();
    assert_eq!(
        subject,
        Subject::Member {
            member_id: WixId::parse(MEMBER_ID).unwrap()
        }
    );
}

#[test]
fn a_token_of_another_site_or_client_is_refused() {
    assert!(refused(
        json!({ "siteId": seed::OTHER_SITE_ID }),
        OTHER_SITE
    ));
    assert!(refused(json!({ "siteId": null }), OTHER_SITE));
    assert!(refused(
        json!({ "clientId": seed::OTHER_CLIENT_ID }),
        OTHER_CLIENT
    ));
    assert!(refused(json!({ "clientId": null }), OTHER_CLIENT));
}

#[test]
fn app_user_and_unknown_tokens_are_refused() {
    for kind in ["APP", "USER", "UNKNOWN", "member", ""] {
        assert!(
            refused(json!({ "subjectType": kind }), NOT_VISITOR_OR_MEMBER),
            "{kind}"
        );
    }
}

#[test]
fn a_member_token_whose_subject_is_not_a_guid_is_refused() {
    assert!(refused(json!({ "subjectId": "../admin" }), NOT_VALID));
    assert!(refused(json!({ "subjectId": "" }), NOT_VALID));
}

#[test]
fn an_inactive_expired_or_undated_token_is_refused() {
    assert!(refused(json!({ "active": false }), EXPIRED));
    assert!(refused(json!({ "exp": 1_000 }), EXPIRED));
    assert!(refused(json!({ "exp": null }), NOT_VALID));
    assert!(refused(json!({ "exp": "soon" }), NOT_VALID));
}

/// Found by the `token_info` fuzz target: `{}` decodes (every field is optional) and must be refused.
#[test]
fn an_empty_token_info_answer_is_refused() {
    let empty = decode_token_info(b"{}").unwrap();
    assert!(verifier().accept(empty, SystemTime::now()).is_err());
}

#[test]
fn exp_is_read_as_seconds_milliseconds_or_a_string() {
    let at = |secs: u64| UNIX_EPOCH + Duration::from_secs(secs);
    assert_eq!(epoch_time(&json!(1_900_000_000)), Some(at(1_900_000_000)));
    assert_eq!(
        epoch_time(&json!(1_900_000_000_000u64)),
        Some(at(1_900_000_000))
    );
    assert_eq!(epoch_time(&json!("1900000000")), Some(at(1_900_000_000)));
    assert_eq!(epoch_time(&json!(true)), None);
}

#[test]
fn authorization_headers_are_parsed_strictly() {
    let headers = |values: &[&str]| {
        let mut map = http::HeaderMap::new();
        for v in values {
            map.append(
                http::header::AUTHORIZATION,
                http::HeaderValue::from_str(v).unwrap(),
            );
        }
        map
    };
    assert_eq!(
        bearer_token(&headers(&["Bearer abc.def"])).unwrap(),
        "abc.def"
    );
    assert_eq!(bearer_token(&headers(&["bearer abc"])).unwrap(), "abc");
    assert_eq!(
        bearer_token(&headers(&["abc"])).unwrap(),
        "abc",
        "a bare token, as Wix's SDK sends it"
    );
    let long = format!("Bearer {}", "a".repeat(MAX_TOKEN_BYTES + 1));
    for bad in [
        vec![],
        vec!["Bearer a", "Bearer b"],
        vec!["Basic dXNlcjpwYXNz"],
        vec!["Bearer "],
        vec!["Bearer a b"],
        vec![long.as_str()],
    ] {
        assert!(bearer_token(&headers(&bad)).is_err(), "{bad:?}");
    }
}

async fn sandbox_token(sandbox: &Sandbox, refresh_token: &str) -> String {
    let body = json!({ "clientId": seed::CLIENT_ID, "grantType": "refresh_token", "refreshToken": refresh_token });
    let client = wix_auth::wix_http_client().unwrap();
    let reply: serde_json::Value = client
        .post(sandbox.url("/oauth2/token"))
        .json(&body)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    reply["access_token"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_cached_caller_is_checked_again_once_its_entry_expires() {
    let sandbox = Sandbox::spawn(0).await.unwrap();
    let mut config = config(&sandbox.base_url);
    config.site_id = Some(seed::SITE_ID.into());
    let verifier = CallerVerifier::new(wix_auth::wix_http_client().unwrap(), &config);
    let token = sandbox_token(&sandbox, seed::MEMBER.refresh_token).await;
    verifier.verify_token(&token).await.unwrap();
    verifier.verify_token(&token).await.unwrap();
    assert_eq!(
        sandbox.state.stats().token_info_calls,
        1,
        "the second check is a cache hit"
    );

    // The member logs out, and the cache entry reaches its end.
    assert!(sandbox.state.deactivate_token(&token));
    let key: [u8; 32] = Sha256::digest(token.as_bytes()).into();
    let mut entry = verifier.verified.get(&key).unwrap();
    entry.valid_until = SystemTime::now() - Duration::from_secs(1);
    verifier.verified.insert(key, entry);
    assert!(matches!(
        verifier.verify_token(&token).await,
        Err(ApiError::Unauthenticated(_))
    ));
    assert_eq!(sandbox.state.stats().token_info_calls, 2);
}

#[tokio::test]
async fn an_admin_is_cached_for_a_shorter_time_than_a_member() {
    let sandbox = Sandbox::spawn(0).await.unwrap();
    let mut config = config(&sandbox.base_url);
    config.site_id = Some(seed::SITE_ID.into());
    let verifier = CallerVerifier::new(wix_auth::wix_http_client().unwrap(), &config);
    let cached_for = |token: &str| {
        let key: [u8; 32] = Sha256::digest(token.as_bytes()).into();
        verifier
            .verified
            .get(&key)
            .unwrap()
            .valid_until
            .duration_since(SystemTime::now())
            .unwrap()
    };
    let admin = sandbox_token(&sandbox, seed::ADMIN.refresh_token).await;
    let member = sandbox_token(&sandbox, seed::MEMBER.refresh_token).await;
    verifier.verify_token(&admin).await.unwrap();
    verifier.verify_token(&member).await.unwrap();
    let ages = config.caller_cache;
    assert!(cached_for(&admin) <= ages.admin);
    assert!(cached_for(&member) > ages.admin && cached_for(&member) <= ages.caller);
}

#[tokio::test]
async fn a_zero_cache_age_asks_wix_about_every_request() {
    // The revocation window shortened to nothing: a blocked member's next request fails.
    let sandbox = Sandbox::spawn(0).await.unwrap();
    let mut config = config(&sandbox.base_url);
    config.site_id = Some(seed::SITE_ID.into());
    config.caller_cache.caller = Duration::ZERO;
    let verifier = CallerVerifier::new(wix_auth::wix_http_client().unwrap(), &config);
    let member = sandbox_token(&sandbox, seed::MEMBER.refresh_token).await;
    verifier.verify_token(&member).await.unwrap();
    verifier.verify_token(&member).await.unwrap();
    assert_eq!(sandbox.state.stats().token_info_calls, 2);
    assert!(sandbox.state.deactivate_token(&member));
    assert!(matches!(
        verifier.verify_token(&member).await,
        Err(ApiError::Unauthenticated(_))
    ));
}

#[tokio::test]
async fn a_token_wix_does_not_know_is_refused_from_memory_but_a_passing_edge_error_is_not_remembered()
 {
    let sandbox = Sandbox::spawn(0).await.unwrap();
    let mut config = config(&sandbox.base_url);
    config.site_id = Some(seed::SITE_ID.into());
    let verifier = CallerVerifier::new(wix_auth::wix_http_client().unwrap(), &config);
    for _ in 0..3 {
        let refused = verifier.verify_token("junk-token").await;
        assert!(
            matches!(refused, Err(ApiError::Unauthenticated(NOT_VALID))),
            "{refused:?}"
        );
    }
    assert_eq!(
        sandbox.state.stats().token_info_calls,
        1,
        "one call for one junk token"
    );

    // An edge answers 403 once for a good token: refused this time, asked again the next.
    let token = sandbox_token(&sandbox, seed::MEMBER.refresh_token).await;
    sandbox
        .state
        .fail(1, http::StatusCode::FORBIDDEN, Some("/oauth2/token-info"));
    assert!(verifier.verify_token(&token).await.is_err());
    assert!(
        verifier.verify_token(&token).await.is_ok(),
        "not remembered as refused"
    );
    assert_eq!(sandbox.state.stats().token_info_calls, 3);
}
