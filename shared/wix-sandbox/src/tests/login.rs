//! A member's login over real HTTP, request by request as `@wix/sdk`'s `OAuthStrategy` makes it
//! (`login`, then `getMemberTokensForDirectLogin`): Login V2, a redirect session, the authorize page its
//! hidden iframe loads, the `authorization_code` grant. The real SDK runs the same flow against the
//! sandbox in tests/api/oracle.rs (node) and tests/api/browser.rs (Chromium).

use serde_json::{Value, json};

use super::{
    Reply, application_code, get, mint_admin, post_json, spawn, token_info, visitor_token,
};
use crate::Sandbox;
use crate::seed::{self, SeedMember};

/// RFC 7636 appendix B's pair: what the SDK's `pkceChallenge()` makes, S256.
const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
const STATE: &str = "Zq3kX0r8m2Vt4pLb9sWc1yHn6dFgJ5aE7uQiOeRtYw";
/// The page that logs in (loopback is on the seeded client's allowed domains).
const PAGE: &str = "http://127.0.0.1:3000";
const LOGIN: &str = "/_api/iam/authentication/v2/login";
const REDIRECT_SESSION: &str = "/_api/redirects-api/v1/redirect-session";

async fn visitor(sb: &Sandbox) -> String {
    visitor_token(sb, seed::CLIENT_ID).await["access_token"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// The SDK's `authentication.loginV2({ email }, { password })`.
async fn login(sb: &Sandbox, token: &str, email: &str, password: &str) -> Reply {
    let body = json!({ "loginId": { "email": email }, "password": password });
    post_json(sb, LOGIN, &[("Authorization", token)], body).await
}

/// The `authRequest` `getMemberTokensForDirectLogin` sends.
fn auth_request(session_token: &str) -> Value {
    json!({
        "clientId": seed::CLIENT_ID,
        "codeChallenge": CHALLENGE,
        "codeChallengeMethod": "S256",
        "responseMode": "web_message",
        "responseType": "code",
        "scope": "offline_access",
        "state": STATE,
        "sessionToken": session_token,
    })
}

async fn redirect_session(sb: &Sandbox, token: &str, auth_request: Value) -> Reply {
    let body = json!({ "auth": { "authRequest": auth_request, "prompt": "none" } });
    post_json(sb, REDIRECT_SESSION, &[("Authorization", token)], body).await
}

/// The redirect session's `fullUrl`, as a path on this sandbox.
fn full_url_path(sb: &Sandbox, reply: &Reply) -> String {
    ok(reply);
    let url = reply.json()["redirectSession"]["fullUrl"]
        .as_str()
        .unwrap()
        .to_owned();
    url.strip_prefix(&sb.base_url)
        .unwrap_or_else(|| panic!("{url} is not on {}", sb.base_url))
        .to_owned()
}

/// What the hidden iframe does: load the authorize page from `referer`.
async fn frame(sb: &Sandbox, path: &str, referer: Option<&str>) -> Reply {
    let headers: Vec<(&str, &str)> = referer.map(|r| ("Referer", r)).into_iter().collect();
    get(sb, path, &headers).await
}

/// The message an authorize page posts and the origin it posts to, read from its script.
fn posted(reply: &Reply) -> Option<(Value, String)> {
    let html = String::from_utf8_lossy(&reply.body);
    let start = html.find("window.parent.postMessage(")? + "window.parent.postMessage(".len();
    let mut values = serde_json::Deserializer::from_str(&html[start..]).into_iter::<Value>();
    let message = values.next()?.ok()?;
    let rest = html[start + values.byte_offset()..].trim_start();
    let mut values =
        serde_json::Deserializer::from_str(rest.strip_prefix(',')?).into_iter::<Value>();
    let origin = values.next()?.ok()?;
    Some((message, origin.as_str()?.to_owned()))
}

/// The SDK's `getMemberTokens`: the `authorization_code` grant.
async fn exchange(sb: &Sandbox, client_id: &str, code: &str, verifier: &str) -> Reply {
    let body = json!({ "clientId": client_id, "grantType": "authorization_code", "code": code, "codeVerifier": verifier });
    post_json(sb, "/oauth2/token", &[], body).await
}

/// A session token of `member` (who must be approved).
async fn session_of(sb: &Sandbox, token: &str, member: &SeedMember) -> String {
    let reply = login(sb, token, member.login_email, member.password).await;
    ok(&reply);
    reply.json()["sessionToken"].as_str().unwrap().to_owned()
}

/// The redirect session's authorize page for `session`, as a path.
async fn authorize_path(sb: &Sandbox, token: &str, session: &str) -> String {
    full_url_path(
        sb,
        &redirect_session(sb, token, auth_request(session)).await,
    )
}

/// What the authorize page at `path` posts to [`PAGE`], which frames it.
async fn message_to_page(sb: &Sandbox, path: &str) -> Value {
    let (message, origin) =
        posted(&frame(sb, path, Some(PAGE)).await).expect("a message is posted");
    assert_eq!(origin, PAGE);
    message
}

/// A visitor token, and the session token Mia's login with it gave.
async fn mia_logged_in(sb: &Sandbox) -> (String, String) {
    let visitor = visitor(sb).await;
    let session = session_of(sb, &visitor, &seed::MEMBER).await;
    (visitor, session)
}

/// Login, redirect session and authorize page: the code the page was posted.
async fn code_for(sb: &Sandbox, member: &SeedMember) -> String {
    let token = visitor(sb).await;
    let session = session_of(sb, &token, member).await;
    let path = authorize_path(sb, &token, &session).await;
    let message = message_to_page(sb, &path).await;
    message["code"].as_str().expect("a code").to_owned()
}

/// A 200, or the body that says why not.
fn ok(reply: &Reply) {
    let body = String::from_utf8_lossy(&reply.body);
    assert_eq!(reply.status, 200, "{body}");
}

fn oauth_error(reply: &Reply) -> String {
    reply.json()["error"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_member_logs_in_as_the_sdk_does_and_gets_the_tokens_token_info_and_refresh_know() {
    let sb = spawn().await;
    let visitor = visitor(&sb).await;
    let reply = login(&sb, &visitor, "MIA@example.com", seed::MEMBER.password).await;
    ok(&reply);
    let answer = reply.json();
    assert_eq!(answer["state"], "SUCCESS");
    assert_eq!(answer["identity"]["id"], seed::MEMBER.id);
    assert_eq!(answer["identity"]["status"]["name"], "ACTIVE");
    assert_eq!(
        answer["identity"]["email"]["address"],
        seed::MEMBER.login_email
    );
    let session = answer["sessionToken"].as_str().unwrap();

    let reply = redirect_session(&sb, &visitor, auth_request(session)).await;
    let details = &reply.json()["redirectSession"]["urlDetails"];
    assert_eq!(details["endpoint"], sb.url("/oauth2/authorize"));
    assert_eq!(details["searchParams"]["code_challenge"], CHALLENGE);
    assert_eq!(details["searchParams"]["response_mode"], "web_message");
    let path = full_url_path(&sb, &reply);

    let page = frame(&sb, &path, Some(&format!("{PAGE}/"))).await;
    assert_eq!(page.status, 200);
    assert!(
        page.header("content-type")
            .unwrap()
            .starts_with("text/html")
    );
    assert_eq!(page.header("cache-control"), Some("no-store"));
    assert_eq!(
        page.header("content-security-policy"),
        Some(format!("frame-ancestors {PAGE}").as_str())
    );
    let (message, origin) = posted(&page).expect("the page posts the code");
    assert_eq!(origin, PAGE, "posted to the page that framed it, only");
    assert_eq!(message["state"], STATE);
    let code = message["code"].as_str().unwrap();

    let reply = exchange(&sb, seed::CLIENT_ID, code, VERIFIER).await;
    ok(&reply);
    let tokens = reply.json();
    assert_eq!(tokens["refresh_token"], seed::MEMBER.refresh_token);
    assert_eq!(tokens["expires_in"], seed::TOKEN_TTL_SECONDS);
    let info = token_info(&sb, tokens["access_token"].as_str().unwrap())
        .await
        .json();
    assert_eq!(info["active"], true);
    assert_eq!(info["subjectType"], "MEMBER");
    assert_eq!(info["subjectId"], seed::MEMBER.id);
    assert_eq!(info["clientId"], seed::CLIENT_ID);
    assert_eq!(info["siteId"], seed::SITE_ID);

    // The call log keeps no password.
    let logged = sb.state.stats().calls;
    let login_call = logged.iter().find(|c| c.path == LOGIN).unwrap();
    assert_eq!(login_call.body.as_ref().unwrap()["password"], "<redacted>");
    assert_eq!(
        sb.state.stats().elevated_calls,
        0,
        "a login is not an elevated call"
    );
    for secret in [session, code] {
        assert!(sb.state.issued_tokens().iter().any(|t| t == secret));
    }
    sb.stop();
}

#[tokio::test(flavor = "multi_thread")]
async fn the_redirect_session_names_the_host_a_proxy_in_front_was_called_on() {
    let sb = spawn().await;
    let (visitor, session) = mia_logged_in(&sb).await;
    let body = json!({ "auth": { "authRequest": auth_request(&session), "prompt": "none" } });
    let headers = [
        ("Authorization", visitor.as_str()),
        ("X-Forwarded-Host", "www.wixapis.com"),
        ("X-Forwarded-Proto", "https"),
    ];
    let reply = post_json(&sb, REDIRECT_SESSION, &headers, body).await;
    let full_url = reply.json()["redirectSession"]["fullUrl"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        full_url.starts_with("https://www.wixapis.com/oauth2/authorize?client_id="),
        "{full_url}"
    );
    sb.stop();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_wrong_password_is_application_error_19976_and_gives_no_session() {
    let answer = refused(seed::MEMBER.login_email, "not-her-password").await;
    assert_eq!(answer, (400, "-19976".to_owned()));
    // A pending member's wrong password says nothing about the pending status either.
    let answer = refused(seed::PENDING.login_email, "nope").await;
    assert_eq!(answer, (400, "-19976".to_owned()));
}

/// A fresh sandbox's answer to a login with `email` and `password`: its status and application code.
async fn refused(email: &str, password: &str) -> (u16, String) {
    let sb = spawn().await;
    let visitor = visitor(&sb).await;
    let reply = login(&sb, &visitor, email, password).await;
    sb.stop();
    (reply.status, application_code(&reply))
}

#[tokio::test(flavor = "multi_thread")]
async fn an_email_no_member_has_is_application_error_19999() {
    let answer = refused("nobody@example.com", "whatever").await;
    assert_eq!(answer, (404, "-19999".to_owned()));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_blocked_member_cannot_log_in_and_is_answered_as_an_unknown_email() {
    let answer = refused(seed::BLOCKED.login_email, seed::BLOCKED.password).await;
    assert_eq!(answer, (404, "-19999".to_owned()));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_pending_member_is_told_the_owner_must_approve_and_gets_no_session_token() {
    let sb = spawn().await;
    let visitor = visitor(&sb).await;
    let reply = login(
        &sb,
        &visitor,
        seed::PENDING.login_email,
        seed::PENDING.password,
    )
    .await;
    assert_eq!(reply.status, 200);
    let answer = reply.json();
    assert_eq!(answer["state"], "REQUIRE_OWNER_APPROVAL");
    assert!(answer["sessionToken"].is_null());
    assert_eq!(answer["identity"]["status"]["name"], "PENDING");
    assert_eq!(
        answer["identity"]["status"]["reasons"],
        json!(["PENDING_ADMIN_APPROVAL_REQUIRED"])
    );
    sb.stop();
}

#[tokio::test(flavor = "multi_thread")]
async fn login_needs_a_visitor_or_member_token_and_finds_only_that_sites_members() {
    let sb = spawn().await;
    let body = json!({ "loginId": { "email": seed::MEMBER.login_email }, "password": seed::MEMBER.password });
    assert_eq!(post_json(&sb, LOGIN, &[], body.clone()).await.status, 401);
    let admin = mint_admin(&sb).await;
    let reply = post_json(&sb, LOGIN, &[("Authorization", &admin)], body.clone()).await;
    assert_eq!(reply.status, 403);
    let other = visitor_token(&sb, seed::OTHER_CLIENT_ID).await["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let reply = post_json(&sb, LOGIN, &[("Authorization", &other)], body).await;
    assert_eq!(
        application_code(&reply),
        "-19999",
        "Mia is not a member there"
    );
    // A member may log in again (as someone else, even).
    let member = super::member_token(&sb, &seed::SECOND_MEMBER).await;
    let reply = login(
        &sb,
        &member,
        seed::MEMBER.login_email,
        seed::MEMBER.password,
    )
    .await;
    assert_eq!(reply.json()["state"], "SUCCESS");
    sb.stop();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_code_is_spent_by_its_first_exchange_and_a_second_ends_what_the_first_gave() {
    let sb = spawn().await;
    let code = code_for(&sb, &seed::MEMBER).await;
    let first = exchange(&sb, seed::CLIENT_ID, &code, VERIFIER).await;
    assert_eq!(first.status, 200);
    let access = first.json()["access_token"].as_str().unwrap().to_owned();
    let second = exchange(&sb, seed::CLIENT_ID, &code, VERIFIER).await;
    assert_eq!(second.status, 400);
    assert_eq!(oauth_error(&second), "invalid_grant");
    assert_eq!(token_info(&sb, &access).await.json()["active"], false);
    sb.stop();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_verifier_that_does_not_match_the_challenge_is_refused_and_spends_the_code() {
    let sb = spawn().await;
    let code = code_for(&sb, &seed::MEMBER).await;
    let other_verifier = "x".repeat(43);
    let reply = exchange(&sb, seed::CLIENT_ID, &code, &other_verifier).await;
    assert_eq!(reply.status, 400);
    assert_eq!(oauth_error(&reply), "invalid_grant");
    let reply = exchange(&sb, seed::CLIENT_ID, &code, VERIFIER).await;
    assert_eq!(oauth_error(&reply), "invalid_grant", "no second try");

    let code = code_for(&sb, &seed::MEMBER).await;
    let body =
        json!({ "clientId": seed::CLIENT_ID, "grantType": "authorization_code", "code": code });
    let reply = post_json(&sb, "/oauth2/token", &[], body).await;
    assert_eq!(oauth_error(&reply), "invalid_request", "no verifier at all");
    let code = code_for(&sb, &seed::MEMBER).await;
    // The challenge itself is not a verifier.
    let reply = exchange(&sb, seed::CLIENT_ID, &code, CHALLENGE).await;
    assert_eq!(oauth_error(&reply), "invalid_grant");
    sb.stop();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_code_past_its_lifetime_is_refused() {
    let sb = spawn().await;
    let code = code_for(&sb, &seed::MEMBER).await;
    sb.state.expire_tokens();
    let reply = exchange(&sb, seed::CLIENT_ID, &code, VERIFIER).await;
    assert_eq!(reply.status, 400);
    assert_eq!(oauth_error(&reply), "invalid_grant");
    sb.stop();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_code_is_only_for_the_client_it_was_issued_to() {
    let sb = spawn().await;
    let code = code_for(&sb, &seed::MEMBER).await;
    let reply = exchange(&sb, seed::OTHER_CLIENT_ID, &code, VERIFIER).await;
    assert_eq!(oauth_error(&reply), "invalid_grant");
    let reply = exchange(&sb, "not-a-client", &code, VERIFIER).await;
    assert_eq!(oauth_error(&reply), "invalid_client");
    sb.stop();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_redirect_uri_the_authorization_request_did_not_have_is_refused() {
    let sb = spawn().await;
    let code = code_for(&sb, &seed::MEMBER).await;
    let body = json!({ "clientId": seed::CLIENT_ID, "grantType": "authorization_code", "code": code,
                       "codeVerifier": VERIFIER, "redirectUri": format!("{PAGE}/callback") });
    let reply = post_json(&sb, "/oauth2/token", &[], body).await;
    assert_eq!(oauth_error(&reply), "invalid_grant");
    sb.stop();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_session_token_buys_one_code_while_it_lives() {
    let sb = spawn().await;
    let (visitor, session) = mia_logged_in(&sb).await;
    let path = authorize_path(&sb, &visitor, &session).await;
    let first = message_to_page(&sb, &path).await;
    assert!(first["code"].is_string());
    let second = message_to_page(&sb, &path).await;
    assert_eq!(second["error"], "login_required");
    assert_eq!(second["state"], STATE, "the SDK takes only its own state");
    assert!(second["code"].is_null());

    let session = session_of(&sb, &visitor, &seed::MEMBER).await;
    sb.state.expire_tokens();
    let visitor = self::visitor(&sb).await;
    let path = authorize_path(&sb, &visitor, &session).await;
    let message = message_to_page(&sb, &path).await;
    assert_eq!(
        message["error"], "login_required",
        "an expired session token"
    );
    let path = authorize_path(&sb, &visitor, "made-up").await;
    let message = message_to_page(&sb, &path).await;
    assert_eq!(message["error"], "login_required", "an unknown one");
    sb.stop();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_session_token_is_only_for_the_client_that_logged_in() {
    let sb = spawn().await;
    let (_, session) = mia_logged_in(&sb).await;
    let path = format!(
        "/oauth2/authorize?client_id={}&response_type=code&response_mode=web_message\
         &code_challenge={CHALLENGE}&code_challenge_method=S256&state={STATE}&prompt=none\
         &session_token={session}",
        seed::OTHER_CLIENT_ID
    );
    let (message, origin) =
        posted(&frame(&sb, &path, Some("https://other.example.com/")).await).unwrap();
    assert_eq!(origin, "https://other.example.com");
    assert_eq!(message["error"], "login_required");
    sb.stop();
}

#[tokio::test(flavor = "multi_thread")]
async fn the_code_is_posted_only_to_a_page_on_the_apps_allowed_domains() {
    let sb = spawn().await;
    let (visitor, session) = mia_logged_in(&sb).await;
    let path = authorize_path(&sb, &visitor, &session).await;
    for referer in [
        Some("https://evil.example/"),
        Some("http://pottery.example.com/"),
        Some("https://other.example.com/"),
        None,
    ] {
        let page = frame(&sb, &path, referer).await;
        assert_eq!(page.status, 400, "{referer:?}");
        assert_eq!(posted(&page), None, "{referer:?}: nothing is posted");
    }
    // The session token was not spent by the refusals.
    let (message, origin) =
        posted(&frame(&sb, &path, Some("https://pottery.example.com/shop")).await)
            .expect("posted to the site's own frontend");
    assert_eq!(origin, "https://pottery.example.com");
    assert!(message["code"].is_string());
    sb.stop();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_redirect_session_needs_pkce_web_message_and_the_callers_own_client() {
    let sb = spawn().await;
    let (visitor, session) = mia_logged_in(&sb).await;
    let with = |field: &str, value: Value| {
        let mut request = auth_request(&session);
        request[field] = value;
        request
    };
    for (request, field) in [
        (with("codeChallenge", Value::Null), "codeChallenge"),
        (
            with("codeChallengeMethod", json!("plain")),
            "codeChallengeMethod",
        ),
        (with("clientId", json!(seed::OTHER_CLIENT_ID)), "clientId"),
        (with("responseType", json!("token")), "responseType"),
        (with("state", json!("")), "state"),
    ] {
        let reply = redirect_session(&sb, &visitor, request).await;
        assert_eq!(reply.status, 400, "{field}");
        let violated = &reply.json()["details"]["validationError"]["fieldViolations"][0]["field"];
        assert_eq!(violated, &format!("auth.authRequest.{field}"));
    }
    let reply = redirect_session(&sb, &visitor, with("responseMode", json!("fragment"))).await;
    assert_eq!(reply.status, 400, "the hosted login page is not served");
    let body = json!({ "auth": { "authRequest": auth_request(&session), "prompt": "none" } });
    assert_eq!(
        post_json(&sb, REDIRECT_SESSION, &[], body).await.status,
        401
    );
    let body = json!({ "ecomCheckout": { "checkoutId": "x" } });
    let reply = post_json(&sb, REDIRECT_SESSION, &[("Authorization", &visitor)], body).await;
    assert_eq!(reply.status, 400);
    sb.stop();
}

#[tokio::test(flavor = "multi_thread")]
async fn logout_ends_the_access_token_and_returns_to_the_page() {
    let sb = spawn().await;
    let member = super::member_token(&sb, &seed::MEMBER).await;
    let body = json!({ "logout": { "clientId": seed::CLIENT_ID }, "callbacks": { "postFlowUrl": format!("{PAGE}/index.html") } });
    let reply = post_json(&sb, REDIRECT_SESSION, &[("Authorization", &member)], body).await;
    let path = full_url_path(&sb, &reply);
    assert!(path.starts_with("/oauth2/logout?session="), "{path}");
    assert_eq!(token_info(&sb, &member).await.json()["active"], true);
    let page = get(&sb, &path, &[]).await;
    assert_eq!(page.status, 302);
    assert_eq!(
        page.header("location"),
        Some(format!("{PAGE}/index.html").as_str())
    );
    assert_eq!(token_info(&sb, &member).await.json()["active"], false);
    assert_eq!(get(&sb, &path, &[]).await.status, 400, "once only");

    let member = super::member_token(&sb, &seed::MEMBER).await;
    let body = json!({ "logout": { "clientId": seed::CLIENT_ID }, "callbacks": { "postFlowUrl": "https://evil.example/" } });
    let reply = post_json(&sb, REDIRECT_SESSION, &[("Authorization", &member)], body).await;
    assert_eq!(reply.status, 400, "no redirect off the app's domains");
    sb.stop();
}
