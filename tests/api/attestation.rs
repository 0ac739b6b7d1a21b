//! Attestation on upload-image, black-box: the real binary under `cargo lambda watch`, the sandbox serving
//! both Wix and the providers' `siteverify`, DynamoDB (moto) holding spent tokens. Each refusal is checked
//! against the sandbox's counts: no token-info call, no media, no CMS item.

use std::time::Duration;

use serde_json::{Value, json};

use crate::harness::{PAGE_HOST, Reply, Stack, StackOptions, TINY_PNG, multipart_form, seed};

const FUNCTION: &str = "upload-image";
const HEADER: &str = "attestation-token";

/// upload-image's form with a small PNG.
fn form() -> (String, Vec<u8>) {
    multipart_form(&[
        ("file", Some(("photo.png", "image/png")), TINY_PNG),
        ("title", None, b"Blue vase"),
        ("uploaderName", None, b"Rui"),
    ])
}

async fn upload(stack: &Stack, visitor: &str, attestation: Option<&str>) -> Reply {
    let (content_type, body) = form();
    let headers: Vec<(&str, &str)> = attestation.map(|t| (HEADER, t)).into_iter().collect();
    stack
        .post_body_with_headers(FUNCTION, Some(visitor), &headers, &content_type, body)
        .await
}

/// Nothing of the request went past the attestation step: no token-info call, no Wix call, no file, no item.
fn assert_stopped_at_attestation(stack: &Stack) {
    let stats = stack.stats();
    assert_eq!(stats.token_info_calls, 0, "no token-info call");
    assert_eq!(stats.elevated_calls, 0, "no Wix call");
    assert!(stack.sandbox.state.media_files().is_empty(), "no file");
    assert_eq!(
        stack.sandbox.state.data_items(seed::UPLOAD_COLLECTION_ID),
        Some(Vec::new()),
        "no CMS item"
    );
}

