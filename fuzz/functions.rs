//! Every function's `main.rs` compiled as a module, so that its `Endpoint` and input types can be named,
//! and each one's input parser over raw bytes. Shared by the fuzz targets and the property test in
//! tests/api/openapi.rs and the openapi generator (which include this file by path); only wix-elevate's public API is used.

use wix_elevate::{Endpoint, Input, RequestParts};

/// The multipart boundary [`parse`] declares for a form body.
pub const BOUNDARY: &str = "fuzz-boundary";

macro_rules! functions {
    ($($module:ident => $path:literal :: $endpoint:ident),+ $(,)?) => {
        $(
            #[allow(dead_code)]
            #[path = $path]
            pub mod $module;
        )+
        /// Each function's name and its input parser: [`parse`] for its `Endpoint`.
        pub const PARSERS: &[(&str, fn(&[u8]) -> bool)] =
            &[$((<$module::$endpoint as Endpoint>::NAME, parse::<$module::$endpoint>)),+];

        /// openapi.yaml's operations: every function's declaration and types.
        #[allow(dead_code)]
        pub fn openapi() -> wix_elevate::openapi::Document {
            let mut document = wix_elevate::openapi::Document::default();
            $(document.add::<$module::$endpoint>();)+
            document
        }
    };
}

// One line per function crate, found by the build script (tests/build.rs).
include!(concat!(env!("OUT_DIR"), "/functions.rs"));

/// `E`'s input parsed from `body` as the pipeline parses it after the size and media-type checks, with
/// the Content-Type `E` expects (a form gets [`BOUNDARY`]).
pub fn parse<E: Endpoint>(body: &[u8]) -> bool {
    let content_type = match <E::Input as Input>::MEDIA_TYPE {
        Some("multipart/form-data") => format!("multipart/form-data; boundary={BOUNDARY}"),
        Some(media_type) => media_type.to_owned(),
        None => String::new(),
    };
    parse_with_content_type::<E>(content_type.as_bytes(), body)
}

/// `E`'s input with the Content-Type header the caller sent (a multipart boundary is the caller's).
pub fn parse_with_content_type<E: Endpoint>(content_type: &[u8], body: &[u8]) -> bool {
    let mut headers = http::HeaderMap::new();
    if let Ok(value) = http::HeaderValue::from_bytes(content_type) {
        headers.insert(http::header::CONTENT_TYPE, value);
    }
    let parts = RequestParts {
        headers: &headers,
        query: "",
    };
    <E::Input as Input>::parse(&parts, body).is_ok()
}
