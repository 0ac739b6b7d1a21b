//! `POST /` `{"bookingId", "participantNotification"?}` — cancel a booking: any booking for an admin, a
//! member's own booking for that member.
//!
//! Whose booking it is comes from Wix, read with elevation, by the rule in [`wix_elevate::ownership`]:
//! who made it (`createdBy`), and its contact only for bookings the site or an app made. Anyone else's
//! is a 403 `not-owner` with nothing written. A booking already canceled, or declined, is a 409 decided
//! here before any write.

use wix_elevate::bookings::{BookingRequest, BookingView, write_booking};
use wix_elevate::prelude::*;
use wix_elevate::wix::bookings::{Booking, BookingChange, BookingStatus};

pub struct CancelBooking;

impl Endpoint for CancelBooking {
    const NAME: &'static str = "cancel-booking";
    const METHOD: Method = Method::POST;
    /// A member's own writes are capped per hour and day across every instance (admins: none).
    const BUDGETS: Budgets = Budgets::MemberWrites;
    type Policy = AdminOrOwner;
    type Input = Json<BookingRequest>;
    type Output = BookingView;

    fn target(input: &Json<BookingRequest>) -> Option<String> {
        Some(input.0.booking_id.to_string())
    }

    async fn call(
        wix: &Wix,
        scope: OwnerScope,
        Json(input): Json<BookingRequest>,
    ) -> Result<BookingView, ApiError> {
        let reach = Reach::with_contact(wix, &scope).await?;
        write_booking(
            wix,
            &reach,
            &input.booking_id,
            &BookingChange::Cancel,
            &input.participant_notification,
            cancelable,
        )
        .await
    }
}

fn cancelable(booking: &Booking) -> Result<(), ApiError> {
    match booking.status() {
        Some(BookingStatus::Canceled) => {
            Err(ApiError::Conflict("the booking is already canceled".into()))
        }
        Some(BookingStatus::Declined) => Err(ApiError::Conflict(
            "a declined booking cannot be canceled".into(),
        )),
        _ => Ok(()),
    }
}

#[tokio::main]
async fn main() -> Result<(), wix_elevate::Error> {
    serve::<CancelBooking>().await
}
