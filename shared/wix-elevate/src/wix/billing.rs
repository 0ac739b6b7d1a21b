//! eCommerce order billing (`ecom/v1/order-billing`, wix-api.md §7): refundability, then refunds.
//!
//! [`Wix::refund_order`] asks Wix what each payment can still refund, refuses an amount above the total
//! before anything is sent, splits the amount over the automatically refundable payments, and sends one
//! `refund-payments` call, never repeated. Its failures say whether the refund may have happened
//! ([`Failure`]), so an idempotency key is freed or burned accordingly.
//!
//! The per-payment shape of Get Order Refundability is read leniently: an entry is automatically
//! refundable when it has a `refundable` member (not `false`); what it can still refund is
//! `payment.monetary.maxRefund.amount`. Manually refundable and non-refundable payments are left out.

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::{Repeat, Wix, WixPath};
use crate::idempotency::Failure;
use crate::money::{Amount, parse_wix_amount};
use crate::values::Text;
use crate::{ApiError, WixId};

/// A payment Wix can refund automatically, and how much of it is left.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RefundablePayment {
    pub payment_id: String,
    pub available: Decimal,
}

/// One payment's part of a refund.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PaymentShare {
    pub payment_id: String,
    pub amount: Amount,
}

/// A refund Wix made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refund {
    pub refund_id: Option<String>,
    pub amount: Amount,
    pub payments: Vec<PaymentShare>,
}

/// What to refund.
#[derive(Clone, Debug)]
pub struct RefundRequest<'a> {
    pub order_id: WixId,
    pub amount: Amount,
    pub reason: Option<&'a Text<200>>,
    pub notify_customer: bool,
}

#[derive(Deserialize)]
struct RefundabilityAnswer {
    #[serde(default)]
    payments: Vec<PaymentEntry>,
}

#[derive(Deserialize)]
struct PaymentEntry {
    #[serde(default)]
    refundable: Option<Value>,
    #[serde(default)]
    payment: Option<Value>,
}

