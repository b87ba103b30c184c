//! What each fuzz target feeds the code under test and what it asserts.
//! `tests/fuzz_regressions.rs` includes this file too, so every input the
//! fuzzer once broke replays in the normal `cargo test` on stable Rust.
//! It uses only `irbook`, `assessment_wasm` and `serde_json`.

use assessment_wasm::compile::Compiled;
use assessment_wasm::language::expr;
use assessment_wasm::time::TimeZone;
use assessment_wasm::wire::json;
use assessment_wasm::{api, plan};
use irbook::diag::Report;
use irbook::load::{self, SourceFile, Tree};
use std::sync::OnceLock;

/// The small test handbook the `load_handbook` input is laid over, by the
/// path each input chunk replaces (in this order).
const BASE: &[(&str, &[u8])] = &[
    ("handbook.yaml", include_bytes!("../../tests/fixtures/minimal/handbook.yaml")),
    ("playbooks/lost.yaml", include_bytes!("../../tests/fixtures/minimal/playbooks/lost.yaml")),
    ("phases/01-first.nl.md", include_bytes!("../../tests/fixtures/minimal/phases/01-first.nl.md")),
    ("assessments/quick.yaml", include_bytes!("../../tests/fixtures/minimal/assessments/quick.yaml")),
    ("contacts.yaml", include_bytes!("../../tests/fixtures/minimal/contacts.yaml")),
    ("sources/sources.yaml", include_bytes!("../../tests/fixtures/minimal/sources/sources.yaml")),
    ("pages/guides/call.nl.md", include_bytes!("../../tests/fixtures/minimal/pages/guides/call.nl.md")),
    ("faq/encrypted.nl.md", include_bytes!("../../tests/fixtures/minimal/faq/encrypted.nl.md")),
    ("phases/01-first.en.md", include_bytes!("../../tests/fixtures/minimal/phases/01-first.en.md")),
    ("pages/guides/_section.nl.md", include_bytes!("../../tests/fixtures/minimal/pages/guides/_section.nl.md")),
    ("phases/02-after.md", include_bytes!("../../tests/fixtures/minimal/phases/02-after.md")),
    ("pages/guides/log.nl.md", include_bytes!("../../tests/fixtures/minimal/pages/guides/log.nl.md")),
    ("static/logo.svg", include_bytes!("../../tests/fixtures/minimal/static/logo.svg")),
    // Not in the test handbook: room for a second playbook and questionnaire.
    ("playbooks/extra.yaml", b""),
    ("assessments/extra.yaml", b""),
];

/// A chunk that is just this byte removes the file from the tree.
pub const REMOVE: &[u8] = b"\x01";

/// The content tree for a `load_handbook` input. The input is split at NUL
/// bytes; chunk `i` replaces the `i`-th file of [`BASE`] (an empty chunk
/// keeps it, [`REMOVE`] drops it). A chunk that starts with `@` names its own
/// path on its first line and adds that file, so odd file names get tried
/// too; paths are kept to what reading a folder can give (relative, no `.`
/// or `..` parts, no hidden names).
pub fn handbook_tree(data: &[u8]) -> Tree {
    let mut files: Vec<(String, Vec<u8>)> = BASE.iter().map(|(p, b)| (p.to_string(), b.to_vec())).collect();
    for (i, chunk) in data.split(|&b| b == 0).enumerate() {
        if let Some(named) = chunk.strip_prefix(b"@") {
            let (name, body) = match named.iter().position(|&b| b == b'\n') {
                Some(n) => (&named[..n], &named[n + 1..]),
                None => (named, &b""[..]),
            };
            if let Some(path) = std::str::from_utf8(name).ok().filter(|p| readable_path(p)) {
                files.push((path.to_string(), body.to_vec()));
            }
        } else if let Some(slot) = files.get_mut(i).filter(|_| i < BASE.len()) {
            if chunk == REMOVE {
                slot.1.clear();
            } else if !chunk.is_empty() {
                slot.1 = chunk.to_vec();
            }
        }
    }
    let label = "fuzz";
    let mut tree = Tree { label: label.to_string(), ..Tree::default() };
    for (i, (path, bytes)) in files.into_iter().enumerate() {
        // An empty slot of the base is a removed (or never present) file.
        if i < BASE.len() && bytes.is_empty() {
            continue;
        }
        tree.files.insert(path.clone(), SourceFile { path, bytes, layer: label.to_string() });
    }
    tree
}

