//! upload-image's multipart form with the caller's own Content-Type (boundary and all), and the image
//! sniffer on the file bytes. The first byte says which, and how long the Content-Type is.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wix_elevate::image::Image;

#[allow(dead_code)]
#[path = "../functions.rs"]
mod functions;

use functions::upload_image::UploadImage;
use functions::{parse, parse_with_content_type};

fuzz_target!(|data: &[u8]| {
    let Some((&length, rest)) = data.split_first() else {
        return;
    };
    // Half the inputs keep our boundary, so the fuzzer reaches the parts instead of the header.
    if length % 2 == 0 {
        parse::<UploadImage>(rest);
        let _ = Image::parse(rest.to_vec().into());
    } else {
        let (content_type, body) = rest.split_at(usize::from(length / 2).min(rest.len()));
        parse_with_content_type::<UploadImage>(content_type, body);
    }
});
