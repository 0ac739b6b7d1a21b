//! Members (`members/v1`, wix-api.md §5): get, create, approve, delete, query.

use serde::de::IgnoredAny;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::filter::Filter;
use super::{Repeat, Wix, WixError, WixPath};
use crate::WixId;
use crate::values::{Email, PageLimit, Phone, SortOrder};

/// Wix's application error code for a login email another member already has.
pub const EMAIL_ALREADY_EXISTS: &str = "-19995";

/// A member as this project reads it. Wix sends more; unknown fields are ignored.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Member {
    pub id: WixId,
    pub contact_id: Option<WixId>,
    pub login_email: Option<String>,
    /// `PENDING | APPROVED | BLOCKED | OFFLINE | UNKNOWN`.
    pub status: Option<String>,
    pub profile: Option<Profile>,
    pub created_date: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Profile {
    pub nickname: Option<String>,
}

#[derive(Deserialize)]
struct MemberEnvelope {
    member: Member,
}

/// A member to create, as Wix takes it: `{"member":{"loginEmail","contact":{…},"profile":{…}}}`, absent
/// fields left out.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MemberDraft<'a> {
    pub login_email: &'a Email,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contact: Option<ContactDraft<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub profile: Option<ProfileDraft<'a>>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ContactDraft<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_name: Option<&'a str>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    pub phones: &'a [Phone],
}

#[derive(Debug, Serialize)]
pub struct ProfileDraft<'a> {
    pub nickname: &'a str,
}

/// One Query Members request: conditions on Wix's filterable fields, one sort, offset paging. Fields are
/// named by the domain layer; this only writes Wix's body.
#[derive(Debug)]
pub struct MembersQuery {
    pub filter: Filter,
    pub sort: Option<(&'static str, SortOrder)>,
    pub limit: PageLimit,
    pub offset: u32,
}

impl MembersQuery {
    /// The body of Wix's Query Members. `EXTENDED` brings login email, status and contact id, and not
    /// the contact's details.
    pub fn to_wix(&self) -> Value {
        let mut query = json!({
            "filter": self.filter.to_json(),
            "paging": { "limit": self.limit.get(), "offset": self.offset },
        });
        // `sort`, as the SDK's query builder sends it (the REST type names it `sorting`).
        if let Some((field, order)) = self.sort {
            query["sort"] = json!([{ "fieldName": field, "order": order }]);
        }
        json!({ "query": query, "fieldsets": ["EXTENDED"] })
    }
}

impl Wix {
    /// `GET /members/v1/members/{id}?fieldsets=FULL`: one member with login email, status and contact id.
    pub async fn get_member(&self, id: &WixId) -> Result<Member, WixError> {
        let path = WixPath::new("/members/v1/members").id(id);
        let envelope: MemberEnvelope = self.get(&path, &[("fieldsets", "FULL".to_owned())]).await?;
        Ok(envelope.member)
    }

    /// `POST /members/v1/members`. Not repeated after a failure that may have reached Wix (it would
    /// create a second member, or fail on the first one's email). Wix asks for member creations at least
    /// a second apart; a caller creating many members paces itself.
    pub async fn create_member(&self, member: &MemberDraft<'_>) -> Result<Member, WixError> {
        let envelope: MemberEnvelope = self
            .post(
                &WixPath::new("/members/v1/members"),
                &json!({ "member": member }),
                Repeat::Once,
            )
            .await?;
        Ok(envelope.member)
    }

    /// `POST /members/v1/members/{id}/approve`: a pending member becomes approved, a blocked one is
    /// unblocked (Wix's approve does both); approving an approved member changes nothing.
    pub async fn approve_member(&self, id: &WixId) -> Result<Member, WixError> {
        let path = WixPath::new("/members/v1/members")
            .id(id)
            .segment("approve");
        let envelope: MemberEnvelope = self.post(&path, &json!({}), Repeat::Safe).await?;
        Ok(envelope.member)
    }

    /// `DELETE /members/v1/members/{id}`.
    pub async fn delete_member(&self, id: &WixId) -> Result<(), WixError> {
        let path = WixPath::new("/members/v1/members").id(id);
        let _: IgnoredAny = self.delete(&path, &[]).await?;
        Ok(())
    }

    /// `POST /members/v1/members/query` with the filter, sort and page built from `query`.
    pub async fn query_members(&self, query: &MembersQuery) -> Result<MembersPage, WixError> {
        self.post(
            &WixPath::new("/members/v1/members/query"),
            &query.to_wix(),
            Repeat::Safe,
        )
        .await
    }
}

/// One page of a members query.
#[derive(Debug, Deserialize)]
pub struct MembersPage {
    #[serde(default)]
    pub members: Vec<Member>,
    #[serde(default)]
    pub metadata: PagingMetadata,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PagingMetadata {
    pub count: Option<u32>,
    pub offset: Option<u32>,
    pub total: Option<u32>,
    pub too_many_to_count: Option<bool>,
}

/// The answer types this module decodes, for the fuzz targets.
#[cfg(feature = "fuzzing")]
pub(crate) const ANSWERS: &[super::AnswerDecoder] = &[
    super::decodes::<MemberEnvelope>,
    super::decodes::<MembersPage>,
];
