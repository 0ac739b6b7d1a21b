//! `openapi.yaml` against the functions. The document is read as data, and each claim it makes about a
//! function is put to the real binary under `cargo lambda watch` (one stack, shared by these tests).
//!
//! The pipeline parses a request's input before it authenticates the caller, so requests without a token
//! say exactly what a function accepts: input it takes answers 401, input it refuses 400, and serde's
//! refusal of an unknown field (or enum variant) lists every field (or variant) the function knows.
//! Whether a changed example should be taken is decided by the document's own schema (a JSON Schema
//! validator, `violations` below), so
//! a required field, a limit or a list rule that the document and the function disagree on shows up.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::future::Future;
use std::sync::{Mutex, OnceLock};

use crate::harness::{FormField, Stack, StackOptions, multipart_form, seed, workspace_root};
use serde_json::{Value, json};

/// What every probe inserts: a field, a variant and a form part no function knows.
const PROBE: &str = "zzProbe";
/// Problem details are cut at this many characters (`shared/wix-elevate/src/problem.rs`).
const MAX_DETAIL_CHARS: usize = 300;
/// The policies' refusals (`Refusal` in `shared/wix-elevate/src/error.rs`), which tell the policies apart.
const ADMIN_ONLY: &str = "urn:wix-elevate:problem:admin-only";
const ATTESTATION_HEADER: &str = "Attestation-Token";
const ATTESTATION_REQUIRED: &str = "urn:wix-elevate:problem:attestation-required";
const ATTESTATION_FAILED: &str = "urn:wix-elevate:problem:attestation-failed";
/// openapi.yaml's example `Attestation-Token`, which [`request`] swaps for a real one.
const ATTESTATION_EXAMPLE: &str = "0.sandbox-turnstile-token-from-the-widget";
const NOT_ALLOWED: &str = "urn:wix-elevate:problem:caller-not-allowed";
const POLICIES: [&str; 3] = ["AnyVisitor", "Admin", "AdminOrOwner"];
/// Answers every operation documents: the pipeline can give them before or around any Wix call.
const PIPELINE_ANSWERS: [&str; 9] = [
    "400", "401", "403", "405", "413", "429", "502", "503", "504",
];
const OPERATION_METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

// --- the document ------------------------------------------------------------------------------------------

fn document() -> &'static Value {
    static DOCUMENT: OnceLock<Value> = OnceLock::new();
    DOCUMENT.get_or_init(|| {
        let path = workspace_root().join("openapi.yaml");
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{} cannot be read: {e}", path.display()));
        serde_yaml_ng::from_str(&text).unwrap_or_else(|e| panic!("openapi.yaml is not YAML: {e}"))
    })
}

/// The value a local `$ref` (`#/components/...`) points at.
fn target(reference: &str) -> &'static Value {
    let pointer = reference
        .strip_prefix('#')
        .unwrap_or_else(|| panic!("only local $refs are used: {reference}"));
    document()
        .pointer(pointer)
        .unwrap_or_else(|| panic!("{reference} points at nothing"))
}

/// `value`, or what its `$ref` (and that one's) points at.
fn resolve(mut value: &'static Value) -> &'static Value {
    for _ in 0..16 {
        match value.get("$ref").and_then(Value::as_str) {
            Some(reference) => value = target(reference),
            None => return value,
        }
    }
    panic!("a $ref loop in openapi.yaml");
}

/// One path of the document: a function and its one operation.
struct Operation {
    name: String,
    /// Upper case, as in `Allow`.
    method: String,
    spec: &'static Value,
}

fn operations() -> Vec<Operation> {
    let paths = document()["paths"]
        .as_object()
        .expect("openapi.yaml has paths");
    paths
        .iter()
        .map(|(path, item)| {
            let name = path
                .strip_prefix('/')
                .and_then(|p| p.strip_suffix('/'))
                .filter(|name| !name.is_empty() && !name.contains('/'))
                .unwrap_or_else(|| panic!("path {path} is not /<function>/"));
            let methods: Vec<&str> = OPERATION_METHODS
                .into_iter()
                .filter(|m| item.get(*m).is_some())
                .collect();
            assert_eq!(
                methods.len(),
                1,
                "{path} must have exactly one operation; it has {methods:?}"
            );
            Operation {
                name: name.to_owned(),
                method: methods[0].to_uppercase(),
                spec: &item[methods[0]],
            }
        })
        .collect()
}

impl Operation {
    fn policy(&self) -> &'static str {
        self.spec["x-policy"]
            .as_str()
            .unwrap_or_else(|| panic!("{}: no x-policy", self.name))
    }

    fn max_body_bytes(&self) -> usize {
        self.spec["x-max-body-bytes"]
            .as_u64()
            .and_then(|n| usize::try_from(n).ok())
            .unwrap_or_else(|| panic!("{}: no x-max-body-bytes", self.name))
    }

    /// The request body's one media type and its media type object.
    fn body(&self) -> Option<(&'static str, &'static Value)> {
        let body = self.spec.get("requestBody")?;
        let content = resolve(body)["content"]
            .as_object()
            .unwrap_or_else(|| panic!("{}: a request body without content", self.name));
        assert_eq!(
            content.len(),
            1,
            "{}: one media type per request body",
            self.name
        );
        content.iter().next().map(|(k, v)| (k.as_str(), v))
    }

    fn is_json(&self) -> bool {
        self.body()
            .is_some_and(|(media, _)| media == "application/json")
    }

    fn is_form(&self) -> bool {
        self.body()
            .is_some_and(|(media, _)| media == "multipart/form-data")
    }

    fn schema(&self) -> &'static Value {
        let (_, media) = self
            .body()
            .unwrap_or_else(|| panic!("{}: no request body", self.name));
        &media["schema"]
    }

    /// The request body's examples: `example`, or the values of `examples`.
    fn examples(&self) -> Vec<(String, Value)> {
        let Some((_, media)) = self.body() else {
            return Vec::new();
        };
        if let Some(example) = media.get("example") {
            return vec![("example".into(), example.clone())];
        }
        media["examples"]
            .as_object()
            .map(|examples| {
                examples
                    .iter()
                    .map(|(name, e)| (name.clone(), resolve(e)["value"].clone()))
                    .collect()
            })
            .unwrap_or_default()
    }

    fn first_example(&self) -> Option<Value> {
        self.examples().into_iter().next().map(|(_, e)| e)
    }

    fn parameters(&self) -> Vec<&'static Value> {
        self.spec["parameters"]
            .as_array()
            .map(|ps| ps.iter().map(resolve).collect())
            .unwrap_or_default()
    }

    /// The required header parameters, each with its example value. Optional ones (an optional
    /// `Idempotency-Key`) stay out of the probes: one key sent with many different bodies would be 422.
    fn headers(&self) -> Vec<(String, String)> {
        self.parameters()
            .into_iter()
            .filter(|p| p["in"] == "header" && p["required"] == true)
            .map(|p| {
                let name = p["name"].as_str().expect("a parameter has a name");
                let example = p["example"]
                    .as_str()
                    .unwrap_or_else(|| panic!("{}: header {name} has no example", self.name));
                (name.to_owned(), example.to_owned())
            })
            .collect()
    }

    fn documented_statuses(&self) -> BTreeSet<String> {
        self.spec["responses"]
            .as_object()
            .map(|r| r.keys().cloned().collect())
            .unwrap_or_default()
    }

    fn success_schema(&self) -> &'static Value {
        let (_, response) = self.spec["responses"]
            .as_object()
            .and_then(|r| r.iter().find(|(status, _)| status.starts_with('2')))
            .unwrap_or_else(|| panic!("{}: no 2xx answer", self.name));
        &resolve(response)["content"]["application/json"]["schema"]
    }
}

