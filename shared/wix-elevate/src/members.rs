//! Members as callers see them: the request bodies of the members functions, the query allowlist, and
//! our reading of Wix's answers. The wire calls are in [`crate::wix::members`].

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::ApiError;
use crate::WixId;
use crate::values::{Email, PageLimit, Phone, SortOrder, Text};
use crate::wix::Wix;
use crate::wix::filter::Filter;
use crate::wix::members::{
    ContactDraft, EMAIL_ALREADY_EXISTS, Member, MemberDraft, MembersQuery, ProfileDraft,
};

/// The body of a request about one member: `{"memberId"}`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct MemberRef {
    pub member_id: WixId,
}

/// A member's id and status: what a caller learns after creating or approving one.
#[derive(Debug, Serialize, JsonSchema)]
pub struct MemberState {
    pub id: WixId,
    pub status: Option<String>,
}

impl From<Member> for MemberState {
    fn from(member: Member) -> Self {
        MemberState {
            id: member.id,
            status: member.status,
        }
    }
}

/// Short free-text member fields (names, nickname).
pub type NameText = Text<100>;

/// A member to create, as a caller sends it: `{"loginEmail", "firstName"?, "lastName"?, "phones"?,
/// "nickname"?}`. Only the login email is required; names and phones go to the member's contact, the
/// nickname to the profile.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct NewMember {
    pub login_email: Email,
    pub first_name: Option<NameText>,
    pub last_name: Option<NameText>,
    /// Up to 5 phone numbers, as people type them.
    #[serde(default, deserialize_with = "at_most_five_phones")]
    #[schemars(length(max = 5))]
    pub phones: Vec<Phone>,
    pub nickname: Option<NameText>,
}

fn at_most_five_phones<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<Phone>, D::Error> {
    let phones = Vec::<Phone>::deserialize(d)?;
    if phones.len() > 5 {
        return Err(serde::de::Error::custom("at most 5 phones"));
    }
    Ok(phones)
}

impl NewMember {
    /// Wix's shape: names and phones on the contact, the nickname on the profile.
    pub fn draft(&self) -> MemberDraft<'_> {
        let has_contact =
            self.first_name.is_some() || self.last_name.is_some() || !self.phones.is_empty();
        MemberDraft {
            login_email: &self.login_email,
            contact: has_contact.then_some(ContactDraft {
                first_name: self.first_name.as_ref().map(Text::as_str),
                last_name: self.last_name.as_ref().map(Text::as_str),
                phones: &self.phones,
            }),
            profile: self.nickname.as_ref().map(|nickname| ProfileDraft {
                nickname: nickname.as_str(),
            }),
        }
    }
}

/// Create a member; a login email another member has is 409.
pub async fn create(wix: &Wix, member: &NewMember) -> Result<MemberState, ApiError> {
    let created = wix.create_member(&member.draft()).await.map_err(|e| {
        match (e.application_code(), e.status()) {
            (Some(EMAIL_ALREADY_EXISTS), _) | (_, Some(409)) => {
                ApiError::Conflict("a member with this login email already exists".into())
            }
            (_, Some(400)) => ApiError::bad_request("Wix refused the member's details"),
            _ => e.into(),
        }
    })?;
    Ok(created.into())
}

/// A members query as a caller may ask for it: filters on an allowlist of fields (all must match), one
/// allowlisted sort, offset paging. It is translated into Wix's filter language here; nothing the caller
/// sends is passed through.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct MemberQuery {
    #[serde(default)]
    pub filter: MemberFilter,
    pub sort: Option<MemberSort>,
    #[serde(default)]
    pub limit: PageLimit,
    #[serde(default)]
    pub offset: PageOffset,
}

/// Fields Wix filters members on (`MemberQuerySpec` in the SDK). `createdDate` is not one of them: Wix
/// sorts by it but refuses it in a filter.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct MemberFilter {
    /// Any of these statuses.
    pub status: Option<StatusSet>,
    pub login_email: Option<Email>,
    pub contact_id: Option<WixId>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum MemberStatus {
    Pending,
    Approved,
    Blocked,
    Offline,
}

