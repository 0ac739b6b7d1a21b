//! The pipeline in-process: real function-URL events in, the sandbox as Wix, problem documents out.

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use wix_auth::{Secret, SecretSource};
use wix_sandbox::{Sandbox, seed};

use super::*;
use crate::policy::{Admin, AnyVisitor};
use crate::{Json, NoInput, WixId};

const GET_EVENT: &str = include_str!("../../tests/data/function-url-get.json");
const IAM_EVENT: &str = include_str!("../../tests/data/function-url-iam-post.json");
const NIGHTLY_JOB: &str = "arn:aws:sts::123456789012:assumed-role/nightly-job/nightly";

/// Reads site properties for any visitor.
struct ReadProperties;

impl Endpoint for ReadProperties {
    const DOC: crate::openapi::Doc = crate::openapi::Doc::UNDOCUMENTED;
    const NAME: &'static str = "read-properties";
    const METHOD: Method = Method::GET;
    const MAX_BODY_BYTES: usize = 0;
    type Policy = AnyVisitor;
    type Input = NoInput;
    type Output = Value;
    async fn call(wix: &Wix, _: Subject, _: NoInput) -> Result<Value, ApiError> {
        let properties = wix.site_properties().await?;
        Ok(json!({ "name": properties.site_display_name }))
    }
}

#[derive(serde::Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct Target {
    member_id: WixId,
}

/// An admin-only POST with a typed body.
struct AdminAction;

impl Endpoint for AdminAction {
    const DOC: crate::openapi::Doc = crate::openapi::Doc::UNDOCUMENTED;
    const NAME: &'static str = "admin-action";
    const METHOD: Method = Method::POST;
    const MAX_BODY_BYTES: usize = 256;
    type Policy = Admin;
    type Input = Json<Target>;
    type Output = Value;
    fn target(input: &Json<Target>) -> Option<String> {
        Some(input.0.member_id.to_string())
    }
    async fn call(
        wix: &Wix,
        _: crate::policy::AdminGrant,
        input: Json<Target>,
    ) -> Result<Value, ApiError> {
        wix.site_properties().await?;
        Ok(json!({ "memberId": input.0.member_id }))
    }
}

struct Harness {
    sandbox: Sandbox,
    app: App,
}

async fn harness() -> Harness {
    harness_with(&[]).await
}

async fn harness_with(extra: &'static [(&'static str, &'static str)]) -> Harness {
    let sandbox = Sandbox::spawn(0).await.unwrap();
    let base = sandbox.base_url.clone();
    let config = Config::from_lookup(|name| match name {
        "WIX_CLIENT_ID" => Some(seed::CLIENT_ID.into()),
        "WIX_SITE_ID" => Some(seed::SITE_ID.into()),
        "WIX_API_BASE" => Some(base.clone()),
        "ADMIN_MEMBER_IDS" => Some(seed::ADMIN.id.into()),
        "ADMIN_IAM_PRINCIPALS" => Some(NIGHTLY_JOB.into()),
        "ALLOWED_ORIGINS" => Some("https://shop.example.com".into()),
        other => extra
            .iter()
            .find(|(k, _)| *k == other)
            .map(|(_, v)| (*v).to_owned()),
    })
    .unwrap();
    let secret =
        json!({ "clientId": seed::CLIENT_ID, "clientSecret": seed::CLIENT_SECRET }).to_string();
    let ready = Ready::build(config, SecretSource::DevInline(Secret::new(secret)))
        .await
        .unwrap();
    Harness {
        sandbox,
        app: App::with_ready(ready),
    }
}

impl Harness {
    /// An `AdminAction` invoked with a whole Lambda event as JSON (an IAM caller's, say).
    async fn admin_action_from(&self, event: &Value) -> lambda_http::Response<lambda_http::Body> {
        let request = lambda_http::request::from_str(&event.to_string()).unwrap();
        self.app.handle::<AdminAction>(request).await
    }

    async fn token(&self, body: Value) -> String {
        let client = wix_auth::wix_http_client().unwrap();
        let response = client
            .post(self.sandbox.url("/oauth2/token"))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert!(response.status().is_success());
        let body: Value = response.json().await.unwrap();
        body["access_token"].as_str().unwrap().to_owned()
    }

