//! Shared budgets: how much one caller, one network source and the whole site may do per hour and per
//! day, counted in the state table by every instance together (see [`crate::state`]). Per-instance rate
//! limits ([`crate::admission`]) stop bursts cheaply; budgets stop what spreads over many instances, such
//! as one source uploading through ten parallel connections.
//!
//! A function declares which budgets it spends ([`Budgets`]); the caps come from the environment. All of
//! a request's counts are taken in one transaction, so a request refused by one budget spends no other.
//! A spent budget is a 429 with `Retry-After` (the end of its window) and a problem `type` naming it.

use std::net::IpAddr;
use std::time::{Duration, SystemTime};

use crate::config::{ConfigError, setting_from};
use crate::state::{Budget, StateKey, StateStore, Take, TakenAll};
use crate::{ApiError, Config, Subject};

const HOUR: Duration = Duration::from_secs(60 * 60);
const DAY: Duration = Duration::from_secs(24 * 60 * 60);

/// Which budgets a function spends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Budgets {
    None,
    /// Uploads by anyone with a visitor token: per caller, per source and per site, in uploads and
    /// bytes, per hour and per day (`UPLOAD_BUDGET_*`).
    Uploads,
    /// Writes a member makes to what is theirs (delete themself, cancel or move a booking): per member
    /// and function, per hour and per day (`MEMBER_WRITES_PER_*`). Per function because each function's
    /// counters live under its own key prefix, the only one its IAM policy lets it write. Admins spend none.
    MemberWrites,
}

impl Budgets {
    pub const fn is_some(self) -> bool {
        !matches!(self, Budgets::None)
    }
}

/// Whose count a limit keeps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Scope {
    /// The verified visitor or member.
    Caller,
    /// The source address; IPv6 by its /64 (one customer's network, which can hold many addresses).
    Source,
    Site,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Measure {
    Requests,
    Bytes,
}

/// One cap: its name (the problem type of a request it refuses), whose it is, what it counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Limit {
    name: &'static str,
    scope: Scope,
    measure: Measure,
    budget: Budget,
}

/// (name, env var, scope, measure, window, default cap).
type LimitRow = (&'static str, &'static str, Scope, Measure, Duration, u64);

/// Defaults sized for a small shop whose visitors send a
/// photo now and then: a customer sends a few per session (10 an hour, 30 a day, at most 5 MB each), a
/// shared office or mobile network several customers (30 an hour, 100 a day), and the whole site a few
/// hundred a day (1 GB a day) — against the 1–2.6 GB a minute one source could push through ten parallel
/// connections without them.
const UPLOAD_LIMITS: [LimitRow; 12] = [
    (
        "budget-caller-uploads-per-hour",
        "UPLOAD_BUDGET_CALLER_UPLOADS_PER_HOUR",
        Scope::Caller,
        Measure::Requests,
        HOUR,
        10,
    ),
    (
        "budget-caller-uploads-per-day",
        "UPLOAD_BUDGET_CALLER_UPLOADS_PER_DAY",
        Scope::Caller,
        Measure::Requests,
        DAY,
        30,
    ),
    (
        "budget-caller-bytes-per-hour",
        "UPLOAD_BUDGET_CALLER_BYTES_PER_HOUR",
        Scope::Caller,
        Measure::Bytes,
        HOUR,
        40 << 20,
    ),
    (
        "budget-caller-bytes-per-day",
        "UPLOAD_BUDGET_CALLER_BYTES_PER_DAY",
        Scope::Caller,
        Measure::Bytes,
        DAY,
        100 << 20,
    ),
    (
        "budget-source-uploads-per-hour",
        "UPLOAD_BUDGET_SOURCE_UPLOADS_PER_HOUR",
        Scope::Source,
        Measure::Requests,
        HOUR,
        30,
    ),
    (
        "budget-source-uploads-per-day",
        "UPLOAD_BUDGET_SOURCE_UPLOADS_PER_DAY",
        Scope::Source,
        Measure::Requests,
        DAY,
        100,
    ),
    (
        "budget-source-bytes-per-hour",
        "UPLOAD_BUDGET_SOURCE_BYTES_PER_HOUR",
        Scope::Source,
        Measure::Bytes,
        HOUR,
        100 << 20,
    ),
    (
        "budget-source-bytes-per-day",
        "UPLOAD_BUDGET_SOURCE_BYTES_PER_DAY",
        Scope::Source,
        Measure::Bytes,
        DAY,
        300 << 20,
    ),
    (
        "budget-site-uploads-per-hour",
        "UPLOAD_BUDGET_SITE_UPLOADS_PER_HOUR",
        Scope::Site,
        Measure::Requests,
        HOUR,
        100,
    ),
    (
        "budget-site-uploads-per-day",
        "UPLOAD_BUDGET_SITE_UPLOADS_PER_DAY",
        Scope::Site,
        Measure::Requests,
        DAY,
        300,
    ),
    (
        "budget-site-bytes-per-hour",
        "UPLOAD_BUDGET_SITE_BYTES_PER_HOUR",
        Scope::Site,
        Measure::Bytes,
        HOUR,
        400 << 20,
    ),
    (
        "budget-site-bytes-per-day",
        "UPLOAD_BUDGET_SITE_BYTES_PER_DAY",
        Scope::Site,
        Measure::Bytes,
        DAY,
        1 << 30,
    ),
];

