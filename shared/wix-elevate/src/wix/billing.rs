//! eCommerce order billing (`ecom/v1/order-billing`, wix-api.md §7): refundability, then refunds, as
//! Wix takes and answers them. How an amount is split and what a failure means is [`crate::refunds`].
//!
//! Get Order Refundability answers one `PaymentRefundability` per payment (`@wix/auto_sdk_ecom_order-billing`):
//! a one-of of `refundable: true`, `manuallyRefundable: {reason}` or `nonRefundable: {reason}`, beside
//! `payment: {paymentId, monetary: {paid, refunded, refundPending, maxRefund}}`, each amount a
//! `{amount}` decimal string. Only `refundable: true` payments with `maxRefund` left are kept.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::{Repeat, Wix, WixError, WixPath};
use crate::WixId;
use crate::money::{Amount, parse_wix_amount};

/// A payment Wix can refund automatically, and how much of it is left.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RefundablePayment {
    pub payment_id: String,
    pub available: Decimal,
}

/// One payment's part of a refund.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PaymentShare {
    pub payment_id: String,
    pub amount: Amount,
}

#[derive(Deserialize)]
struct RefundabilityAnswer {
    #[serde(default)]
    payments: Vec<PaymentEntry>,
}

/// One `PaymentRefundability`; the manual and non-refundable members are not read.
#[derive(Deserialize)]
struct PaymentEntry {
    #[serde(default)]
    refundable: Option<bool>,
    #[serde(default)]
    payment: Option<PaymentInfo>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PaymentInfo {
    payment_id: Option<String>,
    /// Absent for membership payments, which refund credits, not money.
    monetary: Option<MonetarySummary>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct MonetarySummary {
    /// `paid - refunded - refundPending`.
    max_refund: Option<WixPrice>,
}

#[derive(Deserialize)]
struct WixPrice {
    amount: Option<String>,
}

impl PaymentEntry {
    fn refundable(self) -> Option<RefundablePayment> {
        if self.refundable != Some(true) {
            return None;
        }
        let payment = self.payment?;
        let payment_id = payment.payment_id?;
        let available = parse_wix_amount(payment.monetary?.max_refund?.amount.as_deref()?)?;
        (!payment_id.is_empty() && payment_id.len() <= 64 && available > Decimal::ZERO).then_some(
            RefundablePayment {
                payment_id,
                available,
            },
        )
    }
}

#[derive(Deserialize)]
struct RefundAnswer {
    #[serde(default)]
    refund: Option<RefundId>,
}

#[derive(Deserialize)]
struct RefundId {
    id: Option<String>,
}

/// `POST /ecom/v1/order-billing/refund-payments`: each share from its payment, the customer told or not.
fn refund_body(
    order_id: &WixId,
    shares: &[PaymentShare],
    reason: Option<&str>,
    notify_customer: bool,
) -> Value {
    let refunds: Vec<Value> = shares
        .iter()
        .map(|s| json!({ "paymentId": s.payment_id, "amount": { "amount": s.amount }, "externalRefund": false }))
        .collect();
    let mut body = json!({
        "orderId": order_id,
        "paymentRefunds": refunds,
        "sideEffects": { "notifications": { "sendCustomerEmail": notify_customer } },
    });
    if let Some(reason) = reason {
        body["customerReason"] = json!(reason);
    }
    body
}

impl Wix {
    /// The payments of an order Wix can refund automatically, with what each has left.
    pub async fn refundable_payments(
        &self,
        order_id: &WixId,
    ) -> Result<Vec<RefundablePayment>, WixError> {
        let path = WixPath::new("/ecom/v1/order-billing/get-order-refundability");
        // A read, even though it is a POST.
        let answer: RefundabilityAnswer = self
            .post(&path, &json!({ "orderId": order_id }), Repeat::Safe)
            .await?;
        Ok(answer
            .payments
            .into_iter()
            .filter_map(PaymentEntry::refundable)
            .collect())
    }

    /// Refund `shares` of an order; returns Wix's refund id. Never repeated.
    pub async fn refund_payments(
        &self,
        order_id: &WixId,
        shares: &[PaymentShare],
        reason: Option<&str>,
        notify_customer: bool,
    ) -> Result<Option<String>, WixError> {
        let path = WixPath::new("/ecom/v1/order-billing/refund-payments");
        let body = refund_body(order_id, shares, reason, notify_customer);
        let answer: RefundAnswer = self.post(&path, &body, Repeat::Once).await?;
        Ok(answer
            .refund
            .and_then(|r| r.id)
            .map(|id| id.chars().take(64).collect()))
    }
}

/// The answer types this module decodes, for the fuzz targets.
#[cfg(feature = "fuzzing")]
pub(crate) const ANSWERS: &[super::AnswerDecoder] = &[
    super::decodes::<RefundabilityAnswer>,
    super::decodes::<RefundAnswer>,
];

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A refundable payment for tests: an id and what it has left.
    pub(crate) fn payment(id: &str, available: &str) -> RefundablePayment {
        RefundablePayment {
            payment_id: id.into(),
            available: available.parse().unwrap(),
        }
    }

    #[test]
    fn only_automatically_refundable_payments_with_money_left_count() {
        let money = |paid: &str, refunded: &str, max: &str| {
            json!({ "paid": { "amount": paid }, "refunded": { "amount": refunded },
                    "refundPending": { "amount": "0.00" }, "maxRefund": { "amount": max } })
        };
        let answer: RefundabilityAnswer = serde_json::from_value(json!({ "payments": [
            { "refundable": true, "payment": { "paymentId": "a", "paymentMethod": "CreditCard", "monetary": money("40.00", "15.00", "25.00") } },
            { "refundable": true, "payment": { "paymentId": "b", "monetary": { "maxRefund": { "amount": "5" } } } },
            { "manuallyRefundable": { "reason": "OFFLINE" }, "payment": { "paymentId": "c", "monetary": money("9.00", "0.00", "9.00") } },
            { "nonRefundable": { "reason": "ALREADY_REFUNDED" }, "payment": { "paymentId": "d" } },
            { "refundable": false, "payment": { "paymentId": "e", "monetary": money("9.00", "0.00", "9.00") } },
            { "refundable": true, "payment": { "paymentId": "f", "monetary": money("9.00", "9.00", "0.00") } },
            { "refundable": true, "payment": { "paymentId": "g", "monetary": { "maxRefund": { "amount": "-3" } } } },
            { "refundable": true, "payment": { "paymentId": "h", "membership": { "refundableLineItemIds": [] } } },
            { "refundable": true }
        ], "paymentsSummary": { "monetary": money("58.00", "24.00", "34.00") } }))
        .unwrap();
        let refundable: Vec<RefundablePayment> = answer
            .payments
            .into_iter()
            .filter_map(PaymentEntry::refundable)
            .collect();
        assert_eq!(refundable, [payment("a", "25.00"), payment("b", "5")]);
    }

    #[test]
    fn the_refund_body_names_payments_amounts_and_side_effects() {
        let order_id = WixId::parse("189589e1-57a5-418c-9deb-3a06be4cb61c").unwrap();
        let shares = [PaymentShare {
            payment_id: "a".into(),
            amount: Amount::parse("10").unwrap(),
        }];
        assert_eq!(
            refund_body(&order_id, &shares, Some("damaged in transit"), true),
            json!({
                "orderId": "189589e1-57a5-418c-9deb-3a06be4cb61c",
                "paymentRefunds": [{ "paymentId": "a", "amount": { "amount": "10.00" }, "externalRefund": false }],
                "sideEffects": { "notifications": { "sendCustomerEmail": true } },
                "customerReason": "damaged in transit"
            })
        );
    }
}
