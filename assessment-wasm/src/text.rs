//! Texts that readers see: a plain string, or one string per language.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A user-facing text: `"…"` or `{nl: "…", en: "…"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(untagged)]
pub enum Text {
    Plain(String),
    PerLanguage(BTreeMap<String, String>),
}

/// How a text was resolved for one language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resolved {
    /// The text exists in the requested language (or is a plain string).
    Exact,
    /// The requested language is missing; the default language was used.
    Fallback,
    /// Neither the requested nor the default language exists; another one was used.
    Other,
}

impl Text {
    /// The text in `lang`, falling back to `default_lang`, then to the first
    /// language present (in sorted order, so the choice is deterministic).
    pub fn resolve(&self, lang: &str, default_lang: &str) -> (&str, Resolved) {
        match self {
            Text::Plain(s) => (s.as_str(), Resolved::Exact),
            Text::PerLanguage(map) => {
                if let Some(s) = map.get(lang) {
                    (s.as_str(), Resolved::Exact)
                } else if let Some(s) = map.get(default_lang) {
                    (s.as_str(), Resolved::Fallback)
                } else if let Some(s) = map.values().next() {
                    (s.as_str(), Resolved::Other)
                } else {
                    ("", Resolved::Other)
                }
            }
        }
    }

    /// Shorthand for [`Text::resolve`] when only the string matters.
    pub fn get(&self, lang: &str, default_lang: &str) -> &str {
        self.resolve(lang, default_lang).0
    }

    /// Languages this text exists in; `None` for a plain string (all languages).
    pub fn languages(&self) -> Option<Vec<&str>> {
        match self {
            Text::Plain(_) => None,
            Text::PerLanguage(map) => Some(map.keys().map(String::as_str).collect()),
        }
    }
}

impl From<&str> for Text {
    fn from(s: &str) -> Self {
        Text::Plain(s.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_with_fallback() {
        let t: Text = serde_json::from_str(r#"{"nl":"Hallo","en":"Hello"}"#).unwrap();
        assert_eq!(t.resolve("en", "nl"), ("Hello", Resolved::Exact));
        assert_eq!(t.resolve("fr", "nl"), ("Hallo", Resolved::Fallback));
        let only_en: Text = serde_json::from_str(r#"{"en":"Hello"}"#).unwrap();
        assert_eq!(only_en.resolve("fr", "nl"), ("Hello", Resolved::Other));
        let plain: Text = serde_json::from_str(r#""Hi""#).unwrap();
        assert_eq!(plain.resolve("fr", "nl"), ("Hi", Resolved::Exact));
    }
}
