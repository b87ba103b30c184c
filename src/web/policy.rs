//! The rules every page of the site keeps, checked on the HTML as written:
//! the Content-Security-Policy meta is there and unchanged, no inline script
//! or event-handler attribute (unless the handbook allows raw HTML), and
//! nothing is loaded from another host (plain `<a href>` links may go
//! anywhere). A template override or a static page that breaks a rule is
//! caught here, whatever Tera or the content did to produce it.

use std::borrow::Cow;

use super::html::{Kind, Token, Tokens};
use super::url::is_external;

/// What a page is held to.
pub struct Policy<'a> {
    /// The exact policy the page's meta tag must carry.
    pub csp: &'a str,
    /// The handbook allows raw HTML, so content may carry scripts and handlers
    /// (the CSP still stops them in the browser).
    pub allow_html: bool,
}

/// One broken rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Breach {
    pub message: String,
}

/// Attributes that make the browser fetch something.
const FETCHING: &[&str] =
    &["src", "srcset", "poster", "data", "action", "formaction", "background", "ping", "xlink:href", "codebase"];

/// Checks one page; the breaches in document order, each rule reported once.
pub fn check_page(html: &str, policy: &Policy) -> Vec<Breach> {
    check_page_with(html, policy, |_| {})
}

/// [`check_page`], handing each token to `visit` as well, so that another
/// reader of the page (the search text) needs no pass of its own.
pub fn check_page_with(html: &str, policy: &Policy, mut visit: impl FnMut(&Token)) -> Vec<Breach> {
    let mut out: Vec<Breach> = Vec::new();
    let mut add = |message: String| {
        if !out.iter().any(|b| b.message == message) {
            out.push(Breach { message });
        }
    };
    let mut csp_seen: Option<String> = None;
    // A meta CSP counts only in <head>, and only for what comes after it: it
    // must precede anything but <html>, <head>, other <meta> and <title>
    // (found by review: a stray element before it moved it into the body,
    // where the browser ignores it).
    let mut head_only_so_far = true;
    let mut csp_placed_late = false;
    let mut in_title = false;
    let mut in_script: Option<bool> = None; // Some(has src) while inside <script>
    let mut in_style = false;
    for tok in Tokens::new(html) {
        visit(&tok);
        match &tok.kind {
            Kind::Start(tag) => {
                let name: &str = &tag.name;
                if !matches!(name, "html" | "head" | "meta" | "title") {
                    head_only_so_far = false;
                }
                in_title |= name == "title";
                if name == "meta" {
                    let equiv = tag.get("http-equiv").unwrap_or_default().to_ascii_lowercase();
                    let content = tag.get("content").unwrap_or_default();
                    if equiv == "content-security-policy" {
                        if csp_seen.is_none() {
                            csp_seen = Some(content.clone());
                            csp_placed_late = !head_only_so_far;
                        }
                    } else if equiv == "refresh" {
                        // `5; url='x'`, `0,x`, `0;URL = "x"`: whatever follows the delay.
                        let after = content.split_once([';', ',']).map_or("", |(_, u)| u.trim());
                        let lower = after.to_ascii_lowercase();
                        let after = if lower.starts_with("url") && after[3..].trim_start().starts_with('=') {
                            after[3..].trim_start()[1..].trim()
                        } else {
                            after
                        };
                        let target = after.trim_matches(['"', '\'', ' ']);
                        if is_external(&url_value(target)) {
                            add(format!("a meta refresh sends the reader to another site (`{target}`)"));
                        }
                    }
                }
                if name == "base" {
                    add("a <base> element changes where every link points".into());
                }
                if name == "script" {
                    let src = tag.get("src").or_else(|| tag.get("href"));
                    if let Some(src) = &src {
                        if is_external(&url_value(src)) {
                            add(format!("a script is loaded from another host (`{src}`)"));
                        } else if has_scheme(&url_value(src), "data:") && !policy.allow_html {
                            add("a script from a `data:` URL (inline script)".into());
                        }
                    }
                    in_script = Some(src.is_some());
                }
                in_style |= name == "style";
                for a in &tag.attrs {
                    // Borrowed unless there is something to change: this runs for
                    // every attribute of every page.
                    let attr: Cow<str> = if a.name.bytes().any(|b| b.is_ascii_uppercase()) {
                        a.name.to_ascii_lowercase().into()
                    } else {
                        a.name.into()
                    };
                    let raw = a.value.unwrap_or("");
                    // Most values have no reference to decode and no `(` (of a
                    // `url(`): one scan finds both out.
                    let plain = memchr::memchr2(b'&', b'(', raw.as_bytes()).is_none();
                    let value = if plain { Cow::Borrowed(raw) } else { super::html::decode(raw) };
                    if attr == "srcdoc" {
                        add(format!("<{name} srcdoc> holds a page inside the page, which these rules cannot check"));
                    }
                    // `style`, and SVG's `fill`, `mask`, `filter`… take url() too.
                    if !plain && contains_ci(&value, "url(") {
                        if let Some(u) = external_css_url(&value) {
                            add(format!("<{name} {attr}> loads `{u}` from another host"));
                        }
                    }
                    if attr.starts_with("on") && attr.len() > 2 && !policy.allow_html {
                        add(format!("an event-handler attribute `{}` on <{name}> (inline script)", a.name));
                    }
                    let fetches =
                        FETCHING.contains(&attr.as_ref()) || (attr == "href" && !matches!(name, "a" | "area"));
                    if fetches {
                        let urls: Vec<&str> = if attr == "srcset" {
                            value.split(',').filter_map(|c| c.split_whitespace().next()).collect()
                        } else {
                            vec![value.as_ref()]
                        };
                        for u in urls {
                            let u = &url_value(u);
                            if is_external(u) && !(attr == "href" && name == "link" && is_plain_relation(tag)) {
                                add(format!("<{name} {attr}> loads `{u}` from another host"));
                            }
                        }
                    }
                    if matches!(attr.as_ref(), "href" | "src" | "action" | "formaction" | "xlink:href")
                        && value.contains(':')
                        && has_scheme(&url_value(&value), "javascript:")
                        && !policy.allow_html
                    {
                        add(format!("a `javascript:` URL in <{name} {attr}> (inline script)"));
                    }
                }
            }
            Kind::End(name) => {
                if name == "title" {
                    in_title = false;
                } else if !matches!(name.as_ref(), "head" | "meta") {
                    head_only_so_far = false;
                }
                if name == "script" {
                    in_script = None;
                }
                if name == "style" {
                    in_style = false;
                }
            }
            Kind::Text => {
                let text = &html[tok.start..tok.end];
                // Trimmed only while it can matter: text tokens are half of a page's.
                if head_only_so_far && !in_title && !text.trim().is_empty() {
                    head_only_so_far = false;
                }
                if in_script == Some(false) && !text.trim().is_empty() && !policy.allow_html {
                    add("an inline <script> (the CSP allows only script files)".into());
                }
                if in_style {
                    if let Some(u) = external_css_url(text) {
                        add(format!("a <style> element loads `{u}` from another host"));
                    }
                }
            }
            Kind::Other => {}
        }
    }
    match csp_seen {
        None => add("the page has no Content-Security-Policy meta tag".into()),
        Some(_) if csp_placed_late => {
            add("the Content-Security-Policy meta tag is not at the start of <head> (after only <meta> and <title>), \
             so the browser would ignore it or apply it too late"
                .into())
        }
        Some(c) if !same_words(&c, policy.csp) => {
            add(format!("the page's Content-Security-Policy is `{c}`, not the site's `{}`", policy.csp))
        }
        Some(_) => {}
    }
    out
}

