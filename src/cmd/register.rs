//! `irbook register FILES… [-o register.csv|.html|.md]`: merges incident
//! files (or folders of them) into one breach register (GDPR art. 33(5)).
//! A file that cannot be read is named with its problem and left out; the
//! others are still merged, and the exit code is 1.

use crate::incident::{self, IncidentFile, YesNo};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The output kinds, by the extension of `-o`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Csv,
    Html,
    Markdown,
}

pub fn run(inputs: &[PathBuf], out: Option<&Path>, lang: Option<&str>) -> i32 {
    let kind = match out.map(|p| p.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase()) {
        None => Kind::Markdown,
        Some(e) if e == "csv" => Kind::Csv,
        Some(e) if e == "html" || e == "htm" => Kind::Html,
        Some(e) if e == "md" || e == "markdown" => Kind::Markdown,
        Some(_) => {
            eprintln!("error: -o must end in .csv, .html or .md\n  hint: the extension chooses the kind of register");
            return 2;
        }
    };
    let mut files = Vec::new();
    let mut failed = 0usize;
    for input in inputs {
        if input.is_dir() {
            match std::fs::read_dir(input) {
                Ok(entries) => {
                    let mut found: Vec<PathBuf> = entries
                        .filter_map(Result::ok)
                        .map(|e| e.path())
                        .filter(|p| p.is_file() && p.extension().is_some_and(|e| e.eq_ignore_ascii_case("json")))
                        .collect();
                    found.sort();
                    if found.is_empty() {
                        eprintln!("warning: `{}` holds no .json files", input.display());
                    }
                    files.extend(found);
                }
                Err(e) => {
                    eprintln!("error: cannot read the folder `{}`: {e}", input.display());
                    failed += 1;
                }
            }
        } else {
            files.push(input.clone());
        }
    }
    let mut incidents: Vec<IncidentFile> = Vec::new();
    let mut seen: BTreeMap<String, PathBuf> = BTreeMap::new();
    for f in &files {
        match incident::read(f) {
            Ok(file) => {
                if let Some(first) = seen.insert(file.incident.id.clone(), f.clone()) {
                    eprintln!(
                        "warning: `{}` holds the same incident as `{}` (id {}); both are listed\n  hint: keep the newest copy of an incident in the case folder",
                        f.display(),
                        first.display(),
                        file.incident.id
                    );
                }
                incidents.push(file);
            }
            Err(msg) => {
                eprintln!("{msg}");
                failed += 1;
            }
        }
    }
    if incidents.is_empty() && failed == 0 {
        eprintln!("error: no incident files given\n  hint: name incident files or folders that hold them");
        return 1;
    }
    incidents.sort_by_key(|f| {
        let i = &f.incident;
        (incident::ms(i.discovered_at.as_deref().unwrap_or(&i.created_at)), i.id.clone())
    });
    let lang =
        lang.map(str::to_string).or_else(|| incidents.first().map(|f| f.lang.clone())).unwrap_or_else(|| "en".into());
    let words = Words::load(&lang);
    let text = match kind {
        Kind::Csv => csv(&incidents, &words),
        Kind::Html => html(&incidents, &words, &lang),
        Kind::Markdown => markdown(&incidents, &words),
    };
    match out {
        Some(path) => {
            if let Err(e) = crate::paths::replaceable_file(path) {
                eprintln!("error: {e}");
                return 1;
            }
            if let Err(e) = std::fs::write(path, text) {
                eprintln!("error: cannot write `{}`: {e}", path.display());
                return 1;
            }
            eprintln!(
                "Wrote the register of {} {} to {}{}.",
                incidents.len(),
                crate::diag::plural(incidents.len(), "incident", "incidents"),
                path.display(),
                if failed > 0 {
                    format!(
                        "; {failed} {} could not be read and {} left out",
                        crate::diag::plural(failed, "file", "files"),
                        if failed == 1 { "was" } else { "were" }
                    )
                } else {
                    String::new()
                }
            );
        }
        None => crate::out!("{}", text.trim_end()),
    }
    i32::from(failed > 0)
}

