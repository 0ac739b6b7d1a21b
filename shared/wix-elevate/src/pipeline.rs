//! The request pipeline: one implementation, run by every function.

use std::convert::Infallible;
use std::future::Future;
use std::sync::{Arc, LazyLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use http::{Method, StatusCode};
use lambda_http::{Body, Request, RequestExt, Response, service_fn};
use schemars::JsonSchema;
use serde::Serialize;
use tokio::sync::OnceCell;
use wix_auth::{AdminAuth, SecretSource};

use crate::admission::Admission;
use crate::attestation::{self, Attestation, AttestationSettings, Attestor};
use crate::budget::{BudgetPlan, Budgets, Spend};
use crate::context::source_ip;
use crate::cors;
use crate::error::InitError;
use crate::idempotency::{self, Guarded, Idempotency, IdempotencyKey};
use crate::input::{RequestParts, media_type_matches};
use crate::metrics::{Metrics, ProcessCounts, RequestRecord};
use crate::openapi::Doc;
use crate::policy::Policy;
use crate::problem::{json_response, problem_response};
use crate::state::{DynamoStore, Fingerprint, MemoryStore, StateStore};
use crate::wix::{WixAttempt, WixClient};
use crate::{ApiError, CallerVerifier, Config, Input, Subject, Wix};

/// The admin token minted at cold start gets this long before the function starts without one.
const WARM_BUDGET: Duration = Duration::from_secs(3);
/// A request ends this long before Lambda's deadline, so the answer (a 504 at worst) still goes out.
const DEADLINE_MARGIN: Duration = Duration::from_millis(500);
/// The budget when the runtime gives no usable deadline (`cargo lambda watch`): the template's 10 s
/// function timeout less the margin.
const NO_DEADLINE_BUDGET: Duration = Duration::from_millis(9_500);
/// How long an idempotency record answers repeats of its key, unless the endpoint says otherwise.
const DAY: Duration = Duration::from_secs(24 * 60 * 60);
/// The in-memory store's bound (local sandbox only).
const MEMORY_RECORDS: usize = 10_000;

/// This process, in every audit line: which instance served a request (Lambda runs many).
static INSTANCE_ID: LazyLock<String> = LazyLock::new(|| uuid::Uuid::new_v4().to_string());

/// One elevated endpoint, declared by its function's `main.rs`.
pub trait Endpoint: Send + Sync + 'static {
    /// The function's name (kebab-case, same as its binary and SAM function).
    const NAME: &'static str;
    const METHOD: Method;
    /// Larger bodies are refused with 413 before they are parsed.
    const MAX_BODY_BYTES: usize = 16 * 1024;
    /// The status of a successful answer.
    const SUCCESS: StatusCode = StatusCode::OK;
    /// Request headers a browser may send (answered in CORS preflights; `idempotency-key` is added for
    /// functions that take one).
    const CORS_HEADERS: &'static [&'static str] = &["authorization", "content-type"];
    /// Whether callers may (or must) send an `Idempotency-Key`; see [`crate::idempotency`].
    const IDEMPOTENCY: Idempotency = Idempotency::None;
    /// Which shared budgets a request spends before its Wix call; see [`crate::budget`].
    const BUDGETS: Budgets = Budgets::None;
    /// Whether a request needs a person's attestation (a CAPTCHA widget's token), by default; see
    /// [`crate::attestation`].
    const ATTESTATION: Attestation = Attestation::Off;
    /// How long an `Idempotency-Key`'s record lasts, an unknown outcome's included: a repeat of the key
    /// within it is never run again.
    const RECORD_TTL: Duration = DAY;
    /// What openapi.yaml says of the function beyond what its types say (`scripts/openapi`).
    const DOC: Doc;
    type Policy: Policy;
    type Input: Input;
    /// Exactly the fields this caller may see.
    type Output: Serialize + JsonSchema + Send;

    /// The resource acted on, for the audit line.
    fn target(_input: &Self::Input) -> Option<String> {
        None
    }

    /// The elevated work. Runs only after the caller was authenticated and the policy granted access.
    fn call(
        wix: &Wix,
        grant: <Self::Policy as Policy>::Grant,
        input: Self::Input,
    ) -> impl Future<Output = Result<Self::Output, ApiError>> + Send;
}

