use std::collections::HashSet;
use std::net::IpAddr;
use std::time::Duration;

use thiserror::Error;

use crate::WixId;

/// Function configuration, read once at cold start from the environment.
#[derive(Clone, Debug)]
pub struct Config {
    /// The headless OAuth client whose visitor and member tokens callers present (`WIX_CLIENT_ID`).
    pub client_id: String,
    /// When set, caller tokens must belong to this site; required in API-key mode (`WIX_SITE_ID`).
    pub site_id: Option<String>,
    /// Members with admin rights (`ADMIN_MEMBER_IDS`, comma-separated GUIDs).
    pub admin_member_ids: HashSet<WixId>,
    /// IAM principals (ARNs) with admin rights when the function URL uses `AWS_IAM` (`ADMIN_IAM_PRINCIPALS`).
    pub admin_iam_principals: HashSet<String>,
    /// Browser origins allowed to call (`ALLOWED_ORIGINS`); a request with another `Origin` is refused.
    pub allowed_origins: HashSet<String>,
    /// Wix REST host without a trailing slash (`WIX_API_BASE`, default `https://www.wixapis.com`).
    pub api_base: String,
    /// Per-instance abuse limits; see [`crate::admission`].
    pub limits: RateLimits,
    /// The DynamoDB table every instance shares idempotency records and budgets in (`STATE_TABLE`); see
    /// [`crate::state`].
    pub state_table: Option<String>,
    /// Whether this function's URL is `AWS_IAM` (`FUNCTION_URL_AUTH`, set by the template): only then
    /// does AWS put a verified IAM principal in the event. On a `NONE` URL the IAM part of the request
    /// context is ignored, since anyone allowed `lambda:InvokeFunction` can invoke the function with an
    /// event they wrote.
    pub iam_url: bool,
    /// How long a verified caller is trusted without asking Wix again; see [`CallerCacheAges`].
    pub caller_cache: CallerCacheAges,
    /// The hosts an upload URL from Wix may name (`WIX_UPLOAD_HOSTS`, comma-separated DNS names, default
    /// `upload.wixmp.com`); see [`crate::wix::Wix::put_to_upload_url`].
    pub upload_hosts: Vec<String>,
    /// Where the metrics go (`METRICS_NAMESPACE`, default `WixElevate`; empty for none); see
    /// [`crate::metrics`].
    pub metrics_namespace: Option<String>,
}

/// The longest a verified token is reused per warm instance (never past the token's own expiry): the
/// window in which a blocked, deleted or logged-out member's token still works. Configurable down only.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CallerCacheAges {
    /// Visitors and members (`CALLER_CACHE_SECONDS`, 0–300, default 300).
    pub caller: Duration,
    /// Admin members, whose tokens open the most (`ADMIN_CACHE_SECONDS`, 0–60, default 60).
    pub admin: Duration,
}

/// Requests per minute allowed per key in one instance (0 = no limit). Bursts up to the same number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateLimits {
    /// Per source IP, before the caller's token is checked (`SOURCE_REQUESTS_PER_MINUTE`, default 600).
    pub per_source: u32,
    /// Per visitor id (`VISITOR_REQUESTS_PER_MINUTE`, default 120).
    pub per_visitor: u32,
    /// Per member id, admins excepted (`MEMBER_REQUESTS_PER_MINUTE`, default 600).
    pub per_member: u32,
    /// Failed authentications per source IP (`FAILED_AUTH_PER_MINUTE`, default 30); past it the source
    /// is refused before its token is checked, until its allowance recovers.
    pub failed_auth_per_source: u32,
}

pub const DEFAULT_API_BASE: &str = "https://www.wixapis.com";

