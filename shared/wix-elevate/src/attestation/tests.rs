use std::collections::HashSet;
use std::time::{Duration, SystemTime};

use serde_json::json;

use super::*;

fn lookup(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
    let vars: Vec<(String, String)> = vars
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    move |name| vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
}

fn origins() -> HashSet<String> {
    ["https://shop.example.com".to_owned()].into()
}

fn settings(provider: &str) -> AttestationSettings {
    AttestationSettings::from_lookup(
        lookup(&[("ATTESTATION_PROVIDER", provider)]),
        "upload-image",
        Attestation::Required,
        &origins(),
    )
    .unwrap()
    .unwrap()
}

fn rfc3339(at: SystemTime) -> String {
    time::OffsetDateTime::from(at)
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap()
}

/// A passing answer for `provider`, with `overrides` on top.
fn answer(provider: Provider, overrides: serde_json::Value) -> SiteverifyAnswer {
    let mut base = json!({
        "success": true, "challenge_ts": rfc3339(SystemTime::now()), "hostname": "shop.example.com",
        "error-codes": []
    });
    match provider {
        Provider::Turnstile => base["action"] = json!("upload_image"),
        Provider::Recaptcha => {
            base["action"] = json!("upload_image");
            base["score"] = json!(0.9);
        }
        Provider::Hcaptcha => {}
    }
    for (k, v) in overrides.as_object().unwrap() {
        base[k] = v.clone();
    }
    serde_json::from_value(base).unwrap()
}

fn judged(provider: &str, overrides: serde_json::Value) -> Verdict {
    let settings = settings(provider);
    judge(
        &answer(settings.provider, overrides),
        &settings,
        SystemTime::now(),
    )
}

#[test]
fn settings_default_to_the_origins_hosts_and_the_function_name_as_action() {
    let s = settings("turnstile");
    assert_eq!(s.mode, Attestation::Required);
    assert_eq!(s.hostnames, HashSet::from(["shop.example.com".to_owned()]));
    assert_eq!(s.action, "upload_image");
    assert_eq!(s.min_score, 0.5);
    assert_eq!(
        s.verify_url.as_str(),
        "https://challenges.cloudflare.com/turnstile/v0/siteverify"
    );
    assert_eq!(
        settings("recaptcha").verify_url.as_str(),
        "https://www.google.com/recaptcha/api/siteverify"
    );
    assert_eq!(
        settings("hcaptcha").verify_url.as_str(),
        "https://api.hcaptcha.com/siteverify"
    );
}

#[test]
fn attestation_is_off_where_the_endpoint_or_the_deployment_says_so() {
    let off = |vars: &[(&str, &str)], declared| {
        AttestationSettings::from_lookup(lookup(vars), "f", declared, &origins())
    };
    assert!(off(&[], Attestation::Off).unwrap().is_none());
    assert!(
        off(&[("ATTESTATION", "off")], Attestation::Required)
            .unwrap()
            .is_none()
    );
    // An endpoint without the step cannot be made to require it by configuration alone.
    assert!(off(&[("ATTESTATION", "required")], Attestation::Off).is_err());
    // Required, it needs a provider; optional by declaration, it is off without one.
    assert!(off(&[], Attestation::Required).is_err());
    assert!(off(&[], Attestation::Optional).unwrap().is_none());
    assert!(off(&[("ATTESTATION", "optional")], Attestation::Optional).is_err());
    let on = off(
        &[
            ("ATTESTATION", "required"),
            ("ATTESTATION_PROVIDER", "hcaptcha"),
        ],
        Attestation::Optional,
    );
    assert_eq!(on.unwrap().unwrap().mode, Attestation::Required);
    assert!(
        off(
            &[
                ("ATTESTATION", "sometimes"),
                ("ATTESTATION_PROVIDER", "turnstile")
            ],
            Attestation::Required
        )
        .is_err()
    );
}