/// Run endpoint `E` as a Lambda function (function URL events). Call from `main`.
pub async fn serve<E: Endpoint>() -> Result<(), lambda_http::Error> {
    crate::logging::init();
    let keeps = Keeps {
        function: E::NAME,
        records: E::IDEMPOTENCY.accepts_key(),
        budgets: E::BUDGETS,
        record_ttl: E::RECORD_TTL,
        attestation: E::ATTESTATION,
    };
    let metrics = Metrics::from_env(E::NAME, <E::Policy as Policy>::NAME);
    let app = Arc::new(App::cold_start(keeps, metrics).await);
    lambda_http::run_concurrent(service_fn(move |request: Request| {
        let app = Arc::clone(&app);
        async move { Ok::<_, Infallible>(app.handle::<E>(request).await) }
    }))
    .await
}

/// Process-wide state. Built in the init phase; if that fails, each request retries it (and answers 503
/// while it keeps failing) instead of the process crashing into a restart loop.
pub(crate) struct App {
    ready: OnceCell<Ready>,
    keeps: Keeps,
    /// Outside [`Ready`]: a function that cannot initialise still counts its 503s.
    metrics: Metrics,
}

/// The shared state an endpoint declares it keeps.
#[derive(Clone, Copy)]
pub(crate) struct Keeps {
    function: &'static str,
    /// Idempotency records (it takes an `Idempotency-Key`).
    records: bool,
    budgets: Budgets,
    record_ttl: Duration,
    attestation: Attestation,
}

pub(crate) struct Ready {
    pub(crate) config: Config,
    pub(crate) wix: Arc<WixClient>,
    pub(crate) verifier: CallerVerifier,
    admission: Admission,
    /// Present where attestation is on for this function.
    attestor: Option<Attestor>,
    /// Present only in functions that keep shared state: the others never build a DynamoDB client.
    pub(crate) state: Option<StateStore>,
    budgets: Option<BudgetPlan>,
}

impl Ready {
    async fn from_env(app: &App) -> Result<Ready, InitError> {
        let config = Config::from_env()?;
        let source = SecretSource::from_env().await?;
        // An inline secret sits readable in the function's configuration: fine against the sandbox only.
        if matches!(source, SecretSource::DevInline(_)) && !config.wix_is_local() {
            return Err(InitError::DevSecretOffLoopback);
        }
        let keeps = app.keeps;
        let budgets = BudgetPlan::from_env(keeps.function, keeps.budgets)?;
        let attestation = AttestationSettings::from_lookup(
            |name| std::env::var(name).ok(),
            keeps.function,
            keeps.attestation,
            &config.allowed_origins,
        )?;
        // Spent attestation tokens are state too: every instance must see them.
        let state = match keeps.records || budgets.is_some() || attestation.is_some() {
            true => Some(state_store(&config, keeps.record_ttl).await?),
            false => None,
        };
        let mut ready = Ready::build_with(config, source, attestation).await?;
        ready.state = state;
        ready.budgets = budgets;
        Ok(ready)
    }

    /// [`Ready::build_with`] without attestation (the pipeline tests).
    #[cfg(test)]
    pub(crate) async fn build(config: Config, source: SecretSource) -> Result<Ready, InitError> {
        Ready::build_with(config, source, None).await
    }

