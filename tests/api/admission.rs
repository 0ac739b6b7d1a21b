//! The cheap first lines, per instance, before any Wix call: the source limit before a body is parsed,
//! the memory of refused tokens, and the lower allowance of a source whose tokens keep failing.

use serde_json::json;

use crate::harness::{Stack, StackOptions};

fn with_env(vars: &[(&str, &str)]) -> StackOptions {
    StackOptions {
        extra_env: vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect(),
        ..StackOptions::default()
    }
}

#[tokio::test]
async fn an_unparsed_body_from_a_throttled_source_is_refused_before_parsing() {
    let stack = Stack::start_with(with_env(&[("SOURCE_REQUESTS_PER_MINUTE", "2")])).await;
    let malformed = json!({ "loginEmail": "lee@example.com", "zzUnknown": true });
    for _ in 0..2 {
        let parsed = stack.post("create-member", None, &malformed).await;
        let problem = parsed.problem(400);
        assert!(
            problem["detail"].as_str().unwrap().contains("zzUnknown"),
            "{problem}"
        );
    }
    let throttled = stack.post("create-member", None, &malformed).await;
    let problem = throttled.problem(429);
    assert!(
        !problem["detail"].as_str().unwrap().contains("zzUnknown"),
        "refused before the body was read: {problem}"
    );
    assert!(throttled.retry_after.is_some());
    assert_eq!(
        stack.stats().elevated_calls + stack.stats().token_info_calls,
        0
    );
}

#[tokio::test]
async fn a_junk_token_flood_costs_one_token_info_call_per_token_at_most() {
    let stack = Stack::start().await;
    let junk = ["junk-token-1", "junk-token-2", "junk-token-3"];
    for _ in 0..5 {
        for token in junk {
            let reply = stack.get("get-site-properties", Some(token)).await;
            reply.problem(401);
        }
    }
    let stats = stack.stats();
    assert!(
        stats.token_info_calls <= junk.len() as u64,
        "{} token-info calls for {} distinct tokens",
        stats.token_info_calls,
        junk.len()
    );
    assert!(stats.token_info_calls >= 1, "the tokens were checked once");
}

#[tokio::test]
async fn a_source_whose_tokens_keep_failing_is_throttled_before_token_info() {
    let stack = Stack::start_with(with_env(&[("FAILED_AUTH_PER_MINUTE", "3")])).await;
    // A caller verified before the flood keeps working: the penalty is for tokens not yet known.
    let known = stack.visitor_token().await;
    assert_eq!(
        stack.get("get-site-properties", Some(&known)).await.status,
        200
    );
    let before = stack.stats().token_info_calls;
    let mut statuses = Vec::new();
    for i in 0..6 {
        let reply = stack
            .get("get-site-properties", Some(&format!("junk-token-{i}")))
            .await;
        statuses.push(reply.status);
    }
    assert_eq!(statuses, [401, 401, 401, 401, 429, 429]);
    assert_eq!(
        stack.stats().token_info_calls - before,
        4,
        "the throttled tokens were never checked"
    );
    let still = stack.get("get-site-properties", Some(&known)).await;
    assert_eq!(still.status, 200, "{}", still.body);
    let fresh = stack.visitor_token().await;
    let new_token = stack.get("get-site-properties", Some(&fresh)).await;
    assert_eq!(
        new_token.status, 429,
        "a token not yet known from that source waits"
    );
    assert_eq!(stack.stats().token_info_calls - before, 4);
}