#[test]
fn a_verify_base_is_https_or_plain_http_to_loopback_only() {
    let base = |value: &str| {
        AttestationSettings::from_lookup(
            lookup(&[
                ("ATTESTATION_PROVIDER", "turnstile"),
                ("ATTESTATION_VERIFY_BASE", value),
            ]),
            "f",
            Attestation::Required,
            &origins(),
        )
    };
    assert_eq!(
        base("http://127.0.0.1:9100")
            .unwrap()
            .unwrap()
            .verify_url
            .as_str(),
        "http://127.0.0.1:9100/turnstile/v0/siteverify"
    );
    assert!(base("https://verify.internal.example").is_ok());
    for refused in [
        "http://challenges.cloudflare.com",
        "http://localhost.evil.example",
        "https://user:pw@challenges.cloudflare.com",
        "https://challenges.cloudflare.com/other",
        "ftp://127.0.0.1",
        "not a url",
    ] {
        assert!(base(refused).is_err(), "{refused}");
    }
}

#[test]
fn actions_hostnames_and_scores_are_validated() {
    let with = |var: &str, value: &str| {
        AttestationSettings::from_lookup(
            lookup(&[("ATTESTATION_PROVIDER", "recaptcha"), (var, value)]),
            "f",
            Attestation::Required,
            &origins(),
        )
    };
    assert!(
        with("ATTESTATION_ACTION", "upload-image").is_err(),
        "reCAPTCHA allows no '-'"
    );
    assert!(with("ATTESTATION_ACTION", &"a".repeat(33)).is_err());
    assert!(with("ATTESTATION_MIN_SCORE", "1.5").is_err());
    assert!(with("ATTESTATION_MIN_SCORE", "NaN").is_err());
    assert!(with("ATTESTATION_HOSTNAMES", "shop.example.com,bad host").is_err());
    let hosts = with("ATTESTATION_HOSTNAMES", "Shop.Example.com, www.example.com")
        .unwrap()
        .unwrap();
    assert_eq!(hosts.hostnames.len(), 2);
    assert!(hosts.hostnames.contains("shop.example.com"));
    assert!(
        AttestationSettings::from_lookup(
            lookup(&[("ATTESTATION_PROVIDER", "turnstile")]),
            "f",
            Attestation::Required,
            &HashSet::new()
        )
        .is_err(),
        "no hostnames to expect"
    );
}

#[test]
fn a_passing_answer_passes_for_each_provider() {
    for provider in ["turnstile", "recaptcha", "hcaptcha"] {
        assert_eq!(judged(provider, json!({})), Verdict::Passed, "{provider}");
    }
}

#[test]
fn a_token_for_another_hostname_or_action_is_refused() {
    for provider in ["turnstile", "recaptcha", "hcaptcha"] {
        assert!(matches!(
            judged(provider, json!({ "hostname": "evil.example" })),
            Verdict::Refused(_)
        ));
        assert!(matches!(
            judged(provider, json!({ "hostname": null })),
            Verdict::Refused(_)
        ));
    }
    for provider in ["turnstile", "recaptcha"] {
        assert!(matches!(
            judged(provider, json!({ "action": "login" })),
            Verdict::Refused(_)
        ));
        assert!(matches!(
            judged(provider, json!({ "action": null })),
            Verdict::Refused(_)
        ));
    }
    assert_eq!(
        judged("turnstile", json!({ "hostname": "SHOP.example.com" })),
        Verdict::Passed
    );
}

#[test]
fn a_low_recaptcha_score_is_refused() {
    assert!(matches!(
        judged("recaptcha", json!({ "score": 0.3 })),
        Verdict::Refused(_)
    ));
    assert!(
        matches!(
            judged("recaptcha", json!({ "score": null })),
            Verdict::Refused(_)
        ),
        "a v2 answer"
    );
    assert_eq!(
        judged("recaptcha", json!({ "score": 0.5 })),
        Verdict::Passed
    );
    // hCaptcha's score is a risk: high is bad.
    assert!(matches!(
        judged("hcaptcha", json!({ "score": 0.8 })),
        Verdict::Refused(_)
    ));
    assert_eq!(judged("hcaptcha", json!({ "score": 0.2 })), Verdict::Passed);
}