/// A stack whose upload-image verifies with `provider` and the secret JSON's `attestationSecret` =
/// `secret`, plus `env`.
async fn stack_with(
    provider: &str,
    secret: &str,
    env: &[(&str, &str)],
    options: StackOptions,
) -> Stack {
    let mut extra_env: Vec<(String, String)> =
        vec![("ATTESTATION_PROVIDER".into(), provider.into())];
    extra_env.extend(env.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    extra_env.extend(options.extra_env);
    let stack = Stack::start_with(StackOptions {
        store_secret: false,
        extra_env,
        ..options
    })
    .await;
    stack
        .store_secret(
            &json!({
                "clientId": seed::CLIENT_ID,
                "clientSecret": seed::CLIENT_SECRET,
                "attestationSecret": secret,
            })
            .to_string(),
        )
        .await;
    stack
}

#[tokio::test]
async fn an_upload_without_an_attestation_token_is_refused_before_any_wix_call() {
    let stack = Stack::start().await;
    let visitor = stack.visitor_token().await;
    upload(&stack, &visitor, None)
        .await
        .forbidden("attestation-required");
    // A header that is not a token is refused without asking the provider.
    for malformed in ["", "two words", &"a".repeat(2049)] {
        upload(&stack, &visitor, Some(malformed))
            .await
            .forbidden("attestation-failed");
    }
    assert_eq!(
        stack.stats().attestation_calls,
        0,
        "the provider was not asked"
    );
    // A token the provider does not know, and one it already verified, are its refusals.
    upload(&stack, &visitor, Some("0.not-a-token-the-widget-issued"))
        .await
        .forbidden("attestation-failed");
    assert_eq!(stack.stats().attestation_calls, 1);
    assert_stopped_at_attestation(&stack);

    // The same request with a token goes through, and the function sent the caller's address.
    let token = stack.attestation_token().await;
    let reply = upload(&stack, &visitor, Some(&token)).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(stack.sandbox.state.media_files().len(), 1);
    let verifications = stack.sandbox.state.attestation_verifications();
    let last = verifications.last().expect("a verification");
    assert!(last.success);
    assert_eq!(last.remoteip.as_deref(), Some("127.0.0.1"));
    // Spent: a second use is the provider's `timeout-or-duplicate`, and nothing more is stored.
    upload(&stack, &visitor, Some(&token))
        .await
        .forbidden("attestation-failed");
    assert_eq!(stack.sandbox.state.media_files().len(), 1);
}

#[tokio::test]
async fn a_spent_attestation_token_is_refused_on_another_instance() {
    // hCaptcha's published test secret passes its test response every time: the provider never says
    // "spent", so only the record in the shared table can.
    const UPLOADS: usize = 6;
    let stack = stack_with(
        "hcaptcha",
        seed::HCAPTCHA_TEST_SECRET,
        &[("ATTESTATION_HOSTNAMES", "dummy-key-pass")],
        StackOptions::instances(3),
    )
    .await;
    let visitor = stack.visitor_token().await;
    let uploads =
        (0..UPLOADS).map(|_| upload(&stack, &visitor, Some(seed::HCAPTCHA_TEST_RESPONSE)));
    let replies = futures_util::future::join_all(uploads).await;
    let passed = replies.iter().filter(|r| r.status == 200).count();
    assert_eq!(passed, 1, "one use in the whole deployment");
    for refused in replies.iter().filter(|r| r.status != 200) {
        refused.forbidden("attestation-failed");
    }
    let verifications = stack.sandbox.state.attestation_verifications();
    assert!(
        verifications.iter().all(|v| v.success),
        "the provider accepted every use"
    );
    assert_eq!(stack.sandbox.state.media_files().len(), 1);
    assert_eq!(
        stack.stats().token_info_calls,
        1,
        "only the accepted use reached the caller check"
    );
    // Later, on whichever instance: still spent. Repeats go on, a burst at a time, until a second
    // process has answered one.
    let (stack_ref, visitor_ref) = (&stack, &visitor);
    stack
        .until_two_instances_served(FUNCTION, || async move {
            let repeats =
                (0..3).map(|_| upload(stack_ref, visitor_ref, Some(seed::HCAPTCHA_TEST_RESPONSE)));
            for refused in futures_util::future::join_all(repeats).await {
                refused.forbidden("attestation-failed");
            }
        })
        .await;
    assert_eq!(stack.sandbox.state.media_files().len(), 1);
}

#[tokio::test]
async fn a_token_for_another_hostname_or_action_is_refused() {
    let stack = Stack::start().await;
    let visitor = stack.visitor_token().await;
    let issued = [
        json!({ "provider": "turnstile", "hostname": "evil.example", "action": "upload_image" }),
        json!({ "provider": "turnstile", "hostname": PAGE_HOST, "action": "login" }),
        json!({ "provider": "turnstile", "hostname": PAGE_HOST }),
        // Turnstile honours a token for 300 s; the challenge must not be older either.
        json!({ "provider": "turnstile", "hostname": PAGE_HOST, "action": "upload_image", "issuedSecondsAgo": 301 }),
    ];
    for request in issued {
        let token = stack.attestation_token_for(request.clone()).await;
        let reply = upload(&stack, &visitor, Some(&token)).await;
        assert_eq!(reply.status, 403, "{request}: {}", reply.body);
        reply.forbidden("attestation-failed");
    }
    assert_eq!(stack.stats().attestation_calls, 4);
    assert_stopped_at_attestation(&stack);
}

#[tokio::test]
async fn a_low_recaptcha_score_is_refused() {
    let stack = stack_with(
        "recaptcha",
        seed::RECAPTCHA_SECRET,
        &[],
        StackOptions::default(),
    )
    .await;
    let visitor = stack.visitor_token().await;
    let token = |score: f64| {
        stack.attestation_token_for(json!({
            "provider": "recaptcha", "hostname": PAGE_HOST, "action": "upload_image", "score": score
        }))
    };
    let low = token(0.3).await;
    upload(&stack, &visitor, Some(&low))
        .await
        .forbidden("attestation-failed");
    assert_stopped_at_attestation(&stack);

    // Above the default minimum of 0.5 the upload goes through; a stricter deployment refuses it.
    let high = token(0.7).await;
    let reply = upload(&stack, &visitor, Some(&high)).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(stack.sandbox.state.media_files().len(), 1);

    let strict = stack_with(
        "recaptcha",
        seed::RECAPTCHA_SECRET,
        &[("ATTESTATION_MIN_SCORE", "0.8")],
        StackOptions::default(),
    )
    .await;
    let visitor = strict.visitor_token().await;
    let token = strict
        .attestation_token_for(json!({
            "provider": "recaptcha", "hostname": PAGE_HOST, "action": "upload_image", "score": 0.7
        }))
        .await;
    upload(&strict, &visitor, Some(&token))
        .await
        .forbidden("attestation-failed");
    assert_stopped_at_attestation(&strict);
    // reCAPTCHA's published test key answers like v2: no score, so no pass for a v3 deployment.
    let test_key = stack_with(
        "recaptcha",
        seed::RECAPTCHA_TEST_SECRET,
        &[],
        StackOptions::default(),
    )
    .await;
    let visitor = test_key.visitor_token().await;
    upload(&test_key, &visitor, Some("any-token"))
        .await
        .forbidden("attestation-failed");
    assert_stopped_at_attestation(&test_key);
}

#[tokio::test]
async fn with_the_provider_down_the_upload_is_503_and_nothing_is_written() {
    let stack = Stack::start().await;
    let visitor = stack.visitor_token().await;
    // Down: an error status.
    stack.sandbox.state.fail(
        1,
        http::StatusCode::SERVICE_UNAVAILABLE,
        Some("/turnstile/"),
    );
    let token = stack.attestation_token().await;
    upload(&stack, &visitor, Some(&token)).await.problem(503);
    // Slow: no answer within the function's bound (3 s), well inside its own deadline.
    stack
        .sandbox
        .state
        .lose_answers(1, "/turnstile/", Duration::from_secs(6));
    let token = stack.attestation_token().await;
    let started = std::time::Instant::now();
    upload(&stack, &visitor, Some(&token)).await.problem(503);
    assert!(
        started.elapsed() < Duration::from_secs(6),
        "bounded by the verify timeout"
    );
    // Our secret refused (a misconfigured deployment) is not the caller's fault: 503 as well.
    let misconfigured = stack_with(
        "turnstile",
        "0x4AAAAAAA-not-the-secret",
        &[],
        StackOptions::default(),
    )
    .await;
    let other_visitor = misconfigured.visitor_token().await;
    let token = misconfigured.attestation_token().await;
    upload(&misconfigured, &other_visitor, Some(&token))
        .await
        .problem(503);
    assert_stopped_at_attestation(&misconfigured);
    assert_stopped_at_attestation(&stack);
    assert_eq!(stack.stats().attestation_calls, 2);
}

#[tokio::test]
async fn the_attestation_secret_and_token_never_reach_a_log_or_response() {
    let stack = Stack::start_with(StackOptions {
        extra_env: vec![("RUST_LOG".into(), "debug".into())],
        ..StackOptions::default()
    })
    .await;
    let visitor = stack.visitor_token().await;
    let mut tokens = Vec::new();
    let mut bodies = Vec::new();
    // Accepted, spent, for another action, and with the provider down: every path a token takes.
    let token = stack.attestation_token().await;
    bodies.push(upload(&stack, &visitor, Some(&token)).await.body);
    bodies.push(upload(&stack, &visitor, Some(&token)).await.body);
    tokens.push(token);
    let other = stack
        .attestation_token_for(
            json!({ "provider": "turnstile", "hostname": PAGE_HOST, "action": "other" }),
        )
        .await;
    bodies.push(upload(&stack, &visitor, Some(&other)).await.body);
    tokens.push(other);
    stack.sandbox.state.fail(
        1,
        http::StatusCode::INTERNAL_SERVER_ERROR,
        Some("/turnstile/"),
    );
    let down = stack.attestation_token().await;
    bodies.push(upload(&stack, &visitor, Some(&down)).await.body);
    tokens.push(down);

    // Only the first use went further than the attestation step.
    assert_eq!(stack.sandbox.state.media_files().len(), 1);
    assert_eq!(stack.stats().token_info_calls, 1);
    let statuses: Vec<Value> = bodies
        .iter()
        .map(|b| serde_json::from_str(b).unwrap_or(Value::Null))
        .collect();
    assert!(
        statuses.len() == 4 && statuses.iter().all(|s| s.is_object()),
        "{statuses:?}"
    );
    let logs = stack.watch.output();
    assert!(
        logs.contains("attestation refused"),
        "the refusals were logged"
    );
    for secret in tokens
        .iter()
        .map(String::as_str)
        .chain([seed::TURNSTILE_SECRET])
    {
        assert!(
            !logs.contains(secret),
            "a secret or token in the function logs"
        );
        for body in &bodies {
            assert!(!body.contains(secret), "a secret or token in a response");
        }
    }
    stack.assert_no_secret_leaked(&bodies.iter().map(String::as_str).collect::<Vec<_>>());
}

#[tokio::test]
async fn refused_attestation_tokens_throttle_a_source_whose_wix_token_is_cached() {
    // Per instance, like every failed-authentication allowance: one process here.
    let stack = Stack::start_with(StackOptions {
        extra_env: vec![("FAILED_AUTH_PER_MINUTE".into(), "2".into())],
        ..StackOptions::default()
    })
    .await;
    let visitor = stack.visitor_token().await;
    // One good upload: the visitor's Wix token is now verified and cached by the instance.
    let token = stack.attestation_token().await;
    let reply = upload(&stack, &visitor, Some(&token)).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let statuses: Vec<u16> = {
        let mut statuses = Vec::new();
        for i in 0..5 {
            let junk = format!("0.junk-token-{i}");
            statuses.push(upload(&stack, &visitor, Some(&junk)).await.status);
        }
        statuses
    };
    // Two refusals within the allowance, the third passes it; then the source waits without a
    // provider call, its cached Wix token notwithstanding.
    assert_eq!(statuses, [403, 403, 403, 429, 429]);
    assert_eq!(
        stack.stats().attestation_calls,
        1 + 3,
        "no siteverify once throttled"
    );
    assert_eq!(stack.stats().token_info_calls, 1);
    assert_eq!(stack.sandbox.state.media_files().len(), 1);
}
