//! The incident record's content for the triage page: notification stages,
//! the follow-ups a notification brings, and the drafts of the official forms,
//! in the page's language (from `records/`, see docs/INCIDENT-FILE.md).

use super::views::text;
use crate::model::Handbook;

/// The incident record's content for the page, in `lang`: notification
/// stages and follow-ups with their sources.
pub(super) fn record_json(hb: &Handbook, lang: &str) -> String {
    let d = hb.config.default_language.as_str();
    let stages: Vec<serde_json::Value> = hb
        .records
        .stages
        .iter()
        .map(|s| serde_json::json!({"id": s.id, "verdict": s.verdict, "title": text(&s.title, lang, d)}))
        .collect();
    let follow_ups: Vec<serde_json::Value> = hb
        .records
        .follow_ups
        .iter()
        .map(|f| {
            let sources = source_links(hb, &f.sources, lang);
            serde_json::json!({
                "id": f.id, "after": f.after, "stage": f.stage, "due": f.due,
                "title": text(&f.title, lang, d), "text": text(&f.text, lang, d), "sources": sources,
            })
        })
        .collect();
    let forms: Vec<serde_json::Value> = hb.records.forms.iter().map(|f| form_json(hb, f, lang)).collect();
    serde_json::json!({"stages": stages, "follow_ups": follow_ups, "forms": forms}).to_string()
}

/// A form draft for the page, in `lang`; contacts are filled in here.
fn form_json(hb: &Handbook, f: &crate::records::FormDef, lang: &str) -> serde_json::Value {
    use crate::records::PartRef;
    let d = hb.config.default_language.as_str();
    let part = |p: &crate::records::Part| match p.get() {
        None => serde_json::Value::Null,
        Some(PartRef::Register(k)) => serde_json::json!({"register": k}),
        Some(PartRef::Answer(q)) => serde_json::json!({"answer": q}),
        Some(PartRef::Incident(k)) => serde_json::json!({"incident": k}),
        Some(PartRef::Verdict(v)) => serde_json::json!({"verdict": v}),
        Some(PartRef::Text(t)) => serde_json::json!({"text": text(t, lang, d)}),
        Some(PartRef::Ask(t)) => serde_json::json!({"ask": text(t, lang, d)}),
        Some(PartRef::Contact(role)) => {
            let line = hb
                .contact(role)
                .map(|c| {
                    let mut bits = vec![text(&c.name, lang, d)];
                    if let Some(t) = &c.title {
                        bits[0] = format!("{} ({})", bits[0], text(t, lang, d));
                    }
                    bits.extend(c.phone.clone());
                    bits.extend(c.email.clone());
                    bits.join(", ")
                })
                .unwrap_or_default();
            serde_json::json!({"text": line})
        }
    };
    let sections: Vec<serde_json::Value> = f
        .sections
        .iter()
        .map(|s| {
            let fields: Vec<serde_json::Value> = s
                .fields
                .iter()
                .map(|fi| {
                    serde_json::json!({
                        "label": fi.label.as_ref().map(|l| text(l, lang, d)),
                        "fill": fi.fill.iter().map(part).collect::<Vec<_>>(),
                    })
                })
                .collect();
            serde_json::json!({"title": text(&s.title, lang, d), "fields": fields})
        })
        .collect();
    let sources = source_links(hb, &f.sources, lang);
    serde_json::json!({
        "id": f.id, "for": f.for_verdict, "when": f.when, "kind": f.kind,
        "title": text(&f.title, lang, d), "intro": text(&f.intro, lang, d),
        "sources": sources, "sections": sections,
    })
}

/// Cited sources as `{title, url}`, in `lang`.
fn source_links(hb: &Handbook, ids: &[String], lang: &str) -> Vec<serde_json::Value> {
    let d = hb.config.default_language.as_str();
    ids.iter()
        .filter_map(|id| hb.source(id))
        .map(|src| serde_json::json!({"title": text(&src.title, lang, d), "url": src.url}))
        .collect()
}
