//! Site Properties v4: `GET /site-properties/v4/properties`.

use schemars::JsonSchema;
use serde::Deserialize;

use super::{Wix, WixError, WixPath};

/// The subset of the site's properties this project reads. Wix sends more; unknown fields are ignored
/// here (Wix adds fields over time), and the owner's private contact fields are never requested.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SiteProperties {
    pub site_display_name: Option<String>,
    pub business_name: Option<String>,
    pub address: Option<Address>,
    pub locale: Option<Locale>,
    pub language: Option<String>,
    pub payment_currency: Option<String>,
    pub time_zone: Option<String>,
    pub logo: Option<String>,
    pub description: Option<String>,
}

#[derive(Debug, Default, Deserialize, serde::Serialize, Clone, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Address {
    pub street: Option<String>,
    pub street_number: Option<String>,
    pub apartment_number: Option<String>,
    pub city: Option<String>,
    pub state: Option<String>,
    pub zip: Option<String>,
    pub country: Option<String>,
}

#[derive(Debug, Default, Deserialize, serde::Serialize, Clone, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Locale {
    pub language_code: Option<String>,
    pub country: Option<String>,
}

#[derive(Deserialize)]
struct GetPropertiesResponse {
    #[serde(default)]
    properties: SiteProperties,
}

/// The top-level property names [`SiteProperties`] reads: the field mask sent to Wix, so the owner's
/// private email, phone and fax are not even fetched.
const PUBLIC_FIELDS: [&str; 9] = [
    "siteDisplayName",
    "businessName",
    "address",
    "locale",
    "language",
    "paymentCurrency",
    "timeZone",
    "logo",
    "description",
];

/// The mask as the SDK sends it (`@wix/auto_sdk_business-tools_site-properties`): one `fields` parameter,
/// the names joined by commas, not a repeated `fields.paths`.
fn field_mask() -> [(&'static str, String); 1] {
    [("fields", PUBLIC_FIELDS.join(","))]
}

impl Wix {
    pub async fn site_properties(&self) -> Result<SiteProperties, WixError> {
        let response: GetPropertiesResponse = self
            .get(
                &WixPath::new("/site-properties/v4/properties"),
                &field_mask(),
            )
            .await?;
        Ok(response.properties)
    }
}

/// The answer types this module decodes, for the fuzz targets.
#[cfg(feature = "fuzzing")]
pub(crate) const ANSWERS: &[super::AnswerDecoder] = &[super::decodes::<GetPropertiesResponse>];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_field_mask_is_one_comma_joined_fields_parameter_without_private_fields() {
        let [(name, value)] = field_mask();
        assert_eq!(name, "fields");
        assert_eq!(
            value,
            "siteDisplayName,businessName,address,locale,language,paymentCurrency,timeZone,logo,description"
        );
        assert!(!value.contains("email") && !value.contains("phone") && !value.contains("fax"));
    }
}
