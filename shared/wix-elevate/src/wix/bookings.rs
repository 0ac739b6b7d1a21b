//! Bookings (wix-api.md §8): Writer V2 `confirm`, `cancel`, `reschedule` under
//! `/_api/bookings-service/v2/bookings/{id}/…`, and Reader V2 "Query Extended Bookings" (there is no
//! get-by-id: a booking is read with an id filter).

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::filter::Filter;
use super::{Repeat, Wix, WixError, WixPath};
use crate::{Cursor, EventId, PageLimit, Text, TimeZoneName, Timestamp, WixId};

const QUERY_PATH: &str = "/_api/bookings-reader/v2/extended-bookings/query";
/// The SDK (`@wix/auto_sdk_bookings_bookings`) maps `/v2/bookings` on www.wixapis.com to this prefix
/// first; the REST docs' `/bookings/v2/bookings` is the same service. We send what the SDK sends.
const BOOKINGS_PATH: &str = "/_api/bookings-service/v2/bookings";

/// A booking's status, as Wix spells it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum BookingStatus {
    Created,
    Confirmed,
    Canceled,
    Pending,
    Declined,
    WaitingList,
}

impl BookingStatus {
    pub const fn as_str(self) -> &'static str {
        match self {
            BookingStatus::Created => "CREATED",
            BookingStatus::Confirmed => "CONFIRMED",
            BookingStatus::Canceled => "CANCELED",
            BookingStatus::Pending => "PENDING",
            BookingStatus::Declined => "DECLINED",
            BookingStatus::WaitingList => "WAITING_LIST",
        }
    }

    fn from_wire(text: &str) -> Option<Self> {
        serde_json::from_value(Value::String(text.to_owned())).ok()
    }
}

/// A booking as this project reads it. Wix sends much more (the contact's name, email and phone, form
/// answers, payment details); none of it is kept, so none of it can be passed on.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Booking {
    pub id: WixId,
    pub revision: Option<String>,
    status: Option<String>,
    #[serde(default)]
    pub booked_entity: BookedEntity,
    #[serde(default)]
    contact_details: ContactDetails,
    /// Who made the booking (read-only on Wix): what ownership is decided by first.
    #[serde(default)]
    created_by: Option<CreatedBy>,
    /// The booked time (also under the slot; the only dates of a course booking).
    pub start_date: Option<String>,
    pub end_date: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BookedEntity {
    /// The service's name.
    pub title: Option<String>,
    /// Set for appointments and class sessions; course bookings book a whole schedule instead.
    pub slot: Option<Slot>,
    /// `INDIVIDUAL` (appointment), `GROUP` (class session) or `COURSE`.
    #[serde(default)]
    tags: Vec<String>,
}

/// What was booked, from Wix's `bookedEntity.tags`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BookedKind {
    Appointment,
    Class,
    Course,
}

impl BookedEntity {
    /// `None` when Wix sent no tag this project knows.
    pub fn kind(&self) -> Option<BookedKind> {
        self.tags.iter().find_map(|tag| match tag.as_str() {
            "INDIVIDUAL" => Some(BookedKind::Appointment),
            "GROUP" => Some(BookedKind::Class),
            "COURSE" => Some(BookedKind::Course),
            _ => None,
        })
    }
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Slot {
    pub service_id: Option<String>,
    pub schedule_id: Option<String>,
    /// The calendar event booked: a class session, or a confirmed appointment's own event. Wix's
    /// `sessionId` is deprecated in its favour (removal 2026-03-31) and not read.
    pub event_id: Option<String>,
    pub start_date: Option<String>,
    pub end_date: Option<String>,
    pub timezone: Option<String>,
    /// Wix's own data, sent back unchanged when an appointment moves to a new time.
    pub resource: Option<Value>,
    pub location: Option<Value>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ContactDetails {
    contact_id: Option<String>,
}

/// Wix's `createdBy` (`IdentificationData`): one of a visitor's, a member's, a Wix user's or an app's id.
/// Read only for which one it is (and a member's id); none of it is passed on.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct CreatedBy {
    anonymous_visitor_id: Option<String>,
    member_id: Option<String>,
    wix_user_id: Option<String>,
    app_id: Option<String>,
}

/// Who made a booking, from its `createdBy`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BookingCreator {
    /// A site visitor who was not logged in: a guest booking.
    AnonymousVisitor,
    /// A logged-in site member.
    Member(WixId),
    /// A Wix user of the site (owner, staff) booking on a customer's behalf, e.g. from the dashboard.
    WixUser,
    /// An app (Wix's own or a third party's) booking on a customer's behalf.
    App,
    /// Wix sent no creator, or one this project cannot read (an id that is not a GUID).
    Unknown,
}

