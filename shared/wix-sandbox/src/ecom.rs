//! eCommerce orders (wix-api.md §7): search with cursor paging, get, cancel, fulfillments, refundability
//! and refunds, with Wix's shapes and errors. Amounts are exact decimals and travel as `{"amount": "…"}`.
//!
//! Get Order Refundability answers Wix's `GetOrderRefundabilityResponse` (`@wix/auto_sdk_ecom_order-billing`):
//! per payment `{"payment": {"paymentId", "paymentMethod", "offlinePayment", "monetary": {"paid",
//! "refunded", "refundPending", "maxRefund"}}}` with one of `"refundable": true`,
//! `"manuallyRefundable": {"reason"}` or `"nonRefundable": {"reason"}`; `paymentsSummary.monetary` in
//! the same four amounts; `shipping: {amount, refundedAmount, availableRefundAmount}` when the order has
//! shipping charges.

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use rust_decimal::Decimal;
use serde_json::{Value, json};

use crate::auth::AdminAuth;
use crate::error::{WixError, WixJson};
use crate::query;
use crate::seed::{self, SeedBuyer, SeedRefundability};
use crate::state::{SandboxState, World, now_iso};

#[derive(Clone, Debug)]
pub(crate) struct OrderRecord {
    pub id: String,
    pub number: u32,
    pub status: String,
    pub payment_status: String,
    pub fulfillment_status: String,
    pub created_date: String,
    pub updated_date: String,
    pub buyer_member_id: Option<String>,
    pub buyer_contact_id: String,
    pub buyer_email: String,
    pub lines: Vec<LineRecord>,
    pub shipping: Decimal,
    pub payments: Vec<PaymentRecord>,
    pub fulfillments: Vec<FulfillmentView>,
    pub refunds: Vec<RefundView>,
    pub cancellation: Option<CancellationView>,
}

#[derive(Clone, Debug)]
pub(crate) struct LineRecord {
    pub id: String,
    pub name: String,
    pub quantity: u32,
    pub fulfilled: u32,
    pub price: Decimal,
}

#[derive(Clone, Debug)]
pub(crate) struct PaymentRecord {
    pub id: String,
    pub amount: Decimal,
    pub refunded: Decimal,
    pub refundability: SeedRefundability,
}

impl PaymentRecord {
    /// What the buyer paid: nothing on the seed's one non-refundable payment, which was never paid.
    fn paid(&self) -> Decimal {
        match self.refundability {
            SeedRefundability::NotRefundable => Decimal::ZERO,
            _ => self.amount,
        }
    }

    fn available(&self) -> Decimal {
        match self.refundability {
            SeedRefundability::NotRefundable => Decimal::ZERO,
            _ => self.amount - self.refunded,
        }
    }
}

/// A fulfillment as tests see it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FulfillmentView {
    pub id: String,
    /// (line item id, quantity).
    pub lines: Vec<(String, u32)>,
    pub tracking_number: Option<String>,
    pub shipping_provider: Option<String>,
    pub tracking_link: Option<String>,
}

/// A refund as tests see it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RefundView {
    pub id: String,
    /// (payment id, amount with 2 decimals).
    pub payments: Vec<(String, String)>,
    pub reason: Option<String>,
    pub customer_notified: bool,
}

/// How an order was canceled.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CancellationView {
    pub restocked: bool,
    pub customer_notified: bool,
    pub message: Option<String>,
}

/// An order as tests see it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrderView {
    pub id: String,
    pub status: String,
    pub payment_status: String,
    pub fulfillment_status: String,
    /// (line item id, fulfilled quantity).
    pub fulfilled: Vec<(String, u32)>,
    pub fulfillments: Vec<FulfillmentView>,
    pub refunds: Vec<RefundView>,
    pub cancellation: Option<CancellationView>,
}

impl OrderRecord {
    pub fn view(&self) -> OrderView {
        OrderView {
            id: self.id.clone(),
            status: self.status.clone(),
            payment_status: self.payment_status.clone(),
            fulfillment_status: self.fulfillment_status.clone(),
            fulfilled: self
                .lines
                .iter()
                .map(|l| (l.id.clone(), l.fulfilled))
                .collect(),
            fulfillments: self.fulfillments.clone(),
            refunds: self.refunds.clone(),
            cancellation: self.cancellation.clone(),
        }
    }

