//! An organisation's look: logo and colours from `branding:` in handbook.yaml,
//! turned into CSS custom properties (a stylesheet, since the site's CSP allows
//! no inline styles), with every colour checked against WCAG 2.2 AA contrast.

use crate::diag::{did_you_mean, Severity};
use crate::load::Tree;
use crate::spans::Seg;
use crate::ypath;
use std::collections::BTreeMap;
use std::fmt::Write;

/// Backgrounds of the default theme that brand colours are read against.
const LIGHT_BG: Rgb = Rgb(0xff, 0xff, 0xff);
const DARK_BG: Rgb = Rgb(0x14, 0x17, 0x1c);
const BLACK: Rgb = Rgb(0x0d, 0x11, 0x17);
const WHITE: Rgb = Rgb(0xff, 0xff, 0xff);
/// WCAG 2.2 AA for normal text.
pub const AA: f64 = 4.5;

/// The colours a handbook may set, and what each colours.
pub const COLOURS: [(&str, &str); 4] = [
    ("brand", "links, buttons and the skip link in light mode"),
    ("brand_dark", "links, buttons and the skip link in dark mode"),
    ("header", "the page header's background in light mode"),
    ("header_dark", "the page header's background in dark mode"),
];

const LOGO_TYPES: [&str; 5] = [".svg", ".png", ".jpg", ".jpeg", ".webp"];

/// What the theme needs: the logo's path in the site and the stylesheet.
#[derive(Debug, Clone, Default)]
pub struct Branding {
    /// Path of the logo inside the built site (`static/logo.svg`).
    pub logo: Option<String>,
    /// `assets/brand.css`, when any colour is set.
    pub css: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rgb(pub u8, pub u8, pub u8);

impl Rgb {
    /// `#rgb` or `#rrggbb`.
    pub fn parse(s: &str) -> Option<Rgb> {
        let hex = s.trim().strip_prefix('#')?;
        if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let v = |i: usize, n: usize| u8::from_str_radix(&hex[i..i + n], 16).ok();
        match hex.len() {
            3 => Some(Rgb(v(0, 1)? * 17, v(1, 1)? * 17, v(2, 1)? * 17)),
            6 => Some(Rgb(v(0, 2)?, v(2, 2)?, v(4, 2)?)),
            _ => None,
        }
    }

    pub fn hex(self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.0, self.1, self.2)
    }