impl CreatedBy {
    /// A visitor id wins over anything else sent with it (it is the one that must never be taken for
    /// another kind); Wix says that "if `appId` and another ID are present, the other ID takes
    /// precedence".
    fn creator(&self) -> BookingCreator {
        let given = |id: &Option<String>| id.as_deref().is_some_and(|id| !id.is_empty());
        if given(&self.anonymous_visitor_id) {
            BookingCreator::AnonymousVisitor
        } else if given(&self.member_id) {
            self.member_id
                .as_deref()
                .and_then(|id| WixId::parse(id).ok())
                .map_or(BookingCreator::Unknown, BookingCreator::Member)
        } else if given(&self.wix_user_id) {
            BookingCreator::WixUser
        } else if given(&self.app_id) {
            BookingCreator::App
        } else {
            BookingCreator::Unknown
        }
    }
}

impl Booking {
    /// `None` when Wix sent no status or one this project does not know.
    pub fn status(&self) -> Option<BookingStatus> {
        self.status.as_deref().and_then(BookingStatus::from_wire)
    }

    /// Who made the booking: see [`crate::ownership`] for what it decides.
    pub fn creator(&self) -> BookingCreator {
        self.created_by
            .as_ref()
            .map_or(BookingCreator::Unknown, CreatedBy::creator)
    }

    /// The contact the booking is for (Wix links contacts by email, so it is not who booked).
    pub fn contact_id(&self) -> Option<WixId> {
        self.contact_details
            .contact_id
            .as_deref()
            .and_then(|id| WixId::parse(id).ok())
    }

    pub fn slot(&self) -> Option<&Slot> {
        self.booked_entity.slot.as_ref()
    }
}

/// A query on the fields this project allows, translated here into Wix's filter language; callers never
/// send filter JSON of their own.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BookingFilter {
    pub id: Option<WixId>,
    pub contact_id: Option<WixId>,
    /// Any of these; empty means any status.
    pub statuses: Vec<BookingStatus>,
    /// Starts at or after this instant.
    pub start_from: Option<Timestamp>,
    /// Starts before this instant.
    pub start_before: Option<Timestamp>,
    pub service_id: Option<WixId>,
}

impl BookingFilter {
    /// Wix's filter. Dates go in UTC, as Wix requires in filters.
    pub fn to_filter(&self) -> Filter {
        Filter::new()
            .eq_some("id", self.id.as_ref())
            .eq_some("contactDetails.contactId", self.contact_id.as_ref())
            .one_of("status", &self.statuses)
            .range(
                "startDate",
                self.start_from.as_ref(),
                self.start_before.as_ref(),
            )
            .eq_some("bookedEntity.item.slot.serviceId", self.service_id.as_ref())
    }
}

/// Which page to read: the first page of a filtered query, or the page after a cursor (a cursor carries
/// its query, so it goes to Wix alone).
#[derive(Clone, Debug)]
pub enum BookingPageRequest {
    First {
        filter: BookingFilter,
        limit: PageLimit,
    },
    Next {
        cursor: Cursor,
        limit: PageLimit,
    },
}

