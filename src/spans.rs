//! Where each value of a YAML document starts, so that problems found after
//! deserialising (unknown ids, bad expressions) can point at a line and column.
//! serde_yaml gives positions only for its own errors; this index comes from a
//! second, event-level parse with yaml-rust2, done only when a file has a problem.

use crate::diag::Pos;
use std::collections::HashMap;
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

/// A step in a path into a YAML document: a mapping key or a sequence index
/// (the engine's type, so its diagnostics' paths are used as they are).
pub use assessment_wasm::compile::PathSeg as Seg;

/// Start position of a value, and how its text begins (quotes shift columns).
#[derive(Debug, Clone)]
pub struct Span {
    pub pos: Pos,
    pub key_pos: Option<Pos>,
    /// Characters between the marker and the first character of the value
    /// (1 for a quoted scalar); `None` for block scalars, whose text starts on the next line.
    pub inner_offset: Option<usize>,
    /// The text of a scalar value.
    pub value: Option<String>,
}

#[derive(Debug, Default, Clone)]
pub struct SpanIndex {
    map: HashMap<Vec<Seg>, Span>,
}

impl SpanIndex {
    /// Builds the index; a document that does not parse gives an empty index
    /// (serde_yaml reports the syntax error itself). `line_offset` is added to
    /// every line, for front matter inside Markdown files.
    pub fn build(text: &str, line_offset: usize) -> SpanIndex {
        // Text the parsers must not see gets no positions (its reader reports it).
        if crate::yaml::check(text).is_some() {
            return SpanIndex::default();
        }
        let mut rx =
            Receiver { stack: Vec::new(), index: SpanIndex::default(), line_offset, chars: text.chars().collect() };
        let mut parser = Parser::new_from_str(text);
        let _ = parser.load(&mut rx, false);
        rx.index
    }

    /// [`SpanIndex::build`] through `memo`: serve indexes only files that changed.
    pub fn build_in(memo: &crate::memo::Memo, text: &str, line_offset: usize) -> std::sync::Arc<SpanIndex> {
        let key = memo.is_enabled().then(|| crate::memo::Inputs::new("spans").add(text).add(&line_offset).key());
        memo.get_or(key.unwrap_or_default(), || SpanIndex::build(text, line_offset))
    }

    /// Position of the value at `path`, or of its nearest ancestor that is known.
    pub fn pos(&self, path: &[Seg]) -> Pos {
        for len in (0..=path.len()).rev() {
            if let Some(s) = self.map.get(&path[..len]) {
                return s.pos;
            }
        }
        Pos::new(1, 1)
    }

    /// Position of the key of the entry at `path` (falls back to the value).
    pub fn key_pos(&self, path: &[Seg]) -> Pos {
        match self.map.get(path) {
            Some(Span { key_pos: Some(p), .. }) => *p,
            _ => self.pos(path),
        }
    }

    /// Position of byte `offset` inside the string value at `path`, for
    /// expressions written on one line; otherwise the value's start.
    pub fn pos_in_value(&self, path: &[Seg], offset: usize) -> Pos {
        match self.map.get(path) {
            Some(Span { pos, inner_offset: Some(inner), value: Some(value), .. })
                if value.get(..offset).is_some_and(|s| !s.contains('\n')) =>
            {
                let chars = value[..offset].chars().count();
                Pos::new(pos.line, pos.column + inner + chars)
            }
            _ => self.pos(path),
        }
    }

    pub fn get(&self, path: &[Seg]) -> Option<&Span> {
        self.map.get(path)
    }
}

enum Frame {
    /// `fresh` until the first key arrives: a block mapping's own marker sits
    /// after its first key, so the first key's position is used instead.
    Map {
        path: Vec<Seg>,
        key: Option<(String, Pos)>,
        fresh: bool,
    },
    Seq {
        path: Vec<Seg>,
        next: usize,
    },
}

struct Receiver {
    stack: Vec<Frame>,
    index: SpanIndex,
    line_offset: usize,
    /// The document by character (yaml-rust2 markers count characters), to
    /// tell a flow mapping `{…}`, whose marker is right, from a block mapping.
    chars: Vec<char>,
}

impl Receiver {
    fn pos(&self, m: &Marker) -> Pos {
        // yaml-rust2 columns are 0-based; ours are 1-based like editors show.
        Pos::new(m.line() + self.line_offset, m.col() + 1)
    }

    /// The path of the value that starts now, advancing the parent frame.
    fn next_value_path(&mut self) -> Option<(Vec<Seg>, Option<Pos>)> {
        match self.stack.last_mut() {
            None => Some((Vec::new(), None)),
            Some(Frame::Seq { path, next }) => {
                let mut p = path.clone();
                p.push(Seg::Index(*next));
                *next += 1;
                Some((p, None))
            }
            Some(Frame::Map { path, key, .. }) => {
                let (k, kpos) = key.take()?;
                let mut p = path.clone();
                p.push(Seg::Key(k));
                Some((p, Some(kpos)))
            }
        }
    }

