//! The request pipeline: one implementation, run by every function.

use std::convert::Infallible;
use std::future::Future;
use std::sync::Arc;
use std::time::Instant;

use http::{Method, StatusCode};
use lambda_http::{Body, Request, RequestExt, Response, service_fn};
use serde::Serialize;
use tokio::sync::OnceCell;
use wix_auth::{AdminAuth, SecretSource};

use crate::admission::Admission;
use crate::error::InitError;
use crate::input::{RequestParts, media_type_matches};
use crate::policy::Policy;
use crate::problem::{json_response, problem_response};
use crate::wix::WixClient;
use crate::{ApiError, CallerVerifier, Config, Input, Subject, Wix};

/// One elevated endpoint, declared by its function's `main.rs`.
pub trait Endpoint: Send + Sync + 'static {
    /// The function's name (kebab-case, same as its binary and SAM function).
    const NAME: &'static str;
    const METHOD: Method;
    /// Larger bodies are refused with 413 before they are parsed.
    const MAX_BODY_BYTES: usize = 16 * 1024;
    /// The status of a successful answer.
    const SUCCESS: StatusCode = StatusCode::OK;
    type Policy: Policy;
    type Input: Input;
    /// Exactly the fields this caller may see.
    type Output: Serialize + Send;

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
    lambda_http::tracing::init_default_subscriber();
    let app = Arc::new(App::cold_start().await);
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
}

pub(crate) struct Ready {
    pub(crate) config: Config,
    pub(crate) wix: Arc<WixClient>,
    pub(crate) verifier: CallerVerifier,
    admission: Admission,
}

impl Ready {
    async fn from_env() -> Result<Ready, InitError> {
        let config = Config::from_env()?;
        let source = SecretSource::from_env().await?;
        Ready::build(config, source).await
    }

    /// Build the clients and mint the first admin token. A failed mint does not fail the build: the token
    /// provider retries on demand, and requests that need no elevation (a bad token) still get answers.
    pub(crate) async fn build(config: Config, source: SecretSource) -> Result<Ready, InitError> {
        let http = wix_auth::wix_http_client().map_err(|e| InitError::HttpClient(e.to_string()))?;
        let auth = AdminAuth::new(http.clone(), &config.api_base, source)
            .expecting_site(config.site_id.clone());
        if let Err(e) = auth.warm().await {
            tracing::warn!(error = %e, "no admin token at cold start; retrying on the first request");
        }
        let verifier = CallerVerifier::new(http.clone(), &config);
        let wix = Arc::new(WixClient::new(http, &config.api_base, Arc::new(auth)));
        let admission = Admission::new(&config);
        Ok(Ready {
            config,
            wix,
            verifier,
            admission,
        })
    }
}

impl App {
    async fn cold_start() -> App {
        let app = App {
            ready: OnceCell::new(),
        };
        if let Err(e) = app.ready().await {
            tracing::error!(error = %e, "initialisation failed; answering 503 and retrying on each request");
        }
        app
    }

    #[cfg(test)]
    pub(crate) fn with_ready(ready: Ready) -> App {
        App {
            ready: OnceCell::new_with(Some(ready)),
        }
    }

    async fn ready(&self) -> Result<&Ready, InitError> {
        self.ready.get_or_try_init(Ready::from_env).await
    }

    pub(crate) async fn handle<E: Endpoint>(&self, request: Request) -> Response<Body> {
        let request_id = request
            .lambda_context_ref()
            .map(|c| c.request_id.clone())
            .filter(|id| !id.is_empty())
            .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
        let started = Instant::now();
        let mut audit = Audit::default();
        let outcome = self.run::<E>(&request, &mut audit).await;
        let response = match &outcome {
            Ok((status, body)) => json_response(*status, body.clone(), &request_id),
            Err(error) => problem_response(error, &request_id),
        };
        audit.emit::<E>(&outcome, response.status(), started);
        response
    }

    async fn run<E: Endpoint>(
        &self,
        request: &Request,
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
        check_origin(request, &ready.config)?;
        let input = parse_input::<E::Input>(request, body)?;
        audit.target = E::target(&input);

        ready.admission.admit_source(source_ip(request))?;
        let caller = ready.verifier.verify(request).await?;
        audit.subject = Some(caller.subject.clone());
        ready.admission.admit_caller(&caller, &ready.config)?;
        let grant = <E::Policy as Policy>::authorize(&caller, &ready.config)?;

        let wix = Wix::new(Arc::clone(&ready.wix));
        audit.elevated = true;
        let result = E::call(&wix, grant, input).await;
        audit.wix_request_ids = wix.request_ids();
        let output = result?;
        let body = serde_json::to_string(&output).map_err(|e| {
            tracing::error!(error = %e, "response did not serialize");
            ApiError::BadGateway
        })?;
        Ok((E::SUCCESS, body))
    }
}

/// A browser request from an origin not in `ALLOWED_ORIGINS` is refused here too, not only by the
/// function URL's CORS settings: this holds if those are ever loosened, and locally where nothing else checks.
fn check_origin(request: &Request, config: &Config) -> Result<(), ApiError> {
    match request.headers().get(http::header::ORIGIN) {
        None => Ok(()),
        Some(origin) => match origin.to_str() {
            Ok(origin) if config.allowed_origins.contains(origin) => Ok(()),
            _ => Err(ApiError::Forbidden(
                "requests from this origin are not allowed",
            )),
        },
    }
}

/// The client address the function URL saw (set by Lambda, not by a client header).
fn source_ip(request: &Request) -> Option<&str> {
    match request.request_context_ref()? {
        lambda_http::request::RequestContext::ApiGatewayV2(context) => {
            context.http.source_ip.as_deref()
        }
        #[allow(unreachable_patterns)]
        _ => None,
    }
}

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

/// What the audit line says about one request.
#[derive(Default)]
struct Audit {
    subject: Option<Subject>,
    target: Option<String>,
    elevated: bool,
    wix_request_ids: Vec<String>,
}

impl Audit {
    /// One line per request that got as far as a verified caller: every elevated call, and every refusal
    /// of a known caller. Only ids and outcomes: no token, secret or request body.
    fn emit<E: Endpoint>(
        &self,
        outcome: &Result<(StatusCode, String), ApiError>,
        status: StatusCode,
        started: Instant,
    ) {
        let latency_ms = started.elapsed().as_millis() as u64;
        let outcome_name = match outcome {
            Ok(_) => "ok",
            Err(e) => e.slug(),
        };
        let Some(subject) = &self.subject else {
            tracing::info!(
                function = E::NAME,
                status = status.as_u16(),
                outcome = outcome_name,
                latency_ms,
                "request refused"
            );
            return;
        };
        tracing::info!(
            target: "audit",
            function = E::NAME,
            subject_type = subject.kind(),
            subject_id = %subject.id(),
            target_id = self.target.as_deref().unwrap_or("-"),
            elevated = self.elevated,
            outcome = outcome_name,
            status = status.as_u16(),
            wix_request_ids = %self.wix_request_ids.join(","),
            latency_ms,
            "audit"
        );
    }
}

#[cfg(test)]
mod tests;