    fn subtotal(&self) -> Decimal {
        self.lines
            .iter()
            .map(|l| l.price * Decimal::from(l.quantity))
            .sum()
    }

    /// The order as Wix returns it, billing contact details included (they are the buyer's PII).
    fn to_wix(&self) -> Value {
        let money =
            |d: Decimal| json!({ "amount": two(d), "formattedAmount": format!("€{}", two(d)) });
        let lines: Vec<Value> = self
            .lines
            .iter()
            .map(|l| {
                json!({
                    "id": l.id, "productName": { "original": l.name, "translated": l.name },
                    "quantity": l.quantity, "price": money(l.price),
                    "totalPriceAfterTax": money(l.price * Decimal::from(l.quantity)),
                    "itemType": { "preset": "PHYSICAL" },
                })
            })
            .collect();
        let paid: Decimal = self
            .payments
            .iter()
            .filter(|_| self.payment_status != "NOT_PAID")
            .map(|p| p.amount)
            .sum();
        let total = self.subtotal() + self.shipping;
        let mut buyer = json!({ "contactId": self.buyer_contact_id, "email": self.buyer_email });
        match &self.buyer_member_id {
            Some(member) => buyer["memberId"] = json!(member),
            None => buyer["visitorId"] = json!("0c2f4d1e-5a6b-4c7d-8e9f-0a1b2c3d4e5f"),
        }
        json!({
            "id": self.id, "number": self.number.to_string(),
            "createdDate": self.created_date, "updatedDate": self.updated_date,
            "status": self.status, "paymentStatus": self.payment_status, "fulfillmentStatus": self.fulfillment_status,
            "archived": false, "currency": seed::ORDER_CURRENCY, "weightUnit": "KG", "taxIncludedInPrices": true,
            "buyerInfo": buyer, "buyerLanguage": "en",
            "billingInfo": {
                "address": { "addressLine": "Rua Augusta 100", "city": "Lisbon", "postalCode": "1100-053", "country": "PT" },
                "contactDetails": { "firstName": "Buyer", "lastName": "Private", "phone": format!("+351-{}-{}", seed::BUYER_PHONE_MARKER, self.number) },
            },
            "lineItems": lines,
            "priceSummary": {
                "subtotal": money(self.subtotal()), "shipping": money(self.shipping), "tax": money(Decimal::ZERO),
                "discount": money(Decimal::ZERO), "total": money(total),
            },
            "balanceSummary": { "balance": money(total - paid), "paid": money(paid) },
        })
    }
}

/// Amounts as Wix writes them: 2 decimals.
fn two(d: Decimal) -> String {
    let mut d = d;
    d.rescale(2);
    d.to_string()
}

/// A search a cursor continues.
#[derive(Clone, Debug)]
struct SavedSearch {
    filter: Value,
    descending: bool,
    offset: usize,
    limit: usize,
}

pub(crate) struct EcomData {
    pub orders: Vec<OrderRecord>,
    cursors: HashMap<String, SavedSearch>,
}

impl EcomData {
    pub fn seeded() -> Self {
        let orders = seed::ORDERS
            .iter()
            .map(|o| {
                let (member, contact, email) = match o.buyer {
                    SeedBuyer::Member(m) => (Some(m.id), m.contact_id, m.login_email),
                    SeedBuyer::Guest { email } => {
                        (None, "5e0c9a7b-3d2f-4e1a-9b8c-7d6e5f4a3b2c", email)
                    }
                };
                let decimal =
                    |text: &str| text.parse::<Decimal>().expect("seed amounts are decimals");
                OrderRecord {
                    id: o.id.to_owned(),
                    number: o.number,
                    status: o.status.to_owned(),
                    payment_status: o.payment_status.to_owned(),
                    fulfillment_status: o.fulfillment_status.to_owned(),
                    created_date: o.created_date.to_owned(),
                    updated_date: o.created_date.to_owned(),
                    buyer_member_id: member.map(str::to_owned),
                    buyer_contact_id: contact.to_owned(),
                    buyer_email: email.to_owned(),
                    lines: o
                        .lines
                        .iter()
                        .map(|l| LineRecord {
                            id: l.id.to_owned(),
                            name: l.name.to_owned(),
                            quantity: l.quantity,
                            fulfilled: l.fulfilled,
                            price: decimal(l.price),
                        })
                        .collect(),
                    shipping: decimal(o.shipping),
                    payments: o
                        .payment
                        .iter()
                        .map(|p| PaymentRecord {
                            id: p.id.to_owned(),
                            amount: decimal(p.amount),
                            refunded: decimal(p.refunded),
                            refundability: p.refundability,
                        })
                        .collect(),
                    fulfillments: Vec::new(),
                    refunds: Vec::new(),
                    cancellation: None,
                }
            })
            .collect();
        EcomData {
            orders,
            cursors: HashMap::new(),
        }
    }

