//! Black-box tests, one module per area, linked into one test binary (`cargo test -p blackbox --test
//! api`): the real function binaries under `cargo lambda watch`, moto for Secrets Manager, the sandbox
//! for Wix. Every test runs in this one process, so what is shared (one moto, one build of the
//! functions, openapi's stack) lives in a `static` and is started once.

mod harness;

// Every function's main.rs as a module, for the in-process property tests of their input parsers.
#[path = "../../fuzz/functions.rs"]
mod functions;

mod admission;
mod attestation;
mod bookings;
mod browser;
mod cold_start;
mod consistency;
mod get_site_properties;
mod members;
mod metrics;
mod openapi;
mod oracle;
mod orders;
mod state;
mod stores;
mod upload_image;
