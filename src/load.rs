//! Reading a content root into memory: every file with its relative path and
//! bytes, from disk or from the default handbook compiled into the binary.
//! Checks that need nothing but the bytes (UTF-8, size, links leaving the
//! root) happen here; parsing happens in [`crate::model`].

use crate::diag::{Diagnostic, Pos, Report};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use walkdir::WalkDir;

/// Content files larger than this are refused; a handbook page is never this big,
/// and parsing a giant YAML file would stall the build.
pub const MAX_TEXT_FILE: u64 = 5 * 1024 * 1024;
/// Files under `static/` are copied, not parsed, so they may be larger.
pub const MAX_STATIC_FILE: u64 = 50 * 1024 * 1024;

#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Relative to the content root, `/`-separated.
    pub path: String,
    pub bytes: Vec<u8>,
    /// Label of the layer the file came from (the root folder as given).
    pub layer: String,
}

impl SourceFile {
    /// The file as text; `None` if it is not UTF-8 (reported by [`Tree::text`]).
    pub fn text(&self) -> Option<&str> {
        let s = std::str::from_utf8(&self.bytes).ok()?;
        Some(s.strip_prefix('\u{feff}').unwrap_or(s))
    }
}

/// The files of a handbook, by relative path.
#[derive(Debug, Clone, Default)]
pub struct Tree {
    pub files: BTreeMap<String, SourceFile>,
    /// Where the tree came from, for messages ("content", "built-in handbook").
    pub label: String,
    /// The folder on disk, if any (for `extends:` and watching).
    pub root: Option<PathBuf>,
    /// The layers this tree was merged from, the handbook itself first and
    /// its furthest base last; empty for a handbook that extends nothing.
    pub layers: Vec<Layer>,
    /// Every layer's version of the files that merge by key (`handbook.yaml`,
    /// `contacts.yaml`), base first; only for handbooks with `extends:`.
    pub stacked: BTreeMap<String, Vec<SourceFile>>,
    /// What earlier builds made from these files (enabled only by `irbook serve`).
    pub memo: std::sync::Arc<crate::memo::Memo>,
}

/// One handbook in an `extends:` chain.
#[derive(Debug, Clone)]
pub struct Layer {
    /// How messages name it: the folder as given, or `irbook:default`.
    pub label: String,
    /// The folder on disk; `None` for the built-in handbook.
    pub root: Option<PathBuf>,
}

impl Tree {
    pub fn get(&self, path: &str) -> Option<&SourceFile> {
        self.files.get(path)
    }

    /// The text of a file, or an error in `report` when it is not UTF-8.
    pub fn text<'a>(&'a self, path: &str, report: &mut Report) -> Option<&'a str> {
        file_text(self.files.get(path)?, report)
    }

    /// Folders on disk whose changes change this tree (the root and, with
    /// `extends:`, every base it builds on); empty for the built-in handbook.
    pub fn watch_paths(&self) -> Vec<PathBuf> {
        if self.layers.is_empty() {
            return self.root.iter().cloned().collect();
        }
        self.layers.iter().filter_map(|l| l.root.clone()).collect()
    }

    /// Every version of `path` from base to top: all layers' copies for files
    /// that merge by key, otherwise just the file that won.
    pub fn versions(&self, path: &str) -> Vec<&SourceFile> {
        match self.stacked.get(path) {
            Some(v) => v.iter().collect(),
            None => self.files.get(path).into_iter().collect(),
        }
    }

    /// Names the layer in every problem found in a file that came from a base
    /// handbook, so the user knows which folder to open.
    pub fn attribute_layers(&self, report: &mut Report) {
        report.for_each_mut(|d| {
            if d.layer.is_none() {
                if let Some(f) = self.files.get(&d.file) {
                    if f.layer != self.label {
                        d.layer = Some(f.layer.clone());
                    }
                }
            }
        });
    }

    /// Paths under `dir/` (no trailing slash), in sorted order.
    pub fn under<'a>(&'a self, dir: &'a str) -> impl Iterator<Item = &'a SourceFile> + 'a {
        let prefix = format!("{dir}/");
        self.files.range(prefix.clone()..).take_while(move |(k, _)| k.starts_with(&prefix)).map(|(_, v)| v)
    }
}

