//! Plans and answer problems as JSON, written by hand: the one writer, used
//! by the WebAssembly engine and by `irbook plan` alike, so the wasm needs
//! no serde serialiser. It implements [`WriteJson`] for the plan types; the
//! trait, its impls for texts, numbers and lists and the object writer are
//! in `wire/write.rs`, shared with compiled questionnaires.
//!
//! Tests derive `Serialize` for the plan types and hold this writer to the
//! derived output on rich plans; a field added to a plan type must be added
//! here too, or that test fails.

use super::{
    ActionOut, AnswerError, AreaScore, Because, Decision, Feedback, Group, OpenQuestion, Plan, Score, TrackGroup,
    VerdictOut,
};
use crate::wire::write::{to_json, Obj, WriteJson};

impl Plan {
    /// The plan as compact JSON: what `serde_json::to_string` writes for
    /// it, except that U+2028 and U+2029 in texts are escaped.
    pub fn to_json(&self) -> String {
        to_json(self, 8192)
    }
}

/// Answer problems as a JSON array of `{"question","message"}`.
pub fn answer_errors_json(errors: &[AnswerError]) -> String {
    to_json(errors, 0)
}

impl WriteJson for Decision {
    fn write_json(&self, o: &mut String) {
        o.push_str(match self {
            Decision::Yes => "\"yes\"",
            Decision::No => "\"no\"",
        });
    }
}

// `None` is `null` (`or_null`) throughout: the plan types do not skip
// absent values.

impl WriteJson for Plan {
    fn write_json(&self, o: &mut String) {
        Obj::new(o)
            .field("assessment", &self.assessment)
            .field("kind", &self.kind)
            .field("lang", &self.lang)
            .field("title", &self.title)
            .field("discovered", &self.discovered)
            .field("discovered_ms", &self.discovered_ms)
            .field("now", &self.now)
            .field("now_ms", &self.now_ms)
            .field("verdicts", &self.verdicts)
            .field("actions", &self.actions)
            .field("groups", &self.groups)
            .field("open_questions", &self.open_questions)
            .field("visible_questions", &self.visible_questions)
            .or_null("score", &self.score)
            .field("feedback", &self.feedback)
            .end();
    }
}

impl WriteJson for Because {
    fn write_json(&self, o: &mut String) {
        Obj::new(o)
            .field("question", &self.question)
            .field("text", &self.text)
            .field("answer", &self.answer)
            .field("value", &self.value)
            .end();
    }
}

impl WriteJson for VerdictOut {
    fn write_json(&self, o: &mut String) {
        Obj::new(o)
            .field("id", &self.id)
            .field("title", &self.title)
            .field("decision", &self.decision)
            .field("pending", &self.pending)
            .field("pending_on", &self.pending_on)
            .or_null("explanation", &self.explanation)
            .field("reasons", &self.reasons)
            .field("because", &self.because)
            .or_null("due_offset", &self.due_offset)
            .or_null("due", &self.due)
            .or_null("due_ms", &self.due_ms)
            .or_null("contact", &self.contact)
            .end();
    }
}

impl WriteJson for ActionOut {
    fn write_json(&self, o: &mut String) {
        Obj::new(o)
            .field("id", &self.id)
            .field("title", &self.title)
            .field("text", &self.text)
            .or_null("playbook", &self.playbook)
            .field("phase", &self.phase)
            .field("phase_title", &self.phase_title)
            .field("phase_order", &self.phase_order)
            .field("track", &self.track)
            .field("owner", &self.owner)
            .or_null("party", &self.party)
            .or_null("serves", &self.serves)
            .field("due_offset", &self.due_offset)
            .field("due", &self.due)
            .field("due_ms", &self.due_ms)
            .field("remaining_ms", &self.remaining_ms)
            .field("overdue", &self.overdue)
            .field("pending", &self.pending)
            .field("pending_on", &self.pending_on)
            .field("reasons", &self.reasons)
            .field("because", &self.because)
            .or_null("url", &self.url)
            .field("sources", &self.sources)
            .end();
    }
}

impl WriteJson for Group {
    fn write_json(&self, o: &mut String) {
        Obj::new(o)
            .field("phase", &self.phase)
            .field("phase_title", &self.phase_title)
            .field("phase_order", &self.phase_order)
            .field("tracks", &self.tracks)
            .end();
    }
}

impl WriteJson for TrackGroup {
    fn write_json(&self, o: &mut String) {
        Obj::new(o).field("track", &self.track).field("actions", &self.actions).end();
    }
}

impl WriteJson for OpenQuestion {
    fn write_json(&self, o: &mut String) {
        Obj::new(o).field("id", &self.id).field("text", &self.text).field("state", &self.state).end();
    }
}

impl WriteJson for Score {
    fn write_json(&self, o: &mut String) {
        Obj::new(o)
            .field("total", &self.total)
            .field("max", &self.max)
            .field("percent", &self.percent)
            .field("areas", &self.areas)
            .end();
    }
}

impl WriteJson for AreaScore {
    fn write_json(&self, o: &mut String) {
        Obj::new(o)
            .field("id", &self.id)
            .field("title", &self.title)
            .field("score", &self.score)
            .field("max", &self.max)
            .field("percent", &self.percent)
            .end();
    }
}

impl WriteJson for Feedback {
    fn write_json(&self, o: &mut String) {
        Obj::new(o)
            .field("question", &self.question)
            .field("text", &self.text)
            .field("answer", &self.answer)
            .field("correct", &self.correct)
            .or_null("feedback", &self.feedback)
            .end();
    }
}

impl WriteJson for AnswerError {
    fn write_json(&self, o: &mut String) {
        Obj::new(o).field("question", &self.question).field("message", &self.message).end();
    }
}
