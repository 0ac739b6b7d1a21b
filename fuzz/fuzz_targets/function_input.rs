//! Every function's input type: the first byte picks the function, the rest is its body.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../functions.rs"]
mod functions;

fuzz_target!(|data: &[u8]| {
    let Some((&which, body)) = data.split_first() else {
        return;
    };
    let (_, parse) = functions::PARSERS[usize::from(which) % functions::PARSERS.len()];
    parse(body);
});
