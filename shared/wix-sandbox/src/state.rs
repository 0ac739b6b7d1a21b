//! The one shared state: every Wix area's data plus the observe/steer bookkeeping, behind one mutex.
//! The lock is only taken inside [`SandboxState::with`], which cannot span an `.await`.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::http::StatusCode;

use crate::bookings::{BookingData, BookingSnapshot};
use crate::data::DataCollections;
use crate::ecom::{EcomData, OrderView};
use crate::media::{MediaData, MediaFile};
use crate::members::{MemberData, MemberView};
use crate::oauth::OAuthData;
use crate::observe::{FailRule, ObserveData, Stats};
use crate::seed::CatalogVersion;
use crate::site_properties::SiteData;
use crate::stores::{ProductView, StockView, StoresData};

/// Everything the sandbox knows. A new Wix area adds its own `…Data` field here.
pub(crate) struct World {
    pub oauth: OAuthData,
    pub members: MemberData,
    pub media: MediaData,
    pub data: DataCollections,
    pub site: SiteData,
    pub bookings: BookingData,
    pub stores: StoresData,
    pub ecom: EcomData,
    pub observe: ObserveData,
    /// The catalog version a reset returns to.
    seeded_catalog: CatalogVersion,
}

impl World {
    fn seeded(catalog: CatalogVersion) -> Self {
        World {
            oauth: OAuthData::seeded(),
            members: MemberData::seeded(),
            media: MediaData::default(),
            data: DataCollections::seeded(),
            site: SiteData::seeded(),
            bookings: BookingData::seeded(),
            stores: StoresData::seeded(catalog),
            ecom: EcomData::seeded(),
            observe: ObserveData::default(),
            seeded_catalog: catalog,
        }
    }
}

/// Cheap to clone; all clones share one sandbox. Its public methods are the in-process form of the
/// `/_sandbox/*` control endpoints.
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

    /// Counters and the log of Wix calls since the last reset.
    pub fn stats(&self) -> Stats {
        self.with(|w| w.observe.stats())
    }

    /// Every token the sandbox has issued (admin, visitor, member, one-time upload): a test scans logs and
    /// responses for them.
    pub fn issued_tokens(&self) -> Vec<String> {
        self.with(|w| {
            let mut tokens = w.oauth.issued();
            tokens.extend(w.media.issued.iter().cloned());
            tokens
        })
    }

    /// One member, whatever their status; `None` once deleted.
    pub fn member(&self, id: &str) -> Option<MemberView> {
        self.with(|w| w.members.by_id(id).map(|m| m.view()))
    }

    /// Every member, in creation order.
    pub fn members(&self) -> Vec<MemberView> {
        self.with(|w| w.members.members.iter().map(|m| m.view()).collect())
    }

    /// Every file uploaded to the Media Manager, in upload order.
    pub fn media_files(&self) -> Vec<MediaFile> {
        self.with(|w| w.media.files.clone())
    }

    /// The items (their `data`) of a CMS collection; `None` if it does not exist.
    pub fn data_items(&self, collection: &str) -> Option<Vec<serde_json::Value>> {
        self.with(|w| w.data.collections.get(collection).cloned())
    }

    /// Creates an empty CMS collection (no-op if it exists).
    pub fn create_collection(&self, collection: &str) {
        self.with(|w| {
            w.data.collections.entry(collection.to_owned()).or_default();
        });
    }

    /// Every token issued so far expires now (refresh tokens keep working).
    pub fn expire_tokens(&self) {
        self.with(|w| w.oauth.expire_all(now()));
    }

    /// Marks one access token inactive; false if the sandbox never issued it.
    pub fn deactivate_token(&self, token: &str) -> bool {
        self.with(|w| w.oauth.deactivate(token))
    }

    /// The next `count` non-control requests whose path starts with `path_prefix` (all of them when
    /// `None`) are answered with `status` and a Wix error body.
    pub fn fail(&self, count: u64, status: StatusCode, path_prefix: Option<&str>) {
        let rule = FailRule {
            remaining: count,
            status,
            path_prefix: path_prefix.unwrap_or("").to_owned(),
        };
        self.with(|w| w.observe.add_fail_rule(rule));
    }

    /// Delays every non-control response; `Duration::ZERO` clears it.
    pub fn set_latency(&self, latency: Duration) {
        self.with(|w| w.observe.latency = latency);
    }

    /// Replaces [`crate::seed::CLIENT_ID`]'s secret and revokes every admin token issued so far.
    pub fn rotate_secret(&self, new_secret: &str) {
        self.with(|w| w.oauth.rotate_secret(crate::seed::CLIENT_ID, new_secret));
    }

    /// `expires_in` of admin tokens minted from now on (0 mints tokens that are already expired).
    pub fn set_admin_token_ttl(&self, seconds: u64) {
        self.with(|w| w.oauth.admin_ttl = seconds);
    }

    /// One booking as it stands now (status, revision, slot, notifications sent); `None` if unknown.
    pub fn booking(&self, id: &str) -> Option<BookingSnapshot> {
        self.with(|w| w.bookings.by_id(id).map(|b| b.snapshot()))
    }

    /// Someone else changes booking `id` right after each of the next `reads` reader answers that
    /// contain it: its revision advances, so a write based on what was read meets a 409.
    pub fn change_booking_after_reads(&self, id: &str, reads: u64) {
        self.with(|w| {
            if reads == 0 {
                w.bookings.interference.remove(id);
            } else {
                w.bookings.interference.insert(id.to_owned(), reads);
            }
        });
    }

    /// Back to the seeded state with counters zeroed.
    pub fn reset(&self) {
        self.with(|w| {
            let generation = w.observe.generation + 1;
            *w = World::seeded(w.seeded_catalog);
            w.observe.generation = generation;
        });
    }

    /// Which catalog the site is on from now on (Wix Stores endpoints of the other one answer 428).
    pub fn set_catalog_version(&self, catalog: CatalogVersion) {
        self.with(|w| w.stores.catalog = catalog);
    }

    pub fn catalog_version(&self) -> CatalogVersion {
        self.with(|w| w.stores.catalog)
    }

    /// Every product of both catalogs, seeded and created.
    pub fn products(&self) -> Vec<ProductView> {
        self.with(|w| w.stores.products())
    }

    /// One variant's stock (V3 inventory item or V1 variant).
    pub fn stock(&self, product_id: &str, variant_id: &str) -> Option<StockView> {
        self.with(|w| w.stores.stock(product_id, variant_id))
    }

    /// Another writer updates this V3 inventory item right after its next read, so whoever read it
    /// holds a stale revision.
    pub fn race_next_inventory_read(&self, inventory_item_id: &str) {
        self.with(|w| w.stores.racing_writes.push(inventory_item_id.to_owned()));
    }

    /// An eCommerce order with its fulfillments, refunds and cancellation.
    pub fn order(&self, id: &str) -> Option<OrderView> {
        self.with(|w| w.ecom.order(id).map(|o| o.view()))
    }
}

/// Now as Wix writes dates: `2026-03-01T09:15:00.000Z`.
pub(crate) fn timestamp() -> String {
    let at = time::OffsetDateTime::now_utc();
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute(),
        at.second(),
        at.millisecond()
    )
}

/// Now as Wix writes dates: UTC with milliseconds, `2026-01-31T12:00:00.000Z`.
pub(crate) fn now_iso() -> String {
    let t = time::OffsetDateTime::now_utc();
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
