//! `POST /` — create a site member (admin only).
//!
//! Body: `{"loginEmail", "firstName"?, "lastName"?, "phones"?, "nickname"?}`. Answers the new member's id
//! and status. An email another member already has is a 409. Wix asks for member creations to be at least
//! a second apart: a caller creating many members paces itself.

use wix_elevate::members::{self, MemberState, NewMember};
use wix_elevate::policy::AdminGrant;
use wix_elevate::prelude::*;

pub struct CreateMember;

impl Endpoint for CreateMember {
    const NAME: &'static str = "create-member";
    const METHOD: Method = Method::POST;
    /// A retry with the same `Idempotency-Key` gets the first answer instead of a second write.
    const IDEMPOTENCY: Idempotency = Idempotency::Optional;
    type Policy = Admin;
    type Input = Json<NewMember>;
    type Output = MemberState;

    async fn call(
        wix: &Wix,
        _admin: AdminGrant,
        Json(member): Json<NewMember>,
    ) -> Result<MemberState, ApiError> {
        members::create(wix, &member).await
    }
}

#[tokio::main]
async fn main() -> Result<(), wix_elevate::Error> {
    serve::<CreateMember>().await
}
