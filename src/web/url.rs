//! URLs and paths inside the site: percent-decoding, joining a relative path
//! onto a folder, telling a scheme from a path, and the media type of a file.
//! Everything that turns a link into a path goes through here, so there is
//! one rule for what stays inside the site.

use percent_encoding::percent_decode_str;
use std::borrow::Cow;

/// `%20` and friends decoded; an invalid escape is kept as written and bytes
/// that are not UTF-8 become U+FFFD.
pub fn percent_decode(s: &str) -> Cow<'_, str> {
    percent_decode_str(s).decode_utf8_lossy()
}

/// Decoded, or `None` when the escapes do not make UTF-8 (a request path).
pub fn percent_decode_strict(s: &str) -> Option<String> {
    percent_decode_str(s).decode_utf8().ok().map(Cow::into_owned)
}

/// Joins `rel` onto `dir` (both `/`-separated, relative to a root) and
/// resolves `.` and `..`; `None` if the result would leave the root.
pub fn normalize(dir: &str, rel: &str) -> Option<String> {
    let mut parts: Vec<&str> = dir.split('/').filter(|s| !s.is_empty()).collect();
    for seg in rel.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

/// The scheme of a URL (`https`, `mailto`, `source`), lower case, when it has
/// one by RFC 3986's rule: a letter, then letters, digits, `+`, `-`, `.`,
/// then `:`. `a/b:c` and `file.md` have none.
pub fn scheme(url: &str) -> Option<String> {
    let (s, _) = url.split_once(':')?;
    let ok = s.bytes().next().is_some_and(|c| c.is_ascii_alphabetic())
        && s.bytes().all(|c| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'-' | b'.'));
    ok.then(|| s.to_ascii_lowercase())
}

/// True for URLs that leave the site: a scheme other than `data:`, or a
/// protocol-relative `//host`. (`mailto:`/`tel:` count: they leave it too.)
pub fn is_external(url: &str) -> bool {
    let u = url.trim_start();
    u.starts_with("//") || u.starts_with("\\\\") || scheme(u).is_some_and(|s| s != "data")
}

/// The media type to serve or inline a file as, from its extension; text
/// types say UTF-8, which every text file irbook writes is.
pub fn media_type(path: &str) -> Cow<'static, str> {
    let name = path.rsplit('/').next().unwrap_or(path);
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    // mime_guess knows these under other names, or not the way browsers want them.
    let fixed = match ext.as_str() {
        "js" | "mjs" => Some("text/javascript; charset=utf-8"),
        "md" => Some("text/plain; charset=utf-8"),
        "ics" => Some("text/calendar; charset=utf-8"),
        "wasm" => Some("application/wasm"),
        "" => Some("application/octet-stream"),
        _ => None,
    };
    if let Some(t) = fixed {
        return Cow::Borrowed(t);
    }
    match mime_guess::from_ext(&ext).first() {
        Some(m) if m.type_() == mime_guess::mime::TEXT || m.subtype() == mime_guess::mime::JSON => {
            Cow::Owned(format!("{}; charset=utf-8", m.essence_str()))
        }
        Some(m) if m.subtype() == mime_guess::mime::SVG => Cow::Borrowed("image/svg+xml"),
        Some(m) => Cow::Owned(m.essence_str().to_string()),
        None => Cow::Borrowed("application/octet-stream"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn decodes_next_to_multibyte_characters() {
        // Found by review: `form%aé.pdf` panicked build, check and serve.
        assert_eq!(percent_decode("form%aé.pdf"), "form%aé.pdf");
        assert_eq!(percent_decode("caf%C3%A9%20x%41"), "café xA");
        assert_eq!(percent_decode("%FF"), "\u{fffd}");
        assert_eq!(percent_decode_strict("/nl/caf%C3%A9.html").as_deref(), Some("/nl/café.html"));
        assert_eq!(percent_decode_strict("/x%FF"), None);
    }

    #[test]
    fn normalizes_inside_the_root_only() {
        assert_eq!(normalize("phases", "../playbooks/./a.yaml").as_deref(), Some("playbooks/a.yaml"));
        assert_eq!(normalize("", "a//b/"), Some("a/b".into()));
        assert_eq!(normalize("a", "../../x"), None);
    }

    #[test]
    fn schemes_follow_rfc3986() {
        assert_eq!(scheme("HTTPS://x").as_deref(), Some("https"));
        assert_eq!(scheme("source:gdpr"), Some("source".into()));
        assert_eq!(scheme("a/b:c"), None);
        assert_eq!(scheme("1x:y"), None);
        assert!(is_external("//evil.example/x.png") && is_external(" https://x") && !is_external("data:image/png,"));
        assert!(!is_external("../static/logo.png") && !is_external("#main"));
    }

    #[test]
    fn media_types() {
        assert_eq!(media_type("a/b.PDF"), "application/pdf");
        assert_eq!(media_type("x.ics"), "text/calendar; charset=utf-8");
        assert_eq!(media_type("assets/engine.js"), "text/javascript; charset=utf-8");
        assert_eq!(media_type("index.html"), "text/html; charset=utf-8");
        assert_eq!(media_type("style.css"), "text/css; charset=utf-8");
        assert_eq!(media_type("logo.svg"), "image/svg+xml");
        assert_eq!(media_type("LICENSE"), "application/octet-stream");
        assert_eq!(media_type("x.docx"), "application/vnd.openxmlformats-officedocument.wordprocessingml.document");
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn decoding_never_panics_and_plain_text_is_kept(s in "(%|[0-9a-fA-F]|é|€|/|\\.|x){0,30}") {
            let d = percent_decode(&s);
            if !s.contains('%') {
                prop_assert_eq!(d.as_ref(), s.as_str());
            }
            let _ = percent_decode_strict(&s);
        }

        /// A normalised path never climbs out and never holds `.`, `..` or empty parts.
        #[test]
        fn normalized_paths_stay_inside(dir in "([a-z]{1,3}/){0,3}", rel in "(\\.\\./|\\./|[a-z]{1,3}/|/){0,6}[a-z]{0,3}") {
            if let Some(p) = normalize(&dir, &rel) {
                prop_assert!(p.split('/').all(|seg| !matches!(seg, "." | "..")));
                prop_assert!(!p.starts_with('/') && !p.contains("//"));
            }
        }
    }
}
