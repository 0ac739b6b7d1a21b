//! The example frontend in headless Chromium against the local stack, served from two origins: the one
//! the functions allow, and another. The watch runs with `--disable-cors`, so what the browser sees is
//! the functions' own CORS answers.
//!
//! On the allowed origin a member logs in through the page's login form, with Wix's own SDK
//! (`@wix/sdk`'s `OAuthStrategy`, bundled unmodified: `auth.login`, then
//! `getMemberTokensForDirectLogin`, whose hidden iframe loads the authorize page the redirect session
//! names), loads the site, uploads a picture, lists their orders and bookings, cancels a booking, is
//! refused an admin action (a 403 the page shows with its request id) and logs out; then the admin logs
//! in, approves a pending member and refunds an order. Each change is checked in the sandbox. The other
//! origin's page is blocked by the browser for both of its requests, which never reach an elevated
//! call. A last visit starts as a member who logged in elsewhere on the site (the SDK holds only the
//! member's refresh token), so the SDK renews the member's token itself.
//!
//! The page is set up as in production: the SDK calls `https://www.wixapis.com`, and drive.mjs answers
//! Chromium's requests for the Wix hosts from the sandbox (the login's iframe included). The upload form
//! loads Cloudflare Turnstile's widget script from `https://challenges.cloudflare.com`, which drive.mjs
//! also answers from the sandbox (its stand-in widget), so upload-image gets a real attestation token and
//! verifies it with the sandbox's `siteverify`. The page is `frontend/` (`WIX_ELEVATE_FRONTEND` names
//! another directory with the same page contract, to try a page before it lands there).

use std::path::PathBuf;
use std::process::Command;

use crate::harness::{Stack, StackOptions, TINY_PNG, free_port, seed, workspace_root};
use serde_json::{Value, json};

fn browser_dir() -> PathBuf {
    workspace_root().join("tests/browser")
}

/// The booking the member cancels, the member the admin approves, the order the admin refunds.
const CANCELED: &str = seed::MIA_LESSON.id;
const APPROVED: &str = seed::PENDING.id;
const REFUNDED: &str = seed::ORDER_SAM_OPEN;

