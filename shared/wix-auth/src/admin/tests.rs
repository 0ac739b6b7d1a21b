use std::sync::Arc;

use wix_sandbox::{Sandbox, seed};

use super::*;

async fn sandbox_and_auth(secret_json: &str) -> (Sandbox, Arc<AdminAuth>) {
    let sandbox = Sandbox::spawn(0).await.expect("sandbox starts");
    let http = crate::wix_http_client().unwrap();
    let source = SecretSource::DevInline(Secret::new(secret_json));
    let auth = Arc::new(
        AdminAuth::new(http, &sandbox.base_url, source)
            .expecting_site(Some(seed::SITE_ID.to_owned())),
    );
    (sandbox, auth)
}

fn oauth_secret() -> String {
    serde_json::json!({ "clientId": seed::CLIENT_ID, "clientSecret": seed::CLIENT_SECRET })
        .to_string()
}

async fn control(sandbox: &Sandbox, path: &str, body: serde_json::Value) {
    let response = crate::wix_http_client()
        .unwrap()
        .post(format!("{}/_sandbox/{path}", sandbox.base_url))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert!(
        response.status().is_success(),
        "control {path}: {}",
        response.status()
    );
}

async fn sandbox_mints(sandbox: &Sandbox) -> u64 {
    stats(sandbox).await["mints"]
        .as_u64()
        .expect("stats has mints")
}

