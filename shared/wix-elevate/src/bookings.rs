//! What the bookings functions share: which bookings a caller reaches, the revision loop every booking
//! write runs, and the view of a booking a caller gets back.

use serde::{Deserialize, Serialize};

use crate::policy::OwnerScope;
use crate::wix::bookings::{Booking, BookingChange, BookingStatus, ParticipantNotification};
use crate::{ApiError, Wix, WixError, WixId};

/// The bookings a caller may act on or see, decided from Wix data fetched with elevation, never from the
/// request: an admin reaches every booking; a member the bookings made by their own Wix contact.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reach {
    Every,
    Contact(WixId),
    /// A member Wix has no contact for: no booking is theirs.
    Nothing,
}

impl Reach {
    pub async fn of(wix: &Wix, scope: &OwnerScope) -> Result<Reach, ApiError> {
        let Some(member_id) = scope.member() else {
            return Ok(Reach::Every);
        };
        match wix.get_member(member_id).await {
            Ok(member) => Ok(member.contact_id.map_or(Reach::Nothing, Reach::Contact)),
            Err(e) if e.status() == Some(404) => Ok(Reach::Nothing),
            Err(e) => Err(e.into()),
        }
    }

    pub fn covers(&self, booking: &Booking) -> bool {
        match self {
            Reach::Every => true,
            Reach::Contact(contact) => booking.contact_id() == Some(*contact),
            Reach::Nothing => false,
        }
    }
}

/// The body of a write that needs nothing but the booking: `{"bookingId", "participantNotification"?}`.
#[derive(Deserialize)]
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
        if !reach.covers(&booking) {
            return Err(ApiError::Forbidden(
                "a member may only act on their own bookings",
            ));
        }
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
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BookingView {
    id: WixId,
    status: Option<BookingStatus>,
    service_id: Option<String>,
    service_name: Option<String>,
    /// Set for class bookings: the session booked.
    #[serde(skip_serializing_if = "Option::is_none")]
    session_id: Option<String>,
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
            session_id: slot.session_id,
            start_date: slot.start_date.or(booking.start_date),
            end_date: slot.end_date.or(booking.end_date),
            timezone: slot.timezone,
        }
    }
}
