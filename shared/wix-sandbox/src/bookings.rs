//! Wix Bookings (wix-api.md §8): Writer V2 (`confirm`, `cancel`, `reschedule`) and Reader V2 "Query
//! Extended Bookings", over the seeded services, class sessions and bookings.
//!
//! Like Wix: every write needs the booking's current `revision` (a string) and advances it; a stale
//! revision is a 409, a status that does not allow the change a 428, an unknown booking a 404. Writes
//! answer under both of Wix's prefixes, `/_api/bookings-service/v2/bookings` (the SDK's) and
//! `/bookings/v2/bookings` (the REST docs'). The reader filters on the documented fields (`id`, `status`,
//! `contactDetails.contactId`, `startDate`, `endDate`, `bookedEntity.item.slot.serviceId`,
//! `…sessionId`), sorts, and pages with cursors (limit 50 by default, at most 100); its
//! `pagingMetadata` is Wix's `PagingMetadataV2`, which has no `hasNext`.
//!
//! Every booking names who made it in `createdBy` (Wix's `IdentificationData`: one of
//! `anonymousVisitorId`, `memberId`, `wixUserId`, `appId`), on the reader's `booking` and the writer's
//! answers alike; it is not a filter field.
//!
//! A booked slot carries `eventId` (class bookings from the start, appointments once confirmed), never
//! the deprecated `sessionId` (removal 2026-03-31).

use std::cmp::Ordering;
use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::post;
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};
use time::format_description::well_known::Rfc3339;
use time::{OffsetDateTime, UtcOffset};

use crate::auth::AdminAuth;
use crate::error::{WixError, WixJson};
use crate::query::{self, Dialect};
use crate::seed::{self, ServiceKind};
use crate::state::SandboxState;

const DEFAULT_LIMIT: usize = 50;

/// Statuses a booking can still be canceled or rescheduled from.
const OPEN: &[&str] = &["CREATED", "CONFIRMED", "PENDING", "WAITING_LIST"];
/// Statuses a booking can be confirmed from.
const CONFIRMABLE: &[&str] = &["PENDING", "CREATED", "WAITING_LIST"];
const MAX_LIMIT: usize = 100;

/// One booking as the sandbox stores it.
#[derive(Clone, Debug)]
pub(crate) struct BookingRecord {
    pub id: String,
    pub revision: u64,
    pub status: String,
    pub contact_id: String,
    /// Who made the booking (Wix's read-only `createdBy`).
    pub created_by: seed::CreatedBy,
    pub first_name: String,
    pub email: String,
    pub service_id: String,
    /// The calendar event booked: a class session, or a confirmed appointment's own event.
    pub event_id: Option<String>,
    pub start: OffsetDateTime,
    pub end: OffsetDateTime,
    pub timezone: String,
    pub created: OffsetDateTime,
    pub updated: OffsetDateTime,
    pub notifications: Vec<SentNotification>,
}

/// A message Wix sent the booking's participant (`participantNotification.notifyParticipants`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SentNotification {
    /// `confirm`, `cancel` or `reschedule`.
    pub action: &'static str,
    pub message: Option<String>,
}

/// What tests see of a booking: [`SandboxState::booking`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BookingSnapshot {
    pub status: String,
    pub revision: u64,
    /// UTC, RFC 3339.
    pub start_date: String,
    pub end_date: String,
    pub timezone: String,
    pub event_id: Option<String>,
    pub notifications: Vec<SentNotification>,
}

fn date(text: &str) -> OffsetDateTime {
    OffsetDateTime::parse(text, &Rfc3339).expect("seed dates are RFC 3339")
}

fn format_date(date: OffsetDateTime) -> String {
    date.format(&Rfc3339).unwrap_or_default()
}

fn service(id: &str) -> Option<&'static seed::SeedService> {
    seed::SERVICES.iter().find(|s| s.id == id)
}

