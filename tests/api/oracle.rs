//! Wix's own SDK is the oracle. `tests/oracle/record.mjs` runs the pinned `@wix/*` modules with `fetch`
//! replaced by a recorder and prints the request each one builds; here the functions carry out the same
//! operations against the sandbox, whose call log holds what we sent. Every Wix request must equal the
//! SDK's but for the differences in [`ALLOWED`], and every answer the sandbox gave must type-check
//! against the SDK's REST response type (`tests/oracle/typecheck.mjs`, `tsc --strict`), so neither our
//! client nor the sandbox can drift from Wix unnoticed.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};
use wix_sandbox::CallRecord;
use wix_sandbox::seed::CatalogVersion;

use crate::harness::{Reply, Stack, TINY_PNG, multipart_form, seed, workspace_root};

/// Where our request may differ from the SDK's, and why. `(operation, where, reason)`; `where` is a JSON
/// pointer into the body, or `?name` for a query parameter.
const ALLOWED: &[(&str, &str, &str)] = &[
    (MEMBER_GET, "?id", REPEATED_ID),
    (MEMBER_DELETE, "?id", REPEATED_ID),
    (MEMBER_APPROVE, "/id", REPEATED_ID),
    (ORDER_CANCEL, "/id", REPEATED_ID),
    (FULFILLMENT_CREATE, "/orderId", REPEATED_ID),
    (INVENTORY_V1_UPDATE, "/inventoryItem/productId", REPEATED_ID),
    (
        ADMIN_GRANT,
        "/instance_id",
        "the SDK's AppStrategy is for Wix apps, which are installed on a site (an instance); a headless \
         project's OAuth app has none, and Wix's Create Access Token takes the three other fields alone",
    ),
    (
        CMS_INSERT,
        "/dataItem/data/submissionDateTime",
        "the moment of the upload (`{\"$date\": …}`), taken again when the SDK call is recorded",
    ),
    (
        CMS_INSERT,
        "/dataItem/data/uploadedImage",
        "the URL of the file just uploaded, which only the upload's answer names",
    ),
];

/// The SDK also puts the id that is in the path into the query or body; Wix reads it from the path.
const REPEATED_ID: &str = "the SDK repeats the path's id; Wix takes it from the path";

const MEMBER_GET: &str = "members: get";
const MEMBER_DELETE: &str = "members: delete";
const MEMBER_APPROVE: &str = "members: approve";
const ORDER_CANCEL: &str = "orders: cancel";
const FULFILLMENT_CREATE: &str = "fulfillments: create";
const INVENTORY_V1_UPDATE: &str = "stores V1: update inventory variants";
const ADMIN_GRANT: &str = "OAuth: admin token (client_credentials)";
const CMS_INSERT: &str = "CMS: insert item";

/// Who calls a function in a step.
#[derive(Clone, Copy)]
enum Caller {
    Admin,
    Member(seed::SeedMember),
    Visitor,
}

enum Input {
    None,
    Json(Value),
    /// JSON with an `Idempotency-Key` (refund-order requires one).
    Keyed(Value),
    Image {
        title: &'static str,
    },
}

/// One Wix operation: a row of the table.
struct Row {
    operation: &'static str,
    /// The call record.mjs makes with Wix's SDK for the same logical input.
    sdk: Value,
    /// `(package, REST response type)` the sandbox's answer must satisfy.
    answer: (&'static str, &'static str),
}

/// One function call and the Wix operations it makes, in order (token calls aside).
struct Step {
    function: &'static str,
    caller: Caller,
    input: Input,
    rows: Vec<Row>,
}

fn oracle_dir() -> PathBuf {
    workspace_root().join("tests/oracle")
}

/// What one of the oracle's node scripts said.
struct Verdict {
    passed: bool,
    /// Its stdout and stderr, for the failure message.
    said: String,
    /// The JSON it wrote to its output file, if any.
    output: Option<Value>,
}

/// Runs one of the oracle's node scripts on `input` (written to a file in `dir`).
fn node(script: &str, input: &Value, dir: &Path) -> Verdict {
    let input_path = dir.join(format!("{script}.in.json"));
    let output_path = dir.join(format!("{script}.out.json"));
    std::fs::write(&input_path, serde_json::to_vec_pretty(input).unwrap()).unwrap();
    let output = Command::new("node")
        .arg(oracle_dir().join(script))
        .arg(&input_path)
        .arg(&output_path)
        .output()
        .expect("node runs");
    Verdict {
        passed: output.status.success(),
        said: format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ),
        output: std::fs::read(&output_path)
            .ok()
            .map(|bytes| serde_json::from_slice(&bytes).expect("the script writes JSON")),
    }
}

/// A query string as `name → values`, percent-decoded; `.r` (the SDK's base64url-encoded GET query)
/// is decoded into JSON so that it compares as a body would.
fn query_map(raw: &str) -> BTreeMap<String, Vec<String>> {
    let mut map: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let url = reqwest::Url::parse(&format!("http://query.invalid/?{raw}")).expect("a query string");
    for (name, value) in url.query_pairs() {
        map.entry(name.into_owned())
            .or_default()
            .push(value.into_owned());
    }
    map
}