impl MemberStatus {
    fn as_str(self) -> &'static str {
        match self {
            MemberStatus::Pending => "PENDING",
            MemberStatus::Approved => "APPROVED",
            MemberStatus::Blocked => "BLOCKED",
            MemberStatus::Offline => "OFFLINE",
        }
    }
}

/// One to four distinct statuses.
#[derive(Debug, Deserialize)]
#[serde(try_from = "Vec<MemberStatus>")]
pub struct StatusSet(Vec<MemberStatus>);

crate::schema_via!(inline StatusSet => Vec<MemberStatus>, {"minItems": 1, "maxItems": 4});

impl TryFrom<Vec<MemberStatus>> for StatusSet {
    type Error = &'static str;
    fn try_from(mut statuses: Vec<MemberStatus>) -> Result<Self, Self::Error> {
        if statuses.is_empty() || statuses.len() > 4 {
            return Err("status must list 1 to 4 statuses");
        }
        statuses.sort_by_key(|s| s.as_str());
        statuses.dedup();
        Ok(StatusSet(statuses))
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MemberSort {
    pub field: MemberSortField,
    #[serde(default)]
    pub order: SortOrder,
}

/// The sortable fields this project offers (Wix sorts members by these among others).
#[derive(Clone, Copy, Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum MemberSortField {
    CreatedDate,
    Nickname,
}

/// How many results to skip: at most 100 000.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(try_from = "u64")]
pub struct PageOffset(u32);

crate::schema_via!(inline PageOffset => u64, {"maximum": PageOffset::MAX, "default": 0});

impl PageOffset {
    pub const MAX: u32 = 100_000;

