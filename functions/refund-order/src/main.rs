//! `POST /` — refund an order, for admins: `{"orderId", "amount", "reason"?, "notifyCustomer"?}` with
//! an `Idempotency-Key` header.
//!
//! What each payment can still refund is asked first; an amount above the total is 422 and nothing is
//! sent. The refund call itself is never repeated. A repeat of the same key with the same body answers
//! the first result without a second refund, on any instance; the same key with another body is 422.

use wix_elevate::policy::AdminGrant;
use wix_elevate::prelude::*;
use wix_elevate::refunds::{self, RefundRequest};
use wix_elevate::wix::billing::PaymentShare;

pub struct RefundOrder;

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schemars(rename = "RefundOrder")]
pub struct Refund {
    order_id: WixId,
    amount: Amount,
    /// Shown to the customer (Wix's `customerReason`).
    #[serde(default)]
    reason: Option<Text<200>>,
    #[serde(default)]
    notify_customer: bool,
}

impl Endpoint for RefundOrder {
    const NAME: &'static str = "refund-order";
    const METHOD: Method = Method::POST;
    const DOC: Doc = Doc {
        tag: Tag::Orders,
        summary: "Refund an order, at most once per Idempotency-Key",
        description: "Who may call: an admin. What each payment can still refund is asked first; more than \
            that is a 422 and nothing is sent. The refund call is never repeated. Records are \
            kept per (function, caller, key) with a hash of the body: the same key and body \
            answer the first result again without a second refund; the same key with another \
            body is a 422; a request with that key still in flight, or whose outcome is unknown \
            (the refund call timed out), is a 409: use a new key only after checking the order. \
            A request refused before the refund (422, 404) frees its key. Records live in the \
            state table (`STATE_TABLE`, DynamoDB) for 30 days, shared by every instance of the \
            function.",
        answer: "The refund Wix made (or, for a repeated key and body, the first answer again).",
        examples: &[Example::only(
            r#"{"orderId": "189589e1-57a5-418c-9deb-3a06be4cb61c", "amount": "10.00", "reason": "damaged in transit", "notifyCustomer": true}"#,
        )],
        errors: &[StatusCode::NOT_FOUND],
    };
    const MAX_BODY_BYTES: usize = 2 * 1024;
    /// A retry must never refund twice.
    const IDEMPOTENCY: Idempotency = Idempotency::Required;
    /// A job that retries a refund days later must still meet its first answer (or its unknown outcome).
    const RECORD_TTL: std::time::Duration = std::time::Duration::from_secs(30 * 24 * 60 * 60);
    type Policy = Admin;
    type Input = Json<Refund>;
    type Output = RefundReceipt;

    fn target(input: &Json<Refund>) -> Option<String> {
        Some(input.0.order_id.to_string())
    }

    async fn call(
        wix: &Wix,
        _admin: AdminGrant,
        Json(body): Json<Refund>,
    ) -> Result<RefundReceipt, ApiError> {
        let request = RefundRequest {
            order_id: body.order_id,
            amount: body.amount,
            reason: body.reason.as_ref(),
            notify_customer: body.notify_customer,
        };
        let refund = refunds::refund(wix, &request).await?;
        Ok(RefundReceipt {
            refund_id: refund.refund_id,
            order_id: body.order_id,
            amount: refund.amount,
            payments: refund.payments,
        })
    }
}

#[derive(Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct RefundReceipt {
    refund_id: Option<String>,
    order_id: WixId,
    amount: Amount,
    payments: Vec<PaymentShare>,
}

#[tokio::main]
async fn main() -> Result<(), wix_elevate::Error> {
    serve::<RefundOrder>().await
}
