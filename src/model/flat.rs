//! Flat YAML — `key: value` lines, as nearly all front matter is — read
//! without libyaml, whose setup per front matter cost more than the reading
//! (2.5 % of a 1 000-page build's instructions, in callgrind). This reader
//! takes only what it reads exactly as serde_yaml does, and says `None` to
//! anything else: that text then goes to serde_yaml, so every error and its
//! position still comes from there.

use serde::de::{self, DeserializeOwned, DeserializeSeed, IntoDeserializer, MapAccess, Visitor};
use serde::forward_to_deserialize_any;
use std::borrow::Cow;
use std::fmt;

/// `text` as a `T`, or `None` when the text or the type is more than this
/// reader takes on (nesting, lists, escapes, a missing field, an unknown
/// one, a value of another type …).
pub(super) fn read<T: DeserializeOwned>(text: &str) -> Option<T> {
    let entries = entries(text)?;
    if entries.is_empty() {
        return None;
    }
    T::deserialize(Map { entries: entries.into_iter(), value: None }).ok()
}

#[derive(Debug)]
enum Scalar<'a> {
    Str(Cow<'a, str>),
    Int(i64),
}

/// The lines as (key, value), or `None` at the first line that is not a
/// one-line `key: value` this reader knows to be plain text or a whole number.
fn entries(text: &str) -> Option<Vec<(&str, Scalar<'_>)>> {
    let mut out = Vec::with_capacity(4);
    // Line by line, so that a nested YAML file is handed on at its first
    // indented line, not after a scan of the whole text.
    for line in text.split('\n') {
        // Characters libyaml treats as line breaks (in comments too),
        // refuses, or reads as a byte order mark.
        if line
            .chars()
            .any(|c| c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}'))
        {
            return None;
        }
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (key, rest) = line.split_once(':')?;
        if !is_key(key) {
            return None;
        }
        // `key:` alone is null, and `key:value` is not a key at all.
        let value = rest.strip_prefix(' ')?.trim_matches(' ');
        out.push((key, scalar(value)?));
    }
    Some(out)
}

fn is_key(key: &str) -> bool {
    let mut bytes = key.bytes();
    bytes.next().is_some_and(|b| b.is_ascii_lowercase() || b == b'_')
        && bytes.all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

fn scalar(value: &str) -> Option<Scalar<'_>> {
    if let Some(inner) = value.strip_prefix('"') {
        // Double quotes without escapes: the text between them, as written.
        let inner = inner.strip_suffix('"')?;
        return (!inner.contains(['"', '\\'])).then_some(Scalar::Str(Cow::Borrowed(inner)));
    }
    if let Some(inner) = value.strip_prefix('\'') {
        // Single quotes: `''` stands for one quote; a lone one ends the text early.
        let inner = inner.strip_suffix('\'')?;
        if !inner.contains('\'') {
            return Some(Scalar::Str(Cow::Borrowed(inner)));
        }
        return inner
            .split("''")
            .all(|piece| !piece.contains('\''))
            .then(|| Scalar::Str(Cow::Owned(inner.replace("''", "'"))));
    }
    if let Some(n) = whole_number(value) {
        return Some(Scalar::Int(n));
    }
    // Plain text. Refused: what YAML reads as null, a boolean or a number
    // (anything that starts like one), an indicator at the start, and `:`
    // or `#` anywhere (a mapping or a comment, depending on what follows).
    let first = value.chars().next()?;
    if first.is_ascii_digit() || "-+.?:,[]{}#&*!|>'\"%@`~".contains(first) || value.contains([':', '#']) {
        return None;
    }
    let special = ["null", "true", "false", "yes", "no", "on", "off", "y", "n"];
    if special.iter().any(|s| value.eq_ignore_ascii_case(s)) {
        return None;
    }
    Some(Scalar::Str(Cow::Borrowed(value)))
}

/// `0`, or a decimal number without leading zeros that fits an `i64`
/// (YAML reads `007`, `0x1F` and `1_000` in ways of its own).
fn whole_number(value: &str) -> Option<i64> {
    let digits = value.strip_prefix('-').unwrap_or(value);
    let plain = digits == "0" || (digits.len() <= 18 && digits.starts_with(|c: char| ('1'..='9').contains(&c)));
    (plain && digits.bytes().all(|b| b.is_ascii_digit())).then(|| value.parse().ok()).flatten()
}

/// Anything this reader does not take on; the caller then asks serde_yaml.
#[derive(Debug)]
struct Refused;

impl fmt::Display for Refused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("not flat front matter")
    }
}

impl std::error::Error for Refused {}

impl de::Error for Refused {
    fn custom<T: fmt::Display>(_: T) -> Self {
        Refused
    }
}