    /// True when the scalar that arrives now is a mapping key.
    fn expecting_key(&self) -> bool {
        matches!(self.stack.last(), Some(Frame::Map { key: None, .. }))
    }
}

impl MarkedEventReceiver for Receiver {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        let pos = self.pos(&mark);
        match ev {
            Event::Scalar(value, style, _, _) => {
                if self.expecting_key() {
                    if let Some(Frame::Map { key, fresh, path }) = self.stack.last_mut() {
                        *key = Some((value, pos));
                        if *fresh {
                            *fresh = false;
                            if let Some(span) = self.index.map.get_mut(path.as_slice()) {
                                span.pos = pos;
                            }
                        }
                    }
                    return;
                }
                let inner = match style {
                    TScalarStyle::Plain => Some(0),
                    TScalarStyle::SingleQuoted | TScalarStyle::DoubleQuoted => Some(1),
                    _ => None,
                };
                if let Some((path, key_pos)) = self.next_value_path() {
                    self.index.map.insert(path, Span { pos, key_pos, inner_offset: inner, value: Some(value) });
                }
            }
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                let is_map = matches!(ev, Event::MappingStart(..));
                if self.expecting_key() {
                    // A complex key: give it a placeholder so the walk stays in step.
                    if let Some(Frame::Map { key, .. }) = self.stack.last_mut() {
                        *key = Some(("?".into(), pos));
                    }
                }
                let (path, key_pos) = self.next_value_path().unwrap_or_default();
                self.index.map.insert(path.clone(), Span { pos, key_pos, inner_offset: None, value: None });
                let flow = self.chars.get(mark.index()) == Some(&'{');
                self.stack.push(if is_map {
                    Frame::Map { path, key: None, fresh: !flow }
                } else {
                    Frame::Seq { path, next: 0 }
                });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                self.stack.pop();
            }
            Event::Alias(_) => {
                if self.expecting_key() {
                    if let Some(Frame::Map { key, .. }) = self.stack.last_mut() {
                        *key = Some(("*".into(), pos));
                    }
                } else if let Some((path, key_pos)) = self.next_value_path() {
                    self.index.map.insert(path, Span { pos, key_pos, inner_offset: None, value: None });
                }
            }
            _ => {}
        }
    }
}

/// Builds a path from a list of segments: `path!["steps", 3, "owner"]`.
#[macro_export]
macro_rules! ypath {
    ($($seg:expr),* $(,)?) => { [$($crate::spans::Seg::from($seg)),*] };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_nested_values() {
        let text = "id: x\nsteps:\n  - id: a\n    owner: it-lead\n  - id: b\n    when: \"cause = ransomware\"\n";
        let idx = SpanIndex::build(text, 0);
        assert_eq!(idx.pos(&ypath!["id"]), Pos::new(1, 5));
        assert_eq!(idx.pos(&ypath!["steps", 0, "owner"]), Pos::new(4, 12));
        assert_eq!(idx.key_pos(&ypath!["steps", 0, "owner"]), Pos::new(4, 5));
        assert_eq!(idx.pos(&ypath!["steps", 1, "id"]), Pos::new(5, 9));
        // Inside a quoted value: byte 8 is the `r` of `ransomware`.
        assert_eq!(idx.pos_in_value(&ypath!["steps", 1, "when"], 8), Pos::new(6, 20));
        // Unknown paths fall back to the nearest known ancestor.
        assert_eq!(idx.pos(&ypath!["steps", 1, "missing"]), Pos::new(5, 5));
    }

    #[test]
    fn flow_collections_start_at_their_bracket() {
        let idx = SpanIndex::build("a: {b: c}\nlist: [1, 2]\n", 0);
        assert_eq!(idx.pos(&ypath!["a"]), Pos::new(1, 4));
        assert_eq!(idx.pos(&ypath!["list"]), Pos::new(2, 7));
        assert_eq!(idx.pos(&ypath!["a", "b"]), Pos::new(1, 8));
        let idx = SpanIndex::build("steps:\n  - id: a\n    title: {nl: X}\n", 0);
        assert_eq!(idx.pos(&ypath!["steps", 0, "title"]), Pos::new(3, 12));
    }

    #[test]
    fn applies_line_offset() {
        let idx = SpanIndex::build("title: Hello\n", 1);
        assert_eq!(idx.pos(&ypath!["title"]), Pos::new(2, 8));
    }
}
