use std::fmt;

use serde::Deserialize;

use crate::AuthError;

/// A secret value (client secret, API key, admin token). It never prints: `Debug` shows a placeholder and
/// there is no `Display`, so it cannot end up in a log line or a response by accident.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The raw value, for the one place it must go on the wire.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

/// What the secret store holds: OAuth client credentials (preferred) or an API key bound to a site.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WixCredentials {
    OAuth {
        client_id: String,
        client_secret: Secret,
    },
    ApiKey {
        api_key: Secret,
        site_id: String,
    },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct SecretJson {
    client_id: Option<String>,
    client_secret: Option<String>,
    api_key: Option<String>,
    site_id: Option<String>,
    /// The attestation provider's secret key (Turnstile, reCAPTCHA, hCaptcha): beside the Wix credentials,
    /// so one secret, one rotation and one IAM statement cover a function.
    attestation_secret: Option<String>,
}

impl SecretJson {
    fn read(json: &str) -> Result<Self, AuthError> {
        serde_json::from_str(json).map_err(|e| {
            // serde's message may quote input around an error position; keep only its category.
            AuthError::SecretMalformed(format!(
                "expected {{\"clientId\",\"clientSecret\"}} or {{\"apiKey\",\"siteId\"}} ({:?} error at line {} column {})",
                e.classify(),
                e.line(),
                e.column()
            ))
        })
    }
}

/// The secret JSON's `attestationSecret`, if it has one (a blank one counts as none).
pub fn attestation_secret(json: &str) -> Result<Option<Secret>, AuthError> {
    let raw = SecretJson::read(json)?;
    Ok(raw
        .attestation_secret
        .filter(|s| !s.trim().is_empty())
        .map(Secret::new))
}

impl WixCredentials {
    /// Parse the secret JSON: `{"clientId","clientSecret"}` or `{"apiKey","siteId"}`, each optionally with
    /// `attestationSecret` (read by [`attestation_secret`]), nothing else.
    /// Errors name the fields, never their values.
    pub fn parse(json: &str) -> Result<Self, AuthError> {
        let raw = SecretJson::read(json)?;
        let non_empty = |v: Option<String>| v.filter(|s| !s.trim().is_empty());
        match (
            non_empty(raw.client_id),
            non_empty(raw.client_secret),
            non_empty(raw.api_key),
            non_empty(raw.site_id),
        ) {
            (Some(client_id), Some(secret), None, None) => Ok(WixCredentials::OAuth {
                client_id,
                client_secret: Secret::new(secret),
            }),
            (None, None, Some(key), Some(site_id)) => Ok(WixCredentials::ApiKey {
                api_key: Secret::new(key),
                site_id,
            }),
            _ => Err(AuthError::SecretMalformed(
                "expected exactly clientId + clientSecret, or exactly apiKey + siteId, all non-empty".into(),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn oauth_and_api_key_secrets_parse() {
        let oauth = WixCredentials::parse(r#"{"clientId":"c","clientSecret":"s3cr3t"}"#).unwrap();
        assert_eq!(
            oauth,
            WixCredentials::OAuth {
                client_id: "c".into(),
                client_secret: Secret::new("s3cr3t")
            }
        );
        let key = WixCredentials::parse(r#"{"apiKey":"k","siteId":"site"}"#).unwrap();
        assert_eq!(
            key,
            WixCredentials::ApiKey {
                api_key: Secret::new("k"),
                site_id: "site".into()
            }
        );
    }

    #[test]
    fn a_secret_with_mixed_missing_or_unknown_fields_is_rejected() {
        for bad in [
            r#"{"clientId":"c"}"#,
            r#"{"clientId":"c","clientSecret":"s","apiKey":"k","siteId":"x"}"#,
            r#"{"clientId":"c","clientSecret":""}"#,
            r#"{"clientId":"c","clientSecret":"s","extra":1}"#,
            "not json",
        ] {
            assert!(
                matches!(
                    WixCredentials::parse(bad),
                    Err(AuthError::SecretMalformed(_))
                ),
                "{bad}"
            );
        }
    }

    #[test]
    fn a_malformed_secret_error_never_echoes_the_secret() {
        let err = WixCredentials::parse(r#"{"clientId":"c","clientSecret":"hunter2-very-secret" "#)
            .unwrap_err();
        assert!(!err.to_string().contains("hunter2"), "{err}");
    }

    /// Found by the `secret_json` fuzz target: an input that is a piece of our own refusal text. Every
    /// refusal is a fixed text apart from serde's line and column, so no input can show through it.
    #[test]
    fn a_malformed_secret_error_is_a_fixed_text() {
        let fixed = |json: &str| -> String {
            let message = WixCredentials::parse(json).unwrap_err().to_string();
            message.chars().filter(|c| !c.is_ascii_digit()).collect()
        };
        let unreadable = [fixed("x"), fixed("{"), fixed("1")];
        for json in [
            r#"s JSON: expected {"client"#,
            r#"{"clientId":"c","clientSecret":"hunter2" "#,
            "[1,2,3",
        ] {
            assert!(unreadable.contains(&fixed(json)), "{json}");
        }
        let shape = fixed(r#"{"clientId":"c"}"#);
        assert_eq!(fixed(r#"{"apiKey":"k","clientSecret":"s"}"#), shape);
        assert_eq!(fixed(r#"{"clientId":"a-client-id-nobody-knows"}"#), shape);
    }

    #[test]
    fn the_attestation_secret_sits_beside_either_kind_of_credentials() {
        let oauth = r#"{"clientId":"c","clientSecret":"s","attestationSecret":"0x4AAA-key"}"#;
        assert!(matches!(
            WixCredentials::parse(oauth),
            Ok(WixCredentials::OAuth { .. })
        ));
        assert_eq!(
            attestation_secret(oauth).unwrap(),
            Some(Secret::new("0x4AAA-key"))
        );
        let api_key = r#"{"apiKey":"k","siteId":"s","attestationSecret":"key"}"#;
        assert!(matches!(
            WixCredentials::parse(api_key),
            Ok(WixCredentials::ApiKey { .. })
        ));
        assert_eq!(
            attestation_secret(r#"{"clientId":"c","clientSecret":"s"}"#).unwrap(),
            None
        );
        assert_eq!(
            attestation_secret(r#"{"attestationSecret":"  "}"#).unwrap(),
            None
        );
        // Alone it is not Wix credentials.
        assert!(WixCredentials::parse(r#"{"attestationSecret":"key"}"#).is_err());
    }

    #[test]
    fn secrets_never_print() {
        let creds = WixCredentials::parse(r#"{"clientId":"c","clientSecret":"hunter2"}"#).unwrap();
        let shown = format!("{creds:?} {:?}", Secret::new("hunter2"));
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("redacted"));
    }
}
