//! `irbook schema`: one kind to stdout, all kinds into a folder, unknown kinds.
//! The default content is validated against these schemas by
//! tests/browser/schema.test.js (with Ajv).

mod common;
use common::*;

#[test]
fn prints_one_kind_as_json_schema() {
    let dir = tempfile::tempdir().unwrap();
    let o = run(&["schema", "playbook"], dir.path());
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["title"], "irbook playbooks/*.yaml");
    assert_eq!(v["additionalProperties"], false, "unknown keys are mistakes");
    assert!(v["required"].as_array().unwrap().iter().any(|r| r == "steps"));
    let step = &v["$defs"]["StepDef"];
    for key in ["id", "phase", "track", "owner", "due", "when", "title", "sources"] {
        assert!(step["properties"].get(key).is_some(), "step key {key}");
    }
}

#[test]
fn writes_every_kind_and_rejects_unknown_ones() {
    let dir = tempfile::tempdir().unwrap();
    let o = run(&["schema", "--out", "schemas"], dir.path());
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("\"yaml.schemas\""));
    let n = std::fs::read_dir(dir.path().join("schemas")).unwrap().count();
    assert_eq!(n, 12, "every content kind, the follow-ups and forms of the incident record, and the incident file");
    let a: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("schemas/assessment.schema.json")).unwrap())
            .unwrap();
    assert!(a["properties"].get("questions").is_some() && a["properties"].get("let").is_some());
    let o = run(&["schema", "playbok"], dir.path());
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("did you mean `playbook`?"), "{}", stderr(&o));
}
