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
    const DOC: Doc = Doc {
        tag: Tag::Members,
        summary: "Create a site member",
        description: "Who may call: an admin. Creates a member from `loginEmail`; names and phones go to \
            the member's contact, the nickname to the profile. New members start `PENDING`. An \
            email another member already has is a 409. Wix asks for member creations to be at \
            least a second apart: a caller creating many members paces itself (the function does \
            not wait).",
        answer: "The new member's id and status.",
        examples: &[Example::only(
            r#"{"loginEmail": "lee@example.com", "firstName": "Lee", "lastName": "Park", "phones": ["+351 912 345 678"], "nickname": "leep"}"#,
        )],
        errors: &[],
    };
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
