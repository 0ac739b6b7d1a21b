use super::*;

fn metrics() -> Metrics {
    Metrics::new(Some("Test".into()), "upload-image", "AnyVisitor")
}

fn request<'a>(outcome: &'static str, status: u16) -> RequestRecord<'a> {
    RequestRecord {
        request_id: "0b6f3c1e-1c5d-4a57-9a3c-2b1d0e9f8a76",
        trace_id: Some("Root=1-5e1b4151-5ac6c58f5b5daa6532e4f2c0"),
        outcome,
        status: StatusCode::from_u16(status).unwrap(),
        latency: Duration::from_micros(12_500),
        wix: &[],
        budget: None,
        replayed: false,
    }
}

fn document(metrics: &Metrics, request: &RequestRecord<'_>, process: ProcessCounts) -> Value {
    metrics
        .document(
            request,
            process,
            UNIX_EPOCH + Duration::from_secs(1_800_000_000),
        )
        .expect("metrics are on")
}

/// The metric names each directive of `doc` lists, with their dimension sets.
fn directives(doc: &Value) -> Vec<(Vec<Vec<String>>, Vec<String>)> {
    doc["_aws"]["CloudWatchMetrics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let dims = serde_json::from_value(d["Dimensions"].clone()).unwrap();
            let names = d["Metrics"]
                .as_array()
                .unwrap()
                .iter()
                .map(|m| m["Name"].as_str().unwrap().to_owned())
                .collect();
            (dims, names)
        })
        .collect()
}

fn named(doc: &Value) -> Vec<String> {
    directives(doc).into_iter().flat_map(|(_, n)| n).collect()
}

#[test]
fn a_request_is_counted_by_function_and_outcome_with_its_latency() {
    let doc = document(&metrics(), &request("ok", 200), ProcessCounts::default());
    assert_eq!(doc["_aws"]["Timestamp"], 1_800_000_000_000u64);
    assert_eq!(doc["Function"], "upload-image");
    assert_eq!(doc["Outcome"], "ok");
    assert_eq!(doc["Requests"], 1);
    assert_eq!(doc["Latency"], 12.5);
    assert_eq!(doc["ServerErrors"], 0);
    assert_eq!(doc["requestId"], "0b6f3c1e-1c5d-4a57-9a3c-2b1d0e9f8a76");
    assert_eq!(doc["traceId"], "Root=1-5e1b4151-5ac6c58f5b5daa6532e4f2c0");
    let first = &directives(&doc)[0];
    assert_eq!(first.0, vec![vec!["Function", "Outcome"], vec!["Function"]]);
    assert_eq!(first.1, vec!["Requests", "Latency"]);
    // Nothing happened that the zero-free counts would report.
    assert_eq!(named(&doc), vec!["Requests", "Latency", "ServerErrors"]);
}

#[test]
fn every_named_metric_is_a_number_or_a_list_of_numbers_in_the_document() {
    let attempts = [
        WixAttempt {
            ended: AttemptEnd::ServerError,
            millis: 3.0,
        },
        WixAttempt {
            ended: AttemptEnd::Success,
            millis: 4.0,
        },
    ];
    let mut busy = request("budget-site-uploads-per-hour", 429);
    busy.wix = &attempts;
    busy.budget = Some("budget-site-uploads-per-hour");
    busy.replayed = true;
    let process = ProcessCounts {
        cold_starts: 1,
        mints: 1,
        mint_failures: 1,
        token_info_calls: 1,
        token_info_cache_hits: 1,
    };
    let doc = document(&metrics(), &busy, process);
    for name in named(&doc) {
        let value = &doc[&name];
        let numbers = match value {
            Value::Array(values) => values.iter().all(Value::is_number),
            other => other.is_number(),
        };
        assert!(numbers, "{name} is {value}");
    }
    for (sets, _) in directives(&doc) {
        for key in sets.iter().flatten() {
            assert!(doc[key].is_string(), "dimension {key} has a string value");
        }
    }
}

