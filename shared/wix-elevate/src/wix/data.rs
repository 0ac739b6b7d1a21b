//! CMS data items (`wix-data/v2`, wix-api.md §9).

use std::borrow::Cow;

use serde::{Deserialize, Serialize};
use serde_json::json;

use super::{Repeat, Wix, WixError, WixPath};
use crate::values::Timestamp;

/// A CMS collection id from configuration (`uploadedimages`, `@account/app/collection`): 1 to 256
/// letters, digits and `_ - @ /`. It goes into request bodies only, never into a path.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct CollectionId(Cow<'static, str>);

impl CollectionId {
    /// The collection of Wix's "Upload Images to CMS" tutorial.
    pub const UPLOADED_IMAGES: CollectionId = CollectionId(Cow::Borrowed("uploadedimages"));
}

impl std::str::FromStr for CollectionId {
    type Err = &'static str;
    fn from_str(id: &str) -> Result<Self, Self::Err> {
        let allowed = |c: char| c.is_ascii_alphanumeric() || "_-@/".contains(c);
        if (1..=256).contains(&id.len()) && id.chars().all(allowed) {
            Ok(CollectionId(Cow::Owned(id.to_owned())))
        } else {
            Err("a collection id is 1 to 256 letters, digits and _ - @ /")
        }
    }
}

/// A value for a CMS "Date and Time" field: `{"$date": "2026-01-31T12:00:00.000Z"}`.
#[derive(Clone, Copy, Debug)]
pub struct DataDate(pub Timestamp);

impl Serialize for DataDate {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        json!({ "$date": self.0 }).serialize(serializer)
    }
}

/// An inserted item, as far as this project reads it.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DataItem {
    pub id: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DataItemEnvelope {
    data_item: DataItem,
}

impl Wix {
    /// `POST /wix-data/v2/items`: insert one item. Not repeated after a failure that may have reached Wix
    /// (it could insert twice).
    pub async fn insert_data_item(
        &self,
        collection: &CollectionId,
        data: &impl Serialize,
    ) -> Result<DataItem, WixError> {
        let body = json!({ "dataCollectionId": collection, "dataItem": { "data": data } });
        let envelope: DataItemEnvelope = self
            .post(&WixPath::new("/wix-data/v2/items"), &body, Repeat::Once)
            .await?;
        Ok(envelope.data_item)
    }
}

/// The answer types this module decodes, for the fuzz targets.
#[cfg(feature = "fuzzing")]
pub(crate) const ANSWERS: &[super::AnswerDecoder] = &[super::decodes::<DataItemEnvelope>];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collection_ids_are_plain_names() {
        for ok in ["uploadedimages", "@acme/gallery/photos", "my_col-2"] {
            assert!(ok.parse::<CollectionId>().is_ok(), "{ok}");
        }
        for bad in ["", "a b", "a?b", "a\"b", &"x".repeat(257)] {
            assert!(bad.parse::<CollectionId>().is_err(), "{bad:.20}");
        }
    }

    #[test]
    fn a_data_date_is_a_dollar_date_object() {
        let at = Timestamp::parse("2026-01-31T12:00:00Z").unwrap();
        assert_eq!(
            serde_json::to_value(DataDate(at)).unwrap(),
            json!({ "$date": "2026-01-31T12:00:00.000Z" })
        );
    }
}
