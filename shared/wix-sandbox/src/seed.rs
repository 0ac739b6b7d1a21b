//! The sandbox's fixed seed data. Every value is a constant so that tests and the README can name
//! them; `POST /_sandbox/reset` brings the sandbox back to exactly this state. The dev scripts read
//! the values they need from `wix-sandbox --print-seed` (`src/main.rs`), never from this file.

use serde_json::{Value, json};

/// The headless project (metasite) the functions are configured for.
pub const SITE_ID: &str = "6bf2d5db-cd21-41d4-847f-5a42c0836aaf";
/// A different site; tokens minted for it must never be accepted by the functions.
pub const OTHER_SITE_ID: &str = "7a8068ae-d460-406f-965e-9badf8f38ea6";

/// The headless OAuth client of `SITE_ID` (the functions' `WIX_CLIENT_ID`).
pub const CLIENT_ID: &str = "9c4bd515-bf03-4a3a-a238-ad6f8537a84f";
/// `CLIENT_ID`'s secret until `POST /_sandbox/rotate-secret` replaces it.
pub const CLIENT_SECRET: &str = "sbx-secret-3f9a1c7e5b2d4086a8e1c3f5b7d9e0a2";
/// The domains `CLIENT_ID`'s OAuth app lets Wix answer pages on (its allowed redirect domains): the
/// site's own frontend, and loopback for local development and tests. A member login's authorization
/// code is posted only to a page on one of them (https, or http on loopback; any port).
pub const CLIENT_DOMAINS: &[&str] = &["pottery.example.com", "127.0.0.1", "localhost"];

/// A registered OAuth client of `OTHER_SITE_ID`: its visitor and admin tokens are real sandbox tokens,
/// so they pass token-info, but they belong to the wrong client and site.
pub const OTHER_CLIENT_ID: &str = "5146898b-fb8c-4bea-b86e-dfa86396bbc8";
pub const OTHER_CLIENT_SECRET: &str = "sbx-secret-other-8d2e4f6a0b1c3d5e7f9a";
/// `OTHER_CLIENT_ID`'s allowed domains (see [`CLIENT_DOMAINS`]).
pub const OTHER_CLIENT_DOMAINS: &[&str] = &["other.example.com"];

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
/// Logging in with `login_email` and `password` (the headless custom login of `@wix/sdk`'s
/// `auth.login`, see `login.rs`) works for approved members only, as on Wix: a pending member gets
/// `REQUIRE_OWNER_APPROVAL`, a blocked one is refused. The member's refresh token is the one that login
/// hands out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeedMember {
    pub id: &'static str,
    pub contact_id: &'static str,
    pub login_email: &'static str,
    pub nickname: &'static str,
    pub status: MemberStatus,
    pub refresh_token: &'static str,
    /// The member's login password (every seeded password is `sbx-password-<nickname in lower case>`).
    pub password: &'static str,
    /// `createdDate` on the wire; each member joined on a different day, for sorting.
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
    password: "sbx-password-ada",
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
    password: "sbx-password-mia",
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
    password: "sbx-password-sam",
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
    password: "sbx-password-pat",
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
    password: "sbx-password-bo",
    created_date: "2026-02-20T12:00:00.000Z",
};

/// All members of `SITE_ID`.
pub const MEMBERS: &[SeedMember] = &[ADMIN, MEMBER, SECOND_MEMBER, PENDING, BLOCKED];

/// The CMS collection of the "Upload Images to CMS" flow (upload-image's default `UPLOAD_COLLECTION_ID`).
pub const UPLOAD_COLLECTION_ID: &str = "uploadedimages";

/// The site's secret for Cloudflare Turnstile's siteverify on the sandbox: only tokens issued by
/// `POST /_sandbox/attestation/token` for Turnstile verify with it. Shaped like a real one
/// (`0x4AAAAAAA…`) so the functions' configuration looks the same, but plainly fake.
pub const TURNSTILE_SECRET: &str = "0x4AAAAAAAsandbox-turnstile-secret-key";
/// The site's secret for Google reCAPTCHA v3 on the sandbox (real ones start `6L` and are 40 chars).
pub const RECAPTCHA_SECRET: &str = "6LsandboxRecaptchaV3SecretKey-not-real-00";
/// The site's secret for hCaptcha on the sandbox (real ones are `0x` and 40 hex digits).
pub const HCAPTCHA_SECRET: &str = "0xsandbox-hcaptcha-secret-key-not-real-000";

