//! Abuse controls: the one place they plug in.
//!
//! Anyone can mint a visitor token with the site's public client id, so a valid token proves little about
//! intent. Two checks run here: per source IP before the token is checked (junk tokens would otherwise each
//! cost a token-info call against the site's Wix rate limit), and per verified visitor or member after.
//! Admins and IAM principals are not limited.
//!
//! A source whose tokens keep failing has a lower allowance of its own: past it, the source is refused
//! before any token-info call until the allowance recovers.
//!
//! These limits are per instance and cost no network call: the cheap first line. What must hold across
//! instances is a shared budget ([`crate::budget`]).

use std::num::NonZeroU32;
use std::time::{Duration, Instant};

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use quick_cache::sync::Cache;

use crate::budget::network_of;
use crate::config::RateLimits;
use crate::{ApiError, Caller, Config, Subject};

/// Above this many tracked keys, keys whose allowance has fully recovered are dropped.
const MAX_TRACKED_KEYS: usize = 50_000;

pub(crate) struct Admission {
    per_source: Option<DefaultKeyedRateLimiter<String>>,
    per_visitor: Option<DefaultKeyedRateLimiter<String>>,
    per_member: Option<DefaultKeyedRateLimiter<String>>,
    failed_auth: Option<DefaultKeyedRateLimiter<String>>,
    /// Sources past their failed-authentication allowance, and until when.
    failing_sources: Cache<String, Instant>,
}

fn limiter(per_minute: u32) -> Option<DefaultKeyedRateLimiter<String>> {
    NonZeroU32::new(per_minute).map(|n| RateLimiter::keyed(Quota::per_minute(n)))
}

fn check(limiter: &Option<DefaultKeyedRateLimiter<String>>, key: String) -> Result<(), ApiError> {
    check_wait(limiter, key).map_err(|wait| ApiError::TooManyRequests {
        retry_after_secs: wait.as_secs().max(1),
    })
}

/// One request against `limiter` for `key`, or how long until it would be allowed.
fn check_wait(
    limiter: &Option<DefaultKeyedRateLimiter<String>>,
    key: String,
) -> Result<(), Duration> {
    let Some(limiter) = limiter else {
        return Ok(());
    };
    let outcome = limiter.check_key(&key);
    if limiter.len() > MAX_TRACKED_KEYS {
        limiter.retain_recent();
    }
    outcome.map_err(|not_until| not_until.wait_time_from(DefaultClock::default().now()))
}

impl Admission {
    pub(crate) fn new(config: &Config) -> Self {
        let RateLimits {
            per_source,
            per_visitor,
            per_member,
            failed_auth_per_source,
        } = config.limits;
        Admission {
            per_source: limiter(per_source),
            per_visitor: limiter(per_visitor),
            per_member: limiter(per_member),
            failed_auth: limiter(failed_auth_per_source),
            failing_sources: Cache::new(MAX_TRACKED_KEYS),
        }
    }

    /// Before the token is checked: a source past its failed-authentication allowance waits it out.
    pub(crate) fn admit_unverified(&self, source_ip: Option<&str>) -> Result<(), ApiError> {
        let Some(network) = source_ip.and_then(network_of) else {
            return Ok(());
        };
        match self.failing_sources.get(&network) {
            Some(until) if until > Instant::now() => Err(ApiError::TooManyRequests {
                retry_after_secs: until.duration_since(Instant::now()).as_secs().max(1),
            }),
            Some(_) => {
                self.failing_sources.remove(&network);
                Ok(())
            }
            None => Ok(()),
        }
    }

    /// After a token was refused: counts against the source's failed-authentication allowance. IPv6
    /// sources count by their /64, as budgets do: rotating addresses within one network gains nothing.
    pub(crate) fn note_failed_authentication(&self, source_ip: Option<&str>) {
        let Some(network) = source_ip.and_then(network_of) else {
            return;
        };
        if let Err(wait) = check_wait(&self.failed_auth, network.clone()) {
            self.failing_sources
                .insert(network, Instant::now() + wait.max(Duration::from_secs(1)));
        }
    }

