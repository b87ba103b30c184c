//! Problems found in a handbook: where (file, line, column), what is wrong and
//! how to fix it. Every stage adds to one [`Report`], so the user sees all
//! problems at once.

use std::fmt;

/// How bad a problem is; the engine's type, so its diagnostics need no translation.
pub use assessment_wasm::compile::Severity;

/// One problem, pointing at a place in a content file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Path relative to the content root, with `/` separators.
    pub file: String,
    /// 1-based line and column; 0 when the problem concerns the whole file.
    pub line: usize,
    pub column: usize,
    pub message: String,
    pub hint: Option<String>,
    /// Which layer the file came from, when the handbook extends another.
    pub layer: Option<String>,
}

impl Diagnostic {
    pub fn error(file: impl Into<String>, pos: Pos, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            file: file.into(),
            line: pos.line,
            column: pos.column,
            message: message.into(),
            hint: None,
            layer: None,
        }
    }

    pub fn warning(file: impl Into<String>, pos: Pos, message: impl Into<String>) -> Self {
        Diagnostic { severity: Severity::Warning, ..Diagnostic::error(file, pos, message) }
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// The problem as JSON, as `check --format json` and `serve` report it.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "severity": if self.severity == Severity::Error { "error" } else { "warning" },
            "file": self.file, "line": self.line, "column": self.column,
            "message": self.message, "hint": self.hint, "layer": self.layer,
        })
    }

    pub fn maybe_hint(mut self, hint: Option<String>) -> Self {
        self.hint = hint;
        self
    }
}

/// A 1-based position in a file; `Pos::FILE` means the file as a whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Pos {
    pub line: usize,
    pub column: usize,
}

impl Pos {
    pub const FILE: Pos = Pos { line: 0, column: 0 };

    pub fn new(line: usize, column: usize) -> Self {
        Pos { line, column }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{label}: {}", self.file)?;
        if self.line > 0 {
            write!(f, ":{}:{}", self.line, self.column)?;
        }
        if let Some(layer) = &self.layer {
            write!(f, " (in layer {layer})")?;
        }
        write!(f, ": {}", self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {hint}")?;
        }
        Ok(())
    }
}

/// All problems of one run, kept in a stable order.
#[derive(Debug, Default, Clone)]
pub struct Report {
    items: Vec<Diagnostic>,
}

impl Report {
    pub fn push(&mut self, d: Diagnostic) {
        self.items.push(d);
    }

    /// Changes every problem in place (used to name the layer a file came from).
    pub fn for_each_mut(&mut self, f: impl FnMut(&mut Diagnostic)) {
        self.items.iter_mut().for_each(f);
    }

    pub fn extend(&mut self, ds: impl IntoIterator<Item = Diagnostic>) {
        self.items.extend(ds);
    }

    /// Adds the problems of a report made on the side (by a parallel stage).
    pub fn append(&mut self, other: Report) {
        self.items.extend(other.items);
    }

    pub fn errors(&self) -> usize {
        self.items.iter().filter(|d| d.severity == Severity::Error).count()
    }

    pub fn warnings(&self) -> usize {
        self.items.iter().filter(|d| d.severity == Severity::Warning).count()
    }

    pub fn has_errors(&self) -> bool {
        self.errors() > 0
    }

    /// Sorted by file and position, duplicates removed, so output is stable
    /// whatever order parallel stages finished in.
    pub fn sorted(&self) -> Vec<Diagnostic> {
        let mut v = self.items.clone();
        v.sort_by(|a, b| {
            (&a.file, a.line, a.column, a.severity, &a.message)
                .cmp(&(&b.file, b.line, b.column, b.severity, &b.message))
        });
        v.dedup();
        v
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Prints every problem to stderr, sorted, each once.
    pub fn print(&self) {
        for d in self.sorted() {
            eprintln!("{d}");
        }
    }

    /// `, 2 warnings` for a line that reports success, or nothing.
    pub fn warnings_note(&self) -> String {
        match self.warnings() {
            0 => String::new(),
            w => format!(", {w} {}", plural(w, "warning", "warnings")),
        }
    }

    pub fn summary(&self) -> String {
        let (e, w) = (self.errors(), self.warnings());
        format!("{} {}, {} {}", e, plural(e, "error", "errors"), w, plural(w, "warning", "warnings"))
    }
}

pub fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 {
        one
    } else {
        many
    }
}

/// "did you mean `x`?" for the closest candidate, if it is close enough to be
/// a typo. Uses the engine's distance, so ids are matched alike everywhere.
pub fn did_you_mean<'a, I>(wrong: &str, candidates: I) -> Option<String>
where
    I: IntoIterator<Item = &'a str>,
{
    assessment_wasm::language::typecheck::suggest(wrong, candidates).map(|c| format!("did you mean `{c}`?"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_ids_only() {
        let ids = ["isolate-systems", "notify-ap", "notify-gba"];
        assert_eq!(did_you_mean("isolate-sytems", ids).as_deref(), Some("did you mean `isolate-systems`?"));
        assert_eq!(did_you_mean("notify-ab", ids).as_deref(), Some("did you mean `notify-ap`?"));
        assert_eq!(did_you_mean("completely-different", ids), None);
        assert_eq!(did_you_mean("firts", ["first", "after"]).as_deref(), Some("did you mean `first`?"));
    }

    #[test]
    fn displays_location_and_hint() {
        let d = Diagnostic::error("playbooks/a.yaml", Pos::new(3, 12), "unknown owner `it-lead`")
            .hint("did you mean `it-leads`?");
        assert_eq!(
            d.to_string(),
            "error: playbooks/a.yaml:3:12: unknown owner `it-lead`\n  hint: did you mean `it-leads`?"
        );
    }
}
