//! The CAPTCHA providers' siteverify over real HTTP: issued tokens, test secrets, refusals, and how the
//! observe layer treats these non-Wix calls.

use std::time::{Duration, Instant};

use axum::http::StatusCode;
use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::{Reply, get, post_json, send, spawn};
use crate::attestation::{
    ATTESTATION_TOKEN_PATH, HCAPTCHA_SITEVERIFY_PATH, RECAPTCHA_SITEVERIFY_PATH,
    TURNSTILE_SITEVERIFY_PATH,
};
use crate::seed;
use crate::{AttestationProvider, AttestationRequest, AttestationVerification, Sandbox};

/// `application/x-www-form-urlencoded`, every byte but the unreserved ones escaped.
fn form(fields: &[(&str, &str)]) -> Vec<u8> {
    let escape = |text: &str| {
        text.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                    char::from(b).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect::<String>()
    };
    fields
        .iter()
        .map(|(k, v)| format!("{}={}", escape(k), escape(v)))
        .collect::<Vec<_>>()
        .join("&")
        .into_bytes()
}

async fn post_form(sb: &Sandbox, path: &str, fields: &[(&str, &str)]) -> Reply {
    send(
        sb.addr,
        "POST",
        path,
        &[],
        Some(("application/x-www-form-urlencoded", form(fields))),
    )
    .await
}

/// A siteverify answer: always 200 with JSON.
async fn verify(sb: &Sandbox, path: &str, fields: &[(&str, &str)]) -> Value {
    let reply = post_form(sb, path, fields).await;
    assert_eq!(
        reply.status,
        200,
        "{}",
        String::from_utf8_lossy(&reply.body)
    );
    reply.json()
}

/// Request fields and the error codes they must get.
type Case<'a> = (&'a [(&'a str, &'a str)], &'a [&'a str]);

fn refused(codes: &[&str]) -> Value {
    json!({ "success": false, "error-codes": codes })
}

/// Issues a token through the control endpoint, as the example page does.
async fn issue(sb: &Sandbox, request: Value) -> String {
    let reply = post_json(sb, ATTESTATION_TOKEN_PATH, &[], request).await;
    assert_eq!(
        reply.status,
        200,
        "{}",
        String::from_utf8_lossy(&reply.body)
    );
    reply.json()["token"].as_str().unwrap().to_owned()
}

fn token_for(sb: &Sandbox, provider: AttestationProvider, seconds_ago: u64) -> String {
    sb.state.issue_attestation_token(AttestationRequest {
        issued_seconds_ago: seconds_ago,
        ..AttestationRequest::new(provider, "pottery.example.com")
    })
}

/// `challenge_ts` lies within a few seconds of `seconds_ago` before now.
fn assert_challenge_age(answer: &Value, seconds_ago: i64) {
    let text = answer["challenge_ts"].as_str().unwrap();
    let ts = OffsetDateTime::parse(text, &Rfc3339).unwrap_or_else(|e| panic!("{text}: {e}"));
    let age = (OffsetDateTime::now_utc() - ts).whole_seconds();
    assert!(
        (seconds_ago - 1..=seconds_ago + 5).contains(&age),
        "{text}: {age} s old"
    );
}

fn keys(answer: &Value) -> Vec<&str> {
    let mut keys: Vec<&str> = answer
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    keys
}

