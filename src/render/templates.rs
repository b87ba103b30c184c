//! The theme's Tera templates with the handbook's overrides, and the
//! template functions and escaping irbook sets up.

use crate::diag::{Diagnostic, Pos, Report};
use crate::load::Tree;
use crate::model::Handbook;
use std::collections::{BTreeMap, HashMap};

/// The file to blame for what a template produced: the handbook's override
/// of that template, or else its overrides in general (a page template
/// extends and includes others), or else the theme.
pub(super) fn template_file(name: &str, hb: &Handbook) -> String {
    if hb.templates.contains_key(name) {
        return format!("templates/{name}");
    }
    match hb.templates.keys().next() {
        Some(other) if hb.templates.len() == 1 => format!("templates/{other}"),
        Some(_) => format!("templates/ (the overrides used by {name})"),
        None => format!("the theme's templates/{name}"),
    }
}

pub(super) fn tera_error(e: &tera::Error) -> String {
    let mut msg = e.to_string();
    let mut src = std::error::Error::source(e);
    while let Some(s) = src {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        src = s.source();
    }
    msg
}

pub(super) fn load_templates(theme: &Tree, hb: &Handbook, report: &mut Report) -> Option<tera::Tera> {
    let mut tera = tera::Tera::default();
    // A page holds what the handbook says, never what the building machine
    // has: no environment variables (Tera's `get_env`), and no runaway lists.
    tera.register_function("get_env", |_: &HashMap<String, tera::Value>| {
        Err(tera::Error::msg(
            "`get_env` is switched off in irbook: a template may not put the build machine's environment into pages",
        ))
    });
    tera.register_function("range", bounded_range);
    tera.autoescape_on(vec![".html"]);
    tera.set_escape_fn(escape_html);
    let mut list: BTreeMap<String, String> = BTreeMap::new();
    for f in theme.under("templates") {
        if let Some(t) = f.text() {
            list.insert(f.path.trim_start_matches("templates/").to_string(), t.to_string());
        }
    }
    for (name, text) in &hb.templates {
        if !list.contains_key(name) {
            report.push(
                Diagnostic::warning(
                    format!("templates/{name}"),
                    Pos::FILE,
                    "the theme has no template of this name, so this file is not used",
                )
                .maybe_hint(crate::diag::did_you_mean(name, list.keys().map(String::as_str))),
            );
        }
        list.insert(name.clone(), text.clone());
    }
    if let Err(e) = add_templates(&mut tera, &list) {
        let file = if hb.templates.is_empty() { "theme".to_string() } else { "templates/".to_string() };
        report.push(
            Diagnostic::error(file, Pos::FILE, format!("a template does not parse: {}", tera_error(&e)))
                .hint("fix the Tera syntax in the template override"),
        );
        return None;
    }
    Some(tera)
}

/// What `Tera::add_raw_templates` does, with the templates parsed in
/// parallel: parsing (pest) was a fifth of building the default handbook.
/// The same calls in the same order, so the same errors come first.
fn add_templates(tera: &mut tera::Tera, list: &BTreeMap<String, String>) -> tera::Result<()> {
    use rayon::prelude::*;
    let parsed: Vec<(&String, tera::Result<tera::Template>)> = list
        .par_iter()
        .map(|(name, text)| {
            let tpl = tera::Template::new(name, None, text)
                .map_err(|e| tera::Error::chain(format!("Failed to parse '{name}'"), e));
            (name, tpl)
        })
        .collect();
    for (name, tpl) in parsed {
        tera.templates.insert(name.clone(), tpl?);
    }
    tera.build_inheritance_chains()?;
    tera.check_macro_files()
}

/// Tera's `range(end, start=0, step_by=1)`, refusing lists of more than
/// [`MAX_RANGE`] numbers (a typo like `range(end=1e9)` would exhaust memory).
pub(super) fn bounded_range(args: &HashMap<String, tera::Value>) -> tera::Result<tera::Value> {
    const MAX_RANGE: u64 = 100_000;
    let arg = |name: &str, default: Option<u64>| -> tera::Result<u64> {
        match args.get(name) {
            Some(v) => v.as_u64().ok_or_else(|| {
                tera::Error::msg(format!("`range` received {name}={v}, but {name} must be a whole number of 0 or more"))
            }),
            None => default.ok_or_else(|| tera::Error::msg(format!("`range` needs an `{name}` argument"))),
        }
    };
    let (start, end, step) = (arg("start", Some(0))?, arg("end", None)?, arg("step_by", Some(1))?);
    if step == 0 {
        return Err(tera::Error::msg("`range` received step_by=0"));
    }
    if end.saturating_sub(start) / step > MAX_RANGE {
        return Err(tera::Error::msg(format!("`range` would make more than {MAX_RANGE} numbers")));
    }
    Ok(tera::Value::from((start..end).step_by(step as usize).collect::<Vec<u64>>()))
}

/// HTML escaping for template output. Unlike Tera's default it leaves `/`
/// alone, which needs no escaping and would make every URL unreadable.
pub fn escape_html(s: &str) -> String {
    crate::web::html::escape(s)
}
