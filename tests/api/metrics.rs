//! Metrics, black-box: the Embedded Metric Format documents the real binaries write to stdout under
//! `cargo lambda watch`, held to the EMF specification and counted after a scripted sequence of requests.
//! The sandbox counts what really reached Wix, so the metrics are checked against it, not against numbers
//! written here.

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::harness::{Stack, StackOptions, multipart_form, seed, workspace_root};

const NAMESPACE: &str = "WixElevateTest";

fn stack_options(extra: &[(&str, &str)]) -> StackOptions {
    let mut extra_env = vec![("METRICS_NAMESPACE".to_owned(), NAMESPACE.to_owned())];
    extra_env.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    StackOptions {
        extra_env,
        ..StackOptions::default()
    }
}

/// Every EMF document in the functions' output: each line that is a JSON object with `_aws`. Asked again
/// for a moment until there are `at_least` (the lines reach us through watch after the answers do).
fn documents(stack: &Stack, at_least: usize) -> Vec<Value> {
    let read = || -> Vec<Value> {
        stack
            .watch
            .output()
            .lines()
            .filter_map(|line| {
                let json = &line[line.find('{')?..];
                serde_json::from_str::<Value>(json).ok()
            })
            .filter(|doc| doc.get("_aws").is_some())
            .collect()
    };
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let docs = read();
        if docs.len() >= at_least || Instant::now() > deadline {
            return docs;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn emf_schema() -> jsonschema::Validator {
    let path = workspace_root().join("tests/api/metrics/emf.schema.json");
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    jsonschema::validator_for(&schema).expect("the EMF schema is JSON Schema")
}

/// The values each dimension may take: function names from the workspace, outcomes and budgets from the
/// problem types openapi.yaml lists, policies from the policy types.
fn bounded_dimension_values() -> BTreeMap<&'static str, BTreeSet<String>> {
    let functions: BTreeSet<String> = std::fs::read_dir(workspace_root().join("functions"))
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    let openapi = std::fs::read_to_string(workspace_root().join("openapi.yaml")).unwrap();
    let problems: BTreeSet<String> = openapi
        .split("urn:wix-elevate:problem:")
        .skip(1)
        .filter_map(|rest| {
            rest.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
                .next()
        })
        .map(str::to_owned)
        .collect();
    let mut outcomes = problems.clone();
    outcomes.insert("ok".into());
    let budgets: BTreeSet<String> = problems
        .iter()
        .filter(|p| p.starts_with("budget-"))
        .cloned()
        .collect();
    let policies: BTreeSet<String> = ["AnyVisitor", "Admin", "AdminOrOwner"]
        .map(str::to_owned)
        .into();
    BTreeMap::from([
        ("Function", functions),
        ("Outcome", outcomes),
        ("Policy", policies),
        ("Budget", budgets),
    ])
}

/// Fail unless `doc` is an EMF document by the specification: its structure (the schema), every
/// dimension a directive names a string member of the root from its bounded set, every metric it names
/// a number or a list of at most 100 numbers, and the namespace the one configured.
fn assert_valid_emf(doc: &Value, schema: &jsonschema::Validator) {
    let errors: Vec<String> = schema.iter_errors(doc).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:?} in {doc}");
    let bounded = bounded_dimension_values();
    for directive in doc["_aws"]["CloudWatchMetrics"].as_array().unwrap() {
        assert_eq!(directive["Namespace"], NAMESPACE, "{doc}");
        for key in directive["Dimensions"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|set| set.as_array().unwrap())
        {
            let key = key.as_str().unwrap();
            let value = doc[key]
                .as_str()
                .unwrap_or_else(|| panic!("dimension {key} is not a string member: {doc}"));
            let allowed = bounded
                .get(key)
                .unwrap_or_else(|| panic!("dimension {key} is not one of the bounded ones"));
            assert!(
                allowed.contains(value),
                "{key}={value} is not in its set: {doc}"
            );
        }
        for metric in directive["Metrics"].as_array().unwrap() {
            let name = metric["Name"].as_str().unwrap();
            match &doc[name] {
                Value::Number(_) => {}
                Value::Array(values) => assert!(
                    !values.is_empty()
                        && values.len() <= 100
                        && values.iter().all(Value::is_number),
                    "{name}: {doc}"
                ),
                other => panic!("metric {name} is {other}, not a number: {doc}"),
            }
        }
    }
}