    /// Before authentication: the source IP the function URL saw (not a client-set header).
    pub(crate) fn admit_source(&self, source_ip: Option<&str>) -> Result<(), ApiError> {
        match source_ip {
            Some(ip) => check(&self.per_source, ip.to_owned()),
            None => Ok(()),
        }
    }

    /// After authentication, before the policy: the verified subject.
    pub(crate) fn admit_caller(&self, caller: &Caller, config: &Config) -> Result<(), ApiError> {
        match &caller.subject {
            Subject::Visitor { visitor_id } => check(&self.per_visitor, visitor_id.clone()),
            Subject::Member { member_id } if !config.admin_member_ids.contains(member_id) => {
                check(&self.per_member, member_id.to_string())
            }
            Subject::Member { .. } | Subject::Iam { .. } => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(vars: &'static [(&'static str, &'static str)]) -> Config {
        Config::from_lookup(|name| {
            if name == "WIX_CLIENT_ID" {
                return Some("client".into());
            }
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_owned())
        })
        .unwrap()
    }

    #[test]
    fn a_visitor_over_the_limit_is_told_to_retry_later() {
        let config = config(&[("VISITOR_REQUESTS_PER_MINUTE", "2")]);
        let admission = Admission::new(&config);
        let visitor = Caller {
            subject: Subject::Visitor {
                visitor_id: "v-1".into(),
            },
        };
        let other = Caller {
            subject: Subject::Visitor {
                visitor_id: "v-2".into(),
            },
        };
        assert!(admission.admit_caller(&visitor, &config).is_ok());
        assert!(admission.admit_caller(&visitor, &config).is_ok());
        let refused = admission.admit_caller(&visitor, &config).unwrap_err();
        assert!(
            matches!(refused, ApiError::TooManyRequests { retry_after_secs } if (1..=60).contains(&retry_after_secs))
        );
        assert!(
            admission.admit_caller(&other, &config).is_ok(),
            "limits are per visitor"
        );
    }

    #[test]
    fn admins_are_not_limited_and_zero_disables_a_limit() {
        let config = config(&[
            ("MEMBER_REQUESTS_PER_MINUTE", "1"),
            ("SOURCE_REQUESTS_PER_MINUTE", "0"),
            ("ADMIN_MEMBER_IDS", "0a0a0a0a-0000-4000-8000-000000000001"),
        ]);
        let admission = Admission::new(&config);
        let admin = Caller {
            subject: Subject::Member {
                member_id: "0a0a0a0a-0000-4000-8000-000000000001".parse().unwrap(),
            },
        };
        let member = Caller {
            subject: Subject::Member {
                member_id: "0b0b0b0b-0000-4000-8000-000000000002".parse().unwrap(),
            },
        };
        for _ in 0..5 {
            assert!(admission.admit_caller(&admin, &config).is_ok());
            assert!(admission.admit_source(Some("203.0.113.7")).is_ok());
        }
        assert!(admission.admit_caller(&member, &config).is_ok());
        assert!(admission.admit_caller(&member, &config).is_err());
    }

    #[test]
    fn a_source_past_its_failed_authentications_is_refused_before_its_token_is_checked() {
        let config = config(&[("FAILED_AUTH_PER_MINUTE", "2")]);
        let admission = Admission::new(&config);
        let (source, other) = (Some("203.0.113.7"), Some("203.0.113.8"));
        for _ in 0..2 {
            assert!(admission.admit_unverified(source).is_ok());
            admission.note_failed_authentication(source);
        }
        assert!(
            admission.admit_unverified(source).is_ok(),
            "2 failures are allowed"
        );
        admission.note_failed_authentication(source);
        assert!(matches!(
            admission.admit_unverified(source),
            Err(ApiError::TooManyRequests { retry_after_secs }) if (1..=60).contains(&retry_after_secs)
        ));
        assert!(admission.admit_unverified(other).is_ok(), "per source");
    }
}
