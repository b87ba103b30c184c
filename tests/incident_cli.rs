//! Incident files on the command line: `irbook schema incident`, `irbook
//! plan` with an incident file, and `irbook register` merging a folder of
//! them (a broken one named, the others still merged, exit 1). The sample
//! files in tests/fixtures/incidents/ were saved by the triage page.

mod common;
use common::*;
use std::fs;
use std::path::PathBuf;

fn samples() -> PathBuf {
    repo().join("tests/fixtures/incidents")
}

fn sample(name: &str) -> serde_json::Value {
    serde_json::from_str(&fs::read_to_string(samples().join(name)).unwrap()).unwrap()
}

#[test]
fn schema_incident_describes_the_sample_files() {
    let tmp = tempfile::tempdir().unwrap();
    let o = run(&["schema", "incident"], tmp.path());
    assert!(o.status.success(), "{}", stderr(&o));
    let schema: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(schema["title"], "irbook incident file");
    assert_eq!(schema["properties"]["format"]["const"], "irbook-incident");
    // Every key of every sample (top level and incident) is in the schema, and
    // every required key is in every sample.
    for name in ["misdirected-mail.json", "ransomware.json", "lost-laptop.json"] {
        let f = sample(name);
        for (obj, props) in [(&f, &schema["properties"]), (&f["incident"], &schema["$defs"]["Incident"]["properties"])]
        {
            for key in obj.as_object().unwrap().keys() {
                assert!(props.get(key).is_some(), "{name}: the schema lacks `{key}`");
            }
        }
        for key in schema["required"].as_array().unwrap() {
            assert!(f.get(key.as_str().unwrap()).is_some(), "{name}: lacks required `{key}`");
        }
    }
    // `--out` writes it beside the content schemas.
    let o = run(&["schema", "--out", "schemas"], tmp.path());
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(tmp.path().join("schemas/incident.schema.json").is_file());
    assert!(!stdout(&o).contains("incident.schema.json"), "not offered to the YAML extension: {}", stdout(&o));
}

#[test]
fn plan_takes_an_incident_file_with_its_discovery_and_follow_ups() {
    let tmp = tempfile::tempdir().unwrap();
    let file = samples().join("ransomware.json");
    let o = plan_triage(&file, &["--now", "2026-12-03T12:00:00Z", "--lang", "en"], tmp.path());
    assert!(o.status.success(), "{}", stderr(&o));
    let plan: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let f = sample("ransomware.json");
    let discovered = f["incident"]["discovered_at"].as_str().unwrap();
    let ms = assessment_wasm::time::parse_rfc3339(discovered).unwrap();
    assert_eq!(plan["discovered_ms"], ms, "the deadlines count from the file's moment of discovery");
    // The NIS2 final report is due a calendar month after the incident notification.
    let ups = plan["follow_ups"].as_array().unwrap();
    let final_report = ups.iter().find(|u| u["follow_up"] == "csirt-final-report-due").expect("final report");
    assert_eq!(final_report["reference"], "CCB-2026-0042");
    let sent = f["incident"]["notifications"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["stage"] == "csirt-incident-notification")
        .unwrap()["sent_at"]
        .as_str()
        .unwrap()
        .to_string();
    let sent_ms = assessment_wasm::time::parse_rfc3339(&sent).unwrap();
    let tz = assessment_wasm::time::TimeZone::Eu { standard_offset_min: 60 };
    assert_eq!(final_report["due_ms"], assessment_wasm::time::Period::Months(1).after(sent_ms, &tz));
    // Only the incident notification starts it, not the early warning.
    assert_eq!(ups.iter().filter(|u| u["follow_up"] == "csirt-final-report-due").count(), 1);
    // The authority's and the insurer's follow-ups have no fixed deadline.
    for id in ["authority-complete", "insurer-follow-up"] {
        let u = ups.iter().find(|u| u["follow_up"] == id).unwrap_or_else(|| panic!("{id}"));
        assert!(u["due"].is_null(), "{id}");
    }
}

