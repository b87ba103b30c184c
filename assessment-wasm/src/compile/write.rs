//! Compiled questionnaires as JSON, written by hand: the one writer of a
//! [`Compiled`] and every type inside it, used by the builder for each
//! questionnaire's script (the wasm engine reads compiled questionnaires
//! but never writes them, so this is native only). It implements
//! [`WriteJson`] for the compiled types; the trait, its impls for texts,
//! numbers, lists and the shared definition types, and the object writer
//! are in `wire/write.rs`, shared with plans.
//!
//! The output is what the serde derive wrote before: members in
//! declaration order, `None` and empty lists left out where the types'
//! `skip_serializing_if` attributes said so, numbers as `serde_json` writes
//! them, strings escaped as `serde_json` escapes them plus U+2028 and
//! U+2029 (as in plans, safe inside the page's script). Tests derive
//! `Serialize` and hold this writer to the derived output; a field added to
//! a compiled type must be added here too, or those tests fail.

use super::{CAction, CArea, CLet, COption, CPreset, CPresetAnswer, CQuestion, CRule, CVariant, CVerdict, Compiled};
use crate::definition::{PhaseInfo, PresetValue, QuestionType};
use crate::language::eval::{ArithOp, CmpOp, Node};
use crate::time::Due;
use crate::wire::write::{to_json, Obj, WriteJson};

impl Compiled {
    /// The JSON the builder writes into the page, and that
    /// [`Compiled::from_json`] reads back.
    pub fn to_json(&self) -> String {
        to_json(self, 16 * 1024)
    }
}

impl WriteJson for QuestionType {
    fn write_json(&self, o: &mut String) {
        self.as_str().write_json(o);
    }
}

/// Its `Display` form, as its `Serialize` impl writes it.
impl WriteJson for Due {
    fn write_json(&self, o: &mut String) {
        self.to_string().write_json(o);
    }
}

/// Untagged: the value alone.
impl WriteJson for PresetValue {
    fn write_json(&self, o: &mut String) {
        match self {
            PresetValue::Text(s) => s.write_json(o),
            PresetValue::List(items) => items.write_json(o),
            PresetValue::Number(x) => x.write_json(o),
        }
    }
}

impl WriteJson for ArithOp {
    fn write_json(&self, o: &mut String) {
        o.push_str(match self {
            ArithOp::Add => "\"add\"",
            ArithOp::Sub => "\"sub\"",
            ArithOp::Mul => "\"mul\"",
            ArithOp::Div => "\"div\"",
        });
    }
}

impl WriteJson for CmpOp {
    fn write_json(&self, o: &mut String) {
        o.push_str(match self {
            CmpOp::Eq => "\"eq\"",
            CmpOp::Ne => "\"ne\"",
            CmpOp::Lt => "\"lt\"",
            CmpOp::Le => "\"le\"",
            CmpOp::Gt => "\"gt\"",
            CmpOp::Ge => "\"ge\"",
        });
    }
}

/// A tuple variant's fields, which serde writes as an array.
struct Tuple<'n>(&'n [&'n dyn WriteJson]);

impl WriteJson for Tuple<'_> {
    fn write_json(&self, o: &mut String) {
        self.0.write_json(o);
    }
}

/// Externally tagged, as serde writes an enum: `{"variant": content}`, the
/// content of a tuple variant an array of its fields.
impl WriteJson for Node {
    fn write_json(&self, o: &mut String) {
        let m = Obj::new(o);
        let m = match self {
            Node::Bool(b) => m.field("bool", b),
            Node::Num(x) => m.field("num", x),
            Node::Text(s) => m.field("text", s),
            Node::Sym(i) => m.field("sym", i),
            Node::Q(i) => m.field("q", i),
            Node::Let(i) => m.field("let", i),
            Node::Not(a) => m.field("not", a),
            Node::And(v) => m.field("and", v),
            Node::Or(v) => m.field("or", v),
            Node::Neg(a) => m.field("neg", a),
            Node::Arith(op, a, b) => m.field("arith", &Tuple(&[op, a, b])),
            Node::Cmp(op, a, b) => m.field("cmp", &Tuple(&[op, a, b])),
            Node::In(a, v) => m.field("in", &Tuple(&[a, v])),
            // The mask is a `u64`, written in full.
            Node::AnyOf(a, mask) => m.field("any_of", &Tuple(&[a, mask])),
            Node::Has(a, i) => m.field("has", &Tuple(&[a, i])),
            Node::Count(a) => m.field("count", a),
            Node::Max(v) => m.field("max", v),
            Node::Min(v) => m.field("min", v),
            Node::If(c, a, b) => m.field("if", &Tuple(&[c, a, b])),
        };
        m.end();
    }
}

