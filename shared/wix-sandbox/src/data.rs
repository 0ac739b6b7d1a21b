//! CMS data items (`wix-data/v2`, wix-api.md §9): insert into a collection that exists.

use std::collections::BTreeMap;

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::auth::AdminAuth;
use crate::error::{WixError, WixJson};
use crate::seed;
use crate::state::{SandboxState, now_iso};

/// Collections by id, each with its items' `data` in insertion order.
pub(crate) struct DataCollections {
    pub collections: BTreeMap<String, Vec<Value>>,
}

impl DataCollections {
    pub fn seeded() -> Self {
        let mut collections = BTreeMap::new();
        collections.insert(seed::UPLOAD_COLLECTION_ID.to_owned(), Vec::new());
        DataCollections { collections }
    }
}

/// Observing and steering CMS collections (the in-process side of `/_sandbox`).
impl SandboxState {
    /// The items (their `data`) of a CMS collection; `None` if it does not exist.
    pub fn data_items(&self, collection: &str) -> Option<Vec<Value>> {
        self.with(|w| w.data.collections.get(collection).cloned())
    }

    /// Creates an empty CMS collection (no-op if it exists).
    pub fn create_collection(&self, collection: &str) {
        self.with(|w| {
            w.data.collections.entry(collection.to_owned()).or_default();
        });
    }
}

pub fn routes() -> Router<SandboxState> {
    Router::new().route("/wix-data/v2/items", post(insert_item))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct InsertBody {
    data_collection_id: Option<String>,
    data_item: Option<DataItem>,
}

#[derive(Deserialize)]
struct DataItem {
    data: Option<Map<String, Value>>,
}

/// `POST /wix-data/v2/items` → `{dataItem:{id, dataCollectionId, data}}`; system fields (`_id`,
/// `_createdDate`, `_updatedDate`) are added to `data`. An unknown collection is a 404 (`WDE0025`).
async fn insert_item(
    _admin: AdminAuth,
    State(state): State<SandboxState>,
    WixJson(body): WixJson<InsertBody>,
) -> Result<Json<Value>, WixError> {
    let collection = body
        .data_collection_id
        .filter(|c| !c.is_empty())
        .ok_or_else(|| WixError::validation("dataCollectionId", "is required"))?;
    let mut data = body
        .data_item
        .and_then(|item| item.data)
        .ok_or_else(|| WixError::validation("dataItem.data", "is required"))?;
    state.with(|w| {
        let items = w.data.collections.get_mut(&collection).ok_or_else(|| {
            WixError::application(
                StatusCode::NOT_FOUND,
                "WDE0025",
                "collection not found",
                format!("the {collection:.60} collection does not exist"),
            )
        })?;
        let id = uuid::Uuid::new_v4().to_string();
        let now = json!({ "$date": now_iso() });
        data.insert("_id".into(), json!(id));
        data.insert("_createdDate".into(), now.clone());
        data.insert("_updatedDate".into(), now);
        let data = Value::Object(data);
        items.push(data.clone());
        Ok(Json(
            json!({ "dataItem": { "id": id, "dataCollectionId": collection, "data": data } }),
        ))
    })
}
