//! Members (`members/v1`, wix-api.md §5): get, create, approve, delete, query.

use serde::de::IgnoredAny;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::{Repeat, Wix, WixError, WixPath};
use crate::WixId;
use crate::values::{Email, PageLimit, Phone, Text, Timestamp};

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

/// The body of a request about one member: `{"memberId"}`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct MemberRef {
    pub member_id: WixId,
}

/// A member's id and status: what a caller learns after creating or approving one.
#[derive(Debug, Serialize)]
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

#[derive(Deserialize)]
struct MemberEnvelope {
    member: Member,
}

/// Short free-text member fields (names, nickname).
pub type NameText = Text<100>;

/// A member to create, as a caller sends it: `{"loginEmail", "firstName"?, "lastName"?, "phones"?,
/// "nickname"?}`. Only the login email is required; names and phones go to the member's contact, the
/// nickname to the profile.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct NewMember {
    pub login_email: Email,
    pub first_name: Option<NameText>,
    pub last_name: Option<NameText>,
    #[serde(default, deserialize_with = "at_most_five_phones")]
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

/// `{"member":{"loginEmail","contact":{…},"profile":{…}}}` with absent fields left out.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CreateMemberWire<'a> {
    login_email: &'a Email,
    #[serde(skip_serializing_if = "Option::is_none")]
    contact: Option<ContactWire<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    profile: Option<ProfileWire<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ContactWire<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    first_name: Option<&'a NameText>,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_name: Option<&'a NameText>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    phones: &'a [Phone],
}

#[derive(Serialize)]
struct ProfileWire<'a> {
    nickname: &'a NameText,
}

