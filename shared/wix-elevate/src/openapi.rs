//! openapi.yaml, built from what each function declares: its [`Endpoint`] constants, its policy, and the
//! JSON Schema of the input it parses and the answer it serializes (schemars, from the same types). The
//! prose that no type can hold (a summary, a description, an example) is the endpoint's [`Doc`]; the
//! parts every function shares (security schemes, headers, problem answers) are `openapi/frame.json`.
//! `scripts/openapi` writes the document; the test command fails when the committed one differs.

use http::StatusCode;
use schemars::SchemaGenerator;
use schemars::generate::{Contract, SchemaSettings};
use serde_json::{Map, Value, json};

use crate::attestation::Attestation;
use crate::budget::Budgets;
use crate::idempotency::Idempotency;
use crate::input::Input;
use crate::pipeline::Endpoint;
use crate::policy::Policy;
use crate::{ApiError, budget};

/// What openapi.yaml says of a function beyond what its types say.
pub struct Doc {
    pub tag: Tag,
    pub summary: &'static str,
    /// Markdown: who may call, what happens, which answers mean what.
    pub description: &'static str,
    /// What the success answer is.
    pub answer: &'static str,
    /// Request bodies the function accepts; none without a body.
    pub examples: &'static [Example],
    /// The answers the function gives from Wix's outcomes besides the pipeline's own (404, 409, 422).
    pub errors: &'static [StatusCode],
}

impl Doc {
    /// For endpoints that exist only in tests.
    #[cfg(test)]
    pub(crate) const UNDOCUMENTED: Doc = Doc {
        tag: Tag::Site,
        summary: "",
        description: "",
        answer: "",
        examples: &[],
        errors: &[],
    };
}

/// A request body the function accepts, as JSON text (a form's parts as an object).
pub struct Example {
    /// Its key among the operation's examples.
    pub name: &'static str,
    pub summary: &'static str,
    pub body: &'static str,
}

impl Example {
    /// An operation's one example.
    pub const fn only(body: &'static str) -> Example {
        Example {
            name: "",
            summary: "",
            body,
        }
    }
}

/// The document's groups of operations.
#[derive(Clone, Copy, Debug)]
pub enum Tag {
    Site,
    Members,
    Uploads,
    Stores,
    Orders,
    Bookings,
}

impl Tag {
    const ALL: [Tag; 6] = [
        Tag::Site,
        Tag::Members,
        Tag::Uploads,
        Tag::Stores,
        Tag::Orders,
        Tag::Bookings,
    ];
}

/// The answers the pipeline can give before or around any Wix call, by status and component name.
const PIPELINE_ANSWERS: [(u16, &str); 9] = [
    (400, "BadRequest"),
    (401, "Unauthenticated"),
    (403, "Forbidden"),
    (405, "MethodNotAllowed"),
    (413, "PayloadTooLarge"),
    (429, "TooManyRequests"),
    (502, "BadGateway"),
    (503, "Unavailable"),
    (504, "GatewayTimeout"),
];

const FRAME: &str = include_str!("openapi/frame.json");
const COMPONENTS: &str = "/components/schemas/";

/// The document, one [`Document::add`] per function.
pub struct Document {
    /// Request bodies, as serde reads them (an `Option` may be left out).
    requests: SchemaGenerator,
    /// Answers, as serde writes them (every field present, `null` where there is no value).
    answers: SchemaGenerator,
    paths: Map<String, Value>,
}

impl Default for Document {
    fn default() -> Self {
        let settings = |contract| {
            let mut settings = SchemaSettings::draft2020_12();
            settings.definitions_path = COMPONENTS.into();
            settings.meta_schema = None;
            settings.contract = contract;
            settings
        };
        Document {
            requests: settings(Contract::Deserialize).into_generator(),
            answers: settings(Contract::Serialize).into_generator(),
            paths: Map::new(),
        }
    }
}

impl Document {
    pub fn add<E: Endpoint>(&mut self) {
        let body = E::Input::body_schema(&mut self.requests);
        let answer = self.answers.subschema_for::<E::Output>();
        let operation = operation::<E>(body, answer);
        let method = E::METHOD.as_str().to_ascii_lowercase();
        self.paths
            .insert(format!("/{}/", E::NAME), json!({ method: operation }));
    }