/// The values of metric `name` in the documents of `function` (and of `outcome`, if given) that list it.
fn values(docs: &[Value], function: &str, outcome: Option<&str>, name: &str) -> Vec<f64> {
    docs.iter()
        .filter(|d| d["Function"] == function)
        .filter(|d| outcome.is_none_or(|o| d["Outcome"] == o))
        .filter(|d| names(d).contains(name))
        .flat_map(|d| match &d[name] {
            Value::Array(values) => values.iter().map(|v| v.as_f64().unwrap()).collect(),
            value => vec![value.as_f64().unwrap()],
        })
        .collect()
}

/// The sum of a count.
fn total(docs: &[Value], function: &str, outcome: Option<&str>, name: &str) -> f64 {
    values(docs, function, outcome, name).iter().sum()
}

fn names(doc: &Value) -> BTreeSet<&str> {
    doc["_aws"]["CloudWatchMetrics"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|d| d["Metrics"].as_array().unwrap())
        .map(|m| m["Name"].as_str().unwrap())
        .collect()
}

fn png() -> Vec<u8> {
    let mut bytes = b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR".to_vec();
    bytes.resize(2048, 0x5a);
    bytes
}

async fn site_properties(stack: &Stack, token: &str) -> u16 {
    stack.get("get-site-properties", Some(token)).await.status
}

async fn upload(stack: &Stack, token: &str) -> u16 {
    let file = png();
    let (content_type, body) = multipart_form(&[
        ("file", Some(("photo.png", "image/png")), file.as_slice()),
        ("title", None, "Blue vase".as_bytes()),
        ("uploaderName", None, "Rui".as_bytes()),
    ]);
    let attestation = stack.attestation_token().await;
    stack
        .post_body_with_headers(
            "upload-image",
            Some(token),
            &[("attestation-token", &attestation)],
            &content_type,
            body,
        )
        .await
        .status
}

#[tokio::test]
async fn every_emf_document_meets_the_specification_and_counts_what_the_sandbox_saw() {
    let stack = Stack::start_with(stack_options(&[(
        "UPLOAD_BUDGET_SITE_UPLOADS_PER_HOUR",
        "1",
    )]))
    .await;
    let visitor = stack.visitor_token().await;
    for _ in 0..3 {
        assert_eq!(site_properties(&stack, &visitor).await, 200);
    }
    for junk in ["junk-token-one", "junk-token-two"] {
        assert_eq!(site_properties(&stack, junk).await, 401);
    }
    assert_eq!(upload(&stack, &visitor).await, 200);
    assert_eq!(
        upload(&stack, &visitor).await,
        429,
        "the site's budget of one is spent"
    );

    let docs = documents(&stack, 7);
    assert_eq!(docs.len(), 7, "one document per request");
    let schema = emf_schema();
    for doc in &docs {
        assert_valid_emf(doc, &schema);
    }
    let sites = "get-site-properties";
    assert_eq!(total(&docs, sites, Some("ok"), "Requests"), 3.0);
    assert_eq!(
        total(&docs, sites, Some("unauthenticated"), "Requests"),
        2.0
    );
    assert_eq!(total(&docs, sites, None, "CallerRefusals"), 2.0);
    assert_eq!(total(&docs, "upload-image", Some("ok"), "Requests"), 1.0);
    let budget = "budget-site-uploads-per-hour";
    assert_eq!(total(&docs, "upload-image", Some(budget), "Requests"), 1.0);
    assert_eq!(total(&docs, "upload-image", None, "BudgetRefusals"), 1.0);
    let refused = docs.iter().find(|d| d["Outcome"] == budget).unwrap();
    assert_eq!(refused["Budget"], budget);
    for function in [sites, "upload-image"] {
        assert_eq!(total(&docs, function, None, "ServerErrors"), 0.0);
        assert_eq!(
            total(&docs, function, None, "ColdStarts"),
            1.0,
            "one process each"
        );
    }

    // What the functions say they did is what the sandbox saw done.
    let sum =
        |name: &str| total(&docs, sites, None, name) + total(&docs, "upload-image", None, name);
    let seen = stack.stats();
    assert_eq!(sum("AdminTokenMints"), seen.mints as f64);
    assert_eq!(sum("TokenInfoCalls"), seen.token_info_calls as f64);
    assert_eq!(sum("WixCalls"), seen.elevated_calls as f64);
    let latencies = values(&docs, sites, None, "WixLatency").len()
        + values(&docs, "upload-image", None, "WixLatency").len();
    assert_eq!(latencies as u64, seen.elevated_calls, "a latency per call");
    // The visitor's token is asked about once per process; the other ok requests are cache hits.
    assert_eq!(total(&docs, sites, None, "TokenInfoCacheHits"), 2.0);

    // The ids a support person searches for: the problem answer's requestId is in the document and in
    // the audit line.
    let answer = stack.get(sites, Some("junk-token-three")).await;
    let request_id = answer.problem(401)["requestId"]
        .as_str()
        .unwrap()
        .to_owned();
    let docs = documents(&stack, 8);
    assert!(docs.iter().any(|d| d["requestId"] == request_id.as_str()));
    assert!(
        stack
            .watch
            .output()
            .lines()
            .any(|line| line.contains("request refused") && line.contains(&request_id)),
        "the refusal's log line carries the request id"
    );
}

