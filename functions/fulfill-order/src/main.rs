//! `POST /` — create a fulfillment for chosen line items, for admins:
//! `{"orderId", "lineItems": [{"id", "quantity"}], "tracking"?: {"trackingNumber", "shippingProvider",
//! "trackingLink"?}}`. Tracking text is capped and the link must be https.

use wix_elevate::orders::{self, FulfilledLine, FulfillmentLines, TrackingInfo};
use wix_elevate::policy::AdminGrant;
use wix_elevate::prelude::*;

pub struct FulfillOrder;

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schemars(rename = "FulfillOrder")]
pub struct Fulfil {
    order_id: WixId,
    line_items: FulfillmentLines,
    #[serde(default)]
    tracking: Option<TrackingInfo>,
}

impl Endpoint for FulfillOrder {
    const NAME: &'static str = "fulfill-order";
    const METHOD: Method = Method::POST;
    const DOC: Doc = Doc {
        tag: Tag::Orders,
        summary: "Create a fulfillment for chosen line items",
        description: "Who may call: an admin. Each line item named once, with how many of it are shipped; \
            tracking is optional and its link https only. An order that cannot be fulfilled like \
            this (canceled, or more than is left to fulfil) is a 409; an unknown order a 404.",
        answer: "The fulfillment created.",
        examples: &[Example::only(
            r#"{"orderId": "189589e1-57a5-418c-9deb-3a06be4cb61c", "lineItems": [{"id": "41643fce-17ae-48a2-944f-8cab6d571485", "quantity": 2}], "tracking": {"trackingNumber": "CT123456789PT", "shippingProvider": "CTT", "trackingLink": "https://track.example.com/CT123456789PT"}}"#,
        )],
        errors: &[StatusCode::NOT_FOUND],
    };
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

#[derive(Serialize, JsonSchema)]
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