/// A URL as the browser reads an attribute's value: ASCII tab and line
/// breaks removed, surrounding spaces trimmed, and a leading `\` read as `/`
/// (`/\host` is a link to another host).
fn url_value(v: &str) -> Cow<'_, str> {
    // Nearly every value is a plain relative path: nothing to remove or change.
    let plain = |c: char| !matches!(c, '\t' | '\n' | '\r' | '/' | '\\') && !c.is_whitespace();
    if v.chars().next().is_none_or(plain)
        && v.chars().last().is_none_or(|c| !c.is_whitespace())
        && !v.contains(['\t', '\n', '\r'])
    {
        return Cow::Borrowed(v);
    }
    let v: String = v.chars().filter(|c| !matches!(c, '\t' | '\n' | '\r')).collect();
    let v = v.trim();
    let mut out = String::with_capacity(v.len());
    let mut leading = true;
    for c in v.chars() {
        if leading && matches!(c, '/' | '\\') {
            out.push('/');
            continue;
        }
        leading = false;
        out.push(c);
    }
    Cow::Owned(out)
}

/// Whether a URL (as [`url_value`] gives it) starts with `scheme` (lower case, with
/// its colon), in any case.
fn has_scheme(url: &str, scheme: &str) -> bool {
    url.len() >= scheme.len() && url.as_bytes()[..scheme.len()].eq_ignore_ascii_case(scheme.as_bytes())
}

/// `<link rel="…">` kinds that never fetch (plain links between pages).
fn is_plain_relation(tag: &super::html::Tag) -> bool {
    let rel = tag.get("rel").unwrap_or_default().to_ascii_lowercase();
    !rel.is_empty()
        && rel.split_ascii_whitespace().all(|r| {
            matches!(r, "alternate" | "canonical" | "author" | "license" | "help" | "next" | "prev" | "search")
        })
}

/// The first `url(…)` or `@import "…"` in CSS text that leaves the site.
fn external_css_url(css: &str) -> Option<String> {
    let lower = css.to_ascii_lowercase();
    let mut found = None;
    for (i, _) in lower.match_indices("url(").chain(lower.match_indices("@import")) {
        let rest = &css[i..];
        let start = rest.find(['(', '"', '\'']).map_or(rest.len(), |k| k + 1);
        let inner = rest[start..].trim_start_matches(['"', '\'', ' ']);
        let end = inner.find(['"', '\'', ')', ' ', ';']).unwrap_or(inner.len());
        let u = &inner[..end];
        if is_external(u) {
            found = Some(u.to_string());
            break;
        }
    }
    found
}