#[tokio::test]
async fn no_metric_dimension_or_value_carries_a_token_secret_or_email_address() {
    let stack = Stack::start_with(stack_options(&[])).await;
    let admin = stack.member_token(&seed::ADMIN).await;
    let member = stack.member_token(&seed::MEMBER).await;
    let created = stack
        .post(
            "create-member",
            Some(&admin),
            &json!({ "loginEmail": "lee@example.com", "firstName": "Lee" }),
        )
        .await;
    assert_eq!(created.status, 200, "{}", created.body);
    let refused = stack
        .post(
            "create-member",
            Some(&member),
            &json!({ "loginEmail": "kim@example.com" }),
        )
        .await;
    refused.forbidden("admin-only");
    let listed = stack.post("query-members", Some(&admin), &json!({})).await;
    assert_eq!(listed.status, 200, "{}", listed.body);

    let docs = documents(&stack, 3);
    assert_eq!(docs.len(), 3);
    let mut secrets = stack.sandbox.state.issued_tokens();
    secrets.push(seed::CLIENT_SECRET.to_owned());
    let member_ids: Vec<&str> = seed::MEMBERS.iter().map(|m| m.id).collect();
    for doc in &docs {
        let mut strings = Vec::new();
        collect_strings(doc, &mut strings);
        for text in strings {
            assert!(
                !text.contains('@'),
                "an e-mail address in a metric document: {doc}"
            );
            for secret in &secrets {
                assert!(
                    !text.contains(secret.as_str()),
                    "a token in a metric document"
                );
            }
            for id in &member_ids {
                assert!(
                    !text.contains(id),
                    "a caller id in a metric document: {doc}"
                );
            }
        }
    }
    stack.assert_no_secret_leaked(&[&created.body, &listed.body]);
}

fn collect_strings<'a>(value: &'a Value, into: &mut Vec<&'a str>) {
    match value {
        Value::String(s) => into.push(s),
        Value::Array(items) => items.iter().for_each(|v| collect_strings(v, into)),
        Value::Object(members) => members.iter().for_each(|(k, v)| {
            into.push(k);
            collect_strings(v, into);
        }),
        _ => {}
    }
}

#[tokio::test]
async fn an_empty_namespace_turns_the_metrics_off() {
    let stack = Stack::start_with(StackOptions {
        extra_env: vec![("METRICS_NAMESPACE".into(), String::new())],
        ..StackOptions::default()
    })
    .await;
    let visitor = stack.visitor_token().await;
    assert_eq!(site_properties(&stack, &visitor).await, 200);
    assert!(!stack.instances_serving("get-site-properties").is_empty());
    assert!(documents(&stack, 1).is_empty());
}
