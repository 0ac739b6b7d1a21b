//! get-site-properties, black-box: the real binary under `cargo lambda watch`, Secrets Manager from moto,
//! Wix from the sandbox.

use std::time::{Duration, Instant};

use crate::harness::{Stack, StackOptions, sandbox_oauth_secret, seed};

const FUNCTION: &str = "get-site-properties";
/// A Wix 401 re-mints only for an admin token at least this old (younger: a permission problem).
const MIN_TOKEN_AGE_FOR_REMINT: Duration = Duration::from_millis(2100);

#[tokio::test]
async fn a_visitor_gets_the_public_site_properties_and_nothing_private() {
    let stack = Stack::start().await;
    let token = stack.visitor_token().await;
    let reply = stack.get(FUNCTION, Some(&token)).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let body = reply.json();
    assert_eq!(body["siteDisplayName"], seed::SITE_DISPLAY_NAME);
    assert_eq!(body["businessName"], seed::BUSINESS_NAME);
    assert_eq!(body["paymentCurrency"], seed::PAYMENT_CURRENCY);
    assert_eq!(body["timeZone"], seed::TIME_ZONE);
    assert_eq!(body["logo"], seed::SITE_LOGO);
    assert_eq!(body["description"], seed::SITE_DESCRIPTION);
    assert!(
        body["address"]["city"].is_string() && body["locale"]["languageCode"].is_string(),
        "{body}"
    );
    for private in [seed::OWNER_EMAIL, seed::OWNER_PHONE, seed::OWNER_FAX] {
        assert!(
            !reply.body.contains(private),
            "private field in {}",
            reply.body
        );
    }
    let fields: Vec<&String> = body.as_object().unwrap().keys().collect();
    assert!(
        fields
            .iter()
            .all(|f| !["email", "phone", "fax"].contains(&f.as_str())),
        "{fields:?}"
    );

    let member = stack.member_token(&seed::MEMBER).await;
    assert_eq!(
        stack.get(FUNCTION, Some(&member)).await.status,
        200,
        "members are visitors too"
    );
}

#[tokio::test]
async fn a_caller_without_a_valid_token_gets_401_and_nothing_is_elevated() {
    let stack = Stack::start().await;
    let expired = stack.visitor_token().await;
    let inactive = stack.visitor_token().await;
    let other_client = stack.other_client_visitor_token().await;
    assert!(stack.sandbox.state.deactivate_token(&inactive));
    stack.sandbox.state.expire_tokens();

    let cases: [(&str, Option<&str>); 6] = [
        ("no token", None),
        ("malformed", Some("not a token")),
        ("unknown", Some("sbx.this-token-was-never-issued")),
        ("expired", Some(&expired)),
        ("inactive", Some(&inactive)),
        ("another client's", Some(&other_client)),
    ];
    for (case, token) in cases {
        let reply = stack.get(FUNCTION, token).await;
        reply.problem(401);
        assert!(
            !reply.body.contains("sbx."),
            "{case}: the token is not echoed: {}",
            reply.body
        );
    }
    assert_eq!(
        stack.stats().elevated_calls,
        0,
        "no elevated call for an unauthenticated caller"
    );
}

#[tokio::test]
async fn a_wrong_method_or_a_query_string_is_refused_before_any_wix_call() {
    let stack = Stack::start().await;
    let token = stack.visitor_token().await;
    let reply = stack
        .post(FUNCTION, Some(&token), &serde_json::json!({}))
        .await;
    reply.problem(405);
    assert_eq!(
        stack.stats().token_info_calls,
        0,
        "refused before the caller is even checked"
    );
    // Neither Wix's own field-mask forms nor any other query parameter pass through.
    for query in ["fields.paths=email", "fields=email,phone"] {
        let reply = stack
            .http
            .get(format!("{}?{query}", stack.url(FUNCTION)))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(reply.status(), 400, "{query}");
    }
    let stats = stack.stats();
    assert_eq!((stats.elevated_calls, stats.token_info_calls), (0, 0));
}

#[tokio::test]
async fn one_hundred_sequential_requests_to_a_warm_instance_mint_one_admin_token() {
    let stack = Stack::start().await;
    let token = stack.visitor_token().await;
    for _ in 0..100 {
        let reply = stack.get(FUNCTION, Some(&token)).await;
        assert_eq!(reply.status, 200, "{}", reply.body);
    }
    let stats = stack.stats();
    assert_eq!(stats.mints, 1);
    assert_eq!(stats.token_info_calls, 1, "the verified caller is cached");
    assert_eq!(stats.elevated_calls, 100);
}

#[tokio::test]
async fn expired_admin_tokens_are_reminted_once_and_the_request_succeeds() {
    let stack = Stack::start().await;
    let first = stack.visitor_token().await;
    assert_eq!(stack.get(FUNCTION, Some(&first)).await.status, 200);
    // A 401 on a token only just minted is taken for a permission problem, not expiry.
    tokio::time::sleep(MIN_TOKEN_AGE_FOR_REMINT).await;
    stack.sandbox.state.expire_tokens();
    let second = stack.visitor_token().await;
    let reply = stack.get(FUNCTION, Some(&second)).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let stats = stack.stats();
    assert_eq!(
        stats.mints, 2,
        "one mint at cold start, one after Wix answered 401"
    );
    let statuses: Vec<u16> = stats
        .calls
        .iter()
        .filter(|c| c.path.starts_with("/site-properties"))
        .map(|c| c.status)
        .collect();
    assert_eq!(statuses, [200, 401, 200]);
}

