//! Metrics in CloudWatch Embedded Metric Format (EMF): one JSON document per request, written to stdout
//! beside the audit line. CloudWatch Logs extracts the metrics from the log stream, so there is no
//! `PutMetricData` call and nothing on a request's path but formatting one line.
//!
//! Dimensions stay few and bounded: the function, the outcome (`ok` or a problem type), the policy and
//! the budget, each from a fixed set. Who called, from where and with what token never goes into a
//! metric; the document's only other members are the Lambda request id and the X-Ray trace id, which
//! CloudWatch keeps as searchable properties of the log event.
//!
//! Counts that belong to the process rather than to one request (the cold start, admin-token mints,
//! token-info calls and cache hits) are reported as what changed since the last document, so with
//! requests in flight at once each event is counted in exactly one document.

use std::io::Write;
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use http::StatusCode;
use serde_json::{Map, Value, json};

use crate::ConfigError;
use crate::wix::{AttemptEnd, WixAttempt};

/// The namespace when `METRICS_NAMESPACE` is not set.
pub const DEFAULT_NAMESPACE: &str = "WixElevate";

/// CloudWatch's limit on a namespace's length.
const MAX_NAMESPACE_CHARS: usize = 255;

/// `METRICS_NAMESPACE`: unset is [`DEFAULT_NAMESPACE`], empty turns metrics off, anything else must be a
/// CloudWatch namespace (letters, digits and `. - _ / # :`, not starting with `AWS/`).
pub(crate) fn namespace_from(value: Option<&str>) -> Result<Option<String>, ConfigError> {
    let namespace = match value {
        None => return Ok(Some(DEFAULT_NAMESPACE.to_owned())),
        Some(value) => value.trim(),
    };
    if namespace.is_empty() {
        return Ok(None);
    }
    let allowed = |c: char| c.is_ascii_alphanumeric() || ".-_/#: ".contains(c);
    if namespace.chars().count() > MAX_NAMESPACE_CHARS
        || !namespace.chars().all(allowed)
        || namespace.starts_with("AWS/")
    {
        return Err(ConfigError::Invalid {
            var: "METRICS_NAMESPACE",
            problem: format!(
                "{namespace:.40} is not a CloudWatch namespace: up to 255 letters, digits, spaces or \
                 . - _ / # :, not starting with AWS/"
            ),
        });
    }
    Ok(Some(namespace.to_owned()))
}

/// What one request contributes to the metrics.
pub(crate) struct RequestRecord<'a> {
    /// Lambda's request id, the `requestId` of the answer.
    pub request_id: &'a str,
    pub trace_id: Option<&'a str>,
    /// `ok`, or the problem type the request was refused with.
    pub outcome: &'static str,
    pub status: StatusCode,
    pub latency: Duration,
    pub wix: &'a [WixAttempt],
    /// The budget that refused the request, if one did.
    pub budget: Option<&'static str>,
    pub replayed: bool,
}

/// Counts kept by the process since its cold start.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct ProcessCounts {
    pub cold_starts: u64,
    pub mints: u64,
    pub mint_failures: u64,
    pub token_info_calls: u64,
    pub token_info_cache_hits: u64,
}

impl ProcessCounts {
    fn since(self, earlier: ProcessCounts) -> ProcessCounts {
        ProcessCounts {
            cold_starts: self.cold_starts.saturating_sub(earlier.cold_starts),
            mints: self.mints.saturating_sub(earlier.mints),
            mint_failures: self.mint_failures.saturating_sub(earlier.mint_failures),
            token_info_calls: self
                .token_info_calls
                .saturating_sub(earlier.token_info_calls),
            token_info_cache_hits: self
                .token_info_cache_hits
                .saturating_sub(earlier.token_info_cache_hits),
        }
    }
}

/// One function's metrics writer.
pub(crate) struct Metrics {
    /// `None`: metrics are off.
    namespace: Option<String>,
    function: &'static str,
    policy: &'static str,
    /// The process counts already reported.
    reported: Mutex<ProcessCounts>,
}

impl Metrics {
    pub(crate) fn new(
        namespace: Option<String>,
        function: &'static str,
        policy: &'static str,
    ) -> Self {
        Metrics {
            namespace,
            function,
            policy,
            reported: Mutex::new(ProcessCounts::default()),
        }
    }

    /// From `METRICS_NAMESPACE`; an invalid one turns metrics off here and fails the function's
    /// initialisation ([`crate::Config`] checks it too), so the mistake is seen, not silently dropped.
    pub(crate) fn from_env(function: &'static str, policy: &'static str) -> Self {
        let namespace = namespace_from(std::env::var("METRICS_NAMESPACE").ok().as_deref())
            .ok()
            .flatten();
        Metrics::new(namespace, function, policy)
    }

    /// Write `request`'s document, with the process counts that changed since the last one, as one line.
    pub(crate) fn emit(&self, request: &RequestRecord<'_>, process: ProcessCounts) {
        let Some(document) = self.document(request, process, SystemTime::now()) else {
            return;
        };
        let mut line = document.to_string().into_bytes();
        line.push(b'\n');
        // One write of the whole line: stdout's lock keeps it apart from concurrent log lines.
        let _ = std::io::stdout().lock().write_all(&line);
    }

