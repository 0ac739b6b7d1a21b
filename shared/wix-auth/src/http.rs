use std::time::Duration;

/// The one HTTP client a function uses for every Wix call, built once at cold start.
///
/// rustls with aws-lc-rs and the bundled webpki roots: no OpenSSL, and no scan of the filesystem for CA
/// files at start-up (that scan was most of a naive build's cold start). Timeouts are tight because a
/// function URL caller is waiting, and the pool keeps the warmed connection for the next request.
pub fn wix_http_client() -> Result<reqwest::Client, reqwest::Error> {
    let roots = rustls::RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    let provider = std::sync::Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let mut tls = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("aws-lc-rs supports the default TLS versions")
        .with_root_certificates(roots)
        .with_no_client_auth();
    // A preconfigured TLS backend gets no ALPN from reqwest: without it every connection is HTTP/1.1.
    // With h2, the mint, token-info and elevated calls (concurrent invocations included) share the one
    // connection opened at cold start.
    tls.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    reqwest::Client::builder()
        .tls_backend_preconfigured(tls)
        .connect_timeout(Duration::from_secs(2))
        .timeout(Duration::from_secs(8))
        .pool_idle_timeout(Duration::from_secs(90))
        .tcp_nodelay(true)
        // A redirect would re-send a body (the client secret, a caller's token) to wherever it points.
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("wix-elevate/", env!("CARGO_PKG_VERSION")))
        .build()
}

/// Longest `x-wix-request-id` kept: it goes into logs and audit lines.
const REQUEST_ID_MAX_CHARS: usize = 128;

/// One Wix answer read whole: its status, its `x-wix-request-id` and a body no larger than the cap the
/// caller set (every Wix answer we ask for is a small JSON document).
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub request_id: Option<String>,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

/// Why an answer could not be read.
#[derive(Debug)]
pub enum ReadError {
    /// The connection failed while the body was arriving.
    Transport(reqwest::Error),
    /// The body grew past the cap.
    TooLarge { cap: usize },
}

/// Reads `response` into an [`Answer`], refusing bodies over `cap` bytes without buffering them.
pub async fn read_answer(mut response: reqwest::Response, cap: usize) -> Result<Answer, ReadError> {
    let status = response.status().as_u16();
    let request_id = request_id(response.headers());
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(ReadError::Transport)? {
        if body.len() + chunk.len() > cap {
            return Err(ReadError::TooLarge { cap });
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Answer {
        status,
        request_id,
        body,
    })
}

/// The `x-wix-request-id` header, if it is text, cut to a length fit for a log line.
pub fn request_id(headers: &reqwest::header::HeaderMap) -> Option<String> {
    headers
        .get("x-wix-request-id")
        .and_then(|v| v.to_str().ok())
        .map(|s| s.chars().take(REQUEST_ID_MAX_CHARS).collect())
}