/// Cloudflare's published test secrets: any non-empty token always passes (hostname `example.com`),
/// always fails (`invalid-input-response`), or is always already spent (`timeout-or-duplicate`).
/// They never remember tokens. <https://developers.cloudflare.com/turnstile/troubleshooting/testing/>
pub const TURNSTILE_TEST_SECRET_PASS: &str = "1x0000000000000000000000000000000AA";
pub const TURNSTILE_TEST_SECRET_FAIL: &str = "2x0000000000000000000000000000000AA";
pub const TURNSTILE_TEST_SECRET_SPENT: &str = "3x0000000000000000000000000000000AA";
/// Google's published reCAPTCHA test secret: any non-empty token passes with a v2-shaped answer
/// (hostname `testkey.google.com`, no score, no action).
/// <https://developers.google.com/recaptcha/docs/faq#id-like-to-run-automated-tests-with-recaptcha.-what-should-i-do>
pub const RECAPTCHA_TEST_SECRET: &str = "6LeIxAcTAAAAAGG-vFI1TnRWxMZNFuojJ4WifJWe";
/// hCaptcha's published test secret: it passes [`HCAPTCHA_TEST_RESPONSE`] only (hostname
/// `dummy-key-pass`). <https://docs.hcaptcha.com/#integration-testing-test-keys>
pub const HCAPTCHA_TEST_SECRET: &str = "0x0000000000000000000000000000000000000000";
/// The one token hCaptcha's test site key hands out, the only one [`HCAPTCHA_TEST_SECRET`] accepts.
pub const HCAPTCHA_TEST_RESPONSE: &str = "10000000-aaaa-bbbb-cccc-000000000001";

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

// --- Bookings (wix-api.md §8) -------------------------------------------------------------------------

/// How a service is booked: an appointment is a slot at any free time; a class is one of its sessions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ServiceKind {
    Appointment,
    Class,
}

/// A bookable service and the schedule its slots belong to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeedService {
    pub id: &'static str,
    pub schedule_id: &'static str,
    pub name: &'static str,
    pub kind: ServiceKind,
}

pub const WHEEL_LESSON: SeedService = SeedService {
    id: "4bce6c21-7d8f-4a2f-a4c2-ec4b937a9aa7",
    schedule_id: "a830f6fa-c11a-40d2-842c-3e488cdb3b6e",
    name: "Wheel throwing 1:1",
    kind: ServiceKind::Appointment,
};

pub const GLAZING_CLASS: SeedService = SeedService {
    id: "3b43bc3d-3582-40d7-94b4-3487947d649d",
    schedule_id: "b15906bc-e452-40ca-853e-3f66d1501d38",
    name: "Glazing workshop",
    kind: ServiceKind::Class,
};

pub const SERVICES: &[SeedService] = &[WHEEL_LESSON, GLAZING_CLASS];

/// The staff member who gives the wheel lessons (the appointment slots' resource).
pub const WHEEL_TEACHER_ID: &str = "0933d4ef-f112-490f-91de-5022759fd3be";

/// One session of a class (its `id` is the calendar event id Wix calls `eventId`): a class booking can
/// move to another session of its class.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeedSession {
    pub id: &'static str,
    pub service_id: &'static str,
    pub start_date: &'static str,
    pub end_date: &'static str,
}

pub const GLAZING_SESSION_1: SeedSession = SeedSession {
    id: "350fa406-cd52-4456-b92b-5cf89268e3e3",
    service_id: GLAZING_CLASS.id,
    start_date: "2027-01-14T18:00:00.000Z",
    end_date: "2027-01-14T20:00:00.000Z",
};

pub const GLAZING_SESSION_2: SeedSession = SeedSession {
    id: "06ee9e50-1d33-4f52-9f2d-b38fa843812d",
    service_id: GLAZING_CLASS.id,
    start_date: "2027-01-21T18:00:00.000Z",
    end_date: "2027-01-21T20:00:00.000Z",
};

