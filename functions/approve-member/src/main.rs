//! `POST /` — approve a member (admin only): `{"memberId"}`.
//!
//! As Wix's approve does, a pending member becomes approved and a blocked one is unblocked; approving an
//! approved member changes nothing. Answers the member's id and status.

use wix_elevate::members::{MemberRef, MemberState};
use wix_elevate::policy::AdminGrant;
use wix_elevate::prelude::*;

pub struct ApproveMember;

impl Endpoint for ApproveMember {
    const NAME: &'static str = "approve-member";
    const METHOD: Method = Method::POST;
    const DOC: Doc = Doc {
        tag: Tag::Members,
        summary: "Approve a member",
        description: "Who may call: an admin. As Wix's approve does, a pending member becomes approved and \
            a blocked one is unblocked; approving an approved member changes nothing. A member \
            id Wix does not know is a 404.",
        answer: "The member's id and status after the approval.",
        examples: &[Example::only(
            r#"{"memberId": "9b91956c-28f3-4f7c-9732-f18135af9f3a"}"#,
        )],
        errors: &[StatusCode::NOT_FOUND, StatusCode::CONFLICT],
    };
    type Policy = Admin;
    type Input = Json<MemberRef>;
    type Output = MemberState;

    fn target(input: &Json<MemberRef>) -> Option<String> {
        Some(input.0.member_id.to_string())
    }

    async fn call(
        wix: &Wix,
        _admin: AdminGrant,
        Json(input): Json<MemberRef>,
    ) -> Result<MemberState, ApiError> {
        Ok(wix.approve_member(&input.member_id).await?.into())
    }
}

#[tokio::main]
async fn main() -> Result<(), wix_elevate::Error> {
    serve::<ApproveMember>().await
}
