//! `POST /` — create a site member (admin only).
//!
//! Body: `{"loginEmail", "firstName"?, "lastName"?, "phones"?, "nickname"?}`. Answers the new member's id
//! and status. An email another member already has is a 409. Wix asks for member creations to be at least
//! a second apart: a caller creating many members paces itself.

use wix_elevate::policy::AdminGrant;
use wix_elevate::prelude::*;
use wix_elevate::wix::members::{EMAIL_ALREADY_EXISTS, MemberState, NewMember};

struct CreateMember;

impl Endpoint for CreateMember {
    const NAME: &'static str = "create-member";
    const METHOD: Method = Method::POST;
    type Policy = Admin;
    type Input = Json<NewMember>;
    type Output = MemberState;

    async fn call(
        wix: &Wix,
        _admin: AdminGrant,
        Json(member): Json<NewMember>,
    ) -> Result<MemberState, ApiError> {
        let member = wix.create_member(&member).await.map_err(|e| {
            match (e.application_code(), e.status()) {
                (Some(EMAIL_ALREADY_EXISTS), _) | (_, Some(409)) => {
                    ApiError::Conflict("a member with this login email already exists".into())
                }
                (_, Some(400)) => ApiError::bad_request("Wix refused the member's details"),
                _ => e.into(),
            }
        })?;
        Ok(member.into())
    }
}

#[tokio::main]
async fn main() -> Result<(), wix_elevate::Error> {
    serve::<CreateMember>().await
}