pub const SESSIONS: &[SeedSession] = &[GLAZING_SESSION_1, GLAZING_SESSION_2];

/// The studio's time zone, which every seeded slot is in.
pub const BOOKINGS_TIME_ZONE: &str = "Europe/Lisbon";

/// Who made a booking: Wix's read-only `createdBy` (`IdentificationData`), exactly one of its ids.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CreatedBy {
    /// A visitor who was not logged in (a guest booking): `anonymousVisitorId`.
    AnonymousVisitor(&'static str),
    /// A logged-in member: `memberId`.
    Member(&'static str),
    /// The site's owner or staff, from the dashboard: `wixUserId`.
    WixUser(&'static str),
    /// An app: `appId`.
    App(&'static str),
}

impl CreatedBy {
    /// Wix's `createdBy` object.
    pub fn to_wix(self) -> Value {
        match self {
            CreatedBy::AnonymousVisitor(id) => json!({ "anonymousVisitorId": id }),
            CreatedBy::Member(id) => json!({ "memberId": id }),
            CreatedBy::WixUser(id) => json!({ "wixUserId": id }),
            CreatedBy::App(id) => json!({ "appId": id }),
        }
    }
}

/// The studio owner's Wix user, who books customers in from the dashboard.
pub const STUDIO_WIX_USER_ID: &str = "5882dee9-ef06-463c-b9ec-bd80e0d3c5ea";

/// A booking as seeded. Its contact is a seeded member's contact, or a guest's (`GUEST_CONTACT_ID`,
/// `NOOR_CONTACT_ID`); `created_by` is who made it. `event_id` is the calendar event booked: a class
/// session, or a confirmed appointment's own event; dates are UTC; revisions advance by one on every
/// write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeedBooking {
    pub id: &'static str,
    pub contact_id: &'static str,
    pub created_by: CreatedBy,
    pub first_name: &'static str,
    pub email: &'static str,
    pub service_id: &'static str,
    pub event_id: Option<&'static str>,
    pub status: &'static str,
    pub start_date: &'static str,
    pub end_date: &'static str,
    pub revision: u64,
}

/// A customer who booked without being a member.
pub const GUEST_CONTACT_ID: &str = "3ea18b99-a487-4414-9dd2-66f3466a08e7";
pub const GUEST_EMAIL: &str = "lee.guest@example.com";
/// The anonymous visitor who booked as Lee.
pub const GUEST_VISITOR_ID: &str = "3d6a4d63-9efb-4472-beae-6e007752d286";

/// Someone who booked as a guest with `NOOR_EMAIL` and is not a member, so far: Wix keeps one contact
/// per email, so a member who registers with `NOOR_EMAIL` gets `NOOR_CONTACT_ID` — and must not get
/// Noor's booking with it.
pub const NOOR_CONTACT_ID: &str = "edcbba02-5d69-433e-91c1-616a0a792b9a";
pub const NOOR_EMAIL: &str = "noor@example.com";
/// The anonymous visitor who booked as Noor.
pub const NOOR_VISITOR_ID: &str = "32c3ffbc-1e4c-49d3-8373-25410adbc0e7";

/// Mia's confirmed wheel lesson.
pub const MIA_LESSON: SeedBooking = SeedBooking {
    id: "750d1692-a08d-4f08-a77e-b2a1a6f533e3",
    contact_id: MEMBER.contact_id,
    created_by: CreatedBy::Member(MEMBER.id),
    first_name: "Mia",
    email: MEMBER.login_email,
    service_id: WHEEL_LESSON.id,
    event_id: Some("9f3c2d4e-5b6a-4c7d-8e9f-0a1b2c3d4e5f"),
    status: "CONFIRMED",
    start_date: "2027-01-12T10:00:00.000Z",
    end_date: "2027-01-12T11:00:00.000Z",
    revision: 2,
};

/// Mia's seat in the first glazing session, booked for her by the studio from the dashboard.
pub const MIA_CLASS: SeedBooking = SeedBooking {
    id: "f15106ab-26bd-4ade-a1ff-8be89f792c00",
    contact_id: MEMBER.contact_id,
    created_by: CreatedBy::WixUser(STUDIO_WIX_USER_ID),
    first_name: "Mia",
    email: MEMBER.login_email,
    service_id: GLAZING_CLASS.id,
    event_id: Some(GLAZING_SESSION_1.id),
    status: "CONFIRMED",
    start_date: GLAZING_SESSION_1.start_date,
    end_date: GLAZING_SESSION_1.end_date,
    revision: 1,
};

/// A wheel lesson Mia already canceled.
pub const MIA_CANCELED: SeedBooking = SeedBooking {
    id: "218b5365-b25c-44ef-84f3-a62cf01045f4",
    contact_id: MEMBER.contact_id,
    created_by: CreatedBy::Member(MEMBER.id),
    first_name: "Mia",
    email: MEMBER.login_email,
    service_id: WHEEL_LESSON.id,
    event_id: None,
    status: "CANCELED",
    start_date: "2026-12-20T15:00:00.000Z",
    end_date: "2026-12-20T16:00:00.000Z",
    revision: 3,
};

/// Sam's confirmed wheel lesson.
pub const SAM_LESSON: SeedBooking = SeedBooking {
    id: "5134da9b-2506-491b-bb47-f3a644a70339",
    contact_id: SECOND_MEMBER.contact_id,
    created_by: CreatedBy::Member(SECOND_MEMBER.id),
    first_name: "Sam",
    email: SECOND_MEMBER.login_email,
    service_id: WHEEL_LESSON.id,
    event_id: Some("b2c4d6e8-1a3b-4c5d-9e7f-2a4b6c8d0e1f"),
    status: "CONFIRMED",
    start_date: "2027-01-13T10:00:00.000Z",
    end_date: "2027-01-13T11:00:00.000Z",
    revision: 1,
};

/// Sam's glazing seat, waiting for the studio to confirm it.
pub const SAM_PENDING: SeedBooking = SeedBooking {
    id: "c8833c19-e81f-4823-a1ad-dad4e1542478",
    contact_id: SECOND_MEMBER.contact_id,
    created_by: CreatedBy::Member(SECOND_MEMBER.id),
    first_name: "Sam",
    email: SECOND_MEMBER.login_email,
    service_id: GLAZING_CLASS.id,
    event_id: Some(GLAZING_SESSION_1.id),
    status: "PENDING",
    start_date: GLAZING_SESSION_1.start_date,
    end_date: GLAZING_SESSION_1.end_date,
    revision: 1,
};

/// A guest's wheel lesson (no member behind the contact), booked by an anonymous visitor.
pub const GUEST_LESSON: SeedBooking = SeedBooking {
    id: "125a2e92-bee9-4d39-b28a-1a14284ec1f0",
    contact_id: GUEST_CONTACT_ID,
    created_by: CreatedBy::AnonymousVisitor(GUEST_VISITOR_ID),
    first_name: "Lee",
    email: GUEST_EMAIL,
    service_id: WHEEL_LESSON.id,
    event_id: Some("c7e1a9b3-6d2f-4e8a-b5c1-3d7f9a1b5e2c"),
    status: "CONFIRMED",
    start_date: "2027-01-15T09:00:00.000Z",
    end_date: "2027-01-15T10:00:00.000Z",
    revision: 4,
};

/// Noor's wheel lesson, booked by an anonymous visitor with `NOOR_EMAIL`, before any member had it.
pub const NOOR_GUEST_LESSON: SeedBooking = SeedBooking {
    id: "bbe6d191-8b78-4166-9bea-d65e97cb1ed8",
    contact_id: NOOR_CONTACT_ID,
    created_by: CreatedBy::AnonymousVisitor(NOOR_VISITOR_ID),
    first_name: "Noor",
    email: NOOR_EMAIL,
    service_id: WHEEL_LESSON.id,
    event_id: Some("c91a539c-50c6-476a-9fc3-3cbf9cc26629"),
    status: "CONFIRMED",
    start_date: "2027-01-08T10:00:00.000Z",
    end_date: "2027-01-08T11:00:00.000Z",
    revision: 1,
};

/// All bookings of `SITE_ID`, in id order (Wix's default sort).
pub const BOOKINGS: &[SeedBooking] = &[
    GUEST_LESSON,
    MIA_CANCELED,
    SAM_LESSON,
    MIA_LESSON,
    NOOR_GUEST_LESSON,
    SAM_PENDING,
    MIA_CLASS,
];

// --- Stores (wix-api.md §6) ----------------------------------------------------------------------------

/// The catalog version the sandbox starts with (`wix-sandbox --catalog v1` starts on V1).
pub const DEFAULT_CATALOG: CatalogVersion = CatalogVersion::V3;

/// The catalog a site is on. A real site never changes between V1 and V3; the sandbox switch exists so
/// tests can seed either kind of site.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CatalogVersion {
    V1,
    V3,
    NotInstalled,
}

impl CatalogVersion {
    /// `catalogVersion` of `GET /stores/v3/provision/version`.
    pub const fn as_str(self) -> &'static str {
        match self {
            CatalogVersion::V1 => "V1_CATALOG",
            CatalogVersion::V3 => "V3_CATALOG",
            CatalogVersion::NotInstalled => "STORES_NOT_INSTALLED",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "V1_CATALOG" | "v1" | "V1" => Some(CatalogVersion::V1),
            "V3_CATALOG" | "v3" | "V3" => Some(CatalogVersion::V3),
            "STORES_NOT_INSTALLED" | "none" => Some(CatalogVersion::NotInstalled),
            _ => None,
        }
    }
}