async fn stats(sandbox: &Sandbox) -> serde_json::Value {
    let client = crate::wix_http_client().unwrap();
    let response = client
        .get(format!("{}/_sandbox/stats", sandbox.base_url))
        .send()
        .await
        .unwrap();
    response.json().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_concurrent_callers_finding_no_token_cause_exactly_one_mint() {
    let (sandbox, auth) = sandbox_and_auth(&oauth_secret()).await;
    // Slow Wix down so every caller arrives while the first mint is still in flight.
    control(&sandbox, "latency", serde_json::json!({ "ms": 200 })).await;
    let callers: Vec<_> = (0..50)
        .map(|_| {
            let auth = Arc::clone(&auth);
            tokio::spawn(async move { auth.credential().await.map(drop) })
        })
        .collect();
    for caller in callers {
        caller
            .await
            .unwrap()
            .expect("every caller gets a credential");
    }
    assert_eq!(
        auth.stats(),
        AdminStats {
            secret_fetches: 1,
            mints: 1,
            mint_failures: 0,
        }
    );
    assert_eq!(sandbox_mints(&sandbox).await, 1);
}

#[tokio::test]
async fn a_usable_token_is_reused_without_minting_again() {
    let (sandbox, auth) = sandbox_and_auth(&oauth_secret()).await;
    for _ in 0..100 {
        auth.credential().await.unwrap();
    }
    assert_eq!(sandbox_mints(&sandbox).await, 1);
}

#[tokio::test]
async fn a_token_is_refreshed_ahead_of_its_expiry() {
    let (sandbox, auth) = sandbox_and_auth(&oauth_secret()).await;
    // 2 s lifetime → usable for 1.6 s (a fifth is kept as margin).
    control(
        &sandbox,
        "admin-token-ttl",
        serde_json::json!({ "seconds": 2 }),
    )
    .await;
    auth.credential().await.unwrap();
    tokio::time::sleep(Duration::from_millis(1700)).await;
    auth.credential().await.unwrap();
    assert_eq!(
        sandbox_mints(&sandbox).await,
        2,
        "re-minted before Wix's expiry, not after"
    );
}

#[tokio::test]
async fn a_rejected_token_is_reminted_once_and_a_late_rejection_keeps_the_new_one() {
    let (sandbox, auth) = sandbox_and_auth(&oauth_secret()).await;
    let first = auth.credential().await.unwrap();
    tokio::time::sleep(MIN_AGE_BEFORE_REJECT).await;
    assert!(auth.reject(&first));
    let second = auth.credential().await.unwrap();
    // Another request that still held the first token reports it too: the new token must survive.
    assert!(auth.reject(&first));
    let third = auth.credential().await.unwrap();
    assert!(Arc::ptr_eq(&second.0, &third.0));
    assert_eq!(sandbox_mints(&sandbox).await, 2);
}

#[tokio::test]
async fn a_401_on_a_token_minted_moments_ago_does_not_cost_a_mint() {
    let (sandbox, auth) = sandbox_and_auth(&oauth_secret()).await;
    let fresh = auth.credential().await.unwrap();
    for _ in 0..10 {
        assert!(
            !auth.reject(&fresh),
            "too young to blame: a permission problem, not an expired token"
        );
        auth.credential().await.unwrap();
    }
    assert_eq!(sandbox_mints(&sandbox).await, 1);
}

#[tokio::test]
async fn a_wrong_client_secret_is_rejected_once_and_not_retried_by_every_request() {
    let wrong =
        serde_json::json!({ "clientId": seed::CLIENT_ID, "clientSecret": "not-the-secret" })
            .to_string();
    let (sandbox, auth) = sandbox_and_auth(&wrong).await;
    for _ in 0..20 {
        let err = auth.credential().await.unwrap_err();
        assert!(
            matches!(err, AuthError::ClientRejected { status: 401, .. }),
            "{err:?}"
        );
    }
    // Fetched just now, so it is not reread; the rejection is shared for a cooldown, not retried.
    assert_eq!(
        auth.stats(),
        AdminStats {
            secret_fetches: 1,
            mints: 0,
            // One refresh failed; the callers queued behind it shared its failure.
            mint_failures: 1,
        }
    );
    assert_eq!(stats(&sandbox).await["mintRejections"], 1);
}

#[tokio::test]
async fn a_secret_of_another_oauth_client_is_refused() {
    let other = serde_json::json!({ "clientId": seed::OTHER_CLIENT_ID, "clientSecret": seed::OTHER_CLIENT_SECRET })
        .to_string();
    let (sandbox, auth) = sandbox_and_auth(&other).await;
    let auth = Arc::into_inner(auth)
        .unwrap()
        .expecting_client(seed::CLIENT_ID);
    assert!(matches!(
        auth.credential().await,
        Err(AuthError::SecretMalformed(_))
    ));
    assert_eq!(
        sandbox_mints(&sandbox).await,
        0,
        "nothing minted with the wrong client's secret"
    );
}

#[tokio::test]
async fn a_failing_token_endpoint_is_retried_a_bounded_number_of_times_then_cooled_down() {
    let (sandbox, auth) = sandbox_and_auth(&oauth_secret()).await;
    let token_calls = |stats: &serde_json::Value| {
        stats["calls"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["path"] == "/oauth2/token")
            .count()
    };
    control(
        &sandbox,
        "fail",
        serde_json::json!({ "count": 2, "status": 503, "pathPrefix": "/oauth2/token" }),
    )
    .await;
    auth.credential().await.expect("third attempt succeeds");
    assert_eq!(token_calls(&stats(&sandbox).await), 3);

    // Wix now fails every mint: once the token is rejected, the next call must mint into that.
    tokio::time::sleep(MIN_AGE_BEFORE_REJECT).await;
    let expiring = auth.credential().await.unwrap();
    assert!(auth.reject(&expiring));
    control(
        &sandbox,
        "fail",
        serde_json::json!({ "count": 1000, "status": 500, "pathPrefix": "/oauth2/token" }),
    )
    .await;
    let before = token_calls(&stats(&sandbox).await);
    let err = auth.credential().await.unwrap_err();
    assert!(
        matches!(err, AuthError::MintFailed { status: 500, .. }),
        "{err:?}"
    );
    assert_eq!(
        token_calls(&stats(&sandbox).await) - before,
        3,
        "one try and two retries"
    );
    for _ in 0..10 {
        assert!(auth.credential().await.is_err());
    }
    assert_eq!(
        token_calls(&stats(&sandbox).await) - before,
        3,
        "the cooldown shares the failure"
    );
}

#[tokio::test]
async fn a_rejected_api_key_rereads_the_secret_at_most_every_30_seconds() {
    let secret =
        serde_json::json!({ "apiKey": seed::API_KEY, "siteId": seed::SITE_ID }).to_string();
    let (_sandbox, auth) = sandbox_and_auth(&secret).await;
    let first = auth.credential().await.unwrap();
    tokio::time::sleep(MIN_AGE_BEFORE_REJECT).await;
    assert!(auth.reject(&first));
    let second = auth.credential().await.unwrap();
    assert_eq!(
        auth.stats().secret_fetches,
        2,
        "the first rejection rereads the secret"
    );
    tokio::time::sleep(MIN_AGE_BEFORE_REJECT).await;
    assert!(auth.reject(&second));
    auth.credential().await.unwrap();
    assert_eq!(
        auth.stats().secret_fetches,
        2,
        "a second rejection within 30 s does not"
    );
}

#[tokio::test]
async fn an_api_key_credential_carries_the_key_and_its_site() {
    let secret =
        serde_json::json!({ "apiKey": seed::API_KEY, "siteId": seed::SITE_ID }).to_string();
    let (sandbox, auth) = sandbox_and_auth(&secret).await;
    let credential = auth.credential().await.unwrap();
    let request = credential
        .authorize(crate::wix_http_client().unwrap().get(format!(
            "{}/site-properties/v4/properties",
            sandbox.base_url
        )))
        .unwrap()
        .build()
        .unwrap();
    assert_eq!(request.headers()["authorization"], seed::API_KEY);
    assert_eq!(request.headers()["wix-site-id"], seed::SITE_ID);
    assert_eq!(
        sandbox_mints(&sandbox).await,
        0,
        "API keys are not exchanged for tokens"
    );
}

#[tokio::test]
async fn an_api_key_for_another_site_or_without_a_configured_site_is_refused() {
    let secret =
        serde_json::json!({ "apiKey": seed::API_KEY, "siteId": seed::OTHER_SITE_ID }).to_string();
    let (_sandbox, auth) = sandbox_and_auth(&secret).await;
    assert!(matches!(
        auth.credential().await,
        Err(AuthError::SecretMalformed(_))
    ));
    let http = crate::wix_http_client().unwrap();
    let secret =
        serde_json::json!({ "apiKey": seed::API_KEY, "siteId": seed::SITE_ID }).to_string();
    let unbound = AdminAuth::new(
        http,
        "http://127.0.0.1:9",
        SecretSource::DevInline(Secret::new(secret)),
    );
    assert!(matches!(
        unbound.credential().await,
        Err(AuthError::SecretMalformed(_))
    ));
}

#[test]
fn token_lifetime_is_read_leniently_and_defaults_short() {
    assert_eq!(
        parse_lifetime(Some(&serde_json::json!(14400))),
        Duration::from_secs(14400)
    );
    assert_eq!(
        parse_lifetime(Some(&serde_json::json!("300"))),
        Duration::from_secs(300)
    );
    assert_eq!(
        parse_lifetime(Some(&serde_json::json!(0))),
        FALLBACK_TOKEN_LIFETIME
    );
    assert_eq!(parse_lifetime(None), FALLBACK_TOKEN_LIFETIME);
    assert_eq!(expiry_margin(Duration::from_secs(14400)), MAX_EXPIRY_MARGIN);
    assert_eq!(
        expiry_margin(Duration::from_secs(10)),
        Duration::from_secs(2)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_concurrent_rejections_of_one_token_cause_one_new_mint() {
    let (sandbox, auth) = sandbox_and_auth(&oauth_secret()).await;
    let old = auth.credential().await.unwrap();
    tokio::time::sleep(MIN_AGE_BEFORE_REJECT).await;
    control(&sandbox, "latency", serde_json::json!({ "ms": 100 })).await;
    let callers: Vec<_> = (0..50)
        .map(|_| {
            let (auth, old) = (Arc::clone(&auth), old.clone());
            tokio::spawn(async move {
                auth.reject(&old);
                auth.credential().await.map(drop)
            })
        })
        .collect();
    for caller in callers {
        caller
            .await
            .unwrap()
            .expect("every caller gets a credential");
    }
    assert_eq!(sandbox_mints(&sandbox).await, 2);
}

#[tokio::test]
async fn a_request_cancelled_during_a_mint_leaves_the_provider_usable() {
    let (sandbox, auth) = sandbox_and_auth(&oauth_secret()).await;
    control(&sandbox, "latency", serde_json::json!({ "ms": 300 })).await;
    let cancelled = tokio::time::timeout(Duration::from_millis(50), auth.credential()).await;
    assert!(cancelled.is_err(), "the first caller gave up mid-mint");
    control(&sandbox, "latency", serde_json::json!({ "ms": 0 })).await;
    auth.credential().await.expect("the next caller mints");
    assert!(auth.credential().await.is_ok());
}

#[test]
fn a_credential_that_is_no_header_value_is_an_error_not_an_empty_header() {
    let http = crate::wix_http_client().unwrap();
    for bad in ["", "token\nx-injected: 1"] {
        let credential = AdminCredential(Arc::new(CredentialKind::Token {
            token: crate::Secret::new(bad.to_owned()),
            minted_at: Instant::now(),
            usable_until: Instant::now() + Duration::from_secs(60),
        }));
        let refused = credential.authorize(http.get("https://www.wixapis.com/x"));
        assert!(
            matches!(refused, Err(AuthError::CredentialUnusable(_))),
            "{bad:?}"
        );
    }
}