#[test]
fn an_old_future_or_undated_challenge_is_refused() {
    let ago = |secs| rfc3339(SystemTime::now() - Duration::from_secs(secs));
    assert!(matches!(
        judged("turnstile", json!({ "challenge_ts": ago(301) })),
        Verdict::Refused(_)
    ));
    assert_eq!(
        judged("turnstile", json!({ "challenge_ts": ago(290) })),
        Verdict::Passed
    );
    assert!(matches!(
        judged("recaptcha", json!({ "challenge_ts": ago(121) })),
        Verdict::Refused(_)
    ));
    let ahead = rfc3339(SystemTime::now() + Duration::from_secs(120));
    assert!(matches!(
        judged("turnstile", json!({ "challenge_ts": ahead })),
        Verdict::Refused(_)
    ));
    assert!(matches!(
        judged("turnstile", json!({ "challenge_ts": "yesterday" })),
        Verdict::Refused(_)
    ));
    assert!(matches!(
        judged("turnstile", json!({ "challenge_ts": null })),
        Verdict::Refused(_)
    ));
    // reCAPTCHA's own format: an offset instead of Z.
    assert_eq!(
        judged(
            "recaptcha",
            json!({ "challenge_ts": rfc3339(SystemTime::now()).replace('Z', "+00:00") })
        ),
        Verdict::Passed
    );
}

#[test]
fn a_refused_secret_is_our_misconfiguration_and_a_refused_token_the_callers() {
    let failed = |codes: serde_json::Value| {
        judged(
            "turnstile",
            json!({ "success": false, "error-codes": codes }),
        )
    };
    assert!(matches!(
        failed(json!(["invalid-input-secret"])),
        Verdict::Misconfigured(_)
    ));
    // A token solved on another site key, or one the provider cannot read, is the caller's.
    assert!(matches!(
        failed(json!(["bad-request"])),
        Verdict::Refused(_)
    ));
    assert!(matches!(
        failed(json!(["sitekey-secret-mismatch"])),
        Verdict::Refused(_)
    ));
    assert!(matches!(
        failed(json!(["timeout-or-duplicate"])),
        Verdict::Refused(_)
    ));
    assert!(matches!(
        failed(json!(["invalid-input-response"])),
        Verdict::Refused(_)
    ));
    assert!(matches!(failed(json!([])), Verdict::Refused(_)));
}

#[test]
fn an_attestation_header_is_one_visible_ascii_token_of_at_most_2048_chars() {
    let shape = |values: &[&[u8]]| {
        let mut headers = http::HeaderMap::new();
        for v in values {
            headers.append(HEADER, http::HeaderValue::from_bytes(v).unwrap());
        }
        match presented(&headers) {
            Presented::None => "none",
            Presented::Token(_) => "token",
            Presented::Malformed => "malformed",
        }
    };
    assert_eq!(shape(&[]), "none");
    assert_eq!(shape(&[b"0.AbC-_x.y"]), "token");
    assert_eq!(shape(&["a".repeat(2048).as_bytes()]), "token");
    assert_eq!(shape(&["a".repeat(2049).as_bytes()]), "malformed");
    assert_eq!(shape(&[b""]), "malformed");
    assert_eq!(shape(&[b"two words"]), "malformed");
    assert_eq!(shape(&[b"caf\xc3\xa9"]), "malformed");
    assert_eq!(shape(&[b"one", b"two"]), "malformed");
}

#[test]
fn a_refused_secret_is_reread_at_most_every_30_seconds() {
    let attestor = Attestor::new(
        settings("turnstile"),
        wix_auth::wix_http_client().unwrap(),
        wix_auth::SecretSource::DevInline(wix_auth::Secret::new("{}")),
    );
    assert!(attestor.may_reread(), "the first refusal re-reads");
    assert!(!attestor.may_reread(), "the next ones within 30 s do not");
    *attestor.reread_at.lock().unwrap() = Some(std::time::Instant::now() - REREAD_EVERY);
    assert!(attestor.may_reread(), "after 30 s again");
}
