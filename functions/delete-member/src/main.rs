//! `POST /` — delete a member: `{"memberId"}`. An admin may delete any member; a member only themself.

use wix_elevate::members::MemberRef;
use wix_elevate::ownership::{MemberAccount, Reach};
use wix_elevate::prelude::*;

pub struct DeleteMember;

impl Endpoint for DeleteMember {
    const NAME: &'static str = "delete-member";
    const METHOD: Method = Method::POST;
    const DOC: Doc = Doc {
        tag: Tag::Members,
        summary: "Delete a member",
        description: "Who may call: an admin (any member), or a member deleting themself; any other \
            member's id is a 403.",
        answer: "The member was deleted.",
        examples: &[Example::only(
            r#"{"memberId": "a45999e9-f0a5-4a90-9d3d-1528a2ceeb01"}"#,
        )],
        errors: &[StatusCode::NOT_FOUND],
    };
    /// A member's own writes are capped per hour and day across every instance (admins: none).
    const BUDGETS: Budgets = Budgets::MemberWrites;
    type Policy = AdminOrOwner;
    type Input = Json<MemberRef>;
    type Output = Deleted;

    fn target(input: &Json<MemberRef>) -> Option<String> {
        Some(input.0.member_id.to_string())
    }

    async fn call(
        wix: &Wix,
        scope: OwnerScope,
        Json(input): Json<MemberRef>,
    ) -> Result<Deleted, ApiError> {
        // A member's own account is the resource: no lookup needed to know whose it is.
        Reach::of(&scope).ensure(&MemberAccount(input.member_id))?;
        wix.delete_member(&input.member_id).await?;
        Ok(Deleted {
            id: input.member_id,
            deleted: true,
        })
    }
}

#[derive(Serialize, JsonSchema)]
pub struct Deleted {
    id: WixId,
    /// Always `true`: a failed deletion is a problem answer.
    #[schemars(extend("const" = true))]
    deleted: bool,
}

#[tokio::main]
async fn main() -> Result<(), wix_elevate::Error> {
    serve::<DeleteMember>().await
}