    /// The EMF document for `request`; `None` when metrics are off.
    pub(crate) fn document(
        &self,
        request: &RequestRecord<'_>,
        process: ProcessCounts,
        now: SystemTime,
    ) -> Option<Value> {
        let namespace = self.namespace.as_deref()?;
        let new = {
            let mut reported = self.reported.lock().unwrap_or_else(|p| p.into_inner());
            let new = process.since(*reported);
            *reported = process;
            new
        };
        let mut doc = Document::new(namespace);
        doc.dimension("Function", self.function);
        doc.dimension("Outcome", request.outcome);
        doc.dimension("Policy", self.policy);

        doc.directive(&[&["Function", "Outcome"], &["Function"]])
            .count("Requests", 1)
            .milliseconds("Latency", vec![request.latency.as_secs_f64() * 1000.0]);

        let status = request.status.as_u16();
        let counted =
            |end: AttemptEnd| request.wix.iter().filter(|a| a.ended == end).count() as u64;
        let refused_caller = matches!(status, 401 | 403);
        let attestation = matches!(
            request.outcome,
            "attestation-required" | "attestation-failed"
        );
        let per_function = doc
            .directive(&[&["Function"]])
            // Always present (0 or 1), so its average over a period is the function's 5xx rate.
            .count("ServerErrors", u64::from(status >= 500))
            .nonzero("ColdStarts", new.cold_starts)
            .nonzero("WixCalls", request.wix.len() as u64)
            .nonzero("WixClientErrors", counted(AttemptEnd::ClientError))
            .nonzero("WixThrottled", counted(AttemptEnd::Throttled))
            .nonzero("WixServerErrors", counted(AttemptEnd::ServerError))
            .nonzero("AdminTokenMints", new.mints)
            .nonzero("AdminTokenMintFailures", new.mint_failures)
            .nonzero("TokenInfoCalls", new.token_info_calls)
            .nonzero("TokenInfoCacheHits", new.token_info_cache_hits)
            .nonzero(
                "RateLimitRefusals",
                u64::from(request.outcome == "too-many-requests"),
            )
            .nonzero("AttestationRefusals", u64::from(attestation))
            .nonzero("IdempotentReplays", u64::from(request.replayed));
        if !request.wix.is_empty() {
            per_function.milliseconds("WixLatency", request.wix.iter().map(|a| a.millis).collect());
        }
        if refused_caller {
            doc.directive(&[&["Function", "Policy"]])
                .count("CallerRefusals", 1);
        }
        if let Some(budget) = request.budget {
            doc.dimension("Budget", budget);
            doc.directive(&[&["Function", "Budget"], &["Function"]])
                .count("BudgetRefusals", 1);
        }
        let mut root = doc.finish(now);
        root.insert("requestId".into(), request.request_id.into());
        if let Some(trace) = request.trace_id {
            root.insert("traceId".into(), trace.into());
        }
        Some(Value::Object(root))
    }
}

/// An EMF document being built: the root members and the metric directives that point into them.
struct Document<'n> {
    namespace: &'n str,
    root: Map<String, Value>,
    directives: Vec<Directive>,
}

struct Directive {
    dimensions: Vec<Vec<&'static str>>,
    metrics: Vec<(&'static str, &'static str)>,
}

/// Adds metrics to the directive it was made for.
struct DirectiveMetrics<'d> {
    root: &'d mut Map<String, Value>,
    directive: &'d mut Directive,
}

impl<'n> Document<'n> {
    fn new(namespace: &'n str) -> Self {
        Document {
            namespace,
            root: Map::new(),
            directives: Vec::new(),
        }
    }

    fn dimension(&mut self, name: &'static str, value: &'static str) {
        self.root.insert(name.into(), value.into());
    }

    fn directive(&mut self, dimension_sets: &[&[&'static str]]) -> DirectiveMetrics<'_> {
        self.directives.push(Directive {
            dimensions: dimension_sets.iter().map(|set| set.to_vec()).collect(),
            metrics: Vec::new(),
        });
        DirectiveMetrics {
            root: &mut self.root,
            directive: self.directives.last_mut().expect("just pushed"),
        }
    }

    /// The root object, with `_aws` naming every directive that got a metric.
    fn finish(mut self, now: SystemTime) -> Map<String, Value> {
        let timestamp = now
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .as_millis() as u64;
        let directives: Vec<Value> = self
            .directives
            .iter()
            .filter(|d| !d.metrics.is_empty())
            .map(|d| {
                let metrics: Vec<Value> = d
                    .metrics
                    .iter()
                    .map(|(name, unit)| json!({ "Name": name, "Unit": unit }))
                    .collect();
                json!({
                    "Namespace": self.namespace,
                    "Dimensions": d.dimensions,
                    "Metrics": metrics,
                })
            })
            .collect();
        self.root.insert(
            "_aws".into(),
            json!({ "Timestamp": timestamp, "CloudWatchMetrics": directives }),
        );
        self.root
    }
}

impl DirectiveMetrics<'_> {
    fn put(self, name: &'static str, unit: &'static str, value: Value) -> Self {
        self.root.insert(name.into(), value);
        self.directive.metrics.push((name, unit));
        self
    }

    fn count(self, name: &'static str, value: u64) -> Self {
        self.put(name, "Count", value.into())
    }

    /// A count that is left out when zero: most requests mint nothing and replay nothing.
    fn nonzero(self, name: &'static str, value: u64) -> Self {
        match value {
            0 => self,
            _ => self.count(name, value),
        }
    }

    /// Rounded to the microsecond: finer digits are noise in a log line.
    fn milliseconds(self, name: &'static str, mut values: Vec<f64>) -> Self {
        for value in &mut values {
            *value = (*value * 1000.0).round() / 1000.0;
        }
        let value = match values.as_slice() {
            [one] => json!(one),
            _ => json!(values),
        };
        self.put(name, "Milliseconds", value)
    }
}

#[cfg(test)]
mod tests;