/// The differences between what we sent and what the SDK sent for `operation`, but for [`ALLOWED`].
fn differences(operation: &str, ours: &CallRecord, sdk: &Value) -> Vec<String> {
    let allowed = |at: &str| {
        ALLOWED
            .iter()
            .any(|(op, place, _)| *op == operation && *place == at)
    };
    let mut found = Vec::new();
    if ours.method != sdk["method"] {
        found.push(format!(
            "method: ours {} vs SDK {}",
            ours.method, sdk["method"]
        ));
    }
    if ours.path != sdk["path"] {
        found.push(format!("path: ours {} vs SDK {}", ours.path, sdk["path"]));
    }
    let our_query = query_map(&ours.query);
    let sdk_query: BTreeMap<String, Vec<String>> =
        serde_json::from_value(sdk["query"].clone()).unwrap_or_default();
    let names: std::collections::BTreeSet<&String> =
        our_query.keys().chain(sdk_query.keys()).collect();
    for name in names {
        let (a, b) = (our_query.get(name), sdk_query.get(name));
        if a != b && !allowed(&format!("?{name}")) {
            found.push(format!("query {name}: ours {a:?} vs SDK {b:?}"));
        }
    }
    let ours_body = ours.body.clone().unwrap_or(Value::Null);
    let sdk_body = sdk.get("body").cloned().unwrap_or(Value::Null);
    json_differences("", &ours_body, &sdk_body, &allowed, &mut found);
    found
}

/// Walks two JSON values together, naming each place (a JSON pointer) where they differ.
fn json_differences(
    at: &str,
    ours: &Value,
    sdk: &Value,
    allowed: &dyn Fn(&str) -> bool,
    found: &mut Vec<String>,
) {
    if allowed(at) {
        return;
    }
    match (ours, sdk) {
        (Value::Object(a), Value::Object(b)) => {
            let keys: std::collections::BTreeSet<&String> = a.keys().chain(b.keys()).collect();
            for key in keys {
                let here = format!("{at}/{key}");
                let (x, y) = (a.get(key), b.get(key));
                match (x, y) {
                    (Some(x), Some(y)) => json_differences(&here, x, y, allowed, found),
                    _ if allowed(&here) => {}
                    (Some(x), None) => {
                        found.push(format!("body {here}: ours {x}, the SDK sends none"))
                    }
                    (None, Some(y)) => {
                        found.push(format!("body {here}: the SDK sends {y}, ours none"))
                    }
                    (None, None) => {}
                }
            }
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                json_differences(&format!("{at}/{i}"), x, y, allowed, found);
            }
        }
        (a, b) if a == b => {}
        (a, b) => found.push(format!(
            "body {}: ours {a} vs SDK {b}",
            if at.is_empty() { "/" } else { at }
        )),
    }
}

/// Wix calls in the log from `mark` on, without the token endpoints (their own rows), the upload itself
/// (a PUT to the URL Wix handed out, not an API call) and the attestation provider's `siteverify` (not Wix).
fn wix_calls_since(stack: &Stack, mark: usize) -> Vec<CallRecord> {
    stack.stats().calls[mark..]
        .iter()
        .filter(|c| !c.path.starts_with("/oauth2/") && c.method != "PUT")
        .filter(|c| !c.path.ends_with("/siteverify"))
        .cloned()
        .collect()
}

async fn call(stack: &Stack, step: &Step, tokens: &Tokens) -> Reply {
    let token = match step.caller {
        Caller::Admin => tokens.admin.clone(),
        Caller::Member(member) => stack.member_token(&member).await,
        Caller::Visitor => tokens.visitor.clone(),
    };
    match &step.input {
        Input::None => stack.get(step.function, Some(&token)).await,
        Input::Json(body) => stack.post(step.function, Some(&token), body).await,
        Input::Keyed(body) => {
            let key = uuid::Uuid::new_v4().to_string();
            stack
                .post_with_headers(
                    step.function,
                    Some(&token),
                    &[("Idempotency-Key", &key)],
                    body,
                )
                .await
        }
        Input::Image { title } => {
            let (content_type, body) = multipart_form(&[
                ("file", Some(("vase.png", "image/png")), TINY_PNG),
                ("title", None, title.as_bytes()),
                ("uploaderName", None, b"Rui"),
            ]);
            let attestation = stack.attestation_token().await;
            stack
                .post_body_with_headers(
                    step.function,
                    Some(&token),
                    &[("attestation-token", &attestation)],
                    &content_type,
                    body,
                )
                .await
        }
    }
}

struct Tokens {
    admin: String,
    visitor: String,
}