    /// Build the clients and mint the first admin token. A failed mint does not fail the build: the token
    /// provider retries on demand, and requests that need no elevation (a bad token) still get answers.
    /// Where attestation is on, the provider's secret is read while the token is minted, so that second
    /// read of the secret adds no time to the cold start.
    async fn build_with(
        config: Config,
        source: SecretSource,
        attestation: Option<AttestationSettings>,
    ) -> Result<Ready, InitError> {
        let http = wix_auth::wix_http_client().map_err(|e| InitError::HttpClient(e.to_string()))?;
        let attestor = attestation.map(|s| Attestor::new(s, http.clone(), source.clone()));
        let auth = AdminAuth::new(http.clone(), &config.api_base, source)
            .expecting_site(config.site_id.clone())
            .expecting_client(config.client_id.clone());
        let read_attestation_secret = async {
            match &attestor {
                Some(attestor) => attestor.warm().await,
                None => Ok(()),
            }
        };
        // Only the mint needs the secret: while Secrets Manager is asked for it, the connection to Wix is
        // opened (its TCP and TLS handshakes are a cold start's other long wait) with a HEAD on the token
        // endpoint, which mints nothing; the connection then waits in the pool for the mint.
        let preconnect = async {
            let token_url = format!("{}/oauth2/token", config.api_base);
            if let Err(e) = http.head(token_url).timeout(WARM_BUDGET).send().await {
                tracing::debug!(error = %e.without_url(), "could not open a connection to Wix ahead of the mint");
            }
        };
        // Bounded: Lambda's init phase has its own limit, and a slow Wix must not use it up.
        let (minted, attestation_secret, ()) = tokio::join!(
            tokio::time::timeout(WARM_BUDGET, auth.warm()),
            tokio::time::timeout(WARM_BUDGET, read_attestation_secret),
            preconnect
        );
        match minted {
            Ok(Ok(())) => {}
            Ok(Err(e)) => {
                tracing::warn!(error = %e, "no admin token at cold start; retrying on demand")
            }
            Err(_) => tracing::warn!("minting at cold start took too long; retrying on demand"),
        }
        if !matches!(attestation_secret, Ok(Ok(()))) {
            tracing::warn!("no attestation secret at cold start; retrying on demand");
        }
        let verifier = CallerVerifier::new(http.clone(), &config);
        let wix = Arc::new(
            WixClient::new(http, &config.api_base, Arc::new(auth))
                .with_upload_hosts(config.upload_hosts.clone()),
        );
        let admission = Admission::new(&config);
        Ok(Ready {
            config,
            wix,
            verifier,
            admission,
            attestor,
            state: None,
            budgets: None,
        })
    }
}

/// The table named by `STATE_TABLE`; without one, this process's memory, but only against the local
/// sandbox: a deployment must not silently keep per-instance records.
async fn state_store(config: &Config, record_ttl: Duration) -> Result<StateStore, InitError> {
    match &config.state_table {
        Some(table) => Ok(StateStore::Dynamo(DynamoStore::new(
            wix_auth::aws_config().await,
            table.clone(),
            record_ttl,
        ))),
        None if config.wix_is_local() => {
            tracing::warn!(
                "STATE_TABLE is not set: idempotency records and budgets live in this process only"
            );
            Ok(StateStore::Memory(MemoryStore::new(
                MEMORY_RECORDS,
                record_ttl,
            )))
        }
        None => Err(InitError::NoStateTable),
    }
}

impl App {
    async fn cold_start(keeps: Keeps, metrics: Metrics) -> App {
        let app = App {
            ready: OnceCell::new(),
            keeps,
            metrics,
        };
        if let Err(e) = app.ready().await {
            tracing::error!(error = %e, "initialisation failed; answering 503 and retrying on each request");
        }
        app
    }

    #[cfg(test)]
    pub(crate) fn with_ready(ready: Ready) -> App {
        App {
            keeps: Keeps {
                function: "test",
                records: ready.state.is_some(),
                budgets: Budgets::None,
                record_ttl: DAY,
                attestation: Attestation::Off,
            },
            ready: OnceCell::new_with(Some(ready)),
            metrics: Metrics::new(None, "test", "test"),
        }
    }