    /// The whole document. Panics when a type's schema differs between a request and an answer (give
    /// one of them another name).
    pub fn finish(mut self) -> Value {
        let mut schemas = Map::new();
        schemas.insert("Problem".into(), problem_schema());
        for (name, mut schema) in self.requests.take_definitions(true) {
            without_null(&mut schema);
            schemas.insert(name, schema);
        }
        for (name, mut schema) in self.answers.take_definitions(true) {
            closed_objects(&mut schema);
            match schemas.get(&name) {
                Some(request) if *request != schema => panic!(
                    "{name} reads differently as a request and an answer: \
                     give one a name of its own with #[schemars(rename)]"
                ),
                _ => schemas.insert(name, schema),
            };
        }
        let mut paths = self.paths;
        for operation in paths.values_mut().filter_map(Value::as_object_mut) {
            for spec in operation.values_mut() {
                if let Some(schema) = spec.pointer_mut("/requestBody/content") {
                    schema
                        .as_object_mut()
                        .into_iter()
                        .flatten()
                        .for_each(|(_, media)| {
                            if let Some(schema) = media.get_mut("schema") {
                                without_null(schema);
                            }
                        });
                }
                if let Some(answer) =
                    spec.pointer_mut("/responses/200/content/application~1json/schema")
                {
                    closed_objects(answer);
                }
            }
        }
        let mut document: Value = serde_json::from_str(FRAME).expect("openapi/frame.json is JSON");
        document["tags"] = Tag::ALL
            .iter()
            .map(|tag| json!({ "name": format!("{tag:?}") }))
            .collect();
        document["paths"] = Value::Object(paths);
        document["components"]["schemas"] = Value::Object(schemas);
        document
    }
}

fn operation<E: Endpoint>(body: Option<schemars::Schema>, answer: schemars::Schema) -> Value {
    let doc = &E::DOC;
    let mut spec = Map::new();
    spec.insert("tags".into(), json!([format!("{:?}", doc.tag)]));
    spec.insert("operationId".into(), json!(E::NAME));
    spec.insert("summary".into(), json!(doc.summary));
    spec.insert("description".into(), json!(doc.description));
    spec.insert("x-policy".into(), json!(<E::Policy as Policy>::NAME));
    spec.insert("x-max-body-bytes".into(), json!(E::MAX_BODY_BYTES));
    if let Some(mode) = idempotency(E::IDEMPOTENCY) {
        spec.insert("x-idempotency".into(), json!(mode));
    }
    if let Some(mode) = attestation(E::ATTESTATION) {
        spec.insert("x-attestation".into(), json!(mode));
    }
    // What the function keeps in the state table: idempotency records and upload budgets, or only a
    // member's write counters (scripts/check-template.py grants the DynamoDB actions each needs).
    let state = match (E::IDEMPOTENCY.accepts_key(), E::BUDGETS) {
        (true, _) | (false, Budgets::Uploads) => Some("records"),
        (false, Budgets::MemberWrites) => Some("limits"),
        (false, Budgets::None) => None,
    };
    if let Some(state) = state {
        spec.insert("x-state".into(), json!(state));
    }
    let mut security = vec![json!({ "wixAccessToken": [] })];
    if <E::Policy as Policy>::ADMITS_IAM {
        security.push(json!({ "awsIam": [] }));
    }
    spec.insert("security".into(), Value::Array(security));

    let mut parameters = Vec::new();
    match E::IDEMPOTENCY {
        Idempotency::None => {}
        Idempotency::Optional => parameters.push(reference("parameters", "OptionalIdempotencyKey")),
        Idempotency::Required => parameters.push(reference("parameters", "IdempotencyKey")),
    }
    if E::ATTESTATION != Attestation::Off {
        parameters.push(reference("parameters", "AttestationToken"));
    }
    if !parameters.is_empty() {
        spec.insert("parameters".into(), Value::Array(parameters));
    }

    let mut statuses: Vec<(u16, &str)> = PIPELINE_ANSWERS.to_vec();
    if let (Some(media), Some(schema)) = (<E::Input as Input>::MEDIA_TYPE, body) {
        let body = |example: &Example| -> Value {
            serde_json::from_str(example.body)
                .unwrap_or_else(|e| panic!("{}: an example is not JSON: {e}", E::NAME))
        };
        let mut content = json!({ "schema": schema });
        match doc.examples {
            [] => panic!("{}: a body needs an example", E::NAME),
            [only] if only.name.is_empty() => content["example"] = body(only),
            examples => {
                content["examples"] = examples
                    .iter()
                    .map(|e| {
                        (
                            e.name.to_owned(),
                            json!({ "summary": e.summary, "value": body(e) }),
                        )
                    })
                    .collect::<Map<_, _>>()
                    .into();
            }
        }
        spec.insert(
            "requestBody".into(),
            json!({ "required": true, "content": { media: content } }),
        );
        statuses.push((415, "UnsupportedMediaType"));
    } else {
        assert!(
            doc.examples.is_empty(),
            "{}: an example without a body",
            E::NAME
        );
    }
    for status in doc.errors {
        statuses.push(match status.as_u16() {
            404 => (404, "NotFound"),
            409 => (409, "Conflict"),
            422 => (422, "Unprocessable"),
            other => panic!(
                "{}: DOC.errors holds {other}; only 404, 409 and 422",
                E::NAME
            ),
        });
    }
    if E::IDEMPOTENCY.accepts_key() {
        // A key in flight or whose outcome is unknown; a key reused with another body.
        statuses.extend([(409, "Conflict"), (422, "Unprocessable")]);
    }
    statuses.sort_unstable();
    statuses.dedup();

    let mut responses = Map::new();
    responses.insert(
        E::SUCCESS.as_str().into(),
        json!({
            "description": doc.answer,
            "headers": { "x-request-id": reference("headers", "RequestId") },
            "content": { "application/json": { "schema": answer } }
        }),
    );
    for (status, name) in statuses {
        responses.insert(status.to_string(), reference("responses", name));
    }
    spec.insert("responses".into(), Value::Object(responses));
    Value::Object(spec)
}

