//! The `Authorization: Bearer` header and the `Idempotency-Key` header.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wix_elevate::fuzzing::request_headers;

fuzz_target!(|data: &[u8]| {
    request_headers(data);
});
