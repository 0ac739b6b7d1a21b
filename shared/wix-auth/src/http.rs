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
    let tls = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("aws-lc-rs supports the default TLS versions")
        .with_root_certificates(roots)
        .with_no_client_auth();
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
