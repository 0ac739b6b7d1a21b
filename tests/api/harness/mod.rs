//! Black-box test harness: the real function binaries run under `cargo lambda watch`, AWS Secrets
//! Manager is `moto_server`, and Wix is the sandbox (in this process, so tests can steer it).
//!
//! Every server binds 127.0.0.1. Child processes run in their own process group, are killed with it when
//! their handle drops, and carry a watchdog that kills them if this test process dies first.

mod process;

use std::collections::BTreeSet;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock, PoisonError};
use std::time::{Duration, Instant};

use aws_sdk_secretsmanager::Client as SecretsManager;
pub use process::Process;
use serde_json::{Value, json};
pub use wix_sandbox::{Sandbox, seed};

/// The workspace root (where `cargo lambda watch` runs).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ sits in the workspace")
        .to_path_buf()
}

/// The project-local Python tools (`scripts/setup` makes them): moto_server and cargo-lambda.
pub fn venv_bin(tool: &str) -> PathBuf {
    let dir = std::env::var_os("WIX_ELEVATE_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join(".venv"));
    let path = dir.join("bin").join(tool);
    assert!(
        path.exists(),
        "{} is missing: run scripts/setup first",
        path.display()
    );
    path
}

/// A loopback port nothing listens on now. Every test runs in this one process, and the kernel may hand a
/// just-released port out again, so no port is given to two callers here.
pub fn free_port() -> u16 {
    static HANDED_OUT: Mutex<BTreeSet<u16>> = Mutex::new(BTreeSet::new());
    loop {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        if HANDED_OUT
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(port)
        {
            return port;
        }
    }
}

/// Wait until something accepts connections on 127.0.0.1:`port`.
pub fn wait_for_port(port: u16, within: Duration, process: &Process) {
    let deadline = Instant::now() + within;
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            Instant::now() < deadline,
            "nothing listening on {port} after {within:?}; output:\n{}",
            process.output()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// moto on loopback, one request at a time (`scripts/moto-serial.py` says why).
pub struct Moto {
    pub port: u16,
    _process: Process,
}

impl Moto {
    pub fn start_on(port: u16) -> Moto {
        let mut command = std::process::Command::new(venv_bin("python"));
        command
            .arg(workspace_root().join("scripts/moto-serial.py"))
            .args(["-p", &port.to_string()]);
        let process = Process::spawn("moto", command);
        wait_for_port(port, Duration::from_secs(30), &process);
        Moto {
            port,
            _process: process,
        }
    }

    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// One moto for the whole test binary: secrets are named per test, so tests do not meet.
    pub fn shared() -> &'static Moto {
        static SHARED: OnceLock<Moto> = OnceLock::new();
        SHARED.get_or_init(|| Moto::start_on(free_port()))
    }
}

/// A Secrets Manager client for moto at `endpoint` (dummy credentials; moto checks none).
pub async fn secrets_manager(endpoint: &str) -> SecretsManager {
    let credentials =
        aws_sdk_secretsmanager::config::Credentials::new("testing", "testing", None, None, "tests");
    let config = aws_sdk_secretsmanager::Config::builder()
        .behavior_version(aws_sdk_secretsmanager::config::BehaviorVersion::latest())
        .region(aws_sdk_secretsmanager::config::Region::new("us-east-1"))
        .credentials_provider(credentials)
        .endpoint_url(endpoint)
        .build();
    SecretsManager::from_conf(config)
}

/// A DynamoDB client for moto at `endpoint` (dummy credentials; moto checks none).
pub async fn dynamodb(endpoint: &str) -> aws_sdk_dynamodb::Client {
    aws_sdk_dynamodb::Client::new(&moto_config(endpoint).await)
}

/// AWS configuration pointing every client at moto.
pub async fn moto_config(endpoint: &str) -> aws_config::SdkConfig {
    let credentials =
        aws_sdk_dynamodb::config::Credentials::new("testing", "testing", None, None, "tests");
    aws_config::defaults(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new("us-east-1"))
        .credentials_provider(credentials)
        .endpoint_url(endpoint)
        .load()
        .await
}

/// A fresh state table in moto, laid out as `template.yaml` lays out `StateTable`: string hash key `pk`,
/// on-demand, TTL on `expiration`.
pub async fn create_state_table(endpoint: &str) -> String {
    use aws_sdk_dynamodb::types::{
        AttributeDefinition, BillingMode, KeySchemaElement, KeyType, ScalarAttributeType,
        TimeToLiveSpecification,
    };
    let name = format!("wix-elevate-test-{}", uuid::Uuid::new_v4());
    let client = dynamodb(endpoint).await;
    client
        .create_table()
        .table_name(&name)
        .billing_mode(BillingMode::PayPerRequest)
        .attribute_definitions(
            AttributeDefinition::builder()
                .attribute_name("pk")
                .attribute_type(ScalarAttributeType::S)
                .build()
                .unwrap(),
        )
        .key_schema(
            KeySchemaElement::builder()
                .attribute_name("pk")
                .key_type(KeyType::Hash)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .expect("state table created");
    client
        .update_time_to_live()
        .table_name(&name)
        .time_to_live_specification(
            TimeToLiveSpecification::builder()
                .attribute_name("expiration")
                .enabled(true)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .expect("TTL set");
    name
}

/// The secret JSON for the sandbox's OAuth client, with the sandbox's Turnstile secret key beside it.
pub fn sandbox_oauth_secret(client_secret: &str) -> String {
    json!({
        "clientId": seed::CLIENT_ID,
        "clientSecret": client_secret,
        "attestationSecret": seed::TURNSTILE_SECRET,
    })
    .to_string()
}

/// The host of the stack's `ALLOWED_ORIGINS`: where the example page (and so the widget) runs.
pub const PAGE_HOST: &str = "127.0.0.1";

/// Build the function binaries once for the test process, so the first request does not wait for a compile
/// (and a compile error shows here, not as a timeout).
fn build_functions() {
    static BUILT: OnceLock<()> = OnceLock::new();
    BUILT.get_or_init(|| {
        let status =
            std::process::Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
                .args(["build", "--quiet", "--bins"])
                .current_dir(workspace_root())
                .status()
                .expect("cargo runs");
        assert!(status.success(), "building the function binaries failed");
    });
}

/// `cargo lambda watch` serving every function of the workspace on a free loopback port.
pub struct Watch {
    pub port: u16,
    process: Process,
    _env_dir: TempDir,
}

impl Watch {
    pub fn start(env: &[(String, String)], extra_args: &[String]) -> Watch {
        build_functions();
        let env_dir = TempDir::new();
        let env_file = env_dir.path.join("functions.env");
        let lines: String = env.iter().map(|(k, v)| format!("{k}={v}\n")).collect();
        std::fs::write(&env_file, lines).unwrap();
        let port = free_port();
        let mut command = std::process::Command::new(venv_bin("cargo-lambda"));
        command
            .args([
                "lambda",
                "watch",
                "--ignore-changes",
                "-A",
                "127.0.0.1",
                "-P",
                &port.to_string(),
                "--env-file",
            ])
            .arg(&env_file)
            .args(extra_args)
            .current_dir(workspace_root());
        let process = Process::spawn("cargo-lambda-watch", command);
        wait_for_port(port, Duration::from_secs(60), &process);
        Watch {
            port,
            process,
            _env_dir: env_dir,
        }
    }

    pub fn url(&self, function: &str) -> String {
        format!("http://127.0.0.1:{}/lambda-url/{function}/", self.port)
    }

    /// Everything watch and the functions it ran printed so far.
    pub fn output(&self) -> String {
        self.process.output()
    }
}

/// How a [`Stack`] is set up.
pub struct StackOptions {
    /// Where the functions find Secrets Manager; `None` uses the shared moto.
    pub secrets_endpoint: Option<String>,
    /// Store the secret before starting (false: the test stores it later).
    pub store_secret: bool,
    /// Function environment; replaces a default of the same name.
    pub extra_env: Vec<(String, String)>,
    /// More arguments for `cargo lambda watch` (e.g. `--disable-cors`, `--concurrency 4`).
    pub watch_args: Vec<String>,
}

impl StackOptions {
    /// Up to `processes` instances of each function, as Lambda runs them: requests land on different
    /// processes.
    pub fn instances(processes: u32) -> Self {
        StackOptions {
            watch_args: vec!["--concurrency".into(), processes.to_string()],
            ..StackOptions::default()
        }
    }
}

impl Default for StackOptions {
    fn default() -> Self {
        StackOptions {
            secrets_endpoint: None,
            store_secret: true,
            extra_env: Vec::new(),
            watch_args: Vec::new(),
        }
    }
}

/// Sandbox + Secrets Manager + the functions under `cargo lambda watch`, configured like production.
pub struct Stack {
    pub sandbox: Sandbox,
    pub watch: Watch,
    pub secret_id: String,
    pub secrets_endpoint: String,
    pub http: reqwest::Client,
    env: Vec<(String, String)>,
    watch_args: Vec<String>,
}

impl Stack {
    pub async fn start() -> Stack {
        Stack::start_with(StackOptions::default()).await
    }

    pub async fn start_with(options: StackOptions) -> Stack {
        let sandbox = Sandbox::spawn(0).await.expect("sandbox starts");
        let secrets_endpoint = options
            .secrets_endpoint
            .unwrap_or_else(|| Moto::shared().endpoint());
        let secret_id = format!("wix-elevate/test/{}", uuid::Uuid::new_v4());
        let state_table = create_state_table(&Moto::shared().endpoint()).await;
        let http = test_http_client();
        let stack_env = vec![
            ("WIX_CLIENT_ID", seed::CLIENT_ID.to_owned()),
            ("WIX_SITE_ID", seed::SITE_ID.to_owned()),
            ("WIX_SECRET_ID", secret_id.clone()),
            ("WIX_API_BASE", sandbox.base_url.clone()),
            ("ADMIN_MEMBER_IDS", seed::ADMIN.id.to_owned()),
            ("ALLOWED_ORIGINS", format!("http://{PAGE_HOST}:8080")),
            // upload-image requires attestation: Turnstile, served by the sandbox.
            ("ATTESTATION_PROVIDER", "turnstile".to_owned()),
            ("ATTESTATION_VERIFY_BASE", sandbox.base_url.clone()),
            ("AWS_ENDPOINT_URL_SECRETS_MANAGER", secrets_endpoint.clone()),
            ("AWS_ENDPOINT_URL_DYNAMODB", Moto::shared().endpoint()),
            ("STATE_TABLE", state_table.clone()),
            ("AWS_REGION", "us-east-1".to_owned()),
            ("AWS_ACCESS_KEY_ID", "testing".to_owned()),
            ("AWS_SECRET_ACCESS_KEY", "testing".to_owned()),
            ("RUST_LOG", "info".to_owned()),
        ];
        let mut env: Vec<(String, String)> = stack_env
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect();
        env.retain(|(name, _)| !options.extra_env.iter().any(|(extra, _)| extra == name));
        env.extend(options.extra_env);
        let stack = Stack {
            sandbox,
            watch: Watch::start(&env, &options.watch_args),
            secret_id,
            secrets_endpoint,
            http,
            env,
            watch_args: options.watch_args,
        };
        if options.store_secret {
            stack
                .store_secret(&sandbox_oauth_secret(seed::CLIENT_SECRET))
                .await;
        }
        stack
    }

    /// Create the secret, or put a new version of it (rotation).
    pub async fn store_secret(&self, json: &str) {
        let client = secrets_manager(&self.secrets_endpoint).await;
        let created = client
            .create_secret()
            .name(&self.secret_id)
            .secret_string(json)
            .send()
            .await;
        if created.is_err() {
            client
                .put_secret_value()
                .secret_id(&self.secret_id)
                .secret_string(json)
                .send()
                .await
                .expect("secret updated");
        }
    }

    pub fn url(&self, function: &str) -> String {
        self.watch.url(function)
    }

    /// Stop every function process and start them again with the same configuration: the next request
    /// to each is a cold start, with nothing of the old processes' memory.
    pub fn restart_functions(&mut self) {
        let fresh = Watch::start(&self.env, &self.watch_args);
        self.watch = fresh;
    }

    /// Fails unless a second process has served `function`. Watch may give a burst to fewer processes
    /// than it runs (it serves invocations concurrently), so until one has, `more` sends further requests
    /// (and checks their answers), for at most ten rounds.
    pub async fn until_two_instances_served<F, Fut>(&self, function: &str, mut more: F)
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = ()>,
    {
        for _ in 0..10 {
            if self.instances_serving(function).len() >= 2 {
                break;
            }
            more().await;
        }
        let instances = self.instances_serving(function);
        assert!(
            instances.len() >= 2,
            "several processes served: {instances:?}"
        );
    }

    /// The distinct `instance` ids in `function`'s audit and refusal lines so far: how many processes
    /// served it.
    /// The lines reach us through watch's own output after the answer does, so an empty set is asked
    /// again for a moment before it counts.
    pub fn instances_serving(&self, function: &str) -> std::collections::BTreeSet<String> {
        let named = format!("function=\"{function}\"");
        let read = || -> std::collections::BTreeSet<String> {
            self.watch
                .output()
                .lines()
                .filter(|line| line.contains(&named))
                .filter_map(|line| {
                    let rest = &line[line.find(" instance=")? + " instance=".len()..];
                    Some(rest.split_whitespace().next()?.trim_matches('"').to_owned())
                })
                .collect()
        };
        let deadline = Instant::now() + Duration::from_secs(3);
        loop {
            let instances = read();
            if !instances.is_empty() || Instant::now() > deadline {
                return instances;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// POST `body` to the sandbox's `path`; its JSON answer, which must be a success.
    async fn sandbox_post(&self, path: &str, body: &Value) -> Value {
        let response = self
            .http
            .post(self.sandbox.url(path))
            .json(body)
            .send()
            .await
            .unwrap();
        assert!(
            response.status().is_success(),
            "{path} failed: {}",
            response.status()
        );
        response.json().await.unwrap()
    }

    async fn grant(&self, body: Value) -> String {
        let answer = self.sandbox_post("/oauth2/token", &body).await;
        answer["access_token"]
            .as_str()
            .expect("access_token")
            .to_owned()
    }

    /// A visitor token from the sandbox's anonymous grant, as a browser would get one.
    pub async fn visitor_token(&self) -> String {
        self.grant(json!({ "clientId": seed::CLIENT_ID, "grantType": "anonymous" }))
            .await
    }

    /// A visitor token issued to another OAuth client (another site's frontend).
    pub async fn other_client_visitor_token(&self) -> String {
        self.grant(json!({ "clientId": seed::OTHER_CLIENT_ID, "grantType": "anonymous" }))
            .await
    }

    /// A member token from the member's refresh token.
    pub async fn member_token(&self, member: &seed::SeedMember) -> String {
        self.grant(json!({ "clientId": seed::CLIENT_ID, "grantType": "refresh_token", "refreshToken": member.refresh_token }))
            .await
    }

    /// A member token for a member created during the test, from the refresh token the sandbox gave them.
    pub async fn created_member_token(&self, member_id: &str) -> String {
        let refresh_token = self
            .sandbox
            .state
            .refresh_token_of(member_id)
            .expect("the member exists");
        self.grant(json!({ "clientId": seed::CLIENT_ID, "grantType": "refresh_token", "refreshToken": refresh_token }))
            .await
    }

    /// GET a function with an optional bearer token. The first call to a function includes its cold start.
    pub async fn get(&self, function: &str, token: Option<&str>) -> Reply {
        let mut request = self.http.get(self.url(function));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        Reply::from(request.send().await.expect("function answers")).await
    }

    /// POST JSON to a function with an optional bearer token.
    pub async fn post(&self, function: &str, token: Option<&str>, body: &Value) -> Reply {
        self.post_with_headers(function, token, &[], body).await
    }

    /// POST JSON to a function with an optional bearer token and extra request headers.
    pub async fn post_with_headers(
        &self,
        function: &str,
        token: Option<&str>,
        headers: &[(&str, &str)],
        body: &Value,
    ) -> Reply {
        let mut request = self.http.post(self.url(function)).json(body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        Reply::from(request.send().await.expect("function answers")).await
    }

    /// POST a raw body with its content type (multipart uploads) and an optional bearer token.
    pub async fn post_body(
        &self,
        function: &str,
        token: Option<&str>,
        content_type: &str,
        body: Vec<u8>,
    ) -> Reply {
        self.post_body_with_headers(function, token, &[], content_type, body)
            .await
    }

    /// [`Stack::post_body`] with extra request headers.
    pub async fn post_body_with_headers(
        &self,
        function: &str,
        token: Option<&str>,
        headers: &[(&str, &str)],
        content_type: &str,
        body: Vec<u8>,
    ) -> Reply {
        let mut request = self
            .http
            .post(self.url(function))
            .header("content-type", content_type)
            .body(body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        Reply::from(request.send().await.expect("function answers")).await
    }

    /// A token from the sandbox's attestation widget (`/_sandbox/attestation/token`), as the page would
    /// get one: `request` names the provider and what the widget saw (hostname, action, score, age).
    pub async fn attestation_token_for(&self, request: Value) -> String {
        let answer = self
            .sandbox_post("/_sandbox/attestation/token", &request)
            .await;
        answer["token"].as_str().expect("token").to_owned()
    }

    /// A Turnstile token for upload-image from the stack's page: what every upload sends.
    pub async fn attestation_token(&self) -> String {
        self.attestation_token_for(json!({
            "provider": "turnstile", "hostname": PAGE_HOST, "action": "upload_image"
        }))
        .await
    }

    pub fn stats(&self) -> wix_sandbox::Stats {
        self.sandbox.state.stats()
    }

    /// How many Wix calls the sandbox saw whose path starts with `path_prefix`.
    pub fn calls_to(&self, path_prefix: &str) -> usize {
        self.stats()
            .calls
            .iter()
            .filter(|c| c.path.starts_with(path_prefix))
            .count()
    }

    /// Fail unless no captured log line and none of `bodies` contains the client secret or any token the
    /// sandbox issued (admin, visitor or member).
    pub fn assert_no_secret_leaked(&self, bodies: &[&str]) {
        let logs = self.watch.output();
        let mut secrets = self.sandbox.state.issued_tokens();
        secrets.push(seed::CLIENT_SECRET.to_owned());
        assert!(secrets.len() > 1, "the scan needs tokens to look for");
        for secret in &secrets {
            assert!(
                !logs.contains(secret.as_str()),
                "a secret or token appears in the function logs"
            );
            for body in bodies {
                assert!(
                    !body.contains(secret.as_str()),
                    "a secret or token appears in a response body"
                );
            }
        }
    }
}

/// An answer from a function.
pub struct Reply {
    pub status: u16,
    pub content_type: String,
    /// The `Retry-After` header, if any.
    pub retry_after: Option<String>,
    pub body: String,
}

impl Reply {
    async fn from(response: reqwest::Response) -> Reply {
        let status = response.status().as_u16();
        let content_type = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let retry_after = response
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        Reply {
            status,
            content_type,
            retry_after,
            body: response.text().await.unwrap(),
        }
    }

    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    /// A 403 for `reason`: its problem `type` is `urn:wix-elevate:problem:<reason>`.
    pub fn forbidden(&self, reason: &str) {
        let problem = self.problem(403);
        assert_eq!(
            problem["type"],
            format!("urn:wix-elevate:problem:{reason}"),
            "{problem}"
        );
    }

    /// Assert this is a problem document with `status` and a request id; return it.
    pub fn problem(&self, status: u16) -> Value {
        assert_eq!(self.status, status, "{}", self.body);
        assert_eq!(
            self.content_type, "application/problem+json",
            "{}",
            self.body
        );
        let problem = self.json();
        assert_eq!(problem["status"], status);
        assert!(
            problem["requestId"]
                .as_str()
                .is_some_and(|id| !id.is_empty()),
            "no request id: {problem}"
        );
        problem
    }
}

/// A real 1×1 PNG, as a visitor's file input would hold it.
pub const TINY_PNG: &[u8] = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99=\x1d\x00\x00\x00\x00IEND\xaeB`\x82";

/// One part of a `multipart/form-data` body: a field name, an optional `(file name, declared type)`, bytes.
pub type FormField<'a> = (&'a str, Option<(&'a str, &'a str)>, &'a [u8]);

/// A `multipart/form-data` body as a browser's `FormData` sends it: `(content type, body)`.
pub fn multipart_form(fields: &[FormField<'_>]) -> (String, Vec<u8>) {
    const BOUNDARY: &str = "----wixElevateTestBoundary7MA4YWxkTrZu0gW";
    let mut body = Vec::new();
    for (name, file, bytes) in fields {
        body.extend_from_slice(format!("--{BOUNDARY}\r\n").as_bytes());
        let head = match file {
            Some((file_name, declared)) => format!(
                "Content-Disposition: form-data; name=\"{name}\"; filename=\"{file_name}\"\r\nContent-Type: {declared}\r\n\r\n"
            ),
            None => format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n"),
        };
        body.extend_from_slice(head.as_bytes());
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={BOUNDARY}"), body)
}

/// HTTP client for tests: plain http on loopback, generous timeout for a first request that may compile.
fn test_http_client() -> reqwest::Client {
    let provider = std::sync::Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let tls = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(rustls::RootCertStore::empty())
        .with_no_client_auth();
    reqwest::Client::builder()
        .tls_backend_preconfigured(tls)
        .timeout(Duration::from_secs(120))
        .build()
        .unwrap()
}

/// A directory removed on drop.
pub struct TempDir {
    pub path: PathBuf,
}

impl TempDir {
    pub fn new() -> TempDir {
        let path = std::env::temp_dir().join(format!("wix-elevate-test-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&path).unwrap();
        TempDir { path }
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}
