//! Site members (`members/v1`, wix-api.md §5): the records behind the refresh-token grant and the
//! members routes: get, create, approve, delete, query.

use std::cmp::Ordering;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::auth::AdminAuth;
use crate::error::{WixError, WixJson};
use crate::query::{self, Dialect};
use crate::seed;
use crate::state::{SandboxState, World, now_iso};

/// Wix's application error code for a login email another member already has.
pub const EMAIL_EXISTS_CODE: &str = "-19995";

/// One member as the sandbox stores it.
#[derive(Clone, Debug)]
pub(crate) struct MemberRecord {
    pub id: String,
    pub contact_id: String,
    pub login_email: String,
    pub nickname: String,
    pub first_name: String,
    pub last_name: String,
    pub phones: Vec<String>,
    /// `PENDING | APPROVED | BLOCKED | OFFLINE`.
    pub status: String,
    pub created_date: String,
    pub updated_date: String,
    pub refresh_token: String,
    /// `None` for a member created through the API: Wix gives them no password (they set one by email).
    pub password: Option<String>,
}

/// A member as tests see it (`SandboxState::member`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MemberView {
    pub id: String,
    pub contact_id: String,
    pub login_email: String,
    pub nickname: String,
    pub first_name: String,
    pub last_name: String,
    pub phones: Vec<String>,
    pub status: String,
    pub created_date: String,
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
            member["contact"] = json!({ "firstName": self.first_name, "lastName": self.last_name, "phones": self.phones, "emails": [self.login_email] });
        }
        member
    }

    pub fn view(&self) -> MemberView {
        MemberView {
            id: self.id.clone(),
            contact_id: self.contact_id.clone(),
            login_email: self.login_email.clone(),
            nickname: self.nickname.clone(),
            first_name: self.first_name.clone(),
            last_name: self.last_name.clone(),
            phones: self.phones.clone(),
            status: self.status.clone(),
            created_date: self.created_date.clone(),
        }
    }

    /// The value of a sortable field, as Wix names it.
    fn field(&self, name: &str) -> Option<&str> {
        Some(match name {
            "createdDate" => &self.created_date,
            "profile.nickname" => &self.nickname,
            "contact.firstName" => &self.first_name,
            "contact.lastName" => &self.last_name,
            _ => return None,
        })
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
                first_name: m.nickname.to_owned(),
                last_name: String::new(),
                phones: Vec::new(),
                status: m.status.as_str().to_owned(),
                created_date: m.created_date.to_owned(),
                updated_date: m.created_date.to_owned(),
                refresh_token: m.refresh_token.to_owned(),
                password: Some(m.password.to_owned()),
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

    /// The member whose login email is `email`, in any case (Wix keeps one member per email).
    pub fn by_login_email(&self, email: &str) -> Option<&MemberRecord> {
        self.members
            .iter()
            .find(|m| m.login_email.eq_ignore_ascii_case(email))
    }

    fn by_id_mut(&mut self, id: &str) -> Result<&mut MemberRecord, WixError> {
        self.members
            .iter_mut()
            .find(|m| m.id == id)
            .ok_or_else(|| member_not_found(id))
    }
}

fn member_not_found(id: &str) -> WixError {
    WixError::not_found(format!("member {id:.40} not found"))
}

/// Observing members (the in-process side of `/_sandbox`).
impl SandboxState {
    /// One member, whatever their status; `None` once deleted.
    pub fn member(&self, id: &str) -> Option<MemberView> {
        self.with(|w| w.members.by_id(id).map(|m| m.view()))
    }

    /// Every member, in creation order.
    pub fn members(&self) -> Vec<MemberView> {
        self.with(|w| w.members.members.iter().map(|m| m.view()).collect())
    }

    /// The refresh token of member `id` (seeded or created since), so a test can log them in.
    pub fn refresh_token_of(&self, id: &str) -> Option<String> {
        self.with(|w| w.members.by_id(id).map(|m| m.refresh_token.clone()))
    }
}