fn reference(kind: &str, name: &str) -> Value {
    json!({ "$ref": format!("#/components/{kind}/{name}") })
}

fn idempotency(mode: Idempotency) -> Option<&'static str> {
    match mode {
        Idempotency::None => None,
        Idempotency::Optional => Some("optional"),
        Idempotency::Required => Some("required"),
    }
}

fn attestation(mode: Attestation) -> Option<&'static str> {
    match mode {
        Attestation::Off => None,
        Attestation::Optional => Some("optional"),
        Attestation::Required => Some("required"),
    }
}

/// The problem document, with every `type` the functions can answer.
fn problem_schema() -> Value {
    let types: Vec<String> = ApiError::SLUGS
        .into_iter()
        .chain(budget::slugs())
        .map(|slug| format!("urn:wix-elevate:problem:{slug}"))
        .collect();
    json!({
        "description": "An RFC 9457 problem document. `detail` is ours (never Wix's text) and cut at 300 characters.",
        "type": "object",
        "additionalProperties": false,
        "required": ["type", "title", "status", "detail", "requestId"],
        "properties": {
            "type": { "description": "What went wrong, stable across releases.", "type": "string", "enum": types },
            "title": { "description": "The HTTP status's reason phrase.", "type": "string" },
            "status": { "description": "The HTTP status.", "type": "integer", "minimum": 400, "maximum": 599 },
            "detail": { "type": "string", "maxLength": crate::problem::MAX_DETAIL_CHARS },
            "requestId": { "description": "The same as the `x-request-id` header.", "type": "string", "minLength": 1 }
        }
    })
}

/// A request never holds `null` (the pipeline refuses it), though serde would read it as an absent
/// `Option`: drop `null` from every type and alternative, and `null` defaults.
fn without_null(schema: &mut Value) {
    match schema {
        Value::Object(object) => {
            if let Some(Value::Array(types)) = object.get_mut("type") {
                types.retain(|t| t != "null");
                if types.len() == 1 {
                    let only = types.remove(0);
                    object.insert("type".into(), only);
                }
            }
            if object.get("default") == Some(&Value::Null) {
                object.remove("default");
            }
            for keyword in ["anyOf", "oneOf"] {
                if let Some(Value::Array(alternatives)) = object.get_mut(keyword) {
                    alternatives.retain(|a| a != &json!({ "type": "null" }));
                    if alternatives.len() == 1 {
                        let Some(Value::Object(only)) = alternatives.pop() else {
                            continue;
                        };
                        object.remove(keyword);
                        for (k, v) in only {
                            object.entry(k).or_insert(v);
                        }
                    }
                }
            }
            object.values_mut().for_each(without_null);
        }
        Value::Array(items) => items.iter_mut().for_each(without_null),
        _ => {}
    }
}

/// A serialized struct has exactly its fields: say so, so that a client (and the answer test) can tell.
fn closed_objects(schema: &mut Value) {
    match schema {
        Value::Object(object) => {
            if object.contains_key("properties") && !object.contains_key("additionalProperties") {
                object.insert("additionalProperties".into(), Value::Bool(false));
            }
            object.values_mut().for_each(closed_objects);
        }
        Value::Array(items) => items.iter_mut().for_each(closed_objects),
        _ => {}
    }
}
