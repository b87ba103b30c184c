//! Plans and answer problems as JSON, written by hand: the one writer, used
//! by the WebAssembly engine and by `irbook plan` alike, so the wasm needs
//! no serde serialiser.
//!
//! Tests derive `Serialize` for the plan types and hold this writer to the
//! derived output on rich plans; a field added to a plan type must be added
//! here too, or that test fails.

use super::{
    ActionOut, AnswerError, AreaScore, Because, Decision, Feedback, Group, OpenQuestion, Plan, Score, TrackGroup,
    VerdictOut,
};
use crate::definition::{ContactInfo, Kind, SourceInfo, Track};
use crate::wire::json::{push_string, Value};
use crate::wire::numfmt::{push_i64, push_json_f64};

impl Plan {
    /// The plan as compact JSON: what `serde_json::to_string` writes for
    /// it, except that U+2028 and U+2029 in texts are escaped.
    pub fn to_json(&self) -> String {
        let mut out = String::with_capacity(8192);
        self.write_json(&mut out);
        out
    }
}

/// Answer problems as a JSON array of `{"question","message"}`.
pub fn answer_errors_json(errors: &[AnswerError]) -> String {
    let mut out = String::new();
    errors.write_json(&mut out);
    out
}

trait WriteJson {
    fn write_json(&self, o: &mut String);
}

/// Starts the member `key` of the object being written. Every value ends
/// in something other than `{`, so the comma goes in unless this is the
/// first member.
fn key(o: &mut String, key: &str) {
    if !o.ends_with('{') {
        o.push(',');
    }
    o.push('"');
    o.push_str(key);
    o.push_str("\":");
}

/// Writes `{…}` with the members `$key: $value` in order.
macro_rules! object {
    ($o:expr, $($key:literal => $value:expr),+ $(,)?) => {{
        let o: &mut String = $o;
        o.push('{');
        $( key(o, $key); $value.write_json(o); )+
        o.push('}');
    }};
}

impl WriteJson for str {
    fn write_json(&self, o: &mut String) {
        push_string(o, self);
    }
}

impl WriteJson for String {
    fn write_json(&self, o: &mut String) {
        push_string(o, self);
    }
}

impl WriteJson for bool {
    fn write_json(&self, o: &mut String) {
        o.push_str(if *self { "true" } else { "false" });
    }
}

impl WriteJson for i64 {
    fn write_json(&self, o: &mut String) {
        push_i64(o, *self);
    }
}

impl WriteJson for f64 {
    fn write_json(&self, o: &mut String) {
        push_json_f64(o, *self);
    }
}

impl WriteJson for Value {
    fn write_json(&self, o: &mut String) {
        self.write(o);
    }
}

impl WriteJson for Kind {
    fn write_json(&self, o: &mut String) {
        o.push('"');
        o.push_str(self.as_str());
        o.push('"');
    }
}

impl WriteJson for Track {
    fn write_json(&self, o: &mut String) {
        o.push('"');
        o.push_str(self.as_str());
        o.push('"');
    }
}

impl WriteJson for Decision {
    fn write_json(&self, o: &mut String) {
        o.push_str(match self {
            Decision::Yes => "\"yes\"",
            Decision::No => "\"no\"",
        });
    }
}

/// `None` is `null`: the plan types do not skip absent values.
impl<T: WriteJson> WriteJson for Option<T> {
    fn write_json(&self, o: &mut String) {
        match self {
            Some(v) => v.write_json(o),
            None => o.push_str("null"),
        }
    }
}

impl<T: WriteJson> WriteJson for [T] {
    fn write_json(&self, o: &mut String) {
        o.push('[');
        for (i, v) in self.iter().enumerate() {
            if i > 0 {
                o.push(',');
            }
            v.write_json(o);
        }
        o.push(']');
    }
}

impl<T: WriteJson> WriteJson for Vec<T> {
    fn write_json(&self, o: &mut String) {
        self.as_slice().write_json(o);
    }
}

