//! `POST /` — cancel an order, for admins: `{"orderId", "restock"?, "notifyCustomer"?, "message"?}`.
//! An order that is already canceled is 409.

use wix_elevate::orders::order_error;
use wix_elevate::policy::AdminGrant;
use wix_elevate::prelude::*;
use wix_elevate::wix::orders::{CancelOptions, Order};

pub struct CancelOrder;

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schemars(rename = "CancelOrder")]
pub struct Cancel {
    order_id: WixId,
    /// Put the items back in stock.
    #[serde(default)]
    restock: bool,
    /// Email the customer that the order was canceled, with `message` if given.
    #[serde(default)]
    notify_customer: bool,
    #[serde(default)]
    message: Option<TextBlock<1000>>,
}

impl Endpoint for CancelOrder {
    const NAME: &'static str = "cancel-order";
    const METHOD: Method = Method::POST;
    const DOC: Doc = Doc {
        tag: Tag::Orders,
        summary: "Cancel an order",
        description: "Who may call: an admin. Optionally puts the items back in stock and emails the \
            customer, with `message` if given. An order that is already canceled, or cannot be \
            canceled, is a 409; an unknown order a 404.",
        answer: "The order's state after the cancellation.",
        examples: &[Example::only(
            r#"{"orderId": "f46da1ea-e866-41e6-a8f0-4fc6c65f6ef2", "restock": true, "notifyCustomer": true, "message": "Sorry, the second vase broke in the kiln."}"#,
        )],
        errors: &[StatusCode::NOT_FOUND],
    };
    const MAX_BODY_BYTES: usize = 8 * 1024;
    /// A retry with the same `Idempotency-Key` gets the first answer instead of a second write.
    const IDEMPOTENCY: Idempotency = Idempotency::Optional;
    type Policy = Admin;
    type Input = Json<Cancel>;
    type Output = OrderState;

    fn target(input: &Json<Cancel>) -> Option<String> {
        Some(input.0.order_id.to_string())
    }

    async fn call(
        wix: &Wix,
        _admin: AdminGrant,
        Json(cancel): Json<Cancel>,
    ) -> Result<OrderState, ApiError> {
        let options = CancelOptions {
            send_order_canceled_email: cancel.notify_customer,
            custom_message: cancel.message.map(|m| m.as_str().to_owned()),
            restock_all_items: cancel.restock,
        };
        let order = wix
            .cancel_order(&cancel.order_id, &options)
            .await
            .map_err(|e| order_error(e, "the order is already canceled or cannot be canceled"))?;
        Ok(order.into())
    }
}

#[derive(Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct OrderState {
    id: WixId,
    status: Option<String>,
    payment_status: Option<String>,
    fulfillment_status: Option<String>,
}

impl From<Order> for OrderState {
    fn from(o: Order) -> Self {
        OrderState {
            id: o.id,
            status: o.status,
            payment_status: o.payment_status,
            fulfillment_status: o.fulfillment_status,
        }
    }
}

#[tokio::main]
async fn main() -> Result<(), wix_elevate::Error> {
    serve::<CancelOrder>().await
}
