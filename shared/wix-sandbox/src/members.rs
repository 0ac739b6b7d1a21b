//! Site members (`members/v1`, wix-api.md §5): the records behind the refresh-token grant and the
//! members routes.

use axum::extract::{Path, Query, State};
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::auth::AdminAuth;
use crate::error::WixError;
use crate::seed;
use crate::state::SandboxState;

/// One member as the sandbox stores it.
#[derive(Clone, Debug)]
pub(crate) struct MemberRecord {
    pub id: String,
    pub contact_id: String,
    pub login_email: String,
    pub nickname: String,
    /// `PENDING | APPROVED | BLOCKED | OFFLINE`.
    pub status: String,
    pub created_date: String,
    pub updated_date: String,
    pub refresh_token: String,
}

/// Wix's `fieldsets`: `PUBLIC` (the default) leaves out the login email and contact.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Fieldset {
    Public,
    Extended,
    Full,
}

impl Fieldset {
    pub fn parse(value: Option<&str>) -> Result<Self, WixError> {
        match value.unwrap_or("PUBLIC") {
            "PUBLIC" => Ok(Fieldset::Public),
            "EXTENDED" => Ok(Fieldset::Extended),
            "FULL" => Ok(Fieldset::Full),
            other => Err(WixError::validation(
                "fieldsets",
                format!("unknown fieldset {other:?}"),
            )),
        }
    }
}

impl MemberRecord {
    /// The member as Wix returns it (plain `id`, `createdDate` on the wire).
    pub fn to_wix(&self, fieldset: Fieldset) -> Value {
        let mut member = json!({
            "id": self.id,
            "profile": { "nickname": self.nickname, "slug": self.nickname.to_lowercase() },
            "privacyStatus": "PUBLIC",
            "activityStatus": "ACTIVE",
            "createdDate": self.created_date,
            "updatedDate": self.updated_date,
        });
        if fieldset != Fieldset::Public {
            member["loginEmail"] = json!(self.login_email);
            member["loginEmailVerified"] = json!(true);
            member["status"] = json!(self.status);
            member["contactId"] = json!(self.contact_id);
        }
        if fieldset == Fieldset::Full {
            member["contact"] = json!({ "firstName": self.nickname, "lastName": "", "phones": [], "emails": [self.login_email] });
        }
        member
    }
}

pub(crate) struct MemberData {
    pub members: Vec<MemberRecord>,
}

impl MemberData {
    pub fn seeded() -> Self {
        let members = seed::MEMBERS
            .iter()
            .map(|m| MemberRecord {
                id: m.id.to_owned(),
                contact_id: m.contact_id.to_owned(),
                login_email: m.login_email.to_owned(),
                nickname: m.nickname.to_owned(),
                status: m.status.as_str().to_owned(),
                created_date: "2026-01-15T09:30:00.000Z".to_owned(),
                updated_date: "2026-01-15T09:30:00.000Z".to_owned(),
                refresh_token: m.refresh_token.to_owned(),
            })
            .collect();
        MemberData { members }
    }

    pub fn by_refresh_token(&self, token: &str) -> Option<&MemberRecord> {
        self.members.iter().find(|m| m.refresh_token == token)
    }

    pub fn by_id(&self, id: &str) -> Option<&MemberRecord> {
        self.members.iter().find(|m| m.id == id)
    }
}

pub fn routes() -> Router<SandboxState> {
    Router::new().route("/members/v1/members/{id}", get(get_member))
}

#[derive(Deserialize)]
struct GetMemberQuery {
    fieldsets: Option<String>,
}

/// `GET /members/v1/members/{id}?fieldsets=FULL` → `{member}`.
async fn get_member(
    _admin: AdminAuth,
    State(state): State<SandboxState>,
    Path(id): Path<String>,
    Query(query): Query<GetMemberQuery>,
) -> Result<Json<Value>, WixError> {
    let fieldset = Fieldset::parse(query.fieldsets.as_deref())?;
    state.with(|w| {
        let member = w
            .members
            .by_id(&id)
            .ok_or_else(|| WixError::not_found(format!("member {id} not found")))?;
        Ok(Json(json!({ "member": member.to_wix(fieldset) })))
    })
}