/// A member moving or cancelling bookings or deleting themself does it a few times, not hundreds.
const MEMBER_WRITE_LIMITS: [LimitRow; 2] = [
    (
        "budget-member-writes-per-hour",
        "MEMBER_WRITES_PER_HOUR",
        Scope::Caller,
        Measure::Requests,
        HOUR,
        30,
    ),
    (
        "budget-member-writes-per-day",
        "MEMBER_WRITES_PER_DAY",
        Scope::Caller,
        Measure::Requests,
        DAY,
        100,
    ),
];

/// The caps one function spends, read at cold start.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BudgetPlan {
    function: &'static str,
    limits: Vec<Limit>,
}

/// What one request spends.
pub struct Spend<'a> {
    pub subject: &'a Subject,
    pub source_ip: Option<&'a str>,
    pub bytes: u64,
}

impl BudgetPlan {
    pub fn from_env(function: &'static str, budgets: Budgets) -> Result<Option<Self>, ConfigError> {
        Self::from_lookup(function, budgets, |name| std::env::var(name).ok())
    }

    /// Caps from `lookup` by their env var (`UPLOAD_BUDGET_SITE_BYTES_PER_DAY`); 0 turns a cap off.
    pub fn from_lookup(
        function: &'static str,
        budgets: Budgets,
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<Option<Self>, ConfigError> {
        let table: &[LimitRow] = match budgets {
            Budgets::None => return Ok(None),
            Budgets::Uploads => &UPLOAD_LIMITS,
            Budgets::MemberWrites => &MEMBER_WRITE_LIMITS,
        };
        let mut limits = Vec::new();
        for &(name, var, scope, measure, window, default) in table {
            let cap: u64 = setting_from(&lookup, var, default)?;
            if cap > 0 {
                let budget = Budget { cap, window };
                limits.push(Limit {
                    name,
                    scope,
                    measure,
                    budget,
                });
            }
        }
        Ok(Some(BudgetPlan { function, limits }))
    }

    /// Count this request against every cap, or refuse it (429) without counting anything.
    pub async fn spend(
        &self,
        store: &StateStore,
        spend: &Spend<'_>,
        config: &Config,
    ) -> Result<(), ApiError> {
        if let Subject::Member { member_id } = spend.subject
            && config.admin_member_ids.contains(member_id)
        {
            return Ok(());
        }
        // One take per limit, in order: a refusal's index names its limit.
        let takes: Vec<Take> = self
            .limits
            .iter()
            .map(|limit| {
                let whose = match limit.scope {
                    Scope::Caller => format!("{}:{}", spend.subject.kind(), spend.subject.id()),
                    // Function URLs always give one; without it, every such request is one source.
                    Scope::Source => spend
                        .source_ip
                        .and_then(network_of)
                        .unwrap_or_else(|| String::from("unknown")),
                    Scope::Site => String::from("site"),
                };
                let amount = match limit.measure {
                    Measure::Requests => 1,
                    Measure::Bytes => spend.bytes,
                };
                let key = StateKey::new(self.function, "budget", &[limit.name, &whose]);
                Take {
                    key,
                    amount,
                    budget: limit.budget,
                }
            })
            .collect();
        let taken = store
            .take_all(&takes, SystemTime::now())
            .await
            .map_err(|e| {
                // Fail closed: an uncounted request is not sent.
                tracing::error!(error = %e, "budget could not be counted");
                ApiError::Unavailable
            })?;
        match taken {
            TakenAll::Within => Ok(()),
            TakenAll::Exhausted { index, retry_after } => {
                let name = self.limits[index].name;
                tracing::warn!(budget = name, "budget spent");
                Err(ApiError::BudgetSpent {
                    budget: name,
                    retry_after_secs: retry_after.as_secs().max(1),
                })
            }
        }
    }
}

/// IPv4 by its address, IPv6 by its /64: one network hands its hosts many addresses of one /64.
pub(crate) fn network_of(ip: &str) -> Option<String> {
    match ip.parse::<IpAddr>().ok()? {
        IpAddr::V4(v4) => Some(v4.to_string()),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => Some(v4.to_string()),
            None => {
                let s = v6.segments();
                Some(format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3]))
            }
        },
    }
}