#[tokio::test]
async fn a_rotated_secret_is_reread_once_and_the_request_succeeds() {
    let stack = Stack::start().await;
    let token = stack.visitor_token().await;
    assert_eq!(stack.get(FUNCTION, Some(&token)).await.status, 200);

    tokio::time::sleep(MIN_TOKEN_AGE_FOR_REMINT).await;
    let rotated = "sbx-secret-rotated-0f1e2d3c4b5a69788796a5b4c3d2e1f0";
    stack.sandbox.state.rotate_secret(rotated);
    stack.store_secret(&sandbox_oauth_secret(rotated)).await;

    let reply = stack.get(FUNCTION, Some(&token)).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let stats = stack.stats();
    assert_eq!(
        (stats.mints, stats.mint_rejections),
        (2, 1),
        "old secret rejected once, new one minted"
    );
    let rereads = stack
        .watch
        .output()
        .matches("rereading the secret once")
        .count();
    assert_eq!(rereads, 1);
    stack.assert_no_secret_leaked(&[&reply.body]);
    assert!(!stack.watch.output().contains(rotated));
}

#[tokio::test]
async fn wix_503_twice_then_200_is_a_success() {
    let stack = Stack::start().await;
    let token = stack.visitor_token().await;
    stack
        .sandbox
        .state
        .fail(2, http_status(503), Some("/site-properties"));
    let reply = stack.get(FUNCTION, Some(&token)).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(
        stack.calls_to("/site-properties"),
        3,
        "two 503s retried, then the 200: {:?}",
        stack.stats().calls
    );
}

#[tokio::test]
async fn wix_failing_forever_is_a_502_problem_within_a_bounded_time() {
    let stack = Stack::start().await;
    let token = stack.visitor_token().await;
    // Warm the instance first so the timing below is the failing call alone.
    assert_eq!(stack.get(FUNCTION, Some(&token)).await.status, 200);
    stack
        .sandbox
        .state
        .fail(u64::MAX, http_status(500), Some("/site-properties"));
    let started = Instant::now();
    let reply = stack.get(FUNCTION, Some(&token)).await;
    let problem = reply.problem(502);
    assert!(
        started.elapsed() < Duration::from_secs(6),
        "took {:?}",
        started.elapsed()
    );
    assert_eq!(problem["detail"], "Wix could not complete the request");
}

#[tokio::test]
async fn an_api_key_secret_elevates_without_minting() {
    let stack = Stack::start_with(StackOptions {
        store_secret: false,
        ..Default::default()
    })
    .await;
    let secret =
        serde_json::json!({ "apiKey": seed::API_KEY, "siteId": seed::SITE_ID }).to_string();
    stack.store_secret(&secret).await;
    let token = stack.visitor_token().await;
    let reply = stack.get(FUNCTION, Some(&token)).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let stats = stack.stats();
    assert_eq!(stats.mints, 0);
    assert!(
        stats
            .calls
            .iter()
            .any(|c| c.path.starts_with("/site-properties") && c.auth == "apiKey")
    );
    assert!(
        !stack.watch.output().contains(seed::API_KEY),
        "the API key never reaches a log"
    );
}

#[tokio::test]
async fn no_log_line_or_response_body_contains_the_client_secret_or_any_token() {
    let stack = Stack::start().await;
    let visitor = stack.visitor_token().await;
    let member = stack.member_token(&seed::MEMBER).await;
    let mut bodies = Vec::new();
    bodies.push(stack.get(FUNCTION, Some(&visitor)).await.body);
    bodies.push(stack.get(FUNCTION, Some(&member)).await.body);
    bodies.push(stack.get(FUNCTION, Some(&format!("{visitor}x"))).await.body);
    stack.sandbox.state.expire_tokens();
    bodies.push(
        stack
            .get(FUNCTION, Some(&stack.visitor_token().await))
            .await
            .body,
    );
    stack
        .sandbox
        .state
        .fail(u64::MAX, http_status(400), Some("/site-properties"));
    bodies.push(stack.get(FUNCTION, Some(&visitor)).await.body);
    let bodies: Vec<&str> = bodies.iter().map(String::as_str).collect();
    assert!(
        stack.watch.output().contains("audit"),
        "the scan covers real function logs"
    );
    stack.assert_no_secret_leaked(&bodies);
}

fn http_status(code: u16) -> http::StatusCode {
    http::StatusCode::from_u16(code).unwrap()
}

#[tokio::test]
async fn no_token_or_secret_reaches_the_logs_even_at_trace_level() {
    let stack = Stack::start_with(StackOptions {
        extra_env: vec![("RUST_LOG".into(), "trace".into())],
        ..Default::default()
    })
    .await;
    let visitor = stack.visitor_token().await;
    let member = stack.member_token(&seed::MEMBER).await;
    let mut bodies = vec![
        stack.get(FUNCTION, Some(&visitor)).await.body,
        stack.get(FUNCTION, Some(&member)).await.body,
    ];
    stack
        .sandbox
        .state
        .fail(1, http_status(503), Some("/site-properties"));
    bodies.push(stack.get(FUNCTION, Some(&visitor)).await.body);
    assert!(
        stack.watch.output().contains("TRACE"),
        "the function really logs at trace"
    );
    let bodies: Vec<&str> = bodies.iter().map(String::as_str).collect();
    stack.assert_no_secret_leaked(&bodies);
}
