//! `POST /` — create a fulfillment for chosen line items, for admins:
//! `{"orderId", "lineItems": [{"id", "quantity"}], "tracking"?: {"trackingNumber", "shippingProvider",
//! "trackingLink"?}}`. Tracking text is capped and the link must be https.

use wix_elevate::orders::{self, FulfilledLine, FulfillmentLines, TrackingInfo};
use wix_elevate::policy::AdminGrant;
use wix_elevate::prelude::*;

pub struct FulfillOrder;

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Fulfil {
    order_id: WixId,
    line_items: FulfillmentLines,
    #[serde(default)]
    tracking: Option<TrackingInfo>,
}

impl Endpoint for FulfillOrder {
    const NAME: &'static str = "fulfill-order";
    const METHOD: Method = Method::POST;
    const MAX_BODY_BYTES: usize = 16 * 1024;
    /// A retry with the same `Idempotency-Key` gets the first answer instead of a second write.
    const IDEMPOTENCY: Idempotency = Idempotency::Optional;
    type Policy = Admin;
    type Input = Json<Fulfil>;
    type Output = Fulfilled;

    fn target(input: &Json<Fulfil>) -> Option<String> {
        Some(input.0.order_id.to_string())
    }

    async fn call(
        wix: &Wix,
        _admin: AdminGrant,
        Json(fulfil): Json<Fulfil>,
    ) -> Result<Fulfilled, ApiError> {
        let fulfillment_id = orders::fulfil(
            wix,
            &fulfil.order_id,
            &fulfil.line_items,
            fulfil.tracking.as_ref(),
        )
        .await?;
        Ok(Fulfilled {
            order_id: fulfil.order_id,
            fulfillment_id,
            line_items: fulfil.line_items.as_slice().to_vec(),
        })
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Fulfilled {
    order_id: WixId,
    fulfillment_id: Option<String>,
    line_items: Vec<FulfilledLine>,
}

#[tokio::main]
async fn main() -> Result<(), wix_elevate::Error> {
    serve::<FulfillOrder>().await
}