    pub fn order(&self, id: &str) -> Option<&OrderRecord> {
        self.orders.iter().find(|o| o.id == id)
    }

    fn order_mut(&mut self, id: &str) -> Result<&mut OrderRecord, WixError> {
        self.orders
            .iter_mut()
            .find(|o| o.id == id)
            .ok_or_else(|| order_not_found(id))
    }
}

fn order_not_found(id: &str) -> WixError {
    WixError::application(
        StatusCode::NOT_FOUND,
        "ORDER_NOT_FOUND",
        "not found",
        format!("order {id} not found"),
    )
}

fn precondition(code: &str, description: String) -> WixError {
    WixError::application(
        StatusCode::PRECONDITION_REQUIRED,
        code,
        "failed precondition",
        description,
    )
}

/// Observing orders (the in-process side of `/_sandbox`).
impl SandboxState {
    /// An eCommerce order with its fulfillments, refunds and cancellation.
    pub fn order(&self, id: &str) -> Option<OrderView> {
        self.with(|w| w.ecom.order(id).map(|o| o.view()))
    }
}

pub fn routes() -> Router<SandboxState> {
    Router::new()
        .route("/ecom/v1/orders/search", post(search_orders))
        .route("/ecom/v1/orders/{id}", get(get_order))
        .route("/ecom/v1/orders/{id}/cancel", post(cancel_order))
        .route(
            "/ecom/v1/fulfillments/orders/{id}/create-fulfillment",
            post(create_fulfillment),
        )
        .route("/ecom/v1/fulfillments/orders/{id}", get(list_fulfillments))
        .route(
            "/ecom/v1/order-billing/get-order-refundability",
            post(get_refundability),
        )
        .route(
            "/ecom/v1/order-billing/refund-payments",
            post(refund_payments),
        )
}

const SEARCH_FIELDS: &[&str] = &[
    "id",
    "number",
    "status",
    "paymentStatus",
    "fulfillmentStatus",
    "createdDate",
    "updatedDate",
    "archived",
    "buyerInfo.memberId",
    "buyerInfo.contactId",
    "buyerInfo.email",
];
const MAX_LIMIT: u64 = 100;

/// `POST /ecom/v1/orders/search` `{search:{filter, sort, cursorPaging:{limit, cursor}}}` →
/// `{orders, metadata:{count, cursors:{next, prev}, hasNext}}`. Newest first by default; never returns
/// INITIALIZED orders. A cursor carries its search: the sandbox then applies the cursor's filter and
/// sort and ignores any sent beside it (the least forgiving reading), so callers must not rely on them.
async fn search_orders(
    _admin: AdminAuth,
    State(state): State<SandboxState>,
    WixJson(body): WixJson<Value>,
) -> Result<Json<Value>, WixError> {
    let search = body.get("search").cloned().unwrap_or_else(query::no_filter);
    let limit = match search.pointer("/cursorPaging/limit") {
        None => None,
        Some(limit) => Some(
            limit
                .as_u64()
                .filter(|l| (1..=MAX_LIMIT).contains(l))
                .ok_or_else(|| {
                    WixError::validation("search.cursorPaging.limit", "must be 1 to 100")
                })? as usize,
        ),
    };
    let cursor = search
        .pointer("/cursorPaging/cursor")
        .and_then(Value::as_str);
    state.with(|w| {
        let saved = match cursor {
            Some(cursor) => {
                let mut saved = w.ecom.cursors.get(cursor).cloned().ok_or_else(|| {
                    WixError::validation("search.cursorPaging.cursor", "invalid cursor")
                })?;
                saved.limit = limit.unwrap_or(saved.limit);
                saved
            }
            None => SavedSearch {
                filter: search
                    .get("filter")
                    .cloned()
                    .unwrap_or_else(query::no_filter),
                descending: sort_descending(&search)?,
                offset: 0,
                limit: limit.unwrap_or(MAX_LIMIT as usize),
            },
        };
        run_search(w, saved)
    })
}

