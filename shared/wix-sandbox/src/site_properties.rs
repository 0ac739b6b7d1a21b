//! `GET /site-properties/v4/properties` (wix-api.md §4).

use axum::extract::{Query, State};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{Map, Value, json};

use crate::auth::AdminAuth;
use crate::error::WixError;
use crate::seed;
use crate::state::SandboxState;

pub(crate) struct SiteData {
    version: u64,
    properties: Map<String, Value>,
}

impl SiteData {
    pub fn seeded() -> Self {
        let Value::Object(properties) = seed::site_properties() else {
            unreachable!("seed::site_properties is an object literal")
        };
        SiteData {
            version: seed::SITE_PROPERTIES_VERSION,
            properties,
        }
    }
}

pub fn routes() -> Router<SandboxState> {
    Router::new().route("/site-properties/v4/properties", get(get_properties))
}

/// `fields.paths` may repeat, so the query is read as pairs rather than a map.
async fn get_properties(
    _admin: AdminAuth,
    State(state): State<SandboxState>,
    Query(query): Query<Vec<(String, String)>>,
) -> Result<Json<Value>, WixError> {
    let paths: Vec<&str> = query
        .iter()
        .filter(|(key, _)| key == "fields.paths")
        .map(|(_, value)| value.as_str())
        .collect();
    state.with(|w| {
        let site = &w.site;
        let properties = if paths.is_empty() {
            site.properties.clone()
        } else {
            let mut selected = Map::new();
            for path in paths {
                // Field-mask paths are top-level property names; a typo is an error, not silence.
                let value = site.properties.get(path).ok_or_else(|| {
                    WixError::validation("fields.paths", format!("unknown field {path:?}"))
                })?;
                selected.insert(path.to_owned(), value.clone());
            }
            selected
        };
        Ok(Json(json!({
            "version": site.version.to_string(),
            "properties": properties,
        })))
    })
}
