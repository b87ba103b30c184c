//! Helpers shared by the integration tests: run the real `irbook` binary on
//! fixture folders copied into temporary directories.
#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_irbook")
}

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn fixture(name: &str) -> PathBuf {
    repo().join("tests/fixtures").join(name)
}

pub fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for e in fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            fs::copy(e.path(), &target).unwrap();
        }
    }
}

pub fn run(args: &[&str], cwd: &Path) -> Output {
    Command::new(bin()).args(args).current_dir(cwd).output().expect("irbook runs")
}

/// `irbook plan` for the default handbook's triage questionnaire and an answers file.
pub fn plan_triage(answers: &Path, extra: &[&str], cwd: &Path) -> Output {
    let content = repo().join("content");
    let mut args = vec!["plan", "--assessment", "triage", "--answers", answers.to_str().unwrap()];
    args.extend_from_slice(extra);
    args.push(content.to_str().unwrap());
    run(&args, cwd)
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Every file under `dir` with its bytes, by relative path.
pub fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    fn walk(root: &Path, dir: &Path, out: &mut Vec<(String, Vec<u8>)>) {
        let mut entries: Vec<_> = fs::read_dir(dir).unwrap().map(|e| e.unwrap()).collect();
        entries.sort_by_key(|e| e.file_name());
        for e in entries {
            let p = e.path();
            if e.file_type().unwrap().is_dir() {
                walk(root, &p, out);
            } else {
                out.push((p.strip_prefix(root).unwrap().to_string_lossy().into_owned(), fs::read(&p).unwrap()));
            }
        }
    }
    walk(dir, dir, &mut out);
    out
}

/// The default handbook's triage questionnaire, compiled in-process in
/// `lang`: for tests that run many answer sets through the engine (far
/// faster than one `irbook plan` per set).
pub fn triage_compiled(lang: &str) -> assessment_wasm::Compiled {
    static CACHE: std::sync::Mutex<Vec<(String, assessment_wasm::Compiled)>> = std::sync::Mutex::new(Vec::new());
    let mut cache = CACHE.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((_, c)) = cache.iter().find(|(l, _)| l == lang) {
        return c.clone();
    }
    let c = compile_triage(lang);
    cache.push((lang.to_string(), c.clone()));
    c
}

fn compile_triage(lang: &str) -> assessment_wasm::Compiled {
    let tree = irbook::site::open(Some(repo().join("content")), None).unwrap_or_else(|_| panic!("content reads"));
    let mut report = irbook::diag::Report::default();
    let hb = irbook::model::build(&tree, &mut report).expect("the default handbook builds");
    irbook::render::compile_one(&hb, &tree, "triage", lang, &mut report).expect("the triage compiles")
}

/// The plan for answers given as JSON (an object from question id to answer),
/// at fixed times; panics on answers the engine does not accept.
pub fn triage_plan(c: &assessment_wasm::Compiled, answers: &serde_json::Value) -> assessment_wasm::Plan {
    let answers = assessment_wasm::parse_answers(c, answers).unwrap_or_else(|e| panic!("{e:?} in {answers}"));
    triage_plan_for(c, answers)
}

/// The plan for answers already read, at fixed times.
pub fn triage_plan_for(c: &assessment_wasm::Compiled, answers: assessment_wasm::Answers) -> assessment_wasm::Plan {
    let tz = assessment_wasm::TimeZone::Eu { standard_offset_min: 60 };
    let discovered_ms = 1_795_939_200_000; // 2026-11-23T09:00:00+01:00
    assessment_wasm::plan(
        c,
        &assessment_wasm::PlanInput { answers, discovered_ms, now_ms: discovered_ms + 3_600_000, tz },
    )
}

/// "yes" or "no" for a verdict of a plan.
pub fn decision(p: &assessment_wasm::Plan, verdict: &str) -> &'static str {
    match p.verdicts.iter().find(|v| v.id == verdict).unwrap_or_else(|| panic!("no verdict {verdict}")).decision {
        assessment_wasm::plan::Decision::Yes => "yes",
        assessment_wasm::plan::Decision::No => "no",
    }
}

/// The `answers:` of a YAML file (a scenario or an EDPB case) as JSON.
pub fn answers_of(path: &Path) -> serde_json::Value {
    let doc: serde_yaml::Value = serde_yaml::from_str(&fs::read_to_string(path).unwrap()).unwrap();
    serde_json::to_value(&doc["answers"]).unwrap()
}