#[tokio::test(flavor = "multi_thread")]
async fn a_turnstile_token_verifies_once_then_is_timeout_or_duplicate() {
    let sb = spawn().await;
    let token = issue(
        &sb,
        json!({"provider": "turnstile", "hostname": "pottery.example.com", "action": "upload", "cdata": "order-7"}),
    )
    .await;
    let fields = [
        ("secret", seed::TURNSTILE_SECRET),
        ("response", token.as_str()),
        ("remoteip", "203.0.113.9"),
    ];
    let answer = verify(&sb, TURNSTILE_SITEVERIFY_PATH, &fields).await;
    assert_eq!(
        keys(&answer),
        [
            "action",
            "cdata",
            "challenge_ts",
            "error-codes",
            "hostname",
            "metadata",
            "success"
        ]
    );
    assert_eq!(answer["success"], true);
    assert_eq!(answer["hostname"], "pottery.example.com");
    assert_eq!(answer["action"], "upload");
    assert_eq!(answer["cdata"], "order-7");
    assert_eq!(answer["error-codes"], json!([]));
    assert_eq!(answer["metadata"], json!({}));
    // RFC 3339 in UTC with milliseconds, as Cloudflare writes it.
    let ts = answer["challenge_ts"].as_str().unwrap();
    assert!(
        ts.ends_with('Z') && ts.len() == "2026-12-03T11:00:00.000Z".len(),
        "{ts}"
    );
    assert_challenge_age(&answer, 0);

    let again = verify(&sb, TURNSTILE_SITEVERIFY_PATH, &fields).await;
    assert_eq!(again, refused(&["timeout-or-duplicate"]));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_turnstile_token_older_than_300_seconds_is_timeout_or_duplicate() {
    let sb = spawn().await;
    let old = token_for(&sb, AttestationProvider::Turnstile, 301);
    let answer = verify(
        &sb,
        TURNSTILE_SITEVERIFY_PATH,
        &[("secret", seed::TURNSTILE_SECRET), ("response", &old)],
    )
    .await;
    assert_eq!(answer, refused(&["timeout-or-duplicate"]));

    // Within its lifetime the challenge keeps its age.
    let recent = issue(
        &sb,
        json!({"provider": "turnstile", "hostname": "h", "issuedSecondsAgo": 240}),
    )
    .await;
    let answer = verify(
        &sb,
        TURNSTILE_SITEVERIFY_PATH,
        &[("secret", seed::TURNSTILE_SECRET), ("response", &recent)],
    )
    .await;
    assert_eq!(answer["success"], true, "{answer}");
    assert_eq!(
        (&answer["action"], &answer["cdata"]),
        (&json!(""), &json!(""))
    );
    assert_challenge_age(&answer, 240);
}

#[tokio::test(flavor = "multi_thread")]
async fn turnstile_takes_a_json_body_and_the_call_log_keeps_no_secret() {
    let sb = spawn().await;
    let token = token_for(&sb, AttestationProvider::Turnstile, 0);
    let reply = post_json(
        &sb,
        TURNSTILE_SITEVERIFY_PATH,
        &[],
        json!({"secret": seed::TURNSTILE_SECRET, "response": token, "remoteip": "2001:db8::1"}),
    )
    .await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.json()["success"], true);

    let stats = sb.state.stats();
    let call = stats.calls.last().unwrap();
    assert_eq!(
        (call.path.as_str(), call.status),
        (TURNSTILE_SITEVERIFY_PATH, 200)
    );
    assert_eq!(call.body, None);
    assert_eq!(call.answer.as_ref().unwrap()["success"], true);
    let logged = serde_json::to_string(&stats).unwrap();
    assert!(!logged.contains(seed::TURNSTILE_SECRET), "{logged}");
    assert_eq!(
        sb.state.attestation_verifications(),
        [AttestationVerification {
            provider: "turnstile".into(),
            remoteip: Some("2001:db8::1".into()),
            success: true,
            error_codes: vec![],
            response_chars: token.len(),
        }]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_turnstile_retry_with_the_same_idempotency_key_gets_the_same_success() {
    let sb = spawn().await;
    let token = token_for(&sb, AttestationProvider::Turnstile, 0);
    let key = "3f1b6a55-6c4e-4b8e-9d61-0a7e5f2c9b10";
    let with_key = |key: &'static str| {
        [
            ("secret", seed::TURNSTILE_SECRET),
            ("response", token.as_str()),
            ("idempotency_key", key),
        ]
    };
    let first = verify(&sb, TURNSTILE_SITEVERIFY_PATH, &with_key(key)).await;
    assert_eq!(first["success"], true);
    let retry = verify(&sb, TURNSTILE_SITEVERIFY_PATH, &with_key(key)).await;
    assert_eq!(retry, first);
    let other = verify(
        &sb,
        TURNSTILE_SITEVERIFY_PATH,
        &with_key("0b4c7d0e-8f43-4a55-a1b8-7f0f9e6c2d31"),
    )
    .await;
    assert_eq!(other, refused(&["timeout-or-duplicate"]));
}

#[tokio::test(flavor = "multi_thread")]
async fn turnstile_refuses_bad_secrets_responses_and_bodies_with_its_codes() {
    let sb = spawn().await;
    let token = token_for(&sb, AttestationProvider::Turnstile, 0);
    let recaptcha_token = token_for(&sb, AttestationProvider::Recaptcha, 0);
    let long = "x".repeat(2049);
    let secret = seed::TURNSTILE_SECRET;
    let cases: &[Case] = &[
        (
            &[("secret", "0x4AAAAAAAwrong"), ("response", &token)],
            &["invalid-input-secret"],
        ),
        (&[("secret", secret)], &["missing-input-response"]),
        (
            &[("secret", secret), ("response", "")],
            &["missing-input-response"],
        ),
        (&[("response", &token)], &["missing-input-secret"]),
        (
            &[("secret", secret), ("response", &long)],
            &["invalid-input-response"],
        ),
        (
            &[("secret", secret), ("response", "never-issued")],
            &["invalid-input-response"],
        ),
        (
            &[("secret", secret), ("response", &recaptcha_token)],
            &["invalid-input-response"],
        ),
        (
            &[
                ("secret", secret),
                ("response", &token),
                ("remoteip", "not-an-ip"),
            ],
            &["bad-request"],
        ),
    ];
    for &(fields, codes) in cases {
        let answer = verify(&sb, TURNSTILE_SITEVERIFY_PATH, fields).await;
        assert_eq!(answer, refused(codes), "{fields:?}");
    }
    // None of that used the token up.
    let answer = verify(
        &sb,
        TURNSTILE_SITEVERIFY_PATH,
        &[("secret", secret), ("response", &token)],
    )
    .await;
    assert_eq!(answer["success"], true);

    for body in [b"{not json".to_vec(), b"{\"secret\": 7}".to_vec()] {
        let reply = send(
            sb.addr,
            "POST",
            TURNSTILE_SITEVERIFY_PATH,
            &[],
            Some(("application/json", body)),
        )
        .await;
        assert_eq!(
            (reply.status, reply.json()),
            (200, refused(&["bad-request"]))
        );
    }
    let plain = send(
        sb.addr,
        "POST",
        TURNSTILE_SITEVERIFY_PATH,
        &[],
        Some(("text/plain", b"secret=x".to_vec())),
    )
    .await;
    assert_eq!(
        (plain.status, plain.json()),
        (200, refused(&["bad-request"]))
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn turnstiles_test_secrets_always_pass_fail_or_are_spent_for_any_token() {
    let sb = spawn().await;
    for _ in 0..2 {
        let pass = verify(
            &sb,
            TURNSTILE_SITEVERIFY_PATH,
            &[
                ("secret", seed::TURNSTILE_TEST_SECRET_PASS),
                ("response", "XXXX.DUMMY.TOKEN.XXXX"),
            ],
        )
        .await;
        assert_eq!(pass["success"], true);
        assert_eq!(
            (&pass["hostname"], &pass["action"], &pass["cdata"]),
            (&json!("example.com"), &json!(""), &json!(""))
        );
        assert_challenge_age(&pass, 0);
        let fail = verify(
            &sb,
            TURNSTILE_SITEVERIFY_PATH,
            &[
                ("secret", seed::TURNSTILE_TEST_SECRET_FAIL),
                ("response", "XXXX.DUMMY.TOKEN.XXXX"),
            ],
        )
        .await;
        assert_eq!(fail, refused(&["invalid-input-response"]));
        let spent = verify(
            &sb,
            TURNSTILE_SITEVERIFY_PATH,
            &[
                ("secret", seed::TURNSTILE_TEST_SECRET_SPENT),
                ("response", "XXXX.DUMMY.TOKEN.XXXX"),
            ],
        )
        .await;
        assert_eq!(spent, refused(&["timeout-or-duplicate"]));
    }
    let empty = verify(
        &sb,
        TURNSTILE_SITEVERIFY_PATH,
        &[("secret", seed::TURNSTILE_TEST_SECRET_PASS)],
    )
    .await;
    assert_eq!(empty, refused(&["missing-input-response"]));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_recaptcha_token_verifies_once_with_its_score_then_is_timeout_or_duplicate() {
    let sb = spawn().await;
    let token = issue(
        &sb,
        json!({"provider": "recaptcha", "hostname": "pottery.example.com", "action": "signup", "issuedSecondsAgo": 30}),
    )
    .await;
    let fields = [
        ("secret", seed::RECAPTCHA_SECRET),
        ("response", token.as_str()),
    ];
    let answer = verify(&sb, RECAPTCHA_SITEVERIFY_PATH, &fields).await;
    assert_eq!(
        keys(&answer),
        ["action", "challenge_ts", "hostname", "score", "success"]
    );
    assert_eq!(answer["success"], true);
    assert_eq!(answer["score"], 0.9);
    assert_eq!(answer["action"], "signup");
    assert_eq!(answer["hostname"], "pottery.example.com");
    // `yyyy-MM-dd'T'HH:mm:ssZZ`, as Google documents it.
    let ts = answer["challenge_ts"].as_str().unwrap();
    assert!(
        ts.ends_with("+00:00") && ts.len() == "2026-12-03T11:00:00+00:00".len(),
        "{ts}"
    );
    assert_challenge_age(&answer, 30);

    let again = verify(&sb, RECAPTCHA_SITEVERIFY_PATH, &fields).await;
    assert_eq!(again, refused(&["timeout-or-duplicate"]));

    let bot = issue(
        &sb,
        json!({"provider": "recaptcha", "hostname": "h", "score": 0.1}),
    )
    .await;
    let answer = verify(
        &sb,
        RECAPTCHA_SITEVERIFY_PATH,
        &[("secret", seed::RECAPTCHA_SECRET), ("response", &bot)],
    )
    .await;
    assert_eq!(
        (&answer["score"], &answer["action"]),
        (&json!(0.1), &json!(""))
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_recaptcha_token_older_than_two_minutes_is_timeout_or_duplicate() {
    let sb = spawn().await;
    let old = token_for(&sb, AttestationProvider::Recaptcha, 121);
    let answer = verify(
        &sb,
        RECAPTCHA_SITEVERIFY_PATH,
        &[("secret", seed::RECAPTCHA_SECRET), ("response", &old)],
    )
    .await;
    assert_eq!(answer, refused(&["timeout-or-duplicate"]));
}

#[tokio::test(flavor = "multi_thread")]
async fn recaptcha_refuses_a_json_body_and_bad_fields_with_its_codes() {
    let sb = spawn().await;
    let token = token_for(&sb, AttestationProvider::Recaptcha, 0);
    let json_body = post_json(
        &sb,
        RECAPTCHA_SITEVERIFY_PATH,
        &[],
        json!({"secret": seed::RECAPTCHA_SECRET, "response": token}),
    )
    .await;
    assert_eq!(
        (json_body.status, json_body.json()),
        (200, refused(&["bad-request"]))
    );

    let secret = seed::RECAPTCHA_SECRET;
    let turnstile_token = token_for(&sb, AttestationProvider::Turnstile, 0);
    let cases: &[Case] = &[
        (
            &[("secret", "6Lwrong"), ("response", &token)],
            &["invalid-input-secret"],
        ),
        (&[("secret", secret)], &["missing-input-response"]),
        (&[], &["missing-input-secret", "missing-input-response"]),
        (
            &[("secret", secret), ("response", "nope")],
            &["invalid-input-response"],
        ),
        (
            &[("secret", secret), ("response", &turnstile_token)],
            &["invalid-input-response"],
        ),
        (
            &[
                ("secret", secret),
                ("response", &token),
                ("remoteip", "999.1.1.1"),
            ],
            &["bad-request"],
        ),
    ];
    for &(fields, codes) in cases {
        let answer = verify(&sb, RECAPTCHA_SITEVERIFY_PATH, fields).await;
        assert_eq!(answer, refused(codes), "{fields:?}");
    }
    // The JSON attempt did not spend the token.
    let answer = verify(
        &sb,
        RECAPTCHA_SITEVERIFY_PATH,
        &[("secret", secret), ("response", &token)],
    )
    .await;
    assert_eq!(answer["success"], true);
}

#[tokio::test(flavor = "multi_thread")]
async fn recaptchas_test_secret_passes_any_token_with_a_v2_answer() {
    let sb = spawn().await;
    for _ in 0..2 {
        let answer = verify(
            &sb,
            RECAPTCHA_SITEVERIFY_PATH,
            &[
                ("secret", seed::RECAPTCHA_TEST_SECRET),
                ("response", "anything"),
            ],
        )
        .await;
        assert_eq!(keys(&answer), ["challenge_ts", "hostname", "success"]);
        assert_eq!(answer["hostname"], "testkey.google.com");
        assert_challenge_age(&answer, 0);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn an_hcaptcha_token_verifies_once_then_is_already_seen_response() {
    let sb = spawn().await;
    let token = issue(
        &sb,
        json!({"provider": "hcaptcha", "hostname": "pottery.example.com"}),
    )
    .await;
    let fields = [
        ("secret", seed::HCAPTCHA_SECRET),
        ("response", token.as_str()),
        ("remoteip", "198.51.100.4"),
        ("sitekey", "anything"),
    ];
    let answer = verify(&sb, HCAPTCHA_SITEVERIFY_PATH, &fields).await;
    // No score unless the token carries one.
    assert_eq!(
        keys(&answer),
        ["challenge_ts", "credit", "hostname", "success"]
    );
    assert_eq!(
        (&answer["success"], &answer["hostname"], &answer["credit"]),
        (&json!(true), &json!("pottery.example.com"), &json!(false))
    );
    assert_challenge_age(&answer, 0);
    let again = verify(&sb, HCAPTCHA_SITEVERIFY_PATH, &fields).await;
    assert_eq!(again, refused(&["already-seen-response"]));

    let scored = issue(
        &sb,
        json!({"provider": "hcaptcha", "hostname": "h", "score": 0.7, "issuedSecondsAgo": 90}),
    )
    .await;
    let answer = verify(
        &sb,
        HCAPTCHA_SITEVERIFY_PATH,
        &[("secret", seed::HCAPTCHA_SECRET), ("response", &scored)],
    )
    .await;
    assert_eq!(answer["score"], 0.7);
    assert_challenge_age(&answer, 90);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_hcaptcha_token_older_than_two_minutes_is_expired_input_response() {
    let sb = spawn().await;
    let old = token_for(&sb, AttestationProvider::Hcaptcha, 121);
    let answer = verify(
        &sb,
        HCAPTCHA_SITEVERIFY_PATH,
        &[("secret", seed::HCAPTCHA_SECRET), ("response", &old)],
    )
    .await;
    assert_eq!(answer, refused(&["expired-input-response"]));
}

#[tokio::test(flavor = "multi_thread")]
async fn hcaptcha_refuses_a_json_body_and_bad_fields_with_its_codes() {
    let sb = spawn().await;
    let token = token_for(&sb, AttestationProvider::Hcaptcha, 0);
    let json_body = post_json(
        &sb,
        HCAPTCHA_SITEVERIFY_PATH,
        &[],
        json!({"secret": seed::HCAPTCHA_SECRET, "response": token}),
    )
    .await;
    assert_eq!(
        (json_body.status, json_body.json()),
        (200, refused(&["bad-request"]))
    );
    let secret = seed::HCAPTCHA_SECRET;
    let cases: &[Case] = &[
        (
            &[("secret", "0xwrong"), ("response", &token)],
            &["invalid-input-secret"],
        ),
        (&[("secret", secret)], &["missing-input-response"]),
        (&[("response", &token)], &["missing-input-secret"]),
        (
            &[("secret", secret), ("response", "nope")],
            &["invalid-input-response"],
        ),
        (
            &[
                ("secret", secret),
                ("response", &token),
                ("remoteip", "localhost"),
            ],
            &["bad-request"],
        ),
    ];
    for &(fields, codes) in cases {
        let answer = verify(&sb, HCAPTCHA_SITEVERIFY_PATH, fields).await;
        assert_eq!(answer, refused(codes), "{fields:?}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn hcaptchas_test_secret_passes_only_the_test_response() {
    let sb = spawn().await;
    for _ in 0..2 {
        let answer = verify(
            &sb,
            HCAPTCHA_SITEVERIFY_PATH,
            &[
                ("secret", seed::HCAPTCHA_TEST_SECRET),
                ("response", seed::HCAPTCHA_TEST_RESPONSE),
            ],
        )
        .await;
        assert_eq!(
            keys(&answer),
            ["challenge_ts", "credit", "hostname", "success"]
        );
        assert_eq!(
            (&answer["hostname"], &answer["credit"]),
            (&json!("dummy-key-pass"), &json!(false))
        );
    }
    let other = verify(
        &sb,
        HCAPTCHA_SITEVERIFY_PATH,
        &[
            ("secret", seed::HCAPTCHA_TEST_SECRET),
            ("response", "20000000-aaaa-bbbb-cccc-000000000002"),
        ],
    )
    .await;
    assert_eq!(other, refused(&["invalid-input-response"]));
}

#[tokio::test(flavor = "multi_thread")]
async fn siteverify_calls_count_as_attestation_calls_not_elevated_or_token_info_calls() {
    let sb = spawn().await;
    let token = token_for(&sb, AttestationProvider::Hcaptcha, 0);
    verify(
        &sb,
        HCAPTCHA_SITEVERIFY_PATH,
        &[
            ("secret", seed::HCAPTCHA_SECRET),
            ("response", &token),
            ("remoteip", "198.51.100.4"),
        ],
    )
    .await;
    verify(
        &sb,
        RECAPTCHA_SITEVERIFY_PATH,
        &[("secret", "wrong"), ("response", "x")],
    )
    .await;
    verify(&sb, TURNSTILE_SITEVERIFY_PATH, &[]).await;

    let stats = sb.state.stats();
    assert_eq!(
        (
            stats.attestation_calls,
            stats.elevated_calls,
            stats.token_info_calls
        ),
        (3, 0, 0)
    );
    let paths: Vec<&str> = stats.calls.iter().map(|c| c.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            HCAPTCHA_SITEVERIFY_PATH,
            RECAPTCHA_SITEVERIFY_PATH,
            TURNSTILE_SITEVERIFY_PATH
        ]
    );
    assert!(
        stats
            .calls
            .iter()
            .all(|c| c.body.is_none() && c.auth == "none")
    );
    let over_http = get(&sb, "/_sandbox/stats", &[]).await.json();
    assert_eq!(over_http["attestationCalls"], 3);

    let seen: Vec<(String, Option<String>, bool, Vec<String>)> = sb
        .state
        .attestation_verifications()
        .into_iter()
        .map(|v| (v.provider, v.remoteip, v.success, v.error_codes))
        .collect();
    assert_eq!(
        seen,
        [
            ("hcaptcha".into(), Some("198.51.100.4".into()), true, vec![]),
            (
                "recaptcha".into(),
                None,
                false,
                vec!["invalid-input-secret".into()]
            ),
            (
                "turnstile".into(),
                None,
                false,
                vec![
                    "missing-input-secret".into(),
                    "missing-input-response".into()
                ]
            ),
        ]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn fail_loss_and_latency_rules_apply_to_siteverify() {
    let sb = spawn().await;
    let token = token_for(&sb, AttestationProvider::Turnstile, 0);
    let fields = [
        ("secret", seed::TURNSTILE_SECRET),
        ("response", token.as_str()),
    ];
    sb.state
        .fail(1, StatusCode::SERVICE_UNAVAILABLE, Some("/turnstile/"));
    let failed = post_form(&sb, TURNSTILE_SITEVERIFY_PATH, &fields).await;
    assert_eq!(failed.status, 503);
    // The handler never ran: no verification, and the token is still good.
    assert!(sb.state.attestation_verifications().is_empty());
    assert_eq!(sb.state.stats().attestation_calls, 1);

    sb.state.set_latency(Duration::from_millis(200));
    let started = Instant::now();
    let answer = verify(&sb, TURNSTILE_SITEVERIFY_PATH, &fields).await;
    assert!(started.elapsed() >= Duration::from_millis(200));
    assert_eq!(answer["success"], true);
    sb.state.set_latency(Duration::ZERO);

    // A lost answer: the verification happened, so the token is spent.
    let hcaptcha = token_for(&sb, AttestationProvider::Hcaptcha, 0);
    let fields = [
        ("secret", seed::HCAPTCHA_SECRET),
        ("response", hcaptcha.as_str()),
    ];
    sb.state
        .lose_answers(1, HCAPTCHA_SITEVERIFY_PATH, Duration::from_millis(200));
    let started = Instant::now();
    assert_eq!(
        verify(&sb, HCAPTCHA_SITEVERIFY_PATH, &fields).await["success"],
        true
    );
    assert!(started.elapsed() >= Duration::from_millis(200));
    let again = verify(&sb, HCAPTCHA_SITEVERIFY_PATH, &fields).await;
    assert_eq!(again, refused(&["already-seen-response"]));
    let statuses: Vec<u16> = sb.state.stats().calls.iter().map(|c| c.status).collect();
    assert_eq!(statuses, [503, 200, 200, 200]);
}

#[tokio::test(flavor = "multi_thread")]
async fn reset_forgets_issued_tokens_and_verifications() {
    let sb = spawn().await;
    let spent = token_for(&sb, AttestationProvider::Turnstile, 0);
    let unused = token_for(&sb, AttestationProvider::Turnstile, 0);
    verify(
        &sb,
        TURNSTILE_SITEVERIFY_PATH,
        &[("secret", seed::TURNSTILE_SECRET), ("response", &spent)],
    )
    .await;
    assert_eq!(sb.state.attestation_verifications().len(), 1);

    sb.state.reset();
    assert!(sb.state.attestation_verifications().is_empty());
    assert_eq!(sb.state.stats().attestation_calls, 0);
    let answer = verify(
        &sb,
        TURNSTILE_SITEVERIFY_PATH,
        &[("secret", seed::TURNSTILE_SECRET), ("response", &unused)],
    )
    .await;
    assert_eq!(answer, refused(&["invalid-input-response"]));
}

#[tokio::test(flavor = "multi_thread")]
async fn issued_tokens_are_long_url_safe_distinct_and_name_their_provider() {
    let sb = spawn().await;
    let mut tokens = Vec::new();
    for (provider, prefix) in [
        ("turnstile", "sbx-turnstile."),
        ("recaptcha", "sbx-recaptcha."),
        ("hcaptcha", "sbx-hcaptcha."),
    ] {
        for _ in 0..2 {
            let token = issue(&sb, json!({"provider": provider, "hostname": "h"})).await;
            assert!(token.starts_with(prefix) && token.len() >= 200, "{token}");
            assert!(
                token
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b)),
                "{token}"
            );
            tokens.push(token);
        }
    }
    let mut distinct = tokens.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!(distinct.len(), tokens.len());

    for bad in [
        json!({"provider": "friendlycaptcha", "hostname": "h"}),
        json!({"provider": "recaptcha", "hostname": "h", "score": 1.5}),
        json!({"provider": "turnstile"}),
        json!({"provider": "turnstile", "hostname": "h", "issuedSecondAgo": 5}),
    ] {
        let reply = post_json(&sb, ATTESTATION_TOKEN_PATH, &[], bad.clone()).await;
        assert_eq!(reply.status, 400, "{bad}");
    }
    // Control calls are not in the call log.
    assert!(sb.state.stats().calls.is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_page_may_get_tokens_cross_origin_but_not_call_siteverify_or_other_controls() {
    let sb = spawn().await;
    let origin = ("Origin", "http://127.0.0.1:3000");
    let preflight = send(
        sb.addr,
        "OPTIONS",
        ATTESTATION_TOKEN_PATH,
        &[
            origin,
            ("Access-Control-Request-Method", "POST"),
            ("Access-Control-Request-Headers", "content-type"),
        ],
        None,
    )
    .await;
    assert_eq!(preflight.status, 204);
    assert_eq!(preflight.header("access-control-allow-origin"), Some("*"));
    assert!(
        preflight
            .header("access-control-allow-headers")
            .is_some_and(|h| h.split(", ").any(|h| h == "content-type"))
    );
    let issued = post_json(
        &sb,
        ATTESTATION_TOKEN_PATH,
        &[origin],
        json!({"provider": "turnstile", "hostname": "127.0.0.1"}),
    )
    .await;
    assert_eq!(issued.status, 200);
    assert_eq!(issued.header("access-control-allow-origin"), Some("*"));

    let token = issued.json()["token"].as_str().unwrap().to_owned();
    let from_page = send(
        sb.addr,
        "POST",
        TURNSTILE_SITEVERIFY_PATH,
        &[origin],
        Some((
            "application/x-www-form-urlencoded",
            form(&[("secret", seed::TURNSTILE_SECRET), ("response", &token)]),
        )),
    )
    .await;
    assert_eq!(from_page.header("access-control-allow-origin"), None);
    let stats = get(&sb, "/_sandbox/stats", &[origin]).await;
    assert_eq!(stats.header("access-control-allow-origin"), None);
}
