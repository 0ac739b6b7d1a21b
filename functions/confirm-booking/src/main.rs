//! `POST /` `{"bookingId", "participantNotification"?}` — an admin confirms a booking.
//!
//! Wix confirms bookings that are PENDING, CREATED or WAITING_LIST. Any other status is a 409 decided
//! here from the booking as Wix has it now, before any write; the revision sent is the one just read.

use wix_elevate::bookings::{BookingView, Reach, write_booking};
use wix_elevate::policy::AdminGrant;
use wix_elevate::prelude::*;
use wix_elevate::wix::bookings::{Booking, BookingChange, BookingStatus, ParticipantNotification};

struct ConfirmBooking;

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct ConfirmRequest {
    booking_id: WixId,
    #[serde(default)]
    participant_notification: ParticipantNotification,
}

impl Endpoint for ConfirmBooking {
    const NAME: &'static str = "confirm-booking";
    const METHOD: Method = Method::POST;
    type Policy = Admin;
    type Input = Json<ConfirmRequest>;
    type Output = BookingView;

    fn target(input: &Json<ConfirmRequest>) -> Option<String> {
        Some(input.0.booking_id.to_string())
    }

    async fn call(
        wix: &Wix,
        _admin: AdminGrant,
        Json(input): Json<ConfirmRequest>,
    ) -> Result<BookingView, ApiError> {
        let booking = write_booking(
            wix,
            &input.booking_id,
            &Reach::Every,
            confirmable,
            &BookingChange::Confirm,
            &input.participant_notification,
        )
        .await?;
        Ok(booking.into())
    }
}

fn confirmable(booking: &Booking) -> Result<(), ApiError> {
    use BookingStatus::*;
    match booking.status() {
        Some(Pending | Created | WaitingList) => Ok(()),
        Some(Confirmed) => Err(ApiError::Conflict(
            "the booking is already confirmed".into(),
        )),
        _ => Err(ApiError::Conflict(
            "only a pending booking can be confirmed".into(),
        )),
    }
}

#[tokio::main]
async fn main() -> Result<(), wix_elevate::Error> {
    serve::<ConfirmBooking>().await
}