/// The register's labels, from the theme's interface texts (the same the
/// page uses), in one language; English when the theme lacks it.
struct Words(BTreeMap<String, String>);

impl Words {
    fn load(lang: &str) -> Words {
        let theme = crate::load::builtin_theme();
        let all: BTreeMap<String, BTreeMap<String, String>> = theme
            .get("i18n.yaml")
            .and_then(|f| f.text())
            .and_then(|t| serde_yaml::from_str(t).ok())
            .unwrap_or_default();
        let mut words = all.get("en").cloned().unwrap_or_default();
        if let Some(own) = all.get(lang) {
            words.extend(own.clone());
        }
        Words(words)
    }
    fn t<'a>(&'a self, key: &'a str) -> &'a str {
        self.0.get(key).map_or(key, String::as_str)
    }
}

/// Times in the register: minutes, in UTC (the file holds UTC).
fn when(t: &str) -> String {
    let s = assessment_wasm::time::format_rfc3339(incident::ms(t), 0);
    format!("{} UTC", s.get(..16).unwrap_or(&s).replace('T', " "))
}

/// The register entry as (key, label, value) rows, as the page builds them.
fn rows(f: &IncidentFile, w: &Words) -> Vec<(&'static str, String, String)> {
    let i = &f.incident;
    let yes_no = |d: YesNo| if d == YesNo::Yes { w.t("js_decision_yes") } else { w.t("js_decision_no") };
    let last = i.decisions.last();
    let not_notified: Vec<String> = last
        .map(|d| {
            d.verdicts
                .iter()
                .filter(|v| v.decision == YesNo::No)
                .map(|v| format!("{}: {}", v.title, v.explanation))
                .collect()
        })
        .unwrap_or_default();
    let decisions: Vec<String> = i
        .decisions
        .iter()
        .map(|d| {
            let mut s = when(&d.at);
            if !d.who.is_empty() {
                let _ = write!(s, " ({})", d.who);
            }
            let verdicts: Vec<String> =
                d.verdicts.iter().map(|v| format!("{} — {}", v.title, yes_no(v.decision))).collect();
            let _ = write!(s, ": {}", verdicts.join("; "));
            if !d.reason.is_empty() {
                let _ = write!(s, ". {}: {}", w.t("js_decision_reason"), d.reason);
            }
            s
        })
        .collect();
    let notifications: Vec<String> = i
        .notifications
        .iter()
        .map(|n| {
            let mut s = n.party_title.clone();
            if let Some(st) = &n.stage_title {
                let _ = write!(s, " — {st}");
            }
            let _ = write!(s, ": {}", when(&n.sent_at));
            if !n.channel.is_empty() {
                let _ = write!(s, ", {}", n.channel);
            }
            if !n.reference.is_empty() {
                let _ = write!(s, ", {} {}", w.t("js_ref_no"), n.reference);
            }
            s
        })
        .collect();
    let mut state = w.t(&format!("js_state_{}", i.state())).to_string();
    if let Some(c) = &i.closed_at {
        let _ = write!(state, " ({})", when(c));
    }
    vec![
        ("discovered", w.t("js_discovered_at").into(), i.discovered_at.as_deref().map_or("—".into(), when)),
        ("state", w.t("js_state").into(), state),
        ("description", w.t("js_reg_description").into(), i.register.description.clone()),
        ("data", w.t("js_reg_data").into(), i.register.data.clone()),
        ("consequences", w.t("js_reg_consequences").into(), i.register.consequences.clone()),
        ("measures", w.t("js_reg_measures").into(), i.register.measures.clone()),
        ("steps", w.t("js_reg_steps").into(), i.steps_done().join("\n")),
        ("decisions", w.t("js_decisions").into(), decisions.join("\n")),
        ("not_notified", w.t("js_reg_not_notified").into(), not_notified.join("\n")),
        ("notifications", w.t("js_notifications").into(), notifications.join("\n")),
    ]
}