/// The contact Wix already holds for `email` (any case): a guest's who booked or bought with it. Wix
/// keeps one contact per email, and a member who registers with it is linked to that contact.
fn contact_with_email(w: &World, email: &str) -> Option<String> {
    let booked = w
        .bookings
        .bookings
        .iter()
        .map(|b| (&b.email, &b.contact_id));
    let bought = w
        .ecom
        .orders
        .iter()
        .map(|o| (&o.buyer_email, &o.buyer_contact_id));
    booked
        .chain(bought)
        .find(|(known, _)| known.eq_ignore_ascii_case(email))
        .map(|(_, contact)| contact.clone())
}

pub fn routes() -> Router<SandboxState> {
    Router::new()
        .route("/members/v1/members", post(create_member))
        .route("/members/v1/members/query", post(query_members))
        .route(
            "/members/v1/members/{id}",
            get(get_member).delete(delete_member),
        )
        .route("/members/v1/members/{id}/approve", post(approve_member))
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
        let member = w.members.by_id(&id).ok_or_else(|| member_not_found(&id))?;
        Ok(Json(json!({ "member": member.to_wix(fieldset) })))
    })
}

#[derive(Deserialize)]
struct CreateBody {
    member: Option<NewMember>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct NewMember {
    login_email: Option<String>,
    #[serde(default)]
    contact: NewContact,
    #[serde(default)]
    profile: NewProfile,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct NewContact {
    first_name: Option<String>,
    last_name: Option<String>,
    #[serde(default)]
    phones: Vec<String>,
}

#[derive(Deserialize, Default)]
struct NewProfile {
    nickname: Option<String>,
}

/// `POST /members/v1/members` → `{member}`. New members start `PENDING`, as on a site whose members
/// need approval. An email another member has (any case) is a 409 with application code `-19995`. As on
/// Wix, the member's contact is the one the site already has for that email (a guest's who booked or
/// bought with it), or a new one.
async fn create_member(
    _admin: AdminAuth,
    State(state): State<SandboxState>,
    WixJson(body): WixJson<CreateBody>,
) -> Result<Json<Value>, WixError> {
    let new = body.member.unwrap_or_default();
    let email = new.login_email.unwrap_or_default();
    let well_formed = email
        .split_once('@')
        .is_some_and(|(local, domain)| !local.is_empty() && domain.contains('.'));
    if !well_formed || email.len() > 254 {
        return Err(WixError::validation(
            "member.loginEmail",
            "must be a valid email address",
        ));
    }
    state.with(|w| {
        if w.members.by_login_email(&email).is_some() {
            return Err(WixError::application(
                StatusCode::CONFLICT,
                EMAIL_EXISTS_CODE,
                "Email already exists",
                format!("a member with login email {email} already exists (sandbox detail)"),
            ));
        }
        let now = now_iso();
        let local_part = email.split('@').next().unwrap_or_default().to_owned();
        let record = MemberRecord {
            id: uuid::Uuid::new_v4().to_string(),
            contact_id: contact_with_email(w, &email)
                .unwrap_or_else(|| uuid::Uuid::new_v4().to_string()),
            nickname: new.profile.nickname.unwrap_or(local_part),
            first_name: new.contact.first_name.unwrap_or_default(),
            last_name: new.contact.last_name.unwrap_or_default(),
            phones: new.contact.phones,
            login_email: email,
            status: "PENDING".to_owned(),
            created_date: now.clone(),
            updated_date: now,
            refresh_token: format!("sbx-refresh-{}", uuid::Uuid::new_v4().simple()),
            password: None,
        };
        let member = record.to_wix(Fieldset::Full);
        w.members.members.push(record);
        Ok(Json(json!({ "member": member })))
    })
}

/// `POST /members/v1/members/{id}/approve` → `{member}`: pending or blocked becomes approved.
async fn approve_member(
    _admin: AdminAuth,
    State(state): State<SandboxState>,
    Path(id): Path<String>,
) -> Result<Json<Value>, WixError> {
    state.with(|w| {
        let member = w.members.by_id_mut(&id)?;
        if member.status != "APPROVED" {
            member.status = "APPROVED".to_owned();
            member.updated_date = now_iso();
        }
        Ok(Json(json!({ "member": member.to_wix(Fieldset::Full) })))
    })
}

/// `DELETE /members/v1/members/{id}` → `{}`.
async fn delete_member(
    _admin: AdminAuth,
    State(state): State<SandboxState>,
    Path(id): Path<String>,
) -> Result<Json<Value>, WixError> {
    state.with(|w| {
        let before = w.members.members.len();
        w.members.members.retain(|m| m.id != id);
        if w.members.members.len() == before {
            return Err(member_not_found(&id));
        }
        Ok(Json(json!({})))
    })
}

#[derive(Deserialize, Default)]
struct QueryBody {
    #[serde(default)]
    query: MemberQuery,
    #[serde(default)]
    fieldsets: Vec<String>,
}

#[derive(Deserialize, Default)]
struct MemberQuery {
    #[serde(default = "query::no_filter")]
    filter: Value,
    #[serde(default)]
    paging: Paging,
    /// `sort` is what the SDK's query builder sends; `sorting` is the REST type's name for it.
    #[serde(default, alias = "sorting")]
    sort: Vec<Sorting>,
}

#[derive(Deserialize, Default)]
struct Paging {
    limit: Option<u64>,
    offset: Option<u64>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Sorting {
    field_name: String,
    #[serde(default)]
    order: Option<String>,
}

/// The fields Wix filters members on (`MemberQuerySpec` in the SDK, with `_id` as REST's `id`), and the
/// operators it takes on them. `createdDate` is sortable only: a filter on it is refused.
const FILTER: Dialect = Dialect::new(&[
    "id",
    "contact.firstName",
    "contact.lastName",
    "contactId",
    "loginEmail",
    "privacyStatus",
    "profile.nickname",
    "profile.slug",
    "status",
])
.operators(&[
    "$and",
    "$or",
    "$eq",
    "$ne",
    "$gt",
    "$gte",
    "$lt",
    "$lte",
    "$startsWith",
    "$in",
    "$nin",
])
.at("query.filter");

const SORTABLE: [&str; 4] = [
    "profile.nickname",
    "contact.firstName",
    "contact.lastName",
    "createdDate",
];
const MAX_LIMIT: u64 = 100;

/// `POST /members/v1/members/query` → `{members, metadata:{count,offset,total,tooManyToCount}}`.
/// Filters use Wix's query language on the fields Wix documents for members; anything else is a 400.
async fn query_members(
    _admin: AdminAuth,
    State(state): State<SandboxState>,
    WixJson(body): WixJson<QueryBody>,
) -> Result<Json<Value>, WixError> {
    let fieldset = match body.fieldsets.as_slice() {
        [] => Fieldset::Public,
        [one] => Fieldset::parse(Some(one))?,
        _ => return Err(WixError::validation("fieldsets", "give one fieldset")),
    };
    let query = body.query;
    let limit = query.paging.limit.unwrap_or(50);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(WixError::validation(
            "query.paging.limit",
            "must be between 1 and 100",
        ));
    }
    let offset = query.paging.offset.unwrap_or(0);
    for sort in &query.sort {
        let order_ok = matches!(sort.order.as_deref(), None | Some("ASC" | "DESC"));
        if !SORTABLE.contains(&sort.field_name.as_str()) || !order_ok {
            return Err(WixError::validation(
                "query.sort",
                format!("cannot sort by {:.40}", sort.field_name),
            ));
        }
    }
    FILTER.check(&query.filter)?;
    state.with(|w| {
        let mut matched = Vec::new();
        for member in &w.members.members {
            if FILTER.matches(&member.to_wix(Fieldset::Full), &query.filter)? {
                matched.push(member);
            }
        }
        matched.sort_by(|a, b| {
            query
                .sort
                .iter()
                .map(|sort| {
                    let ordering = a.field(&sort.field_name).cmp(&b.field(&sort.field_name));
                    if sort.order.as_deref() == Some("DESC") {
                        ordering.reverse()
                    } else {
                        ordering
                    }
                })
                .find(|o| *o != Ordering::Equal)
                .unwrap_or(Ordering::Equal)
        });
        let total = matched.len();
        let page: Vec<Value> = matched
            .into_iter()
            .skip(usize::try_from(offset).unwrap_or(usize::MAX))
            .take(usize::try_from(limit).unwrap_or(usize::MAX))
            .map(|m| m.to_wix(fieldset))
            .collect();
        Ok(Json(json!({
            "metadata": { "count": page.len(), "offset": offset, "total": total, "tooManyToCount": false },
            "members": page,
        })))
    })
}
