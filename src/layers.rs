//! Handbooks built on other handbooks: `extends:` in handbook.yaml names a
//! base folder (or `irbook:default`, the built-in handbook); this module reads
//! the whole chain and merges it into one [`Tree`]. Files of an upper layer
//! replace the base's file with the same path, `exclude:` drops base files,
//! and `handbook.yaml`/`contacts.yaml` keep every layer's version so that the
//! model can merge them key by key.

use crate::diag::{did_you_mean, Diagnostic, Report};
use crate::load::{self, Layer, SourceFile, Tree};
use crate::spans::SpanIndex;
use crate::ypath;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

/// The value of `extends:` that names the handbook built into irbook.
pub const BUILTIN: &str = "irbook:default";
/// Files whose layers merge key by key instead of replacing each other.
pub const MERGED_BY_KEY: [&str; 2] = ["handbook.yaml", "contacts.yaml"];
/// Longer chains are almost certainly a mistake, and each layer costs a read.
const MAX_DEPTH: usize = 16;

/// The two keys of handbook.yaml that this module needs; the model reads the
/// rest (and reports syntax errors, so a broken file here just means "no base").
#[derive(Deserialize, Default)]
struct LayerSpec {
    #[serde(default)]
    extends: Option<String>,
    #[serde(default)]
    exclude: Vec<String>,
}

struct Read {
    tree: Tree,
    spec: LayerSpec,
    /// handbook.yaml of this layer, for positions in messages.
    spans: SpanIndex,
}

/// Reads `root` and every handbook it extends, and merges them.
pub fn read(root: &Path, skip: Option<&Path>) -> Result<Tree, Report> {
    let top = load::read_dir(root, skip)?;
    let mut report = Report::default();
    let mut chain = vec![layer_read(top)];
    let mut seen: Vec<PathBuf> = chain[0].tree.root.iter().cloned().collect();
    loop {
        let upper = chain.last().expect("chain starts with the top layer");
        let Some(ext) = upper.spec.extends.clone() else { break };
        let at = upper.spans.pos(&ypath!["extends"]);
        let upper_label = upper.tree.label.clone();
        let err = |msg: String, hint: &str| {
            let mut d = Diagnostic::error("handbook.yaml", at, msg).hint(hint);
            if chain.len() > 1 {
                d.layer = Some(upper_label.clone());
            }
            d
        };
        if chain.len() > MAX_DEPTH {
            report.push(err(
                format!("more than {MAX_DEPTH} handbooks extend each other here"),
                "a client variant usually extends one base; check the `extends:` lines of the chain",
            ));
            break;
        }
        let base = if ext.trim() == BUILTIN {
            relabel(load::builtin_content(), BUILTIN)
        } else {
            let Some(upper_root) = upper.tree.root.clone() else {
                report.push(err(
                    "the built-in handbook cannot extend a folder".into(),
                    "remove `extends:` from this handbook.yaml",
                ));
                break;
            };
            let target = upper_root.join(&ext);
            let canon = match target.canonicalize() {
                Ok(c) => c,
                Err(_) => {
                    report.push(err(
                        format!("`extends: {ext}` points at `{}`, which does not exist", target.display()),
                        "give the path of the base handbook's folder, relative to this handbook.yaml (like `../base`), or `irbook:default` for the built-in handbook",
                    ));
                    break;
                }
            };
            if let Some(i) = seen.iter().position(|p| *p == canon) {
                let mut names: Vec<String> = chain.iter().map(|r| r.tree.label.clone()).collect();
                names.push(chain[i].tree.label.clone());
                report.push(err(
                    format!("`extends:` makes a loop: {}", names.join(" → ")),
                    "a handbook cannot build on itself; remove `extends:` from one of them",
                ));
                break;
            }
            if !canon.join("handbook.yaml").is_file() {
                report.push(err(
                    format!("`extends: {ext}` points at a folder without handbook.yaml"),
                    "give the folder of the base handbook: the one that holds its handbook.yaml",
                ));
                break;
            }
            seen.push(canon.clone());
            let label = display_path(&Path::new(&upper_label).join(&ext));
            match load::read_dir(&canon, skip) {
                Ok(t) => relabel(t, &label),
                Err(r) => {
                    report.extend(r.sorted().into_iter().map(|mut d| {
                        d.layer.get_or_insert_with(|| label.clone());
                        d
                    }));
                    break;
                }
            }
        };
        chain.push(layer_read(base));
    }
    if report.has_errors() {
        return Err(report);
    }
    if chain.len() == 1 {
        return Ok(chain.pop().expect("one layer").tree);
    }
    merge(chain)
}

/// Names a base layer as the user would: its folder relative to where irbook runs.
fn relabel(mut tree: Tree, label: &str) -> Tree {
    tree.label = label.to_string();
    for f in tree.files.values_mut() {
        f.layer = label.to_string();
    }
    tree
}

