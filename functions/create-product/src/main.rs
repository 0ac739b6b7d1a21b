//! `POST /` — create a physical product, for admins.
//!
//! One request shape whatever the site's catalog: `name`, `description` (plain text), `price` (a decimal
//! string such as "18.50"), `sku`, `visible` and an optional `initialStock`. The site's catalog (V1 or
//! V3) is detected once per cold start and the product is written the way that catalog wants it.

use wix_elevate::policy::AdminGrant;
use wix_elevate::prelude::*;
use wix_elevate::stores::NewProduct;
use wix_elevate::wix::stores::{Catalog, CreatedProduct};

pub struct CreateProduct;

impl Endpoint for CreateProduct {
    const NAME: &'static str = "create-product";
    const METHOD: Method = Method::POST;
    const DOC: Doc = Doc {
        tag: Tag::Stores,
        summary: "Create a physical product",
        description: "Who may call: an admin. One request shape whatever the site's Wix Stores catalog (V1 \
            or V3, detected once per process). Without `initialStock` the product is in stock, \
            untracked. On V1, if only the stock update after the creation fails, the product \
            exists and the answer has `\"initialStock\": null`. A site without Wix Stores is a \
            409.",
        answer: "The product Wix created.",
        examples: &[Example::only(
            r#"{"name": "Canvas Tee", "description": "Soft cotton.\nPrinted in Porto.", "price": "18.50", "sku": "TEE-1", "visible": true, "initialStock": 13}"#,
        )],
        errors: &[],
    };
    /// An 8,000-character description may take 4 bytes a character.
    const MAX_BODY_BYTES: usize = 40 * 1024;
    /// A retry with the same `Idempotency-Key` gets the first answer instead of a second write.
    const IDEMPOTENCY: Idempotency = Idempotency::Optional;
    type Policy = Admin;
    type Input = Json<NewProduct>;
    type Output = ProductCreated;

    async fn call(
        wix: &Wix,
        _admin: AdminGrant,
        Json(product): Json<NewProduct>,
    ) -> Result<ProductCreated, ApiError> {
        Ok(wix.create_product(&product.0).await?.into())
    }
}

#[derive(Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProductCreated {
    id: WixId,
    name: String,
    catalog_version: Catalog,
    variant_id: Option<WixId>,
    /// The tracked stock set, if any.
    initial_stock: Option<u32>,
}

impl From<CreatedProduct> for ProductCreated {
    fn from(p: CreatedProduct) -> Self {
        ProductCreated {
            id: p.id,
            name: p.name,
            catalog_version: p.catalog,
            variant_id: p.variant_id,
            initial_stock: p.stock,
        }
    }
}

#[tokio::main]
async fn main() -> Result<(), wix_elevate::Error> {
    serve::<CreateProduct>().await
}