/// Run drive.mjs against the stack; what each page showed, as JSON.
fn drive(
    functions: &str,
    wix: &str,
    ports: (u16, u16),
    image: &PathBuf,
    screenshots: &PathBuf,
) -> Value {
    let mut command = Command::new("node");
    command
        .arg(browser_dir().join("drive.mjs"))
        .args([
            "--functions",
            functions,
            "--wix",
            wix,
            "--client-id",
            seed::CLIENT_ID,
        ])
        .args([
            "--allowed-port",
            &ports.0.to_string(),
            "--other-port",
            &ports.1.to_string(),
        ])
        .arg("--screenshots")
        .arg(screenshots)
        .arg("--image")
        .arg(image)
        .args(["--member-email", seed::MEMBER.login_email])
        .args(["--member-password", seed::MEMBER.password])
        .args(["--admin-email", seed::ADMIN.login_email])
        .args(["--admin-password", seed::ADMIN.password])
        .args(["--cancel-booking", CANCELED])
        .args(["--approve-member", APPROVED])
        .args(["--refund-order", REFUNDED])
        .args(["--member-refresh-token", seed::MEMBER.refresh_token]);
    if let Some(frontend) = std::env::var_os("WIX_ELEVATE_FRONTEND") {
        command.arg("--frontend").arg(frontend);
    }
    let output = command.output().expect("node runs");
    assert!(
        output.status.success(),
        "drive.mjs failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "drive.mjs prints JSON ({e}):\n{}\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

#[tokio::test]
async fn members_and_admins_use_the_page_from_an_allowed_origin_and_another_origin_is_blocked() {
    assert!(
        browser_dir().join("node_modules/playwright-core").exists()
            && PathBuf::from("/usr/bin/chromium").exists(),
        "the browser test needs Chromium and playwright-core: run scripts/setup"
    );
    let ports = (free_port(), free_port());
    let allowed = format!("http://127.0.0.1:{}", ports.0);
    let stack = Stack::start_with(StackOptions {
        extra_env: vec![("ALLOWED_ORIGINS".into(), allowed.clone())],
        watch_args: vec!["--disable-cors".into()],
        ..Default::default()
    })
    .await;
    let screenshots = workspace_root().join("target/browser-screenshots");
    std::fs::create_dir_all(&screenshots).unwrap();
    let image = screenshots.join("upload.png");
    std::fs::write(&image, TINY_PNG).unwrap();

    let functions = format!("http://127.0.0.1:{}/lambda-url", stack.watch.port);
    let wix = stack.sandbox.base_url.clone();
    let seen = tokio::task::spawn_blocking({
        let (image, screenshots) = (image.clone(), screenshots.clone());
        move || drive(&functions, &wix, ports, &image, &screenshots)
    })
    .await
    .unwrap();
    assert!(
        seen["failure"].is_null(),
        "the page stopped (see {}/failure.png): {seen:#}",
        screenshots.display()
    );

    the_member_logged_in_used_the_page_and_was_refused_the_admin_action(&seen, &stack);
    the_admin_logged_in_and_approved_and_refunded(&seen);
    the_other_origin_was_blocked(&seen);
    assert_eq!(seen["returning"]["whoami"], "member", "{seen:#}");
    assert_ok(&seen["returning"]["properties"]["status"], &seen);
    assert_eq!(
        seen["returning"]["properties"]["siteName"],
        seed::SITE_DISPLAY_NAME
    );
    the_sdk_went_through_the_wix_hosts_only(&seen, &allowed);

    // What the page did, as the sandbox holds it.
    let booking = stack.sandbox.state.booking(CANCELED).unwrap();
    assert_eq!(
        booking.status, "CANCELED",
        "the member's booking is canceled"
    );
    let member = stack.sandbox.state.member(APPROVED).unwrap();
    assert_eq!(member.status, "APPROVED", "the pending member is approved");
    let order = stack.sandbox.state.order(REFUNDED).unwrap();
    assert_eq!(order.refunds.len(), 1, "one refund: {order:?}");
    let items = stack
        .sandbox
        .state
        .data_items(seed::UPLOAD_COLLECTION_ID)
        .unwrap();
    assert_eq!(
        items.len(),
        1,
        "one picture stored, from the allowed page only"
    );
    assert_eq!(items[0]["imageTitle"], "Blue bowl");
    assert_eq!(items[0]["isApproved"], false);
    assert_eq!(items[0]["_id"], seen["member"]["upload"]["itemId"]);

    let stats = stack.stats();
    let site_calls = stats
        .calls
        .iter()
        .filter(|c| c.path.starts_with("/site-properties"))
        .count();
    assert_eq!(
        site_calls, 2,
        "only the allowed pages' requests (member, returning member) were elevated"
    );
    // The member page's upload carried a token from the widget it loaded (Turnstile's script, from
    // challenges.cloudflare.com as routed by drive.mjs), and the function verified it once.
    let widget: Vec<(String, String, u64)> = seen["allowedPage"]["widgetRequests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let url = r["url"].as_str().unwrap_or_default();
            let path = url.split('?').next().unwrap_or_default().to_owned();
            (
                r["method"].as_str().unwrap_or_default().to_owned(),
                path,
                r["status"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    assert!(
        widget.contains(&(
            "GET".into(),
            "https://challenges.cloudflare.com/turnstile/v0/api.js".into(),
            200
        )),
        "{seen:#}"
    );
    assert!(
        widget
            .iter()
            .any(|(method, _, status)| method == "POST" && *status == 200),
        "the widget got a token: {seen:#}"
    );
    assert_eq!(stats.attestation_calls, 1, "one upload, one siteverify");
    let verified = stack.sandbox.state.attestation_verifications();
    assert!(verified.iter().all(|v| v.success), "{verified:?}");
    // Every token request (the SDK's grants, the functions' admin mints) was answered 200.
    let token_requests = stats
        .calls
        .iter()
        .filter(|c| c.method == "POST" && c.path == "/oauth2/token")
        .collect::<Vec<_>>();
    assert!(
        token_requests.iter().all(|c| c.status == 200),
        "{token_requests:?}"
    );
    for shot in [
        "member-logged-in",
        "member-properties-and-upload",
        "member-orders-and-bookings",
        "member-booking-canceled",
        "member-admin-refused",
        "logged-out",
        "admin-approved-member",
        "admin-refunded-order",
        "other-origin",
        "returning-member",
    ] {
        let path = screenshots.join(format!("{shot}.png"));
        assert!(
            std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0) > 1000,
            "{}",
            path.display()
        );
    }
}

/// A status element that shows a success.
fn assert_ok(shown: &Value, seen: &Value) {
    assert_eq!(shown["ok"], true, "{shown}\nin {seen:#}");
    assert_eq!(shown["error"], false, "{shown}\nin {seen:#}");
}

fn strings(list: &Value) -> Vec<&str> {
    list.as_array()
        .map(|items| items.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

fn the_member_logged_in_used_the_page_and_was_refused_the_admin_action(
    seen: &Value,
    stack: &Stack,
) {
    let member = &seen["member"];
    assert_eq!(member["before"], "visitor", "{seen:#}");
    assert_ok(&member["login"]["status"], seen);
    assert_eq!(member["login"]["whoami"], "member", "{seen:#}");
    assert_ok(&member["properties"]["status"], seen);
    assert_eq!(member["properties"]["siteName"], seed::SITE_DISPLAY_NAME);
    assert_ok(&member["upload"]["status"], seen);
    assert!(member["upload"]["itemId"].is_string(), "{seen:#}");

    assert_ok(&member["orders"]["status"], seen);
    let orders = strings(&member["orders"]["ids"]);
    for mine in [seed::ORDER_MIA_OPEN, seed::ORDER_MIA_PART_REFUNDED] {
        assert!(orders.contains(&mine), "{mine} listed: {seen:#}");
    }
    for theirs in [seed::ORDER_SAM_OPEN, seed::ORDER_GUEST_UNPAID] {
        assert!(!orders.contains(&theirs), "{theirs} is not hers: {seen:#}");
    }
    assert_ok(&member["bookings"]["status"], seen);
    let bookings = &member["bookings"]["list"];
    let listed = |id: &str| bookings.as_array().unwrap().iter().any(|b| b["id"] == id);
    assert!(listed(CANCELED), "{seen:#}");
    assert!(
        !listed(seed::SAM_LESSON.id),
        "another member's booking: {seen:#}"
    );
    assert_ok(&member["cancel"]["status"], seen);

    let refused = &member["adminAttempt"];
    assert_eq!(refused["error"], true, "{seen:#}");
    assert_eq!(refused["status"], "403", "{seen:#}");
    assert!(
        refused["problemType"]
            .as_str()
            .is_some_and(|t| t.ends_with("admin-only")),
        "{seen:#}"
    );
    let request_id = refused["requestId"].as_str().unwrap_or_default();
    assert!(
        !request_id.is_empty(),
        "the page shows the request id: {seen:#}"
    );
    assert!(
        stack.watch.output().contains(request_id),
        "the request id the page shows finds the function's log lines"
    );
    assert_eq!(member["afterLogout"], "visitor", "{seen:#}");
}

fn the_admin_logged_in_and_approved_and_refunded(seen: &Value) {
    let admin = &seen["admin"];
    assert_ok(&admin["login"]["status"], seen);
    assert_eq!(admin["login"]["whoami"], "member", "{seen:#}");
    assert_ok(&admin["pending"]["status"], seen);
    assert!(
        strings(&admin["pending"]["ids"]).contains(&APPROVED),
        "{seen:#}"
    );
    assert_ok(&admin["approve"], seen);
    assert_ok(&admin["orders"]["status"], seen);
    assert!(
        strings(&admin["orders"]["ids"]).contains(&REFUNDED),
        "{seen:#}"
    );
    assert_ok(&admin["refund"], seen);
}

/// The browser blocked both of the other page's requests: no answer reached the page, so it has no
/// status or request id to show, and no site.
fn the_other_origin_was_blocked(seen: &Value) {
    let other = &seen["other"];
    for refused in [&other["properties"]["status"], &other["upload"]["status"]] {
        assert_eq!(
            refused["error"], true,
            "the browser refused the other origin: {seen:#}"
        );
        assert!(refused["requestId"].is_null(), "{seen:#}");
    }
    assert!(other["properties"]["siteName"].is_null());
}

/// Every request of the SDK went to a Wix host (as routed by drive.mjs), none to the sandbox's own
/// address; each login was the SDK's four steps, in order, all answered 200: Login V2 with the member's
/// email, the redirect session, the authorize page loaded as a frame of the allowed page, the code's
/// exchange. Every CORS preflight was answered by the sandbox.
fn the_sdk_went_through_the_wix_hosts_only(seen: &Value, allowed: &str) {
    for visit in ["allowedPage", "other", "returning"] {
        assert_eq!(
            seen[visit]["directSandboxRequests"],
            json!([]),
            "{visit}: the page called the sandbox directly: {seen:#}"
        );
        for request in seen[visit]["wixRequests"].as_array().unwrap() {
            if request["method"] == "OPTIONS" {
                assert_eq!(request["status"], 204, "{visit}: {request}");
            }
        }
    }
    let requests = seen["allowedPage"]["wixRequests"].as_array().unwrap();
    let path = |r: &Value| {
        let url = r["url"].as_str().unwrap_or_default();
        url.split('?').next().unwrap_or_default().to_owned()
    };
    let steps = [
        (
            "POST",
            "https://www.wixapis.com/_api/iam/authentication/v2/login",
        ),
        (
            "POST",
            "https://www.wixapis.com/_api/redirects-api/v1/redirect-session",
        ),
        ("GET", "https://www.wixapis.com/oauth2/authorize"),
        ("POST", "https://www.wixapis.com/oauth2/token"),
    ];
    let mut logins = Vec::new();
    let mut at = 0;
    for email in [seed::MEMBER.login_email, seed::ADMIN.login_email] {
        let mut found = Vec::new();
        for (method, url) in steps {
            let step = requests[at..]
                .iter()
                .position(|r| r["method"] == method && path(r) == url)
                .unwrap_or_else(|| panic!("{email}: no {method} {url} after #{at}: {seen:#}"));
            at += step + 1;
            found.push(&requests[at - 1]);
        }
        let [login, _session, frame, exchange] = found[..] else {
            unreachable!()
        };
        assert_eq!(login["body"]["loginId"]["email"], email, "{seen:#}");
        let bi = login["headers"]["x-wix-bi-gateway"]
            .as_str()
            .unwrap_or_default();
        assert!(
            bi.contains("package-name=@wix/"),
            "the SDK's request: {login}"
        );
        assert_eq!(frame["type"], "Document", "loaded as a frame: {frame}");
        let referer = frame["headers"]["referer"].as_str().unwrap_or_default();
        assert!(referer.starts_with(allowed), "framed by the page: {frame}");
        assert_eq!(exchange["body"]["grantType"], "authorization_code");
        logins.extend(found);
    }
    for step in logins {
        assert_eq!(step["status"], 200, "{step}");
    }
}
