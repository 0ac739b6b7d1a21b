//! The example frontend in headless Chromium against the local stack, served from two origins: the one
//! the functions allow, and another. The watch runs with `--disable-cors`, so what the browser sees is
//! the functions' own CORS answers: the allowed page loads the site, the other page is blocked, and its
//! request never reaches an elevated call.

use std::path::PathBuf;
use std::process::Command;

use blackbox::{Stack, StackOptions, free_port, seed, workspace_root};
use serde_json::Value;

fn browser_dir() -> PathBuf {
    workspace_root().join("tests/browser")
}

#[tokio::test]
async fn a_page_from_an_allowed_origin_works_and_one_from_another_origin_is_blocked_by_the_browser()
{
    assert!(
        browser_dir().join("node_modules/playwright-core").exists()
            && PathBuf::from("/usr/bin/chromium").exists(),
        "the browser test needs Chromium and playwright-core: run scripts/setup"
    );
    let (allowed_port, other_port) = (free_port(), free_port());
    let stack = Stack::start_with(StackOptions {
        extra_env: vec![(
            "ALLOWED_ORIGINS".into(),
            format!("http://127.0.0.1:{allowed_port}"),
        )],
        watch_args: vec!["--disable-cors".into()],
        ..Default::default()
    })
    .await;
    let screenshots = workspace_root().join("target/browser-screenshots");
    std::fs::create_dir_all(&screenshots).unwrap();

    let functions = format!("http://127.0.0.1:{}/lambda-url", stack.watch.port);
    let output = tokio::task::spawn_blocking({
        let (wix, screenshots) = (stack.sandbox.base_url.clone(), screenshots.clone());
        move || {
            Command::new("node")
                .arg(browser_dir().join("drive.mjs"))
                .args([
                    "--functions",
                    &functions,
                    "--wix",
                    &wix,
                    "--client-id",
                    seed::CLIENT_ID,
                ])
                .args([
                    "--allowed-port",
                    &allowed_port.to_string(),
                    "--other-port",
                    &other_port.to_string(),
                ])
                .arg("--screenshots")
                .arg(&screenshots)
                .output()
                .expect("node runs")
        }
    })
    .await
    .unwrap();
    assert!(
        output.status.success(),
        "drive.mjs failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let seen: Value = serde_json::from_slice(&output.stdout).expect("drive.mjs prints JSON");

    assert_eq!(
        seen["allowed"]["siteName"],
        seed::SITE_DISPLAY_NAME,
        "{seen}"
    );
    assert_eq!(seen["allowed"]["propertiesStatus"], "Loaded.", "{seen}");
    let blocked = seen["other"]["propertiesStatus"].as_str().unwrap();
    assert!(
        blocked.starts_with("Blocked"),
        "the browser refused the other origin: {seen}"
    );
    assert!(seen["other"]["siteName"].is_null());

    let stats = stack.stats();
    assert_eq!(
        stats.elevated_calls, 1,
        "only the allowed page's request was elevated"
    );
    assert_eq!(
        stats.token_info_calls, 1,
        "the other page's request never got past the preflight"
    );
    for shot in ["allowed-origin.png", "other-origin.png"] {
        assert!(
            std::fs::metadata(screenshots.join(shot)).unwrap().len() > 1000,
            "{shot}"
        );
    }
}
