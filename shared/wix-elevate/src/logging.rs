//! Logging set-up: the Lambda runtime's conventions (`AWS_LAMBDA_LOG_LEVEL` or `RUST_LOG`, JSON when
//! `AWS_LAMBDA_LOG_FORMAT=JSON`), plus directives that no environment can lift. At TRACE the runtime logs
//! each raw event, `Authorization` header included, and the HTTP and AWS stacks log request details; a
//! debugging session must never put a caller's token or the secret into CloudWatch.

use tracing_subscriber::EnvFilter;
use tracing_subscriber::filter::LevelFilter;

/// Targets capped whatever the configured level. Only a global level is taken from the environment, so
/// per-target directives there cannot lift these either.
const CAPPED: [&str; 14] = [
    "lambda_runtime::layers::api_response=off",
    "lambda_runtime=info",
    "lambda_http=info",
    "hyper=info",
    "hyper_util=info",
    "h2=info",
    "reqwest=info",
    "aws_smithy_runtime=info",
    "aws_smithy_runtime_api=info",
    "aws_smithy_types=info",
    "aws_sdk_secretsmanager=info",
    "aws_config=info",
    "aws_smithy_http_client=info",
    "rustls=info",
];

pub(crate) fn filter() -> EnvFilter {
    let level = std::env::var("AWS_LAMBDA_LOG_LEVEL")
        .or_else(|_| std::env::var("RUST_LOG"))
        .ok()
        .and_then(|l| l.parse::<LevelFilter>().ok())
        .unwrap_or(LevelFilter::INFO);
    filter_at(level)
}

/// The filter for a global `level`, with [`CAPPED`] on top.
fn filter_at(level: LevelFilter) -> EnvFilter {
    let mut filter = EnvFilter::builder()
        .with_default_directive(level.into())
        .parse_lossy("");
    for directive in CAPPED {
        filter = filter.add_directive(directive.parse().expect("static directive"));
    }
    filter
}

pub(crate) fn init() {
    let json = std::env::var("AWS_LAMBDA_LOG_FORMAT").is_ok_and(|f| f.eq_ignore_ascii_case("json"));
    let builder = tracing_subscriber::fmt()
        .with_target(false)
        .without_time()
        .with_ansi(false)
        .with_env_filter(filter());
    // A second init (tests) keeps the first subscriber.
    let _ = if json {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
}

#[cfg(test)]
mod tests {
    use std::io::Write;
    use std::sync::{Arc, Mutex};

    use tracing_subscriber::filter::LevelFilter;

    /// Everything the subscriber writes, for the test to read.
    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl Write for Captured {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn the_raw_event_log_stays_off_even_at_trace() {
        let captured = Captured::default();
        let writer = captured.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_ansi(false)
            .with_env_filter(super::filter_at(LevelFilter::TRACE))
            .with_writer(move || writer.clone())
            .finish();
        tracing::subscriber::with_default(subscriber, || {
            tracing::trace!(target: "lambda_runtime::layers::api_response", "raw event with a token");
            tracing::trace!(target: "hyper::proto", "hyper trace");
            tracing::trace!(target: "get_site_properties", "our own trace");
        });
        let written = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
        assert!(
            written.contains("our own trace"),
            "TRACE is on for our code: {written}"
        );
        assert!(!written.contains("raw event"), "{written}");
        assert!(!written.contains("hyper trace"), "{written}");
    }
}