#[test]
fn process_counts_are_reported_once_in_the_document_after_they_change() {
    let metrics = metrics();
    let at_cold_start = ProcessCounts {
        cold_starts: 1,
        mints: 1,
        token_info_calls: 1,
        ..ProcessCounts::default()
    };
    let first = document(&metrics, &request("ok", 200), at_cold_start);
    assert_eq!(first["ColdStarts"], 1);
    assert_eq!(first["AdminTokenMints"], 1);
    assert_eq!(first["TokenInfoCalls"], 1);
    let later = ProcessCounts {
        token_info_cache_hits: 2,
        ..at_cold_start
    };
    let second = document(&metrics, &request("ok", 200), later);
    assert!(second.get("ColdStarts").is_none(), "{second}");
    assert!(second.get("AdminTokenMints").is_none(), "{second}");
    assert_eq!(second["TokenInfoCacheHits"], 2);
}

#[test]
fn wix_attempts_are_counted_by_how_they_ended() {
    let ended = [
        AttemptEnd::Success,
        AttemptEnd::Throttled,
        AttemptEnd::Throttled,
        AttemptEnd::ServerError,
        AttemptEnd::ClientError,
    ];
    let attempts: Vec<WixAttempt> = ended
        .iter()
        .map(|&ended| WixAttempt { ended, millis: 2.0 })
        .collect();
    let mut refused = request("rate-limited", 503);
    refused.wix = &attempts;
    let doc = document(&metrics(), &refused, ProcessCounts::default());
    assert_eq!(doc["WixCalls"], 5);
    assert_eq!(doc["WixThrottled"], 2);
    assert_eq!(doc["WixServerErrors"], 1);
    assert_eq!(doc["WixClientErrors"], 1);
    assert_eq!(doc["WixLatency"], json!([2.0, 2.0, 2.0, 2.0, 2.0]));
    assert_eq!(doc["ServerErrors"], 1);
}

#[test]
fn refusals_are_counted_under_the_budget_or_policy_that_explains_them() {
    let mut spent = request("budget-site-uploads-per-hour", 429);
    spent.budget = Some("budget-site-uploads-per-hour");
    let doc = document(&metrics(), &spent, ProcessCounts::default());
    assert_eq!(doc["Budget"], "budget-site-uploads-per-hour");
    assert_eq!(doc["BudgetRefusals"], 1);
    assert!(directives(&doc).iter().any(|(sets, names)| {
        sets.contains(&vec!["Function".to_owned(), "Budget".to_owned()])
            && names == &["BudgetRefusals"]
    }));

    let doc = document(
        &metrics(),
        &request("admin-only", 403),
        ProcessCounts::default(),
    );
    assert_eq!(doc["Policy"], "AnyVisitor");
    assert_eq!(doc["CallerRefusals"], 1);
    assert!(doc.get("Budget").is_none());

    let doc = document(
        &metrics(),
        &request("attestation-failed", 403),
        ProcessCounts::default(),
    );
    assert_eq!(doc["AttestationRefusals"], 1);
}

#[test]
fn no_document_is_written_when_metrics_are_off() {
    let off = Metrics::new(None, "upload-image", "AnyVisitor");
    assert!(
        off.document(
            &request("ok", 200),
            ProcessCounts::default(),
            SystemTime::now()
        )
        .is_none()
    );
}

#[test]
fn a_namespace_is_the_default_none_or_a_valid_cloudwatch_namespace() {
    assert_eq!(
        namespace_from(None).unwrap().as_deref(),
        Some(DEFAULT_NAMESPACE)
    );
    assert_eq!(namespace_from(Some("")).unwrap(), None);
    assert_eq!(
        namespace_from(Some("Shop/Elevated")).unwrap().as_deref(),
        Some("Shop/Elevated")
    );
    for bad in ["AWS/Lambda", "bad{brace}", &"n".repeat(256)] {
        assert!(namespace_from(Some(bad)).is_err(), "{bad}");
    }
}