/// The text of a file, or an error in `report` when it is not UTF-8.
pub fn file_text<'a>(f: &'a SourceFile, report: &mut Report) -> Option<&'a str> {
    match f.text() {
        Some(t) => Some(t),
        None => {
            let (line, column) = first_invalid_utf8(&f.bytes);
            report.push(
                Diagnostic::error(&f.path, Pos::new(line, column), "this file is not valid UTF-8 text")
                    .hint("save the file with UTF-8 encoding (most editors offer it under \"Save with encoding\")"),
            );
            None
        }
    }
}

fn first_invalid_utf8(bytes: &[u8]) -> (usize, usize) {
    let valid = match std::str::from_utf8(bytes) {
        Ok(_) => bytes.len(),
        Err(e) => e.valid_up_to(),
    };
    let prefix = std::str::from_utf8(&bytes[..valid]).unwrap_or("");
    let line = prefix.matches('\n').count() + 1;
    let column = prefix.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// Reads every file under `root`. Hidden files and folders (`.git`, editor
/// swap files) are skipped; symlinks are followed only while they stay inside
/// the root. `skip` is a folder inside the root to leave out (the output).
pub fn read_dir(root: &Path, skip: Option<&Path>) -> Result<Tree, Report> {
    let mut report = Report::default();
    let label = root.display().to_string();
    let canon_root = match root.canonicalize() {
        Ok(p) => p,
        Err(e) => {
            report.push(
                Diagnostic::error(label.clone(), Pos::FILE, format!("cannot read the content folder: {e}"))
                    .hint("give the path of a folder that holds handbook.yaml"),
            );
            return Err(report);
        }
    };
    let skip = skip.and_then(|s| s.canonicalize().ok());
    let mut tree = Tree { label: label.clone(), root: Some(canon_root.clone()), ..Tree::default() };
    let mut to_read: Vec<(String, PathBuf, u64)> = Vec::new();
    // Links are followed only while they stay inside the root: a link to a
    // folder outside would publish (and serve) every file in it. Each link,
    // to a file or a folder, is resolved once here; what lies below a link
    // that points outside is never visited.
    let mut outside: Vec<String> = Vec::new();
    let rel_of = |p: &Path| p.strip_prefix(&canon_root).unwrap_or(p).to_string_lossy().replace('\\', "/");
    let walker = WalkDir::new(&canon_root).follow_links(true).sort_by_file_name().into_iter().filter_entry(|e| {
        let name = e.file_name().to_string_lossy();
        if e.depth() > 0 && (name.starts_with('.') || name.ends_with('~')) {
            return false;
        }
        if e.path_is_symlink() && !e.path().canonicalize().is_ok_and(|t| t.starts_with(&canon_root)) {
            outside.push(rel_of(e.path()));
            return false;
        }
        true
    });
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let rel = e.path().map(rel_of).unwrap_or_else(|| label.clone());
                let msg = if e.loop_ancestor().is_some() {
                    "this symbolic link points back to a folder that contains it (a loop)".to_string()
                } else {
                    format!("cannot read: {e}")
                };
                report
                    .push(Diagnostic::error(rel, Pos::FILE, msg).hint("remove the link or point it at a real folder"));
                continue;
            }
        };
        let path = entry.path();
        if let Some(s) = &skip {
            if path.starts_with(s) {
                continue;
            }
        }
        if !entry.file_type().is_file() {
            continue;
        }
        // A name is part of a page's address: it must be text, and `\` is a
        // separator only on Windows (found by review: `a\b.md` became a folder,
        // and two names that differ only in invalid bytes became one page).
        let raw = path.strip_prefix(&canon_root).unwrap_or(path);
        let problem = match raw.to_str() {
            None => Some("this file name is not valid UTF-8 text"),
            Some(r) if !cfg!(windows) && r.contains('\\') => Some("file names may not contain `\\`"),
            Some(_) => None,
        };
        if let Some(msg) = problem {
            report.push(
                Diagnostic::error(raw.to_string_lossy(), Pos::FILE, msg)
                    .hint("rename the file using letters, digits, `-`, `_` and `.`"),
            );
            continue;
        }
        to_read.push((rel_of(path), path.to_path_buf(), entry.metadata().map(|m| m.len()).unwrap_or(0)));
    }
    for rel in outside {
        report.push(
            Diagnostic::error(rel, Pos::FILE, "this symbolic link points outside the content folder")
                .hint("copy the files into the content folder instead of linking to them"),
        );
    }
    // Reading is most of the time for a large handbook, and files are independent.
    let read: Vec<Result<SourceFile, Diagnostic>> = to_read
        .into_par_iter()
        .map(|(rel, path, len)| {
            let limit = if rel.starts_with("static/") { MAX_STATIC_FILE } else { MAX_TEXT_FILE };
            if len > limit {
                return Err(Diagnostic::error(
                    rel,
                    Pos::FILE,
                    format!(
                        "this file is too large ({} MB; the limit is {} MB)",
                        len / (1024 * 1024),
                        limit / (1024 * 1024)
                    ),
                )
                .hint("split it into smaller files, or move large downloads to static/"));
            }
            match std::fs::read(&path) {
                Ok(mut bytes) => {
                    if !rel.starts_with("static/") {
                        lone_cr_to_lf(&mut bytes);
                    }
                    Ok(SourceFile { path: rel, bytes, layer: label.clone() })
                }
                Err(e) => Err(Diagnostic::error(rel, Pos::FILE, format!("cannot read: {e}"))),
            }
        })
        .collect();
    for r in read {
        match r {
            Ok(f) => {
                tree.files.insert(f.path.clone(), f);
            }
            Err(d) => report.push(d),
        }
    }
    if report.has_errors() {
        Err(report)
    } else {
        Ok(tree)
    }
}

