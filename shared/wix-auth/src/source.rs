use std::time::Duration;

use aws_config::timeout::TimeoutConfig;
use aws_sdk_secretsmanager::Client as SecretsManager;

use crate::{AuthError, Secret, WixCredentials};

/// The AWS configuration (region, credentials chain, endpoint overrides such as
/// `AWS_ENDPOINT_URL_DYNAMODB`), loaded once per process and shared by every AWS client; each client sets
/// its own timeouts and retries. Loading reads the environment only: credentials resolve on first use.
pub async fn aws_config() -> &'static aws_config::SdkConfig {
    static CONFIG: tokio::sync::OnceCell<aws_config::SdkConfig> =
        tokio::sync::OnceCell::const_new();
    CONFIG
        .get_or_init(|| aws_config::defaults(aws_config::BehaviorVersion::latest()).load())
        .await
}

/// Where the Wix credentials come from.
#[derive(Clone, Debug)]
pub enum SecretSource {
    /// AWS Secrets Manager: the production path.
    SecretsManager {
        client: SecretsManager,
        secret_id: String,
    },
    /// The secret JSON inline in the environment. Development only; announced with a warning.
    DevInline(crate::Secret),
}

/// Env var naming the Secrets Manager secret (name or ARN).
pub const SECRET_ID_VAR: &str = "WIX_SECRET_ID";
/// Dev-only env var holding the secret JSON itself.
pub const DEV_SECRET_VAR: &str = "WIX_DEV_SECRET";

impl SecretSource {
    /// Choose the source from the environment: `WIX_SECRET_ID` (Secrets Manager) or, for development only,
    /// `WIX_DEV_SECRET`. Building the Secrets Manager client reads config only; it makes no network call.
    pub async fn from_env() -> Result<Self, AuthError> {
        let secret_id = std::env::var(SECRET_ID_VAR)
            .ok()
            .filter(|s| !s.trim().is_empty());
        let inline = std::env::var(DEV_SECRET_VAR)
            .ok()
            .filter(|s| !s.trim().is_empty());
        match (secret_id, inline) {
            (Some(secret_id), None) => Ok(SecretSource::secrets_manager(secret_id).await),
            (None, Some(json)) => {
                tracing::warn!(
                    "{DEV_SECRET_VAR} is set: the Wix secret is read from the environment. \
                     Use {SECRET_ID_VAR} (AWS Secrets Manager) anywhere but a developer machine."
                );
                Ok(SecretSource::DevInline(crate::Secret::new(json)))
            }
            (Some(_), Some(_)) => Err(AuthError::SecretUnavailable(format!(
                "both {SECRET_ID_VAR} and {DEV_SECRET_VAR} are set; set exactly one"
            ))),
            (None, None) => Err(AuthError::SecretUnavailable(format!(
                "{SECRET_ID_VAR} is not set"
            ))),
        }
    }

    /// A Secrets Manager source with tight timeouts: a cold start must not hang on an unreachable store.
    pub async fn secrets_manager(secret_id: String) -> Self {
        let timeouts = TimeoutConfig::builder()
            .connect_timeout(Duration::from_secs(1))
            .operation_attempt_timeout(Duration::from_secs(2))
            .operation_timeout(Duration::from_secs(4))
            .build();
        let config = aws_sdk_secretsmanager::config::Builder::from(aws_config().await)
            .timeout_config(timeouts)
            .retry_config(aws_config::retry::RetryConfig::standard().with_max_attempts(2))
            .build();
        SecretSource::SecretsManager {
            client: SecretsManager::from_conf(config),
            secret_id,
        }
    }

    pub async fn fetch(&self) -> Result<WixCredentials, AuthError> {
        WixCredentials::parse(self.fetch_json().await?.expose())
    }

    /// The attestation provider's secret key from the same secret JSON (`attestationSecret`), if any.
    pub async fn fetch_attestation_secret(&self) -> Result<Option<Secret>, AuthError> {
        crate::secret::attestation_secret(self.fetch_json().await?.expose())
    }

    /// The secret JSON itself, still wrapped: only the parsers above look inside.
    async fn fetch_json(&self) -> Result<Secret, AuthError> {
        match self {
            SecretSource::DevInline(json) => Ok(json.clone()),
            SecretSource::SecretsManager { client, secret_id } => {
                let out = client
                    .get_secret_value()
                    .secret_id(secret_id)
                    .send()
                    .await
                    .map_err(|e| {
                        // The SDK error's display carries the service's error code, never the secret value.
                        AuthError::SecretUnavailable(
                            aws_sdk_secretsmanager::error::DisplayErrorContext(&e).to_string(),
                        )
                    })?;
                let json = out.secret_string().ok_or_else(|| {
                    AuthError::SecretMalformed("the secret has no SecretString".into())
                })?;
                Ok(Secret::new(json))
            }
        }
    }
}