impl BookingPageRequest {
    fn to_wix(&self) -> Value {
        let query = match self {
            BookingPageRequest::First { filter, limit } => json!({
                "filter": filter.to_filter().to_json(),
                "sort": [{ "fieldName": "startDate", "order": "ASC" }],
                "cursorPaging": { "limit": limit.get() },
            }),
            BookingPageRequest::Next { cursor, limit } => json!({
                "cursorPaging": { "limit": limit.get(), "cursor": cursor },
            }),
        };
        json!({ "query": query, "withBookingAllowedActions": false, "withBookingAttendanceInfo": false })
    }
}

pub struct BookingPage {
    pub bookings: Vec<Booking>,
    /// Present when more bookings match.
    pub next_cursor: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct QueryResponse {
    #[serde(default)]
    extended_bookings: Vec<ExtendedBooking>,
    #[serde(default)]
    paging_metadata: PagingMetadata,
}

#[derive(Deserialize)]
struct ExtendedBooking {
    booking: Booking,
}

#[derive(Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct PagingMetadata {
    #[serde(default)]
    cursors: Cursors,
    /// Not in Wix's `PagingMetadataV2` (the reader sends none): without it, a non-empty next cursor is
    /// what says more bookings match.
    #[serde(default)]
    has_next: Option<bool>,
}

#[derive(Default, Deserialize)]
struct Cursors {
    next: Option<String>,
}

/// The longest message passed to a participant.
pub const MESSAGE_MAX_CHARS: usize = 1000;

/// Whether Wix tells the booking's participant about the change, and with which message: Wix's
/// `participantNotification`. Callers' requests are parsed into it by [`crate::bookings`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ParticipantNotification {
    pub(crate) notify_participants: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) message: Option<Text<MESSAGE_MAX_CHARS>>,
}

/// A new time for an appointment: an interval that ends after it starts, in a real IANA time zone.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SlotTime {
    start: Timestamp,
    end: Timestamp,
    timezone: TimeZoneName,
}

impl SlotTime {
    pub fn new(
        start: Timestamp,
        end: Timestamp,
        timezone: TimeZoneName,
    ) -> Result<Self, &'static str> {
        if end <= start {
            return Err("endDate must be after startDate");
        }
        Ok(SlotTime {
            start,
            end,
            timezone,
        })
    }
}

/// Where a booking moves: another session (calendar event) of its class, or a new time for its
/// appointment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NewSlot {
    Event(EventId),
    Time(SlotTime),
}

impl NewSlot {
    /// Wix's `slot`. A class session is `{eventId}` alone: the SDK says "specify only `slot.eventId`
    /// instead of the entire slot object" (`slot.sessionId` is deprecated). A new time keeps the booking's service, schedule, resource and location (Wix data,
    /// not the caller's). Dates carry the zone's own offset at that instant, so they mean the same
    /// whether Wix reads the instant or the local time in `timezone`.
    fn to_wix(&self, current: &Slot) -> Value {
        match self {
            NewSlot::Event(event) => json!({ "eventId": event }),
            NewSlot::Time(time) => {
                let mut slot = json!({
                    "serviceId": current.service_id,
                    "scheduleId": current.schedule_id,
                    "startDate": time.start.in_zone(&time.timezone),
                    "endDate": time.end.in_zone(&time.timezone),
                    "timezone": time.timezone,
                });
                if let Some(resource) = &current.resource {
                    slot["resource"] = resource.clone();
                }
                if let Some(location) = &current.location {
                    slot["location"] = location.clone();
                }
                slot
            }
        }
    }
}

/// One Writer V2 call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BookingChange {
    Confirm,
    Cancel,
    Reschedule(NewSlot),
}

