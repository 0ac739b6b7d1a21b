use thiserror::Error;

/// Why admin credentials could not be produced. Messages never contain secret material.
#[derive(Clone, Debug, Error)]
pub enum AuthError {
    #[error("the secret store could not be read: {0}")]
    SecretUnavailable(String),
    #[error("the secret is not valid Wix credentials JSON: {0}")]
    SecretMalformed(String),
    #[error(
        "Wix rejected the OAuth client credentials (status {status}, wix request id {request_id:?})"
    )]
    ClientRejected {
        status: u16,
        request_id: Option<String>,
    },
    #[error("Wix token endpoint answered {status} (wix request id {request_id:?})")]
    MintFailed {
        status: u16,
        request_id: Option<String>,
    },
    #[error("Wix token endpoint could not be reached: {0}")]
    WixUnreachable(String),
    #[error("Wix token endpoint answered with an unreadable body: {0}")]
    MintResponseMalformed(String),
    #[error("the admin credential cannot be sent: {0}")]
    CredentialUnusable(String),
}

impl AuthError {
    /// Failures worth retrying soon with the same inputs (the other side may recover).
    pub fn is_transient(&self) -> bool {
        match self {
            AuthError::WixUnreachable(_) | AuthError::SecretUnavailable(_) => true,
            AuthError::MintFailed { status, .. } => *status >= 500,
            _ => false,
        }
    }
}