#[test]
fn plan_refuses_an_incident_file_of_another_handbook_or_a_newer_version() {
    let tmp = tempfile::tempdir().unwrap();
    let mut f = sample("misdirected-mail.json");
    f["handbook"] = "acme-handbook".into();
    let other = tmp.path().join("other.json");
    fs::write(&other, f.to_string()).unwrap();
    let o = plan_triage(&other, &[], tmp.path());
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("belongs to the handbook `acme-handbook`, not `irbook-default`"), "{}", stderr(&o));
    assert!(stdout(&o).is_empty());

    let mut f = sample("misdirected-mail.json");
    f["version"] = 7.into();
    let newer = tmp.path().join("newer.json");
    fs::write(&newer, f.to_string()).unwrap();
    let o = plan_triage(&newer, &[], tmp.path());
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("format version 7, made by a newer irbook"), "{}", stderr(&o));
}

#[test]
fn register_merges_a_folder_and_names_the_broken_file() {
    let tmp = tempfile::tempdir().unwrap();
    let folder = tmp.path().join("case-files");
    fs::create_dir(&folder).unwrap();
    for name in ["misdirected-mail.json", "ransomware.json", "lost-laptop.json"] {
        fs::copy(samples().join(name), folder.join(name)).unwrap();
    }
    fs::write(folder.join("broken.json"), "{\"format\": \"irbook-incident\", \"version\": 1, \"incident\": ").unwrap();
    fs::write(folder.join("notes.txt"), "not an incident").unwrap();

    let o = run(&["register", "case-files", "-o", "register.csv"], tmp.path());
    assert_eq!(o.status.code(), Some(1), "a broken file makes the exit code 1");
    let err = stderr(&o);
    assert!(err.contains("broken.json") && err.contains("not valid JSON"), "{err}");
    assert!(err.contains("Wrote the register of 3 incidents"), "{err}");
    let csv = fs::read_to_string(tmp.path().join("register.csv")).unwrap();
    let rows: Vec<&str> = csv.split("\r\n").filter(|r| r.starts_with("inc-")).collect();
    assert_eq!(rows.len(), 3, "{csv}");
    assert!(csv.starts_with("id,name,discovered,state,description,data,consequences,measures,steps,decisions,not_notified,notifications\r\n"));
    for needle in ["M-2026-000123", "DBN-2026-1187", "CCB-2026-0042", "Encrypted laptop lost on the train"] {
        assert!(csv.contains(needle), "{needle} in the register");
    }
    // The laptop was not notified, and the register says why.
    let laptop = rows.iter().find(|r| r.contains("Encrypted laptop")).unwrap();
    assert!(laptop.contains("unintelligible"), "{laptop}");

    // Without the broken file: exit 0; HTML and Markdown hold the same entries.
    fs::remove_file(folder.join("broken.json")).unwrap();
    let o = run(&["register", "case-files", "-o", "register.html"], tmp.path());
    assert!(o.status.success(), "{}", stderr(&o));
    let html = fs::read_to_string(tmp.path().join("register.html")).unwrap();
    assert_eq!(html.matches("<article class=\"entry\"").count(), 3);
    assert!(!html.contains("<script"), "the register page has no script");
    let o = run(&["register", "case-files"], tmp.path());
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o).matches("## Register entry: ").count(), 3);

    // Unknown output kinds are a usage error; nothing at all to merge is an error.
    let o = run(&["register", "case-files", "-o", "register.xlsx"], tmp.path());
    assert_eq!(o.status.code(), Some(2));
    assert!(!tmp.path().join("register.xlsx").exists());
}

#[test]
fn register_labels_follow_the_language_asked_for() {
    let tmp = tempfile::tempdir().unwrap();
    let file = samples().join("lost-laptop.json");
    let o = run(&["register", file.to_str().unwrap(), "--lang", "nl"], tmp.path());
    assert!(o.status.success(), "{}", stderr(&o));
    let md = stdout(&o);
    assert!(md.starts_with("# Datalekregister"), "{md}");
    assert!(md.contains("### Niet gemeld, en waarom"), "{md}");
}

#[test]
fn the_example_register_in_the_docs_is_what_irbook_writes() {
    let tmp = tempfile::tempdir().unwrap();
    let o = run(&["register", samples().to_str().unwrap()], tmp.path());
    assert!(o.status.success(), "{}", stderr(&o));
    let doc = fs::read_to_string(repo().join("docs/examples/register-three-incidents.md")).unwrap();
    assert_eq!(
        stdout(&o).trim_end(),
        doc.trim_end(),
        "regenerate with: irbook register tests/fixtures/incidents > docs/examples/register-three-incidents.md"
    );
}
