//! Incident keys and service names: `[A-Za-z0-9][A-Za-z0-9._:-]{0,127}`.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A validated incident key or service name.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Name(String);

impl Name {
    /// Checks `text` against the key pattern; the error says what is wrong.
    pub fn parse(text: &str) -> Result<Name, String> {
        let mut chars = text.chars();
        match chars.next() {
            None => return Err("must not be empty".into()),
            Some(c) if !c.is_ascii_alphanumeric() => {
                return Err(format!("`{text}` must start with a letter or digit"));
            }
            Some(_) => {}
        }
        if let Some(bad) = chars.find(|c| !(c.is_ascii_alphanumeric() || "._:-".contains(*c))) {
            return Err(format!(
                "`{text}` contains `{bad}`; only letters, digits, `.`, `_`, `:` and `-` are allowed"
            ));
        }
        if text.len() > 128 {
            return Err(format!(
                "is {} characters long; the limit is 128",
                text.len()
            ));
        }
        Ok(Name(text.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Name {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Name {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Name, D::Error> {
        let text = String::deserialize(d)?;
        Name::parse(&text).map_err(serde::de::Error::custom)
    }
}

impl Serialize for Name {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_documented_pattern() {
        for ok in [
            "2011-06-16-upstream-routing",
            "web-1",
            "a",
            "x.y_z:1",
            &"a".repeat(128),
        ] {
            assert!(Name::parse(ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn rejects_everything_else() {
        for bad in [
            "",
            "-lead",
            "has space",
            "slash/no",
            "ünï",
            &"a".repeat(129),
            "@svc",
        ] {
            assert!(Name::parse(bad).is_err(), "{bad}");
        }
    }
}
