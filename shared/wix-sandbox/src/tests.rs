//! Tests against a spawned sandbox over real HTTP, with a minimal HTTP/1.1 client.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::Sandbox;
use crate::seed::{self, SeedMember};

pub(crate) struct Reply {
    pub status: u16,
    headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Reply {
    pub(crate) fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&self.body)))
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

async fn send(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<(&str, Vec<u8>)>,
) -> Reply {
    let mut request = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    let body = match body {
        Some((content_type, bytes)) => {
            request.push_str(&format!("Content-Type: {content_type}\r\n"));
            bytes
        }
        None => Vec::new(),
    };
    request.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
    let mut bytes = request.into_bytes();
    bytes.extend_from_slice(&body);
    tokio::task::spawn_blocking(move || {
        let mut stream = TcpStream::connect(addr).unwrap();
        stream.write_all(&bytes).unwrap();
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).unwrap();
        parse_reply(&raw)
    })
    .await
    .unwrap()
}

fn parse_reply(raw: &[u8]) -> Reply {
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let mut body = raw[split + 4..].to_vec();
    let chunked = headers
        .iter()
        .any(|(k, v)| k.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked"));
    if chunked {
        body = dechunk(&body);
    }
    Reply {
        status,
        headers,
        body,
    }
}

fn dechunk(mut raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let line_end = raw.windows(2).position(|w| w == b"\r\n").unwrap();
        let size_text = String::from_utf8_lossy(&raw[..line_end]);
        let size = usize::from_str_radix(size_text.split(';').next().unwrap().trim(), 16).unwrap();
        if size == 0 {
            return out;
        }
        let start = line_end + 2;
        out.extend_from_slice(&raw[start..start + size]);
        raw = &raw[start + size + 2..];
    }
}

pub(crate) async fn post_json(
    sb: &Sandbox,
    path: &str,
    headers: &[(&str, &str)],
    body: Value,
) -> Reply {
    let bytes = serde_json::to_vec(&body).unwrap();
    send(
        sb.addr,
        "POST",
        path,
        headers,
        Some(("application/json", bytes)),
    )
    .await
}

async fn get(sb: &Sandbox, path: &str, headers: &[(&str, &str)]) -> Reply {
    send(sb.addr, "GET", path, headers, None).await
}

async fn control(sb: &Sandbox, path: &str, body: Value) -> Reply {
    post_json(sb, path, &[], body).await
}

pub(crate) async fn mint_admin(sb: &Sandbox) -> String {
    let reply = post_json(
        sb,
        "/oauth2/token",
        &[],
        json!({"grant_type": "client_credentials", "client_id": seed::CLIENT_ID, "client_secret": seed::CLIENT_SECRET}),
    )
    .await;
    assert_eq!(
        reply.status,
        200,
        "{}",
        String::from_utf8_lossy(&reply.body)
    );
    reply.json()["access_token"].as_str().unwrap().to_owned()
}

async fn visitor_token(sb: &Sandbox, client_id: &str) -> Value {
    let reply = post_json(
        sb,
        "/oauth2/token",
        &[],
        json!({"clientId": client_id, "grantType": "anonymous"}),
    )
    .await;
    assert_eq!(reply.status, 200);
    reply.json()
}

pub(crate) async fn member_token(sb: &Sandbox, member: &SeedMember) -> String {
    let reply = post_json(
        sb,
        "/oauth2/token",
        &[],
        json!({"clientId": seed::CLIENT_ID, "grantType": "refresh_token", "refreshToken": member.refresh_token}),
    )
    .await;
    assert_eq!(reply.status, 200);
    reply.json()["access_token"].as_str().unwrap().to_owned()
}

async fn token_info(sb: &Sandbox, token: &str) -> Reply {
    post_json(sb, "/oauth2/token-info", &[], json!({ "token": token })).await
}

const PROPERTIES: &str = "/site-properties/v4/properties";

async fn properties_with(sb: &Sandbox, authorization: &str) -> Reply {
    get(sb, PROPERTIES, &[("Authorization", authorization)]).await
}

pub(crate) async fn spawn() -> Sandbox {
    Sandbox::spawn(0).await.unwrap()
}

