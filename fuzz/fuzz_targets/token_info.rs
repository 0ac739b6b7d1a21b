//! Wix's token-info answer about a caller's token, decoded and checked.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wix_elevate::fuzzing::token_info;

fuzz_target!(|data: &[u8]| {
    token_info(data);
});