const MEMBERS: &str = "@wix/auto_sdk_members_members";
const PRODUCTS_V1: &str = "@wix/auto_sdk_stores_products";
const INVENTORY_V1: &str = "@wix/auto_sdk_stores_inventory";
const CATALOG_VERSION: &str = "@wix/auto_sdk_stores_catalog-versioning";
const PRODUCTS_V3: &str = "@wix/auto_sdk_stores_products-v-3";
const INVENTORY_V3: &str = "@wix/auto_sdk_stores_inventory-items-v-3";
const ORDERS: &str = "@wix/auto_sdk_ecom_orders";
const FULFILLMENTS: &str = "@wix/auto_sdk_ecom_order-fulfillments";
const BILLING: &str = "@wix/auto_sdk_ecom_order-billing";
const EXTENDED_BOOKINGS: &str = "@wix/auto_sdk_bookings_extended-bookings";
const BOOKINGS: &str = "@wix/auto_sdk_bookings_bookings";
const MEDIA: &str = "@wix/auto_sdk_media_files";
const DATA: &str = "@wix/wix-data-items-sdk";
const SITE_PROPERTIES: &str = "@wix/auto_sdk_business-tools_site-properties";

/// A row whose SDK call is `package.function(...args)` and whose answer has `package`'s `answer` type.
fn row(
    operation: &'static str,
    package: &'static str,
    function: &str,
    args: Value,
    answer: &'static str,
) -> Row {
    Row {
        operation,
        sdk: json!({ "package": package, "fn": function, "args": args }),
        answer: (package, answer),
    }
}

fn step(function: &'static str, caller: Caller, input: Input, rows: Vec<Row>) -> Step {
    Step {
        function,
        caller,
        input,
        rows,
    }
}

/// The booking a member's write names is first looked up (who booked it, its revision).
fn booking_lookup(operation: &'static str, booking: &str) -> Row {
    row(
        operation,
        EXTENDED_BOOKINGS,
        "queryExtendedBookings",
        json!([
            { "filter": { "id": { "$eq": booking } }, "sort": [{ "fieldName": "startDate", "order": "ASC" }], "cursorPaging": { "limit": 1 } },
            { "withBookingAllowedActions": false, "withBookingAttendanceInfo": false }
        ]),
        "QueryExtendedBookingsResponse",
    )
}

/// Each store call first asks which catalog the site runs (V1 and V3 differ in every call).
fn catalog_version() -> Row {
    row(
        "stores: catalog version",
        CATALOG_VERSION,
        "getCatalogVersion",
        json!([]),
        "GetCatalogVersionResponse",
    )
}

/// A member's own contact id, which Wix's bookings are kept under.
fn member_lookup(member: &seed::SeedMember) -> Row {
    row(
        MEMBER_GET,
        MEMBERS,
        "getMember",
        json!([member.id, { "fieldsets": ["FULL"] }]),
        "GetMemberResponse",
    )
}

