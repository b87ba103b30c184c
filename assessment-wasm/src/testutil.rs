//! A realistic triage assessment and handbook context shared by the tests.

use crate::definition::{AssessmentDef, Context};
use serde_json::{json, Value};

/// The triage assessment as JSON, so tests can change one value and compile.
pub fn triage_json() -> Value {
    json!({
        "id": "triage",
        "title": {"nl": "Is er een datalek?", "en": "Is this a data breach?"},
        "questions": [
            {"id": "personal_data", "type": "yes_no_unknown",
             "text": {"nl": "Gaat het om persoonsgegevens?", "en": "Are personal data involved?"}},
            {"id": "subjects", "type": "number", "text": "How many people?", "min": 0,
             "unit": "people", "show_if": "personal_data = yes", "allow_unknown": true},
            {"id": "data_categories", "type": "multi", "text": "Which data?",
             "show_if": "personal_data = yes", "allow_unknown": true,
             "options": [
                {"value": "contact", "label": "Contact details"},
                {"value": "health", "label": "Health"},
                {"value": "financial", "label": "Financial"},
                {"value": "identity", "label": "Identity documents"}]},
            {"id": "encrypted", "type": "yes_no_unknown", "text": "Were the data encrypted?"},
            {"id": "cause", "type": "single", "text": "What happened?", "allow_unknown": true,
             "options": [
                {"value": "phishing", "label": "Phishing"},
                {"value": "ransomware", "label": "Ransomware"},
                {"value": "lost_device", "label": "Lost device"},
                {"value": "misdirected_email", "label": "E-mail to the wrong person"}]},
            {"id": "nis2", "type": "yes_no", "text": "Is the organisation a NIS2 entity?"},
            {"id": "found_at", "type": "datetime", "text": "When was it found?"},
            {"id": "notes", "type": "text", "text": "Notes"}
        ],
        "let": [
            {"id": "risk", "expr": "personal_data = yes and encrypted != yes"},
            {"id": "sensitive", "expr": "data_categories in [health, financial, identity]"}
        ],
        "verdicts": [
            {"id": "notify_authority", "title": "Report to the AP", "due": "72h", "contact": "ap",
             "yes": "Report within 72 hours.", "no": "No report needed; record the breach."},
            {"id": "notify_subjects", "title": "Tell the people concerned"},
            {"id": "notify_insurer", "title": "Tell the insurer", "due": "window", "contact": "insurer"},
            {"id": "report_to_police", "title": "Report to the police"}
        ],
        "rules": [
            {"id": "authority", "when": "risk", "reason": "Personal data at risk",
             "verdicts": ["notify_authority"], "actions": ["notify-ap", "log-incident"]},
            {"id": "subjects", "when": "risk and (sensitive or subjects >= 100)",
             "reason": "High risk to the people concerned",
             "verdicts": ["notify_subjects"], "actions": ["inform-subjects", "log-incident"]},
            {"id": "insurer", "when": "personal_data = yes or cause = ransomware",
             "reason": "The policy covers this", "verdicts": ["notify_insurer"],
             "actions": ["notify-insurer", "report-police"]},
            {"id": "ransomware", "when": "cause = ransomware", "reason": "Ransomware is a crime",
             "verdicts": ["report_to_police"], "actions": ["isolate-systems", "report-police"]},
            {"id": "lost", "when": "cause = lost_device",
             "actions": [{"id": "wipe-device", "title": "Wipe the device remotely",
                          "phase": "contain", "track": "technical", "owner": "it-lead", "due": "4h"}]}
        ]
    })
}

pub fn context_json() -> Value {
    let step = |id: &str, phase: &str, track: &str, owner: &str, due: &str| {
        json!({"id": id, "playbook": "data-breach", "title": format!("Title of {id}"),
               "text": format!("Text of {id}"), "phase": phase, "track": track,
               "owner": owner, "due": due, "when": null,
               "url": format!("../playbooks/data-breach.html#{id}"),
               "sources": [{"id": "ap-meldplicht", "title": "AP", "url": "https://example.org/ap"}]})
    };
    let mut notify_ap = step("notify-ap", "notify", "admin", "privacy-officer", "72h");
    notify_ap["party"] = json!("ap");
    let mut insurer = step("notify-insurer", "notify", "admin", "incident-lead", "window");
    insurer["party"] = json!("insurer");
    let mut isolate = step("isolate-systems", "first-response", "technical", "it-lead", "1h");
    isolate["when"] = json!("cause = ransomware");
    isolate["playbook"] = json!("ransomware");
    let mut police = step("report-police", "notify", "admin", "incident-lead", "24h");
    police["when"] = json!("nis2 = yes or cause = ransomware");
    json!({
        "lang": "en",
        "default_lang": "nl",
        "steps": [
            notify_ap,
            step("log-incident", "first-response", "admin", "incident-lead", "asap"),
            step("inform-subjects", "notify", "admin", "privacy-officer", "3d"),
            insurer,
            isolate,
            police,
            step("unused-step", "notify", "admin", "incident-lead", "1h")
        ],
        "contacts": [
            {"role": "incident-lead", "name": "Jan Jansen", "phone": "+31 6 12345678"},
            {"role": "privacy-officer", "name": "Petra de Vries"},
            {"role": "it-lead", "name": "Ali Bakker"},
            {"role": "ap", "name": "Autoriteit Persoonsgegevens", "form_url": "https://example.org/meld"},
            {"role": "insurer", "name": "Verzekeraar NV", "window": "24h"},
            {"role": "police", "name": "Politie"}
        ],
        "phases": [
            {"id": "first-response", "title": "First hour", "order": 1, "url": "../phases/01.html"},
            {"id": "contain", "title": "Contain", "order": 2, "url": "../phases/02.html"},
            {"id": "notify", "title": "Notify", "order": 3, "url": "../phases/03.html"}
        ]
    })
}

pub fn def_from(v: Value) -> AssessmentDef {
    serde_json::from_value(v).expect("fixture is a valid definition")
}

pub fn ctx_from(v: Value) -> Context {
    serde_json::from_value(v).expect("fixture is a valid context")
}
