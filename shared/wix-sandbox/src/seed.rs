//! The sandbox's fixed seed data. Every value is a constant so that tests and the README can name
//! them; `POST /_sandbox/reset` brings the sandbox back to exactly this state. Keep each `&str`
//! const and member field on one line: the dev scripts read values straight from this file.

use serde_json::{Value, json};

/// The headless project (metasite) the functions are configured for.
pub const SITE_ID: &str = "6bf2d5db-cd21-41d4-847f-5a42c0836aaf";
/// A different site; tokens minted for it must never be accepted by the functions.
pub const OTHER_SITE_ID: &str = "7a8068ae-d460-406f-965e-9badf8f38ea6";

/// The headless OAuth client of `SITE_ID` (the functions' `WIX_CLIENT_ID`).
pub const CLIENT_ID: &str = "9c4bd515-bf03-4a3a-a238-ad6f8537a84f";
/// `CLIENT_ID`'s secret until `POST /_sandbox/rotate-secret` replaces it.
pub const CLIENT_SECRET: &str = "sbx-secret-3f9a1c7e5b2d4086a8e1c3f5b7d9e0a2";

/// A registered OAuth client of `OTHER_SITE_ID`: its visitor and admin tokens are real sandbox tokens,
/// so they pass token-info, but they belong to the wrong client and site.
pub const OTHER_CLIENT_ID: &str = "5146898b-fb8c-4bea-b86e-dfa86396bbc8";
pub const OTHER_CLIENT_SECRET: &str = "sbx-secret-other-8d2e4f6a0b1c3d5e7f9a";

/// API-key mode: `Authorization: <API_KEY>` together with `wix-site-id: <SITE_ID>`.
pub const API_KEY: &str = "sbx-api-key-c41d7e2a9b6f4830a5e2d1c8b7f60e93";

/// Lifetime of visitor and member access tokens, and the default for admin tokens.
pub const TOKEN_TTL_SECONDS: u64 = 14_400;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemberStatus {
    Pending,
    Approved,
    Blocked,
}

impl MemberStatus {
    /// The Wix enum value as it travels on the wire.
    pub const fn as_str(self) -> &'static str {
        match self {
            MemberStatus::Pending => "PENDING",
            MemberStatus::Approved => "APPROVED",
            MemberStatus::Blocked => "BLOCKED",
        }
    }
}

/// A site member. Every seeded member, whatever their status, can get member tokens through the
/// `refresh_token` grant, so tests can check how functions treat pending and blocked members.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeedMember {
    pub id: &'static str,
    pub contact_id: &'static str,
    pub login_email: &'static str,
    pub nickname: &'static str,
    pub status: MemberStatus,
    pub refresh_token: &'static str,
    /// `createdDate` on the wire; each member joined on a different day, for date filters and sorting.
    pub created_date: &'static str,
}

/// Ada, the site's admin: the default configuration lists her id in `ADMIN_MEMBER_IDS`.
pub const ADMIN: SeedMember = SeedMember {
    id: "29bad489-b9b2-4d79-a1c3-267a14c3a9fe",
    contact_id: "7bbc06b2-abb8-4039-bd4b-1be08326e682",
    login_email: "ada@example.com",
    nickname: "Ada",
    status: MemberStatus::Approved,
    refresh_token: "sbx-refresh-ada",
    created_date: "2025-11-03T08:00:00.000Z",
};

/// Mia, an ordinary approved member.
pub const MEMBER: SeedMember = SeedMember {
    id: "cf604682-755c-4070-9507-0d99c9702925",
    contact_id: "751ad459-4e9b-419d-9d01-0bece1bae3fb",
    login_email: "mia@example.com",
    nickname: "Mia",
    status: MemberStatus::Approved,
    refresh_token: "sbx-refresh-mia",
    created_date: "2025-12-01T10:15:00.000Z",
};

/// Sam, a second approved member (for "not your resource" checks).
pub const SECOND_MEMBER: SeedMember = SeedMember {
    id: "83826314-47b6-4dc9-ad9c-d3212d95e37f",
    contact_id: "da482462-f116-402b-a19b-ae1206f0c904",
    login_email: "sam@example.com",
    nickname: "Sam",
    status: MemberStatus::Approved,
    refresh_token: "sbx-refresh-sam",
    created_date: "2026-01-05T16:40:00.000Z",
};