    /// Relative luminance as WCAG defines it.
    fn luminance(self) -> f64 {
        let lin = |c: u8| {
            let c = f64::from(c) / 255.0;
            if c <= 0.04045 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * lin(self.0) + 0.7152 * lin(self.1) + 0.0722 * lin(self.2)
    }

    fn mix(self, other: Rgb, t: f64) -> Rgb {
        let m = |a: u8, b: u8| (f64::from(a) + (f64::from(b) - f64::from(a)) * t).round() as u8;
        Rgb(m(self.0, other.0), m(self.1, other.1), m(self.2, other.2))
    }
}

/// WCAG contrast ratio, from 1 to 21.
pub fn contrast(a: Rgb, b: Rgb) -> f64 {
    let (la, lb) = (a.luminance(), b.luminance());
    let (hi, lo) = if la > lb { (la, lb) } else { (lb, la) };
    (hi + 0.05) / (lo + 0.05)
}

/// Near-black or white, whichever reads better on `bg`.
fn text_on(bg: Rgb) -> Rgb {
    if contrast(BLACK, bg) >= contrast(WHITE, bg) {
        BLACK
    } else {
        WHITE
    }
}

/// The closest colour to `c` (mixing towards `towards`) with AA contrast on `bg`.
fn nearest_passing(c: Rgb, bg: Rgb, towards: Rgb) -> Option<Rgb> {
    (1..=20).map(|i| c.mix(towards, f64::from(i) * 0.05)).find(|m| contrast(*m, bg) >= AA)
}

/// Where a branding problem goes: the layer's handbook.yaml at a key path.
pub type Problem<'a> = dyn FnMut(&[Seg], Severity, String, Option<String>) + 'a;

impl Branding {
    pub fn from_def(
        logo: Option<&str>,
        colors: Option<&BTreeMap<String, String>>,
        tree: &Tree,
        problem: &mut Problem<'_>,
    ) -> Branding {
        let mut out = Branding::default();
        if let Some(logo) = logo {
            let path = logo.trim_start_matches("./");
            let lower = path.to_ascii_lowercase();
            if !path.starts_with("static/") || tree.get(path).is_none() {
                let hint =
                    did_you_mean(path, tree.files.keys().filter(|p| p.starts_with("static/")).map(String::as_str))
                        .unwrap_or_else(|| {
                            "put the logo in static/ and write its path, like `logo: static/logo.svg`".into()
                        });
                problem(
                    &ypath!["branding", "logo"],
                    Severity::Error,
                    format!("the logo `{logo}` is not a file in static/"),
                    Some(hint),
                );
            } else if !LOGO_TYPES.iter().any(|t| lower.ends_with(t)) {
                problem(
                    &ypath!["branding", "logo"],
                    Severity::Error,
                    format!("the logo `{logo}` is not an image browsers show"),
                    Some("use an SVG, PNG, JPEG or WebP file".into()),
                );
            } else {
                out.logo = Some(path.to_string());
            }
        }
        let Some(colors) = colors.filter(|c| !c.is_empty()) else { return out };
        let mut parsed: BTreeMap<&str, Rgb> = BTreeMap::new();
        for (key, value) in colors {
            let at = ypath!["branding", "colors", key.as_str()];
            if !COLOURS.iter().any(|(k, _)| k == key) {
                let hint = did_you_mean(key, COLOURS.iter().map(|(k, _)| *k)).unwrap_or_else(|| {
                    format!("the colours are: {}", COLOURS.iter().map(|(k, _)| *k).collect::<Vec<_>>().join(", "))
                });
                problem(&at, Severity::Error, format!("unknown colour `{key}`"), Some(hint));
                continue;
            }
            match Rgb::parse(value) {
                Some(c) => {
                    parsed.insert(COLOURS.iter().find(|(k, _)| k == key).map(|(k, _)| *k).unwrap_or("brand"), c);
                }
                None => problem(
                    &at,
                    Severity::Error,
                    format!("`{value}` is not a colour"),
                    Some("write it as a hex colour in quotes, like \"#0a55a0\"".into()),
                ),
            }
        }
        let mut check = |key: &str, fg: Rgb, bg: Rgb, what: &str, better: Option<Rgb>| {
            let ratio = contrast(fg, bg);
            if ratio < AA {
                let hint = match better {
                    Some(b) => format!("choose a colour with at least {AA}:1 contrast, for example \"{}\"", b.hex()),
                    None => format!("choose a colour with at least {AA}:1 contrast"),
                };
                problem(
                    &ypath!["branding", "colors", key],
                    Severity::Warning,
                    format!("{what} has a contrast of {ratio:.1}:1, below the {AA}:1 that WCAG AA asks for text"),
                    Some(hint),
                );
            }
        };
        let mut css = String::from("/* Branding from handbook.yaml, made by irbook. */\n");
        // Brand colours of light mode apply only there: the theme's dark mode keeps
        // its own light-on-dark link colour unless `brand_dark` is given. The
        // header colour applies in both modes (its text colour follows it).
        let mut light = String::new();
        let mut all = String::new();
        let mut dark = String::new();
        if let Some(&c) = parsed.get("brand") {
            check(
                "brand",
                c,
                LIGHT_BG,
                &format!("`brand` {} on the white page", c.hex()),
                nearest_passing(c, LIGHT_BG, BLACK),
            );
            let fg = text_on(c);
            check("brand", fg, c, &format!("text on `brand` {}", c.hex()), None);
            let _ = write!(light, "  --brand: {0};\n  --link: {0};\n  --brand-fg: {1};\n", c.hex(), fg.hex());
        }
        if let Some(&c) = parsed.get("brand_dark") {
            check(
                "brand_dark",
                c,
                DARK_BG,
                &format!("`brand_dark` {} on the dark page", c.hex()),
                nearest_passing(c, DARK_BG, WHITE),
            );
            let fg = text_on(c);
            let _ = write!(dark, "    --brand: {0};\n    --link: {0};\n    --brand-fg: {1};\n", c.hex(), fg.hex());
        }
        for (key, out_css, indent) in [("header", &mut all, "  "), ("header_dark", &mut dark, "    ")] {
            if let Some(&c) = parsed.get(key) {
                let fg = text_on(c);
                check(key, fg, c, &format!("the header text on `{key}` {}", c.hex()), None);
                let _ = write!(out_css, "{indent}--header-bg: {};\n{indent}--header-fg: {};\n", c.hex(), fg.hex());
            }
        }
        if light.is_empty() && all.is_empty() && dark.is_empty() {
            return out;
        }
        if !all.is_empty() {
            let _ = write!(css, ":root {{\n{all}}}\n");
        }
        if !light.is_empty() {
            let light = light.replace("\n  ", "\n    ");
            let _ = write!(css, "@media not all and (prefers-color-scheme: dark) {{\n  :root {{\n  {light}  }}\n}}\n");
        }
        if !dark.is_empty() {
            let _ = write!(css, "@media (prefers-color-scheme: dark) {{\n  :root {{\n{dark}  }}\n}}\n");
        }
        out.css = Some(css);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contrast_matches_wcag_examples() {
        assert!((contrast(Rgb(0, 0, 0), Rgb(255, 255, 255)) - 21.0).abs() < 0.01);
        assert!((contrast(Rgb(0x76, 0x76, 0x76), WHITE) - 4.54).abs() < 0.01);
        assert_eq!(Rgb::parse("#0a55a0"), Some(Rgb(0x0a, 0x55, 0xa0)));
        assert_eq!(Rgb::parse("#fff"), Some(WHITE));
        assert_eq!(Rgb::parse("0a55a0"), None);
        assert_eq!(Rgb::parse("#12345"), None);
    }

    #[test]
    fn suggests_a_passing_colour() {
        let yellow = Rgb(0xff, 0xcc, 0x00);
        let better = nearest_passing(yellow, LIGHT_BG, BLACK).unwrap();
        assert!(contrast(better, LIGHT_BG) >= AA);
        assert!(contrast(yellow, LIGHT_BG) < AA);
    }

    #[test]
    fn css_and_warnings() {
        let tree = Tree::default();
        let colors: BTreeMap<String, String> =
            [("brand".to_string(), "#ffcc00".to_string()), ("header".to_string(), "#102a43".to_string())].into();
        let mut problems = Vec::new();
        let b = Branding::from_def(None, Some(&colors), &tree, &mut |p, s, m, _| problems.push((p.to_vec(), s, m)));
        let css = b.css.unwrap();
        assert!(css.contains("--brand: #ffcc00;"), "{css}");
        assert!(css.contains("--header-fg: #ffffff;"), "{css}");
        // The light brand colour must not reach dark mode, where it would be dark on dark.
        let light = css.find("@media not all and (prefers-color-scheme: dark)").expect("light-only block");
        assert!(css.find("--brand: #ffcc00;").unwrap() > light, "{css}");
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].1, Severity::Warning);
        assert!(
            problems[0].2.contains("`brand` #ffcc00 on the white page has a contrast of 1.5:1"),
            "{}",
            problems[0].2
        );
    }
}
