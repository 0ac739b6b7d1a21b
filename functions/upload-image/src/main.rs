//! `POST /` — "Upload Images to CMS" for any visitor: a `multipart/form-data` body (a browser `FormData`)
//! with exactly `file`, `title` and `uploaderName`.
//!
//! The file must be a JPEG, PNG, WebP or GIF by its bytes (415 otherwise, whatever type was declared) and
//! at most `UPLOAD_MAX_BYTES` (413). It goes to the Media Manager through a generated upload URL, then an
//! item goes into the `UPLOAD_COLLECTION_ID` collection with `isApproved: false` and the submission time;
//! the caller sets nothing else. Anyone can get a visitor token, hence the strict caps.

mod form;

use form::{MAX_FILE_BYTES, Upload, settings};
use wix_elevate::Subject;
use wix_elevate::prelude::*;
use wix_elevate::wix::data::DataDate;

pub struct UploadImage;

impl Endpoint for UploadImage {
    const NAME: &'static str = "upload-image";
    const METHOD: Method = Method::POST;
    const DOC: Doc = Doc {
        tag: Tag::Uploads,
        summary: "Upload an image to the CMS",
        description: "Who may call: any visitor or member of the site. A `multipart/form-data` body (a \
            browser's `FormData`) with exactly the parts `file`, `title` and `uploaderName`, \
            each once: a missing, repeated, unnamed or unknown part is a 400. The file must be a \
            JPEG, PNG, WebP or GIF by its bytes (415 otherwise; the declared type and file name \
            are ignored) and at most `UPLOAD_MAX_BYTES` (default 5 MB; 413); each text part at \
            most 1,024 bytes (413). The image goes to the Media Manager, then an item \
            `{uploadedImage, imageTitle, uploaderName, submissionDateTime, isApproved: false}` \
            into the `UPLOAD_COLLECTION_ID` collection; the caller sets nothing else. On AWS, \
            Lambda passes binary bodies base64-encoded, so about 4.4 MB of image is the \
            practical ceiling. A person must have passed the site's CAPTCHA widget: its token \
            goes in `Attestation-Token`, checked after the body and before the caller's Wix \
            token (a 403 `attestation-required` or `attestation-failed`, or a 503 when the \
            provider cannot be asked).",
        answer: "The CMS item's id and the image's Media Manager URL.",
        examples: &[Example::only(
            r#"{"file": "(the image's bytes)", "title": "Blue vase", "uploaderName": "Rui"}"#,
        )],
        errors: &[],
    };
    const MAX_BODY_BYTES: usize = MAX_FILE_BYTES as usize + 64 * 1024;
    /// A retry with the same `Idempotency-Key` gets the first answer instead of a second write.
    const IDEMPOTENCY: Idempotency = Idempotency::Optional;
    /// Shared by every instance: per caller, per source network and per site, in uploads and bytes.
    const BUDGETS: Budgets = Budgets::Uploads;
    /// Anyone can mint a visitor token, and this writes into the site's media and CMS: a person must have
    /// passed the site's CAPTCHA widget (a deployment may relax it with `ATTESTATION=optional`).
    const ATTESTATION: Attestation = Attestation::Required;
    type Policy = AnyVisitor;
    type Input = Multipart<Upload>;
    type Output = Uploaded;

    async fn call(
        wix: &Wix,
        _visitor: Subject,
        Multipart(upload): Multipart<Upload>,
    ) -> Result<Uploaded, ApiError> {
        let settings = settings()?;
        let file_name = format!("visitor-upload.{}", upload.image.kind().extension());
        let file = wix
            .upload_image(&upload.image, &file_name)
            .await
            .map_err(upstream)?;
        let item = UploadedImageItem {
            uploaded_image: &file.url,
            image_title: &upload.title,
            uploader_name: &upload.uploader_name,
            submission_date_time: DataDate(Timestamp::now()),
            is_approved: false,
        };
        let item = wix
            .insert_data_item(&settings.collection, &item)
            .await
            .map_err(upstream)?;
        Ok(Uploaded {
            item_id: item.id,
            media_url: file.url,
        })
    }
}

/// The caller's input was checked before any Wix call, so a refusal from Wix is ours to fix, not theirs.
fn upstream(error: WixError) -> ApiError {
    match error.status() {
        Some(400 | 404 | 409 | 428) => ApiError::BadGateway,
        _ => error.into(),
    }
}

/// The CMS item, with the field names of the "Upload Images to CMS" collection.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UploadedImageItem<'a> {
    uploaded_image: &'a str,
    image_title: &'a Text<100>,
    uploader_name: &'a Text<100>,
    submission_date_time: DataDate,
    is_approved: bool,
}

#[derive(Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Uploaded {
    /// The CMS item's id.
    item_id: String,
    /// The image's Media Manager URL.
    media_url: String,
}

#[tokio::main]
async fn main() -> Result<(), wix_elevate::Error> {
    serve::<UploadImage>().await
}
