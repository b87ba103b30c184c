//! The one JSON writer trait of the engine's wire types, [`WriteJson`]: its
//! impls for texts, numbers, lists, [`Value`]s and the definition types that
//! plans and compiled questionnaires both carry, and [`Obj`], which writes
//! an object's members. Plans (`plan/write.rs`) and compiled questionnaires
//! (`compile/write.rs`) implement it for their own types on top of these.
//!
//! Strings are escaped by [`push_string`]: as `serde_json` escapes them, plus
//! U+2028 and U+2029, so that the output is also safe inside a script.

use crate::definition::{ContactInfo, Kind, SourceInfo, Track};
use crate::wire::json::{push_string, Number, Value};
use crate::wire::numfmt::{push_i64, push_json_f64, push_u64};

/// A value the engine writes as JSON, compact, appended to `o`.
pub(crate) trait WriteJson {
    fn write_json(&self, o: &mut String);
}

/// `value` as compact JSON; `capacity` is a guess at its length.
pub(crate) fn to_json<T: WriteJson + ?Sized>(value: &T, capacity: usize) -> String {
    let mut out = String::with_capacity(capacity);
    value.write_json(&mut out);
    out
}

/// An object being written: members go in the order they are added, and
/// `end` closes it. Passed by value, as the bare pointer it is, so that a
/// member costs the wasm no more than a call.
pub(crate) struct Obj<'o> {
    o: &'o mut String,
}

impl<'o> Obj<'o> {
    pub(crate) fn new(o: &'o mut String) -> Obj<'o> {
        o.push('{');
        Obj { o }
    }

    /// The member `key: value`.
    pub(crate) fn field<T: WriteJson + ?Sized>(mut self, key: &str, value: &T) -> Self {
        self.key(key);
        value.write_json(self.o);
        self
    }

    /// Starts a member. Keys are field names, plain ASCII with nothing to
    /// escape. Not generic: one copy in the wasm for every type of value.
    fn key(&mut self, key: &str) {
        // Every value ends in something other than `{`, so the comma goes
        // in unless this is the first member.
        if !self.o.ends_with('{') {
            self.o.push(',');
        }
        self.o.push('"');
        self.o.push_str(key);
        self.o.push_str("\":");
    }

    /// A member that is `null` when absent, as serde writes an `Option`
    /// without `skip_serializing_if` (the plan types).
    pub(crate) fn or_null<T: WriteJson>(mut self, key: &str, value: &Option<T>) -> Self {
        self.key(key);
        match value {
            Some(v) => v.write_json(self.o),
            None => Null.write_json(self.o),
        }
        self
    }

    /// A member left out when absent (`skip_serializing_if = "Option::is_none"`).
    pub(crate) fn some<T: WriteJson>(self, key: &str, value: &Option<T>) -> Self {
        match value {
            Some(v) => self.field(key, v),
            None => self,
        }
    }

    /// A list left out when empty (`skip_serializing_if = "Vec::is_empty"`);
    /// only compiled questionnaires, written natively, have such lists.
    #[cfg(not(target_arch = "wasm32"))]
    pub(crate) fn nonempty<T: WriteJson>(self, key: &str, value: &[T]) -> Self {
        if value.is_empty() {
            self
        } else {
            self.field(key, value)
        }
    }

    pub(crate) fn end(self) {
        self.o.push('}');
    }
}

struct Null;

impl WriteJson for Null {
    fn write_json(&self, o: &mut String) {
        o.push_str("null");
    }
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

impl WriteJson for u32 {
    fn write_json(&self, o: &mut String) {
        push_u64(o, u64::from(*self));
    }
}

impl WriteJson for u64 {
    fn write_json(&self, o: &mut String) {
        push_u64(o, *self);
    }
}

impl WriteJson for i64 {
    fn write_json(&self, o: &mut String) {
        push_i64(o, *self);
    }
}

/// `null` when not finite, as `serde_json` has it.
impl WriteJson for f64 {
    fn write_json(&self, o: &mut String) {
        push_json_f64(o, *self);
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

/// For `&'static str` members and lists of `&dyn WriteJson`.
impl<T: WriteJson + ?Sized> WriteJson for &T {
    fn write_json(&self, o: &mut String) {
        (**self).write_json(o);
    }
}

impl<T: WriteJson + ?Sized> WriteJson for Box<T> {
    fn write_json(&self, o: &mut String) {
        (**self).write_json(o);
    }
}

/// As `serde_json::to_string` writes the equal `serde_json::Value`: object
/// members in key order.
impl WriteJson for Value {
    fn write_json(&self, o: &mut String) {
        match self {
            Value::Null => Null.write_json(o),
            Value::Bool(b) => b.write_json(o),
            Value::Number(Number::PosInt(n)) => n.write_json(o),
            Value::Number(Number::NegInt(n)) => n.write_json(o),
            Value::Number(Number::Float(x)) => x.write_json(o),
            Value::String(s) => s.write_json(o),
            Value::Array(items) => items.write_json(o),
            Value::Object(m) => {
                // Not `Obj`: these keys are data and need escaping.
                o.push('{');
                for (i, (k, v)) in m.iter().enumerate() {
                    if i > 0 {
                        o.push(',');
                    }
                    push_string(o, k);
                    o.push(':');
                    v.write_json(o);
                }
                o.push('}');
            }
        }
    }
}

impl WriteJson for Kind {
    fn write_json(&self, o: &mut String) {
        self.as_str().write_json(o);
    }
}

impl WriteJson for Track {
    fn write_json(&self, o: &mut String) {
        self.as_str().write_json(o);
    }
}

/// Its optional members are left out when absent, as its
/// `skip_serializing_if` attributes have it, in plans and compiled
/// questionnaires alike.
impl WriteJson for ContactInfo {
    fn write_json(&self, o: &mut String) {
        let mut m = Obj::new(o).field("role", &self.role).field("name", &self.name);
        // A loop rather than a chain: one `some` call in the wasm, not seven.
        for (k, v) in [
            ("title", &self.title),
            ("phone", &self.phone),
            ("email", &self.email),
            ("url", &self.url),
            ("form_url", &self.form_url),
            ("hours", &self.hours),
            ("window", &self.window),
        ] {
            m = m.some(k, v);
        }
        m.end();
    }
}

impl WriteJson for SourceInfo {
    fn write_json(&self, o: &mut String) {
        Obj::new(o).field("id", &self.id).field("title", &self.title).field("url", &self.url).end();
    }
}
