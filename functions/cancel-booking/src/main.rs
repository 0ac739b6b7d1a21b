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
    const DOC: Doc = Doc {
        tag: Tag::Bookings,
        summary: "Cancel a booking",
        description: "Who may call: an admin (any booking), or the member whose booking it is by who made \
            it, read from Wix: its `createdBy.memberId` is theirs, or the site (a Wix user or an \
            app) made it for their own contact. A booking an anonymous visitor or another member \
            made is not theirs, whatever its contact (Wix links contacts by email). Anyone \
            else's booking is a 403 `not-owner` and nothing is written. A booking already \
            canceled, or declined, is a 409; an unknown booking a 404.",
        answer: "The booking after the change.",
        examples: &[Example::only(
            r#"{"bookingId": "125a2e92-bee9-4d39-b28a-1a14284ec1f0", "participantNotification": {"notifyParticipants": true, "message": "The studio is closed that day, sorry."}}"#,
        )],
        errors: &[StatusCode::NOT_FOUND, StatusCode::CONFLICT],
    };
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
