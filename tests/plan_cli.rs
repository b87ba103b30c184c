//! `irbook plan`: the engine on the command line, checked against the EDPB's
//! own verdicts (Guidelines 01/2021) and against bad answers files.

mod common;
use common::*;
use std::fs;
use std::path::PathBuf;

const DISCOVERED: &str = "2026-11-23T09:30:00+01:00";
const NOW: &str = "2026-11-23T10:00:00+01:00";

/// The cases kept in the repository, plus any newer ones in ../shared beside it.
fn edpb_cases() -> Vec<PathBuf> {
    let mut by_name = std::collections::BTreeMap::new();
    for dir in [repo().join("tests/fixtures/edpb-cases"), repo().join("../shared/edpb-cases")] {
        let Ok(entries) = fs::read_dir(&dir) else { continue };
        for e in entries {
            let p = e.unwrap().path();
            let name = p.file_name().unwrap().to_string_lossy().to_string();
            if name.starts_with("case-") && name.ends_with(".yaml") {
                by_name.insert(name, p);
            }
        }
    }
    by_name.into_values().collect()
}

fn plan(answers: &std::path::Path) -> serde_json::Value {
    let tmp = tempfile::tempdir().unwrap();
    let o = plan_triage(answers, &["--discovered", DISCOVERED, "--now", NOW], tmp.path());
    assert!(o.status.success(), "{}: {}", answers.display(), stderr(&o));
    serde_json::from_str(&stdout(&o)).expect("plan is JSON")
}

fn decision(plan: &serde_json::Value, id: &str) -> String {
    plan["verdicts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["id"] == id)
        .map(|v| v["decision"].as_str().unwrap().to_string())
        .unwrap_or_else(|| panic!("no verdict {id}"))
}

#[test]
fn triage_agrees_with_every_edpb_case() {
    let cases = edpb_cases();
    assert!(cases.len() >= 9, "found {} cases", cases.len());
    let mut wrong = Vec::new();
    for case in &cases {
        let text = fs::read_to_string(case).unwrap();
        let doc: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
        let p = plan(case);
        for verdict in ["notify_authority", "notify_data_subjects"] {
            let expected = match &doc["expected"][verdict] {
                serde_yaml::Value::Bool(b) => if *b { "yes" } else { "no" }.to_string(),
                serde_yaml::Value::String(s) => s.clone(),
                other => panic!("{}: unexpected {other:?}", case.display()),
            };
            let got = decision(&p, verdict);
            if got != expected {
                wrong.push(format!(
                    "{}: {verdict} is {got}, the EDPB says {expected}",
                    case.file_name().unwrap().to_string_lossy()
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn plan_json_has_verdicts_and_actions_with_absolute_deadlines() {
    let case = repo().join("tests/fixtures/edpb-cases/case-04.yaml");
    let p = plan(&case);
    let v = p["verdicts"].as_array().unwrap();
    assert!(v
        .iter()
        .all(|v| v["id"].is_string() && (v["decision"] == "yes" || v["decision"] == "no") && v["reasons"].is_array()));
    let actions = p["actions"].as_array().unwrap();
    assert!(!actions.is_empty());
    // Deadlines are absolute times, in order, and 72 h after discovery for the authority.
    let dues: Vec<i64> = actions.iter().map(|a| a["due_ms"].as_i64().unwrap()).collect();
    assert!(dues.windows(2).all(|w| w[0] <= w[1]), "actions are ordered by deadline");
    let ap = actions
        .iter()
        .find(|a| a["id"] == "notify-ap")
        .expect("notify-ap is in the plan for a Dutch organisation or pending jurisdiction");
    assert_eq!(ap["due"], "2026-11-26T09:30:00+01:00");
    // Step texts reach the plan as plain text: the playbooks write them in
    // Markdown with links such as [GDPR art. 33](source:gdpr-art33).
    let texts: Vec<&str> = actions.iter().filter_map(|a| a["text"].as_str()).collect();
    assert!(texts.iter().any(|t| !t.is_empty()));
    for t in texts {
        assert!(!t.contains("](") && !t.contains("**") && !t.contains("source:"), "markup in an action text: {t}");
    }
}

#[test]
fn bad_answers_files_get_clear_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("answers.yaml");
    fs::write(&file, "subjetcs: 10\naffected: [confidentiality, leaked]\nsubjects: many\npersonal_data: maybe\n")
        .unwrap();
    let o = plan_triage(&file, &[], tmp.path());
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("subjetcs") && err.contains("did you mean `subjects`?"), "{err}");
    assert!(err.contains("leaked"), "{err}");
    assert!(err.contains("subjects:") && err.contains("many"), "{err}");
    assert!(err.contains("personal_data:") && err.contains("maybe"), "{err}");

    let content = repo().join("content");
    let o = run(
        &["plan", "--assessment", "triag", "--answers", file.to_str().unwrap(), content.to_str().unwrap()],
        tmp.path(),
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("did you mean `triage`?"), "{}", stderr(&o));

    fs::write(&file, "personal_data: [unclosed\n").unwrap();
    let o = plan_triage(&file, &[], tmp.path());
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("not valid YAML or JSON"), "{}", stderr(&o));
}

#[test]
fn unknown_answers_keep_the_cautious_side() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("answers.json");
    fs::write(&file, r#"{"answers": {"personal_data": "unknown"}}"#).unwrap();
    let p = plan(&file);
    let ap = p["verdicts"].as_array().unwrap().iter().find(|v| v["id"] == "notify_authority").unwrap().clone();
    assert_eq!(ap["decision"], "yes");
    assert_eq!(ap["pending"], true);
    assert!(ap["pending_on"].as_array().unwrap().iter().any(|q| q == "personal_data"));
    assert!(p["open_questions"]
        .as_array()
        .unwrap()
        .iter()
        .any(|q| q["id"] == "personal_data" && q["state"] == "unknown"));
}
