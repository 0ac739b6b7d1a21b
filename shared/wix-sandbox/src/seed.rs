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

/// One session of a class: a class booking can move to another session of its class.
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

/// A booking as seeded. Its contact is a seeded member's contact, or a guest's (`GUEST_CONTACT_ID`).
/// `session_id` is set for class bookings; dates are UTC; revisions advance by one on every write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeedBooking {
    pub id: &'static str,
    pub contact_id: &'static str,
    pub first_name: &'static str,
    pub email: &'static str,
    pub service_id: &'static str,
    pub session_id: Option<&'static str>,
    pub status: &'static str,
    pub start_date: &'static str,
    pub end_date: &'static str,
    pub revision: u64,
}

/// A customer who booked without being a member.
pub const GUEST_CONTACT_ID: &str = "3ea18b99-a487-4414-9dd2-66f3466a08e7";
pub const GUEST_EMAIL: &str = "lee.guest@example.com";

/// Mia's confirmed wheel lesson.
pub const MIA_LESSON: SeedBooking = SeedBooking {
    id: "750d1692-a08d-4f08-a77e-b2a1a6f533e3",
    contact_id: MEMBER.contact_id,
    first_name: "Mia",
    email: MEMBER.login_email,
    service_id: WHEEL_LESSON.id,
    session_id: None,
    status: "CONFIRMED",
    start_date: "2027-01-12T10:00:00.000Z",
    end_date: "2027-01-12T11:00:00.000Z",
    revision: 2,
};

/// Mia's seat in the first glazing session.
pub const MIA_CLASS: SeedBooking = SeedBooking {
    id: "f15106ab-26bd-4ade-a1ff-8be89f792c00",
    contact_id: MEMBER.contact_id,
    first_name: "Mia",
    email: MEMBER.login_email,
    service_id: GLAZING_CLASS.id,
    session_id: Some(GLAZING_SESSION_1.id),
    status: "CONFIRMED",
    start_date: GLAZING_SESSION_1.start_date,
    end_date: GLAZING_SESSION_1.end_date,
    revision: 1,
};

/// A wheel lesson Mia already canceled.
pub const MIA_CANCELED: SeedBooking = SeedBooking {
    id: "218b5365-b25c-44ef-84f3-a62cf01045f4",
    contact_id: MEMBER.contact_id,
    first_name: "Mia",
    email: MEMBER.login_email,
    service_id: WHEEL_LESSON.id,
    session_id: None,
    status: "CANCELED",
    start_date: "2026-12-20T15:00:00.000Z",
    end_date: "2026-12-20T16:00:00.000Z",
    revision: 3,
};

/// Sam's confirmed wheel lesson.
pub const SAM_LESSON: SeedBooking = SeedBooking {
    id: "5134da9b-2506-491b-bb47-f3a644a70339",
    contact_id: SECOND_MEMBER.contact_id,
    first_name: "Sam",
    email: SECOND_MEMBER.login_email,
    service_id: WHEEL_LESSON.id,
    session_id: None,
    status: "CONFIRMED",
    start_date: "2027-01-13T10:00:00.000Z",
    end_date: "2027-01-13T11:00:00.000Z",
    revision: 1,
};

/// Sam's glazing seat, waiting for the studio to confirm it.
pub const SAM_PENDING: SeedBooking = SeedBooking {
    id: "c8833c19-e81f-4823-a1ad-dad4e1542478",
    contact_id: SECOND_MEMBER.contact_id,
    first_name: "Sam",
    email: SECOND_MEMBER.login_email,
    service_id: GLAZING_CLASS.id,
    session_id: Some(GLAZING_SESSION_1.id),
    status: "PENDING",
    start_date: GLAZING_SESSION_1.start_date,
    end_date: GLAZING_SESSION_1.end_date,
    revision: 1,
};

/// A guest's wheel lesson (no member behind the contact).
pub const GUEST_LESSON: SeedBooking = SeedBooking {
    id: "125a2e92-bee9-4d39-b28a-1a14284ec1f0",
    contact_id: GUEST_CONTACT_ID,
    first_name: "Lee",
    email: GUEST_EMAIL,
    service_id: WHEEL_LESSON.id,
    session_id: None,
    status: "CONFIRMED",
    start_date: "2027-01-15T09:00:00.000Z",
    end_date: "2027-01-15T10:00:00.000Z",
    revision: 4,
};

/// All bookings of `SITE_ID`, in id order (Wix's default sort).
pub const BOOKINGS: &[SeedBooking] = &[
    GUEST_LESSON,
    MIA_CANCELED,
    SAM_LESSON,
    MIA_LESSON,
    SAM_PENDING,
    MIA_CLASS,
];