#[derive(Debug, Error, PartialEq, Eq)]
pub enum ConfigError {
    #[error("{0} is required")]
    Missing(&'static str),
    #[error("{var}: {problem}")]
    Invalid { var: &'static str, problem: String },
}

impl Config {
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Same as [`Config::from_env`] with the variables supplied by `lookup` (tests).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let get = |name: &str| {
            lookup(name)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        let list = |name: &str| -> Vec<String> {
            get(name)
                .map(|v| {
                    v.split(',')
                        .map(|s| s.trim().to_owned())
                        .filter(|s| !s.is_empty())
                        .collect()
                })
                .unwrap_or_default()
        };
        let client_id = get("WIX_CLIENT_ID").ok_or(ConfigError::Missing("WIX_CLIENT_ID"))?;
        let admin_member_ids = list("ADMIN_MEMBER_IDS")
            .iter()
            .map(|id| {
                WixId::parse(id).map_err(|e| ConfigError::Invalid {
                    var: "ADMIN_MEMBER_IDS",
                    problem: format!("{id:.40}: {e}"),
                })
            })
            .collect::<Result<_, _>>()?;
        let admin_iam_principals = list("ADMIN_IAM_PRINCIPALS")
            .into_iter()
            .map(|arn| {
                iam_principal(&arn).ok_or_else(|| ConfigError::Invalid {
                    var: "ADMIN_IAM_PRINCIPALS",
                    problem: format!(
                        "{arn:.80} is not an IAM role or user ARN (arn:aws:iam::<account>:role/<name>)"
                    ),
                })
            })
            .collect::<Result<_, _>>()?;
        let allowed_origins = list("ALLOWED_ORIGINS")
            .into_iter()
            .map(|origin| parse_origin(&origin))
            .collect::<Result<_, _>>()?;
        let api_base = parse_api_base(get("WIX_API_BASE").as_deref().unwrap_or(DEFAULT_API_BASE))?;
        let per_minute = |var: &'static str, default: u32| -> Result<u32, ConfigError> {
            get(var).map_or(Ok(default), |v| {
                v.parse().map_err(|_| ConfigError::Invalid {
                    var,
                    problem: format!("{v:.20} is not a whole number"),
                })
            })
        };
        let limits = RateLimits {
            per_source: per_minute("SOURCE_REQUESTS_PER_MINUTE", 600)?,
            per_visitor: per_minute("VISITOR_REQUESTS_PER_MINUTE", 120)?,
            per_member: per_minute("MEMBER_REQUESTS_PER_MINUTE", 600)?,
            failed_auth_per_source: per_minute("FAILED_AUTH_PER_MINUTE", 30)?,
        };
        let state_table = get("STATE_TABLE").map(parse_table_name).transpose()?;
        let iam_url = match get("FUNCTION_URL_AUTH").as_deref() {
            None | Some("NONE") => false,
            Some("AWS_IAM") => true,
            Some(other) => {
                return Err(ConfigError::Invalid {
                    var: "FUNCTION_URL_AUTH",
                    problem: format!("{other:.20} is neither NONE nor AWS_IAM"),
                });
            }
        };
        let seconds = |var: &'static str, max: u64| -> Result<Duration, ConfigError> {
            let Some(v) = get(var) else {
                return Ok(Duration::from_secs(max));
            };
            match v.parse::<u64>() {
                Ok(n) if n <= max => Ok(Duration::from_secs(n)),
                _ => Err(ConfigError::Invalid {
                    var,
                    problem: format!("{v:.20} is not a whole number of seconds from 0 to {max}"),
                }),
            }
        };
        let upload_hosts = match list("WIX_UPLOAD_HOSTS") {
            hosts if hosts.is_empty() => vec![crate::wix::WIX_UPLOAD_HOST.to_owned()],
            hosts => hosts
                .into_iter()
                .map(|host| parse_upload_host(&host))
                .collect::<Result<_, _>>()?,
        };
        let caller_cache = CallerCacheAges {
            caller: seconds("CALLER_CACHE_SECONDS", 300)?,
            admin: seconds("ADMIN_CACHE_SECONDS", 60)?,
        };
        Ok(Config {
            client_id,
            site_id: get("WIX_SITE_ID"),
            admin_member_ids,
            admin_iam_principals,
            allowed_origins,
            api_base,
            limits,
            state_table,
            iam_url,
            caller_cache,
            upload_hosts,
            metrics_namespace: crate::metrics::namespace_from(
                lookup("METRICS_NAMESPACE").as_deref(),
            )?,
        })
    }
}

/// An upload host: a lowercase DNS name of at least two labels (no address, port, path or loopback name).
/// A lowercase DNS host name (an IPv4 address passes too): labels of 1–63 letters, digits and inner
/// hyphens, 253 characters at most.
pub(crate) fn is_host_name(host: &str) -> bool {
    host.len() <= 253
        && host.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        })
}

fn parse_upload_host(host: &str) -> Result<String, ConfigError> {
    let labels_ok = host.split('.').count() >= 2 && is_host_name(host);
    let is_address = host.parse::<IpAddr>().is_ok();
    if labels_ok && !is_address && !is_loopback_host(host) {
        Ok(host.to_owned())
    } else {
        Err(ConfigError::Invalid {
            var: "WIX_UPLOAD_HOSTS",
            problem: format!("{host:.80} is not a host name like upload.wixmp.com"),
        })
    }
}

