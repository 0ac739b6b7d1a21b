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

#[derive(Serialize)]
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