/// RFC 4180; a cell a spreadsheet would read as a formula starts with an apostrophe.
fn csv_cell(v: &str) -> String {
    let mut s = v.to_string();
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        s.insert(0, '\'');
    }
    if s.contains(['"', ',', '\r', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

fn csv(list: &[IncidentFile], w: &Words) -> String {
    let mut out = String::from("id,name");
    if let Some(first) = list.first() {
        for (k, ..) in rows(first, w) {
            out.push(',');
            out.push_str(k);
        }
    }
    out.push_str("\r\n");
    for f in list {
        let mut cells = vec![csv_cell(&f.incident.id), csv_cell(&f.incident.name)];
        cells.extend(rows(f, w).iter().map(|(_, _, v)| csv_cell(v)));
        out.push_str(&cells.join(","));
        out.push_str("\r\n");
    }
    out
}

fn markdown(list: &[IncidentFile], w: &Words) -> String {
    let mut out = format!("# {}\n\n", w.t("js_breach_register"));
    for f in list {
        let _ = writeln!(out, "## {}: {}\n", w.t("js_register_entry"), f.incident.name);
        for (_, label, value) in rows(f, w) {
            let _ = writeln!(out, "### {label}\n");
            let lines: Vec<&str> = value.lines().filter(|l| !l.trim().is_empty()).collect();
            match lines.len() {
                0 => out.push_str("—\n"),
                1 => {
                    let _ = writeln!(out, "{}", lines[0]);
                }
                _ => {
                    for l in lines {
                        let _ = writeln!(out, "- {l}");
                    }
                }
            }
            out.push('\n');
        }
    }
    out
}

fn esc(s: &str) -> String {
    crate::web::html::escape(s)
}

/// A page that prints as the register on A4: one entry per page, no script,
/// nothing loaded from anywhere.
fn html(list: &[IncidentFile], w: &Words, lang: &str) -> String {
    let title = w.t("js_breach_register");
    let mut out = format!(
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>\n{}\n</style>\n</head>\n<body>\n<h1>{}</h1>\n",
        esc(lang),
        esc(title),
        REGISTER_CSS,
        esc(title)
    );
    for f in list {
        let _ = writeln!(out, "<article class=\"entry\" id=\"{}\">", esc(&f.incident.id));
        let _ = writeln!(out, "<h2>{}: {}</h2>\n<dl>", esc(w.t("js_register_entry")), esc(&f.incident.name));
        for (key, label, value) in rows(f, w) {
            let lines: Vec<String> = value.lines().filter(|l| !l.trim().is_empty()).map(esc).collect();
            let body = match lines.len() {
                0 => "—".to_string(),
                1 => lines[0].clone(),
                _ => format!("<ul>{}</ul>", lines.iter().map(|l| format!("<li>{l}</li>")).collect::<String>()),
            };
            let _ = writeln!(out, "<dt>{}</dt><dd data-field=\"{key}\">{body}</dd>", esc(&label));
        }
        out.push_str("</dl>\n</article>\n");
    }
    out.push_str("</body>\n</html>\n");
    out
}

const REGISTER_CSS: &str = "body { font: 11pt/1.4 system-ui, sans-serif; color: #000; max-width: 48rem; margin: 1rem auto; padding: 0 1rem; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.2rem; border-bottom: 1px solid #999; }
dt { font-weight: 700; margin-top: 0.5rem; } dd { margin: 0.1rem 0 0; overflow-wrap: break-word; } dd ul { margin: 0; padding-left: 1.2rem; }
@media print { @page { size: A4; margin: 15mm; } body { margin: 0; max-width: none; font-size: 10pt; } .entry + .entry { break-before: page; } dt { break-after: avoid; } dd { break-inside: avoid; } }";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_cells_are_quoted_and_never_formulas() {
        assert_eq!(csv_cell("plain"), "plain");
        assert_eq!(csv_cell("a,b"), "\"a,b\"");
        assert_eq!(csv_cell("say \"hi\"\nthen"), "\"say \"\"hi\"\"\nthen\"");
        assert_eq!(csv_cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_cell("-1"), "'-1");
    }
}
