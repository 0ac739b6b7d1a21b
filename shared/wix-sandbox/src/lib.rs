//! wix-sandbox: a fake Wix REST API on loopback for local runs and tests.
//!
//! It speaks the shapes in `wix-api.md` (camelCase JSON, snake_case OAuth token responses, Wix error
//! bodies, an `x-wix-request-id` header on every response), so the real function binaries talk to it
//! unchanged through `WIX_API_BASE`. Its data starts from [`seed`]; `/_sandbox/*` observes and steers
//! it (see [`control`] and the public methods of [`SandboxState`]).
//!
//! Layout: one module per Wix area, each with `routes() -> Router<SandboxState>` and its own slice of
//! the shared [`SandboxState`]; [`auth::AdminAuth`] is the one admin check, and the [`observe`] layer
//! does recording, failure injection and latency for every route. [`login`] is a member's login as the
//! SDK in a page performs it (IAM Login V2, a redirect session, the authorize page it frames, and the
//! `authorization_code` grant). [`attestation`] is not Wix: it is
//! the CAPTCHA providers' `siteverify`, served on the same port so one base URL fakes them all.

pub mod attestation;
pub mod auth;
pub mod bookings;
pub mod control;
mod cors;
pub mod data;
pub mod ecom;
pub mod error;
pub mod login;
pub mod media;
pub mod members;
pub mod oauth;
pub mod observe;
pub mod query;
pub mod seed;
pub mod site_properties;
mod state;
pub mod stores;

#[cfg(test)]
mod tests;

use std::net::{Ipv4Addr, SocketAddr};

use axum::Router;
use axum::middleware::from_fn_with_state;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

pub use attestation::{AttestationProvider, AttestationRequest, AttestationVerification};
pub use auth::AdminAuth;
pub use bookings::{BookingSnapshot, SentNotification};
pub use ecom::{CancellationView, FulfillmentView, OrderView, RefundView};
pub use error::WixError;
pub use media::MediaFile;
pub use members::MemberView;
pub use observe::{CallRecord, Stats};
pub use seed::{
    CatalogVersion, MemberStatus, SeedBooking, SeedMember, SeedService, SeedSession, ServiceKind,
};
pub use state::SandboxState;
pub use stores::{ProductView, StockView};

/// The whole sandbox as one router: Wix areas, control endpoints, a Wix-shaped 404 for the rest.
pub fn router(state: SandboxState) -> Router {
    Router::new()
        .merge(oauth::routes())
        .merge(login::routes())
        .merge(site_properties::routes())
        .merge(members::routes())
        .merge(bookings::routes())
        .merge(media::routes())
        .merge(data::routes())
        .merge(stores::routes())
        .merge(ecom::routes())
        .merge(attestation::routes())
        .merge(control::routes())
        .fallback(not_found)
        .layer(from_fn_with_state(state.clone(), observe::observe))
        .layer(axum::middleware::from_fn(cors::cors))
        .with_state(state)
}

async fn not_found() -> WixError {
    WixError::not_found("no such endpoint in the sandbox")
}

/// A sandbox serving on a spawned tokio task.
pub struct Sandbox {
    /// `http://127.0.0.1:PORT`, the value for `WIX_API_BASE`.
    pub base_url: String,
    pub addr: SocketAddr,
    /// Steer and observe in-process, without HTTP.
    pub state: SandboxState,
    task: JoinHandle<std::io::Result<()>>,
}

impl Sandbox {
    /// Binds 127.0.0.1:`port` (0 picks a free port) and serves the seeded sandbox on a spawned task.
    /// The task lives until [`Sandbox::stop`] or the end of the tokio runtime; dropping the value does
    /// not stop it.
    pub async fn spawn(port: u16) -> std::io::Result<Sandbox> {
        Sandbox::spawn_with(port, SandboxState::seeded()).await
    }

    /// [`Sandbox::spawn`] with a state prepared by the caller (e.g. a site on Catalog V1).
    pub async fn spawn_with(port: u16, state: SandboxState) -> std::io::Result<Sandbox> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, port)).await?;
        let addr = listener.local_addr()?;
        let app = router(state.clone());
        let task = tokio::spawn(async move { axum::serve(listener, app).await });
        Ok(Sandbox {
            base_url: format!("http://{addr}"),
            addr,
            state,
            task,
        })
    }

    /// `base_url` + `path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    /// Serves until the server task ends (it only ends on an I/O error).
    pub async fn join(self) -> std::io::Result<()> {
        self.task.await.map_err(std::io::Error::other)?
    }

    /// Stops accepting connections and releases the port (open keep-alive connections may linger).
    pub fn stop(self) {
        self.task.abort();
    }
}