// --- the document's schemas, as a JSON Schema validator reads them ------------------------------------------

/// Whether `value` satisfies `schema` (a schema of the document, whose `$ref`s point into it): the reasons
/// it does not. JSON Schema 2020-12 (OpenAPI 3.1's dialect) with its formats asserted (`uuid`,
/// `date-time`, `email`, `uri`) and its patterns evaluated.
fn violations(schema: &'static Value, value: &Value) -> Vec<String> {
    validator(schema)
        .iter_errors(value)
        .map(|error| format!("{}: {error}", error.instance_path()))
        .collect()
}

fn valid(schema: &'static Value, value: &Value) -> bool {
    validator(schema).is_valid(value)
}

/// One validator per schema of the document, kept for the test run (the property test asks thousands
/// of times). The schema sits in a root that carries the document's components, so that its local
/// `$ref`s (`#/components/schemas/...`) resolve as they do in openapi.yaml.
fn validator(schema: &'static Value) -> &'static jsonschema::Validator {
    static VALIDATORS: OnceLock<Mutex<HashMap<usize, &'static jsonschema::Validator>>> =
        OnceLock::new();
    let key = std::ptr::from_ref(schema) as usize;
    let mut validators = VALIDATORS
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    validators.entry(key).or_insert_with(|| {
        let root = json!({
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "components": document()["components"],
            "allOf": [schema],
        });
        let validator = jsonschema::options()
            .should_validate_formats(true)
            .build(&root)
            .unwrap_or_else(|e| panic!("openapi.yaml holds a schema that is not JSON Schema: {e}"));
        Box::leak(Box::new(validator))
    })
}

// --- paths into examples ------------------------------------------------------------------------------------

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Step {
    Key(String),
    Index(usize),
}

type Path = Vec<Step>;

fn show(path: &[Step]) -> String {
    let mut text = String::from("body");
    for step in path {
        match step {
            Step::Key(k) => text.push_str(&format!(".{k}")),
            Step::Index(i) => text.push_str(&format!("[{i}]")),
        }
    }
    text
}

/// `path` with every index as 0: where in the schema a node is.
fn shape(path: &[Step]) -> Path {
    path.iter()
        .map(|s| match s {
            Step::Index(_) => Step::Index(0),
            key => key.clone(),
        })
        .collect()
}

/// Every node of `value` (itself included), outermost first.
fn nodes(value: &Value) -> Vec<Path> {
    fn walk(value: &Value, path: &mut Path, out: &mut Vec<Path>) {
        out.push(path.clone());
        match value {
            Value::Object(object) => {
                for (k, v) in object {
                    path.push(Step::Key(k.clone()));
                    walk(v, path, out);
                    path.pop();
                }
            }
            Value::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    path.push(Step::Index(i));
                    walk(v, path, out);
                    path.pop();
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(value, &mut Vec::new(), &mut out);
    out
}

fn node<'v>(value: &'v Value, path: &[Step]) -> &'v Value {
    path.iter().fold(value, |v, step| match step {
        Step::Key(k) => &v[k.as_str()],
        Step::Index(i) => &v[*i],
    })
}

fn node_mut<'v>(value: &'v mut Value, path: &[Step]) -> &'v mut Value {
    path.iter().fold(value, |v, step| match step {
        Step::Key(k) => &mut v[k.as_str()],
        Step::Index(i) => &mut v[*i],
    })
}

/// The schema describing the node at `path` of a body described by `schema`, if the document has one.
fn schema_at(schema: &'static Value, path: &[Step]) -> Option<&'static Value> {
    let mut current = resolve(schema);
    for step in path {
        let next = match step {
            Step::Key(k) => current.get("properties")?.get(k.as_str())?,
            Step::Index(_) => current.get("items")?,
        };
        current = resolve(next);
    }
    Some(current)
}

fn property_names(schema: &'static Value) -> BTreeSet<String> {
    resolve(schema)["properties"]
        .as_object()
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default()
}

/// The names serde lists in a refusal such as "unknown field `zzProbe`, expected one of `a`, `b` at line 1
/// column 9" (`marker` = "unknown field `zzProbe`, ").
fn listed_names(detail: &str, marker: &str) -> Result<BTreeSet<String>, String> {
    let start = detail
        .find(marker)
        .ok_or_else(|| format!("the detail does not say `{marker}`: {detail:?}"))?;
    let rest = &detail[start + marker.len()..];
    let Some(end) = rest.find(" at line ") else {
        return Err(if detail.chars().count() >= MAX_DETAIL_CHARS {
            format!(
                "the detail was cut at {MAX_DETAIL_CHARS} characters before serde's list ended \
                 (MAX_DETAIL_CHARS in shared/wix-elevate/src/problem.rs): {detail:?}"
            )
        } else {
            format!("serde's list is not followed by a position: {detail:?}")
        });
    };
    let list = &rest[..end];
    if list.starts_with("there are no") {
        return Ok(BTreeSet::new());
    }
    Ok(list
        .split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect())
}

// --- the shared stack and requests --------------------------------------------------------------------------

struct Shared {
    runtime: tokio::runtime::Runtime,
    stack: Stack,
}

/// One stack for every test here: its own runtime (tests have none that outlives them) and no rate limits
/// (the probes are many). The watchdog in the harness stops it when the test process ends.
fn shared() -> &'static Shared {
    static SHARED: OnceLock<Shared> = OnceLock::new();
    SHARED.get_or_init(|| {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        let off = |name: &str| (name.to_owned(), "0".to_owned());
        let options = StackOptions {
            extra_env: vec![
                off("SOURCE_REQUESTS_PER_MINUTE"),
                off("VISITOR_REQUESTS_PER_MINUTE"),
                off("MEMBER_REQUESTS_PER_MINUTE"),
            ],
            ..StackOptions::default()
        };
        let stack = runtime.block_on(Stack::start_with(options));
        Shared { runtime, stack }
    })
}