impl BookingRecord {
    fn seeded(b: &seed::SeedBooking) -> Self {
        let created = date("2026-11-02T08:15:00Z");
        BookingRecord {
            id: b.id.to_owned(),
            revision: b.revision,
            status: b.status.to_owned(),
            contact_id: b.contact_id.to_owned(),
            created_by: b.created_by,
            first_name: b.first_name.to_owned(),
            email: b.email.to_owned(),
            service_id: b.service_id.to_owned(),
            event_id: b.event_id.map(str::to_owned),
            start: date(b.start_date),
            end: date(b.end_date),
            timezone: seed::BOOKINGS_TIME_ZONE.to_owned(),
            created,
            updated: created,
            notifications: Vec::new(),
        }
    }

    /// The booking as Wix returns it: the booked slot, the contact it is for, who made it, status,
    /// revision.
    fn to_wix(&self) -> Value {
        let service = service(&self.service_id);
        let (title, schedule_id, tag) = match service {
            Some(s) => (
                s.name,
                s.schedule_id,
                match s.kind {
                    ServiceKind::Appointment => "INDIVIDUAL",
                    ServiceKind::Class => "GROUP",
                },
            ),
            None => ("", "", "INDIVIDUAL"),
        };
        let mut slot = json!({
            "serviceId": self.service_id,
            "scheduleId": schedule_id,
            "startDate": format_date(self.start),
            "endDate": format_date(self.end),
            "timezone": self.timezone,
            "location": { "locationType": "OWNER_BUSINESS" },
        });
        if let Some(event_id) = &self.event_id {
            slot["eventId"] = json!(event_id);
        }
        if tag == "INDIVIDUAL" {
            slot["resource"] = json!({ "id": seed::WHEEL_TEACHER_ID, "name": "Rui" });
        }
        json!({
            "id": self.id,
            "bookedEntity": { "title": title, "tags": [tag], "slot": slot },
            "contactDetails": {
                "contactId": self.contact_id,
                "firstName": self.first_name,
                "email": self.email,
                "timeZone": self.timezone,
            },
            "status": self.status,
            "paymentStatus": "NOT_PAID",
            "selectedPaymentOption": "OFFLINE",
            "totalParticipants": 1,
            "startDate": format_date(self.start),
            "endDate": format_date(self.end),
            "createdDate": format_date(self.created),
            "updatedDate": format_date(self.updated),
            "revision": self.revision.to_string(),
            "createdBy": self.created_by.to_wix(),
        })
    }

    fn allowed_actions(&self) -> Value {
        let open = OPEN.contains(&self.status.as_str());
        json!({ "cancel": open, "reschedule": open })
    }

    pub fn snapshot(&self) -> BookingSnapshot {
        BookingSnapshot {
            status: self.status.clone(),
            revision: self.revision,
            start_date: format_date(self.start),
            end_date: format_date(self.end),
            timezone: self.timezone.clone(),
            event_id: self.event_id.clone(),
            notifications: self.notifications.clone(),
        }
    }
}

#[derive(Default)]
pub(crate) struct BookingData {
    pub bookings: Vec<BookingRecord>,
    /// Open cursors: the query they continue and where.
    cursors: HashMap<String, Page>,
    /// Booking id → how many more reader answers that contain it are followed by a change to it
    /// (someone else writing in between): see [`SandboxState::change_booking_after_reads`].
    pub interference: HashMap<String, u64>,
}

impl BookingData {
    pub fn seeded() -> Self {
        BookingData {
            bookings: seed::BOOKINGS.iter().map(BookingRecord::seeded).collect(),
            ..Default::default()
        }
    }

    pub fn by_id(&self, id: &str) -> Option<&BookingRecord> {
        self.bookings.iter().find(|b| b.id == id)
    }

    /// The effect of a concurrent writer on `id`: a new revision.
    fn interfere_after_read(&mut self, ids: &[String]) {
        for id in ids {
            let Some(left) = self.interference.get_mut(id) else {
                continue;
            };
            *left -= 1;
            if *left == 0 {
                self.interference.remove(id);
            }
            if let Some(b) = self.bookings.iter_mut().find(|b| &b.id == id) {
                b.revision += 1;
                b.updated = OffsetDateTime::now_utc();
            }
        }
    }
}