impl NewMember {
    fn to_wire(&self) -> Value {
        let has_contact =
            self.first_name.is_some() || self.last_name.is_some() || !self.phones.is_empty();
        let member = CreateMemberWire {
            login_email: &self.login_email,
            contact: has_contact.then_some(ContactWire {
                first_name: self.first_name.as_ref(),
                last_name: self.last_name.as_ref(),
                phones: &self.phones,
            }),
            profile: self
                .nickname
                .as_ref()
                .map(|nickname| ProfileWire { nickname }),
        };
        json!({ "member": member })
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
    pub async fn create_member(&self, member: &NewMember) -> Result<Member, WixError> {
        let envelope: MemberEnvelope = self
            .post(
                &WixPath::new("/members/v1/members"),
                &member.to_wire(),
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
    pub async fn query_members(&self, query: &MemberQuery) -> Result<MembersPage, WixError> {
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

/// A members query as a caller may ask for it: filters on an allowlist of fields (all must match), one
/// allowlisted sort, offset paging. It is translated into Wix's filter language here; nothing the caller
/// sends is passed through.
#[derive(Debug, Default, Deserialize)]
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

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct MemberFilter {
    /// Any of these statuses.
    pub status: Option<StatusSet>,
    pub login_email: Option<Email>,
    pub contact_id: Option<WixId>,
    pub created_date: Option<DateRange>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
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

/// `from` (inclusive) and/or `to` (exclusive), `from` before `to`.
#[derive(Debug, Deserialize)]
#[serde(try_from = "RawDateRange")]
pub struct DateRange {
    pub from: Option<Timestamp>,
    pub to: Option<Timestamp>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDateRange {
    from: Option<Timestamp>,
    to: Option<Timestamp>,
}

impl TryFrom<RawDateRange> for DateRange {
    type Error = &'static str;
    fn try_from(raw: RawDateRange) -> Result<Self, Self::Error> {
        match (raw.from, raw.to) {
            (None, None) => Err("a date range needs from, to or both"),
            (Some(from), Some(to)) if from >= to => Err("from must be before to"),
            (from, to) => Ok(DateRange { from, to }),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MemberSort {
    pub field: MemberSortField,
    #[serde(default)]
    pub order: SortOrder,
}

/// The sortable fields this project offers (Wix sorts members by these among others).
#[derive(Clone, Copy, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum MemberSortField {
    CreatedDate,
    Nickname,
}

#[derive(Clone, Copy, Debug, Default, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum SortOrder {
    Asc,
    #[default]
    Desc,
}

/// How many results to skip: at most 100 000.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(try_from = "u64")]
pub struct PageOffset(u32);

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
    /// The body of Wix's Query Members. `EXTENDED` brings login email, status and contact id, and not
    /// the contact's details.
    pub fn to_wix(&self) -> Value {
        let mut filter = Map::new();
        let f = &self.filter;
        if let Some(StatusSet(statuses)) = &f.status {
            let condition = match statuses.as_slice() {
                [one] => json!({ "$eq": one.as_str() }),
                many => json!({ "$in": many.iter().map(|s| s.as_str()).collect::<Vec<_>>() }),
            };
            filter.insert("status".into(), condition);
        }
        if let Some(email) = &f.login_email {
            filter.insert("loginEmail".into(), json!({ "$eq": email }));
        }
        if let Some(contact_id) = &f.contact_id {
            filter.insert("contactId".into(), json!({ "$eq": contact_id }));
        }
        if let Some(range) = &f.created_date {
            let mut bounds = Map::new();
            if let Some(from) = range.from {
                bounds.insert("$gte".into(), json!(from));
            }
            if let Some(to) = range.to {
                bounds.insert("$lt".into(), json!(to));
            }
            filter.insert("createdDate".into(), Value::Object(bounds));
        }
        let mut query = json!({
            "filter": filter,
            "paging": { "limit": self.limit.get(), "offset": self.offset.get() },
        });
        if let Some(sort) = &self.sort {
            let field = match sort.field {
                MemberSortField::CreatedDate => "createdDate",
                MemberSortField::Nickname => "profile.nickname",
            };
            let order = match sort.order {
                SortOrder::Asc => "ASC",
                SortOrder::Desc => "DESC",
            };
            query["sorting"] = json!([{ "fieldName": field, "order": order }]);
        }
        json!({ "query": query, "fieldsets": ["EXTENDED"] })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(body: Value) -> Result<MemberQuery, serde_json::Error> {
        serde_json::from_value(body)
    }

    #[test]
    fn an_empty_query_asks_for_the_first_50_members_without_a_filter() {
        assert_eq!(
            query(json!({})).unwrap().to_wix(),
            json!({ "query": { "filter": {}, "paging": { "limit": 50, "offset": 0 } }, "fieldsets": ["EXTENDED"] })
        );
    }

    #[test]
    fn allowlisted_filters_translate_into_wix_operators() {
        let q = query(json!({
            "filter": {
                "status": ["BLOCKED", "PENDING", "PENDING"],
                "loginEmail": "pat@example.com",
                "contactId": "D896B060-C5FE-4CBB-829B-51701C8E84B8",
                "createdDate": { "from": "2026-01-01T00:00:00Z", "to": "2026-02-01T01:00:00+01:00" }
            },
            "sort": { "field": "nickname", "order": "ASC" },
            "limit": 100,
            "offset": 200
        }))
        .unwrap();
        assert_eq!(
            q.to_wix(),
            json!({
                "query": {
                    "filter": {
                        "status": { "$in": ["BLOCKED", "PENDING"] },
                        "loginEmail": { "$eq": "pat@example.com" },
                        "contactId": { "$eq": "d896b060-c5fe-4cbb-829b-51701c8e84b8" },
                        "createdDate": { "$gte": "2026-01-01T00:00:00.000Z", "$lt": "2026-02-01T00:00:00.000Z" }
                    },
                    "paging": { "limit": 100, "offset": 200 },
                    "sorting": [{ "fieldName": "profile.nickname", "order": "ASC" }]
                },
                "fieldsets": ["EXTENDED"]
            })
        );
        let one = query(json!({ "filter": { "status": ["APPROVED"], "createdDate": { "to": "2026-01-01T00:00:00Z" } }, "sort": { "field": "createdDate" } }))
            .unwrap()
            .to_wix();
        assert_eq!(
            one["query"]["filter"]["status"],
            json!({ "$eq": "APPROVED" })
        );
        assert_eq!(
            one["query"]["filter"]["createdDate"],
            json!({ "$lt": "2026-01-01T00:00:00.000Z" })
        );
        assert_eq!(one["query"]["sorting"][0]["order"], "DESC");
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
            json!({ "filter": { "createdDate": {} } }),
            json!({ "filter": { "createdDate": { "$gte": "2026-01-01T00:00:00Z" } } }),
            json!({ "filter": { "createdDate": { "from": "2026-02-01T00:00:00Z", "to": "2026-01-01T00:00:00Z" } } }),
            json!({ "filter": { "createdDate": { "from": "last week" } } }),
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
            bare.to_wire(),
            json!({ "member": { "loginEmail": "new@example.com" } })
        );
        let full = NewMember {
            login_email: email,
            first_name: Some(Text::parse("Lee").unwrap()),
            last_name: None,
            phones: vec![Phone::parse("+351 912 345 678").unwrap()],
            nickname: Some(Text::parse("lee").unwrap()),
        };
        assert_eq!(
            full.to_wire(),
            json!({ "member": {
                "loginEmail": "new@example.com",
                "contact": { "firstName": "Lee", "phones": ["+351 912 345 678"] },
                "profile": { "nickname": "lee" }
            } })
        );
    }
}