/// The operations on a site with the V3 catalog (the default), in an order the seed allows.
fn v3_steps() -> Vec<Step> {
    use Caller::{Admin, Member, Visitor};
    vec![
        step(
            "get-site-properties",
            Visitor,
            Input::None,
            vec![row(
                "site properties: get",
                SITE_PROPERTIES,
                "getSiteProperties",
                json!([{ "fields": ["siteDisplayName", "businessName", "address", "locale", "language", "paymentCurrency", "timeZone", "logo", "description"] }]),
                "PropertiesReadResponse",
            )],
        ),
        step(
            "create-member",
            Admin,
            Input::Json(
                json!({ "loginEmail": "lee@example.com", "firstName": "Lee", "lastName": "Park", "nickname": "leep" }),
            ),
            vec![row(
                "members: create",
                MEMBERS,
                "createMember",
                json!([{ "member": { "loginEmail": "lee@example.com", "contact": { "firstName": "Lee", "lastName": "Park" }, "profile": { "nickname": "leep" } } }]),
                "CreateMemberResponse",
            )],
        ),
        step(
            "approve-member",
            Admin,
            Input::Json(json!({ "memberId": seed::PENDING.id })),
            vec![row(
                MEMBER_APPROVE,
                MEMBERS,
                "approveMember",
                json!([seed::PENDING.id]),
                "ApproveMemberResponse",
            )],
        ),
        step(
            "query-members",
            Admin,
            Input::Json(
                json!({ "filter": { "status": ["APPROVED"] }, "sort": { "field": "createdDate", "order": "ASC" }, "limit": 20 }),
            ),
            vec![row(
                "members: query",
                MEMBERS,
                "queryMembers",
                json!([{ "filter": { "status": { "$in": ["APPROVED"] } }, "sort": [{ "fieldName": "createdDate", "order": "ASC" }], "paging": { "limit": 20, "offset": 0 } }, { "fieldsets": ["EXTENDED"] }]),
                "QueryMembersResponse",
            )],
        ),
        step(
            "delete-member",
            Member(seed::SECOND_MEMBER),
            Input::Json(json!({ "memberId": seed::SECOND_MEMBER.id })),
            vec![row(
                MEMBER_DELETE,
                MEMBERS,
                "deleteMember",
                json!([seed::SECOND_MEMBER.id]),
                "DeleteMemberResponse",
            )],
        ),
        step(
            "create-product",
            Admin,
            Input::Json(
                json!({ "name": "Canvas Tee", "description": "Soft cotton.", "price": "18.50", "sku": "TEE-1", "visible": true, "initialStock": 13 }),
            ),
            vec![
                catalog_version(),
                row(
                    "stores V3: create product with inventory",
                    PRODUCTS_V3,
                    "createProductWithInventory",
                    json!([{ "name": "Canvas Tee", "productType": "PHYSICAL", "physicalProperties": {}, "visible": true, "plainDescription": "<p>Soft cotton.</p>",
                         "variantsInfo": { "variants": [{ "price": { "actualPrice": { "amount": "18.50" } }, "physicalProperties": {}, "sku": "TEE-1", "visible": true, "inventoryItem": { "quantity": 13 } }] } }]),
                    "CreateProductWithInventoryResponse",
                ),
            ],
        ),
        step(
            "update-inventory",
            Admin,
            Input::Json(
                json!({ "productId": seed::V3_MUG_PRODUCT, "variantId": seed::V3_MUG_VARIANT, "quantity": 5 }),
            ),
            vec![
                catalog_version(),
                Row {
                    operation: "stores V3: query inventory items",
                    sdk: json!({ "package": INVENTORY_V3, "fn": "queryInventoryItems",
                             "args": [{ "filter": { "$and": [{ "productId": { "$eq": seed::V3_MUG_PRODUCT } }, { "variantId": { "$eq": seed::V3_MUG_VARIANT } }] }, "cursorPaging": { "limit": 100 } }],
                             "response": { "inventoryItems": [] } }),
                    answer: (INVENTORY_V3, "QueryInventoryItemsResponse"),
                },
                row(
                    "stores V3: update inventory item",
                    INVENTORY_V3,
                    "updateInventoryItem",
                    json!([seed::V3_MUG_INVENTORY_ITEM, { "revision": "4", "quantity": 5 }, { "reason": "MANUAL" }]),
                    "UpdateInventoryItemResponse",
                ),
            ],
        ),
        step(
            "query-orders",
            Member(seed::MEMBER),
            Input::Json(json!({ "limit": 20 })),
            vec![row(
                "orders: search",
                ORDERS,
                "searchOrders",
                json!([{ "filter": { "buyerInfo.memberId": { "$eq": seed::MEMBER.id } }, "sort": [{ "fieldName": "createdDate", "order": "DESC" }], "cursorPaging": { "limit": 20 } }]),
                "SearchOrdersResponse",
            )],
        ),
        step(
            "cancel-order",
            Admin,
            Input::Json(
                json!({ "orderId": seed::ORDER_SAM_OPEN, "restock": true, "notifyCustomer": true, "message": "Sorry." }),
            ),
            vec![row(
                ORDER_CANCEL,
                ORDERS,
                "cancelOrder",
                json!([seed::ORDER_SAM_OPEN, { "sendOrderCanceledEmail": true, "customMessage": "Sorry.", "restockAllItems": true }]),
                "CancelOrderResponse",
            )],
        ),
        step(
            "fulfill-order",
            Admin,
            Input::Json(
                json!({ "orderId": seed::ORDER_MIA_OPEN, "lineItems": [{ "id": seed::ORDER_MIA_OPEN_MUG_LINE, "quantity": 1 }], "tracking": { "trackingNumber": "CT123456789PT", "shippingProvider": "CTT" } }),
            ),
            vec![row(
                FULFILLMENT_CREATE,
                FULFILLMENTS,
                "createFulfillment",
                json!([seed::ORDER_MIA_OPEN, { "lineItems": [{ "_id": seed::ORDER_MIA_OPEN_MUG_LINE, "quantity": 1 }], "trackingInfo": { "trackingNumber": "CT123456789PT", "shippingProvider": "CTT" } }]),
                "CreateFulfillmentResponse",
            )],
        ),
        step(
            "refund-order",
            Admin,
            Input::Keyed(
                json!({ "orderId": seed::ORDER_MIA_PART_REFUNDED, "amount": "10.00", "reason": "damaged", "notifyCustomer": true }),
            ),
            vec![
                row(
                    "order billing: refundability",
                    BILLING,
                    "getOrderRefundability",
                    json!([seed::ORDER_MIA_PART_REFUNDED]),
                    "GetOrderRefundabilityResponse",
                ),
                row(
                    "order billing: refund payments",
                    BILLING,
                    "refundPayments",
                    json!([seed::ORDER_MIA_PART_REFUNDED, { "paymentRefunds": [{ "paymentId": seed::ORDER_MIA_PART_REFUNDED_PAYMENT, "amount": { "amount": "10.00" }, "externalRefund": false }], "sideEffects": { "notifications": { "sendCustomerEmail": true } }, "customerReason": "damaged" }]),
                    "RefundPaymentsResponse",
                ),
            ],
        ),
        step(
            "query-bookings",
            Member(seed::MEMBER),
            Input::Json(json!({ "limit": 10 })),
            vec![
                member_lookup(&seed::MEMBER),
                row(
                    "extended bookings: query",
                    EXTENDED_BOOKINGS,
                    "queryExtendedBookings",
                    json!([
                        { "filter": { "contactDetails.contactId": { "$eq": seed::MEMBER.contact_id } }, "sort": [{ "fieldName": "startDate", "order": "ASC" }], "cursorPaging": { "limit": 10 } },
                        { "withBookingAllowedActions": false, "withBookingAttendanceInfo": false }
                    ]),
                    "QueryExtendedBookingsResponse",
                ),
            ],
        ),
        step(
            "confirm-booking",
            Admin,
            Input::Json(json!({ "bookingId": seed::SAM_PENDING.id })),
            vec![
                booking_lookup("extended bookings: query one", seed::SAM_PENDING.id),
                row(
                    "bookings: confirm",
                    BOOKINGS,
                    "confirmBooking",
                    json!([seed::SAM_PENDING.id, "1", { "participantNotification": { "notifyParticipants": false } }]),
                    "ConfirmBookingResponse",
                ),
            ],
        ),
        step(
            "cancel-booking",
            Member(seed::MEMBER),
            Input::Json(json!({ "bookingId": seed::MIA_LESSON.id })),
            vec![
                member_lookup(&seed::MEMBER),
                booking_lookup("extended bookings: query one", seed::MIA_LESSON.id),
                row(
                    "bookings: cancel",
                    BOOKINGS,
                    "cancelBooking",
                    json!([seed::MIA_LESSON.id, { "revision": "2", "participantNotification": { "notifyParticipants": false } }]),
                    "CancelBookingResponse",
                ),
            ],
        ),
        step(
            "reschedule-booking",
            Member(seed::MEMBER),
            Input::Json(
                json!({ "bookingId": seed::MIA_CLASS.id, "eventId": seed::GLAZING_SESSION_2.id }),
            ),
            vec![
                member_lookup(&seed::MEMBER),
                booking_lookup("extended bookings: query one", seed::MIA_CLASS.id),
                row(
                    "bookings: reschedule a class",
                    BOOKINGS,
                    "rescheduleBooking",
                    json!([seed::MIA_CLASS.id, { "eventId": seed::GLAZING_SESSION_2.id }, { "revision": "1", "participantNotification": { "notifyParticipants": false } }]),
                    "RescheduleBookingResponse",
                ),
            ],
        ),
        step(
            "upload-image",
            Visitor,
            Input::Image { title: "Blue vase" },
            vec![
                Row {
                    operation: "media: generate upload URL",
                    sdk: json!({ "package": MEDIA, "fn": "generateFileUploadUrl", "args": ["image/png", { "fileName": "visitor-upload.png", "sizeInBytes": TINY_PNG.len().to_string(), "private": false, "labels": [] }],
                             "response": { "uploadUrl": "https://upload.wixmp.com/upload/abc" } }),
                    answer: (MEDIA, "GenerateFileUploadUrlResponse"),
                },
                row(
                    CMS_INSERT,
                    DATA,
                    "insert",
                    json!([seed::UPLOAD_COLLECTION_ID, { "imageTitle": "Blue vase", "uploaderName": "Rui", "isApproved": false }]),
                    "InsertDataItemResponse",
                ),
            ],
        ),
    ]
}

