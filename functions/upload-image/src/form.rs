//! What upload-image reads: its two settings (once per process) and the form a browser sends.

use std::sync::LazyLock;

use wix_elevate::image::Image;
use wix_elevate::values::Text;
use wix_elevate::wix::data::CollectionId;
use wix_elevate::{ApiError, ConfigError, Form, FromForm, setting};

/// A function URL takes at most 6 MB per request; the file cap is checked per field below it.
pub const MAX_FILE_BYTES: u64 = 6 * 1024 * 1024;
const MAX_TEXT_BYTES: u64 = 1024;

pub struct Settings {
    max_file_bytes: u64,
    pub collection: CollectionId,
}

static SETTINGS: LazyLock<Result<Settings, ConfigError>> = LazyLock::new(|| {
    let max_file_bytes = setting("UPLOAD_MAX_BYTES", 5 * 1024 * 1024)?;
    if !(1..=MAX_FILE_BYTES).contains(&max_file_bytes) {
        return Err(ConfigError::Invalid {
            var: "UPLOAD_MAX_BYTES",
            problem: format!("must be between 1 and {MAX_FILE_BYTES}"),
        });
    }
    let collection = setting("UPLOAD_COLLECTION_ID", CollectionId::UPLOADED_IMAGES)?;
    Ok(Settings {
        max_file_bytes,
        collection,
    })
});

pub fn settings() -> Result<&'static Settings, ApiError> {
    SETTINGS.as_ref().map_err(ApiError::from)
}

/// The form's parts, each once (the caps are in bytes, per part, checked before the text rules).
#[derive(schemars::JsonSchema)]
#[schemars(rename = "ImageUpload", rename_all = "camelCase", deny_unknown_fields)]
pub struct Upload {
    /// The image: a JPEG, PNG, WebP or GIF by its bytes, at most `UPLOAD_MAX_BYTES` (default 5 MB).
    #[schemars(rename = "file")]
    pub image: Image,
    /// At most 100 characters of one line (and at most 1,024 bytes), trimmed.
    pub title: Text<100>,
    /// At most 100 characters of one line (and at most 1,024 bytes), trimmed.
    pub uploader_name: Text<100>,
}

impl FromForm for Upload {
    fn fields() -> Result<Vec<(&'static str, u64)>, ApiError> {
        Ok(vec![
            ("file", settings()?.max_file_bytes),
            ("title", MAX_TEXT_BYTES),
            ("uploaderName", MAX_TEXT_BYTES),
        ])
    }

    fn from_form(mut form: Form) -> Result<Self, ApiError> {
        Ok(Upload {
            image: Image::parse(form.take("file")?.bytes)?,
            title: form.line("title")?,
            uploader_name: form.line("uploaderName")?,
        })
    }
}