    /// What the process counted since its cold start (the cold start itself included).
    fn process_counts(&self) -> ProcessCounts {
        let mut counts = ProcessCounts {
            cold_starts: 1,
            ..ProcessCounts::default()
        };
        if let Some(ready) = self.ready.get() {
            let admin = ready.wix.admin_stats();
            let verifier = ready.verifier.stats();
            counts.mints = admin.mints;
            counts.mint_failures = admin.mint_failures;
            counts.token_info_calls = verifier.token_info_calls;
            counts.token_info_cache_hits = verifier.cache_hits;
        }
        counts
    }

    async fn ready(&self) -> Result<&Ready, InitError> {
        // Boxed: the cold start's futures (AWS SDK calls among them) inlined into every request's future
        // pass rustc's layout depth limit.
        self.ready
            .get_or_try_init(|| Box::pin(Ready::from_env(self)))
            .await
    }

    pub(crate) async fn handle<E: Endpoint>(&self, request: Request) -> Response<Body> {
        // Lambda's own ids: the answer's `requestId` is the id CloudWatch shows for the invocation.
        let context = request.lambda_context_ref();
        let request_id = context
            .map(|c| c.request_id.clone())
            .filter(|id| !id.is_empty())
            .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
        let trace_id = context
            .and_then(|c| c.xray_trace_id.clone())
            .filter(|id| !id.is_empty());
        if cors::is_preflight(&request) {
            return self.preflight::<E>(&request, &request_id).await;
        }
        let started = Instant::now();
        let mut audit = Audit {
            request_id: request_id.clone(),
            trace_id,
            source_ip: source_ip(&request).map(str::to_owned),
            ..Audit::default()
        };
        // Answer before Lambda's own deadline, which would end the instance and its warm caches.
        let budget = request
            .lambda_context_ref()
            .and_then(|c| time_left(c.deadline))
            .map_or(NO_DEADLINE_BUDGET, |left| {
                left.saturating_sub(DEADLINE_MARGIN)
            });
        let deadline = SystemTime::now() + budget + DEADLINE_MARGIN;
        let outcome = tokio::time::timeout(budget, self.run::<E>(&request, deadline, &mut audit))
            .await
            .unwrap_or(Err(ApiError::GatewayTimeout));
        let mut response = match &outcome {
            Ok((status, body)) => json_response(*status, body.clone(), &request_id),
            Err(error) => problem_response(error, &request_id),
        };
        let latency = started.elapsed();
        audit.emit::<E>(&outcome, response.status(), latency);
        self.metrics.emit(
            &audit.record(&outcome, response.status(), latency),
            self.process_counts(),
        );
        if let Some(ready) = self.ready.get() {
            cors::allow_reading(&mut response, cors::allowed_origin(&request, &ready.config));
        }
        response
    }

    /// A CORS preflight: no caller, no Wix, only whether this origin may send this function's request.
    async fn preflight<E: Endpoint>(&self, request: &Request, request_id: &str) -> Response<Body> {
        let mut headers = E::CORS_HEADERS.to_vec();
        if E::IDEMPOTENCY.accepts_key() {
            headers.push(idempotency::HEADER);
        }
        if E::ATTESTATION != Attestation::Off {
            headers.push(attestation::HEADER);
        }
        let answer = match self.ready().await {
            Ok(ready) => cors::preflight(request, &ready.config, &E::METHOD, &headers),
            Err(_) => Err(ApiError::Unavailable),
        };
        answer.unwrap_or_else(|error| problem_response(&error, request_id))
    }

