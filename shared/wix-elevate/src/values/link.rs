//! A link a caller hands us to pass on to Wix: `https://` only.

use serde::Serialize;

use super::ValueError;

/// An absolute `https://` URL with a host and no user info, at most 2048 characters: a tracking link.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct HttpsUrl(String);

impl HttpsUrl {
    pub const MAX_CHARS: usize = 2048;

    pub fn parse(text: &str) -> Result<Self, ValueError> {
        let invalid = ValueError::HttpsUrl(Self::MAX_CHARS);
        if text.len() > Self::MAX_CHARS {
            return Err(invalid);
        }
        let url = reqwest::Url::parse(text).map_err(|_| invalid.clone())?;
        let plain = url.username().is_empty() && url.password().is_none();
        if url.scheme() != "https" || url.host_str().is_none_or(str::is_empty) || !plain {
            return Err(invalid);
        }
        Ok(HttpsUrl(url.into()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

deserialize_by_parsing! {
    HttpsUrl => std::borrow::Cow<'de, str>, HttpsUrl::parse;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_https_links_with_a_host_are_links() {
        assert!(HttpsUrl::parse("https://track.example.com/p?id=1").is_ok());
        for bad in [
            "http://track.example.com/",
            "javascript:alert(1)",
            "https://",
            "https://user:pw@track.example.com/",
            "track.example.com",
            "",
        ] {
            assert!(HttpsUrl::parse(bad).is_err(), "{bad:?}");
        }
        let long = format!("https://example.com/{}", "a".repeat(2048));
        assert!(HttpsUrl::parse(&long).is_err());
    }
}
