//! `POST /` — refund an order, for admins: `{"orderId", "amount", "reason"?, "notifyCustomer"?}` with
//! an `Idempotency-Key` header.
//!
//! What each payment can still refund is asked first; an amount above the total is 422 and nothing is
//! sent. The refund call itself is never repeated. A repeat of the same key with the same body answers
//! the first result without a second refund; the same key with another body is 422.

use wix_elevate::idempotency::{self, RecordKey};
use wix_elevate::policy::AdminGrant;
use wix_elevate::prelude::*;
use wix_elevate::refunds::{self, RefundRequest};
use wix_elevate::wix::billing::PaymentShare;

struct RefundOrder;

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct Refund {
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
    /// Browsers send the idempotency key as a header; the CORS preflight must allow it.
    const CORS_HEADERS: &'static [&'static str] =
        &["authorization", "content-type", "idempotency-key"];
    const MAX_BODY_BYTES: usize = 2 * 1024;
    type Policy = Admin;
    type Input = Idempotent<Refund>;
    type Output = RefundReceipt;

    fn target(input: &Idempotent<Refund>) -> Option<String> {
        Some(input.body.order_id.to_string())
    }

    async fn call(
        wix: &Wix,
        admin: AdminGrant,
        input: Idempotent<Refund>,
    ) -> Result<RefundReceipt, ApiError> {
        let Idempotent {
            key,
            fingerprint,
            body,
        } = input;
        let record = RecordKey::new(Self::NAME, &admin, &key);
        idempotency::once(idempotency::process_store(), record, fingerprint, async {
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
        })
        .await
    }
}

/// Stored for repeats of the same key, so it reads back as well as it writes.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct RefundReceipt {
    refund_id: Option<String>,
    order_id: WixId,
    amount: Amount,
    payments: Vec<PaymentShare>,
}

#[tokio::main]
async fn main() -> Result<(), wix_elevate::Error> {
    serve::<RefundOrder>().await
}