    async fn run<E: Endpoint>(
        &self,
        request: &Request,
        deadline: SystemTime,
        audit: &mut Audit,
    ) -> Result<(StatusCode, String), ApiError> {
        if request.method() != E::METHOD {
            return Err(ApiError::MethodNotAllowed { allowed: E::METHOD });
        }
        let body: &[u8] = request.body().as_ref();
        if body.len() > E::MAX_BODY_BYTES {
            return Err(ApiError::PayloadTooLarge {
                limit: E::MAX_BODY_BYTES,
            });
        }
        let ready = self.ready().await.map_err(|e| {
            tracing::error!(error = %e, "initialisation failed again");
            ApiError::Unavailable
        })?;
        cors::check_origin(request, &ready.config)?;
        // The cheap per-source limit comes before parsing: an unauthenticated flood of large bodies
        // (a multipart upload is up to ~6 MB) is refused without reading them.
        ready.admission.admit_source(source_ip(request))?;
        let input = parse_input::<E::Input>(request, body)?;
        let key = IdempotencyKey::from_headers(request.headers(), E::IDEMPOTENCY)?;
        audit.target = E::target(&input);

        // A source over its failed-authentication allowance waits before its token is checked; where
        // attestation is on, also with a cached Wix token: each attestation token costs a provider call.
        if ready.attestor.is_some() || !ready.verifier.is_known(request) {
            ready.admission.admit_unverified(source_ip(request))?;
        }
        // After the cheap limits, before the token-info call: a flood without a person's attestation
        // costs no Wix call.
        if let Some(attestor) = &ready.attestor {
            let Some(state) = &ready.state else {
                tracing::error!("attestation is on but the function has no state store");
                return Err(ApiError::Unavailable);
            };
            let checked = attestor
                .check(request.headers(), source_ip(request), state, E::NAME)
                .await;
            // Each refused token cost a provider call: it counts against the source like a bad Wix token.
            if let Err(ApiError::Forbidden(crate::Refusal::AttestationFailed)) = &checked {
                ready
                    .admission
                    .note_failed_authentication(source_ip(request));
            }
            checked?;
        }
        let caller = match ready.verifier.verify(request).await {
            // Only a token that was presented and refused counts: a missing one cost no token-info call.
            Err(refused @ ApiError::Unauthenticated(_))
                if request.headers().contains_key(http::header::AUTHORIZATION) =>
            {
                ready
                    .admission
                    .note_failed_authentication(source_ip(request));
                return Err(refused);
            }
            verified => verified?,
        };
        audit.subject = Some(caller.subject.clone());
        ready.admission.admit_caller(&caller, &ready.config)?;
        let grant = <E::Policy as Policy>::authorize(&caller, &ready.config)?;

        let wix = Wix::new(Arc::clone(&ready.wix));
        audit.elevated = true;
        let work = async {
            if let (Some(plan), Some(state)) = (&ready.budgets, &ready.state) {
                let spend = Spend {
                    subject: &caller.subject,
                    source_ip: source_ip(request),
                    bytes: body.len() as u64,
                };
                plan.spend(state, &spend, &ready.config).await?;
            }
            let output = E::call(&wix, grant, input).await?;
            serde_json::to_string(&output).map_err(|e| {
                tracing::error!(error = %e, "response did not serialize");
                ApiError::BadGateway
            })
        };
        let result = match (key, &ready.state) {
            (Some(key), Some(state)) => {
                let guarded = Guarded {
                    record: key.record(E::NAME, &caller.subject),
                    fingerprint: Fingerprint::of(body),
                    deadline,
                };
                idempotency::once(state, &guarded, work, || wix.may_have_acted())
                    .await
                    .map(|answered| {
                        audit.replayed = answered.replayed;
                        answered.body
                    })
            }
            (Some(_), None) => {
                tracing::error!("an idempotency key arrived at a function built without a store");
                Err(ApiError::Unavailable)
            }
            (None, _) => work.await,
        };
        audit.wix_request_ids = wix.request_ids();
        audit.wix_attempts = wix.attempts();
        Ok((E::SUCCESS, result?))
    }
}

