//! Every Wix answer type the client decodes, and the admin token-mint answer: the first byte picks one.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wix_elevate::fuzzing::{wix_answer, wix_answer_count};

fuzz_target!(|data: &[u8]| {
    let Some((&which, answer)) = data.split_first() else {
        return;
    };
    let which = usize::from(which) % (wix_answer_count() + 1);
    if which == wix_answer_count() {
        wix_auth::fuzz_token_response(answer);
    } else {
        wix_answer(which, answer);
    }
});
