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

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
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

#[derive(Serialize)]
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
