//! YAML and front matter parsing, with serde's errors turned into located diagnostics.

use crate::diag::{did_you_mean, Diagnostic, Pos, Report};
use serde::de::DeserializeOwned;

/// Deserialises YAML, turning serde_yaml's error into a located diagnostic.
pub fn parse_yaml<T: DeserializeOwned>(file: &str, text: &str, line_offset: usize, report: &mut Report) -> Option<T> {
    if let Some((pos, msg, hint)) = crate::yaml::check(text) {
        report.push(Diagnostic::error(file, Pos::new(pos.line + line_offset, pos.column), msg).hint(hint));
        return None;
    }
    if let Some(v) = super::flat::read::<T>(text) {
        return Some(v);
    }
    match serde_yaml::from_str::<T>(text) {
        Ok(v) => Some(v),
        Err(e) => {
            let mut d = yaml_error(file, &e, line_offset);
            if let Some(key) = d.message.strip_prefix("duplicate field `").and_then(|r| r.strip_suffix('`')) {
                // serde_yaml gives no position here; point at the second time the key appears.
                if let Some(pos) = second_key(text, key) {
                    d.line = pos.line + line_offset;
                    d.column = pos.column;
                }
                d.hint = Some(format!("`{key}` appears twice in the same place; keep one of them"));
            }
            let line = e.location().and_then(|l| text.lines().nth(l.line().saturating_sub(1)));
            if d.hint.is_none() {
                if line.is_some_and(|l| {
                    l.trim_end().len() - l.trim().len() < l.len()
                        && l.starts_with(|c: char| c.is_whitespace())
                        && l[..l.len() - l.trim_start().len()].contains('\t')
                }) {
                    d.hint = Some("YAML does not allow tabs for indentation; use spaces".into());
                } else if d.message.contains("mapping values are not allowed")
                    || d.message.contains("did not find expected")
                {
                    d.hint = Some("check the indentation: keys of one map must start in the same column, and text with `: ` in it needs quotes".into());
                }
            }
            report.push(d);
            None
        }
    }
}

/// [`parse_yaml`] through the tree's memo: serve parses only files that
/// changed, and repeats the problems of those it did not parse again.
pub fn parse_yaml_in<T: DeserializeOwned + Clone + Send + Sync + 'static>(
    tree: &crate::load::Tree,
    file: &str,
    text: &str,
    line_offset: usize,
    report: &mut Report,
) -> Option<T> {
    if !tree.memo.is_enabled() {
        return parse_yaml(file, text, line_offset, report);
    }
    let key =
        crate::memo::Inputs::new("yaml").add(std::any::type_name::<T>()).add(file).add(text).add(&line_offset).key();
    let got = tree.memo.get_or(key, || {
        let mut problems = Report::default();
        let value = parse_yaml::<T>(file, text, line_offset, &mut problems);
        (value, problems)
    });
    report.append(got.1.clone());
    got.0.clone()
}

pub(super) fn yaml_error(file: &str, e: &serde_yaml::Error, line_offset: usize) -> Diagnostic {
    let pos =
        e.location().map(|l| Pos::new(l.line() + line_offset, l.column())).unwrap_or(Pos::new(1 + line_offset, 1));
    let raw = e.to_string();
    // serde_yaml appends " at line X column Y"; we print the position ourselves.
    let msg = match raw.find(" at line ") {
        Some(i) => raw[..i].to_string(),
        None => raw.clone(),
    };
    let (msg, hint) = explain_serde(&msg);
    Diagnostic::error(file, pos, msg).maybe_hint(hint)
}

/// Where `key:` starts a line for the second time at the same indentation.
pub(crate) fn second_key(text: &str, key: &str) -> Option<Pos> {
    let mut seen: Vec<usize> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let body = line.trim_start().trim_start_matches("- ");
        let indent = line.len() - body.len();
        let k = body.strip_prefix(key).filter(|r| r.starts_with(':'));
        if k.is_some() {
            if seen.contains(&indent) {
                return Some(Pos::new(i + 1, indent + 1));
            }
            seen.push(indent);
        }
    }
    None
}

/// Rewords serde's messages for people who write YAML, not Rust.
/// The key of a map whose value made deserialising the map fail with
/// `message` (serde_yaml says what was wrong, not where): the first key
/// without which the error changes.
pub(super) fn culprit_field<T: DeserializeOwned>(value: &serde_yaml::Value, message: &str) -> Option<String> {
    let map = value.as_mapping()?;
    map.keys().find_map(|k| {
        let mut without = map.clone();
        without.remove(k);
        let changed = match serde_yaml::from_value::<T>(serde_yaml::Value::Mapping(without)) {
            Ok(_) => true,
            Err(e) => e.to_string() != message,
        };
        changed.then(|| k.as_str().map(str::to_string)).flatten()
    })
}