/// Time until Lambda's deadline (epoch milliseconds). Emulators may send a plain timeout instead of an
/// epoch; anything before 2020 is taken for that and ignored.
fn time_left(deadline_ms: u64) -> Option<Duration> {
    const YEAR_2020_MS: u64 = 1_577_836_800_000;
    let deadline = UNIX_EPOCH + Duration::from_millis(deadline_ms);
    (deadline_ms >= YEAR_2020_MS).then(|| {
        deadline
            .duration_since(SystemTime::now())
            .unwrap_or_default()
    })
}

/// The client address the function URL saw (set by Lambda, not by a client header).
fn parse_input<I: Input>(request: &Request, body: &[u8]) -> Result<I, ApiError> {
    let content_type = request.headers().get(http::header::CONTENT_TYPE);
    match I::MEDIA_TYPE {
        None if !body.is_empty() => {
            return Err(ApiError::bad_request("this function takes no request body"));
        }
        Some(expected) if !media_type_matches(content_type, expected) => {
            return Err(ApiError::UnsupportedMediaType { expected });
        }
        _ => {}
    }
    let parts = RequestParts {
        headers: request.headers(),
        query: request.uri().query().unwrap_or_default(),
    };
    I::parse(&parts, body)
}

/// What the audit line and the metrics say about one request.
#[derive(Default)]
struct Audit {
    request_id: String,
    /// The X-Ray trace id, where Lambda gives one.
    trace_id: Option<String>,
    source_ip: Option<String>,
    subject: Option<Subject>,
    target: Option<String>,
    elevated: bool,
    wix_request_ids: Vec<String>,
    wix_attempts: Vec<WixAttempt>,
    /// The answer came from an idempotency record, not from a new Wix call.
    replayed: bool,
}

impl Audit {
    /// One line per request that got as far as a verified caller: every elevated call, and every refusal
    /// of a known caller. Only ids and outcomes: no token, secret or request body.
    fn emit<E: Endpoint>(
        &self,
        outcome: &Result<(StatusCode, String), ApiError>,
        status: StatusCode,
        latency: Duration,
    ) {
        let latency_ms = latency.as_millis() as u64;
        let outcome_name = outcome_name(outcome);
        let source_ip = self.source_ip.as_deref().unwrap_or("-");
        let request_id = self.request_id.as_str();
        let trace_id = self.trace_id.as_deref().unwrap_or("-");
        let Some(subject) = &self.subject else {
            tracing::info!(
                function = E::NAME,
                status = status.as_u16(),
                outcome = outcome_name,
                source_ip,
                latency_ms,
                request_id,
                trace_id,
                instance = %*INSTANCE_ID,
                "request refused"
            );
            return;
        };
        tracing::info!(
            audit = true,
            function = E::NAME,
            subject_type = subject.kind(),
            subject_id = %subject.id(),
            target_id = self.target.as_deref().unwrap_or("-"),
            elevated = self.elevated,
            outcome = outcome_name,
            status = status.as_u16(),
            wix_request_ids = %self.wix_request_ids.join(","),
            source_ip,
            latency_ms,
            request_id,
            trace_id,
            instance = %*INSTANCE_ID,
            "audit"
        );
    }

    /// The request as the metrics count it.
    fn record<'a>(
        &'a self,
        outcome: &Result<(StatusCode, String), ApiError>,
        status: StatusCode,
        latency: Duration,
    ) -> RequestRecord<'a> {
        let budget = match outcome {
            Err(ApiError::BudgetSpent { budget, .. }) => Some(*budget),
            _ => None,
        };
        RequestRecord {
            request_id: &self.request_id,
            trace_id: self.trace_id.as_deref(),
            outcome: outcome_name(outcome),
            status,
            latency,
            wix: &self.wix_attempts,
            budget,
            replayed: self.replayed,
        }
    }
}

fn outcome_name(outcome: &Result<(StatusCode, String), ApiError>) -> &'static str {
    match outcome {
        Ok(_) => "ok",
        Err(e) => e.slug(),
    }
}

#[cfg(test)]
mod tests;
