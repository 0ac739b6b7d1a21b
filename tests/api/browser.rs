//! The example frontend in headless Chromium against the local stack, served from two origins: the one
//! the functions allow, and another. The watch runs with `--disable-cors`, so what the browser sees is
//! the functions' own CORS answers: the allowed page loads the site and uploads a picture, the other page
//! is blocked for both, and its requests never reach an elevated call.

use std::path::PathBuf;
use std::process::Command;

use crate::harness::{Stack, StackOptions, free_port, seed, workspace_root};
use serde_json::Value;

/// A real 1×1 PNG, as a visitor's file input would hold it.
const TINY_PNG: &[u8] = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99=\x1d\x00\x00\x00\x00IEND\xaeB`\x82";

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
        site_calls, 1,
        "only the allowed page's request was elevated"
    );
    // One check of the allowed page's visitor token in each function it called (each is its own
    // process with its own cache); none for the other page, whose requests died at the preflight.
    assert_eq!(stats.token_info_calls, 2);
    for shot in ["allowed-origin.png", "other-origin.png"] {
        assert!(
            std::fs::metadata(screenshots.join(shot)).unwrap().len() > 1000,
            "{shot}"
        );
    }
}
