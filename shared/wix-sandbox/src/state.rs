//! The one shared state: every Wix area's data plus the observe/steer bookkeeping, behind one mutex.
//! The lock is only taken inside [`SandboxState::with`], which cannot span an `.await`.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::{SystemTime, UNIX_EPOCH};

use crate::attestation::AttestationData;
use crate::bookings::BookingData;
use crate::data::DataCollections;
use crate::ecom::EcomData;
use crate::login::LoginData;
use crate::media::MediaData;
use crate::members::MemberData;
use crate::oauth::OAuthData;
use crate::observe::ObserveData;
use crate::seed::CatalogVersion;
use crate::site_properties::SiteData;
use crate::stores::StoresData;

/// Everything the sandbox knows. A new Wix area adds its own `…Data` field here.
pub(crate) struct World {
    pub oauth: OAuthData,
    /// Member logins in progress: session tokens, authorization codes, logout sessions.
    pub login: LoginData,
    pub members: MemberData,
    pub media: MediaData,
    pub data: DataCollections,
    pub site: SiteData,
    pub bookings: BookingData,
    pub stores: StoresData,
    pub ecom: EcomData,
    pub attestation: AttestationData,
    pub observe: ObserveData,
    /// The catalog version a reset returns to.
    seeded_catalog: CatalogVersion,
}

impl World {
    fn seeded(catalog: CatalogVersion) -> Self {
        World {
            oauth: OAuthData::seeded(),
            login: LoginData::default(),
            members: MemberData::seeded(),
            media: MediaData::default(),
            data: DataCollections::seeded(),
            site: SiteData::seeded(),
            bookings: BookingData::seeded(),
            stores: StoresData::seeded(catalog),
            ecom: EcomData::seeded(),
            attestation: AttestationData::default(),
            observe: ObserveData::default(),
            seeded_catalog: catalog,
        }
    }
}

/// Cheap to clone; all clones share one sandbox. Its public methods are the in-process form of the
/// `/_sandbox/*` control endpoints: the ones spanning areas here, each area's in its own module.
#[derive(Clone)]
pub struct SandboxState {
    inner: Arc<Mutex<World>>,
}

impl Default for SandboxState {
    fn default() -> Self {
        Self::seeded()
    }
}

impl SandboxState {
    /// A fresh sandbox holding the data in [`crate::seed`].
    pub fn seeded() -> Self {
        Self::seeded_on(crate::seed::DEFAULT_CATALOG)
    }

    /// A fresh sandbox whose site is on `catalog` (also after a reset).
    pub fn seeded_on(catalog: CatalogVersion) -> Self {
        SandboxState {
            inner: Arc::new(Mutex::new(World::seeded(catalog))),
        }
    }

    /// Runs `f` under the lock. A panic in some handler must not wedge every later test, so a
    /// poisoned lock is simply taken over.
    pub(crate) fn with<R>(&self, f: impl FnOnce(&mut World) -> R) -> R {
        let mut world = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        f(&mut world)
    }

    /// Every token the sandbox has issued (admin, visitor, member, one-time upload, a login's session
    /// tokens and codes): a test scans logs and responses for them.
    pub fn issued_tokens(&self) -> Vec<String> {
        self.with(|w| {
            let mut tokens = w.oauth.issued();
            tokens.extend(w.media.issued.iter().cloned());
            tokens.extend(w.login.issued().cloned());
            tokens
        })
    }

    /// Back to the seeded state with counters zeroed.
    pub fn reset(&self) {
        self.with(|w| {
            let generation = w.observe.generation + 1;
            *w = World::seeded(w.seeded_catalog);
            w.observe.generation = generation;
        });
    }
}

/// Now as Wix writes dates: RFC 3339 in UTC with milliseconds, `2026-01-31T12:00:00.000Z`.
pub(crate) fn now_iso() -> String {
    iso(time::OffsetDateTime::now_utc())
}

/// `t` as Wix writes dates (see [`now_iso`]), converted to UTC.
pub(crate) fn iso(t: time::OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        t.millisecond()
    )
}

/// Seconds since the Unix epoch, the unit of token-info `iat`/`exp`.
pub(crate) fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}
