//! Members (`members/v1`).

use serde::Deserialize;

use super::{Wix, WixError, WixPath};
use crate::WixId;

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

impl Wix {
    /// `GET /members/v1/members/{id}?fieldsets=FULL`: one member with login email, status and contact id.
    pub async fn get_member(&self, id: &WixId) -> Result<Member, WixError> {
        let path = WixPath::new("/members/v1/members").id(id);
        let envelope: MemberEnvelope = self.get(&path, &[("fieldsets", "FULL".to_owned())]).await?;
        Ok(envelope.member)
    }
}