impl BookingChange {
    fn action(&self) -> &'static str {
        match self {
            BookingChange::Confirm => "confirm",
            BookingChange::Cancel => "cancel",
            BookingChange::Reschedule(_) => "reschedule",
        }
    }

    fn path(&self, id: &WixId) -> WixPath {
        WixPath::new(BOOKINGS_PATH).id(id).segment(self.action())
    }

    /// The body, as the SDK sends it: `bookingId` too, though it is in the path.
    fn to_wix(
        &self,
        current: &Booking,
        revision: &str,
        notification: &ParticipantNotification,
    ) -> Value {
        let mut body = json!({
            "bookingId": current.id,
            "revision": revision,
            "participantNotification": notification,
        });
        if let BookingChange::Reschedule(slot) = self {
            body["slot"] = slot.to_wix(current.slot().unwrap_or(&Slot::default()));
        }
        body
    }
}

#[derive(Deserialize)]
struct BookingEnvelope {
    booking: Booking,
}

impl Wix {
    /// One page of extended bookings (the booking part only), sorted by start date.
    pub async fn query_bookings(
        &self,
        request: &BookingPageRequest,
    ) -> Result<BookingPage, WixError> {
        let response: QueryResponse = self
            .post(&WixPath::new(QUERY_PATH), &request.to_wix(), Repeat::Safe)
            .await?;
        let has_next = response.paging_metadata.has_next.unwrap_or(true);
        Ok(BookingPage {
            bookings: response
                .extended_bookings
                .into_iter()
                .map(|e| e.booking)
                .collect(),
            next_cursor: response
                .paging_metadata
                .cursors
                .next
                .filter(|c| has_next && !c.is_empty()),
        })
    }

    /// The booking with this id as it stands now, with its current revision; `None` if there is none.
    pub async fn find_booking(&self, id: &WixId) -> Result<Option<Booking>, WixError> {
        let request = BookingPageRequest::First {
            filter: BookingFilter {
                id: Some(*id),
                ..Default::default()
            },
            limit: PageLimit::new(1).expect("1 is a valid page size"),
        };
        let page = self.query_bookings(&request).await?;
        Ok(page.bookings.into_iter().find(|b| b.id == *id))
    }

    /// `POST /_api/bookings-service/v2/bookings/{id}/{confirm|cancel|reschedule}` against `current` at
    /// `revision`, with `bookingId` in the body too, as the SDK sends it. Sent once: a stale revision
    /// comes back as 409 and nothing changed.
    pub async fn change_booking(
        &self,
        current: &Booking,
        revision: &str,
        change: &BookingChange,
        notification: &ParticipantNotification,
    ) -> Result<Booking, WixError> {
        let body = change.to_wix(current, revision, notification);
        let envelope: BookingEnvelope = self
            .post(&change.path(&current.id), &body, Repeat::Once)
            .await?;
        Ok(envelope.booking)
    }
}

/// The answer types this module decodes, for the fuzz targets.
#[cfg(feature = "fuzzing")]
pub(crate) const ANSWERS: &[super::AnswerDecoder] = &[
    super::decodes::<QueryResponse>,
    super::decodes::<BookingEnvelope>,
];

#[cfg(test)]
mod tests {
    use super::*;

    fn id(text: &str) -> WixId {
        WixId::parse(text).unwrap()
    }

    fn at(text: &str) -> Timestamp {
        Timestamp::parse(text).unwrap()
    }

    #[test]
    fn an_empty_filter_is_an_empty_wix_filter() {
        assert_eq!(BookingFilter::default().to_filter().to_json(), json!({}));
    }

    #[test]
    fn every_allowlisted_field_becomes_its_wix_filter() {
        let filter = BookingFilter {
            id: Some(id("750d1692-a08d-4f08-a77e-b2a1a6f533e3")),
            contact_id: Some(id("751ad459-4e9b-419d-9d01-0bece1bae3fb")),
            statuses: vec![BookingStatus::Confirmed, BookingStatus::WaitingList],
            start_from: Some(at("2027-01-12T11:00:00+01:00")),
            start_before: Some(at("2027-02-01T00:00:00Z")),
            service_id: Some(id("4bce6c21-7d8f-4a2f-a4c2-ec4b937a9aa7")),
        };
        assert_eq!(
            filter.to_filter().to_json(),
            json!({ "$and": [
                { "id": { "$eq": "750d1692-a08d-4f08-a77e-b2a1a6f533e3" } },
                { "contactDetails.contactId": { "$eq": "751ad459-4e9b-419d-9d01-0bece1bae3fb" } },
                { "status": { "$in": ["CONFIRMED", "WAITING_LIST"] } },
                { "startDate": { "$gte": "2027-01-12T10:00:00.000Z", "$lt": "2027-02-01T00:00:00.000Z" } },
                { "bookedEntity.item.slot.serviceId": { "$eq": "4bce6c21-7d8f-4a2f-a4c2-ec4b937a9aa7" } },
            ] })
        );
    }