/// The identity an IAM principal ARN stands for, in one form for config and requests alike:
/// `arn:<partition>:iam::<account>:role/<name>` or `…:user/<name>`. An assumed-role session
/// (`arn:aws:sts::<account>:assumed-role/<name>/<session>`) is its role, whatever session name the caller
/// chose; role paths are dropped because session ARNs do not carry them.
pub(crate) fn iam_principal(arn: &str) -> Option<String> {
    let mut parts = arn.splitn(6, ':');
    let (Some("arn"), Some(partition), Some(service), Some(""), Some(account), Some(resource)) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return None;
    };
    let valid_name = |n: &str| {
        !n.is_empty()
            && n.len() <= 128
            && n.chars()
                .all(|c| c.is_ascii_alphanumeric() || "+=,.@_-".contains(c))
    };
    let valid_account = account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit());
    if !partition.starts_with("aws") || !valid_account {
        return None;
    }
    let segments: Vec<&str> = resource.split('/').collect();
    let (kind, name) = match (service, segments.as_slice()) {
        ("sts", ["assumed-role", role, session]) if valid_name(session) => ("role", *role),
        ("iam", [kind @ ("role" | "user"), .., name]) => (*kind, *name),
        _ => return None,
    };
    valid_name(name).then(|| format!("arn:{partition}:iam::{account}:{kind}/{name}"))
}

/// One function's own setting (`UPLOAD_MAX_BYTES` and the like): `default` when unset or blank, an error
/// when set but not a `T`. Read it once per process (a `LazyLock`), like the rest of the configuration.
pub fn setting<T>(name: &'static str, default: T) -> Result<T, ConfigError>
where
    T: std::str::FromStr,
    T::Err: std::fmt::Display,
{
    setting_from(|var| std::env::var(var).ok(), name, default)
}

pub(crate) fn setting_from<T>(
    lookup: impl Fn(&str) -> Option<String>,
    name: &'static str,
    default: T,
) -> Result<T, ConfigError>
where
    T: std::str::FromStr,
    T::Err: std::fmt::Display,
{
    match lookup(name).map(|v| v.trim().to_owned()) {
        None => Ok(default),
        Some(v) if v.is_empty() => Ok(default),
        Some(v) => v.parse().map_err(|e: T::Err| ConfigError::Invalid {
            var: name,
            problem: format!("{v:.40}: {e}"),
        }),
    }
}

/// A DynamoDB table name: 3 to 255 of `a-z A-Z 0-9 _ - .`.
fn parse_table_name(name: String) -> Result<String, ConfigError> {
    let valid = (3..=255).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_-.".contains(&b));
    if valid {
        Ok(name)
    } else {
        Err(ConfigError::Invalid {
            var: "STATE_TABLE",
            problem: format!("{name:.80}: a table name is 3 to 255 of a-z A-Z 0-9 _ - ."),
        })
    }
}

/// An origin as browsers send it: scheme, host and optional port, nothing else.
fn parse_origin(origin: &str) -> Result<String, ConfigError> {
    let invalid = |problem: &str| ConfigError::Invalid {
        var: "ALLOWED_ORIGINS",
        problem: format!("{origin:.80}: {problem}"),
    };
    if origin == "*" {
        return Err(invalid(
            "a wildcard would let any site call with its visitors' tokens; list origins",
        ));
    }
    let url = reqwest::Url::parse(origin).map_err(|_| invalid("not a URL"))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(invalid("must be http(s)://host[:port]"));
    }
    if url.path() != "/"
        || url.query().is_some()
        || url.fragment().is_some()
        || origin.ends_with('/')
    {
        return Err(invalid("an origin has no path, query or trailing slash"));
    }
    if url.scheme() == "http" && !is_loopback_host(url.host_str().unwrap_or_default()) {
        return Err(invalid(
            "http:// origins are only allowed for localhost; use https",
        ));
    }
    Ok(url.origin().ascii_serialization())
}