pub(super) fn explain_serde(msg: &str) -> (String, Option<String>) {
    if let Some(rest) = msg.strip_prefix("unknown field `") {
        let (field, expected) = rest.split_once('`').unwrap_or((rest, ""));
        let options: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
        let hint = did_you_mean(field, options.iter().copied())
            .or_else(|| (!options.is_empty()).then(|| format!("the fields allowed here are: {}", options.join(", "))));
        return (format!("unknown field `{field}`"), hint);
    }
    if let Some(rest) = msg.strip_prefix("missing field `") {
        let field = rest.trim_end_matches('`');
        return (format!("missing field `{field}`"), Some(format!("add `{field}:` with a value")));
    }
    if msg.contains("did not match any variant of untagged enum Text") {
        return (
            "expected a text: a string, or a map from language to string".into(),
            Some("write `title: Some text` or `title: {nl: Tekst, en: Text}`".into()),
        );
    }
    if let Some(rest) = msg.strip_prefix("unknown variant `") {
        let (v, expected) = rest.split_once('`').unwrap_or((rest, ""));
        let options: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
        let hint =
            did_you_mean(v, options.iter().copied()).or_else(|| Some(format!("use one of: {}", options.join(", "))));
        return (format!("`{v}` is not allowed here"), hint);
    }
    if let Some(i) = msg.find("invalid value: ") {
        let (field, rest) = (&msg[..i], &msg[i + "invalid value: ".len()..]);
        let (got, expected) = rest.split_once(", expected ").unwrap_or((rest, ""));
        let got = got.split_once(' ').map_or(got, |(_, v)| v);
        let field = field.trim_end_matches(": ").trim();
        let what = if field.is_empty() { String::from("this value") } else { format!("`{field}`") };
        let expected = match expected {
            "u8" | "u16" | "u32" | "u64" | "usize" => "a whole number, 0 or more",
            e => e,
        };
        return (format!("{what} must be {expected}, not {got}"), None);
    }
    if let Some(i) = msg.find("invalid type: ") {
        let (field, rest) = (&msg[..i], &msg[i + "invalid type: ".len()..]);
        let (got, expected) = rest.split_once(", expected ").unwrap_or((rest, ""));
        let expected = match expected {
            "u64" | "u32" | "usize" => "a whole number, 0 or more".to_string(),
            "i64" | "i32" => "a whole number".to_string(),
            "f64" | "f32" => "a number".to_string(),
            "a boolean" => "true or false".to_string(),
            "a sequence" => "a list, like [a, b]".to_string(),
            "a string" => "a text".to_string(),
            e if e.starts_with("struct ") || e == "a map" => "a map of fields (key: value lines)".to_string(),
            e => e.to_string(),
        };
        let got = got
            .replace("string ", "the text ")
            .replace("integer ", "")
            .replace("floating point ", "")
            .replace("sequence", "a list")
            .replace("map", "a map of fields");
        let field = field.trim_end_matches(": ").trim();
        let what = if field.is_empty() { String::from("this value") } else { format!("`{field}`") };
        // YAML reads 0612, 0o17, 1e3, yes and null as numbers or other
        // non-texts; a phone number or code must then be quoted.
        let hint = (expected == "a text")
            .then(|| "put the value in quotes, like `phone: \"+31 20 123 4567\"`: YAML reads some unquoted values as numbers or true/false".to_string());
        return (format!("{what} must be {expected}, not {got}"), hint);
    }
    if msg.starts_with("repetition limit exceeded") || msg.starts_with("recursion limit exceeded") {
        return (
            msg.to_string(),
            Some("the file nests or repeats too deeply (for example aliases `*name` that expand to millions of items); write the values out plainly".into()),
        );
    }
    if msg.contains("found character that cannot start any token") && msg.contains('\t') {
        return (msg.to_string(), Some("YAML does not allow tabs for indentation; use spaces".into()));
    }
    (msg.to_string(), None)
}

/// Splits `---\nfront matter\n---\nbody`. Returns (front, body, line where body starts).
pub fn split_front_matter(text: &str) -> Option<(&str, &str, usize)> {
    let rest = text.strip_prefix("---\n").or_else(|| text.strip_prefix("---\r\n"))?;
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        if line.trim_end() == "---" {
            let front = &rest[..offset];
            let body = &rest[offset + line.len()..];
            let body_line = 2 + front.matches('\n').count() + 1;
            return Some((front, body, body_line));
        }
        offset += line.len();
    }
    None
}

pub(super) fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        && id.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
}

pub(crate) fn check_id(report: &mut Report, file: &str, pos: Pos, what: &str, id: &str) {
    if !valid_id(id) {
        report.push(
            Diagnostic::error(file, pos, format!("{what} id `{id}` has characters that cannot be used in links"))
                .hint("use lowercase letters, digits, `-` and `_`, starting with a letter or digit"),
        );
    }
}

/// A language code like `nl`, `en`, `fr`, `pt-br`.
/// A language code as BCP 47 starts: two or three letters, then optional
/// subtags (`nl`, `fr-be`). The code names an output folder, so nothing else
/// (no `/`, no `static` or `assets`) may pass.
pub(super) fn valid_lang(l: &str) -> bool {
    let mut parts = l.split('-');
    let primary = parts.next().unwrap_or("");
    (2..=3).contains(&primary.len())
        && primary.bytes().all(|c| c.is_ascii_lowercase())
        && parts.all(|p| (2..=8).contains(&p.len()) && p.bytes().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()))
}

/// Splits `dir/slug.nl.md` into (`dir/slug`, Some("nl")) when `nl` is a handbook language.
pub(super) fn split_lang<'a>(path: &'a str, ext: &str, langs: &[String]) -> Option<(&'a str, Option<&'a str>)> {
    let stem = path.strip_suffix(ext)?;
    if let Some((base, lang)) = stem.rsplit_once('.') {
        if langs.iter().any(|l| l == lang) {
            return Some((base, Some(lang)));
        }
    }
    Some((stem, None))
}