    #[test]
    fn a_cursor_goes_to_wix_without_a_filter_or_sort() {
        let next = BookingPageRequest::Next {
            cursor: Cursor::parse("abc").unwrap(),
            limit: PageLimit::new(20).unwrap(),
        };
        assert_eq!(
            next.to_wix()["query"],
            json!({ "cursorPaging": { "limit": 20, "cursor": "abc" } })
        );
        let first = BookingPageRequest::First {
            filter: BookingFilter::default(),
            limit: PageLimit::new(100).unwrap(),
        };
        assert_eq!(
            first.to_wix()["query"]["cursorPaging"],
            json!({ "limit": 100 })
        );
        assert_eq!(first.to_wix()["query"]["sort"][0]["fieldName"], "startDate");
    }

    #[test]
    fn a_new_time_ends_after_it_starts() {
        let zone = TimeZoneName::parse("Europe/Lisbon").unwrap();
        let start = at("2027-01-12T10:00:00Z");
        assert!(SlotTime::new(start, start, zone.clone()).is_err());
        assert!(SlotTime::new(at("2027-01-12T11:00:00Z"), start, zone.clone()).is_err());
        assert!(SlotTime::new(start, at("2027-01-12T10:00:01Z"), zone).is_ok());
    }

    #[test]
    fn a_new_time_keeps_the_booked_service_and_writes_dates_in_the_zones_offset() {
        let time = SlotTime::new(
            at("2027-07-01T09:00:00Z"),
            at("2027-07-01T10:00:00Z"),
            TimeZoneName::parse("europe/paris").unwrap(),
        )
        .unwrap();
        let current = Slot {
            service_id: Some("svc".into()),
            schedule_id: Some("sch".into()),
            resource: Some(json!({ "id": "staff" })),
            ..Default::default()
        };
        assert_eq!(
            NewSlot::Time(time).to_wix(&current),
            json!({
                "serviceId": "svc", "scheduleId": "sch", "resource": { "id": "staff" },
                "startDate": "2027-07-01T11:00:00+02:00", "endDate": "2027-07-01T12:00:00+02:00",
                "timezone": "Europe/Paris",
            })
        );
        let event = EventId::parse("06ee9e50-1d33-4f52-9f2d-b38fa843812d_20270121").unwrap();
        assert_eq!(
            NewSlot::Event(event).to_wix(&current),
            json!({ "eventId": "06ee9e50-1d33-4f52-9f2d-b38fa843812d_20270121" })
        );
    }

    #[test]
    fn bookings_parse_leniently_and_keep_only_what_this_project_reads() {
        let booking: Booking = serde_json::from_value(json!({
            "id": "750d1692-a08d-4f08-a77e-b2a1a6f533e3",
            "revision": "2",
            "status": "SOMETHING_NEW",
            "contactDetails": { "contactId": "not-a-guid", "email": "mia@example.com" },
            "totalParticipants": 1,
        }))
        .unwrap();
        assert_eq!(booking.status(), None);
        assert_eq!(booking.contact_id(), None, "an odd contact id owns nothing");
        assert!(booking.slot().is_none());
        assert!(!format!("{booking:?}").contains("mia@example.com"));
    }