/// Stock of every seeded variant.
pub const SEED_STOCK: u32 = 12;

/// Catalog V3: a mug with one variant, tracked stock `SEED_STOCK`, inventory item revision 4.
pub const V3_MUG_PRODUCT: &str = "4affce55-3a1e-4fc7-a724-7c769e5299d8";
pub const V3_MUG_VARIANT: &str = "921768ac-7bfe-4ecc-aa44-ac5757a4aa4e";
pub const V3_MUG_INVENTORY_ITEM: &str = "048940cd-7cbc-47e2-a854-05438b24c742";
/// Catalog V3: a tee with two variants (so a variant must be named).
pub const V3_TEE_PRODUCT: &str = "eead74ab-c0c2-4ad5-8d72-f7b6a933c399";
pub const V3_TEE_SMALL_VARIANT: &str = "884a0776-4626-43fa-80d7-560241d6491b";
pub const V3_TEE_SMALL_INVENTORY_ITEM: &str = "c843fe4f-b0f1-4866-977c-bd113f4f022c";
pub const V3_TEE_LARGE_VARIANT: &str = "daa9cb2a-655a-48f8-8781-a9365ae1bd92";
pub const V3_TEE_LARGE_INVENTORY_ITEM: &str = "356ee347-52e8-41fc-891e-fa64f896836e";
/// Catalog V1: the mug on a V1 site, tracked stock `SEED_STOCK`.
pub const V1_MUG_PRODUCT: &str = "e9d827c6-c5a3-411c-96e6-928ca5ee4bfe";
/// Catalog V1's id of the one variant of a product without options.
pub const V1_DEFAULT_VARIANT: &str = "00000000-0000-0000-0000-000000000000";