/// The catalog calls that differ on a site still on Catalog V1.
fn v1_steps() -> Vec<Step> {
    vec![
        step(
            "create-product",
            Caller::Admin,
            Input::Json(
                json!({ "name": "Canvas Tee", "price": "18.50", "sku": "TEE-1", "visible": true, "initialStock": 13 }),
            ),
            vec![
                catalog_version(),
                row(
                    "stores V1: create product",
                    PRODUCTS_V1,
                    "createProduct",
                    json!([{ "name": "Canvas Tee", "productType": "physical", "priceData": { "price": 18.5 }, "sku": "TEE-1", "visible": true }]),
                    "CreateProductResponse",
                ),
                row(
                    INVENTORY_V1_UPDATE,
                    INVENTORY_V1,
                    "updateInventoryVariants",
                    json!(["$reply/id", { "trackQuantity": true, "variants": [{ "variantId": seed::V1_DEFAULT_VARIANT, "quantity": 13 }] }]),
                    "UpdateInventoryVariantsResponse",
                ),
            ],
        ),
        step(
            "update-inventory",
            Caller::Admin,
            Input::Json(
                json!({ "productId": seed::V1_MUG_PRODUCT, "variantId": seed::V1_DEFAULT_VARIANT, "quantity": 5 }),
            ),
            vec![
                catalog_version(),
                row(
                    INVENTORY_V1_UPDATE,
                    INVENTORY_V1,
                    "updateInventoryVariants",
                    json!([seed::V1_MUG_PRODUCT, { "trackQuantity": true, "variants": [{ "variantId": seed::V1_DEFAULT_VARIANT, "quantity": 5 }] }]),
                    "UpdateInventoryVariantsResponse",
                ),
            ],
        ),
    ]
}