    pub fn get(self) -> u32 {
        self.0
    }
}

impl TryFrom<u64> for PageOffset {
    type Error = &'static str;
    fn try_from(offset: u64) -> Result<Self, Self::Error> {
        u32::try_from(offset)
            .ok()
            .filter(|o| *o <= Self::MAX)
            .map(PageOffset)
            .ok_or("offset must be between 0 and 100000")
    }
}

impl MemberQuery {
    /// The Wix query: each allowlisted field becomes one condition on one fixed Wix field.
    pub fn to_query(&self) -> MembersQuery {
        let f = &self.filter;
        let statuses: &[MemberStatus] = f.status.as_ref().map_or(&[], |s| s.0.as_slice());
        let filter = Filter::new()
            .one_of("status", statuses)
            .eq_some("loginEmail", f.login_email.as_ref())
            .eq_some("contactId", f.contact_id.as_ref());
        let sort = self.sort.as_ref().map(|sort| {
            let field = match sort.field {
                MemberSortField::CreatedDate => "createdDate",
                MemberSortField::Nickname => "profile.nickname",
            };
            (field, sort.order)
        });
        MembersQuery {
            filter,
            sort,
            limit: self.limit,
            offset: self.offset.get(),
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;

    fn query(body: Value) -> Result<MemberQuery, serde_json::Error> {
        serde_json::from_value(body)
    }

    #[test]
    fn an_empty_query_asks_for_the_first_50_members_without_a_filter() {
        assert_eq!(
            query(json!({})).unwrap().to_query().to_wix(),
            json!({ "query": { "filter": {}, "paging": { "limit": 50, "offset": 0 } }, "fieldsets": ["EXTENDED"] })
        );
    }

    #[test]
    fn allowlisted_filters_translate_into_wix_operators() {
        let q = query(json!({
            "filter": {
                "status": ["BLOCKED", "PENDING", "PENDING"],
                "loginEmail": "pat@example.com",
                "contactId": "D896B060-C5FE-4CBB-829B-51701C8E84B8"
            },
            "sort": { "field": "nickname", "order": "ASC" },
            "limit": 100,
            "offset": 200
        }))
        .unwrap();
        assert_eq!(
            q.to_query().to_wix(),
            json!({
                "query": {
                    "filter": { "$and": [
                        { "status": { "$in": ["BLOCKED", "PENDING"] } },
                        { "loginEmail": { "$eq": "pat@example.com" } },
                        { "contactId": { "$eq": "d896b060-c5fe-4cbb-829b-51701c8e84b8" } }
                    ] },
                    "paging": { "limit": 100, "offset": 200 },
                    "sort": [{ "fieldName": "profile.nickname", "order": "ASC" }]
                },
                "fieldsets": ["EXTENDED"]
            })
        );
        let one = query(
            json!({ "filter": { "status": ["APPROVED"] }, "sort": { "field": "createdDate" } }),
        )
        .unwrap()
        .to_query()
        .to_wix();
        assert_eq!(
            one["query"]["filter"],
            json!({ "status": { "$in": ["APPROVED"] } })
        );
        assert_eq!(
            one["query"]["sort"],
            json!([{ "fieldName": "createdDate", "order": "DESC" }])
        );
    }

    #[test]
    fn filters_outside_the_allowlist_and_bad_values_are_refused() {
        for bad in [
            json!({ "filter": { "profile.nickname": "Mia" } }),
            json!({ "filter": { "status": { "$ne": "BLOCKED" } } }),
            json!({ "filter": { "status": [] } }),
            json!({ "filter": { "status": ["DELETED"] } }),
            json!({ "filter": { "loginEmail": { "$startsWith": "a" } } }),
            json!({ "filter": { "loginEmail": "not an email" } }),
            json!({ "filter": { "contactId": "../x" } }),
            json!({ "filter": { "createdDate": { "from": "2026-01-01T00:00:00Z" } } }),
            json!({ "filter": { "$or": [] } }),
            json!({ "sort": { "field": "loginEmail" } }),
            json!({ "sort": { "field": "createdDate", "order": "RANDOM" } }),
            json!({ "limit": 101 }),
            json!({ "limit": 0 }),
            json!({ "limit": "10" }),
            json!({ "offset": -1 }),
            json!({ "offset": 100_001 }),
            json!({ "cursor": "abc" }),
            json!({ "fieldsets": ["FULL"] }),
        ] {
            assert!(query(bad.clone()).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_new_member_needs_a_valid_login_email_and_nothing_unknown() {
        for bad in [
            json!({}),
            json!({ "loginEmail": "nope" }),
            json!({ "loginEmail": 42 }),
            json!({ "loginEmail": "a@b.co", "status": "APPROVED" }),
            json!({ "loginEmail": "a@b.co", "firstName": "x".repeat(101) }),
            json!({ "loginEmail": "a@b.co", "phones": vec!["555 0100"; 6] }),
            json!({ "loginEmail": "a@b.co", "phones": "555 0100" }),
        ] {
            assert!(
                serde_json::from_value::<NewMember>(bad.clone()).is_err(),
                "{bad}"
            );
        }
        assert!(
            serde_json::from_value::<NewMember>(
                json!({ "loginEmail": "a@b.co", "phones": ["555 0100"] })
            )
            .is_ok()
        );
    }

    #[test]
    fn a_new_member_leaves_out_what_was_not_given() {
        let email = Email::parse("new@example.com").unwrap();
        let bare = NewMember {
            login_email: email.clone(),
            first_name: None,
            last_name: None,
            phones: Vec::new(),
            nickname: None,
        };
        assert_eq!(
            serde_json::to_value(bare.draft()).unwrap(),
            json!({ "loginEmail": "new@example.com" })
        );
        let full = NewMember {
            login_email: email,
            first_name: Some(Text::parse("Lee").unwrap()),
            last_name: None,
            phones: vec![Phone::parse("+351 912 345 678").unwrap()],
            nickname: Some(Text::parse("lee").unwrap()),
        };
        assert_eq!(
            serde_json::to_value(full.draft()).unwrap(),
            json!({
                "loginEmail": "new@example.com",
                "contact": { "firstName": "Lee", "phones": ["+351 912 345 678"] },
                "profile": { "nickname": "lee" }
            })
        );
    }
}