impl PaymentEntry {
    fn refundable(self) -> Option<RefundablePayment> {
        if matches!(
            self.refundable,
            None | Some(Value::Null | Value::Bool(false))
        ) {
            return None;
        }
        let payment = self.payment?;
        let payment_id = payment.get("paymentId")?.as_str()?;
        let available = parse_wix_amount(payment.pointer("/monetary/maxRefund/amount")?.as_str()?)?;
        (!payment_id.is_empty() && payment_id.len() <= 64 && available > Decimal::ZERO).then(|| {
            RefundablePayment {
                payment_id: payment_id.to_owned(),
                available,
            }
        })
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

/// Split `amount` over `payments` in Wix's order, each up to what it can still refund (in whole cents).
/// `Err` carries the most that can be refunded when that is less than `amount`.
pub fn allocate(
    payments: &[RefundablePayment],
    amount: Amount,
) -> Result<Vec<PaymentShare>, Decimal> {
    let cents = |d: Decimal| d.round_dp_with_strategy(2, RoundingStrategy::ToZero);
    let available: Decimal = payments.iter().map(|p| cents(p.available)).sum();
    if amount.decimal() > available {
        return Err(available);
    }
    let mut left = amount.decimal();
    let mut shares = Vec::new();
    for payment in payments {
        if left.is_zero() {
            break;
        }
        let part = left.min(cents(payment.available));
        if let Some(part_amount) = Amount::from_decimal(part) {
            shares.push(PaymentShare {
                payment_id: payment.payment_id.clone(),
                amount: part_amount,
            });
            left -= part;
        }
    }
    Ok(shares)
}

fn refund_body(request: &RefundRequest<'_>, shares: &[PaymentShare]) -> Value {
    let refunds: Vec<Value> = shares
        .iter()
        .map(|s| json!({ "paymentId": s.payment_id, "amount": { "amount": s.amount }, "externalRefund": false }))
        .collect();
    let mut body = json!({
        "orderId": request.order_id,
        "paymentRefunds": refunds,
        "sideEffects": { "notifications": { "sendCustomerEmail": request.notify_customer } },
    });
    if let Some(reason) = request.reason {
        body["customerReason"] = json!(reason);
    }
    body
}

impl Wix {
    /// The payments of an order Wix can refund automatically, with what each has left.
    pub async fn refundable_payments(
        &self,
        order_id: &WixId,
    ) -> Result<Vec<RefundablePayment>, super::WixError> {
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

    /// Refund `request.amount` of an order; see the module docs.
    pub async fn refund_order(&self, request: &RefundRequest<'_>) -> Result<Refund, Failure> {
        let payments = self
            .refundable_payments(&request.order_id)
            .await
            .map_err(|e| match e.status() {
                Some(404) => ApiError::NotFound("no such order"),
                _ => e.into(),
            })?;
        let shares = allocate(&payments, request.amount).map_err(|available| {
            ApiError::Unprocessable(if available.is_zero() {
                "nothing in this order can be refunded automatically".into()
            } else {
                format!(
                    "at most {} can be refunded",
                    Amount::from_decimal(available)
                        .map_or_else(|| available.to_string(), |a| a.to_string())
                )
            })
        })?;
        let path = WixPath::new("/ecom/v1/order-billing/refund-payments");
        let answer: RefundAnswer = self
            .post(&path, &refund_body(request, &shares), Repeat::Once)
            .await
            .map_err(|e| {
                Failure::of_effect(e, |e| match e.status() {
                    Some(404) => ApiError::NotFound("no such order or payment"),
                    Some(400) => ApiError::Unprocessable("Wix refused the refund amount".into()),
                    Some(409 | 428) => {
                        ApiError::Conflict("the payment can no longer be refunded".into())
                    }
                    _ => e.into(),
                })
            })?;
        Ok(Refund {
            refund_id: answer
                .refund
                .and_then(|r| r.id)
                .map(|id| id.chars().take(64).collect()),
            amount: request.amount,
            payments: shares,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn payment(id: &str, available: &str) -> RefundablePayment {
        RefundablePayment {
            payment_id: id.into(),
            available: available.parse().unwrap(),
        }
    }

    fn amount(text: &str) -> Amount {
        Amount::parse(text).unwrap()
    }

    #[test]
    fn a_refund_is_split_over_payments_in_order_and_never_above_what_is_left() {
        let payments = [payment("a", "10.00"), payment("b", "25.005")];
        assert_eq!(
            allocate(&payments, amount("4")).unwrap(),
            [PaymentShare {
                payment_id: "a".into(),
                amount: amount("4")
            }]
        );
        assert_eq!(
            allocate(&payments, amount("30.50")).unwrap(),
            [
                PaymentShare {
                    payment_id: "a".into(),
                    amount: amount("10")
                },
                PaymentShare {
                    payment_id: "b".into(),
                    amount: amount("20.50")
                },
            ]
        );
        assert_eq!(allocate(&payments, amount("35.00")).unwrap().len(), 2);
        assert_eq!(
            allocate(&payments, amount("35.01")),
            Err("35.00".parse().unwrap())
        );
        assert_eq!(allocate(&[], amount("1")), Err(Decimal::ZERO));
    }

    #[test]
    fn only_automatically_refundable_payments_with_money_left_count() {
        let answer: RefundabilityAnswer = serde_json::from_value(json!({ "payments": [
            { "refundable": true, "payment": { "paymentId": "a", "monetary": { "maxRefund": { "amount": "25.00" } } } },
            { "refundable": {}, "payment": { "paymentId": "b", "monetary": { "maxRefund": { "amount": "5" } } } },
            { "manuallyRefundable": { "reason": "OFFLINE" }, "payment": { "paymentId": "c", "monetary": { "maxRefund": { "amount": "9.00" } } } },
            { "nonRefundable": { "reason": "ALREADY_REFUNDED" }, "payment": { "paymentId": "d" } },
            { "refundable": false, "payment": { "paymentId": "e", "monetary": { "maxRefund": { "amount": "9.00" } } } },
            { "refundable": true, "payment": { "paymentId": "f", "monetary": { "maxRefund": { "amount": "0.00" } } } },
            { "refundable": true, "payment": { "paymentId": "g", "monetary": { "maxRefund": { "amount": "-3" } } } },
            { "refundable": true }
        ] }))
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
        let reason = Text::<200>::parse("damaged in transit").unwrap();
        let request = RefundRequest {
            order_id: WixId::parse("189589e1-57a5-418c-9deb-3a06be4cb61c").unwrap(),
            amount: amount("10"),
            reason: Some(&reason),
            notify_customer: true,
        };
        let shares = [PaymentShare {
            payment_id: "a".into(),
            amount: amount("10"),
        }];
        assert_eq!(
            refund_body(&request, &shares),
            json!({
                "orderId": "189589e1-57a5-418c-9deb-3a06be4cb61c",
                "paymentRefunds": [{ "paymentId": "a", "amount": { "amount": "10.00" }, "externalRefund": false }],
                "sideEffects": { "notifications": { "sendCustomerEmail": true } },
                "customerReason": "damaged in transit"
            })
        );
    }
}