    async fn visitor(&self) -> String {
        self.token(json!({ "clientId": seed::CLIENT_ID, "grantType": "anonymous" }))
            .await
    }

    async fn member(&self, refresh_token: &str) -> String {
        self.token(json!({ "clientId": seed::CLIENT_ID, "grantType": "refresh_token", "refreshToken": refresh_token }))
            .await
    }

    fn stats(&self) -> wix_sandbox::Stats {
        self.sandbox.state.stats()
    }
}

/// A function-URL event: the GET fixture with the given method, headers (`None` removes one) and body.
fn event(
    method: &str,
    headers: &[(&str, Option<&str>)],
    body: Option<&str>,
) -> lambda_http::Request {
    let mut event: Value = serde_json::from_str(GET_EVENT).unwrap();
    event["requestContext"]["http"]["method"] = json!(method);
    for (name, value) in headers {
        match value {
            Some(v) => event["headers"][*name] = json!(v),
            None => {
                event["headers"].as_object_mut().unwrap().remove(*name);
            }
        }
    }
    if let Some(body) = body {
        event["body"] = json!(body);
    }
    lambda_http::request::from_str(&event.to_string()).unwrap()
}

/// Neither the caller was checked nor an elevated call made (the cold-start mint is the only call).
fn assert_nothing_reached_wix(h: &Harness) {
    let stats = h.stats();
    assert_eq!(
        (stats.elevated_calls, stats.token_info_calls),
        (0, 0),
        "{:?}",
        stats.calls
    );
}

fn with_token(token: &str) -> String {
    format!("Bearer {token}")
}

async fn problem(response: Response<Body>) -> (u16, Value) {
    let status = response.status().as_u16();
    assert_eq!(
        response.headers()["content-type"],
        "application/problem+json"
    );
    let body: Value = serde_json::from_slice(response.body().as_ref()).unwrap();
    assert_eq!(body["status"], status);
    assert!(
        body["requestId"].as_str().is_some_and(|id| !id.is_empty()),
        "{body}"
    );
    assert_eq!(
        response.headers()["x-request-id"],
        body["requestId"].as_str().unwrap()
    );
    (status, body)
}

#[tokio::test]
async fn a_visitor_reads_through_the_pipeline() {
    let h = harness().await;
    let token = h.visitor().await;
    let response = h
        .app
        .handle::<ReadProperties>(event(
            "GET",
            &[("authorization", Some(&with_token(&token)))],
            None,
        ))
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/json");
    assert_eq!(response.headers()["cache-control"], "no-store");
    let body: Value = serde_json::from_slice(response.body().as_ref()).unwrap();
    assert_eq!(body, json!({ "name": seed::SITE_DISPLAY_NAME }));
}

#[tokio::test]
async fn a_wrong_method_is_405_with_allow() {
    let h = harness().await;
    let response = h
        .app
        .handle::<ReadProperties>(event("POST", &[], None))
        .await;
    assert_eq!(response.headers()["allow"], "GET");
    assert_eq!(problem(response).await.0, 405);
    assert_nothing_reached_wix(&h);
}

