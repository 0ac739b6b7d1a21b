//! `POST /` `{"bookingId", "participantNotification"?}` — an admin confirms a booking.
//!
//! Wix confirms bookings that are PENDING, CREATED or WAITING_LIST. Any other status is a 409 decided
//! here from the booking as Wix has it now, before any write; the revision sent is the one just read.

use wix_elevate::bookings::{BookingRequest, BookingView, write_booking};
use wix_elevate::policy::AdminGrant;
use wix_elevate::prelude::*;
use wix_elevate::wix::bookings::{Booking, BookingChange, BookingStatus};

pub struct ConfirmBooking;

impl Endpoint for ConfirmBooking {
    const NAME: &'static str = "confirm-booking";
    const METHOD: Method = Method::POST;
    const DOC: Doc = Doc {
        tag: Tag::Bookings,
        summary: "Confirm a booking",
        description: "Who may call: an admin. Wix confirms bookings that are PENDING, CREATED or \
            WAITING_LIST; any other status is a 409, decided from the booking as Wix has it now, \
            before any write. The revision sent is the one just read; if the booking changes in \
            between, the function reads it and tries once more, then answers 409. An unknown \
            booking is a 404.",
        answer: "The booking after the change.",
        examples: &[Example::only(
            r#"{"bookingId": "c8833c19-e81f-4823-a1ad-dad4e1542478", "participantNotification": {"notifyParticipants": true, "message": "See you on Thursday"}}"#,
        )],
        errors: &[StatusCode::NOT_FOUND, StatusCode::CONFLICT],
    };
    type Policy = Admin;
    type Input = Json<BookingRequest>;
    type Output = BookingView;

    fn target(input: &Json<BookingRequest>) -> Option<String> {
        Some(input.0.booking_id.to_string())
    }

    async fn call(
        wix: &Wix,
        _admin: AdminGrant,
        Json(input): Json<BookingRequest>,
    ) -> Result<BookingView, ApiError> {
        write_booking(
            wix,
            &Reach::Every,
            &input.booking_id,
            &BookingChange::Confirm,
            &input.participant_notification,
            confirmable,
        )
        .await
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