fn sort_descending(search: &Value) -> Result<bool, WixError> {
    let Some(sort) = search.get("sort").and_then(Value::as_array) else {
        return Ok(true);
    };
    match sort.as_slice() {
        [] => Ok(true),
        [only] if only.get("fieldName").and_then(Value::as_str) == Some("createdDate") => {
            match only.get("order").and_then(Value::as_str) {
                None | Some("DESC") => Ok(true),
                Some("ASC") => Ok(false),
                Some(_) => Err(WixError::validation(
                    "search.sort.order",
                    "must be ASC or DESC",
                )),
            }
        }
        _ => Err(WixError::validation(
            "search.sort",
            "the sandbox sorts by createdDate only",
        )),
    }
}

fn run_search(w: &mut World, search: SavedSearch) -> Result<Json<Value>, WixError> {
    let mut matching = Vec::new();
    for order in w.ecom.orders.iter().filter(|o| o.status != "INITIALIZED") {
        let document = order.to_wix();
        if query::matches(&document, &search.filter, SEARCH_FIELDS)? {
            matching.push((order.created_date.clone(), document));
        }
    }
    matching.sort_by(|a, b| a.0.cmp(&b.0));
    if search.descending {
        matching.reverse();
    }
    let page: Vec<Value> = matching
        .iter()
        .skip(search.offset)
        .take(search.limit)
        .map(|(_, order)| order.clone())
        .collect();
    let has_next = matching.len() > search.offset + page.len();
    let next = has_next.then(|| {
        let cursor = format!("sbx-cursor-{}", uuid::Uuid::new_v4().simple());
        let next = SavedSearch {
            offset: search.offset + page.len(),
            ..search.clone()
        };
        w.ecom.cursors.insert(cursor.clone(), next);
        cursor
    });
    Ok(Json(json!({
        "orders": page,
        "metadata": { "count": page.len(), "cursors": { "next": next, "prev": null }, "hasNext": has_next },
    })))
}

/// `GET /ecom/v1/orders/{id}` → `{order}`.
async fn get_order(
    _admin: AdminAuth,
    State(state): State<SandboxState>,
    Path(id): Path<String>,
) -> Result<Json<Value>, WixError> {
    state.with(|w| {
        let order = w.ecom.order(&id).ok_or_else(|| order_not_found(&id))?;
        Ok(Json(json!({ "order": order.to_wix() })))
    })
}

/// `POST /ecom/v1/orders/{id}/cancel` `{sendOrderCanceledEmail, customMessage, restockAllItems}` →
/// `{order}`; an order that is already canceled (or was never placed) is 428.
async fn cancel_order(
    _admin: AdminAuth,
    State(state): State<SandboxState>,
    Path(id): Path<String>,
    WixJson(body): WixJson<Value>,
) -> Result<Json<Value>, WixError> {
    let flag = |name: &str| body.get(name).and_then(Value::as_bool).unwrap_or(false);
    let message = match body.get("customMessage") {
        None | Some(Value::Null) => None,
        Some(Value::String(m)) if m.chars().count() <= 1000 => Some(m.clone()),
        Some(_) => {
            return Err(WixError::validation(
                "customMessage",
                "must be a string of at most 1000 characters",
            ));
        }
    };
    state.with(|w| {
        let order = w.ecom.order_mut(&id)?;
        match order.status.as_str() {
            "CANCELED" => {
                return Err(precondition(
                    "ORDER_ALREADY_CANCELED",
                    format!("order {id} is already canceled"),
                ));
            }
            "INITIALIZED" | "REJECTED" => {
                return Err(precondition(
                    "ORDER_CANNOT_BE_CANCELED",
                    format!("order {id} is {}", order.status),
                ));
            }
            _ => {}
        }
        order.status = "CANCELED".into();
        order.updated_date = now_iso();
        order.cancellation = Some(CancellationView {
            restocked: flag("restockAllItems"),
            customer_notified: flag("sendOrderCanceledEmail"),
            message,
        });
        Ok(Json(json!({ "order": order.to_wix() })))
    })
}