#[tokio::test]
async fn a_body_over_the_limit_is_413_before_anything_else() {
    let h = harness().await;
    let big = format!(r#"{{"memberId":"{}"}}"#, "x".repeat(300));
    let response = h
        .app
        .handle::<AdminAction>(event(
            "POST",
            &[("content-type", Some("application/json"))],
            Some(&big),
        ))
        .await;
    assert_eq!(problem(response).await.0, 413);
    assert_nothing_reached_wix(&h);
}

#[tokio::test]
async fn a_body_that_is_not_json_is_415() {
    let h = harness().await;
    let token = h.member(seed::ADMIN.refresh_token).await;
    let headers = [
        ("content-type", Some("text/plain")),
        ("authorization", Some(&*with_token(&token))),
    ];
    let response = h
        .app
        .handle::<AdminAction>(event("POST", &headers, Some("hello")))
        .await;
    assert_eq!(problem(response).await.0, 415);
    assert_eq!(h.stats().elevated_calls, 0);
}

#[tokio::test]
async fn unknown_fields_and_ids_that_are_not_guids_are_400_before_any_wix_call() {
    let h = harness().await;
    let token = h.member(seed::ADMIN.refresh_token).await;
    let headers = [
        ("content-type", Some("application/json")),
        ("authorization", Some(&*with_token(&token))),
    ];
    for body in [
        format!(r#"{{"memberId":"{}","admin":true}}"#, seed::MEMBER.id),
        r#"{"memberId":"../../members"}"#.to_owned(),
        r#"{"memberId":"%2e%2e%2f"}"#.to_owned(),
        r#"{"memberId":7}"#.to_owned(),
        "{".to_owned(),
    ] {
        let response = h
            .app
            .handle::<AdminAction>(event("POST", &headers, Some(&body)))
            .await;
        assert_eq!(problem(response).await.0, 400, "{body}");
    }
    assert_nothing_reached_wix(&h);
}

#[tokio::test]
async fn a_missing_or_malformed_token_is_401_without_an_elevated_call() {
    let h = harness().await;
    for auth in [
        None,
        Some("Bearer"),
        Some("Basic dXNlcjpwYXNz"),
        Some("Bearer a b"),
        Some("Bearer not-a-token"),
    ] {
        let response = h
            .app
            .handle::<ReadProperties>(event("GET", &[("authorization", auth)], None))
            .await;
        assert_eq!(problem(response).await.0, 401, "{auth:?}");
    }
    assert_eq!(h.stats().elevated_calls, 0);
}

#[tokio::test]
async fn a_token_of_another_client_is_401() {
    let h = harness().await;
    let other = h
        .token(json!({ "clientId": seed::OTHER_CLIENT_ID, "grantType": "anonymous" }))
        .await;
    let response = h
        .app
        .handle::<ReadProperties>(event(
            "GET",
            &[("authorization", Some(&with_token(&other)))],
            None,
        ))
        .await;
    let (status, body) = problem(response).await;
    assert_eq!(status, 401);
    assert_eq!(
        body["detail"],
        "the access token was issued to another client"
    );
    assert_eq!(h.stats().elevated_calls, 0);
}

#[tokio::test]
async fn a_visitor_cannot_call_an_admin_function() {
    let h = harness().await;
    let visitor = h.visitor().await;
    let member = h.member(seed::MEMBER.refresh_token).await;
    let body = format!(r#"{{"memberId":"{}"}}"#, seed::MEMBER.id);
    for token in [visitor, member] {
        let headers = [
            ("content-type", Some("application/json")),
            ("authorization", Some(&*with_token(&token))),
        ];
        let response = h
            .app
            .handle::<AdminAction>(event("POST", &headers, Some(&body)))
            .await;
        assert_eq!(problem(response).await.0, 403);
    }
    assert_eq!(
        h.stats().elevated_calls,
        0,
        "no elevated call for a denied caller"
    );
}

#[tokio::test]
async fn an_admin_member_and_a_listed_iam_principal_may_call_an_admin_function() {
    let h = harness_with(&[("FUNCTION_URL_AUTH", "AWS_IAM")]).await;
    let admin = h.member(seed::ADMIN.refresh_token).await;
    let body = format!(r#"{{"memberId":"{}"}}"#, seed::MEMBER.id);
    let headers = [
        ("content-type", Some("application/json")),
        ("authorization", Some(&*with_token(&admin))),
    ];
    let response = h
        .app
        .handle::<AdminAction>(event("POST", &headers, Some(&body)))
        .await;
    assert_eq!(response.status(), 200);

    let mut iam: Value = serde_json::from_str(IAM_EVENT).unwrap();
    iam["body"] = json!(body);
    let response = h.admin_action_from(&iam).await;
    assert_eq!(response.status(), 200);
    iam["requestContext"]["authorizer"]["iam"]["userArn"] =
        json!("arn:aws:iam::123456789012:user/intruder");
    let response = h.admin_action_from(&iam).await;
    assert_eq!(
        problem(response).await.0,
        403,
        "an IAM principal not listed is not an admin"
    );
}

#[tokio::test]
async fn an_iam_principal_in_the_event_of_a_none_url_is_not_trusted() {
    // Anyone allowed lambda:InvokeFunction can hand a function an event naming an admin role; only an
    // AWS_IAM URL means AWS checked it.
    let h = harness().await;
    let mut iam: Value = serde_json::from_str(IAM_EVENT).unwrap();
    iam["body"] = json!(format!(r#"{{"memberId":"{}"}}"#, seed::MEMBER.id));
    let response = h.admin_action_from(&iam).await;
    assert_eq!(
        problem(response).await.0,
        401,
        "the listed role counts for nothing here"
    );
    assert_eq!(h.stats().elevated_calls, 0);
}

#[tokio::test]
async fn a_request_from_an_origin_not_allowed_is_refused() {
    let h = harness().await;
    let token = h.visitor().await;
    let auth = with_token(&token);
    let response = h
        .app
        .handle::<ReadProperties>(event(
            "GET",
            &[
                ("authorization", Some(&auth)),
                ("origin", Some("https://evil.example")),
            ],
            None,
        ))
        .await;
    assert_eq!(problem(response).await.0, 403);
    let allowed = h
        .app
        .handle::<ReadProperties>(event(
            "GET",
            &[
                ("authorization", Some(&auth)),
                ("origin", Some("https://shop.example.com")),
            ],
            None,
        ))
        .await;
    assert_eq!(allowed.status(), 200);
}

#[tokio::test]
async fn a_verified_token_is_cached_and_not_checked_again() {
    let h = harness().await;
    let auth = with_token(&h.visitor().await);
    for _ in 0..5 {
        let response = h
            .app
            .handle::<ReadProperties>(event("GET", &[("authorization", Some(&auth))], None))
            .await;
        assert_eq!(response.status(), 200);
    }
    assert_eq!(h.stats().token_info_calls, 1);
}

#[tokio::test]
async fn wix_503_twice_then_200_succeeds() {
    let h = harness().await;
    let auth = with_token(&h.visitor().await);
    h.sandbox.state.fail(
        2,
        http::StatusCode::SERVICE_UNAVAILABLE,
        Some("/site-properties"),
    );
    let response = h
        .app
        .handle::<ReadProperties>(event("GET", &[("authorization", Some(&auth))], None))
        .await;
    assert_eq!(response.status(), 200);
    let statuses: Vec<u16> = h
        .stats()
        .calls
        .iter()
        .filter(|c| c.path.starts_with("/site-properties"))
        .map(|c| c.status)
        .collect();
    assert_eq!(statuses, [503, 503, 200]);
}

#[tokio::test]
async fn wix_failing_forever_is_a_502_problem_within_a_bounded_time() {
    let h = harness().await;
    let auth = with_token(&h.visitor().await);
    h.sandbox.state.fail(
        u64::MAX,
        http::StatusCode::INTERNAL_SERVER_ERROR,
        Some("/site-properties"),
    );
    let started = Instant::now();
    let response = h
        .app
        .handle::<ReadProperties>(event("GET", &[("authorization", Some(&auth))], None))
        .await;
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    let (status, body) = problem(response).await;
    assert_eq!(status, 502);
    assert_eq!(body["detail"], "Wix could not complete the request");
    let attempts = h
        .stats()
        .calls
        .iter()
        .filter(|c| c.path.starts_with("/site-properties"))
        .count();
    assert_eq!(attempts, 4, "one try and three retries");
}

#[tokio::test]
async fn a_write_that_may_have_reached_wix_is_not_retried() {
    let h = harness().await;
    let admin = h.member(seed::ADMIN.refresh_token).await;
    h.sandbox.state.fail(
        1,
        http::StatusCode::SERVICE_UNAVAILABLE,
        Some("/site-properties"),
    );
    let wix = Wix::new(Arc::clone(&h.app.ready().await.unwrap().wix));
    let err = wix
        .post::<Value>(
            &crate::WixPath::new("/site-properties/v4/properties/business-contact"),
            &json!({}),
            crate::Repeat::Once,
        )
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(503));
    assert_eq!(
        h.stats()
            .calls
            .iter()
            .filter(|c| c.path.starts_with("/site-properties"))
            .count(),
        1
    );
    drop(admin);
}

#[tokio::test]
async fn an_expired_admin_token_is_reminted_once_and_the_call_succeeds() {
    let h = harness().await;
    let auth = with_token(&h.visitor().await);
    let first = h
        .app
        .handle::<ReadProperties>(event("GET", &[("authorization", Some(&auth))], None))
        .await;
    assert_eq!(first.status(), 200);
    // A 401 on a token only just minted is taken for a permission problem, not expiry.
    tokio::time::sleep(Duration::from_millis(2100)).await;
    h.sandbox.state.expire_tokens();
    let second = h
        .app
        .handle::<ReadProperties>(event("GET", &[("authorization", Some(&auth))], None))
        .await;
    assert_eq!(
        second.status(),
        200,
        "the cached caller stays verified; the admin token is re-minted"
    );
    assert_eq!(h.stats().mints, 2);
}

#[tokio::test]
async fn problem_documents_never_carry_wix_text_or_tokens() {
    let h = harness().await;
    let token = h.visitor().await;
    let auth = with_token(&token);
    h.sandbox.state.fail(
        u64::MAX,
        http::StatusCode::BAD_REQUEST,
        Some("/site-properties"),
    );
    let response = h
        .app
        .handle::<ReadProperties>(event("GET", &[("authorization", Some(&auth))], None))
        .await;
    let text = String::from_utf8_lossy(response.body().as_ref()).into_owned();
    assert_eq!(response.status(), 400);
    assert!(
        !text.contains(&token) && !text.contains(seed::CLIENT_SECRET),
        "{text}"
    );
    let (_, body) = problem(response).await;
    assert_eq!(body["detail"], "Wix rejected the request as invalid");
}

#[tokio::test]
async fn an_elevated_member_lookup_returns_status_and_contact_id() {
    let h = harness().await;
    let wix = Wix::new(Arc::clone(&h.app.ready().await.unwrap().wix));
    let member = wix
        .get_member(&WixId::parse(seed::PENDING.id).unwrap())
        .await
        .unwrap();
    assert_eq!(
        member.contact_id,
        Some(WixId::parse(seed::PENDING.contact_id).unwrap())
    );
    assert_eq!(member.status.as_deref(), Some("PENDING"));
    assert_eq!(
        member.login_email.as_deref(),
        Some(seed::PENDING.login_email)
    );
    let missing = wix
        .get_member(&WixId::parse("00000000-0000-4000-8000-000000000000").unwrap())
        .await
        .unwrap_err();
    assert_eq!(missing.status(), Some(404));
}

#[tokio::test]
async fn a_visitor_over_the_rate_limit_gets_429_and_no_elevated_call() {
    let h = harness_with(&[("VISITOR_REQUESTS_PER_MINUTE", "3")]).await;
    let auth = with_token(&h.visitor().await);
    for _ in 0..3 {
        let response = h
            .app
            .handle::<ReadProperties>(event("GET", &[("authorization", Some(&auth))], None))
            .await;
        assert_eq!(response.status(), 200);
    }
    let response = h
        .app
        .handle::<ReadProperties>(event("GET", &[("authorization", Some(&auth))], None))
        .await;
    assert!(
        response.headers()["retry-after"]
            .to_str()
            .unwrap()
            .parse::<u64>()
            .unwrap()
            >= 1
    );
    assert_eq!(problem(response).await.0, 429);
    assert_eq!(h.stats().elevated_calls, 3);
}

#[tokio::test]
async fn junk_tokens_from_one_source_are_cut_off_before_they_reach_token_info() {
    let h = harness_with(&[("SOURCE_REQUESTS_PER_MINUTE", "5")]).await;
    let mut statuses = Vec::new();
    for n in 0..8 {
        let junk = format!("Bearer junk-{n}");
        let response = h
            .app
            .handle::<ReadProperties>(event("GET", &[("authorization", Some(&junk))], None))
            .await;
        statuses.push(problem(response).await.0);
    }
    assert_eq!(statuses, [401, 401, 401, 401, 401, 429, 429, 429]);
    assert_eq!(
        h.stats().token_info_calls,
        5,
        "the source limit stops the token-info calls"
    );
}

#[test]
fn the_request_budget_follows_lambdas_deadline_and_ignores_a_bare_timeout() {
    let in_ten_s = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64
        + 10_000;
    let left = time_left(in_ten_s).unwrap();
    assert!(
        left > Duration::from_secs(9) && left <= Duration::from_secs(10),
        "{left:?}"
    );
    assert_eq!(
        time_left(600_000),
        None,
        "a timeout in ms, as local emulators send, is not a deadline"
    );
    assert_eq!(
        time_left(1_600_000_000_000),
        Some(Duration::ZERO),
        "a deadline already passed"
    );
}

#[tokio::test]
async fn a_preflight_from_an_allowed_origin_gets_only_this_functions_method_and_headers() {
    let h = harness().await;
    let preflight = |origin: &'static str, method: &'static str| {
        event(
            "OPTIONS",
            &[
                ("origin", Some(origin)),
                ("access-control-request-method", Some(method)),
                ("access-control-request-headers", Some("authorization")),
            ],
            None,
        )
    };
    let ok = h
        .app
        .handle::<AdminAction>(preflight("https://shop.example.com", "POST"))
        .await;
    assert_eq!(ok.status(), 204);
    assert_eq!(
        ok.headers()["access-control-allow-origin"],
        "https://shop.example.com"
    );
    assert_eq!(ok.headers()["access-control-allow-methods"], "POST");
    assert_eq!(
        ok.headers()["access-control-allow-headers"],
        "authorization, content-type"
    );

    let wrong_method = h
        .app
        .handle::<AdminAction>(preflight("https://shop.example.com", "DELETE"))
        .await;
    assert_eq!(wrong_method.status(), 405);
    let stranger = h
        .app
        .handle::<AdminAction>(preflight("https://evil.example", "POST"))
        .await;
    assert!(
        !stranger
            .headers()
            .contains_key("access-control-allow-origin")
    );
    assert_eq!(problem(stranger).await.0, 403);
    assert_nothing_reached_wix(&h);
}

#[tokio::test]
async fn only_an_allowed_origin_may_read_the_answer() {
    let h = harness().await;
    let auth = with_token(&h.visitor().await);
    let from = |origin: &'static str| {
        event(
            "GET",
            &[("authorization", Some(&auth)), ("origin", Some(origin))],
            None,
        )
    };
    let allowed = h
        .app
        .handle::<ReadProperties>(from("https://shop.example.com"))
        .await;
    assert_eq!(allowed.status(), 200);
    assert_eq!(
        allowed.headers()["access-control-allow-origin"],
        "https://shop.example.com"
    );
    assert_eq!(allowed.headers()["vary"], "Origin");
    let refused = h
        .app
        .handle::<ReadProperties>(from("https://evil.example"))
        .await;
    assert!(
        !refused
            .headers()
            .contains_key("access-control-allow-origin")
    );
    assert_eq!(problem(refused).await.0, 403);
}

#[tokio::test]
async fn sources_in_one_ipv6_64_share_one_budget() {
    let mut h = harness().await;
    let ready = h.app.ready.get_mut().unwrap();
    ready.state = Some(StateStore::Memory(MemoryStore::new(100, DAY)));
    ready.budgets = BudgetPlan::from_lookup("upload-image", Budgets::Uploads, |name| {
        (name == "UPLOAD_BUDGET_SOURCE_UPLOADS_PER_HOUR").then(|| "2".into())
    })
    .unwrap();
    let token = with_token(&h.visitor().await);
    let from = |ip: &str| {
        let mut request = event("GET", &[("authorization", Some(&token))], None);
        if let Some(lambda_http::request::RequestContext::ApiGatewayV2(context)) =
            request.extensions_mut().get_mut()
        {
            context.http.source_ip = Some(ip.to_owned());
        }
        request
    };
    for ip in ["2001:db8:1:2::1", "2001:db8:1:2:aaaa::7"] {
        let response = h.app.handle::<ReadProperties>(from(ip)).await;
        assert_eq!(response.status(), 200, "{ip}");
    }
    let same_64 = h
        .app
        .handle::<ReadProperties>(from("2001:db8:1:2:ffff::9"))
        .await;
    assert!(same_64.headers().contains_key("retry-after"));
    let (status, body) = problem(same_64).await;
    assert_eq!(status, 429);
    assert_eq!(
        body["type"],
        "urn:wix-elevate:problem:budget-source-uploads-per-hour"
    );
    let other_64 = h
        .app
        .handle::<ReadProperties>(from("2001:db8:1:3::1"))
        .await;
    assert_eq!(other_64.status(), 200, "another network has its own budget");
}
