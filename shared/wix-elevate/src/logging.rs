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
    #[test]
    fn the_raw_event_log_stays_off_even_at_trace() {
        let rendered = super::filter().to_string();
        assert!(
            rendered.contains("lambda_runtime::layers::api_response=off"),
            "{rendered}"
        );
        assert!(rendered.contains("hyper=info"), "{rendered}");
    }
}
