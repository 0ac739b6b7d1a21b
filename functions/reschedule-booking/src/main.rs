//! `POST /` `{"bookingId", "eventId"}` or `{"bookingId", "startDate", "endDate", "timezone"}`, with an
//! optional `participantNotification` — move a booking: any booking for an admin, a member's own booking
//! for that member (by who made it, the rule in [`wix_elevate::ownership`]; anyone else's is a 403
//! `not-owner` with nothing written).
//!
//! A class booking moves to another session of its class, named by its calendar `eventId` (36 to 250
//! characters, from Wix's time slots); an appointment to a new time. Dates are RFC 3339, the end after
//! the start, the zone an IANA name: anything else is a 400 before any Wix call. Canceled and declined
//! bookings, and course bookings (Wix cannot move them), are refused with 409.

use wix_elevate::bookings::{BookingView, write_booking};
use wix_elevate::prelude::*;
use wix_elevate::wix::bookings::{
    BookedKind, Booking, BookingChange, BookingStatus, NewSlot, ParticipantNotification, SlotTime,
};

pub struct RescheduleBooking;

#[derive(Deserialize)]
#[serde(try_from = "RawRescheduleRequest")]
pub struct RescheduleRequest {
    booking_id: WixId,
    slot: NewSlot,
    participant_notification: ParticipantNotification,
}

wix_elevate::schema_via!(RescheduleRequest => RawRescheduleRequest as "RescheduleBooking", {
    "description": "Either `eventId` (a class booking), or `startDate`, `endDate` and `timezone` (an appointment; the end after the start).",
    "oneOf": [
        {"title": "to another session", "required": ["eventId"], "properties": {"startDate": false, "endDate": false, "timezone": false}},
        {"title": "to a new time", "required": ["startDate", "endDate", "timezone"], "properties": {"eventId": false}}
    ]
});

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RawRescheduleRequest {
    booking_id: WixId,
    event_id: Option<EventId>,
    start_date: Option<Timestamp>,
    end_date: Option<Timestamp>,
    timezone: Option<TimeZoneName>,
    #[serde(default)]
    participant_notification: ParticipantNotification,
}

impl TryFrom<RawRescheduleRequest> for RescheduleRequest {
    type Error = &'static str;
    fn try_from(raw: RawRescheduleRequest) -> Result<Self, Self::Error> {
        let slot = match (raw.event_id, raw.start_date, raw.end_date, raw.timezone) {
            (Some(event), None, None, None) => NewSlot::Event(event),
            (None, Some(start), Some(end), Some(zone)) => {
                NewSlot::Time(SlotTime::new(start, end, zone)?)
            }
            _ => return Err("give either eventId, or startDate, endDate and timezone"),
        };
        Ok(RescheduleRequest {
            booking_id: raw.booking_id,
            slot,
            participant_notification: raw.participant_notification,
        })
    }
}

impl Endpoint for RescheduleBooking {
    const NAME: &'static str = "reschedule-booking";
    const METHOD: Method = Method::POST;
    const DOC: Doc = Doc {
        tag: Tag::Bookings,
        summary: "Move a booking to another session or time",
        description: "Who may call: an admin (any booking), or the member whose booking it is (by who made \
            it, as for cancel-booking); someone else's booking is a 403 `not-owner` and nothing \
            is written. A class booking moves to another session of its class (`eventId`, the \
            session's calendar event id), an appointment to a new time (`startDate`, `endDate`, \
            `timezone`): give one or the other. A class to a time or an appointment to a session \
            is a 422; a canceled, declined or course booking a 409; an unknown booking a 404.",
        answer: "The booking after the change.",
        examples: &[
            Example {
                name: "toSession",
                summary: "A class booking to another session of its class",
                body: r#"{"bookingId": "f15106ab-26bd-4ade-a1ff-8be89f792c00", "eventId": "06ee9e50-1d33-4f52-9f2d-b38fa843812d", "participantNotification": {"notifyParticipants": true, "message": "Moved to next week's session."}}"#,
            },
            Example {
                name: "toTime",
                summary: "An appointment to a new time",
                body: r#"{"bookingId": "5134da9b-2506-491b-bb47-f3a644a70339", "startDate": "2027-02-01T11:00:00+01:00", "endDate": "2027-02-01T12:00:00+01:00", "timezone": "Europe/Lisbon"}"#,
            },
        ],
        errors: &[
            StatusCode::NOT_FOUND,
            StatusCode::CONFLICT,
            StatusCode::UNPROCESSABLE_ENTITY,
        ],
    };
    /// A member's own writes are capped per hour and day across every instance (admins: none).
    const BUDGETS: Budgets = Budgets::MemberWrites;
    type Policy = AdminOrOwner;
    type Input = Json<RescheduleRequest>;
    type Output = BookingView;

    fn target(input: &Json<RescheduleRequest>) -> Option<String> {
        Some(input.0.booking_id.to_string())
    }

    async fn call(
        wix: &Wix,
        scope: OwnerScope,
        Json(input): Json<RescheduleRequest>,
    ) -> Result<BookingView, ApiError> {
        let reach = Reach::with_contact(wix, &scope).await?;
        write_booking(
            wix,
            &reach,
            &input.booking_id,
            &BookingChange::Reschedule(input.slot.clone()),
            &input.participant_notification,
            |booking| reschedulable(booking, &input.slot),
        )
        .await
    }
}

fn reschedulable(booking: &Booking, to: &NewSlot) -> Result<(), ApiError> {
    if matches!(
        booking.status(),
        Some(BookingStatus::Canceled | BookingStatus::Declined)
    ) {
        return Err(ApiError::Conflict(
            "a canceled or declined booking cannot be rescheduled".into(),
        ));
    }
    let kind = booking.booked_entity.kind();
    if booking.slot().is_none() || kind == Some(BookedKind::Course) {
        return Err(ApiError::Conflict(
            "a course booking cannot be rescheduled".into(),
        ));
    }
    // By Wix's tags, not by whether the slot has an eventId: a confirmed appointment has one too.
    // Without a known tag, Wix itself judges the new slot.
    match (to, kind) {
        (NewSlot::Event(_), Some(BookedKind::Appointment)) => Err(ApiError::Unprocessable(
            "an appointment moves to a new time (startDate, endDate, timezone), not a session"
                .into(),
        )),
        (NewSlot::Time(_), Some(BookedKind::Class)) => Err(ApiError::Unprocessable(
            "a class booking moves to another session of its class (eventId)".into(),
        )),
        _ => Ok(()),
    }
}

#[tokio::main]
async fn main() -> Result<(), wix_elevate::Error> {
    serve::<RescheduleBooking>().await
}