impl WriteJson for Plan {
    fn write_json(&self, o: &mut String) {
        object!(o,
            "assessment" => self.assessment,
            "kind" => self.kind,
            "lang" => self.lang,
            "title" => self.title,
            "discovered" => self.discovered,
            "discovered_ms" => self.discovered_ms,
            "now" => self.now,
            "now_ms" => self.now_ms,
            "verdicts" => self.verdicts,
            "actions" => self.actions,
            "groups" => self.groups,
            "open_questions" => self.open_questions,
            "visible_questions" => self.visible_questions,
            "score" => self.score,
            "feedback" => self.feedback,
        );
    }
}

impl WriteJson for Because {
    fn write_json(&self, o: &mut String) {
        object!(o,
            "question" => self.question,
            "text" => self.text,
            "answer" => self.answer,
            "value" => self.value,
        );
    }
}

impl WriteJson for VerdictOut {
    fn write_json(&self, o: &mut String) {
        object!(o,
            "id" => self.id,
            "title" => self.title,
            "decision" => self.decision,
            "pending" => self.pending,
            "pending_on" => self.pending_on,
            "explanation" => self.explanation,
            "reasons" => self.reasons,
            "because" => self.because,
            "due_offset" => self.due_offset,
            "due" => self.due,
            "due_ms" => self.due_ms,
            "contact" => self.contact,
        );
    }
}

impl WriteJson for ActionOut {
    fn write_json(&self, o: &mut String) {
        object!(o,
            "id" => self.id,
            "title" => self.title,
            "text" => self.text,
            "playbook" => self.playbook,
            "phase" => self.phase,
            "phase_title" => self.phase_title,
            "phase_order" => self.phase_order,
            "track" => self.track,
            "owner" => self.owner,
            "party" => self.party,
            "serves" => self.serves,
            "due_offset" => self.due_offset,
            "due" => self.due,
            "due_ms" => self.due_ms,
            "remaining_ms" => self.remaining_ms,
            "overdue" => self.overdue,
            "pending" => self.pending,
            "pending_on" => self.pending_on,
            "reasons" => self.reasons,
            "because" => self.because,
            "url" => self.url,
            "sources" => self.sources,
        );
    }
}

/// Its optional members are left out when absent, as its
/// `skip_serializing_if` attributes have it.
impl WriteJson for ContactInfo {
    fn write_json(&self, o: &mut String) {
        o.push('{');
        key(o, "role");
        self.role.write_json(o);
        key(o, "name");
        self.name.write_json(o);
        for (k, v) in [
            ("title", &self.title),
            ("phone", &self.phone),
            ("email", &self.email),
            ("url", &self.url),
            ("form_url", &self.form_url),
            ("hours", &self.hours),
            ("window", &self.window),
        ] {
            if let Some(v) = v {
                key(o, k);
                v.write_json(o);
            }
        }
        o.push('}');
    }
}

impl WriteJson for SourceInfo {
    fn write_json(&self, o: &mut String) {
        object!(o, "id" => self.id, "title" => self.title, "url" => self.url);
    }
}

impl WriteJson for Group {
    fn write_json(&self, o: &mut String) {
        object!(o,
            "phase" => self.phase,
            "phase_title" => self.phase_title,
            "phase_order" => self.phase_order,
            "tracks" => self.tracks,
        );
    }
}

impl WriteJson for TrackGroup {
    fn write_json(&self, o: &mut String) {
        object!(o, "track" => self.track, "actions" => self.actions);
    }
}

impl WriteJson for OpenQuestion {
    fn write_json(&self, o: &mut String) {
        object!(o, "id" => self.id, "text" => self.text, "state" => self.state);
    }
}

impl WriteJson for Score {
    fn write_json(&self, o: &mut String) {
        object!(o,
            "total" => self.total,
            "max" => self.max,
            "percent" => self.percent,
            "areas" => self.areas,
        );
    }
}

impl WriteJson for AreaScore {
    fn write_json(&self, o: &mut String) {
        object!(o,
            "id" => self.id,
            "title" => self.title,
            "score" => self.score,
            "max" => self.max,
            "percent" => self.percent,
        );
    }
}

impl WriteJson for Feedback {
    fn write_json(&self, o: &mut String) {
        object!(o,
            "question" => self.question,
            "text" => self.text,
            "answer" => self.answer,
            "correct" => self.correct,
            "feedback" => self.feedback,
        );
    }
}

impl WriteJson for AnswerError {
    fn write_json(&self, o: &mut String) {
        object!(o, "question" => self.question, "message" => self.message);
    }
}