fn readable_path(p: &str) -> bool {
    !p.is_empty()
        && p.split('/').all(|part| !part.is_empty() && !part.starts_with('.') && !part.ends_with('~'))
        && !p.contains(['\\', '\0'])
}

/// `load_handbook`: loading, validating and rendering any content tree ends
/// in a site or in a report, never in a panic, a hang or unbounded memory.
pub fn check_handbook(data: &[u8]) {
    let tree = handbook_tree(data);
    let mut report = Report::default();
    let site = irbook::site::render(&tree, &mut report, &irbook::render::Discard);
    assert!(site.is_none() || !report.has_errors(), "a site was built despite errors");
    assert!(site.is_some() || report.has_errors(), "no site and no error to say why");
}

/// `expr_parse`: the parser never panics, and what it accepts prints in a
/// canonical form that parses back to the same tree and prints the same.
pub fn check_expr(data: &[u8]) {
    let Ok(src) = std::str::from_utf8(data) else { return };
    let Ok(e) = expr::parse(src) else { return };
    let shown = e.to_string();
    let back = expr::parse(&shown).unwrap_or_else(|err| panic!("{src:?} prints as {shown:?}, which fails: {err}"));
    assert_eq!(back, e, "{src:?} prints as {shown:?}, which parses to another tree");
    assert_eq!(back.to_string(), shown, "{src:?}: the canonical form is not stable");
}

/// The default handbook's triage questionnaire, compiled as the builder does
/// and loaded from its JSON as the page's engine does.
pub fn triage() -> &'static Compiled {
    static TRIAGE: OnceLock<Compiled> = OnceLock::new();
    TRIAGE.get_or_init(|| {
        let tree = load::builtin_content();
        let mut report = Report::default();
        let hb = irbook::model::build(&tree, &mut report).expect("the built-in handbook loads");
        let c = irbook::render::compile_one(&hb, &tree, "triage", "en", &mut report).expect("triage compiles");
        Compiled::from_json(&c.to_json()).expect("the compiled triage loads back")
    })
}

/// 2026-11-23 09:00 UTC and two hours later, when the input gives no times.
const DISCOVERED_MS: f64 = 1_795_424_400_000.0;
const NOW_MS: f64 = 1_795_431_600_000.0;