impl WriteJson for Compiled {
    fn write_json(&self, o: &mut String) {
        Obj::new(o)
            .field("id", &self.id)
            .field("kind", &self.kind)
            .field("lang", &self.lang)
            .field("title", &self.title)
            .some("intro", &self.intro)
            .field("hash", &self.hash)
            .field("areas", &self.areas)
            .field("questions", &self.questions)
            .field("lets", &self.lets)
            .field("verdicts", &self.verdicts)
            .field("rules", &self.rules)
            .field("actions", &self.actions)
            .field("contacts", &self.contacts)
            .field("phases", &self.phases)
            .nonempty("presets", &self.presets)
            .end();
    }
}

impl WriteJson for CPreset {
    fn write_json(&self, o: &mut String) {
        Obj::new(o)
            .field("id", &self.id)
            .field("label", &self.label)
            .some("help", &self.help)
            .field("answers", &self.answers)
            .end();
    }
}

impl WriteJson for CPresetAnswer {
    fn write_json(&self, o: &mut String) {
        Obj::new(o).field("question", &self.question).field("value", &self.value).end();
    }
}

impl WriteJson for CArea {
    fn write_json(&self, o: &mut String) {
        Obj::new(o).field("id", &self.id).field("title", &self.title).end();
    }
}

impl WriteJson for CQuestion {
    fn write_json(&self, o: &mut String) {
        Obj::new(o)
            .field("id", &self.id)
            .field("type", &self.qtype)
            .field("text", &self.text)
            .some("help", &self.help)
            .nonempty("options", &self.options)
            .field("allow_unknown", &self.allow_unknown)
            .some("min", &self.min)
            .some("max", &self.max)
            .some("unit", &self.unit)
            .some("area", &self.area)
            .some("scenario", &self.scenario)
            .some("show_if", &self.show_if)
            .some("show_if_src", &self.show_if_src)
            .end();
    }
}

impl WriteJson for COption {
    fn write_json(&self, o: &mut String) {
        Obj::new(o)
            .field("value", &self.value)
            .field("label", &self.label)
            .some("help", &self.help)
            .some("score", &self.score)
            .some("correct", &self.correct)
            .some("feedback", &self.feedback)
            .end();
    }
}

impl WriteJson for CLet {
    fn write_json(&self, o: &mut String) {
        Obj::new(o)
            .field("id", &self.id)
            .some("label", &self.label)
            .field("expr", &self.expr)
            .field("src", &self.src)
            .end();
    }
}

impl WriteJson for CVerdict {
    fn write_json(&self, o: &mut String) {
        Obj::new(o)
            .field("id", &self.id)
            .field("title", &self.title)
            .some("yes", &self.yes)
            .some("no", &self.no)
            .some("due", &self.due)
            .some("window_ms", &self.window_ms)
            .some("contact", &self.contact)
            .nonempty("variants", &self.variants)
            .end();
    }
}

impl WriteJson for CVariant {
    fn write_json(&self, o: &mut String) {
        Obj::new(o).field("when", &self.when).field("src", &self.src).some("yes", &self.yes).some("no", &self.no).end();
    }
}

impl WriteJson for CRule {
    fn write_json(&self, o: &mut String) {
        Obj::new(o)
            .field("id", &self.id)
            .field("when", &self.when)
            .field("src", &self.src)
            .some("reason", &self.reason)
            .field("verdicts", &self.verdicts)
            .field("actions", &self.actions)
            .end();
    }
}

impl WriteJson for CAction {
    fn write_json(&self, o: &mut String) {
        Obj::new(o)
            .field("id", &self.id)
            .field("title", &self.title)
            .field("text", &self.text)
            .some("playbook", &self.playbook)
            .field("phase", &self.phase)
            .field("track", &self.track)
            .field("owner", &self.owner)
            .some("party", &self.party)
            .field("due", &self.due)
            .some("window_ms", &self.window_ms)
            .some("when", &self.when)
            .some("serves", &self.serves)
            .some("url", &self.url)
            .nonempty("sources", &self.sources)
            .end();
    }
}

impl WriteJson for PhaseInfo {
    fn write_json(&self, o: &mut String) {
        Obj::new(o)
            .field("id", &self.id)
            .field("title", &self.title)
            .field("order", &self.order)
            .field("url", &self.url)
            .end();
    }
}