/// `localhost` or a loopback address (IPv6 in brackets or not).
pub(crate) fn is_loopback_host(host: &str) -> bool {
    host == "localhost"
        || host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Wix's REST host. Plain http only on loopback (the sandbox): anywhere else it would carry the admin
/// token in clear text.
fn parse_api_base(base: &str) -> Result<String, ConfigError> {
    let url = parse_base_url("WIX_API_BASE", base)?;
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

/// A base URL a secret or token is sent to (Wix, an attestation provider): https, or plain http to a
/// loopback address only (the sandbox); no credentials, query or fragment.
pub(crate) fn parse_base_url(var: &'static str, base: &str) -> Result<reqwest::Url, ConfigError> {
    let invalid = |problem: &str| ConfigError::Invalid {
        var,
        problem: format!("{base:.80}: {problem}"),
    };
    let url = reqwest::Url::parse(base).map_err(|_| invalid("not a URL"))?;
    let loopback = is_loopback_host(url.host_str().unwrap_or_default());
    match url.scheme() {
        "https" => {}
        "http" if loopback => {}
        "http" => return Err(invalid("plain http is only allowed for a loopback address")),
        _ => return Err(invalid("must be an https URL")),
    }
    if url.query().is_some()
        || url.fragment().is_some()
        || !url.username().is_empty()
        || url.password().is_some()
    {
        return Err(invalid("must be a bare base URL"));
    }
    Ok(url)
}

impl Config {
    /// Whether Wix is on this machine (the sandbox): the only place a dev-only inline secret is allowed.
    pub fn wix_is_local(&self) -> bool {
        reqwest::Url::parse(&self.api_base)
            .is_ok_and(|u| is_loopback_host(u.host_str().unwrap_or_default()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let vars: Vec<(String, String)> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_lookup(move |name| {
            vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
        })
    }

    #[test]
    fn defaults_to_real_wix_and_parses_lists() {
        let c = config(&[
            ("WIX_CLIENT_ID", "client"),
            (
                "ADMIN_MEMBER_IDS",
                " 3f2a6c1e-8d4b-4e57-9a3c-2b1d0e9f8a76 ,",
            ),
            (
                "ALLOWED_ORIGINS",
                "https://shop.example.com,http://127.0.0.1:8080",
            ),
        ])
        .unwrap();
        assert_eq!(c.api_base, "https://www.wixapis.com");
        assert_eq!(c.admin_member_ids.len(), 1);
        assert!(c.allowed_origins.contains("https://shop.example.com"));
        assert!(c.allowed_origins.contains("http://127.0.0.1:8080"));
        assert_eq!(c.site_id, None);
    }

    #[test]
    fn the_caller_cache_ages_can_be_shortened_but_not_lengthened() {
        let defaults = config(&[("WIX_CLIENT_ID", "client")]).unwrap();
        assert_eq!(
            defaults.caller_cache,
            CallerCacheAges {
                caller: Duration::from_secs(300),
                admin: Duration::from_secs(60)
            }
        );
        let shorter = config(&[
            ("WIX_CLIENT_ID", "client"),
            ("CALLER_CACHE_SECONDS", "30"),
            ("ADMIN_CACHE_SECONDS", "0"),
        ])
        .unwrap();
        assert_eq!(
            shorter.caller_cache,
            CallerCacheAges {
                caller: Duration::from_secs(30),
                admin: Duration::ZERO
            }
        );
        for (var, bad) in [
            ("CALLER_CACHE_SECONDS", "301"),
            ("ADMIN_CACHE_SECONDS", "61"),
            ("ADMIN_CACHE_SECONDS", "-1"),
            ("CALLER_CACHE_SECONDS", "5m"),
        ] {
            let err = config(&[("WIX_CLIENT_ID", "client"), (var, bad)]).unwrap_err();
            assert!(
                matches!(err, ConfigError::Invalid { var: v, .. } if v == var),
                "{var}={bad}: {err:?}"
            );
        }
    }

    #[test]
    fn upload_hosts_are_plain_dns_names() {
        let hosts = |v: &str| {
            config(&[("WIX_CLIENT_ID", "client"), ("WIX_UPLOAD_HOSTS", v)]).map(|c| c.upload_hosts)
        };
        assert_eq!(hosts("").unwrap(), ["upload.wixmp.com"]);
        assert_eq!(
            hosts("a.example.com, upload.wixmp.com").unwrap(),
            ["a.example.com", "upload.wixmp.com"]
        );
        for bad in [
            "10.0.0.1",
            "localhost",
            "localhost.",
            "host:443",
            "UPPER.example.com",
            "https://a.example.com",
            "intranet",
            "a..b",
        ] {
            assert!(hosts(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn only_an_aws_iam_url_trusts_the_iam_context() {
        let url = |auth: Option<&str>| {
            let mut vars = vec![("WIX_CLIENT_ID", "client")];
            vars.extend(auth.map(|a| ("FUNCTION_URL_AUTH", a)));
            config(&vars).map(|c| c.iam_url)
        };
        assert_eq!(url(None), Ok(false), "unset: as a NONE URL");
        assert_eq!(url(Some("NONE")), Ok(false));
        assert_eq!(url(Some("AWS_IAM")), Ok(true));
        assert!(
            url(Some("aws_iam")).is_err(),
            "a typo is an error, not a NONE URL"
        );
    }

    #[test]
    fn a_metrics_namespace_that_cloudwatch_would_refuse_fails_the_start() {
        let namespace = |v: &str| config(&[("WIX_CLIENT_ID", "c"), ("METRICS_NAMESPACE", v)]);
        assert_eq!(
            config(&[("WIX_CLIENT_ID", "c")])
                .unwrap()
                .metrics_namespace
                .as_deref(),
            Some("WixElevate")
        );
        assert_eq!(namespace("").unwrap().metrics_namespace, None);
        assert!(matches!(
            namespace("AWS/Lambda"),
            Err(ConfigError::Invalid {
                var: "METRICS_NAMESPACE",
                ..
            })
        ));
    }

    #[test]
    fn the_client_id_is_required() {
        assert_eq!(
            config(&[]).unwrap_err(),
            ConfigError::Missing("WIX_CLIENT_ID")
        );
    }

    #[test]
    fn plain_http_to_wix_is_refused_unless_loopback() {
        for ok in [
            "http://127.0.0.1:9100",
            "http://localhost:9100/",
            "https://www.wixapis.com",
        ] {
            assert!(
                config(&[("WIX_CLIENT_ID", "c"), ("WIX_API_BASE", ok)]).is_ok(),
                "{ok}"
            );
        }
        for bad in [
            "http://www.wixapis.com",
            "http://10.0.0.1",
            "ftp://x",
            "https://x?y=1",
            "notaurl",
        ] {
            assert!(
                config(&[("WIX_CLIENT_ID", "c"), ("WIX_API_BASE", bad)]).is_err(),
                "{bad}"
            );
        }
    }

    #[test]
    fn wildcard_or_malformed_origins_are_refused() {
        for bad in [
            "*",
            "https://a.example/path",
            "https://a.example/",
            "a.example",
            "null",
        ] {
            assert!(
                config(&[("WIX_CLIENT_ID", "c"), ("ALLOWED_ORIGINS", bad)]).is_err(),
                "{bad}"
            );
        }
    }

    #[test]
    fn iam_principals_are_validated_and_sessions_match_their_role() {
        assert_eq!(
            iam_principal("arn:aws:sts::123456789012:assumed-role/nightly-job/any-session")
                .as_deref(),
            Some("arn:aws:iam::123456789012:role/nightly-job")
        );
        assert_eq!(
            iam_principal("arn:aws:iam::123456789012:role/jobs/nightly-job").as_deref(),
            Some("arn:aws:iam::123456789012:role/nightly-job")
        );
        assert!(iam_principal("arn:aws:iam::123456789012:user/ci").is_some());
        for bad in [
            "arn:",
            "arn:aws:iam::12345:role/x",
            "arn:aws:s3:::bucket",
            "arn:aws:iam::123456789012:group/admins",
            "arn:aws:iam::123456789012:role/",
            "arn:aws:iam::123456789012:role/a b",
            "role/x",
        ] {
            assert_eq!(iam_principal(bad), None, "{bad}");
        }
        assert!(config(&[("WIX_CLIENT_ID", "c"), ("ADMIN_IAM_PRINCIPALS", "arn:x")]).is_err());
    }

    #[test]
    fn credentials_in_the_wix_base_and_http_origins_off_loopback_are_refused() {
        let base = |b: &'static str| config(&[("WIX_CLIENT_ID", "c"), ("WIX_API_BASE", b)]);
        let origins = |o: &'static str| config(&[("WIX_CLIENT_ID", "c"), ("ALLOWED_ORIGINS", o)]);
        assert!(base("https://:pw@www.wixapis.com").is_err());
        assert!(origins("http://shop.example.com").is_err());
        assert!(origins("http://localhost:5173").is_ok());
    }

    #[test]
    fn a_setting_falls_back_to_its_default_and_refuses_garbage() {
        let env = |value: &'static str| move |_: &str| Some(value.to_owned());
        assert_eq!(setting_from(|_| None, "N", 5u64), Ok(5));
        assert_eq!(setting_from(env("  "), "N", 5u64), Ok(5));
        assert_eq!(setting_from(env(" 7 "), "N", 5u64), Ok(7));
        assert!(setting_from(env("seven"), "N", 5u64).is_err());
    }

    #[test]
    fn admin_ids_that_are_not_guids_are_refused() {
        assert!(config(&[("WIX_CLIENT_ID", "c"), ("ADMIN_MEMBER_IDS", "ada")]).is_err());
    }
}