/// Old Mac files end lines with a lone CR, which the YAML and Markdown
/// parsers and every line count treat differently; one line ending for all
/// makes every reported position match what an editor shows. CRLF stays.
fn lone_cr_to_lf(bytes: &mut [u8]) {
    // memchr: nearly every file has no CR at all, and this reads every byte of every file.
    let mut from = 0;
    while let Some(at) = memchr::memchr(b'\r', &bytes[from..]).map(|i| from + i) {
        if bytes.get(at + 1) != Some(&b'\n') {
            bytes[at] = b'\n';
        }
        from = at + 1;
    }
}

/// A tree from files held in memory (the built-in handbook and theme).
pub fn from_embedded(files: &[(&str, &[u8])], label: &str) -> Tree {
    let files = files
        .iter()
        .map(|(p, b)| (p.to_string(), SourceFile { path: p.to_string(), bytes: b.to_vec(), layer: label.to_string() }))
        .collect();
    Tree { files, label: label.to_string(), ..Tree::default() }
}

/// The default handbook compiled into the binary.
pub fn builtin_content() -> Tree {
    from_embedded(include!(concat!(env!("OUT_DIR"), "/embedded_content.rs")), "built-in handbook")
}

/// The default theme compiled into the binary.
pub fn builtin_theme() -> Tree {
    from_embedded(include!(concat!(env!("OUT_DIR"), "/embedded_theme.rs")), "default theme")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locates_invalid_utf8() {
        assert_eq!(first_invalid_utf8(b"ab\ncd\xffe"), (2, 3));
    }

    #[test]
    fn lone_carriage_returns_become_line_feeds() {
        let mut b = b"a\rb\r\nc\r".to_vec();
        lone_cr_to_lf(&mut b);
        assert_eq!(b, b"a\nb\r\nc\n");
    }

    #[test]
    fn builtin_trees_are_present() {
        assert!(builtin_theme().get("templates/base.html").is_some());
        assert!(builtin_content().get("handbook.yaml").is_some());
    }
}
