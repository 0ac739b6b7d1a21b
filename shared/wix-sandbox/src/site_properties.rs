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

/// The field mask is `fields`, as the SDK sends it: names joined by commas (`fields=a,b`); a repeated
/// `fields` is taken too. No mask, or an empty one, means every field ("if omitted, all fields are
/// returned"). Any other parameter, such as `fields.paths`, is not a mask here and changes nothing.
async fn get_properties(
    _admin: AdminAuth,
    State(state): State<SandboxState>,
    Query(query): Query<Vec<(String, String)>>,
) -> Result<Json<Value>, WixError> {
    let paths: Vec<&str> = query
        .iter()
        .filter(|(key, _)| key == "fields")
        .flat_map(|(_, value)| value.split(','))
        .map(str::trim)
        .filter(|path| !path.is_empty())
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
                    WixError::validation("fields", format!("unknown field {path:?}"))
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