/// Observing and steering bookings (the in-process side of `/_sandbox`).
impl SandboxState {
    /// One booking as it stands now (status, revision, slot, notifications sent); `None` if unknown.
    pub fn booking(&self, id: &str) -> Option<BookingSnapshot> {
        self.with(|w| w.bookings.by_id(id).map(|b| b.snapshot()))
    }

    /// Booking `id` is now one that `created_by` made. Wix's `createdBy` is read-only and the sandbox
    /// takes no new bookings, so this is how a test stages, say, a booking one member made for another's
    /// contact. Its revision stays: nobody wrote to it through Wix.
    pub fn set_booking_creator(&self, id: &str, created_by: seed::CreatedBy) {
        self.with(|w| {
            let booking = w.bookings.bookings.iter_mut().find(|b| b.id == id);
            booking.expect("a seeded booking").created_by = created_by;
        });
    }

    /// Someone else changes booking `id` right after each of the next `reads` reader answers that
    /// contain it: its revision advances, so a write based on what was read meets a 409.
    pub fn change_booking_after_reads(&self, id: &str, reads: u64) {
        self.with(|w| {
            if reads == 0 {
                w.bookings.interference.remove(id);
            } else {
                w.bookings.interference.insert(id.to_owned(), reads);
            }
        });
    }
}

pub fn routes() -> Router<SandboxState> {
    Router::new()
        .route(
            "/_api/bookings-reader/v2/extended-bookings/query",
            post(query_extended_bookings),
        )
        .merge(writer_routes("/_api/bookings-service/v2/bookings"))
        .merge(writer_routes("/bookings/v2/bookings"))
}

/// The writer under one of its prefixes.
fn writer_routes(prefix: &str) -> Router<SandboxState> {
    Router::new()
        .route(&format!("{prefix}/{{id}}/confirm"), post(confirm))
        .route(&format!("{prefix}/{{id}}/cancel"), post(cancel))
        .route(&format!("{prefix}/{{id}}/reschedule"), post(reschedule))
}

// --- Reader ---------------------------------------------------------------------------------------------

/// The fields and operators Query Extended Bookings takes; text fields take no ranges.
const FILTER: Dialect = Dialect::new(&[
    "id",
    "status",
    "contactDetails.contactId",
    "startDate",
    "endDate",
    "bookedEntity.item.slot.serviceId",
    "bookedEntity.item.slot.sessionId",
])
.operators(&["$and", "$eq", "$ne", "$in", "$gt", "$gte", "$lt", "$lte"])
.typed(&["startDate", "endDate"])
.at("query.filter");

impl BookingRecord {
    /// What [`FILTER`] looks at: the filterable fields under the paths Wix filters them by.
    fn filter_doc(&self) -> Value {
        json!({
            "id": self.id,
            "status": self.status,
            "contactDetails": { "contactId": self.contact_id },
            "startDate": format_date(self.start),
            "endDate": format_date(self.end),
            "bookedEntity": { "item": { "slot": {
                "serviceId": self.service_id,
                "sessionId": self.event_id,
            } } },
        })
    }
}

/// The fields the reader sorts by.
#[derive(Clone, Copy, Debug)]
enum SortField {
    Id,
    StartDate,
    EndDate,
}

impl SortField {
    fn compare(self, a: &BookingRecord, b: &BookingRecord) -> Ordering {
        match self {
            SortField::Id => a.id.cmp(&b.id),
            SortField::StartDate => a.start.cmp(&b.start),
            SortField::EndDate => a.end.cmp(&b.end),
        }
    }
}

