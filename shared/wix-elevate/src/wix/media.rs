//! Media Manager (`site-media/v1`, wix-api.md §9): a file uploaded through a generated upload URL.

use serde::Deserialize;
use serde_json::json;

use super::{Repeat, Wix, WixError, WixPath};
use crate::image::Image;

/// A file in the site's Media Manager.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MediaFile {
    pub id: String,
    /// `https://static.wixstatic.com/media/…`
    pub url: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct UploadUrl {
    upload_url: String,
}

#[derive(Deserialize)]
struct FileEnvelope {
    file: MediaFile,
}

impl Wix {
    /// `POST /site-media/v1/files/generate-upload-url` with the admin token, then `PUT` the bytes to the
    /// URL it returns (which carries its own one-time token). `file_name` is ours, never the caller's.
    pub async fn upload_image(
        &self,
        image: &Image,
        file_name: &str,
    ) -> Result<MediaFile, WixError> {
        let mime_type = image.kind().mime_type();
        let request = json!({
            "mimeType": mime_type,
            "fileName": file_name,
            "sizeInBytes": image.bytes().len().to_string(),
            "private": false,
            "labels": [],
        });
        // Generating a URL has no effect of its own, so it may be repeated.
        let UploadUrl { upload_url } = self
            .post(
                &WixPath::new("/site-media/v1/files/generate-upload-url"),
                &request,
                Repeat::Safe,
            )
            .await?;
        let uploaded: FileEnvelope = self
            .put_to_upload_url(
                &upload_url,
                &[("filename", file_name.to_owned())],
                mime_type,
                image.bytes().clone(),
            )
            .await?;
        Ok(uploaded.file)
    }
}

/// The answer types this module decodes, for the fuzz targets.
#[cfg(feature = "fuzzing")]
pub(crate) const ANSWERS: &[super::AnswerDecoder] =
    &[super::decodes::<UploadUrl>, super::decodes::<FileEnvelope>];
