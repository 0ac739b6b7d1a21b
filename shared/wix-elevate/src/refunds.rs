//! Refunds: what an admin asks for, split over the payments Wix can refund automatically. Whether a
//! failure frees the idempotency key or marks it unknown is the request's [`Wix`] handle's to say
//! ([`Wix::may_have_acted`]): the refund call is its one write.
//!
//! [`refund`] asks Wix what each payment can still refund, refuses an amount above the total before
//! anything is sent, splits the amount over the refundable payments, and sends one `refund-payments`
//! call, never repeated.

use rust_decimal::{Decimal, RoundingStrategy};

use crate::money::Amount;
use crate::values::Text;
use crate::wix::billing::{PaymentShare, RefundablePayment};
use crate::{ApiError, Wix, WixId};

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

/// Refund `request.amount` of an order; see the module docs.
pub async fn refund(wix: &Wix, request: &RefundRequest<'_>) -> Result<Refund, ApiError> {
    let payments = wix
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
    let refund_id = wix
        .refund_payments(
            &request.order_id,
            &shares,
            request.reason.map(Text::as_str),
            request.notify_customer,
        )
        .await
        .map_err(|e| match e.status() {
            Some(404) => ApiError::NotFound("no such order or payment"),
            Some(400) => ApiError::Unprocessable("Wix refused the refund amount".into()),
            Some(409 | 428) => ApiError::Conflict("the payment can no longer be refunded".into()),
            _ => e.into(),
        })?;
    Ok(Refund {
        refund_id,
        amount: request.amount,
        payments: shares,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wix::billing::tests::payment;

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
}