/// Every budget's problem type (`budget-…`), for openapi.yaml.
pub(crate) fn slugs() -> impl Iterator<Item = &'static str> {
    UPLOAD_LIMITS
        .iter()
        .chain(&MEMBER_WRITE_LIMITS)
        .map(|row| row.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_in_one_ipv6_64_are_one_source_and_ipv4_is_by_address() {
        assert_eq!(
            network_of("2001:db8:1:2::1"),
            network_of("2001:db8:1:2:ffff:ee:dd:cc")
        );
        assert_ne!(network_of("2001:db8:1:2::1"), network_of("2001:db8:1:3::1"));
        assert_eq!(network_of("203.0.113.7").unwrap(), "203.0.113.7");
        assert_ne!(network_of("203.0.113.7"), network_of("203.0.113.8"));
        assert_eq!(network_of("::ffff:203.0.113.7").unwrap(), "203.0.113.7");
        assert_eq!(network_of("not an ip"), None);
    }

    #[test]
    fn caps_come_from_the_environment_and_zero_turns_one_off() {
        let plan = BudgetPlan::from_lookup("upload-image", Budgets::Uploads, |name| match name {
            "UPLOAD_BUDGET_SITE_UPLOADS_PER_HOUR" => Some("5".into()),
            "UPLOAD_BUDGET_CALLER_BYTES_PER_DAY" => Some("0".into()),
            _ => None,
        })
        .unwrap()
        .unwrap();
        let site = plan
            .limits
            .iter()
            .find(|l| l.name == "budget-site-uploads-per-hour")
            .unwrap();
        assert_eq!(site.budget.cap, 5);
        assert_eq!(plan.limits.len(), 11, "one cap turned off");
        let bad = BudgetPlan::from_lookup("upload-image", Budgets::Uploads, |name| {
            (name == "UPLOAD_BUDGET_SOURCE_UPLOADS_PER_DAY").then(|| "many".into())
        });
        assert!(bad.is_err());
        assert_eq!(
            BudgetPlan::from_lookup("get-site-properties", Budgets::None, |_| None).unwrap(),
            None
        );
    }
}