pub(crate) fn application_code(reply: &Reply) -> String {
    reply.json()["details"]["applicationError"]["code"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn client_credentials_mints_an_admin_token_that_token_info_describes() {
    let sb = spawn().await;
    let reply = post_json(
        &sb,
        "/oauth2/token",
        &[],
        json!({"grant_type": "client_credentials", "client_id": seed::CLIENT_ID, "client_secret": seed::CLIENT_SECRET}),
    )
    .await;
    assert_eq!(reply.status, 200);
    let body = reply.json();
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 14_400);
    assert!(body.get("refresh_token").is_none());
    let token = body["access_token"].as_str().unwrap();
    assert!(token.starts_with("sbx.") && token.len() > 60);

    let info = token_info(&sb, token).await;
    assert_eq!(info.status, 200);
    let info = info.json();
    assert_eq!(info["active"], true);
    assert_eq!(info["subjectType"], "APP");
    assert_eq!(info["subjectId"], seed::CLIENT_ID);
    assert_eq!(info["clientId"], seed::CLIENT_ID);
    assert_eq!(info["siteId"], seed::SITE_ID);
    let (iat, exp) = (info["iat"].as_u64().unwrap(), info["exp"].as_u64().unwrap());
    assert_eq!(exp - iat, 14_400);
}

#[tokio::test(flavor = "multi_thread")]
async fn client_credentials_also_accepts_a_form_body() {
    let sb = spawn().await;
    let form = format!(
        "grant_type=client_credentials&client_id={}&client_secret={}",
        seed::CLIENT_ID,
        seed::CLIENT_SECRET
    );
    let reply = send(
        sb.addr,
        "POST",
        "/oauth2/token",
        &[],
        Some(("application/x-www-form-urlencoded", form.into_bytes())),
    )
    .await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.json()["token_type"], "Bearer");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_wrong_secret_or_unknown_client_is_invalid_client_and_counted() {
    let sb = spawn().await;
    for (client, secret) in [
        (seed::CLIENT_ID, "not-the-secret"),
        ("00000000-0000-4000-8000-000000000000", seed::CLIENT_SECRET),
        (seed::CLIENT_ID, seed::OTHER_CLIENT_SECRET),
    ] {
        let reply = post_json(
            &sb,
            "/oauth2/token",
            &[],
            json!({"grant_type": "client_credentials", "client_id": client, "client_secret": secret}),
        )
        .await;
        assert_eq!(reply.status, 401);
        assert_eq!(reply.json()["error"], "invalid_client");
        assert!(reply.json()["error_description"].is_string());
    }
    mint_admin(&sb).await;
    let stats = sb.state.stats();
    assert_eq!((stats.mints, stats.mint_rejections), (1, 3));
    assert_eq!(stats.elevated_calls, 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn unsupported_grants_and_unknown_clients_are_refused() {
    let sb = spawn().await;
    let reply = post_json(
        &sb,
        "/oauth2/token",
        &[],
        json!({"clientId": seed::CLIENT_ID, "grantType": "password"}),
    )
    .await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.json()["error"], "unsupported_grant_type");

    let reply = post_json(
        &sb,
        "/oauth2/token",
        &[],
        json!({"clientId": "00000000-0000-4000-8000-000000000000", "grantType": "anonymous"}),
    )
    .await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.json()["error"], "invalid_client");
}

#[tokio::test(flavor = "multi_thread")]
async fn anonymous_grant_gives_a_visitor_token_that_refreshes_to_the_same_visitor() {
    let sb = spawn().await;
    let body = visitor_token(&sb, seed::CLIENT_ID).await;
    assert_eq!(body["expires_in"], 14_400);
    let token = body["access_token"].as_str().unwrap();
    let info = token_info(&sb, token).await.json();
    assert_eq!(info["active"], true);
    assert_eq!(info["subjectType"], "VISITOR");
    assert_eq!(info["clientId"], seed::CLIENT_ID);
    assert_eq!(info["siteId"], seed::SITE_ID);
    let visitor_id = info["subjectId"].as_str().unwrap().to_owned();
    assert_eq!(visitor_id.len(), 36);

    let refresh = body["refresh_token"].as_str().unwrap();
    let again = post_json(
        &sb,
        "/oauth2/token",
        &[],
        json!({"clientId": seed::CLIENT_ID, "grantType": "refresh_token", "refreshToken": refresh}),
    )
    .await
    .json();
    let new_token = again["access_token"].as_str().unwrap();
    assert_ne!(new_token, token);
    assert_eq!(
        token_info(&sb, new_token).await.json()["subjectId"],
        visitor_id
    );

    let other = visitor_token(&sb, seed::CLIENT_ID).await;
    let other_info = token_info(&sb, other["access_token"].as_str().unwrap()).await;
    assert_ne!(other_info.json()["subjectId"], visitor_id);
}

#[tokio::test(flavor = "multi_thread")]
async fn refresh_tokens_of_seeded_members_give_member_tokens() {
    let sb = spawn().await;
    for member in seed::MEMBERS {
        let token = member_token(&sb, member).await;
        let info = token_info(&sb, &token).await.json();
        assert_eq!(info["active"], true);
        assert_eq!(info["subjectType"], "MEMBER");
        assert_eq!(info["subjectId"], member.id);
        assert_eq!(info["clientId"], seed::CLIENT_ID);
        assert_eq!(info["siteId"], seed::SITE_ID);
    }

    let unknown = post_json(
        &sb,
        "/oauth2/token",
        &[],
        json!({"clientId": seed::CLIENT_ID, "grantType": "refresh_token", "refreshToken": "sbx-refresh-nobody"}),
    )
    .await;
    assert_eq!(unknown.status, 400);
    assert_eq!(unknown.json()["error"], "invalid_grant");

    // Members belong to SITE_ID: another site's client cannot use their refresh tokens.
    let wrong_client = post_json(
        &sb,
        "/oauth2/token",
        &[],
        json!({"clientId": seed::OTHER_CLIENT_ID, "grantType": "refresh_token", "refreshToken": seed::MEMBER.refresh_token}),
    )
    .await;
    assert_eq!(wrong_client.status, 400);
    assert_eq!(wrong_client.json()["error"], "invalid_grant");
}

#[tokio::test(flavor = "multi_thread")]
async fn tokens_of_the_other_client_carry_the_other_site() {
    let sb = spawn().await;
    let body = visitor_token(&sb, seed::OTHER_CLIENT_ID).await;
    let info = token_info(&sb, body["access_token"].as_str().unwrap())
        .await
        .json();
    assert_eq!(info["active"], true);
    assert_eq!(info["clientId"], seed::OTHER_CLIENT_ID);
    assert_eq!(info["siteId"], seed::OTHER_SITE_ID);

    let reply = post_json(
        &sb,
        "/oauth2/token",
        &[],
        json!({"grant_type": "client_credentials", "client_id": seed::OTHER_CLIENT_ID, "client_secret": seed::OTHER_CLIENT_SECRET}),
    )
    .await;
    assert_eq!(reply.status, 200);
    let other_admin = reply.json()["access_token"].as_str().unwrap().to_owned();
    assert_eq!(properties_with(&sb, &other_admin).await.status, 403);
}

#[tokio::test(flavor = "multi_thread")]
async fn token_info_on_an_unknown_token_is_401_with_a_wix_error_body() {
    let sb = spawn().await;
    let reply = token_info(&sb, "sbx.never-issued").await;
    assert_eq!(reply.status, 401);
    let body = reply.json();
    assert!(body["message"].is_string());
    assert_eq!(
        body["details"]["applicationError"]["code"],
        "UNAUTHENTICATED"
    );
    assert!(reply.header("x-wix-request-id").is_some());

    let missing = post_json(&sb, "/oauth2/token-info", &[], json!({})).await;
    assert_eq!(missing.status, 400);
    assert_eq!(
        missing.json()["details"]["validationError"]["fieldViolations"][0]["field"],
        "token"
    );
    assert_eq!(sb.state.stats().token_info_calls, 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn only_admin_tokens_and_the_api_key_pass_the_admin_check() {
    let sb = spawn().await;
    let admin = mint_admin(&sb).await;
    let visitor = visitor_token(&sb, seed::CLIENT_ID).await["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let member = member_token(&sb, &seed::ADMIN).await;

    let none = get(&sb, PROPERTIES, &[]).await;
    assert_eq!(none.status, 401);
    assert_eq!(application_code(&none), "UNAUTHENTICATED");
    assert_eq!(none.json()["message"], "unauthenticated");
    assert_eq!(properties_with(&sb, "sbx.garbage").await.status, 401);

    let as_visitor = properties_with(&sb, &visitor).await;
    assert_eq!(as_visitor.status, 403);
    assert_eq!(application_code(&as_visitor), "PERMISSION_DENIED");
    // Being the admin *member* is not admin rights at Wix: only elevation is.
    assert_eq!(properties_with(&sb, &member).await.status, 403);

    assert_eq!(properties_with(&sb, &admin).await.status, 200);
    assert_eq!(
        properties_with(&sb, &format!("Bearer {admin}"))
            .await
            .status,
        200
    );

    let with_site = get(
        &sb,
        PROPERTIES,
        &[
            ("Authorization", seed::API_KEY),
            ("wix-site-id", seed::SITE_ID),
        ],
    )
    .await;
    assert_eq!(with_site.status, 200);
    assert_eq!(properties_with(&sb, seed::API_KEY).await.status, 403);

    let labels: Vec<String> = sb
        .state
        .stats()
        .calls
        .into_iter()
        .filter(|c| c.path == PROPERTIES)
        .map(|c| format!("{}:{}", c.auth, c.status))
        .collect();
    assert_eq!(
        labels,
        [
            "none:401",
            "invalid:401",
            "visitor:403",
            "member:403",
            "admin:200",
            "admin:200",
            "apiKey:200",
            "apiKey:403"
        ]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn site_properties_include_private_owner_fields_and_honour_the_field_mask() {
    let sb = spawn().await;
    let admin = mint_admin(&sb).await;
    let full = properties_with(&sb, &admin).await.json();
    assert_eq!(full["version"], seed::SITE_PROPERTIES_VERSION.to_string());
    assert_eq!(full["properties"]["email"], seed::OWNER_EMAIL);
    assert_eq!(full["properties"]["fax"], seed::OWNER_FAX);
    assert_eq!(full["properties"]["locale"]["languageCode"], "en");

    // The SDK's mask: one `fields`, names joined by commas (URL-encoded or not); repeating it works too.
    for query in [
        "fields=siteDisplayName,locale",
        "fields=siteDisplayName%2Clocale",
        "fields=siteDisplayName&fields=locale",
    ] {
        let masked = get(
            &sb,
            &format!("/site-properties/v4/properties?{query}"),
            &[("Authorization", &admin)],
        )
        .await;
        assert_eq!(masked.status, 200, "{query}");
        let properties = masked.json()["properties"].as_object().unwrap().clone();
        let mut keys: Vec<&String> = properties.keys().collect();
        keys.sort();
        assert_eq!(keys, ["locale", "siteDisplayName"], "{query}");
        assert_eq!(properties["siteDisplayName"], seed::SITE_DISPLAY_NAME);
    }
    // An empty mask, and parameters that are not the mask, return every field.
    for query in ["fields=", "fields.paths=siteDisplayName"] {
        let all = get(
            &sb,
            &format!("/site-properties/v4/properties?{query}"),
            &[("Authorization", &admin)],
        )
        .await;
        assert_eq!(
            all.json()["properties"]["email"],
            seed::OWNER_EMAIL,
            "{query}"
        );
    }

    let typo = get(
        &sb,
        "/site-properties/v4/properties?fields=siteName",
        &[("Authorization", &admin)],
    )
    .await;
    assert_eq!(typo.status, 400);
    // The call log keeps the path without its query string.
    let stats = sb.state.stats();
    assert!(stats.calls.iter().all(|c| !c.path.contains('?')));
}

#[tokio::test(flavor = "multi_thread")]
async fn injected_failures_hit_only_matching_paths_for_the_given_count() {
    let sb = spawn().await;
    let admin = mint_admin(&sb).await;
    let set = control(
        &sb,
        "/_sandbox/fail",
        json!({"count": 2, "status": 503, "pathPrefix": "/site-properties"}),
    )
    .await;
    assert_eq!(set.status, 204);

    // The token endpoint does not match the prefix.
    mint_admin(&sb).await;
    for _ in 0..2 {
        let reply = properties_with(&sb, &admin).await;
        assert_eq!(reply.status, 503);
        assert_eq!(reply.json(), json!({"message": "", "details": {}}));
        assert!(reply.header("x-wix-request-id").is_some());
    }
    assert_eq!(properties_with(&sb, &admin).await.status, 200);

    control(&sb, "/_sandbox/fail", json!({"count": 1, "status": 429})).await;
    let throttled = token_info(&sb, &admin).await;
    assert_eq!(throttled.status, 429);
    assert_eq!(application_code(&throttled), "RESOURCE_EXHAUSTED");
    assert_eq!(token_info(&sb, &admin).await.status, 200);

    // A huge count means "until cleared"; count 0 clears it.
    control(
        &sb,
        "/_sandbox/fail",
        json!({"count": u64::MAX, "status": 500, "pathPrefix": "/site-properties"}),
    )
    .await;
    for _ in 0..3 {
        assert_eq!(properties_with(&sb, &admin).await.status, 500);
    }
    control(
        &sb,
        "/_sandbox/fail",
        json!({"count": 0, "pathPrefix": "/site-properties"}),
    )
    .await;
    assert_eq!(properties_with(&sb, &admin).await.status, 200);

    let statuses: Vec<u16> = sb
        .state
        .stats()
        .calls
        .iter()
        .filter(|c| c.path == PROPERTIES)
        .map(|c| c.status)
        .collect();
    assert_eq!(statuses, [503, 503, 200, 500, 500, 500, 200]);

    let bad = control(&sb, "/_sandbox/fail", json!({"count": 1, "status": 200})).await;
    assert_eq!(bad.status, 400);
}

#[tokio::test(flavor = "multi_thread")]
async fn expire_tokens_ends_every_issued_token_but_new_ones_work() {
    let sb = spawn().await;
    let admin = mint_admin(&sb).await;
    let member = member_token(&sb, &seed::MEMBER).await;
    assert_eq!(
        control(&sb, "/_sandbox/expire-tokens", json!({}))
            .await
            .status,
        204
    );

    assert_eq!(properties_with(&sb, &admin).await.status, 401);
    for token in [&admin, &member] {
        let reply = token_info(&sb, token).await;
        assert_eq!(reply.status, 200);
        let info = reply.json();
        assert_eq!(info["active"], false);
        assert!(info["subjectType"].is_string() && info["siteId"] == seed::SITE_ID);
        assert!(info["exp"].as_u64().unwrap() < crate::state::now() + 1);
    }

    let fresh = mint_admin(&sb).await;
    assert_eq!(properties_with(&sb, &fresh).await.status, 200);
    // Refresh tokens outlive access tokens.
    let member_again = member_token(&sb, &seed::MEMBER).await;
    assert_eq!(token_info(&sb, &member_again).await.json()["active"], true);
}

#[tokio::test(flavor = "multi_thread")]
async fn deactivate_token_ends_only_that_token() {
    let sb = spawn().await;
    let first = mint_admin(&sb).await;
    let second = mint_admin(&sb).await;
    let reply = control(&sb, "/_sandbox/deactivate-token", json!({ "token": first })).await;
    assert_eq!(reply.status, 204);
    assert_eq!(token_info(&sb, &first).await.json()["active"], false);
    assert_eq!(properties_with(&sb, &first).await.status, 401);
    assert_eq!(token_info(&sb, &second).await.json()["active"], true);
    assert_eq!(properties_with(&sb, &second).await.status, 200);

    let unknown = control(&sb, "/_sandbox/deactivate-token", json!({"token": "nope"})).await;
    assert_eq!(unknown.status, 404);
}

#[tokio::test(flavor = "multi_thread")]
async fn rotate_secret_revokes_admin_tokens_and_the_old_secret() {
    let sb = spawn().await;
    let admin = mint_admin(&sb).await;
    let visitor = visitor_token(&sb, seed::CLIENT_ID).await["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let reply = control(
        &sb,
        "/_sandbox/rotate-secret",
        json!({"clientSecret": "sbx-secret-rotated"}),
    )
    .await;
    assert_eq!(reply.status, 204);

    assert_eq!(properties_with(&sb, &admin).await.status, 401);
    assert_eq!(token_info(&sb, &admin).await.json()["active"], false);
    assert_eq!(token_info(&sb, &visitor).await.json()["active"], true);

    let old = post_json(
        &sb,
        "/oauth2/token",
        &[],
        json!({"grant_type": "client_credentials", "client_id": seed::CLIENT_ID, "client_secret": seed::CLIENT_SECRET}),
    )
    .await;
    assert_eq!(old.status, 401);
    assert_eq!(old.json()["error"], "invalid_client");

    let new = post_json(
        &sb,
        "/oauth2/token",
        &[],
        json!({"grant_type": "client_credentials", "client_id": seed::CLIENT_ID, "client_secret": "sbx-secret-rotated"}),
    )
    .await;
    assert_eq!(new.status, 200);
    let token = new.json()["access_token"].as_str().unwrap().to_owned();
    assert_eq!(properties_with(&sb, &token).await.status, 200);
}

#[tokio::test(flavor = "multi_thread")]
async fn admin_token_ttl_steers_expires_in() {
    let sb = spawn().await;
    control(&sb, "/_sandbox/admin-token-ttl", json!({"seconds": 60})).await;
    let reply = post_json(
        &sb,
        "/oauth2/token",
        &[],
        json!({"grant_type": "client_credentials", "client_id": seed::CLIENT_ID, "client_secret": seed::CLIENT_SECRET}),
    )
    .await
    .json();
    assert_eq!(reply["expires_in"], 60);
    let info = token_info(&sb, reply["access_token"].as_str().unwrap())
        .await
        .json();
    assert_eq!(
        info["exp"].as_u64().unwrap() - info["iat"].as_u64().unwrap(),
        60
    );
    // Visitor tokens keep their own lifetime.
    assert_eq!(
        visitor_token(&sb, seed::CLIENT_ID).await["expires_in"],
        14_400
    );

    control(&sb, "/_sandbox/admin-token-ttl", json!({"seconds": 0})).await;
    let dead = mint_admin(&sb).await;
    assert_eq!(properties_with(&sb, &dead).await.status, 401);
}

#[tokio::test(flavor = "multi_thread")]
async fn latency_delays_wix_calls_but_not_control_calls() {
    let sb = spawn().await;
    control(&sb, "/_sandbox/latency", json!({"ms": 250})).await;
    let started = Instant::now();
    token_info(&sb, "sbx.x").await;
    assert!(started.elapsed() >= Duration::from_millis(250));

    let started = Instant::now();
    get(&sb, "/_sandbox/stats", &[]).await;
    assert!(started.elapsed() < Duration::from_millis(250));

    control(&sb, "/_sandbox/latency", json!({"ms": 0})).await;
    let started = Instant::now();
    token_info(&sb, "sbx.x").await;
    assert!(started.elapsed() < Duration::from_millis(250));
}

#[tokio::test(flavor = "multi_thread")]
async fn stats_count_wix_calls_and_reset_restores_the_seed() {
    let sb = spawn().await;
    let admin = mint_admin(&sb).await;
    token_info(&sb, &admin).await;
    properties_with(&sb, &admin).await;
    let missing = get(&sb, "/members/v1/nope?x=1", &[("Authorization", &admin)]).await;
    assert_eq!(missing.status, 404);
    assert_eq!(application_code(&missing), "NOT_FOUND");
    control(
        &sb,
        "/_sandbox/rotate-secret",
        json!({"clientSecret": "s2"}),
    )
    .await;

    let reply = get(&sb, "/_sandbox/stats", &[]).await;
    assert_eq!(reply.status, 200);
    // Control responses carry a request id too.
    assert!(reply.header("x-wix-request-id").is_some());
    let stats = reply.json();
    assert_eq!(stats["mints"], 1);
    assert_eq!(stats["mintRejections"], 0);
    assert_eq!(stats["tokenInfoCalls"], 1);
    assert_eq!(stats["elevatedCalls"], 2);
    let calls = stats["calls"].as_array().unwrap();
    let summary: Vec<Value> = calls
        .iter()
        .map(|c| json!([c["method"], c["path"], c["status"], c["auth"], c["query"]]))
        .collect();
    assert_eq!(
        summary,
        [
            json!(["POST", "/oauth2/token", 200, "none", ""]),
            json!(["POST", "/oauth2/token-info", 200, "none", ""]),
            json!(["GET", PROPERTIES, 200, "admin", ""]),
            json!(["GET", "/members/v1/nope", 404, "admin", "x=1"]),
        ]
    );
    // JSON bodies both ways are logged, to compare with what Wix's SDK sends; a GET has none.
    assert_eq!(calls[1]["body"], json!({ "token": admin }));
    assert_eq!(calls[1]["answer"]["siteId"], crate::seed::SITE_ID);
    assert!(calls[2]["body"].is_null() && calls[2]["answer"]["properties"].is_object());

    assert_eq!(control(&sb, "/_sandbox/reset", json!({})).await.status, 204);
    let stats = sb.state.stats();
    assert_eq!(stats, crate::Stats::default());
    // The seeded secret works again and earlier tokens are gone.
    assert_eq!(token_info(&sb, &admin).await.status, 401);
    mint_admin(&sb).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn every_response_has_a_fresh_request_id() {
    let sb = spawn().await;
    let a = token_info(&sb, "sbx.a").await;
    let b = token_info(&sb, "sbx.a").await;
    let (a, b) = (
        a.header("x-wix-request-id").unwrap().to_owned(),
        b.header("x-wix-request-id").unwrap().to_owned(),
    );
    assert_ne!(a, b);
    assert_eq!(a.len(), 36);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_taken_login_email_is_409_with_code_19995_and_creates_nobody() {
    let sb = spawn().await;
    let admin = mint_admin(&sb).await;
    let create = |email: &str| json!({ "member": { "loginEmail": email } });
    let auth = [("Authorization", admin.as_str())];
    let taken = post_json(&sb, "/members/v1/members", &auth, create("Mia@Example.com")).await;
    assert_eq!(taken.status, 409);
    assert_eq!(application_code(&taken), "-19995");
    let invalid = post_json(&sb, "/members/v1/members", &auth, json!({ "member": {} })).await;
    assert_eq!(invalid.status, 400);
    assert_eq!(sb.state.members().len(), seed::MEMBERS.len());
    let created = post_json(&sb, "/members/v1/members", &auth, create("new@example.com")).await;
    assert_eq!(created.status, 200);
    assert_eq!(created.json()["member"]["status"], "PENDING");
    assert_eq!(sb.state.members().len(), seed::MEMBERS.len() + 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_new_member_with_a_guests_email_gets_the_guests_contact_as_on_wix() {
    let sb = spawn().await;
    let admin = mint_admin(&sb).await;
    let auth = [("Authorization", admin.as_str())];
    let create = |email: &str| json!({ "member": { "loginEmail": email } });
    let noor = post_json(
        &sb,
        "/members/v1/members",
        &auth,
        create("NOOR@example.com"),
    )
    .await;
    assert_eq!(noor.status, 200);
    assert_eq!(noor.json()["member"]["contactId"], seed::NOOR_CONTACT_ID);
    let fresh = post_json(
        &sb,
        "/members/v1/members",
        &auth,
        create("fresh@example.com"),
    )
    .await;
    let contact = fresh.json()["member"]["contactId"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        seed::MEMBERS.iter().all(|m| m.contact_id != contact)
            && contact != seed::NOOR_CONTACT_ID
            && contact != seed::GUEST_CONTACT_ID,
        "an email no contact has gets a new contact"
    );
    let id = noor.json()["member"]["id"].as_str().unwrap().to_owned();
    assert!(
        sb.state
            .refresh_token_of(&id)
            .is_some_and(|t| t.starts_with("sbx-refresh-"))
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_members_query_refuses_unknown_fields_and_operators() {
    let sb = spawn().await;
    let admin = mint_admin(&sb).await;
    let auth = [("Authorization", admin.as_str())];
    let query = |filter: Value| json!({ "query": { "filter": filter }, "fieldsets": ["EXTENDED"] });
    for bad in [
        json!({ "password": "x" }),
        json!({ "status": { "$regex": ".*" } }),
    ] {
        let reply = post_json(&sb, "/members/v1/members/query", &auth, query(bad)).await;
        assert_eq!(reply.status, 400);
    }
    let reply = post_json(
        &sb,
        "/members/v1/members/query",
        &auth,
        query(
            json!({ "$or": [{ "status": "PENDING" }, { "loginEmail": { "$startsWith": "bo@" } }] }),
        ),
    )
    .await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.json()["metadata"]["total"], 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_created_date_member_filter_is_refused_and_created_date_sorts() {
    let sb = spawn().await;
    let admin = mint_admin(&sb).await;
    let auth = [("Authorization", admin.as_str())];
    let filter =
        json!({ "query": { "filter": { "createdDate": { "$gte": "2020-01-01T00:00:00Z" } } } });
    let refused = post_json(&sb, "/members/v1/members/query", &auth, filter).await;
    assert_eq!(refused.status, 400);
    let violation = &refused.json()["details"]["validationError"]["fieldViolations"][0];
    assert_eq!(violation["field"], "query.filter");

    // `sort` as the SDK sends it, `sorting` as the REST type names it.
    let mut by_date: Vec<&seed::SeedMember> = seed::MEMBERS.iter().collect();
    by_date.sort_by_key(|m| m.created_date);
    let newest = by_date.last().unwrap().id;
    for key in ["sort", "sorting"] {
        let mut body = json!({ "query": { "paging": { "limit": 1 } } });
        body["query"][key] = json!([{ "fieldName": "createdDate", "order": "DESC" }]);
        let reply = post_json(&sb, "/members/v1/members/query", &auth, body).await;
        assert_eq!(reply.status, 200, "{key}");
        assert_eq!(reply.json()["members"][0]["id"], newest, "{key}");
    }
    let unsortable = json!({ "query": { "sort": [{ "fieldName": "loginEmail" }] } });
    let reply = post_json(&sb, "/members/v1/members/query", &auth, unsortable).await;
    assert_eq!(reply.status, 400);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_upload_url_takes_one_upload_without_authorization() {
    let sb = spawn().await;
    let admin = mint_admin(&sb).await;
    let generated = post_json(
        &sb,
        "/site-media/v1/files/generate-upload-url",
        &[("Authorization", admin.as_str())],
        json!({ "mimeType": "image/png", "sizeInBytes": "4" }),
    )
    .await;
    assert_eq!(generated.status, 200);
    let url = generated.json()["uploadUrl"].as_str().unwrap().to_owned();
    let path = url
        .strip_prefix(&sb.base_url)
        .expect("on the sandbox")
        .to_owned();
    let put = async |path: &str| {
        send(
            sb.addr,
            "PUT",
            path,
            &[],
            Some(("image/png", b"\x89PNG".to_vec())),
        )
        .await
    };
    let first = put(&format!("{path}?filename=a.png")).await;
    assert_eq!(
        first.status,
        200,
        "{}",
        String::from_utf8_lossy(&first.body)
    );
    assert_eq!(first.json()["file"]["sizeInBytes"], "4");
    let again = put(&path).await;
    assert_eq!(again.status, 429, "one upload per URL");
    let unknown = put(&format!("{}/sbx-upload-unknown", crate::media::UPLOAD_PATH)).await;
    assert_eq!(unknown.status, 403);
    let files = sb.state.media_files();
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].bytes, b"\x89PNG");
    assert_eq!(files[0].file_name, "a.png");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_item_goes_only_into_a_collection_that_exists() {
    let sb = spawn().await;
    let admin = mint_admin(&sb).await;
    let auth = [("Authorization", admin.as_str())];
    let insert = |collection: &str| json!({ "dataCollectionId": collection, "dataItem": { "data": { "title": "x" } } });
    let missing = post_json(&sb, "/wix-data/v2/items", &auth, insert("nope")).await;
    assert_eq!(missing.status, 404);
    assert_eq!(application_code(&missing), "WDE0025");
    let inserted = post_json(
        &sb,
        "/wix-data/v2/items",
        &auth,
        insert(seed::UPLOAD_COLLECTION_ID),
    )
    .await;
    assert_eq!(inserted.status, 200);
    let items = sb.state.data_items(seed::UPLOAD_COLLECTION_ID).unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["_id"], inserted.json()["dataItem"]["id"]);
}

mod attestation;
mod commerce;
mod login;
