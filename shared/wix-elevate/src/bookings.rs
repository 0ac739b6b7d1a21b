//! What the bookings functions share: the caller-facing request parts, the revision loop every booking
//! write runs (with ownership from [`crate::ownership`]), and the view of a booking a caller gets back.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::ownership::Reach;
use crate::values::Text;
use crate::wix::bookings::{
    Booking, BookingChange, BookingStatus, MESSAGE_MAX_CHARS, ParticipantNotification,
};
use crate::{ApiError, Wix, WixError, WixId};

/// A caller's `participantNotification`: Wix's shape, but a message without `notifyParticipants: true`
/// is refused, since Wix would silently drop it.
impl<'de> Deserialize<'de> for ParticipantNotification {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = RawNotification::deserialize(d)?;
        if raw.message.is_some() && !raw.notify_participants {
            return Err(serde::de::Error::custom(
                "a message is only sent with notifyParticipants: true",
            ));
        }
        Ok(ParticipantNotification {
            notify_participants: raw.notify_participants,
            message: raw.message,
        })
    }
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct RawNotification {
    #[serde(default)]
    notify_participants: bool,
    message: Option<Text<MESSAGE_MAX_CHARS>>,
}

crate::schema_via!(ParticipantNotification => RawNotification, {
    "description": "Whether Wix tells the booking's participant about the change, and with which message. A message needs `notifyParticipants: true` (Wix would silently drop it).",
    "dependentSchemas": {"message": {"required": ["notifyParticipants"], "properties": {"notifyParticipants": {"const": true}}}}
});

/// The body of a write that needs nothing but the booking: `{"bookingId", "participantNotification"?}`.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct BookingRequest {
    pub booking_id: WixId,
    #[serde(default)]
    pub participant_notification: ParticipantNotification,
}

const CHANGED_MEANWHILE: &str =
    "the booking changed while this request was being handled; try again";

/// Applies `change` to booking `id` at its current revision. Each attempt reads the booking with
/// elevation (so the revision is Wix's, never the caller's), refuses it unless `reach` covers it (403)
/// and `allowed` accepts its current state, then writes. If Wix answers 409 (someone changed the booking
/// in between), the whole attempt runs once more; a second 409 is a 409 problem.
pub async fn write_booking(
    wix: &Wix,
    reach: &Reach,
    id: &WixId,
    change: &BookingChange,
    notification: &ParticipantNotification,
    allowed: impl Fn(&Booking) -> Result<(), ApiError>,
) -> Result<BookingView, ApiError> {
    for attempt in 1..=2 {
        let booking = wix
            .find_booking(id)
            .await?
            .ok_or(ApiError::NotFound("there is no booking with this id"))?;
        reach.ensure(&booking)?;
        allowed(&booking)?;
        let revision = booking.revision.as_deref().ok_or_else(|| {
            tracing::error!(booking_id = %id, "Wix sent a booking without a revision");
            ApiError::BadGateway
        })?;
        match wix
            .change_booking(&booking, revision, change, notification)
            .await
        {
            Ok(changed) => return Ok(changed.into()),
            Err(e) if e.status() == Some(409) && attempt == 1 => {
                tracing::info!(booking_id = %id, "booking changed in between; reading it again");
            }
            Err(e) => return Err(write_error(e)),
        }
    }
    Err(ApiError::Conflict(CHANGED_MEANWHILE.into()))
}

/// Wix's answer to a write, in our words.
fn write_error(error: WixError) -> ApiError {
    match error.status() {
        Some(409) => ApiError::Conflict(CHANGED_MEANWHILE.into()),
        Some(428) => ApiError::Conflict("the booking's current state does not allow this".into()),
        Some(404) => ApiError::NotFound("there is no booking with this id"),
        _ => error.into(),
    }
}

/// A booking as the bookings functions return it: what a booking list or a confirmation page needs,
/// and nothing about the contact who booked or other participants.
#[derive(Clone, Debug, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct BookingView {
    id: WixId,
    status: Option<BookingStatus>,
    service_id: Option<String>,
    service_name: Option<String>,
    /// The calendar event booked: set for class bookings (the session), and for appointments once
    /// confirmed.
    #[serde(skip_serializing_if = "Option::is_none")]
    event_id: Option<String>,
    start_date: Option<String>,
    end_date: Option<String>,
    timezone: Option<String>,
}

impl From<Booking> for BookingView {
    fn from(booking: Booking) -> Self {
        let status = booking.status();
        let entity = booking.booked_entity;
        let slot = entity.slot.unwrap_or_default();
        BookingView {
            id: booking.id,
            status,
            service_id: slot.service_id,
            service_name: entity.title,
            event_id: slot.event_id,
            start_date: slot.start_date.or(booking.start_date),
            end_date: slot.end_date.or(booking.end_date),
            timezone: slot.timezone,
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;

    #[test]
    fn a_message_needs_notify_participants_and_fits_the_cap() {
        let parse = |v: Value| serde_json::from_value::<ParticipantNotification>(v);
        assert_eq!(
            serde_json::to_value(
                parse(json!({ "notifyParticipants": true, "message": "See you" })).unwrap()
            )
            .unwrap(),
            json!({ "notifyParticipants": true, "message": "See you" })
        );
        assert_eq!(
            serde_json::to_value(parse(json!({})).unwrap()).unwrap(),
            json!({ "notifyParticipants": false })
        );
        let long = "x".repeat(MESSAGE_MAX_CHARS + 1);
        for bad in [
            json!({ "message": "hi" }),
            json!({ "notifyParticipants": false, "message": "hi" }),
            json!({ "notifyParticipants": true, "message": long }),
            json!({ "notifyParticipants": true, "sms": true }),
        ] {
            assert!(parse(bad.clone()).is_err(), "{bad}");
        }
    }
}
