//! Who may call a function, as types. A function names one policy; the pipeline runs its `authorize`
//! on the verified caller and hands the resulting grant to the function. No grant, no Wix call: the
//! default is deny.

pub use crate::ownership::OwnerScope;
use crate::{ApiError, Caller, Config, Refusal, Subject, WixId};

pub trait Policy: Send + Sync + 'static {
    /// The policy's name in openapi.yaml (`x-policy`).
    const NAME: &'static str;
    /// Whether an IAM principal may be the caller (an admin URL deployed with `AWS_IAM`).
    const ADMITS_IAM: bool = false;
    /// What the function learns about the caller once allowed.
    type Grant: Send;
    fn authorize(caller: &Caller, config: &Config) -> Result<Self::Grant, ApiError>;
}

const NOT_ALLOWED: ApiError = ApiError::Forbidden(Refusal::CallerNotAllowed);

/// An admin: a member listed in `ADMIN_MEMBER_IDS`, or an IAM principal listed in `ADMIN_IAM_PRINCIPALS`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AdminGrant {
    Member(WixId),
    Iam(String),
}

fn admin(caller: &Caller, config: &Config) -> Option<AdminGrant> {
    match &caller.subject {
        Subject::Member { member_id } if config.admin_member_ids.contains(member_id) => {
            Some(AdminGrant::Member(*member_id))
        }
        Subject::Iam { principal_arn } if config.admin_iam_principals.contains(principal_arn) => {
            Some(AdminGrant::Iam(principal_arn.clone()))
        }
        _ => None,
    }
}

/// Any visitor or member of this site. A visitor token only proves the call came through this site's
/// OAuth client (anyone can mint one), so functions behind this policy keep strict caps.
pub struct AnyVisitor;

impl Policy for AnyVisitor {
    const NAME: &'static str = "AnyVisitor";
    type Grant = Subject;
    fn authorize(caller: &Caller, config: &Config) -> Result<Subject, ApiError> {
        match &caller.subject {
            Subject::Iam { .. } if admin(caller, config).is_none() => Err(NOT_ALLOWED),
            subject => Ok(subject.clone()),
        }
    }
}

/// An admin only.
pub struct Admin;

impl Policy for Admin {
    const NAME: &'static str = "Admin";
    const ADMITS_IAM: bool = true;
    type Grant = AdminGrant;
    fn authorize(caller: &Caller, config: &Config) -> Result<AdminGrant, ApiError> {
        admin(caller, config).ok_or(ApiError::Forbidden(Refusal::AdminOnly))
    }
}

/// An admin, or a member acting on what is theirs. Which resources are the member's is decided by the
/// function from Wix data fetched with elevation, through [`crate::ownership::Reach`].
pub struct AdminOrOwner;

impl Policy for AdminOrOwner {
    const NAME: &'static str = "AdminOrOwner";
    type Grant = OwnerScope;
    fn authorize(caller: &Caller, config: &Config) -> Result<OwnerScope, ApiError> {
        if let Some(grant) = admin(caller, config) {
            return Ok(OwnerScope::Admin(grant));
        }
        match &caller.subject {
            Subject::Member { member_id } => Ok(OwnerScope::Member(*member_id)),
            _ => Err(NOT_ALLOWED),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ADMIN_ID: &str = "0a0a0a0a-0000-4000-8000-000000000001";
    const MEMBER_ID: &str = "0b0b0b0b-0000-4000-8000-000000000002";
    const ADMIN_ARN: &str = "arn:aws:iam::123456789012:role/nightly-job";

    fn config() -> Config {
        Config::from_lookup(|name| match name {
            "WIX_CLIENT_ID" => Some("client".into()),
            "ADMIN_MEMBER_IDS" => Some(ADMIN_ID.into()),
            "ADMIN_IAM_PRINCIPALS" => Some(ADMIN_ARN.into()),
            _ => None,
        })
        .unwrap()
    }

    fn visitor() -> Caller {
        Caller {
            subject: Subject::Visitor {
                visitor_id: "v-1".into(),
            },
        }
    }
    fn member(id: &str) -> Caller {
        Caller {
            subject: Subject::Member {
                member_id: WixId::parse(id).unwrap(),
            },
        }
    }
    fn iam(arn: &str) -> Caller {
        Caller {
            subject: Subject::Iam {
                principal_arn: arn.into(),
            },
        }
    }

    #[test]
    fn a_visitor_is_not_a_member_or_an_admin() {
        assert!(AnyVisitor::authorize(&visitor(), &config()).is_ok());
        assert!(Admin::authorize(&visitor(), &config()).is_err());
        assert!(AdminOrOwner::authorize(&visitor(), &config()).is_err());
    }

    #[test]
    fn a_member_not_listed_as_admin_is_not_an_admin() {
        assert!(Admin::authorize(&member(MEMBER_ID), &config()).is_err());
        assert_eq!(
            AdminOrOwner::authorize(&member(MEMBER_ID), &config()).unwrap(),
            OwnerScope::Member(WixId::parse(MEMBER_ID).unwrap())
        );
        assert!(Admin::authorize(&member(ADMIN_ID), &config()).is_ok());
    }

    #[test]
    fn an_iam_principal_not_listed_is_denied_everything() {
        let stranger = iam("arn:aws:iam::123456789012:role/other");
        assert!(AnyVisitor::authorize(&stranger, &config()).is_err());
        assert!(Admin::authorize(&stranger, &config()).is_err());
        assert!(AdminOrOwner::authorize(&stranger, &config()).is_err());
        assert!(Admin::authorize(&iam(ADMIN_ARN), &config()).is_ok());
    }
}