/// Whether `hay` contains the ASCII `needle` in any case, without copying.
fn contains_ci(hay: &str, needle: &str) -> bool {
    hay.as_bytes().windows(needle.len()).any(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

/// Whether two texts are the same but for white space, without copying them:
/// words have no white space, so joined by one space they are equal just when
/// they are equal one by one.
fn same_words(a: &str, b: &str) -> bool {
    a.split_whitespace().eq(b.split_whitespace())
}

#[cfg(test)]
mod tests {
    use super::*;

    const CSP: &str = "default-src 'none'; script-src 'self'";

    fn page(body: &str) -> String {
        format!("<!DOCTYPE html><html><head><meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\"></head><body>{body}</body></html>")
    }

    fn breaches(html: &str, allow_html: bool) -> Vec<String> {
        check_page(html, &Policy { csp: CSP, allow_html }).into_iter().map(|b| b.message).collect()
    }

    #[test]
    fn a_clean_page_passes() {
        let html = page(
            r#"<a href="https://ap.nl/x">AP</a><img src="../static/logo.png" alt=""><script src="../assets/site.js"></script><img src="data:image/png;base64,AA==" alt="">"#,
        );
        assert_eq!(breaches(&html, false), Vec::<String>::new());
    }

    #[test]
    fn finds_every_kind_of_breach() {
        let cases = [
            ("<script>alert(1)</script>", "inline <script>"),
            ("<p onmouseover=\"x()\">", "event-handler attribute `onmouseover`"),
            ("<img src=\"https://evil.example/t.png\">", "<img src> loads"),
            ("<img srcset=\"a.png 1x, //evil.example/b.png 2x\">", "<img srcset> loads `//evil.example/b.png`"),
            ("<link rel=\"stylesheet\" href=\"https://cdn.example/x.css\">", "<link href> loads"),
            ("<script src=\"https://cdn.example/x.js\"></script>", "script is loaded from another host"),
            ("<a href=\"javascript:alert(1)\">x</a>", "`javascript:` URL"),
            ("<div style=\"background:url(https://e.example/x)\"></div>", "<div style> loads"),
            ("<style>@import 'https://e.example/x.css';</style>", "<style> element loads"),
            ("<form action=\"https://e.example/\"></form>", "<form action> loads"),
            ("<base href=\"https://e.example/\">", "<base> element"),
            ("<a href=\"x\" ping=\"https://e.example/\">x</a>", "<a ping> loads"),
            // Found by the second review.
            ("<!--><img src=\"https://e.example/x\">-->", "<img src> loads"),
            ("<img src=\"&#x68&#x74tps://e.example/x\">", "<img src> loads"),
            ("<img src=\"https&colon;//e.example/x\">", "<img src> loads"),
            ("<img src=\"/\\e.example/x\">", "<img src> loads"),
            ("<a href=\"java&Tab;script:alert(1)\">x</a>", "`javascript:` URL"),
            ("<iframe srcdoc=\"<img src=https://e.example/x>\"></iframe>", "srcdoc"),
            ("<meta http-equiv=\"refresh\" content=\"0;URL='https://e.example/'\">", "meta refresh"),
            ("<meta http-equiv=\"refresh\" content=\"0,https://e.example/\">", "meta refresh"),
            ("<svg><rect mask=\"url(https://e.example/x#f)\"/></svg>", "<rect mask> loads"),
            ("<div style=\"background:URL&#40;https://e.example/x)\"></div>", "<div style> loads"),
            ("<script src=\"data:,alert(1)\"></script>", "`data:` URL"),
        ];
        for (body, expected) in cases {
            let got = breaches(&page(body), false);
            assert!(got.iter().any(|m| m.contains(expected)), "{body}: {got:?}");
        }
    }

    #[test]
    fn allow_html_permits_scripts_but_not_other_hosts() {
        let html = page("<script>x()</script><p onclick=\"y()\"><img src=\"https://e.example/x.png\">");
        let got = breaches(&html, true);
        assert_eq!(got.len(), 1, "{got:?}");
        assert!(got[0].contains("another host"));
    }

    #[test]
    fn the_csp_meta_must_be_there_and_unchanged() {
        let missing = "<html><head></head><body></body></html>";
        assert!(breaches(missing, false)[0].contains("no Content-Security-Policy"));
        let weak = "<html><head><meta http-equiv=\"content-security-policy\" content=\"default-src *\"></head></html>";
        assert!(breaches(weak, false)[0].contains("not the site's"));
        // Found by review: anything before the meta moves it into the body or after what it guards.
        for before in [
            "x",
            "<div></div>",
            "<template>",
            "<noscript>",
            "<svg>",
            "<link rel=\"stylesheet\" href=\"a.css\">",
            "<script src=\"a.js\"></script>",
            "</head><body>",
        ] {
            let html = format!("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>T</title>{before}<meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\"></head><body></body></html>");
            assert!(breaches(&html, false).iter().any(|m| m.contains("not at the start of <head>")), "{before}");
        }
    }
}
