//! The example frontend in headless Chromium against the local stack, served from two origins: the one
//! the functions allow, and another. The watch runs with `--disable-cors`, so what the browser sees is
//! the functions' own CORS answers: the allowed page loads the site and uploads a picture, the other page
//! is blocked for both, and its requests never reach an elevated call.
//!
//! The page gets its tokens with Wix's own SDK (`@wix/sdk`'s `OAuthStrategy`, bundled unmodified), set
//! up as in production: the SDK calls `https://www.wixapis.com`, and drive.mjs answers Chromium's
//! requests for that host from the sandbox. A third visit starts as a member who logged in elsewhere on
//! the site (the SDK holds only the member's refresh token), so the SDK renews the member's token itself.
//! The upload form loads Cloudflare Turnstile's widget script from `https://challenges.cloudflare.com`,
//! which drive.mjs also answers from the sandbox (its stand-in widget), so upload-image gets a real
//! attestation token and verifies it with the sandbox's `siteverify`.

use std::path::PathBuf;
use std::process::Command;

use crate::harness::{Stack, StackOptions, TINY_PNG, free_port, seed, workspace_root};
use serde_json::{Value, json};

fn browser_dir() -> PathBuf {
    workspace_root().join("tests/browser")
}

/// Run drive.mjs against the stack; what each page showed, as JSON.
fn drive(
    functions: &str,
    wix: &str,
    ports: (u16, u16),
    image: &PathBuf,
    screenshots: &PathBuf,
) -> Value {
    let output = Command::new("node")
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
        .arg("--upload")
        .arg("--image")
        .arg(image)
        .args(["--member-refresh-token", seed::MEMBER.refresh_token])
        .output()
        .expect("node runs");
    assert!(
        output.status.success(),
        "drive.mjs failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("drive.mjs prints JSON")
}

#[tokio::test]
async fn a_page_from_an_allowed_origin_works_and_one_from_another_origin_is_blocked_by_the_browser()
{
    assert!(
        browser_dir().join("node_modules/playwright-core").exists()
            && PathBuf::from("/usr/bin/chromium").exists(),
        "the browser test needs Chromium and playwright-core: run scripts/setup"
    );
    let ports = (free_port(), free_port());
    let stack = Stack::start_with(StackOptions {
        extra_env: vec![(
            "ALLOWED_ORIGINS".into(),
            format!("http://127.0.0.1:{}", ports.0),
        )],
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

    assert_eq!(
        seen["allowed"]["siteName"],
        seed::SITE_DISPLAY_NAME,
        "{seen}"
    );
    assert_eq!(seen["allowed"]["propertiesStatus"], "Loaded.", "{seen}");
    let uploaded = seen["allowed"]["uploadStatus"].as_str().unwrap();
    assert!(uploaded.contains("waits for approval"), "{seen}");
    for refused in [
        &seen["other"]["propertiesStatus"],
        &seen["other"]["uploadStatus"],
    ] {
        assert!(
            refused.as_str().unwrap().starts_with("Blocked"),
            "the browser refused the other origin: {seen}"
        );
    }
    assert!(seen["other"]["siteName"].is_null());

    assert_eq!(
        seen["member"]["siteName"],
        seed::SITE_DISPLAY_NAME,
        "{seen}"
    );
    assert_eq!(seen["member"]["propertiesStatus"], "Loaded.", "{seen}");
    assert_token_requests_went_through_wixapis(&seen);

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
    assert_eq!(items[0]["_id"], seen["allowed"]["uploadedItemId"]);
    let stats = stack.stats();
    let site_calls = stats
        .calls
        .iter()
        .filter(|c| c.path.starts_with("/site-properties"))
        .count();
    assert_eq!(
        site_calls, 2,
        "only the allowed pages' requests (visitor, member) were elevated"
    );
    // The allowed page's upload carried a token from the widget it loaded (Turnstile's script, from
    // challenges.cloudflare.com as routed by drive.mjs), and the function verified it once.
    let widget: Vec<(String, String, u64)> = seen["allowed"]["widgetRequests"]
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
        "{seen}"
    );
    assert!(
        widget
            .iter()
            .any(|(method, _, status)| method == "POST" && *status == 200),
        "the widget got a token: {seen}"
    );
    assert_eq!(stats.attestation_calls, 1, "one upload, one siteverify");
    let verified = stack.sandbox.state.attestation_verifications();
    assert!(verified.iter().all(|v| v.success), "{verified:?}");
    // One check of the allowed page's visitor token in each function it called (each is its own
    // process with its own cache) and one of the member's; none for the other page, whose requests
    // died at the preflight.
    assert_eq!(stats.token_info_calls, 3);
    // The SDK's three grants reached the sandbox (through www.wixapis.com: no page request went to the
    // sandbox's own address); every other token request was a function's admin mint.
    let token_requests = stats
        .calls
        .iter()
        .filter(|c| c.method == "POST" && c.path == "/oauth2/token")
        .collect::<Vec<_>>();
    assert_eq!(
        token_requests.len() as u64,
        3 + stats.mints + stats.mint_rejections,
        "{token_requests:?}"
    );
    assert!(
        token_requests.iter().all(|c| c.status == 200),
        "{token_requests:?}"
    );
    for shot in [
        "allowed-origin.png",
        "other-origin.png",
        "allowed-origin-member.png",
    ] {
        assert!(
            std::fs::metadata(screenshots.join(shot)).unwrap().len() > 1000,
            "{shot}"
        );
    }
}

/// Each page got exactly one token, from Wix's SDK, through `https://www.wixapis.com` as routed by
/// drive.mjs: the SDK's own request shape (JSON body, its BI header), answered 200 by the sandbox, after a
/// CORS preflight the sandbox answered too; and nothing in the page called the sandbox's own address.
fn assert_token_requests_went_through_wixapis(seen: &Value) {
    let visitor_grant = json!({ "clientId": seed::CLIENT_ID, "grantType": "anonymous" });
    let member_grant = json!({
        "clientId": seed::CLIENT_ID,
        "refreshToken": seed::MEMBER.refresh_token,
        "grantType": "refresh_token",
    });
    for (visit, grant) in [
        ("allowed", &visitor_grant),
        ("other", &visitor_grant),
        ("member", &member_grant),
    ] {
        let page = &seen[visit];
        assert_eq!(
            page["directSandboxRequests"],
            json!([]),
            "{visit}: the page called the sandbox directly: {seen}"
        );
        let requests = page["wixRequests"].as_array().unwrap();
        let methods: Vec<&str> = requests
            .iter()
            .map(|r| r["method"].as_str().unwrap())
            .collect();
        assert_eq!(methods, ["OPTIONS", "POST"], "{visit}: {seen}");
        for request in requests {
            assert_eq!(
                request["url"], "https://www.wixapis.com/oauth2/token",
                "{visit}: {seen}"
            );
        }
        let (preflight, post) = (&requests[0], &requests[1]);
        assert_eq!(preflight["status"], 204, "{visit}: {seen}");
        assert_eq!(post["status"], 200, "{visit}: {seen}");
        assert_eq!(&post["body"], grant, "{visit}: {seen}");
        assert_eq!(post["headers"]["content-type"], "application/json");
        let bi = post["headers"]["x-wix-bi-gateway"]
            .as_str()
            .unwrap_or_default();
        assert!(
            bi.contains("package-name=@wix/sdk"),
            "{visit}: not the SDK's request: {seen}"
        );
    }
}