/// Carries out `steps` on `stack`; each Wix call made, beside the row it answers to.
async fn carry_out(stack: &Stack, steps: Vec<Step>) -> Vec<(Row, CallRecord)> {
    let tokens = Tokens {
        admin: stack.member_token(&seed::ADMIN).await,
        visitor: stack.visitor_token().await,
    };
    let mut rows = Vec::new();
    for step in steps {
        let mark = stack.stats().calls.len();
        let reply = call(stack, &step, &tokens).await;
        assert!(
            (200..300).contains(&reply.status),
            "{} answered {}: {}",
            step.function,
            reply.status,
            reply.body
        );
        let sent = wix_calls_since(stack, mark);
        let expected: Vec<&str> = step.rows.iter().map(|r| r.operation).collect();
        let seen: Vec<String> = sent
            .iter()
            .map(|c| format!("{} {}", c.method, c.path))
            .collect();
        assert_eq!(
            sent.len(),
            step.rows.len(),
            "{} made {seen:?}; the table expects {expected:?}",
            step.function
        );
        let answer = reply.json();
        let rows_of_step = step.rows.into_iter().map(|mut row| {
            fill_in_reply(&mut row.sdk, &answer);
            row
        });
        rows.extend(rows_of_step.zip(sent));
    }
    rows
}

