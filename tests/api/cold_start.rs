//! Cold starts that go wrong: the function must keep answering (503 with a request id) and recover by
//! itself, never crash-loop.

use crate::harness::{Moto, Stack, StackOptions, free_port, sandbox_oauth_secret, seed};

const FUNCTION: &str = "get-site-properties";

#[tokio::test]
async fn secrets_manager_down_at_cold_start_is_503_then_success_once_it_is_back() {
    let port = free_port();
    let stack = Stack::start_with(StackOptions {
        secrets_endpoint: Some(format!("http://127.0.0.1:{port}")),
        store_secret: false,
        ..Default::default()
    })
    .await;
    let token = stack.visitor_token().await;

    let reply = stack.get(FUNCTION, Some(&token)).await;
    reply.problem(503);
    assert_eq!(stack.stats().mints, 0);

    let _moto = Moto::start_on(port);
    stack
        .store_secret(&sandbox_oauth_secret(seed::CLIENT_SECRET))
        .await;
    // A failure is shared for a 1 s cooldown (no retry storm), so recovery may take that long.
    let mut reply = stack.get(FUNCTION, Some(&token)).await;
    for _ in 0..10 {
        if reply.status == 200 {
            break;
        }
        reply.problem(503);
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        reply = stack.get(FUNCTION, Some(&token)).await;
    }
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(stack.stats().mints, 1);
    assert_eq!(
        stack.watch.output().matches("Running `").count(),
        1,
        "the same process recovered; no restart"
    );
}

#[tokio::test]
async fn a_function_missing_its_configuration_answers_503_and_keeps_answering() {
    let stack = Stack::start_with(StackOptions {
        extra_env: vec![("WIX_CLIENT_ID".into(), String::new())],
        ..Default::default()
    })
    .await;
    let token = stack.visitor_token().await;
    for _ in 0..3 {
        let problem = stack.get(FUNCTION, Some(&token)).await.problem(503);
        assert_eq!(problem["title"], "Service Unavailable");
    }
    assert!(stack.watch.output().contains("WIX_CLIENT_ID is required"));
    assert_eq!(stack.stats().elevated_calls, 0);
}
