//! Replays, without cargo-fuzz and on stable Rust, every input a fuzz
//! target (fuzz/) once broke, kept in `tests/fuzz-regressions/<target>/`,
//! and the seed corpora in `fuzz/seeds/<target>/`, through the very checks
//! the targets run (`fuzz/src/checks.rs`).

#[path = "../fuzz/src/checks.rs"]
mod checks;

use std::path::Path;

/// Runs `check` on every file in the target's regression and seed folders;
/// returns how many there were.
fn replay(target: &str, check: fn(&[u8])) -> usize {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut n = 0;
    for dir in [root.join("tests/fuzz-regressions").join(target), root.join("fuzz/seeds").join(target)] {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        let mut paths: Vec<_> = entries.map(|e| e.unwrap().path()).collect();
        paths.sort();
        for path in paths {
            let data = std::fs::read(&path).unwrap();
            // The file name in the panic message says which input broke.
            let result = std::panic::catch_unwind(|| check(&data));
            assert!(result.is_ok(), "{} fails again", path.display());
            n += 1;
        }
    }
    n
}

#[test]
fn expression_inputs_hold() {
    assert!(replay("expr_parse", checks::check_expr) > 10);
}

#[test]
fn answer_inputs_hold() {
    assert!(replay("engine_plan", checks::check_plan) > 10);
}

#[test]
fn handbook_inputs_hold() {
    assert!(replay("load_handbook", checks::check_handbook) > 10);
}

#[test]
fn handbook_input_lays_files_over_the_test_handbook() {
    let base = checks::handbook_tree(b"");
    assert!(base.get("handbook.yaml").is_some() && base.get("playbooks/lost.yaml").is_some());
    assert!(base.get("playbooks/extra.yaml").is_none());

    let tree = checks::handbook_tree(b"\0\x01\0\0\0\0\0\0\0\0\0\0\0\0id: x\0@pages/Odd name.md\nhello\0@../up\nno");
    assert!(tree.get("playbooks/lost.yaml").is_none(), "\\x01 removes the second file");
    assert_eq!(tree.get("playbooks/extra.yaml").unwrap().bytes, b"id: x");
    assert_eq!(tree.get("pages/Odd name.md").unwrap().bytes, b"hello");
    assert!(tree.files.keys().all(|p| !p.contains("..")), "no path leaves the root");
    assert_eq!(tree.get("handbook.yaml").unwrap().bytes, base.get("handbook.yaml").unwrap().bytes);
}

#[test]
fn markdown_inputs_hold() {
    assert!(replay("markdown_links", checks::check_markdown) > 10);
}

#[test]
fn single_file_inputs_hold() {
    assert!(replay("single_file", checks::check_single) >= 5);
}

#[test]
fn yaml_file_inputs_hold() {
    assert!(replay("yaml_file", checks::check_yaml) > 10);
}

#[test]
fn answers_file_inputs_hold() {
    assert!(replay("answers_file", checks::check_answers) > 10);
}