fn fulfillment_json(f: &FulfillmentView) -> Value {
    let lines: Vec<Value> = f
        .lines
        .iter()
        .map(|(id, quantity)| json!({ "id": id, "quantity": quantity }))
        .collect();
    json!({
        "id": f.id, "lineItems": lines,
        "trackingInfo": { "trackingNumber": f.tracking_number, "shippingProvider": f.shipping_provider, "trackingLink": f.tracking_link },
    })
}

fn order_with_fulfillments(order: &OrderRecord) -> Value {
    let all: Vec<Value> = order.fulfillments.iter().map(fulfillment_json).collect();
    json!({ "orderId": order.id, "fulfillments": all })
}

/// `POST /ecom/v1/fulfillments/orders/{orderId}/create-fulfillment`
/// `{fulfillment:{lineItems:[{id, quantity}], trackingInfo}}` → `{orderWithFulfillments, fulfillmentId}`.
async fn create_fulfillment(
    _admin: AdminAuth,
    State(state): State<SandboxState>,
    Path(order_id): Path<String>,
    WixJson(body): WixJson<Value>,
) -> Result<Json<Value>, WixError> {
    let lines = body
        .pointer("/fulfillment/lineItems")
        .and_then(Value::as_array)
        .filter(|l| !l.is_empty())
        .ok_or_else(|| WixError::validation("fulfillment.lineItems", "is required"))?;
    let mut wanted = Vec::new();
    for line in lines {
        let id = line.get("id").and_then(Value::as_str);
        let quantity = line
            .get("quantity")
            .and_then(Value::as_u64)
            .and_then(|q| u32::try_from(q).ok())
            .filter(|q| *q > 0);
        match (id, quantity) {
            (Some(id), Some(quantity)) => wanted.push((id.to_owned(), quantity)),
            _ => {
                return Err(WixError::validation(
                    "fulfillment.lineItems",
                    "each needs an id and a positive quantity",
                ));
            }
        }
    }
    let tracking = |name: &str| {
        body.pointer(&format!("/fulfillment/trackingInfo/{name}"))
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    let fulfillment = FulfillmentView {
        id: uuid::Uuid::new_v4().to_string(),
        lines: wanted,
        tracking_number: tracking("trackingNumber"),
        shipping_provider: tracking("shippingProvider"),
        tracking_link: tracking("trackingLink"),
    };
    state.with(|w| {
        let order = w.ecom.order_mut(&order_id)?;
        if order.status != "APPROVED" {
            return Err(precondition(
                "ORDER_NOT_APPROVED",
                format!("order {order_id} is {}", order.status),
            ));
        }
        for (id, quantity) in &fulfillment.lines {
            let line = order.lines.iter().find(|l| &l.id == id).ok_or_else(|| {
                WixError::application(
                    StatusCode::BAD_REQUEST,
                    "LINE_ITEM_NOT_FOUND",
                    "invalid argument",
                    format!("order {order_id} has no line item {id}"),
                )
            })?;
            if line.fulfilled + quantity > line.quantity {
                return Err(WixError::application(
                    StatusCode::BAD_REQUEST,
                    "FULFILLMENT_QUANTITY_EXCEEDS_LINE_ITEM_QUANTITY",
                    "invalid argument",
                    format!(
                        "line item {id} has {} left to fulfil",
                        line.quantity - line.fulfilled
                    ),
                ));
            }
        }
        for (id, quantity) in &fulfillment.lines {
            if let Some(line) = order.lines.iter_mut().find(|l| &l.id == id) {
                line.fulfilled += quantity;
            }
        }
        order.fulfillment_status = if order.lines.iter().all(|l| l.fulfilled == l.quantity) {
            "FULFILLED".into()
        } else {
            "PARTIALLY_FULFILLED".into()
        };
        order.updated_date = now_iso();
        let id = fulfillment.id.clone();
        order.fulfillments.push(fulfillment);
        Ok(Json(json!({
            "orderWithFulfillments": order_with_fulfillments(order),
            "fulfillmentId": id,
        })))
    })
}

/// `GET /ecom/v1/fulfillments/orders/{orderId}` → `{orderWithFulfillments}`.
async fn list_fulfillments(
    _admin: AdminAuth,
    State(state): State<SandboxState>,
    Path(order_id): Path<String>,
) -> Result<Json<Value>, WixError> {
    state.with(|w| {
        let order = w
            .ecom
            .order(&order_id)
            .ok_or_else(|| order_not_found(&order_id))?;
        Ok(Json(
            json!({ "orderWithFulfillments": order_with_fulfillments(order) }),
        ))
    })
}

fn order_id_of(body: &Value) -> Result<String, WixError> {
    body.get("orderId")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .ok_or_else(|| WixError::validation("orderId", "is required"))
}

/// `POST /ecom/v1/order-billing/get-order-refundability` `{orderId}` →
/// `{payments, paymentsSummary, lineItems, shipping, additionalFees}`.
async fn get_refundability(
    _admin: AdminAuth,
    State(state): State<SandboxState>,
    WixJson(body): WixJson<Value>,
) -> Result<Json<Value>, WixError> {
    let order_id = order_id_of(&body)?;
    state.with(|w| {
        let order = w
            .ecom
            .order(&order_id)
            .ok_or_else(|| order_not_found(&order_id))?;
        let amount = |d: Decimal| json!({ "amount": two(d) });
        // `MonetaryPaymentSummary`; nothing is ever pending here.
        let monetary = |paid: Decimal, refunded: Decimal, max: Decimal| {
            json!({ "paid": amount(paid), "refunded": amount(refunded),
                    "refundPending": amount(Decimal::ZERO), "maxRefund": amount(max) })
        };
        let payments: Vec<Value> = order
            .payments
            .iter()
            .map(|p| {
                let offline = p.refundability == SeedRefundability::Manual;
                let mut entry = json!({ "payment": {
                    "paymentId": p.id,
                    "paymentMethod": if offline { "Offline" } else { "CreditCard" },
                    "offlinePayment": offline,
                    "monetary": monetary(p.paid(), p.refunded, p.available()),
                } });
                match (p.refundability, p.available() > Decimal::ZERO) {
                    (SeedRefundability::NotRefundable, _) => {
                        entry["nonRefundable"] = json!({ "reason": "NOT_PAID" })
                    }
                    (_, false) => entry["nonRefundable"] = json!({ "reason": "ALREADY_REFUNDED" }),
                    (SeedRefundability::Manual, true) => {
                        entry["manuallyRefundable"] = json!({ "reason": "OFFLINE" })
                    }
                    (SeedRefundability::Refundable, true) => entry["refundable"] = json!(true),
                }
                entry
            })
            .collect();
        let paid: Decimal = order.payments.iter().map(PaymentRecord::paid).sum();
        let refunded: Decimal = order.payments.iter().map(|p| p.refunded).sum();
        let available: Decimal = order.payments.iter().map(PaymentRecord::available).sum();
        let lines: Vec<Value> = order
            .lines
            .iter()
            .map(|l| json!({ "lineItemId": l.id, "originalQuantity": l.quantity, "refundedQuantity": 0, "availableRefundQuantity": l.quantity }))
            .collect();
        let mut answer = json!({
            "payments": payments,
            "paymentsSummary": { "monetary": monetary(paid, refunded, available) },
            "lineItems": lines,
            "additionalFees": [],
        });
        // "Only present if the order includes shipping charges."
        if order.shipping > Decimal::ZERO {
            answer["shipping"] = json!({
                "amount": amount(order.shipping),
                "refundedAmount": amount(Decimal::ZERO),
                "availableRefundAmount": amount(order.shipping),
            });
        }
        Ok(Json(answer))
    })
}

/// `POST /ecom/v1/order-billing/refund-payments`
/// `{orderId, paymentRefunds:[{paymentId, amount:{amount}, externalRefund}], sideEffects, customerReason}` →
/// `{refund, orderTransactions}`. More than a payment's refundable amount is a 400; a payment that cannot
/// be refunded is 428.
async fn refund_payments(
    _admin: AdminAuth,
    State(state): State<SandboxState>,
    WixJson(body): WixJson<Value>,
) -> Result<Json<Value>, WixError> {
    let order_id = order_id_of(&body)?;
    let refunds = body
        .get("paymentRefunds")
        .and_then(Value::as_array)
        .filter(|r| (1..=50).contains(&r.len()))
        .ok_or_else(|| WixError::validation("paymentRefunds", "must list 1 to 50 payments"))?;
    let mut wanted = Vec::new();
    for refund in refunds {
        let payment = refund.get("paymentId").and_then(Value::as_str);
        let amount = refund
            .pointer("/amount/amount")
            .and_then(Value::as_str)
            .and_then(|a| a.parse::<Decimal>().ok())
            .filter(|a| *a > Decimal::ZERO);
        match (payment, amount) {
            (Some(payment), Some(amount)) => wanted.push((payment.to_owned(), amount)),
            _ => {
                return Err(WixError::validation(
                    "paymentRefunds",
                    "each needs a paymentId and a positive amount.amount",
                ));
            }
        }
    }
    let reason = match body.get("customerReason") {
        None | Some(Value::Null) => None,
        Some(Value::String(r)) if r.chars().count() <= 200 => Some(r.clone()),
        Some(_) => {
            return Err(WixError::validation(
                "customerReason",
                "must be at most 200 characters",
            ));
        }
    };
    let notify = body
        .pointer("/sideEffects/notifications/sendCustomerEmail")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    state.with(|w| {
        let order = w.ecom.order_mut(&order_id)?;
        for (payment_id, amount) in &wanted {
            let payment = order
                .payments
                .iter()
                .find(|p| &p.id == payment_id)
                .ok_or_else(|| {
                    WixError::application(
                        StatusCode::NOT_FOUND,
                        "PAYMENT_NOT_FOUND",
                        "not found",
                        format!("order {order_id} has no payment {payment_id}"),
                    )
                })?;
            if payment.available() <= Decimal::ZERO {
                return Err(precondition(
                    "PAYMENT_NOT_REFUNDABLE",
                    format!("payment {payment_id} cannot be refunded"),
                ));
            }
            if *amount > payment.available() {
                return Err(WixError::application(
                    StatusCode::BAD_REQUEST,
                    "INVALID_REFUND_AMOUNT",
                    "invalid argument",
                    format!(
                        "payment {payment_id} has {} left to refund",
                        two(payment.available())
                    ),
                ));
            }
        }
        for (payment_id, amount) in &wanted {
            if let Some(payment) = order.payments.iter_mut().find(|p| &p.id == payment_id) {
                payment.refunded += amount;
            }
        }
        order.payment_status = if order.payments.iter().all(|p| p.refunded >= p.amount) {
            "FULLY_REFUNDED".into()
        } else {
            "PARTIALLY_REFUNDED".into()
        };
        let refund = RefundView {
            id: uuid::Uuid::new_v4().to_string(),
            payments: wanted.iter().map(|(p, a)| (p.clone(), two(*a))).collect(),
            reason: reason.clone(),
            customer_notified: notify,
        };
        let created = now_iso();
        let transactions: Vec<Value> = refund
            .payments
            .iter()
            .map(|(payment, amount)| json!({ "paymentId": payment, "amount": { "amount": amount }, "refundStatus": "SUCCEEDED", "externalRefund": false }))
            .collect();
        let requested: Decimal = wanted.iter().map(|(_, a)| *a).sum();
        let answer = json!({
            "refund": {
                "id": refund.id, "createdDate": created,
                "summary": { "requestedRefund": { "amount": two(requested) }, "pending": false },
                "transactions": transactions,
                "details": { "items": [], "shippingIncluded": false, "reason": reason },
            },
            "orderTransactions": { "orderId": order.id, "payments": order.payments.iter().map(|p| json!({ "id": p.id, "amount": { "amount": two(p.amount) }, "refundDisabled": false })).collect::<Vec<_>>() },
        });
        order.refunds.push(refund);
        Ok(Json(answer))
    })
}