#[derive(Clone, Debug)]
struct SortKey {
    field: SortField,
    descending: bool,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SortItem {
    field_name: String,
    #[serde(default)]
    order: Option<String>,
}

fn parse_sort(items: &[SortItem]) -> Result<Vec<SortKey>, WixError> {
    items
        .iter()
        .map(|item| {
            let field = match item.field_name.as_str() {
                "id" => SortField::Id,
                "startDate" => SortField::StartDate,
                "endDate" => SortField::EndDate,
                other => {
                    return Err(WixError::validation(
                        "query.sort",
                        format!("sorting by {other} is not supported"),
                    ));
                }
            };
            let descending = match item.order.as_deref().unwrap_or("ASC") {
                "ASC" => false,
                "DESC" => true,
                other => {
                    return Err(WixError::validation(
                        "query.sort",
                        format!("unknown order {other}"),
                    ));
                }
            };
            Ok(SortKey { field, descending })
        })
        .collect()
}

/// A query in progress: what a cursor stands for.
#[derive(Clone, Debug)]
struct Page {
    filter: Value,
    sort: Vec<SortKey>,
    offset: usize,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct QueryRequest {
    #[serde(default)]
    query: QueryBody,
    #[serde(default)]
    with_booking_allowed_actions: bool,
}

#[derive(Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct QueryBody {
    filter: Option<Value>,
    sort: Option<Vec<SortItem>>,
    #[serde(default)]
    cursor_paging: CursorPaging,
}

#[derive(Default, Deserialize)]
struct CursorPaging {
    limit: Option<i64>,
    cursor: Option<String>,
}

/// `POST /_api/bookings-reader/v2/extended-bookings/query` →
/// `{extendedBookings:[{booking, allowedActions?}], pagingMetadata:{count, cursors:{next?}}}`.
async fn query_extended_bookings(
    _admin: AdminAuth,
    State(state): State<SandboxState>,
    WixJson(request): WixJson<QueryRequest>,
) -> Result<Json<Value>, WixError> {
    let query = request.query;
    let limit = match query.cursor_paging.limit {
        None => DEFAULT_LIMIT,
        Some(n) if (0..=MAX_LIMIT as i64).contains(&n) => n as usize,
        Some(_) => {
            return Err(WixError::validation(
                "query.cursorPaging.limit",
                format!("must be between 0 and {MAX_LIMIT}"),
            ));
        }
    };
    state.with(|w| {
        let data = &mut w.bookings;
        let page = match query.cursor_paging.cursor {
            Some(cursor) => {
                // A cursor carries its query; Wix does not take a second filter or sort with it.
                if query.filter.is_some() || query.sort.is_some() {
                    return Err(WixError::validation(
                        "query.cursorPaging.cursor",
                        "a cursor cannot be combined with a filter or sort",
                    ));
                }
                data.cursors.get(&cursor).cloned().ok_or_else(|| {
                    WixError::validation("query.cursorPaging.cursor", "unknown or expired cursor")
                })?
            }
            None => Page {
                filter: query.filter.unwrap_or_else(query::no_filter),
                sort: parse_sort(query.sort.as_deref().unwrap_or_default())?,
                offset: 0,
            },
        };
        FILTER.check(&page.filter)?;
        let mut matching = Vec::new();
        for booking in &data.bookings {
            if FILTER.matches(&booking.filter_doc(), &page.filter)? {
                matching.push(booking);
            }
        }
        matching.sort_by(|a, b| {
            page.sort
                .iter()
                .map(|key| {
                    let order = key.field.compare(a, b);
                    if key.descending {
                        order.reverse()
                    } else {
                        order
                    }
                })
                .find(|o| *o != Ordering::Equal)
                .unwrap_or_else(|| a.id.cmp(&b.id))
        });
        let end = (page.offset + limit).min(matching.len());
        let slice = &matching[page.offset.min(end)..end];
        let items: Vec<Value> = slice
            .iter()
            .map(|b| {
                let mut item = json!({ "booking": b.to_wix() });
                if request.with_booking_allowed_actions {
                    item["allowedActions"] = b.allowed_actions();
                }
                item
            })
            .collect();
        let returned: Vec<String> = slice.iter().map(|b| b.id.clone()).collect();
        let has_next = end < matching.len();
        let mut cursors = json!({});
        if has_next {
            let token = uuid::Uuid::new_v4().simple().to_string();
            data.cursors.insert(
                token.clone(),
                Page {
                    offset: end,
                    ..page
                },
            );
            cursors["next"] = json!(token);
        }
        data.interfere_after_read(&returned);
        Ok(Json(json!({
            "extendedBookings": items,
            "pagingMetadata": { "count": returned.len(), "cursors": cursors },
        })))
    })
}

// --- Writer ---------------------------------------------------------------------------------------------

#[derive(Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Notification {
    #[serde(default)]
    notify_participants: bool,
    message: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct WriteBody {
    revision: Option<String>,
    #[serde(default)]
    participant_notification: Notification,
    slot: Option<SlotBody>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SlotBody {
    /// Takes priority over `sessionId`, as Wix's `V2Slot` says.
    event_id: Option<String>,
    /// Deprecated, still taken for classes (`V2Slot.sessionId`).
    session_id: Option<String>,
    service_id: Option<String>,
    schedule_id: Option<String>,
    start_date: Option<String>,
    end_date: Option<String>,
    timezone: Option<String>,
}

/// The part every write shares: the booking must exist, the revision must be its current one, its status
/// one of `from` (else 428), and `change` must accept the request; then the revision advances and the
/// participant is notified if asked.
fn write(
    state: &SandboxState,
    id: &str,
    action: &'static str,
    from: &[&str],
    body: WriteBody,
    change: impl FnOnce(&mut BookingRecord, Option<SlotBody>) -> Result<(), WixError>,
) -> Result<Json<Value>, WixError> {
    state.with(|w| {
        let booking = w
            .bookings
            .bookings
            .iter_mut()
            .find(|b| b.id == id)
            .ok_or_else(|| {
                WixError::application(
                    StatusCode::NOT_FOUND,
                    "BOOKING_NOT_FOUND",
                    "not found",
                    format!("booking {id} not found"),
                )
            })?;
        let revision = body
            .revision
            .as_deref()
            .ok_or_else(|| WixError::validation("revision", "revision is required"))?;
        if revision != booking.revision.to_string() {
            return Err(WixError::application(
                StatusCode::CONFLICT,
                "REVISION_MISMATCH",
                "revision mismatch",
                format!(
                    "booking {id} is at revision {}, not {revision}",
                    booking.revision
                ),
            ));
        }
        if !from.contains(&booking.status.as_str()) {
            return Err(WixError::application(
                StatusCode::PRECONDITION_REQUIRED,
                "INVALID_BOOKING_STATUS",
                "failed precondition",
                format!("a {} booking does not allow {action}", booking.status),
            ));
        }
        change(booking, body.slot)?;
        booking.revision += 1;
        booking.updated = OffsetDateTime::now_utc();
        let notification = body.participant_notification;
        if notification.notify_participants {
            booking.notifications.push(SentNotification {
                action,
                message: notification.message,
            });
        }
        Ok(Json(json!({ "booking": booking.to_wix() })))
    })
}

/// `POST …/{id}/confirm`: PENDING, CREATED or WAITING_LIST → CONFIRMED. A confirmed appointment gets
/// its own calendar event, as on Wix.
async fn confirm(
    _admin: AdminAuth,
    State(state): State<SandboxState>,
    Path(id): Path<String>,
    WixJson(body): WixJson<WriteBody>,
) -> Result<Json<Value>, WixError> {
    write(&state, &id, "confirm", CONFIRMABLE, body, |booking, _| {
        booking.status = "CONFIRMED".into();
        if kind(booking) == Some(ServiceKind::Appointment) {
            booking.event_id.get_or_insert_with(new_event_id);
        }
        Ok(())
    })
}

/// `POST …/{id}/cancel`: anything but CANCELED or DECLINED → CANCELED.
async fn cancel(
    _admin: AdminAuth,
    State(state): State<SandboxState>,
    Path(id): Path<String>,
    WixJson(body): WixJson<WriteBody>,
) -> Result<Json<Value>, WixError> {
    write(&state, &id, "cancel", OPEN, body, |booking, _| {
        booking.status = "CANCELED".into();
        Ok(())
    })
}

/// `POST …/{id}/reschedule`: a class booking moves to another session of its class, named by
/// `slot.eventId` alone (the SDK: "specify only `slot.eventId`"; the deprecated `slot.sessionId` is
/// still taken); an appointment to a new time of the same service and schedule (`slot.serviceId`,
/// `scheduleId`, `startDate`, `endDate`, `timezone`), which gives a confirmed one a new event.
async fn reschedule(
    _admin: AdminAuth,
    State(state): State<SandboxState>,
    Path(id): Path<String>,
    WixJson(body): WixJson<WriteBody>,
) -> Result<Json<Value>, WixError> {
    write(&state, &id, "reschedule", OPEN, body, |booking, slot| {
        let slot = slot.ok_or_else(|| WixError::validation("slot", "slot is required"))?;
        let event = slot.event_id.as_ref().or(slot.session_id.as_ref());
        let field = if slot.event_id.is_some() {
            "slot.eventId"
        } else {
            "slot.sessionId"
        };
        match (kind(booking), event) {
            (Some(ServiceKind::Class), Some(event_id)) => {
                let session = seed::SESSIONS
                    .iter()
                    .find(|s| s.id == event_id && s.service_id == booking.service_id)
                    .ok_or_else(|| {
                        WixError::validation(field, "no such session of the booked class")
                    })?;
                booking.event_id = Some(session.id.to_owned());
                booking.start = date(session.start_date);
                booking.end = date(session.end_date);
                Ok(())
            }
            (Some(ServiceKind::Class), None) => Err(WixError::validation(
                "slot.eventId",
                "a class booking moves to another session of its class",
            )),
            (_, Some(_)) => Err(WixError::validation(
                field,
                "this service has no sessions to move to",
            )),
            (_, None) => reschedule_appointment(booking, &slot),
        }
    })
}

fn reschedule_appointment(booking: &mut BookingRecord, slot: &SlotBody) -> Result<(), WixError> {
    let service = service(&booking.service_id);
    if slot.service_id.as_deref() != Some(booking.service_id.as_str()) {
        return Err(WixError::validation(
            "slot.serviceId",
            "must be the booked service",
        ));
    }
    if slot.schedule_id.as_deref() != service.map(|s| s.schedule_id) {
        return Err(WixError::validation(
            "slot.scheduleId",
            "must be the service's schedule",
        ));
    }
    let parse = |field: &str, value: &Option<String>| {
        value
            .as_deref()
            .and_then(|v| OffsetDateTime::parse(v, &Rfc3339).ok())
            .map(|d| d.to_offset(UtcOffset::UTC))
            .ok_or_else(|| WixError::validation(field, "must be an ISO-8601 date-time"))
    };
    let start = parse("slot.startDate", &slot.start_date)?;
    let end = parse("slot.endDate", &slot.end_date)?;
    if end <= start {
        return Err(WixError::validation(
            "slot.endDate",
            "must be after slot.startDate",
        ));
    }
    let timezone = slot
        .timezone
        .as_deref()
        .filter(|tz| !tz.is_empty())
        .ok_or_else(|| WixError::validation("slot.timezone", "timezone is required"))?;
    booking.start = start;
    booking.end = end;
    booking.timezone = timezone.to_owned();
    // The old session leaves the calendar and a new one is added.
    if booking.event_id.is_some() {
        booking.event_id = Some(new_event_id());
    }
    Ok(())
}

fn kind(booking: &BookingRecord) -> Option<ServiceKind> {
    service(&booking.service_id).map(|s| s.kind)
}

/// A new calendar event id (Wix's are 36 to 250 characters; these are GUIDs).
fn new_event_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

#[cfg(test)]
mod tests;