/// `engine_plan`: any answers JSON, times and time zone through the entry
/// points the WebAssembly page calls ([`api`]). Never a panic; the wasm
/// JSON reader agrees with `serde_json`; a plan is valid JSON equal to the
/// native plan for the same answers; `check_answers` and `plan` agree.
///
/// Input: the answers JSON, then optionally a NUL byte and 20 bytes of
/// times (discovery and now as `f64` milliseconds, little-endian) and the
/// UTC offset in minutes (`i32`), then optionally a time zone as JSON.
pub fn check_plan(data: &[u8]) {
    let c = triage();
    let (answers, params) = match data.iter().position(|&b| b == 0) {
        Some(n) => (&data[..n], &data[n + 1..]),
        None => (data, &b""[..]),
    };
    let Ok(answers) = std::str::from_utf8(answers) else { return };
    let (discovered, now, offset, tz_json) = if params.len() >= 20 {
        let f = |i: usize| f64::from_le_bytes(params[i..i + 8].try_into().unwrap_or_default());
        let offset = i32::from_le_bytes(params[16..20].try_into().unwrap_or_default());
        (f(0), f(8), offset, std::str::from_utf8(&params[20..]).ok().filter(|s| !s.is_empty()))
    } else {
        (DISCOVERED_MS, NOW_MS, 60, None)
    };
    let tz = match tz_json.map(api::time_zone_from_json) {
        Some(Ok(tz)) => tz,
        Some(Err(_)) => return,
        None => TimeZone::Fixed { offset_min: offset },
    };

    let ours = json::parse(answers);
    let theirs = serde_json::from_str::<serde_json::Value>(answers);
    assert_eq!(ours.is_ok(), theirs.is_ok(), "{answers:?}: json.rs says {ours:?}, serde_json {theirs:?}");
    if let (Ok(o), Ok(t)) = (&ours, &theirs) {
        assert!(same(o, &json::Value::from(t)), "{answers:?} reads as {o:?}, serde_json reads {t:?}");
    }

    let planned = api::plan_json(c, answers, discovered, now, tz);
    let problems: serde_json::Value =
        serde_json::from_str(&api::check_answers_json(c, answers)).expect("check_answers writes valid JSON");
    let problems = problems.as_array().expect("check_answers writes a list");
    assert_eq!(planned.is_ok(), problems.is_empty(), "{answers:?}: plan {planned:?} but problems {problems:?}");
    let Ok(planned) = planned else { return };
    let planned: serde_json::Value = serde_json::from_str(&planned).expect("a plan is valid JSON");
    let planned = json::Value::from(&planned);
    let answers = plan::parse_answers(c, theirs.as_ref().expect("the answers parsed")).expect("the answers are valid");
    let input = plan::PlanInput { answers, discovered_ms: discovered as i64, now_ms: now as i64, tz };
    // Both are written by the engine's one JSON writer; what differs is how the
    // answers were read (the page's JSON reader against serde).
    let native: serde_json::Value =
        serde_json::from_str(&plan::plan(c, &input).to_json()).expect("the native plan is valid JSON");
    let native = json::Value::from(&native);
    assert!(same(&planned, &native), "the page's plan {planned:?} differs from the native plan {native:?}");
}

/// Equal JSON values, but for floats one unit in the last place apart:
/// `serde_json` without its `float_roundtrip` feature may read a long
/// number that far off, where `json.rs` always rounds correctly.
fn same(a: &json::Value, b: &json::Value) -> bool {
    use json::{Number, Value};
    match (a, b) {
        (Value::Number(Number::Float(x)), Value::Number(Number::Float(y))) => {
            x == y || (x.signum() == y.signum() && x.to_bits().abs_diff(y.to_bits()) <= 1)
        }
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same(x, y)),
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().zip(y.iter()).all(|((kx, x), (ky, y))| kx == ky && same(x, y))
        }
        _ => a == b,
    }
}

// ---------------------------------------------------------------------------
// Fast targets: one text path each, thousands of runs a second.

/// Where links in the `markdown_links` input may point.
fn link_targets() -> &'static irbook::render::markdown::Targets {
    static TARGETS: OnceLock<irbook::render::markdown::Targets> = OnceLock::new();
    TARGETS.get_or_init(|| {
        let mut t = irbook::render::markdown::Targets::default();
        t.files.insert("phases/02-analysis".into(), "phases/analysis.html".into());
        t.files.insert("playbooks/ransomware.yaml".into(), "playbooks/ransomware.html".into());
        t.files.insert("faq/encrypted".into(), "faq.html#encrypted".into());
        t.steps.insert("isolate".into(), "playbooks/ransomware.html#step-isolate".into());
        t.sources.insert("gdpr-art33".into());
        t.contacts.insert("ap".into());
        t.statics.insert("static/form é.pdf".into());
        t
    })
}

