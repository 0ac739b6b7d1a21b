//! Site Properties v4: `GET /site-properties/v4/properties`.

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

#[derive(Debug, Default, Deserialize, serde::Serialize, Clone, PartialEq, Eq)]
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

#[derive(Debug, Default, Deserialize, serde::Serialize, Clone, PartialEq, Eq)]
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

impl Wix {
    pub async fn site_properties(&self) -> Result<SiteProperties, WixError> {
        let mask: Vec<(&str, String)> = PUBLIC_FIELDS
            .iter()
            .map(|f| ("fields.paths", (*f).to_owned()))
            .collect();
        let response: GetPropertiesResponse = self
            .get(&WixPath::new("/site-properties/v4/properties"), &mask)
            .await?;
        Ok(response.properties)
    }
}
