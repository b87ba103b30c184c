//! The bad-input corpus: each folder in tests/bad-input/ holds files laid over
//! the `minimal` fixture (and optionally `remove.txt`, files to delete) plus
//! `expected.txt`, the exact problem lines irbook must print. Every case must
//! exit 1 and leave the previous output exactly as it was.
//!
//! To record expected output for a new case: `IRBOOK_BLESS=1 cargo test --test bad_input`,
//! then read the new expected.txt and make sure it says what a user needs.

mod common;
use common::*;
use std::fs;
use std::path::Path;

fn overlay(case: &Path, content: &Path) {
    for e in walk(case) {
        let rel = e.strip_prefix(case).unwrap();
        let name = rel.to_string_lossy();
        if name == "expected.txt" || name == "remove.txt" {
            continue;
        }
        let target = content.join(rel);
        fs::create_dir_all(target.parent().unwrap()).unwrap();
        fs::copy(&e, &target).unwrap();
    }
    if let Ok(list) = fs::read_to_string(case.join("remove.txt")) {
        for line in list.lines().filter(|l| !l.trim().is_empty()) {
            fs::remove_file(content.join(line.trim())).unwrap();
        }
    }
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out.sort();
    out
}

#[test]
fn every_bad_input_case_fails_cleanly_and_keeps_the_previous_site() {
    let corpus = repo().join("tests/bad-input");
    let mut cases: Vec<_> = fs::read_dir(&corpus).unwrap().map(|e| e.unwrap().path()).filter(|p| p.is_dir()).collect();
    cases.sort();
    assert!(cases.len() >= 40, "the corpus has {} cases", cases.len());
    let bless = std::env::var_os("IRBOOK_BLESS").is_some();

    // One good build, copied as "the previous output" for every case.
    let base = tempfile::tempdir().unwrap();
    let good = base.path().join("good");
    let o = run(&["build", fixture("minimal").to_str().unwrap(), "-o", good.to_str().unwrap(), "--quiet"], base.path());
    assert!(o.status.success(), "{}", stderr(&o));
    let before = snapshot(&good);

    let mut failures = Vec::new();
    for case in &cases {
        let name = case.file_name().unwrap().to_string_lossy().to_string();
        let tmp = tempfile::tempdir().unwrap();
        let content = tmp.path().join("content");
        copy_dir(&fixture("minimal"), &content);
        overlay(case, &content);
        let out = tmp.path().join("public");
        copy_dir(&good, &out);
        let o = run(&["build", "content", "-o", "public"], tmp.path());
        let err = stderr(&o);
        if o.status.code() != Some(1) {
            failures.push(format!("{name}: exit code {:?}, expected 1\n{err}", o.status.code()));
            continue;
        }
        if snapshot(&out) != before {
            failures.push(format!("{name}: the previous output changed"));
        }
        // Errors and their hints; warnings of the base fixture are not part of a case.
        let mut problems: Vec<&str> = Vec::new();
        let mut in_error = false;
        for l in err.lines() {
            if l.starts_with("error:") {
                in_error = true;
            } else if !l.starts_with("  ") {
                in_error = false;
            }
            if in_error {
                problems.push(l);
            }
        }
        let expected_file = case.join("expected.txt");
        if bless {
            fs::write(&expected_file, problems.join("\n") + "\n").unwrap();
            continue;
        }
        let Ok(expected) = fs::read_to_string(&expected_file) else {
            failures.push(format!("{name}: no expected.txt; irbook printed:\n{err}"));
            continue;
        };
        for line in expected.lines().filter(|l| !l.is_empty()) {
            if !err.lines().any(|l| l == line) {
                failures.push(format!("{name}: missing line\n  {line}\nin:\n{err}"));
            }
        }
        assert!(err.contains("Build failed:"), "{name}: a summary line closes the report");
        assert!(err.contains("the previous site in public is unchanged"), "{name}: says the old site is kept");
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