/// `markdown_links`: any text through Markdown rendering with link checks and
/// rewriting, as a page of the site. Never a panic; without raw HTML the page
/// keeps every page rule (no script, no handler, nothing from another host);
/// with raw HTML allowed it still renders.
pub fn check_markdown(data: &[u8]) {
    let src = String::from_utf8_lossy(data);
    let langs = vec!["nl".to_string(), "en".to_string()];
    for allow_html in [false, true] {
        let ctx = irbook::render::markdown::DocContext {
            file: "phases/01-first.nl.md",
            first_line: 4,
            to_lang_root: "../",
            to_site_root: "../../",
            languages: &langs,
            allow_html,
        };
        let mut problems = Vec::new();
        let r = irbook::render::markdown::render(&src, &ctx, link_targets(), &mut problems);
        let _ = irbook::render::markdown::plain(&src);
        for p in &problems {
            assert!(p.line >= 4, "a problem before the text starts: {p:?}");
        }
        if !allow_html {
            let csp = irbook::render::CSP;
            let page = format!(
                "<!DOCTYPE html><html><head><meta http-equiv=\"Content-Security-Policy\" content=\"{csp}\"></head><body><main>{}</main></body></html>",
                r.html
            );
            let breaches =
                irbook::web::policy::check_page(&page, &irbook::web::policy::Policy { csp, allow_html: false });
            assert!(breaches.is_empty(), "{src:?} renders as {:?}, which breaks {breaches:?}", r.html);
        }
    }
}

/// `single_file`: any HTML as a rendered page (and as the home page's main
/// content) through the single-file combiner. Never a panic, and the result,
/// if any, is one document with the generator mark.
pub fn check_single(data: &[u8]) {
    let page = String::from_utf8_lossy(data);
    let shell = |main: &str| {
        format!("<!DOCTYPE html><html lang=\"nl\"><head><title>T</title></head><body class=\"home\"><header class=\"site-header\"><a href=\"index.html\" aria-current=\"page\">Start</a><a hreflang=\"en\" href=\"../en/index.html\">EN</a></header><main id=\"main\">{main}</main></body></html>")
    };
    let mut files = std::collections::BTreeMap::new();
    files.insert("nl/index.html".to_string(), shell(&page).into_bytes());
    files.insert("nl/phases/a.html".to_string(), page.as_bytes().to_vec());
    files.insert("en/index.html".to_string(), shell("<p>Home</p>").into_bytes());
    files.insert("static/logo.png".to_string(), vec![0x89, b'P', b'N', b'G']);
    files.insert("assets/site.css".to_string(), b"body{}".to_vec());
    let langs = vec!["nl".to_string(), "en".to_string()];
    let opts = irbook::single::Options { languages: &langs, default_language: "nl" };
    let mut report = Report::default();
    let files = files.into_iter().map(|(k, v)| (k, irbook::render::FileBytes::new(v))).collect();
    if let Some(single) = irbook::single::combine(&files, &opts, &mut report) {
        assert!(single.html.starts_with("<!DOCTYPE html>"));
        assert!(single.html.contains("<meta name=\"generator\" content=\"irbook single file\">"));
    }
}

/// The YAML files a `yaml_file` input may stand for (its first byte picks one).
const YAML_SLOTS: &[&str] =
    &["playbooks/lost.yaml", "contacts.yaml", "handbook.yaml", "sources/sources.yaml", "assessments/quick.yaml"];

/// `yaml_file`: any text as one YAML file of the test handbook, loaded and
/// validated (no rendering, so it is fast). Never a panic, a hang or
/// unbounded memory; a handbook or a report of why not.
pub fn check_yaml(data: &[u8]) {
    let Some((&pick, text)) = data.split_first() else { return };
    let path = YAML_SLOTS[usize::from(pick) % YAML_SLOTS.len()];
    let mut tree = handbook_tree(b"");
    tree.files
        .insert(path.to_string(), SourceFile { path: path.to_string(), bytes: text.to_vec(), layer: "fuzz".into() });
    let mut report = Report::default();
    let hb = irbook::model::build(&tree, &mut report);
    assert!(hb.is_some() || report.has_errors(), "no handbook and no error to say why");
}

/// `answers_file`: any text as an answers file for the default triage. Never
/// a panic; what the reader accepts, the engine can read or reports on.
pub fn check_answers(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let c = triage();
    match irbook::answers::read_text(text, "answers.yaml", c) {
        Ok(file) => {
            let _ = plan::parse_answers(c, &file.json);
        }
        Err(problems) => assert!(!problems.is_empty() && problems.iter().all(|p| p.starts_with("error: answers.yaml"))),
    }
}
