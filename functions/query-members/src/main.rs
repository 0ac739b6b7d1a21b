//! `POST /` — query members for an admin screen (admin only).
//!
//! Body (every part optional): `{"filter":{"status":["PENDING"],"loginEmail","contactId",
//! "createdDate":{"from","to"}}, "sort":{"field":"createdDate"|"nickname","order":"ASC"|"DESC"},
//! "limit":1..100, "offset"}`. Filters on other fields are refused; the filter sent to Wix is built by
//! us. Each member comes back with the six fields an admin list shows, and nothing else.

use wix_elevate::members::MemberQuery;
use wix_elevate::policy::AdminGrant;
use wix_elevate::prelude::*;
use wix_elevate::wix::members::{Member, MembersPage};

pub struct QueryMembers;

impl Endpoint for QueryMembers {
    const NAME: &'static str = "query-members";
    const METHOD: Method = Method::POST;
    const DOC: Doc = Doc {
        tag: Tag::Members,
        summary: "Query members for an admin screen",
        description: "Who may call: an admin. Every part of the body is optional; all filters must match. \
            Filters on other fields, other sorts and limits over 100 are refused; the filter \
            sent to Wix is built by the function. Each member comes back with the six fields an \
            admin list shows, and nothing else.",
        answer: "One page of members.",
        examples: &[Example::only(
            r#"{"filter": {"status": ["APPROVED", "PENDING"], "loginEmail": "sam@example.com", "contactId": "da482462-f116-402b-a19b-ae1206f0c904"}, "sort": {"field": "createdDate", "order": "ASC"}, "limit": 20, "offset": 0}"#,
        )],
        errors: &[],
    };
    type Policy = Admin;
    type Input = Json<MemberQuery>;
    type Output = MemberList;

    async fn call(
        wix: &Wix,
        _admin: AdminGrant,
        Json(query): Json<MemberQuery>,
    ) -> Result<MemberList, ApiError> {
        let page = wix.query_members(&query.to_query()).await?;
        Ok(MemberList::new(page, &query))
    }
}

#[derive(Serialize, JsonSchema)]
pub struct MemberList {
    members: Vec<MemberRow>,
    paging: Paging,
}

#[derive(Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct MemberRow {
    id: WixId,
    login_email: Option<String>,
    status: Option<String>,
    nickname: Option<String>,
    contact_id: Option<WixId>,
    created_date: Option<String>,
}

#[derive(Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(rename = "MemberPaging")]
pub struct Paging {
    limit: u16,
    offset: u32,
    count: usize,
    total: Option<u32>,
    /// The offset of the next page, if there is one.
    next_offset: Option<u32>,
}

impl MemberList {
    fn new(page: MembersPage, query: &MemberQuery) -> Self {
        let offset = page.metadata.offset.unwrap_or(query.offset.get());
        let count = page.members.len();
        let next = offset.saturating_add(u32::try_from(count).unwrap_or(u32::MAX));
        let more = match page.metadata.total {
            Some(total) => next < total,
            None => count == usize::from(query.limit.get()),
        };
        MemberList {
            members: page.members.into_iter().map(MemberRow::from).collect(),
            paging: Paging {
                limit: query.limit.get(),
                offset,
                count,
                total: page.metadata.total,
                next_offset: (more && count > 0).then_some(next),
            },
        }
    }
}

impl From<Member> for MemberRow {
    fn from(m: Member) -> Self {
        MemberRow {
            id: m.id,
            login_email: m.login_email,
            status: m.status,
            nickname: m.profile.and_then(|p| p.nickname),
            contact_id: m.contact_id,
            created_date: m.created_date,
        }
    }
}

#[tokio::main]
async fn main() -> Result<(), wix_elevate::Error> {
    serve::<QueryMembers>().await
}