struct Map<'a> {
    entries: std::vec::IntoIter<(&'a str, Scalar<'a>)>,
    value: Option<Scalar<'a>>,
}

impl<'de> de::Deserializer<'de> for Map<'de> {
    type Error = Refused;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Refused> {
        visitor.visit_map(self)
    }

    forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

impl<'de> MapAccess<'de> for Map<'de> {
    type Error = Refused;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, Refused> {
        let Some((key, value)) = self.entries.next() else { return Ok(None) };
        self.value = Some(value);
        seed.deserialize(key.into_deserializer()).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Refused> {
        seed.deserialize(Value(self.value.take().ok_or(Refused)?))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len())
    }
}

/// One value: it reads as text or as a whole number, each only as itself
/// (a number never becomes text here, nor text a number).
struct Value<'a>(Scalar<'a>);

impl<'de> de::Deserializer<'de> for Value<'de> {
    type Error = Refused;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Refused> {
        Err(Refused)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Refused> {
        visitor.visit_some(self)
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Refused> {
        match self.0 {
            Scalar::Str(Cow::Borrowed(s)) => visitor.visit_borrowed_str(s),
            Scalar::Str(Cow::Owned(s)) => visitor.visit_string(s),
            Scalar::Int(_) => Err(Refused),
        }
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Refused> {
        self.deserialize_str(visitor)
    }

    fn deserialize_i64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Refused> {
        match self.0 {
            Scalar::Int(n) => visitor.visit_i64(n),
            Scalar::Str(_) => Err(Refused),
        }
    }

    forward_to_deserialize_any! {
        bool i8 i16 i32 i128 u8 u16 u32 u64 u128 f32 f64 char
        bytes byte_buf unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

#[cfg(test)]
mod tests {
    use super::super::files::{FaqFront, PageFront, PhaseFront};
    use super::*;
    use proptest::prelude::*;

    /// What serde_yaml makes of `text`, in the same words as [`read`]'s result.
    fn by_serde_yaml<T: DeserializeOwned + fmt::Debug>(text: &str) -> Option<String> {
        serde_yaml::from_str::<T>(text).ok().map(|v| format!("{v:?}"))
    }

    /// Where this reader gives a value, serde_yaml gives the same one.
    fn agrees<T: DeserializeOwned + fmt::Debug>(text: &str) -> Result<bool, TestCaseError> {
        let Some(fast) = read::<T>(text) else { return Ok(false) };
        let fast = format!("{fast:?}");
        prop_assert_eq!(Some(fast), by_serde_yaml::<T>(text), "front matter:\n{}", text);
        Ok(true)
    }

    #[test]
    fn reads_the_common_front_matter() {
        let text = "title: \"Testing the streaming anchor 3413\"\nweight: 14\ndescription: Notes on it, part 2\n";
        let page: PageFront = read(text).expect("flat front matter is read");
        assert_eq!(format!("{page:?}"), by_serde_yaml::<PageFront>(text).unwrap());
        let text =
            "# the first phase\nid: detect\ntitle: 'Detect what''s wrong'\norder: 1\n\nkeywords: alarm, signal\n";
        let phase: PhaseFront = read(text).expect("flat front matter is read");
        assert_eq!(phase.title, "Detect what's wrong");
        assert_eq!(phase.order, 1);
        assert_eq!(phase.keywords.as_deref(), Some("alarm, signal"));
        let faq: FaqFront = read("question: Do we tell the police?\norder: -2\n").unwrap();
        assert_eq!((faq.question.as_str(), faq.order), ("Do we tell the police?", Some(-2)));
    }

    #[test]
    fn leaves_the_rest_to_serde_yaml() {
        for text in [
            "title: Step 1: contain\n",                 // a mapping inside a value: serde_yaml's error
            "title: yes\n",                             // YAML 1.1 reads a boolean
            "title: 2024 review\n",                     // starts like a number
            "title: \"a \\\"b\\\"\"\n",                 // escapes
            "title: x\nweight: 007\n",                  // leading zero
            "title: x\nweight: 1_000\n",                // YAML's own digit separator
            "title: x\nweight: ten\n",                  // text where a number goes
            "title: x\nweight: 99999999999999999999\n", // too large
            "title:\n",                                 // null
            "title: x\ntitle: y\n",                     // twice
            "title: x\ncategory: y\n",                  // unknown field
            "title: x\n  more\n",                       // continued on the next line
            "title: x\r\n",                             // carriage return
            "title: a\u{2028}b\n",                      // a line break to libyaml
            "title: x # note\n",                        // a comment after the value
            "",                                         // nothing
        ] {
            assert!(read::<PageFront>(text).is_none(), "{text:?} should go to serde_yaml");
        }
    }

    /// Pieces of front matter chosen for what YAML reads in ways of its own.
    fn value() -> impl Strategy<Value = String> {
        let tricky = [
            "",
            " ",
            "plain words",
            "a, b, c",
            "Yes",
            "no",
            "ON",
            "n",
            "Null",
            "~",
            "0",
            "-0",
            "7",
            "-12",
            "007",
            "1.5",
            "+3",
            "0x1F",
            "1_000",
            ".inf",
            "1e3",
            "a: b",
            "a:b",
            "a #c",
            "a#b",
            "#c",
            "- x",
            "[a]",
            "{a}",
            "&a",
            "*a",
            "!tag x",
            "|",
            ">",
            "%x",
            "@x",
            "`x`",
            "café",
            "  spaced  ",
            "\"quoted\"",
            "\"a\\\"b\"",
            "\"a # b: c\"",
            "\"\"",
            "'it''s'",
            "'it's'",
            "''",
            "'a'b'",
            "\u{a0}x",
            "x\u{a0}",
            "9223372036854775807",
            "-9223372036854775808",
            "123456789012345678",
            "é—ü",
            "a\tb",
            "\"a\tb\"",
        ];
        prop_oneof![
            3 => proptest::sample::select(tricky.to_vec()).prop_map(str::to_string),
            1 => "[ -~éü—]{0,10}",
            1 => "\"[ -~é]{0,8}\"",
            1 => "'[ -~é]{0,8}'",
        ]
    }

    /// A line, mostly well formed: a key the type knows, `: `, a value.
    fn line(keys: &'static [&'static str]) -> impl Strategy<Value = String> {
        let key = prop_oneof![
            6 => proptest::sample::select(keys),
            1 => proptest::sample::select(vec!["weight", "order", "keywords", "category", "Title", "x y"]),
        ];
        let separator = prop_oneof![6 => Just(": "), 1 => proptest::sample::select(vec![":", ":  ", " : ", ":\t"])];
        let prefix = prop_oneof![8 => Just(""), 1 => proptest::sample::select(vec![" ", "# note\n", "\n"])];
        let end = prop_oneof![4 => Just(""), 1 => proptest::sample::select(vec![" ", "  "])];
        (prefix, key, separator, value(), end).prop_map(|(p, k, s, v, end)| format!("{p}{k}{s}{v}{end}\n"))
    }

    /// Front matter for a type: its required fields first, most of the time.
    fn front(required: &'static [&'static str], keys: &'static [&'static str]) -> impl Strategy<Value = String> {
        let firsts: Vec<_> = required
            .iter()
            .map(|k| proptest::option::weighted(0.9, value().prop_map(move |v| format!("{k}: {v}\n"))))
            .collect();
        (firsts, proptest::collection::vec(line(keys), 0..3))
            .prop_map(|(firsts, rest)| firsts.into_iter().flatten().chain(rest).collect::<String>())
    }

    const PAGE: &[&str] = &["title", "weight", "description", "keywords"];
    const PHASE: &[&str] = &["id", "title", "order", "summary", "keywords"];
    const FAQ: &[&str] = &["question", "order", "keywords"];

    proptest! {
        #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

        #[test]
        fn page_front_matter_reads_as_serde_yaml_reads_it(text in front(&["title"], PAGE)) {
            agrees::<PageFront>(&text)?;
        }

        #[test]
        fn phase_front_matter_reads_as_serde_yaml_reads_it(text in front(&["id", "title", "order"], PHASE)) {
            agrees::<PhaseFront>(&text)?;
        }

        #[test]
        fn faq_front_matter_reads_as_serde_yaml_reads_it(text in front(&["question"], FAQ)) {
            agrees::<FaqFront>(&text)?;
        }
    }

    /// The property above must see both answers: texts read here, and texts
    /// handed on. A generator that only made the second would prove nothing.
    #[test]
    fn the_property_reads_some_and_hands_on_some() {
        use proptest::strategy::ValueTree;
        use proptest::test_runner::TestRunner;
        let mut runner = TestRunner::deterministic();
        let (mut read_here, mut handed_on) = (0, 0);
        for _ in 0..2000 {
            let text = front(&["title"], PAGE).new_tree(&mut runner).unwrap().current();
            match agrees::<PageFront>(&text) {
                Ok(true) => read_here += 1,
                Ok(false) => handed_on += 1,
                Err(e) => panic!("{e}"),
            }
        }
        assert!(read_here > 50 && handed_on > 50, "read here {read_here}, handed on {handed_on}");
    }
}
