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

/// The repository's `content/` folder: the default handbook.
fn content_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../content")
}

fn yaml_file(path: &std::path::Path) -> serde_yaml::Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The files in `dir` whose names end in `suffix`, in name order.
fn files(dir: &str, suffix: &str) -> Vec<std::path::PathBuf> {
    let mut out: Vec<_> = std::fs::read_dir(content_dir().join(dir))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(suffix))
        .collect();
    out.sort();
    out
}

/// The handbook's languages, its default language first.
pub fn content_languages() -> Vec<String> {
    let hb = yaml_file(&content_dir().join("handbook.yaml"));
    let default = hb["default_language"].as_str().unwrap().to_string();
    let mut langs: Vec<String> =
        hb["languages"].as_sequence().unwrap().iter().map(|l| l.as_str().unwrap().to_string()).collect();
    langs.retain(|l| *l != default);
    langs.insert(0, default);
    langs
}

/// The handbook's assessments (`content/assessments/*.yaml`), as the builder reads them.
pub fn content_assessments() -> Vec<AssessmentDef> {
    files("assessments", ".yaml")
        .iter()
        .map(|p| serde_yaml::from_value(yaml_file(p)).unwrap_or_else(|e| panic!("{}: {e}", p.display())))
        .collect()
}

/// The handbook's steps, contacts and phases with texts in `lang`, made the
/// way the builder makes them (step texts keep their Markdown here: the
/// builder's plain-text rendering is not in this crate, and any text will do
/// for what the tests check).
pub fn content_context(lang: &str) -> Context {
    use crate::definition::{ContactInfo, PhaseInfo, SourceInfo, StepInfo};
    use crate::text::Text;
    let default = content_languages().remove(0);
    let text = |v: &serde_yaml::Value| -> String {
        let t: Text = serde_yaml::from_value(v.clone()).expect("a text");
        t.get(lang, &default).to_string()
    };
    let opt_text = |v: &serde_yaml::Value| (!v.is_null()).then(|| text(v));
    let opt_str = |v: &serde_yaml::Value| v.as_str().map(str::to_string);
    let string = |v: &serde_yaml::Value| v.as_str().unwrap_or_else(|| panic!("not a string: {v:?}")).to_string();

    let sources = yaml_file(&content_dir().join("sources/sources.yaml"));
    let source = |id: &serde_yaml::Value| {
        let s = sources["sources"].as_sequence().unwrap().iter().find(|s| s["id"] == *id).expect("a known source");
        SourceInfo { id: string(&s["id"]), title: text(&s["title"]), url: string(&s["url"]) }
    };
    let mut steps = Vec::new();
    for p in files("playbooks", ".yaml") {
        let pb = yaml_file(&p);
        // A `ref:` entry reuses a step of another playbook, listed there.
        for s in pb["steps"].as_sequence().unwrap().iter().filter(|s| s["ref"].is_null()) {
            steps.push(StepInfo {
                id: string(&s["id"]),
                playbook: string(&pb["id"]),
                title: text(&s["title"]),
                text: opt_text(&s["text"]).unwrap_or_default(),
                phase: string(&s["phase"]),
                track: serde_yaml::from_value(s["track"].clone()).unwrap(),
                owner: string(&s["owner"]),
                due: string(&s["due"]),
                party: opt_str(&s["party"]),
                when: opt_str(&s["when"]),
                serves: opt_str(&s["serves"]),
                url: format!("../playbooks/{}.html#step-{}", string(&pb["id"]), string(&s["id"])),
                sources: s["sources"].as_sequence().map(|ids| ids.iter().map(source).collect()).unwrap_or_default(),
            });
        }
    }
    let contacts = yaml_file(&content_dir().join("contacts.yaml"));
    let contacts = contacts["contacts"]
        .as_mapping()
        .unwrap()
        .iter()
        .map(|(role, c)| ContactInfo {
            role: string(role),
            name: text(&c["name"]),
            title: opt_text(&c["title"]),
            phone: opt_str(&c["phone"]),
            email: opt_str(&c["email"]),
            url: opt_str(&c["url"]),
            form_url: opt_str(&c["form_url"]),
            hours: opt_text(&c["hours"]),
            window: opt_str(&c["window"]),
        })
        .collect();
    let phases = files("phases", &format!(".{lang}.md"))
        .iter()
        .map(|p| {
            let md = std::fs::read_to_string(p).unwrap();
            let front = md.strip_prefix("---\n").and_then(|rest| rest.split("\n---\n").next()).expect("front matter");
            let f: serde_yaml::Value = serde_yaml::from_str(front).unwrap();
            PhaseInfo {
                id: string(&f["id"]),
                title: string(&f["title"]),
                order: f["order"].as_i64().unwrap(),
                url: format!("../phases/{}.html", string(&f["id"])),
            }
        })
        .collect();
    Context { lang: lang.to_string(), default_lang: default, steps, contacts, phases }
}

/// What `serde_json::to_string` writes for `v`, with U+2028 and U+2029
/// escaped as `\u2028` and `\u2029`: the engine's writers escape those two
/// (raw, they end a string literal in older JavaScript) where serde leaves
/// them raw, and agree with it byte for byte otherwise.
pub fn serde_json_escaped<T: serde::Serialize + ?Sized>(v: &T) -> String {
    serde_json::to_string(v).unwrap().replace('\u{2028}', "\\u2028").replace('\u{2029}', "\\u2029")
}