// --- eCommerce orders (wix-api.md §7) ------------------------------------------------------------------

/// Every seeded order's billing phone contains this: buyer contact details that no function may pass on.
pub const BUYER_PHONE_MARKER: &str = "PRIVATE-PHONE";
/// The guest buyer (no member id).
pub const GUEST_BUYER_EMAIL: &str = "guest@example.com";
pub const ORDER_CURRENCY: &str = "EUR";

/// Mia: approved, paid 66.00 (2 mugs at 18.50, a bowl at 24.00, shipping 5.00), not fulfilled.
pub const ORDER_MIA_OPEN: &str = "189589e1-57a5-418c-9deb-3a06be4cb61c";
pub const ORDER_MIA_OPEN_MUG_LINE: &str = "41643fce-17ae-48a2-944f-8cab6d571485";
pub const ORDER_MIA_OPEN_BOWL_LINE: &str = "70a0bebe-6e6d-4e11-a300-77d79e053251";
pub const ORDER_MIA_OPEN_PAYMENT: &str = "440eb6f7-6534-49dc-9747-2a6a8e43cb46";
pub const ORDER_MIA_OPEN_TOTAL: &str = "66.00";
/// Mia: approved, paid 40.00 of which 15.00 was refunded (25.00 still refundable), fulfilled.
pub const ORDER_MIA_PART_REFUNDED: &str = "a8947c02-1c30-4e58-869b-1f80196d6ab8";
pub const ORDER_MIA_PART_REFUNDED_LINE: &str = "1a36ab9f-e082-4672-a5da-12d2179e724e";
pub const ORDER_MIA_PART_REFUNDED_PAYMENT: &str = "ea02116f-46c6-487b-a3f7-6fe6f98bb69d";
pub const ORDER_MIA_PART_REFUNDED_AVAILABLE: &str = "25.00";
/// Sam: approved, paid 30.00, one of two vases shipped.
pub const ORDER_SAM_OPEN: &str = "f46da1ea-e866-41e6-a8f0-4fc6c65f6ef2";
pub const ORDER_SAM_OPEN_LINE: &str = "810789ac-1370-4a55-92ca-943e4216b11d";
pub const ORDER_SAM_OPEN_PAYMENT: &str = "d8851df5-f52d-4148-b93e-6619d70bc871";
/// Sam: canceled and fully refunded.
pub const ORDER_SAM_CANCELED: &str = "c4e8da4e-c049-460d-9a7e-0ec279e3e532";
pub const ORDER_SAM_CANCELED_LINE: &str = "aaaaac07-0c47-426b-be18-4074cedc07a8";
pub const ORDER_SAM_CANCELED_PAYMENT: &str = "3e8c3038-8b86-4311-827f-b849fcec3649";
/// A guest: approved, to be paid offline (not refundable through Wix), not fulfilled.
pub const ORDER_GUEST_UNPAID: &str = "6198f6a9-285c-4354-937c-3069bfe7429d";
pub const ORDER_GUEST_UNPAID_LINE: &str = "a6e75960-9bfa-434a-b791-e441986c43c5";
pub const ORDER_GUEST_UNPAID_PAYMENT: &str = "e570ec9a-da1f-4255-b81c-fee855e9898c";
/// Sam: a checkout never completed (INITIALIZED). Search never returns it.
pub const ORDER_SAM_INITIALIZED: &str = "b1ccfcb1-7e2b-4e8f-98d6-94a05d48cfb0";
pub const ORDER_SAM_INITIALIZED_LINE: &str = "7ae2db9b-342a-4760-984b-8f0a12279501";