    #[test]
    fn the_creator_comes_from_created_by_with_a_visitor_winning_and_an_app_losing() {
        let creator = |created_by: Value| {
            serde_json::from_value::<Booking>(json!({
                "id": "750d1692-a08d-4f08-a77e-b2a1a6f533e3", "createdBy": created_by,
            }))
            .unwrap()
            .creator()
        };
        let member = "cf604682-755c-4070-9507-0d99c9702925";
        let other = "29bad489-b9b2-4d79-a1c3-267a14c3a9fe";
        assert_eq!(
            creator(json!({ "memberId": member })),
            BookingCreator::Member(id(member))
        );
        assert_eq!(
            creator(json!({ "anonymousVisitorId": other })),
            BookingCreator::AnonymousVisitor
        );
        assert_eq!(
            creator(json!({ "anonymousVisitorId": other, "memberId": member })),
            BookingCreator::AnonymousVisitor
        );
        assert_eq!(
            creator(json!({ "wixUserId": other })),
            BookingCreator::WixUser
        );
        assert_eq!(creator(json!({ "appId": other })), BookingCreator::App);
        assert_eq!(
            creator(json!({ "appId": other, "memberId": member })),
            BookingCreator::Member(id(member))
        );
        assert_eq!(
            creator(json!({ "appId": other, "wixUserId": other })),
            BookingCreator::WixUser
        );
        assert_eq!(creator(json!({})), BookingCreator::Unknown);
        assert_eq!(creator(json!({ "memberId": "" })), BookingCreator::Unknown);
        assert_eq!(
            creator(json!({ "memberId": "not-a-guid" })),
            BookingCreator::Unknown
        );
        let untold: Booking =
            serde_json::from_value(json!({ "id": "750d1692-a08d-4f08-a77e-b2a1a6f533e3" }))
                .unwrap();
        assert_eq!(untold.creator(), BookingCreator::Unknown);
    }

    #[test]
    fn the_booked_event_and_kind_come_from_event_id_and_tags() {
        let booking: Booking = serde_json::from_value(json!({
            "id": "f15106ab-26bd-4ade-a1ff-8be89f792c00",
            "bookedEntity": { "tags": ["GROUP"], "slot": {
                "eventId": "350fa406-cd52-4456-b92b-5cf89268e3e3",
                "sessionId": "deprecated-and-ignored",
            } },
        }))
        .unwrap();
        assert_eq!(booking.booked_entity.kind(), Some(BookedKind::Class));
        assert_eq!(
            booking.slot().unwrap().event_id.as_deref(),
            Some("350fa406-cd52-4456-b92b-5cf89268e3e3")
        );
        let untagged: Booking =
            serde_json::from_value(json!({ "id": "f15106ab-26bd-4ade-a1ff-8be89f792c00" }))
                .unwrap();
        assert_eq!(untagged.booked_entity.kind(), None);
    }

    #[test]
    fn a_class_reschedule_goes_to_the_sdks_path_with_only_the_event_id_as_slot() {
        let current: Booking = serde_json::from_value(json!({
            "id": "f15106ab-26bd-4ade-a1ff-8be89f792c00",
            "bookedEntity": { "tags": ["GROUP"], "slot": { "serviceId": "svc", "eventId": "350fa406-cd52-4456-b92b-5cf89268e3e3" } },
        }))
        .unwrap();
        let event = EventId::parse("06ee9e50-1d33-4f52-9f2d-b38fa843812d").unwrap();
        let change = BookingChange::Reschedule(NewSlot::Event(event));
        assert_eq!(
            change.path(&current.id).as_str(),
            "/_api/bookings-service/v2/bookings/f15106ab-26bd-4ade-a1ff-8be89f792c00/reschedule"
        );
        assert_eq!(
            change.to_wix(&current, "3", &ParticipantNotification::default()),
            json!({
                "bookingId": "f15106ab-26bd-4ade-a1ff-8be89f792c00",
                "revision": "3",
                "participantNotification": { "notifyParticipants": false },
                "slot": { "eventId": "06ee9e50-1d33-4f52-9f2d-b38fa843812d" },
            })
        );
    }
}
