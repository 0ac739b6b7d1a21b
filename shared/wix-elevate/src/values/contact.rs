//! How to reach a person: an email address and a phone number. Their `Debug` hides personal data.

use std::fmt;

use serde::Serialize;

use super::ValueError;

/// An email address as a login: one `@`, a local part of at most 64 and a dotted domain, at most 254
/// characters in all, no spaces, control characters, quotes or brackets.
#[derive(Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Email(String);

/// RFC 5321's limit on a forward path.
pub(super) const MAX_EMAIL: usize = 254;
const MAX_LOCAL_PART: usize = 64;

impl Email {
    pub fn parse(text: &str) -> Result<Self, ValueError> {
        if text.is_empty() {
            return Err(ValueError::Empty);
        }
        if text.len() > MAX_EMAIL {
            return Err(ValueError::TooLong(MAX_EMAIL));
        }
        let forbidden =
            |c: char| c.is_whitespace() || c.is_control() || "\"'<>()[]\\,;:".contains(c);
        let (local, domain) = text.split_once('@').ok_or(ValueError::Email)?;
        let labels_ok = domain.split('.').count() >= 2
            && domain
                .split('.')
                .all(|label| !label.is_empty() && !label.starts_with('-') && !label.ends_with('-'));
        if local.is_empty()
            || local.len() > MAX_LOCAL_PART
            || local.starts_with('.')
            || local.ends_with('.')
            || domain.contains('@')
            || !labels_ok
            || text.chars().any(forbidden)
        {
            return Err(ValueError::Email);
        }
        Ok(Email(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Email {
    /// Emails are personal data: debug output shows only the domain.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let domain = self.0.rsplit('@').next().unwrap_or_default();
        write!(f, "Email(…@{domain})")
    }
}

/// A phone number as people type it: 3 to 30 characters, at least 3 digits.
#[derive(Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Phone(String);

impl Phone {
    pub fn parse(text: &str) -> Result<Self, ValueError> {
        let text = text.trim();
        let body = text.strip_prefix('+').unwrap_or(text);
        let digits = body.chars().filter(char::is_ascii_digit).count();
        let allowed = body
            .chars()
            .all(|c| c.is_ascii_digit() || " ()-.".contains(c));
        if !(3..=30).contains(&text.len()) || digits < 3 || !allowed {
            return Err(ValueError::Phone);
        }
        Ok(Phone(text.to_owned()))
    }
}

impl fmt::Debug for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Phone(…)")
    }
}

deserialize_by_parsing! {
    Email => std::borrow::Cow<'de, str>, Email::parse;
    Phone => std::borrow::Cow<'de, str>, Phone::parse;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_need_one_at_a_dotted_domain_and_no_spaces() {
        for ok in ["a@b.co", "first.last+tag@mail.example.com", "ü@bücher.de"] {
            assert!(Email::parse(ok).is_ok(), "{ok}");
        }
        let long_local = format!("{}@example.com", "a".repeat(65));
        let long = format!("a@{}.com", "b".repeat(260));
        for bad in [
            "",
            "plain",
            "a@b",
            "@b.co",
            "a@@b.co",
            "a@b@c.co",
            "a b@c.co",
            "a@b.co ",
            "a\t@b.co",
            "a@-b.co",
            "a@b..co",
            ".a@b.co",
            "<a@b.co>",
            "a\"@b.co",
            long_local.as_str(),
            long.as_str(),
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:.40}");
        }
    }

    #[test]
    fn email_debug_output_hides_the_local_part() {
        let email = Email::parse("secret.person@example.com").unwrap();
        assert_eq!(format!("{email:?}"), "Email(…@example.com)");
    }

    #[test]
    fn phones_are_digits_and_separators() {
        for ok in ["+351 912 345 678", "(555) 010-0100", "112"] {
            assert!(Phone::parse(ok).is_ok(), "{ok}");
        }
        for bad in ["", "12", "+", "call me", "555-0100 ext. 3", &"1".repeat(31)] {
            assert!(Phone::parse(bad).is_err(), "{bad}");
        }
    }
}
