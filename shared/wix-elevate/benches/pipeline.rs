//! Hot paths of a warm function, each beside a baseline measured in the same run:
//!
//! - caller check, cached, vs. asking token-info (what every request would cost without the cache);
//! - an elevated call through [`Wix`] (credential, retry wrapper, request-id capture) vs. the same GET
//!   with a bare reqwest client;
//! - typed input parsing (domain types, unknown fields refused) vs. parsing into `serde_json::Value`;
//! - formatting a request's metrics document (EMF) vs. the elevated call it reports on: what metrics add
//!   to a warm request.
//!
//! Wix is the in-process sandbox on loopback. `cargo bench -p wix-elevate` prints the ratios at the end.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use serde_json::json;
use wix_auth::{AdminAuth, Secret, SecretSource};
use wix_elevate::input_bench::{RequestParts, parse_json};
use wix_elevate::wix::WixClient;
use wix_elevate::{CallerVerifier, Config, Wix, WixId, WixPath};
use wix_sandbox::{Sandbox, seed};

struct World {
    runtime: tokio::runtime::Runtime,
    sandbox: Sandbox,
    config: Config,
    http: reqwest::Client,
}

fn world() -> World {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let sandbox = runtime.block_on(Sandbox::spawn(0)).unwrap();
    let base = sandbox.base_url.clone();
    let config = Config::from_lookup(|name| match name {
        "WIX_CLIENT_ID" => Some(seed::CLIENT_ID.into()),
        "WIX_SITE_ID" => Some(seed::SITE_ID.into()),
        "WIX_API_BASE" => Some(base.clone()),
        _ => None,
    })
    .unwrap();
    World {
        runtime,
        sandbox,
        config,
        http: wix_auth::wix_http_client().unwrap(),
    }
}

fn visitor_token(w: &World) -> String {
    w.runtime.block_on(async {
        let body = json!({ "clientId": seed::CLIENT_ID, "grantType": "anonymous" });
        let reply: serde_json::Value = w
            .http
            .post(w.sandbox.url("/oauth2/token"))
            .json(&body)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        reply["access_token"].as_str().unwrap().to_owned()
    })
}

/// Mean time per iteration of each named measurement, for the ratio table.
static MEANS: Mutex<Vec<(&'static str, Duration)>> = Mutex::new(Vec::new());

fn timed(c: &mut Criterion, name: &'static str, mut routine: impl FnMut()) {
    c.bench_function(name, |b| b.iter(&mut routine));
    // Criterion keeps its estimates to itself; a short second timing gives the figure for the ratios.
    let runs = 2000;
    let started = Instant::now();
    for _ in 0..runs {
        routine();
    }
    MEANS.lock().unwrap().push((name, started.elapsed() / runs));
}

fn caller_check(c: &mut Criterion) {
    let w = world();
    let token = visitor_token(&w);
    let verifier = CallerVerifier::new(w.http.clone(), &w.config);
    w.runtime.block_on(verifier.verify_token(&token)).unwrap();
    timed(c, "caller check, cached", || {
        w.runtime.block_on(verifier.verify_token(&token)).unwrap();
    });
    let url = w.sandbox.url("/oauth2/token-info");
    timed(c, "baseline: token-info round trip", || {
        w.runtime.block_on(async {
            let reply = w
                .http
                .post(&url)
                .json(&json!({ "token": token }))
                .send()
                .await
                .unwrap();
            reply.bytes().await.unwrap();
        });
    });
}

fn elevated_call(c: &mut Criterion) {
    let w = world();
    let secret =
        json!({ "clientId": seed::CLIENT_ID, "clientSecret": seed::CLIENT_SECRET }).to_string();
    let auth = AdminAuth::new(
        w.http.clone(),
        &w.sandbox.base_url,
        SecretSource::DevInline(Secret::new(secret)),
    );
    let client = Arc::new(WixClient::new(
        w.http.clone(),
        &w.sandbox.base_url,
        Arc::new(auth),
    ));
    let path = WixPath::new("/site-properties/v4/properties");
    w.runtime
        .block_on(Wix::new(Arc::clone(&client)).get::<serde_json::Value>(&path, &[]))
        .unwrap();
    timed(c, "elevated GET through Wix", || {
        let wix = Wix::new(Arc::clone(&client));
        w.runtime
            .block_on(wix.get::<serde_json::Value>(&path, &[]))
            .unwrap();
    });
    let token = w.runtime.block_on(async {
        let body = json!({ "grant_type": "client_credentials", "client_id": seed::CLIENT_ID, "client_secret": seed::CLIENT_SECRET });
        let reply: serde_json::Value =
            w.http.post(w.sandbox.url("/oauth2/token")).json(&body).send().await.unwrap().json().await.unwrap();
        reply["access_token"].as_str().unwrap().to_owned()
    });
    let url = w.sandbox.url(path.as_str());
    timed(c, "baseline: bare reqwest GET", || {
        w.runtime.block_on(async {
            let reply = w
                .http
                .get(&url)
                .header("authorization", &token)
                .send()
                .await
                .unwrap();
            reply.json::<serde_json::Value>().await.unwrap();
        });
    });
}

#[derive(serde::Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[allow(dead_code)]
struct CreateMember {
    member_id: WixId,
    login_email: String,
    nickname: Option<String>,
}

fn input_parsing(c: &mut Criterion) {
    let body = br#"{"memberId":"3f2a6c1e-8d4b-4e57-9a3c-2b1d0e9f8a76","loginEmail":"ada@example.com","nickname":"Ada"}"#;
    let headers = http::HeaderMap::new();
    timed(c, "typed input parse", || {
        parse_json::<CreateMember>(
            &RequestParts {
                headers: &headers,
                query: "",
            },
            body,
        )
        .unwrap();
    });
    timed(c, "baseline: serde_json::Value parse", || {
        serde_json::from_slice::<serde_json::Value>(body).unwrap();
    });
}

fn metrics_document(c: &mut Criterion) {
    let sample = wix_elevate::metrics_bench::Sample::default();
    timed(c, "metrics document formatted", || {
        assert!(sample.line() > 0);
    });
}

fn ratios(_: &mut Criterion) {
    let means = MEANS.lock().unwrap();
    let mean = |name: &str| {
        means
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, d)| d.as_secs_f64())
            .unwrap()
    };
    println!("\nratios (same run):");
    for (ours, baseline) in [
        ("caller check, cached", "baseline: token-info round trip"),
        ("elevated GET through Wix", "baseline: bare reqwest GET"),
        ("typed input parse", "baseline: serde_json::Value parse"),
        ("metrics document formatted", "elevated GET through Wix"),
    ] {
        println!(
            "  {ours:<28} {:>10.2?}  vs {baseline:<36} {:>10.2?}  ratio {:.3}",
            Duration::from_secs_f64(mean(ours)),
            Duration::from_secs_f64(mean(baseline)),
            mean(ours) / mean(baseline)
        );
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30).measurement_time(Duration::from_secs(3)).warm_up_time(Duration::from_secs(1));
    targets = caller_check, elevated_call, input_parsing, metrics_document, ratios
}
criterion_main!(benches);
