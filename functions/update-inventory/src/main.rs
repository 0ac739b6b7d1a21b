//! `POST /` — set one product variant's stock, for admins.
//!
//! `{"productId", "variantId"?, "quantity" | "inStock"}`: a tracked quantity (0 to 1,000,000) or an
//! untracked in-stock flag, on the site's catalog (V1 or V3). On V3 the inventory item's current
//! revision is read and sent with the update; if it changed in between, the answer is 409.

use wix_elevate::policy::AdminGrant;
use wix_elevate::prelude::*;
use wix_elevate::stores::InventoryUpdate;
use wix_elevate::wix::stores::{Catalog, StockLevel};

pub struct UpdateInventory;

impl Endpoint for UpdateInventory {
    const NAME: &'static str = "update-inventory";
    const METHOD: Method = Method::POST;
    const DOC: Doc = Doc {
        tag: Tag::Stores,
        summary: "Set one product variant's stock",
        description: "Who may call: an admin. Exactly one of `quantity` (tracked stock) and `inStock` \
            (untracked). A product with several variants needs `variantId` (400 without it). On \
            V3 the inventory item's current revision is read and sent with the update; a \
            concurrent change is a 409, and so are a site without Wix Stores and stock kept at \
            several locations. An unknown product or variant is a 404.",
        answer: "The variant's stock after the update.",
        examples: &[
            Example {
                name: "tracked",
                summary: "A tracked quantity",
                body: r#"{"productId": "4affce55-3a1e-4fc7-a724-7c769e5299d8", "variantId": "921768ac-7bfe-4ecc-aa44-ac5757a4aa4e", "quantity": 5}"#,
            },
            Example {
                name: "untracked",
                summary: "In stock, untracked",
                body: r#"{"productId": "eead74ab-c0c2-4ad5-8d72-f7b6a933c399", "variantId": "884a0776-4626-43fa-80d7-560241d6491b", "inStock": true}"#,
            },
        ],
        errors: &[StatusCode::NOT_FOUND, StatusCode::CONFLICT],
    };
    const MAX_BODY_BYTES: usize = 1024;
    type Policy = Admin;
    type Input = Json<InventoryUpdate>;
    type Output = StockUpdated;

    fn target(input: &Json<InventoryUpdate>) -> Option<String> {
        Some(input.0.0.product_id.to_string())
    }

    async fn call(
        wix: &Wix,
        _admin: AdminGrant,
        Json(update): Json<InventoryUpdate>,
    ) -> Result<StockUpdated, ApiError> {
        Ok(wix.update_inventory(&update.0).await?.into())
    }
}

#[derive(Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct StockUpdated {
    product_id: WixId,
    variant_id: WixId,
    catalog_version: Catalog,
    /// Present when the quantity is tracked.
    quantity: Option<u32>,
    in_stock: bool,
}

impl From<StockLevel> for StockUpdated {
    fn from(s: StockLevel) -> Self {
        StockUpdated {
            product_id: s.product_id,
            variant_id: s.variant_id,
            catalog_version: s.catalog,
            quantity: s.quantity,
            in_stock: s.in_stock,
        }
    }
}

#[tokio::main]
async fn main() -> Result<(), wix_elevate::Error> {
    serve::<UpdateInventory>().await
}
