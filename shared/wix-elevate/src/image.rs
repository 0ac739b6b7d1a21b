//! Images recognised by their first bytes (magic numbers), never by the type or file name the caller
//! declares: an HTML or SVG document sent as `image/png` is not an image here.

use bytes::Bytes;

use crate::ApiError;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImageKind {
    Jpeg,
    Png,
    Webp,
    Gif,
}

impl ImageKind {
    /// What the bytes are, if one of the accepted kinds.
    pub fn sniff(bytes: &[u8]) -> Option<ImageKind> {
        match bytes {
            [0xFF, 0xD8, 0xFF, ..] => Some(ImageKind::Jpeg),
            [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, ..] => Some(ImageKind::Png),
            [b'G', b'I', b'F', b'8', b'7' | b'9', b'a', ..] => Some(ImageKind::Gif),
            [
                b'R',
                b'I',
                b'F',
                b'F',
                _,
                _,
                _,
                _,
                b'W',
                b'E',
                b'B',
                b'P',
                b'V',
                b'P',
                b'8',
                b' ' | b'L' | b'X',
                ..,
            ] => Some(ImageKind::Webp),
            _ => None,
        }
    }

    pub fn mime_type(self) -> &'static str {
        match self {
            ImageKind::Jpeg => "image/jpeg",
            ImageKind::Png => "image/png",
            ImageKind::Webp => "image/webp",
            ImageKind::Gif => "image/gif",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            ImageKind::Jpeg => "jpg",
            ImageKind::Png => "png",
            ImageKind::Webp => "webp",
            ImageKind::Gif => "gif",
        }
    }
}

/// Bytes whose image kind was recognised.
#[derive(Clone)]
pub struct Image {
    kind: ImageKind,
    bytes: Bytes,
}

impl Image {
    pub const ACCEPTED: &'static str = "a JPEG, PNG, WebP or GIF image";

    /// 415 unless the bytes are a JPEG, PNG, WebP or GIF.
    pub fn parse(bytes: Bytes) -> Result<Image, ApiError> {
        match ImageKind::sniff(&bytes) {
            Some(kind) => Ok(Image { kind, bytes }),
            None => Err(ApiError::UnsupportedMediaType {
                expected: Self::ACCEPTED,
            }),
        }
    }

    pub fn kind(&self) -> ImageKind {
        self.kind
    }

    pub fn bytes(&self) -> &Bytes {
        &self.bytes
    }
}

impl std::fmt::Debug for Image {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Image({:?}, {} bytes)", self.kind, self.bytes.len())
    }
}

/// A form part of raw bytes; which kinds are taken is the bytes' business, not the declared type's.
impl schemars::JsonSchema for Image {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Image".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "contentMediaType": "application/octet-stream"
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_four_kinds_are_recognised_by_their_magic_bytes() {
        let cases: [(&[u8], ImageKind); 6] = [
            (b"\xFF\xD8\xFF\xE0\x00\x10JFIF", ImageKind::Jpeg),
            (b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR", ImageKind::Png),
            (b"GIF89a\x01\x00\x01\x00", ImageKind::Gif),
            (b"GIF87a\x01\x00\x01\x00", ImageKind::Gif),
            (b"RIFF\x24\x00\x00\x00WEBPVP8 \x18\x00", ImageKind::Webp),
            (b"RIFF\x24\x00\x00\x00WEBPVP8L\x18\x00", ImageKind::Webp),
        ];
        for (bytes, kind) in cases {
            assert_eq!(ImageKind::sniff(bytes), Some(kind));
        }
    }

    #[test]
    fn documents_declared_as_images_are_not_images() {
        for bytes in [
            &b"<!DOCTYPE html><script>alert(1)</script>"[..],
            b"<svg xmlns=\"http://www.w3.org/2000/svg\"><script/></svg>",
            b"<?xml version=\"1.0\"?><svg/>",
            b"%PDF-1.7",
            b"RIFF\x24\x00\x00\x00WAVEfmt ",
            b"\x89PNG",
            b"",
        ] {
            assert_eq!(ImageKind::sniff(bytes), None, "{bytes:?}");
            let err = Image::parse(Bytes::copy_from_slice(bytes)).unwrap_err();
            assert_eq!(err.status(), http::StatusCode::UNSUPPORTED_MEDIA_TYPE);
        }
    }
}