fn layer_read(tree: Tree) -> Read {
    let text = tree.get("handbook.yaml").and_then(SourceFile::text).unwrap_or("");
    // A file the model will refuse (and report) names no base here.
    let spec = match crate::yaml::check(text) {
        Some(_) => LayerSpec::default(),
        None => serde_yaml::from_str::<LayerSpec>(text).unwrap_or_default(),
    };
    let spans = SpanIndex::build(text, 0);
    Read { tree, spec, spans }
}

/// Merges the chain (top first) from the furthest base upwards.
fn merge(chain: Vec<Read>) -> Result<Tree, Report> {
    let mut report = Report::default();
    let top_label = chain[0].tree.label.clone();
    let top_root = chain[0].tree.root.clone();
    let layers: Vec<Layer> =
        chain.iter().map(|r| Layer { label: r.tree.label.clone(), root: r.tree.root.clone() }).collect();
    let mut files: BTreeMap<String, SourceFile> = BTreeMap::new();
    let mut stacked: BTreeMap<String, Vec<SourceFile>> = BTreeMap::new();
    for (depth, read) in chain.into_iter().enumerate().rev() {
        let is_top = depth == 0;
        for (i, pattern) in read.spec.exclude.iter().enumerate() {
            let at = read.spans.pos(&ypath!["exclude", i]);
            let mut d = match exclude(pattern, &mut files, &mut stacked) {
                Ok(0) => {
                    let hint = did_you_mean(pattern, files.keys().map(String::as_str))
                        .unwrap_or_else(|| "give a path as it is in the base handbook, like `playbooks/insider.yaml`, `pages/about` or `faq/`".into());
                    Diagnostic::error(
                        "handbook.yaml",
                        at,
                        format!("`exclude: {pattern}` matches no file of the base handbook"),
                    )
                    .hint(hint)
                }
                Ok(_) => continue,
                Err(msg) => Diagnostic::error("handbook.yaml", at, msg)
                    .hint("set the values you want in this layer's own handbook.yaml instead"),
            };
            if !is_top {
                d.layer = Some(read.tree.label.clone());
            }
            report.push(d);
        }
        for (path, file) in read.tree.files {
            if MERGED_BY_KEY.contains(&path.as_str()) {
                stacked.entry(path.clone()).or_default().push(file.clone());
            }
            files.insert(path, file);
        }
    }
    if report.has_errors() {
        return Err(report);
    }
    Ok(Tree { files, label: top_label, root: top_root, layers, stacked, memo: Default::default() })
}

/// Drops the base files `pattern` names: an exact path, a folder (`faq/`), or a
/// page or playbook without its extension (`pages/about` also drops its
/// translations `pages/about.nl.md`). Returns how many files it dropped.
fn exclude(
    pattern: &str,
    files: &mut BTreeMap<String, SourceFile>,
    stacked: &mut BTreeMap<String, Vec<SourceFile>>,
) -> Result<usize, String> {
    let p = pattern.trim().trim_start_matches("./").trim_end_matches('/');
    if p == "handbook.yaml" {
        return Err("handbook.yaml cannot be excluded: every layer needs one".into());
    }
    let before = files.len();
    files.retain(|path, _| !excluded_by(p, path));
    stacked.retain(|path, _| !excluded_by(p, path));
    Ok(before - files.len())
}

fn excluded_by(p: &str, path: &str) -> bool {
    if path == p || path.strip_prefix(p).is_some_and(|rest| rest.starts_with('/')) {
        return true;
    }
    let Some((stem, _ext)) = path.rsplit_once('.') else { return false };
    if stem == p {
        return true;
    }
    // `slug.nl.md`: the language part is a short lowercase code.
    matches!(stem.rsplit_once('.'), Some((s, lang)) if s == p && (2..=3).contains(&lang.len()) && lang.bytes().all(|b| b.is_ascii_lowercase()))
}

/// `clients/acme/../../base` → `base`: the path as the user would write it.
fn display_path(p: &Path) -> String {
    let mut out: Vec<Component> = Vec::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir if matches!(out.last(), Some(Component::Normal(_))) => {
                out.pop();
            }
            c => out.push(c),
        }
    }
    if out.is_empty() {
        return ".".into();
    }
    out.iter().collect::<PathBuf>().display().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exclude_patterns() {
        assert!(excluded_by("pages/about", "pages/about.md"));
        assert!(excluded_by("pages/about", "pages/about.nl.md"));
        assert!(!excluded_by("pages/about", "pages/about-us.md"));
        assert!(excluded_by("faq", "faq/a.md"));
        assert!(!excluded_by("faq", "faqs/a.md"));
        assert!(excluded_by("playbooks/insider.yaml", "playbooks/insider.yaml"));
        assert!(excluded_by("playbooks/insider", "playbooks/insider.yaml"));
    }

    #[test]
    fn display_paths_are_normalised() {
        assert_eq!(display_path(Path::new("clients/acme/../../base")), "base");
        assert_eq!(display_path(Path::new("../x/./y")), "../x/y");
        assert_eq!(display_path(Path::new("a/..")), ".");
    }
}
