//! `GET /` — the site's public properties, for any visitor of the site.
//!
//! Only what a storefront shows goes out: names, address, locale, currency, time zone, logo and
//! description. The owner's contact email, phone and fax are not even requested from Wix.

use wix_elevate::prelude::*;
use wix_elevate::wix::site_properties::{Address, Locale, SiteProperties};

pub struct GetSiteProperties;

impl Endpoint for GetSiteProperties {
    const NAME: &'static str = "get-site-properties";
    const METHOD: Method = Method::GET;
    const DOC: Doc = Doc {
        tag: Tag::Site,
        summary: "The site's public properties",
        description: "Who may call: any visitor or member of the site. Only what a storefront shows: \
            names, address, locale, currency, time zone, logo and description; the owner's \
            contact email, phone and fax are not even requested from Wix. No request body and no \
            query string.",
        answer: "The public properties. Fields Wix has no value for are null.",
        examples: &[],
        errors: &[],
    };
    const MAX_BODY_BYTES: usize = 0;
    type Policy = AnyVisitor;
    type Input = NoInput;
    type Output = PublicSiteProperties;

    async fn call(
        wix: &Wix,
        _visitor: wix_elevate::Subject,
        _input: NoInput,
    ) -> Result<PublicSiteProperties, ApiError> {
        Ok(wix.site_properties().await?.into())
    }
}

#[derive(Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(rename = "SiteProperties")]
pub struct PublicSiteProperties {
    site_display_name: Option<String>,
    business_name: Option<String>,
    address: Option<Address>,
    locale: Option<Locale>,
    language: Option<String>,
    payment_currency: Option<String>,
    time_zone: Option<String>,
    logo: Option<String>,
    description: Option<String>,
}

impl From<SiteProperties> for PublicSiteProperties {
    fn from(p: SiteProperties) -> Self {
        PublicSiteProperties {
            site_display_name: p.site_display_name,
            business_name: p.business_name,
            address: p.address,
            locale: p.locale,
            language: p.language,
            payment_currency: p.payment_currency,
            time_zone: p.time_zone,
            logo: p.logo,
            description: p.description,
        }
    }
}

#[tokio::main]
async fn main() -> Result<(), wix_elevate::Error> {
    serve::<GetSiteProperties>().await
}
