//! Site members. For now only the data the token endpoint needs (who owns which refresh token); the
//! `members/v1` routes will live in this module too.

use crate::seed;

/// Grows the rest of the Wix member fields (`seed::SeedMember` has them) once routes need them.
pub(crate) struct MemberRecord {
    pub id: String,
    pub refresh_token: String,
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
                refresh_token: m.refresh_token.to_owned(),
            })
            .collect();
        MemberData { members }
    }

    pub fn by_refresh_token(&self, token: &str) -> Option<&MemberRecord> {
        self.members.iter().find(|m| m.refresh_token == token)
    }
}