/// Replaces each string `"$reply<JSON pointer>"` in an SDK call with that part of the function's
/// answer: the id of something the call created, which the SDK call must name as ours did.
fn fill_in_reply(sdk: &mut Value, reply: &Value) {
    match sdk {
        Value::String(text) => {
            if let Some(pointer) = text.strip_prefix("$reply") {
                *sdk = reply.pointer(pointer).cloned().unwrap_or(Value::Null);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| fill_in_reply(v, reply)),
        Value::Object(fields) => fields.values_mut().for_each(|v| fill_in_reply(v, reply)),
        _ => {}
    }
}

#[tokio::test]
async fn every_wix_request_we_send_is_what_wixs_sdk_sends_and_every_sandbox_answer_has_wixs_type() {
    let v1 = Stack::start().await;
    v1.sandbox.state.set_catalog_version(CatalogVersion::V1);
    let mut rows = carry_out(&v1, v1_steps()).await;
    drop(v1);
    let stack = Stack::start().await;
    rows.extend(carry_out(&stack, v3_steps()).await);
    // The token endpoints: the admin grant at each cold start, token-info for each caller check.
    let log = stack.stats().calls;
    let first = |path: &str| {
        log.iter()
            .find(|c| c.path == path)
            .cloned()
            .expect("one was made")
    };
    let grant = log
        .iter()
        .find(|c| {
            c.body
                .as_ref()
                .is_some_and(|b| b["grant_type"] == "client_credentials")
        })
        .cloned()
        .expect("an admin grant was made");
    let token_info = first("/oauth2/token-info");
    let checked = token_info
        .body
        .as_ref()
        .and_then(|b| b["token"].as_str())
        .unwrap_or_default()
        .to_owned();
    rows.push((
        Row {
            operation: ADMIN_GRANT,
            sdk: json!({ "package": "@wix/sdk", "fn": "AppStrategy.getAuthHeaders",
                         "args": [{ "appId": seed::CLIENT_ID, "appSecret": seed::CLIENT_SECRET }] }),
            answer: ("@wix/sdk", "AppTokenResponse"),
        },
        grant,
    ));
    rows.push((
        Row {
            operation: "OAuth: token-info",
            sdk: json!({ "package": "@wix/sdk", "fn": "getTokenInfo", "args": [checked] }),
            answer: ("@wix/sdk", "TokenInfo"),
        },
        token_info,
    ));

    // The frontend's grants (the harness makes them as the page's SDK does; the browser test runs the
    // SDK itself against the sandbox): here their answers are held to the SDK's token type.
    let grant_of = |kind: &str| {
        log.iter()
            .find(|c| c.body.as_ref().is_some_and(|b| b["grantType"] == kind))
            .cloned()
            .expect("the grant was made")
    };
    let visitor_grant = grant_of("anonymous");
    let refresh_grant = grant_of("refresh_token");
    let refresh_token = refresh_grant
        .body
        .as_ref()
        .map(|b| b["refreshToken"].clone());
    rows.push((
        Row {
            operation: "OAuth: visitor token (anonymous)",
            sdk: json!({ "package": "@wix/sdk", "fn": "OAuthStrategy.generateVisitorTokens",
                         "args": [{ "clientId": seed::CLIENT_ID }] }),
            answer: ("@wix/sdk", "TokenResponse"),
        },
        visitor_grant,
    ));
    rows.push((
        Row {
            operation: "OAuth: member token (refresh_token)",
            sdk: json!({ "package": "@wix/sdk", "fn": "OAuthStrategy.renewToken",
                         "args": [{ "clientId": seed::CLIENT_ID }, { "value": refresh_token, "role": "member" }] }),
            answer: ("@wix/sdk", "TokenResponse"),
        },
        refresh_grant,
    ));

    let work = tempdir();
    // Ids in the scripts' files: the row's place and operation (an operation can occur twice).
    let id = |i: usize, row: &Row| format!("{i:02} {}", row.operation);
    let calls: Vec<Value> = rows
        .iter()
        .enumerate()
        .map(|(i, (row, _))| {
            let mut call = row.sdk.clone();
            call["id"] = json!(id(i, row));
            call
        })
        .collect();
    let recorded = node("record.mjs", &Value::Array(calls), &work);
    assert!(recorded.passed, "record.mjs failed:\n{}", recorded.said);
    let recorded = recorded.output.expect("record.mjs wrote its output");
    let answers: Vec<Value> = rows
        .iter()
        .enumerate()
        .map(|(i, (row, ours))| {
            json!({ "id": id(i, row), "package": row.answer.0, "type": row.answer.1, "value": ours.answer })
        })
        .collect();
    let typed = node("typecheck.mjs", &Value::Array(answers), &work);
    let typed_ok = |i: usize, row: &Row| {
        typed
            .output
            .as_ref()
            .and_then(Value::as_array)
            .is_some_and(|verdicts| {
                verdicts
                    .iter()
                    .any(|v| v["id"] == id(i, row) && v["ok"] == true)
            })
    };

    let mut table =
        vec!["operation | our request = SDK's? | sandbox answer type-checks?".to_owned()];
    let mut problems = Vec::new();
    for (i, ((row, ours), sdk)) in rows
        .iter()
        .zip(recorded.as_array().expect("an array"))
        .enumerate()
    {
        let requests = sdk["requests"].as_array().cloned().unwrap_or_default();
        let found = match requests.as_slice() {
            [one] => differences(row.operation, ours, one),
            other => vec![format!(
                "the SDK made {} requests, not one: {other:?}",
                other.len()
            )],
        };
        let yes = |ok: bool| if ok { "yes" } else { "NO" };
        table.push(format!(
            "{} | {} | {}",
            row.operation,
            yes(found.is_empty()),
            yes(typed_ok(i, row))
        ));
        problems.extend(found.into_iter().map(|d| format!("{}: {d}", row.operation)));
    }
    eprintln!("{}", table.join("\n"));
    assert!(
        problems.is_empty(),
        "requests that differ from Wix's SDK (what each side sent: {}):\n{}",
        work.display(),
        problems.join("\n")
    );
    if problems.is_empty() && typed.passed {
        // Kept on failure, to look at what each side sent.
        let _ = std::fs::remove_dir_all(&work);
    }
    assert!(
        typed.passed,
        "sandbox answers that are not Wix's types:\n{}",
        typed.said
    );
}

fn tempdir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("wix-elevate-oracle-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// One login attempt and what the SDK's `auth.login` tells the page.
struct Login {
    id: &'static str,
    member: &'static seed::SeedMember,
    /// `None`: the member's own password.
    password: Option<&'static str>,
    login_state: &'static str,
    error_code: Option<&'static str>,
}

const fn attempt(
    id: &'static str,
    member: &'static seed::SeedMember,
    login_state: &'static str,
) -> Login {
    Login {
        id,
        member,
        password: None,
        login_state,
        error_code: None,
    }
}

const LOGINS: &[Login] = &[
    attempt("member", &seed::MEMBER, "SUCCESS"),
    attempt("admin", &seed::ADMIN, "SUCCESS"),
    Login {
        password: Some("not-her-password"),
        error_code: Some("invalidPassword"),
        ..attempt("wrong password", &seed::MEMBER, "FAILURE")
    },
    attempt("pending member", &seed::PENDING, "OWNER_APPROVAL_REQUIRED"),
    Login {
        error_code: Some("invalidEmail"),
        ..attempt("blocked member", &seed::BLOCKED, "FAILURE")
    },
];

/// Wix's SDK itself logs members in against the sandbox (`tests/oracle/login.mjs`: `auth.login`, then
/// `auth.getMemberTokensForDirectLogin`, whose hidden iframe the script loads and runs as a browser
/// would; the browser test does it in Chromium). An approved member ends up with member tokens that
/// token-info and the SDK's own renewal know; each refusal reaches the page in the SDK's own terms; the
/// SDK's requests are the five Wix's flow has, all to www.wixapis.com; and every answer of the flow has
/// the SDK's REST type.
#[tokio::test]
async fn wixs_sdk_logs_members_in_against_the_sandbox_and_hears_each_refusal_in_its_own_terms() {
    let sandbox = wix_sandbox::Sandbox::spawn(0).await.unwrap();
    let page = "http://127.0.0.1:8080/index.html";
    let attempts: Vec<Value> = LOGINS
        .iter()
        .map(|login| {
            json!({ "id": login.id, "email": login.member.login_email,
                    "password": login.password.unwrap_or(login.member.password) })
        })
        .chain([json!({ "id": "unknown email", "email": "nobody@example.com", "password": "x" })])
        .collect();
    let input = json!({ "wix": sandbox.base_url, "clientId": seed::CLIENT_ID, "page": page, "attempts": attempts });
    let work = tempdir();
    let ran = tokio::task::spawn_blocking({
        let work = work.clone();
        move || node("login.mjs", &input, &work)
    })
    .await
    .unwrap();
    assert!(ran.passed, "login.mjs failed:\n{}", ran.said);
    let results = ran.output.expect("login.mjs wrote its output");
    let result = |id: &str| {
        results
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["id"] == id)
            .cloned()
            .unwrap_or_else(|| panic!("no result for {id}: {results}"))
    };

    for Login {
        id,
        member,
        login_state,
        error_code,
        ..
    } in LOGINS
    {
        let got = result(id);
        assert_eq!(got["loginState"], *login_state, "{id}: {got}");
        assert_eq!(got["errorCode"].as_str(), *error_code, "{id}: {got}");
        if *login_state != "SUCCESS" {
            assert!(got["tokens"].is_null(), "{id}: {got}");
            continue;
        }
        assert_eq!(got["loggedIn"], true, "{id}: {got}");
        assert_eq!(got["tokens"]["role"], "member", "{id}: {got}");
        assert_eq!(
            got["tokens"]["refreshToken"], member.refresh_token,
            "{id}: {got}"
        );
        let info = &got["tokenInfo"];
        assert_eq!(info["active"], true, "{id}: {got}");
        assert_eq!(info["subjectType"], "MEMBER", "{id}: {got}");
        assert_eq!(info["subjectId"], member.id, "{id}: {got}");
        assert_eq!(info["clientId"], seed::CLIENT_ID, "{id}: {got}");
        assert_eq!(info["siteId"], seed::SITE_ID, "{id}: {got}");
        assert!(got["renewed"]["accessToken"].is_string(), "{id}: {got}");

        // The SDK's requests, in order: a visitor token, Login V2, the redirect session, the frame,
        // the code's exchange (then this test's token-info and renewal).
        let requests = got["requests"].as_array().unwrap();
        let seen: Vec<(String, String)> = requests
            .iter()
            .map(|r| {
                let url = r["url"].as_str().unwrap();
                let path = url.split('?').next().unwrap().to_owned();
                (r["method"].as_str().unwrap().to_owned(), path)
            })
            .collect();
        let wix = |method: &str, path: &str| {
            (method.to_owned(), format!("https://www.wixapis.com{path}"))
        };
        assert_eq!(
            seen[..5],
            [
                wix("POST", "/oauth2/token"),
                wix("POST", "/_api/iam/authentication/v2/login"),
                wix("POST", "/_api/redirects-api/v1/redirect-session"),
                wix("GET", "/oauth2/authorize"),
                wix("POST", "/oauth2/token"),
            ],
            "{id}: {got}"
        );
        assert!(
            requests.iter().take(5).all(|r| r["status"] == 200),
            "{id}: {got}"
        );
        assert_eq!(
            requests[1]["body"],
            json!({ "loginId": { "email": member.login_email }, "password": "<redacted>" }),
            "{id}: {got}"
        );
        let auth = &requests[2]["body"]["auth"];
        assert_eq!(auth["prompt"], "none", "{id}: {got}");
        assert_eq!(auth["authRequest"]["responseMode"], "web_message");
        assert_eq!(auth["authRequest"]["codeChallengeMethod"], "S256");
        let exchange = &requests[4]["body"];
        assert_eq!(exchange["grantType"], "authorization_code", "{id}: {got}");
        assert!(exchange["codeVerifier"].is_string(), "{id}: {got}");
        // The frame was shown to the page and posted to the page's origin only.
        assert_eq!(
            got["frames"],
            json!([{ "src": requests[3]["url"], "status": 200, "shown": true,
                     "posted": [{ "targetOrigin": "http://127.0.0.1:8080", "delivered": true }] }]),
            "{id}: {got}"
        );
    }
    let unknown = result("unknown email");
    assert_eq!(unknown["loginState"], "FAILURE");
    assert_eq!(unknown["errorCode"], "invalidEmail");

    // Every answer of the flow, held to the SDK's REST types.
    let answer_of = |id: &str, index: usize| result(id)["requests"][index]["answer"].clone();
    let answers = json!([
        { "id": "login: success", "package": "@wix/auto_sdk_identity_authentication",
          "type": "StateMachineResponse", "value": answer_of("member", 1) },
        { "id": "login: owner approval", "package": "@wix/auto_sdk_identity_authentication",
          "type": "StateMachineResponse", "value": answer_of("pending member", 1) },
        { "id": "redirect session", "package": "@wix/auto_sdk_redirects_redirects",
          "type": "CreateRedirectSessionResponse", "value": answer_of("member", 2) },
        { "id": "authorization_code grant", "package": "@wix/sdk", "type": "memberToken",
          "value": answer_of("member", 4) },
    ]);
    let typed = tokio::task::spawn_blocking({
        let work = work.clone();
        move || node("typecheck.mjs", &answers, &work)
    })
    .await
    .unwrap();
    assert!(
        typed.passed,
        "login answers that are not Wix's types:\n{}",
        typed.said
    );
    let _ = std::fs::remove_dir_all(&work);
    sandbox.stop();
}