/// Pat, waiting for approval.
pub const PENDING: SeedMember = SeedMember {
    id: "9b91956c-28f3-4f7c-9732-f18135af9f3a",
    contact_id: "d896b060-c5fe-4cbb-829b-51701c8e84b8",
    login_email: "pat@example.com",
    nickname: "Pat",
    status: MemberStatus::Pending,
    refresh_token: "sbx-refresh-pat",
    created_date: "2026-02-10T09:30:00.000Z",
};

/// Bo, blocked.
pub const BLOCKED: SeedMember = SeedMember {
    id: "a45999e9-f0a5-4a90-9d3d-1528a2ceeb01",
    contact_id: "60e24d14-0f1d-49ff-968e-99255a2fb000",
    login_email: "bo@example.com",
    nickname: "Bo",
    status: MemberStatus::Blocked,
    refresh_token: "sbx-refresh-bo",
    created_date: "2026-02-20T12:00:00.000Z",
};

/// All members of `SITE_ID`.
pub const MEMBERS: &[SeedMember] = &[ADMIN, MEMBER, SECOND_MEMBER, PENDING, BLOCKED];

/// The CMS collection of the "Upload Images to CMS" flow (upload-image's default `UPLOAD_COLLECTION_ID`).
pub const UPLOAD_COLLECTION_ID: &str = "uploadedimages";

/// Site properties `version` (Wix sends it as a string).
pub const SITE_PROPERTIES_VERSION: u64 = 7;
pub const SITE_DISPLAY_NAME: &str = "Sandbox Pottery";
pub const BUSINESS_NAME: &str = "Sandbox Pottery Studio";
pub const SITE_DESCRIPTION: &str = "Hand-thrown stoneware, classes and repairs.";
pub const SITE_LOGO: &str = "https://static.wixstatic.com/media/6bf2d5_logo~mv2.png";
pub const EXTERNAL_SITE_URL: &str = "https://pottery.example.com";
pub const PAYMENT_CURRENCY: &str = "EUR";
pub const TIME_ZONE: &str = "Europe/Lisbon";

/// The owner's private contact details. Functions must never pass these on to a visitor; the values
/// are easy to spot in a response.
pub const OWNER_EMAIL: &str = "owner-private@example.com";
pub const OWNER_PHONE: &str = "+1-555-0100-PRIVATE";
pub const OWNER_FAX: &str = "+1-555-0199-PRIVATE-FAX";

/// The full `properties` object of `GET /site-properties/v4/properties`.
pub fn site_properties() -> Value {
    json!({
        "siteDisplayName": SITE_DISPLAY_NAME,
        "businessName": BUSINESS_NAME,
        "email": OWNER_EMAIL,
        "phone": OWNER_PHONE,
        "fax": OWNER_FAX,
        "address": {
            "street": "Rua das Flores",
            "streetNumber": "12",
            "apartmentNumber": "",
            "city": "Lisbon",
            "state": "",
            "country": "PT",
            "zip": "1200-195",
            "hint": { "text": "Ring the studio bell", "placement": "BEFORE" },
            "isPhysical": true,
            "formatted": "Rua das Flores 12, 1200-195 Lisbon, Portugal",
            "coordinates": { "latitude": 38.7107, "longitude": -9.1436 }
        },
        "logo": SITE_LOGO,
        "description": SITE_DESCRIPTION,
        "categories": { "primary": "Pottery Studio", "secondary": ["Art Classes", "Ceramics Shop"] },
        "locale": { "languageCode": "en", "country": "PT" },
        "language": "en",
        "paymentCurrency": PAYMENT_CURRENCY,
        "timeZone": TIME_ZONE,
        "businessSchedule": {
            "periods": [
                { "openDay": "TUESDAY", "openTime": "10:00", "closeDay": "TUESDAY", "closeTime": "18:00" },
                { "openDay": "SATURDAY", "openTime": "10:00", "closeDay": "SATURDAY", "closeTime": "14:00" }
            ],
            "specialHourPeriod": []
        },
        "multilingual": {
            "supportedLanguages": [
                { "languageCode": "en", "locale": { "languageCode": "en", "country": "PT" }, "isPrimary": true, "countryCode": "PT", "resolutionMethod": "QUERY_PARAM" }
            ],
            "autoRedirect": false
        },
        "consentPolicy": { "essential": true, "functional": true, "analytics": false, "advertising": false, "dataToThirdParty": false },
        "businessConfig": "STORE",
        "externalSiteUrl": EXTERNAL_SITE_URL,
        "trackClicksAnalytics": false
    })
}
