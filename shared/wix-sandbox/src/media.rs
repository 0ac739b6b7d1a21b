//! Media Manager (`site-media/v1`, wix-api.md §9): generate an upload URL (admin), then the upload target
//! itself, which takes the bytes with no Authorization header because its URL carries a one-time token.

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::header::{CONTENT_TYPE, HOST};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{post, put};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::auth::AdminAuth;
use crate::error::{WixError, WixJson};
use crate::state::SandboxState;

/// Where upload URLs point (on the sandbox itself); the last segment is the one-time token.
pub const UPLOAD_PATH: &str = "/_upload/site-media/v1";
/// The upload target takes bigger bodies than axum's default 2 MB.
const MAX_UPLOAD_BYTES: usize = 25 * 1024 * 1024;

/// A file in the sandbox's Media Manager, as tests see it (`SandboxState::media_files`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MediaFile {
    pub id: String,
    pub url: String,
    pub mime_type: String,
    pub file_name: String,
    pub bytes: Vec<u8>,
}

/// An upload URL handed out and not yet used.
struct PendingUpload {
    token: String,
    mime_type: String,
    size: Option<u64>,
}

#[derive(Default)]
pub(crate) struct MediaData {
    pending: Vec<PendingUpload>,
    /// Every upload token ever issued, used or not (the leak scan looks for them).
    pub issued: Vec<String>,
    pub files: Vec<MediaFile>,
}

/// Observing the Media Manager (the in-process side of `/_sandbox`).
impl SandboxState {
    /// Every file uploaded to the Media Manager, in upload order.
    pub fn media_files(&self) -> Vec<MediaFile> {
        self.with(|w| w.media.files.clone())
    }
}

pub fn routes() -> Router<SandboxState> {
    Router::new()
        .route(
            "/site-media/v1/files/generate-upload-url",
            post(generate_upload_url),
        )
        .route(
            &format!("{UPLOAD_PATH}/{{token}}"),
            put(upload).layer(DefaultBodyLimit::max(MAX_UPLOAD_BYTES)),
        )
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct GenerateBody {
    mime_type: Option<String>,
    /// An int64: a string on the wire.
    size_in_bytes: Option<String>,
}

/// `POST /site-media/v1/files/generate-upload-url` → `{uploadUrl}`. `mimeType` is required.
async fn generate_upload_url(
    _admin: AdminAuth,
    State(state): State<SandboxState>,
    headers: HeaderMap,
    WixJson(body): WixJson<GenerateBody>,
) -> Result<Json<Value>, WixError> {
    let mime_type = body
        .mime_type
        .filter(|m| !m.is_empty())
        .ok_or_else(|| WixError::validation("mimeType", "is required"))?;
    let size = match body.size_in_bytes {
        None => None,
        Some(size) => Some(
            size.parse::<u64>()
                .map_err(|_| WixError::validation("sizeInBytes", "must be an int64 string"))?,
        ),
    };
    let host = headers
        .get(HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("127.0.0.1")
        .to_owned();
    let token = format!("sbx-upload-{}", uuid::Uuid::new_v4().simple());
    state.with(|w| {
        w.media.issued.push(token.clone());
        w.media.pending.push(PendingUpload {
            token: token.clone(),
            mime_type,
            size,
        });
    });
    Ok(Json(
        json!({ "uploadUrl": format!("http://{host}{UPLOAD_PATH}/{token}") }),
    ))
}

#[derive(Deserialize)]
struct UploadQuery {
    filename: Option<String>,
}

/// `PUT <uploadUrl>?filename=x.png` with the raw bytes → `{file}`. Each URL works once: a second use is a
/// 429, an unknown token a 403. The bytes must match the declared size and content type.
async fn upload(
    State(state): State<SandboxState>,
    Path(token): Path<String>,
    Query(query): Query<UploadQuery>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Value>, WixError> {
    let content_type = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    state.with(|w| {
        let media = &mut w.media;
        let Some(index) = media.pending.iter().position(|p| p.token == token) else {
            return Err(if media.issued.contains(&token) {
                WixError::application(
                    StatusCode::TOO_MANY_REQUESTS,
                    "RESOURCE_EXHAUSTED",
                    "upload URL already used",
                    "each upload URL takes one upload",
                )
            } else {
                WixError::permission_denied("unknown upload token")
            });
        };
        let pending = media.pending.remove(index);
        if pending.size.is_some_and(|size| size != body.len() as u64) {
            return Err(WixError::validation(
                "sizeInBytes",
                "the upload does not have the declared size",
            ));
        }
        if content_type != pending.mime_type && content_type != "application/octet-stream" {
            return Err(WixError::validation(
                "mimeType",
                "the upload does not have the declared content type",
            ));
        }
        let extension = pending.mime_type.rsplit('/').next().unwrap_or("bin");
        let id = format!("6bf2d5_{}~mv2.{extension}", uuid::Uuid::new_v4().simple());
        let url = format!("https://static.wixstatic.com/media/{id}");
        let file_name = query.filename.unwrap_or_else(|| id.clone());
        let file = json!({
            "id": id,
            "displayName": file_name,
            "url": url,
            "hash": format!("{:x}", body.len()),
            "sizeInBytes": body.len().to_string(),
            "mimeType": pending.mime_type,
            "mediaType": "IMAGE",
            "operationStatus": "READY",
            "private": false,
            "media": { "image": { "image": { "id": id, "url": url } } },
        });
        media.files.push(MediaFile {
            id,
            url,
            mime_type: pending.mime_type,
            file_name,
            bytes: body.to_vec(),
        });
        Ok(Json(json!({ "file": file })))
    })
}