/// Run `each` for every operation concurrently on the shared stack, and fail with every disagreement
/// found (each a line naming the function).
fn for_each_operation<F, Fut>(each: F)
where
    F: Fn(&'static Stack, Operation) -> Fut,
    Fut: Future<Output = Vec<String>> + Send + 'static,
{
    let shared = shared();
    let problems = shared.runtime.block_on(async {
        let mut tasks = tokio::task::JoinSet::new();
        let mut names = BTreeMap::new();
        for op in operations() {
            let name = op.name.clone();
            names.insert(tasks.spawn(each(&shared.stack, op)).id(), name);
        }
        let mut problems = Vec::new();
        while let Some(done) = tasks.join_next_with_id().await {
            match done {
                Ok((_, found)) => problems.extend(found),
                Err(e) => {
                    let name = names.get(&e.id()).cloned().unwrap_or_default();
                    let panic = e.into_panic();
                    let message = panic
                        .downcast_ref::<String>()
                        .cloned()
                        .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                        .unwrap_or_default();
                    problems.push(format!("{name}: the check panicked: {message}"));
                }
            }
        }
        problems
    });
    assert!(
        problems.is_empty(),
        "openapi.yaml and the functions disagree:\n{}",
        problems.join("\n")
    );
}

struct Answer {
    status: u16,
    content_type: String,
    allow: Option<String>,
    request_id: Option<String>,
    body: String,
}

impl Answer {
    fn json(&self) -> Option<Value> {
        serde_json::from_str(&self.body).ok()
    }

    /// The problem `type`.
    fn kind(&self) -> String {
        self.json()
            .and_then(|p| p["type"].as_str().map(str::to_owned))
            .unwrap_or_default()
    }

    fn detail(&self) -> String {
        self.json()
            .and_then(|p| p["detail"].as_str().map(str::to_owned))
            .unwrap_or_default()
    }

    fn brief(&self) -> String {
        format!("{} {}", self.status, self.body)
    }
}

async fn send(request: reqwest::RequestBuilder) -> Answer {
    let response = request.send().await.expect("the function answers");
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let (content_type, allow, request_id) = (
        header("content-type").unwrap_or_default(),
        header("allow"),
        header("x-request-id"),
    );
    Answer {
        status: response.status().as_u16(),
        content_type,
        allow,
        request_id,
        body: response.text().await.unwrap_or_default(),
    }
}

/// A body to send: JSON text, a form, or nothing.
enum Body {
    None,
    Json(String),
    Form(Vec<Part>),
    Raw(&'static str, Vec<u8>),
}

/// One form part: a name, a file (name, declared type) or not, bytes.
type Part = (String, Option<(String, String)>, Vec<u8>);

/// A request to `op`'s function with its documented method and `headers` (the documented ones, unless a
/// test leaves one out).
async fn request(
    stack: &Stack,
    op: &Operation,
    query: &str,
    token: Option<&str>,
    headers: &[(String, String)],
    body: Body,
) -> Answer {
    let method = reqwest::Method::from_bytes(op.method.as_bytes()).expect("a method");
    let mut request = stack
        .http
        .request(method, format!("{}{query}", stack.url(&op.name)));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    for (name, value) in headers {
        // An attestation token is single-use: in place of the documented example, each request gets a
        // fresh one from the sandbox's widget (a probe's own value goes as it is).
        let value =
            match name.eq_ignore_ascii_case(ATTESTATION_HEADER) && value == ATTESTATION_EXAMPLE {
                true => stack.attestation_token().await,
                false => value.clone(),
            };
        request = request.header(name.as_str(), value);
    }
    request = match body {
        Body::None => request,
        Body::Json(text) => request
            .header("content-type", "application/json")
            .body(text),
        Body::Raw(content_type, bytes) => request.header("content-type", content_type).body(bytes),
        Body::Form(parts) => {
            let fields: Vec<FormField<'_>> = parts
                .iter()
                .map(|(name, file, bytes)| {
                    let file = file.as_ref().map(|(f, t)| (f.as_str(), t.as_str()));
                    (name.as_str(), file, bytes.as_slice())
                })
                .collect();
            let (content_type, bytes) = multipart_form(&fields);
            request.header("content-type", content_type).body(bytes)
        }
    };
    send(request).await
}

/// The body of `op` made from `example`: JSON text, or form parts (a PNG for a binary part).
fn body_of(op: &Operation, example: &Value) -> Body {
    if op.is_json() {
        return Body::Json(example.to_string());
    }
    if op.is_form() {
        return Body::Form(form_parts(op, example));
    }
    Body::None
}

fn form_parts(op: &Operation, example: &Value) -> Vec<Part> {
    let schema = resolve(op.schema());
    example
        .as_object()
        .expect("a form example is an object")
        .iter()
        .map(|(name, value)| {
            let binary = schema["properties"][name.as_str()]
                .get("contentMediaType")
                .is_some();
            if binary {
                let file = Some(("photo.png".to_owned(), "image/png".to_owned()));
                (name.clone(), file, png())
            } else {
                let text = value
                    .as_str()
                    .map_or_else(|| value.to_string(), str::to_owned);
                (name.clone(), None, text.into_bytes())
            }
        })
        .collect()
}

/// A small PNG by its bytes (the function looks at the signature only).
fn png() -> Vec<u8> {
    let mut bytes = b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR".to_vec();
    bytes.resize(256, 0x5a);
    bytes
}

/// Without a token: 401 if the function took the input, 400 if it refused it.
fn taken(answer: &Answer) -> Option<bool> {
    match answer.status {
        401 => Some(true),
        400 => Some(false),
        _ => None,
    }
}

/// Compare what the function did with `body` (sent without a token) with what the schema says.
async fn expect_as_documented(
    stack: &Stack,
    op: &Operation,
    what: &str,
    schema: &'static Value,
    value: &Value,
    problems: &mut Vec<String>,
) {
    let documented = valid(schema, value);
    let answer = request(stack, op, "", None, &op.headers(), body_of(op, value)).await;
    if taken(&answer) != Some(documented) {
        let said = if documented { "takes" } else { "refuses" };
        problems.push(format!(
            "{}: {what}: the document {said} {value}, the function answered {}",
            op.name,
            answer.brief()
        ));
    }
}

// --- the tests ----------------------------------------------------------------------------------------------

#[test]
fn every_function_has_exactly_one_documented_path_and_method() {
    let functions: BTreeSet<String> = std::fs::read_dir(workspace_root().join("functions"))
        .expect("functions/")
        .filter_map(Result::ok)
        .filter(|entry| entry.path().join("Cargo.toml").is_file())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect();
    let documented: BTreeSet<String> = operations().into_iter().map(|op| op.name).collect();
    assert_eq!(
        functions,
        documented,
        "functions without a path: {:?}; paths without a function: {:?}",
        functions.difference(&documented).collect::<Vec<_>>(),
        documented.difference(&functions).collect::<Vec<_>>()
    );
    for op in operations() {
        assert_eq!(op.spec["operationId"], op.name.as_str(), "operationId");
    }
    // Any other method is a 405 whose Allow names the function's one method: the documented one.
    for_each_operation(|stack, op| async move {
        let mut problems = Vec::new();
        for other in ["GET", "POST", "PUT", "PATCH", "DELETE"] {
            if other == op.method {
                continue;
            }
            let method = reqwest::Method::from_bytes(other.as_bytes()).expect("a method");
            let answer = send(stack.http.request(method, stack.url(&op.name))).await;
            if answer.status != 405 || answer.allow.as_deref() != Some(op.method.as_str()) {
                problems.push(format!(
                    "{}: documented {}, but {other} answered {} with Allow {:?}",
                    op.name, op.method, answer.status, answer.allow
                ));
            }
        }
        let documented = request(stack, &op, "", None, &op.headers(), Body::None).await;
        if documented.status == 405 {
            problems.push(format!(
                "{}: the documented {} is a 405",
                op.name, op.method
            ));
        }
        problems
    });
}

#[test]
fn the_documented_request_fields_are_exactly_the_fields_each_function_accepts() {
    for_each_operation(|stack, op| async move {
        let mut problems = Vec::new();
        if !op.is_json() {
            return problems;
        }
        let schema = op.schema();
        for (name, example) in op.examples() {
            let headers = op.headers();
            // The example as documented is taken: the function then asks who is calling.
            let answer = request(stack, &op, "", None, &headers, body_of(&op, &example)).await;
            if answer.status != 401 {
                problems.push(format!(
                    "{}: example {name} is not taken: {}",
                    op.name,
                    answer.brief()
                ));
                continue;
            }
            // Changes are judged by the schema only if the example itself is valid (the examples test
            // reports one that is not).
            let judged = valid(schema, &example);
            for path in nodes(&example) {
                let here = node(&example, &path);
                let Some(here_schema) = schema_at(schema, &path) else {
                    problems.push(format!(
                        "{}: example {name} has {}, which the document does not describe",
                        op.name,
                        show(&path)
                    ));
                    continue;
                };
                // An unknown field in any object: serde's refusal lists the fields the function knows.
                if here.is_object() {
                    let mut probe = example.clone();
                    node_mut(&mut probe, &path)[PROBE] = json!(1);
                    let answer =
                        request(stack, &op, "", None, &headers, body_of(&op, &probe)).await;
                    let marker = format!("unknown field `{PROBE}`, ");
                    let known = if answer.status == 400 {
                        listed_names(&answer.detail(), &marker)
                    } else {
                        Err(format!(
                            "an unknown field is not refused: {}",
                            answer.brief()
                        ))
                    };
                    let documented = property_names(here_schema);
                    match known {
                        Ok(known) if known == documented => {}
                        Ok(known) => problems.push(format!(
                            "{}: {}: the function takes {:?}, the document lists {:?} \
                             (only in the function: {:?}; only in the document: {:?})",
                            op.name,
                            show(&path),
                            known,
                            documented,
                            known.difference(&documented).collect::<Vec<_>>(),
                            documented.difference(&known).collect::<Vec<_>>()
                        )),
                        Err(e) => problems.push(format!("{}: {}: {e}", op.name, show(&path))),
                    }
                    if here_schema["additionalProperties"] != json!(false) {
                        problems.push(format!(
                            "{}: {}: the function refuses unknown fields; say additionalProperties: false",
                            op.name,
                            show(&path)
                        ));
                    }
                }
                // An unknown variant of an enum: serde's refusal lists the variants the function knows.
                if let Some(options) = here_schema["enum"].as_array() {
                    let mut probe = example.clone();
                    *node_mut(&mut probe, &path) = json!(PROBE);
                    let answer =
                        request(stack, &op, "", None, &headers, body_of(&op, &probe)).await;
                    let documented: BTreeSet<String> = options
                        .iter()
                        .filter_map(Value::as_str)
                        .map(str::to_owned)
                        .collect();
                    let marker = format!("unknown variant `{PROBE}`, ");
                    match listed_names(&answer.detail(), &marker) {
                        Ok(known) if answer.status == 400 && known == documented => {}
                        Ok(known) => problems.push(format!(
                            "{}: {}: the function's values are {known:?}, the document's {documented:?}",
                            op.name,
                            show(&path)
                        )),
                        Err(e) => problems.push(format!(
                            "{}: {}: {e} ({})",
                            op.name,
                            show(&path),
                            answer.brief()
                        )),
                    }
                }
                // Leaving a field out: taken or refused as the document's required/oneOf/dependent rules say.
                if let Some(Step::Key(key)) = path.last()
                    && judged
                    && node(&example, &path[..path.len() - 1]).is_object()
                {
                    let mut without = example.clone();
                    node_mut(&mut without, &path[..path.len() - 1])
                        .as_object_mut()
                        .expect("an object")
                        .remove(key);
                    let what = format!("example {name} without {}", show(&path));
                    expect_as_documented(stack, &op, &what, schema, &without, &mut problems).await;
                }
            }
            // A documented header left out is refused.
            for (header, _) in &headers {
                let others: Vec<(String, String)> = headers
                    .iter()
                    .filter(|(h, _)| h != header)
                    .cloned()
                    .collect();
                let answer = request(stack, &op, "", None, &others, body_of(&op, &example)).await;
                let required = op
                    .parameters()
                    .iter()
                    .any(|p| p["name"] == header.as_str() && p["required"] == true);
                // The body is fine, so a missing attestation is its own refusal, not a 400.
                let refused_as_documented = match header.eq_ignore_ascii_case(ATTESTATION_HEADER) {
                    true => answer.status == 403 && answer.kind() == ATTESTATION_REQUIRED,
                    false => taken(&answer) == Some(!required),
                };
                if !refused_as_documented {
                    problems.push(format!(
                        "{}: without the {header} header (required: {required}): {}",
                        op.name,
                        answer.brief()
                    ));
                }
            }
        }
        problems
    });
}

#[test]
fn the_documented_media_types_form_parts_and_query_rules_are_exactly_what_each_function_accepts() {
    for_each_operation(|stack, op| async move {
        let mut problems = Vec::new();
        let headers = op.headers();
        let example = op.first_example().unwrap_or(Value::Null);
        let body = || body_of(&op, &example);
        // No function takes a query string, so none is documented.
        if op.parameters().iter().any(|p| p["in"] != "header") {
            problems.push(format!("{}: documents a non-header parameter", op.name));
        }
        let answer = request(stack, &op, "?zzProbe=1", None, &headers, body()).await;
        if answer.status != 400 {
            problems.push(format!(
                "{}: a query string is not refused: {}",
                op.name,
                answer.brief()
            ));
        }
        match op.body() {
            None => {
                let answer = request(stack, &op, "", None, &headers, Body::None).await;
                if answer.status != 401 {
                    problems.push(format!(
                        "{}: documented without a body, but a request without one is {}",
                        op.name,
                        answer.brief()
                    ));
                }
            }
            Some((media, _)) => {
                // The documented media type is the one the function reads; another is a 415.
                let other = if op.is_json() {
                    Body::Raw("text/plain", example.to_string().into_bytes())
                } else {
                    Body::Raw("application/json", b"{}".to_vec())
                };
                let answer = request(stack, &op, "", None, &headers, other).await;
                if answer.status != 415 || !answer.detail().contains(media) {
                    problems.push(format!(
                        "{}: documented {media}, but another media type is {}",
                        op.name,
                        answer.brief()
                    ));
                }
            }
        }
        if !op.is_form() {
            return problems;
        }
        // A form: exactly the documented parts, each once; the text parts' lengths as documented.
        let schema = op.schema();
        let answer = request(stack, &op, "", None, &headers, body()).await;
        if answer.status != 401 {
            problems.push(format!(
                "{}: the documented form is not taken: {}",
                op.name,
                answer.brief()
            ));
        }
        let parts = example.as_object().expect("a form example is an object");
        for name in parts.keys() {
            let mut without = example.clone();
            without.as_object_mut().expect("an object").remove(name);
            let what = format!("the form without {name}");
            expect_as_documented(stack, &op, &what, schema, &without, &mut problems).await;
            let mut twice = form_parts(&op, &example);
            let again = twice
                .iter()
                .find(|(n, _, _)| n == name)
                .cloned()
                .expect("the part");
            twice.push(again);
            let answer = request(stack, &op, "", None, &headers, Body::Form(twice)).await;
            if answer.status != 400 {
                problems.push(format!(
                    "{}: part {name} sent twice is not refused: {}",
                    op.name,
                    answer.brief()
                ));
            }
        }
        let mut extra = example.clone();
        extra[PROBE] = json!("1");
        let what = format!("the form with a part {PROBE}");
        expect_as_documented(stack, &op, &what, schema, &extra, &mut problems).await;
        for (name, property) in resolve(schema)["properties"].as_object().expect("parts") {
            let property = resolve(property);
            if property.get("contentMediaType").is_some() {
                continue;
            }
            for text in string_bounds(property) {
                let mut changed = example.clone();
                changed[name.as_str()] = json!(text);
                let what = format!("part {name} of {} characters", text.chars().count());
                expect_as_documented(stack, &op, &what, schema, &changed, &mut problems).await;
            }
        }
        problems
    });
}

#[test]
fn the_documented_policy_is_the_one_each_function_enforces() {
    // Sam: a member, not an admin, who owns nothing the examples name.
    let (visitor, member) = shared().runtime.block_on(async {
        let stack = &shared().stack;
        (
            stack.visitor_token().await,
            stack.member_token(&seed::SECOND_MEMBER).await,
        )
    });
    for_each_operation(move |stack, op| {
        let (visitor, member) = (visitor.clone(), member.clone());
        async move {
            let mut problems = Vec::new();
            let policy = op.policy();
            let example = op.first_example().unwrap_or(Value::Null);
            let headers = op.headers();
            let as_visitor = request(
                stack,
                &op,
                "",
                Some(&visitor),
                &headers,
                body_of(&op, &example),
            )
            .await;
            let as_member = request(
                stack,
                &op,
                "",
                Some(&member),
                &headers,
                body_of(&op, &example),
            )
            .await;
            let refused_by =
                |answer: &Answer, refusal: &str| answer.status == 403 && answer.kind() == refusal;
            let by_policy = |answer: &Answer| {
                [ADMIN_ONLY, NOT_ALLOWED]
                    .iter()
                    .any(|refusal| refused_by(answer, refusal))
            };
            let agrees = match policy {
                "AnyVisitor" => as_visitor.status == 200 && as_member.status == 200,
                "Admin" => {
                    refused_by(&as_visitor, ADMIN_ONLY) && refused_by(&as_member, ADMIN_ONLY)
                }
                "AdminOrOwner" => refused_by(&as_visitor, NOT_ALLOWED) && !by_policy(&as_member),
                other => {
                    problems.push(format!(
                        "{}: x-policy {other} is not one of {POLICIES:?}",
                        op.name
                    ));
                    return problems;
                }
            };
            if !agrees {
                problems.push(format!(
                    "{}: x-policy {policy}, but a visitor got {} and a member {}",
                    op.name,
                    as_visitor.brief(),
                    as_member.brief()
                ));
            }
            problems
        }
    });
}

#[test]
fn every_operation_documents_security_its_policy_a_typed_answer_and_problem_errors() {
    let schemes = document()["components"]["securitySchemes"]
        .as_object()
        .expect("security schemes");
    let bearer = &schemes["wixAccessToken"];
    assert_eq!(
        (&bearer["type"], &bearer["scheme"]),
        (&json!("http"), &json!("bearer"))
    );
    let problem = json!({ "$ref": "#/components/schemas/Problem" });
    let mut problems = Vec::new();
    for op in operations() {
        let name = &op.name;
        let security = op.spec["security"].as_array().cloned().unwrap_or_default();
        let alternatives: Vec<Vec<String>> = security
            .iter()
            .map(|requirement| {
                requirement
                    .as_object()
                    .map(|r| r.keys().cloned().collect())
                    .unwrap_or_default()
            })
            .collect();
        // A Wix token always; SigV4 too where the stack may put the function URL behind AWS_IAM (Admin).
        let mut expected = vec![vec!["wixAccessToken".to_owned()]];
        if op.policy() == "Admin" {
            expected.push(vec!["awsIam".to_owned()]);
        }
        if alternatives != expected {
            problems.push(format!(
                "{name}: security {alternatives:?}, expected {expected:?}"
            ));
        }
        for alternative in alternatives.iter().flatten() {
            if !schemes.contains_key(alternative) {
                problems.push(format!("{name}: no security scheme {alternative}"));
            }
        }
        if !POLICIES.contains(&op.policy()) {
            problems.push(format!("{name}: x-policy {} is not a policy", op.policy()));
        }
        let description = op.spec["description"].as_str().unwrap_or_default();
        if !description.starts_with("Who may call: ") || op.spec["summary"].as_str().is_none() {
            problems.push(format!(
                "{name}: a summary, and a description starting with who may call"
            ));
        }
        op.max_body_bytes();
        let statuses = op.documented_statuses();
        let successes: Vec<&String> = statuses.iter().filter(|s| s.starts_with('2')).collect();
        if successes.len() != 1 {
            problems.push(format!("{name}: one 2xx answer, not {successes:?}"));
        }
        let success = op.success_schema();
        if resolve(success)["type"] != "object" {
            problems.push(format!("{name}: the 2xx answer has no object schema"));
        }
        let mut required: Vec<&str> = PIPELINE_ANSWERS.to_vec();
        if op.body().is_some() {
            required.push("415");
        }
        for status in required {
            if !statuses.contains(status) {
                problems.push(format!("{name}: does not document {status}"));
            }
        }
        for (status, response) in op.spec["responses"].as_object().expect("responses") {
            if status.starts_with('2') {
                continue;
            }
            let content = resolve(response)["content"].as_object();
            let only_problem = content.is_some_and(|c| {
                c.len() == 1
                    && c.get("application/problem+json").map(|m| &m["schema"]) == Some(&problem)
            });
            if !only_problem {
                problems.push(format!(
                    "{name}: {status} is not application/problem+json with the Problem schema"
                ));
            }
        }
        if op.body().is_some() && op.spec["requestBody"]["required"] != true {
            problems.push(format!("{name}: the request body is required"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_documented_examples_are_valid_and_use_every_documented_property() {
    let mut problems = Vec::new();
    for op in operations() {
        if op.body().is_none() {
            continue;
        }
        let schema = op.schema();
        let examples = op.examples();
        if examples.is_empty() {
            problems.push(format!("{}: the request body has no example", op.name));
        }
        // Every object of the body (by where it sits) with the properties the examples give it.
        let mut used: BTreeMap<Path, BTreeSet<String>> = BTreeMap::new();
        for (name, example) in &examples {
            for violation in violations(schema, example) {
                problems.push(format!("{}: example {name}: {violation}", op.name));
            }
            for path in nodes(example) {
                if let Some(object) = node(example, &path).as_object() {
                    used.entry(shape(&path))
                        .or_default()
                        .extend(object.keys().cloned());
                }
            }
        }
        for (path, keys) in &used {
            // (A property the schema lacks is reported by the validity check above.)
            let Some(object_schema) = schema_at(schema, path) else {
                continue;
            };
            let documented = property_names(object_schema);
            let unused: Vec<&String> = documented.difference(keys).collect();
            if !unused.is_empty() {
                problems.push(format!(
                    "{}: no example uses {} of {}",
                    op.name,
                    unused
                        .iter()
                        .map(|k| k.as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
                    show(path)
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_documented_limits_are_the_limits_each_function_enforces() {
    for_each_operation(|stack, op| async move {
        let mut problems = Vec::new();
        let headers = op.headers();
        let limit = op.max_body_bytes();
        // The body limit, to the byte (a form's limit is 6 MB and is not sent here).
        if op.body().is_none() {
            let empty = request(stack, &op, "", None, &headers, Body::None).await;
            let one = Body::Raw("application/json", vec![b' '; limit + 1]);
            let over = request(stack, &op, "", None, &headers, one).await;
            if empty.status != 401 || over.status != 413 {
                problems.push(format!(
                    "{}: x-max-body-bytes {limit}, but no body answered {} and {} bytes {}",
                    op.name,
                    empty.brief(),
                    limit + 1,
                    over.brief()
                ));
            }
        }
        if op.is_json() {
            let example = op.first_example().expect("an example");
            let text = example.to_string();
            for (size, expected) in [(limit, 401), (limit + 1, 413)] {
                let padded = format!("{text}{}", " ".repeat(size.saturating_sub(text.len())));
                let answer = request(stack, &op, "", None, &headers, Body::Json(padded)).await;
                if answer.status != expected {
                    problems.push(format!(
                        "{}: x-max-body-bytes {limit}, but {size} bytes answered {}",
                        op.name,
                        answer.brief()
                    ));
                }
            }
        }
        // Header lengths.
        for parameter in op.parameters() {
            let name = parameter["name"].as_str().expect("a name").to_owned();
            let header_schema = resolve(&parameter["schema"]);
            let example = op.first_example().unwrap_or(Value::Null);
            for text in string_bounds(header_schema) {
                let mut changed = headers.clone();
                changed.retain(|(n, _)| *n != name);
                // An optional header is not in the probes' headers: sent here, on its own.
                changed.push((name.clone(), text.clone()));
                let asked_before = stack.sandbox.state.attestation_verifications().len();
                let answer = request(stack, &op, "", None, &changed, body_of(&op, &example)).await;
                let documented = valid(header_schema, &json!(text));
                // No widget made this text, so any attestation token is refused: one of a documented
                // length by the provider, any other before the provider is asked.
                let as_documented = match name.eq_ignore_ascii_case(ATTESTATION_HEADER) {
                    true => {
                        // Other tests share the sandbox: this probe's verification is the one
                        // whose response has the probe's length (the widget's tokens are longer).
                        let asked = stack.sandbox.state.attestation_verifications()[asked_before..]
                            .iter()
                            .any(|v| v.response_chars == text.chars().count());
                        answer.kind() == ATTESTATION_FAILED && asked == documented
                    }
                    false => taken(&answer) == Some(documented),
                };
                if !as_documented {
                    problems.push(format!(
                        "{}: header {name} of {} characters: documented {}, answered {}",
                        op.name,
                        text.len(),
                        if documented { "taken" } else { "refused" },
                        answer.brief()
                    ));
                }
            }
        }
        if !op.is_json() {
            return problems;
        }
        // Numbers, lengths and list sizes at and past each documented bound.
        let schema = op.schema();
        for (name, example) in op.examples() {
            if !valid(schema, &example) {
                continue; // reported by the examples test
            }
            for path in nodes(&example) {
                if path.is_empty() {
                    continue;
                }
                let Some(here) = schema_at(schema, &path) else {
                    continue;
                };
                let mut changes: Vec<Value> = Vec::new();
                for keyword in ["minimum", "maximum"] {
                    if let Some(bound) = here[keyword].as_i64() {
                        let step = if keyword == "minimum" { -1 } else { 1 };
                        changes.push(json!(bound));
                        changes.push(json!(bound + step));
                    }
                }
                if here.get("format").is_none() && here.get("enum").is_none() {
                    changes.extend(string_bounds(here).into_iter().map(Value::from));
                }
                if let Some(items) = node(&example, &path).as_array()
                    && let Some(first) = items.first()
                {
                    changes.push(json!([]));
                    changes.push(json!([first, first]));
                    if here["uniqueItems"] != true
                        && let Some(max) = here["maxItems"]
                            .as_u64()
                            .and_then(|m| usize::try_from(m).ok())
                    {
                        changes.push(Value::Array(vec![first.clone(); max]));
                        changes.push(Value::Array(vec![first.clone(); max + 1]));
                    }
                    if let Some(options) = resolve(&here["items"])["enum"].as_array() {
                        changes.push(Value::Array(options.clone()));
                    }
                }
                for change in changes {
                    let mut changed = example.clone();
                    *node_mut(&mut changed, &path) = change.clone();
                    let shown = match &change {
                        Value::String(s) => format!("{} characters", s.chars().count()),
                        Value::Array(a) => format!("{} items", a.len()),
                        other => other.to_string(),
                    };
                    let what = format!("example {name} with {} = {shown}", show(&path));
                    expect_as_documented(stack, &op, &what, schema, &changed, &mut problems).await;
                }
            }
        }
        problems
    });
}

/// Texts at and past a string schema's length bounds (digits, which every documented pattern allows).
fn string_bounds(schema: &'static Value) -> Vec<String> {
    let schema = resolve(schema);
    let mut texts = Vec::new();
    if let Some(max) = schema["maxLength"]
        .as_u64()
        .and_then(|m| usize::try_from(m).ok())
    {
        texts.push("1".repeat(max));
        texts.push("1".repeat(max + 1));
    }
    if schema["minLength"].as_u64().is_some_and(|m| m >= 1) {
        texts.push(String::new());
    }
    texts
}

#[test]
fn the_answers_to_the_documented_examples_match_the_documented_schemas() {
    let (admin, member) = shared().runtime.block_on(async {
        let stack = &shared().stack;
        (
            stack.member_token(&seed::ADMIN).await,
            stack.member_token(&seed::MEMBER).await,
        )
    });
    for_each_operation(move |stack, op| {
        let (admin, member) = (admin.clone(), member.clone());
        async move {
            let mut problems = Vec::new();
            let statuses = op.documented_statuses();
            let examples = match op.examples() {
                none if none.is_empty() => vec![("(none)".to_owned(), Value::Null)],
                some => some,
            };
            // An admin first (each example should succeed), then, where a member may call, a member.
            let mut callers = vec![("an admin", admin)];
            if op.policy() == "AdminOrOwner" || op.policy() == "Member" {
                callers.push(("a member", member));
            }
            let mut succeeded = false;
            for (who, token) in &callers {
                for (name, example) in &examples {
                    let answer = request(
                        stack,
                        &op,
                        "",
                        Some(token),
                        &op.headers(),
                        body_of(&op, example),
                    )
                    .await;
                    let status = answer.status.to_string();
                    let context = format!("{}: example {name} for {who}", op.name);
                    if !statuses.contains(&status) {
                        problems.push(format!("{context}: undocumented {}", answer.brief()));
                        continue;
                    }
                    if answer.request_id.is_none() {
                        problems.push(format!("{context}: no x-request-id"));
                    }
                    let (media, schema) = if status.starts_with('2') {
                        succeeded = true;
                        ("application/json", op.success_schema())
                    } else {
                        (
                            "application/problem+json",
                            target("#/components/schemas/Problem"),
                        )
                    };
                    if answer.content_type != media {
                        problems.push(format!("{context}: {status} as {}", answer.content_type));
                    }
                    match answer.json() {
                        Some(body) => {
                            for violation in violations(schema, &body) {
                                problems.push(format!("{context}: {status} answer {violation}"));
                            }
                            if !status.starts_with('2') && body["status"] != answer.status {
                                problems.push(format!(
                                    "{context}: the problem's status is not {status}"
                                ));
                            }
                        }
                        None => problems.push(format!("{context}: not JSON: {}", answer.brief())),
                    }
                }
            }
            if !succeeded {
                problems.push(format!("{}: no example succeeded", op.name));
            }
            problems
        }
    });
}

// --- the parsers themselves, in this process ---------------------------------------------------------------

/// A value to put somewhere in an example: every JSON type, edge numbers, and text near what ids, dates
/// and limits accept.
fn json_leaf() -> impl proptest::strategy::Strategy<Value = Value> {
    use proptest::prelude::*;
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        prop_oneof![Just(json!(0)), Just(json!(-1)), Just(json!(1.5)), Just(json!(1e300))],
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        "[0-9a-fA-F-]{30,40}".prop_map(Value::from),
        "\\PC{0,40}".prop_map(Value::from),
        "20[0-9]{2}-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9](\\.[0-9]{1,9})?(Z|[+-][01][0-9]:[0-5][0-9])"
            .prop_map(Value::from),
        (0usize..300).prop_map(|n| Value::from("x".repeat(n))),
        Just(json!([])),
        Just(json!({})),
    ]
}

/// One change to an example: at the node picked by `at` (modulo the node count), what to do.
#[derive(Clone, Debug)]
enum Mutation {
    Replace(Value),
    Remove,
    AddProbeField,
    WrapInArray,
}

fn mutation() -> impl proptest::strategy::Strategy<Value = (usize, Mutation)> {
    use proptest::prelude::*;
    let kind = prop_oneof![
        4 => json_leaf().prop_map(Mutation::Replace),
        2 => Just(Mutation::Remove),
        1 => Just(Mutation::AddProbeField),
        1 => Just(Mutation::WrapInArray),
    ];
    (any::<usize>(), kind)
}

fn apply(body: &mut Value, at: usize, mutation: Mutation) {
    let paths = nodes(body);
    let path = &paths[at % paths.len()];
    match mutation {
        Mutation::Replace(value) => *node_mut(body, path) = value,
        Mutation::Remove => match path.split_last() {
            Some((Step::Key(key), parent)) => {
                node_mut(body, parent)
                    .as_object_mut()
                    .map(|o| o.remove(key));
            }
            Some((Step::Index(i), parent)) => {
                node_mut(body, parent).as_array_mut().map(|a| a.remove(*i));
            }
            None => *body = Value::Null,
        },
        Mutation::AddProbeField => {
            if let Some(object) = node_mut(body, path).as_object_mut() {
                object.insert(PROBE.into(), json!(1));
            }
        }
        Mutation::WrapInArray => {
            let target = node_mut(body, path);
            *target = Value::Array(vec![target.take()]);
        }
    }
}

/// A JSON function's documented examples with the parser the function runs on its body
/// (fuzz/functions.rs: every `main.rs` compiled here as a module).
struct JsonParser {
    op: Operation,
    examples: Vec<Value>,
    parse: fn(&[u8]) -> bool,
}

fn json_parsers() -> Vec<JsonParser> {
    operations()
        .into_iter()
        .filter(|op| op.is_json())
        .map(|op| {
            let (_, parse) = *crate::functions::PARSERS
                .iter()
                .find(|(name, _)| *name == op.name)
                .unwrap_or_else(|| panic!("{}: no such function in fuzz/functions.rs", op.name));
            let examples = op.examples().into_iter().map(|(_, e)| e).collect();
            JsonParser {
                op,
                examples,
                parse,
            }
        })
        .collect()
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]

    /// The stable twin of the `function_input` fuzz target: an example with random changes never panics a
    /// parser, and a parser takes nothing the document calls invalid (wrong types, missing or unknown
    /// fields, arrays for objects, out-of-bounds text). Stricter rules of a function's own (a GUID that
    /// exists, a date in the future) may refuse what the document allows; the other way round is a bug.
    #[test]
    fn a_function_accepts_no_body_the_document_calls_invalid(
        which in proptest::prelude::any::<usize>(),
        example in proptest::prelude::any::<usize>(),
        changes in proptest::collection::vec(mutation(), 1..4),
    ) {
        static PARSERS: OnceLock<Vec<JsonParser>> = OnceLock::new();
        let parsers = PARSERS.get_or_init(json_parsers);
        let JsonParser { op, examples, parse } = &parsers[which % parsers.len()];
        let mut body = examples[example % examples.len()].clone();
        for (at, change) in changes {
            apply(&mut body, at, change);
        }
        let accepted = parse(&serde_json::to_vec(&body).expect("JSON"));
        let problems = violations(op.schema(), &body);
        proptest::prop_assert!(
            !accepted || problems.is_empty(),
            "{} accepted {body} though the document says {problems:?}",
            op.name
        );
    }
}

#[test]
fn every_documented_example_is_accepted_by_its_function_parser() {
    let mut refused = Vec::new();
    for JsonParser {
        op,
        examples,
        parse,
    } in json_parsers()
    {
        for example in examples {
            if !parse(&serde_json::to_vec(&example).expect("JSON")) {
                refused.push(format!("{}: {example}", op.name));
            }
        }
    }
    assert!(
        refused.is_empty(),
        "refused examples:\n{}",
        refused.join("\n")
    );
}

// --- the document is the code's ---------------------------------------------------------------------------

#[allow(dead_code)]
#[path = "../openapi/render.rs"]
mod render;

/// openapi.yaml is generated (`scripts/openapi`), never edited: the committed file must be exactly what
/// the functions' declarations and types give in this build.
#[test]
fn the_committed_openapi_document_is_the_one_the_code_generates() {
    let path = workspace_root().join("openapi.yaml");
    let committed = std::fs::read_to_string(&path).expect("openapi.yaml is readable");
    let generated = render::render(crate::functions::openapi().finish());
    if committed != generated {
        let line = committed
            .lines()
            .zip(generated.lines())
            .position(|(a, b)| a != b)
            .unwrap_or_else(|| committed.lines().count().min(generated.lines().count()));
        panic!(
            "openapi.yaml differs from what the code generates from line {}: run scripts/openapi",
            line + 1
        );
    }
}