/// Who bought an order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SeedBuyer {
    Member(SeedMember),
    Guest { email: &'static str },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeedLine {
    pub id: &'static str,
    pub name: &'static str,
    pub quantity: u32,
    pub fulfilled: u32,
    pub price: &'static str,
}

/// How Wix may refund a payment: through the provider, only by marking it (offline), or not at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SeedRefundability {
    Refundable,
    Manual,
    NotRefundable,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeedPayment {
    pub id: &'static str,
    pub amount: &'static str,
    pub refunded: &'static str,
    pub refundability: SeedRefundability,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeedOrder {
    pub id: &'static str,
    pub number: u32,
    pub buyer: SeedBuyer,
    pub status: &'static str,
    pub payment_status: &'static str,
    pub fulfillment_status: &'static str,
    pub created_date: &'static str,
    pub lines: &'static [SeedLine],
    pub shipping: &'static str,
    pub payment: Option<SeedPayment>,
}

/// All orders of `SITE_ID`, oldest first.
pub const ORDERS: &[SeedOrder] = &[
    SeedOrder {
        id: ORDER_SAM_CANCELED,
        number: 10001,
        buyer: SeedBuyer::Member(SECOND_MEMBER),
        status: "CANCELED",
        payment_status: "FULLY_REFUNDED",
        fulfillment_status: "NOT_FULFILLED",
        created_date: "2026-01-20T11:00:00.000Z",
        lines: &[SeedLine {
            id: ORDER_SAM_CANCELED_LINE,
            name: "Stoneware Plate",
            quantity: 1,
            fulfilled: 0,
            price: "17.00",
        }],
        shipping: "5.00",
        payment: Some(SeedPayment {
            id: ORDER_SAM_CANCELED_PAYMENT,
            amount: "22.00",
            refunded: "22.00",
            refundability: SeedRefundability::Refundable,
        }),
    },
    SeedOrder {
        id: ORDER_MIA_PART_REFUNDED,
        number: 10002,
        buyer: SeedBuyer::Member(MEMBER),
        status: "APPROVED",
        payment_status: "PARTIALLY_REFUNDED",
        fulfillment_status: "FULFILLED",
        created_date: "2026-02-10T15:30:00.000Z",
        lines: &[SeedLine {
            id: ORDER_MIA_PART_REFUNDED_LINE,
            name: "Glazed Bowl",
            quantity: 1,
            fulfilled: 1,
            price: "35.00",
        }],
        shipping: "5.00",
        payment: Some(SeedPayment {
            id: ORDER_MIA_PART_REFUNDED_PAYMENT,
            amount: "40.00",
            refunded: "15.00",
            refundability: SeedRefundability::Refundable,
        }),
    },
    SeedOrder {
        id: ORDER_MIA_OPEN,
        number: 10003,
        buyer: SeedBuyer::Member(MEMBER),
        status: "APPROVED",
        payment_status: "PAID",
        fulfillment_status: "NOT_FULFILLED",
        created_date: "2026-03-01T09:15:00.000Z",
        lines: &[
            SeedLine {
                id: ORDER_MIA_OPEN_MUG_LINE,
                name: "Stoneware Mug",
                quantity: 2,
                fulfilled: 0,
                price: "18.50",
            },
            SeedLine {
                id: ORDER_MIA_OPEN_BOWL_LINE,
                name: "Glazed Bowl",
                quantity: 1,
                fulfilled: 0,
                price: "24.00",
            },
        ],
        shipping: "5.00",
        payment: Some(SeedPayment {
            id: ORDER_MIA_OPEN_PAYMENT,
            amount: "66.00",
            refunded: "0.00",
            refundability: SeedRefundability::Refundable,
        }),
    },
    SeedOrder {
        id: ORDER_SAM_OPEN,
        number: 10004,
        buyer: SeedBuyer::Member(SECOND_MEMBER),
        status: "APPROVED",
        payment_status: "PAID",
        fulfillment_status: "PARTIALLY_FULFILLED",
        created_date: "2026-03-05T18:45:00.000Z",
        lines: &[SeedLine {
            id: ORDER_SAM_OPEN_LINE,
            name: "Bud Vase",
            quantity: 2,
            fulfilled: 1,
            price: "12.50",
        }],
        shipping: "5.00",
        payment: Some(SeedPayment {
            id: ORDER_SAM_OPEN_PAYMENT,
            amount: "30.00",
            refunded: "0.00",
            refundability: SeedRefundability::Refundable,
        }),
    },
    SeedOrder {
        id: ORDER_GUEST_UNPAID,
        number: 10005,
        buyer: SeedBuyer::Guest {
            email: GUEST_BUYER_EMAIL,
        },
        status: "APPROVED",
        payment_status: "NOT_PAID",
        fulfillment_status: "NOT_FULFILLED",
        created_date: "2026-03-10T08:00:00.000Z",
        lines: &[SeedLine {
            id: ORDER_GUEST_UNPAID_LINE,
            name: "Stoneware Mug",
            quantity: 1,
            fulfilled: 0,
            price: "18.50",
        }],
        shipping: "5.00",
        payment: Some(SeedPayment {
            id: ORDER_GUEST_UNPAID_PAYMENT,
            amount: "23.50",
            refunded: "0.00",
            refundability: SeedRefundability::NotRefundable,
        }),
    },
    SeedOrder {
        id: ORDER_SAM_INITIALIZED,
        number: 10006,
        buyer: SeedBuyer::Member(SECOND_MEMBER),
        status: "INITIALIZED",
        payment_status: "NOT_PAID",
        fulfillment_status: "NOT_FULFILLED",
        created_date: "2026-03-12T10:00:00.000Z",
        lines: &[SeedLine {
            id: ORDER_SAM_INITIALIZED_LINE,
            name: "Glazed Bowl",
            quantity: 1,
            fulfilled: 0,
            price: "24.00",
        }],
        shipping: "5.00",
        payment: None,
    },
];
