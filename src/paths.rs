//! Every path irbook writes to is decided here: the output folder of a build
//! and the file of `--single-file`. A path is resolved through any number of
//! symbolic links first, then it must lie outside every layer of the handbook
//! (the content folder and each base it extends), and an existing target must
//! be something irbook may replace: a folder it made (or an empty one), or a
//! regular file it made. A FIFO, a device or a socket is never opened.
//! (What the build *reads* is kept inside its root by [`crate::load`].)

use crate::diag::{Diagnostic, Pos};
use std::path::{Path, PathBuf};

/// `p` made absolute, with symbolic links resolved as far as the path exists
/// (a path that does not exist yet keeps its last parts as written).
pub fn absolute(p: &Path) -> PathBuf {
    if let Ok(c) = p.canonicalize() {
        return c;
    }
    let base = if p.is_absolute() { PathBuf::new() } else { std::env::current_dir().unwrap_or_default() };
    let joined = base.join(p);
    // Resolve the longest existing ancestor, keep the rest as written.
    let mut tail = Vec::new();
    let mut cur = joined.as_path();
    while let Some(parent) = cur.parent() {
        if let Some(name) = cur.file_name() {
            tail.push(name.to_os_string());
        }
        if let Ok(c) = parent.canonicalize() {
            let mut out = c;
            out.extend(tail.iter().rev());
            return out;
        }
        cur = parent;
    }
    joined
}

/// Where a build writes its folder: `output` resolved through links, checked
/// against the layers' folders (`layers`, canonical).
pub fn output_folder(output: &Path, layers: &[PathBuf]) -> Result<PathBuf, Diagnostic> {
    let shown = output.display().to_string();
    let real = resolve_link(output).map_err(|msg| {
        Diagnostic::error(&shown, Pos::FILE, msg).hint("point -o at a folder, or at a link to an existing folder")
    })?;
    if let Some(layer) = overlapping(&real, layers) {
        return Err(Diagnostic::error(&shown, Pos::FILE, overlap_message("output folder", &real, layer))
            .hint("write the site outside the content, e.g. `-o public` next to it"));
    }
    Ok(real)
}

/// Where `--single-file` writes: `file` resolved through links; it may not be
/// inside a layer, a folder, a special file, or a file irbook did not make.
pub fn output_file(
    file: &Path,
    layers: &[PathBuf],
    made_by_irbook: impl Fn(&Path) -> bool,
) -> Result<PathBuf, Diagnostic> {
    let shown = file.display().to_string();
    let real = resolve_link(file)
        .map_err(|msg| Diagnostic::error(&shown, Pos::FILE, msg).hint("give the name of a file to write"))?;
    if let Some(layer) = overlapping(&real, layers) {
        return Err(Diagnostic::error(&shown, Pos::FILE, overlap_message("single file", &real, layer))
            .hint("write it outside the content, e.g. `--single-file handbook.html` next to it"));
    }
    match std::fs::metadata(&real) {
        Err(_) => Ok(real),
        Ok(m) if m.is_dir() => {
            Err(Diagnostic::error(&shown, Pos::FILE, "this is a folder; --single-file needs a file name")
                .hint("give a file name, e.g. `--single-file handbook.html`, or use -o for a folder"))
        }
        Ok(m) if !m.is_file() => Err(Diagnostic::error(
            &shown,
            Pos::FILE,
            "this is not a regular file (a device, a pipe or a socket), so irbook leaves it alone",
        )
        .hint("give the name of an ordinary file, e.g. `--single-file handbook.html`")),
        Ok(_) if !made_by_irbook(&real) => Err(Diagnostic::error(
            &shown,
            Pos::FILE,
            "this file exists and was not made by irbook, so it is left alone",
        )
        .hint("choose another file name, or delete this file first")),
        Ok(_) => Ok(real),
    }
}

/// A file irbook writes by its own fixed name (`irbook schema --out`): it may
/// be new or an ordinary file, never a link (which would write elsewhere) or
/// a device, pipe or folder.
pub fn replaceable_file(path: &Path) -> Result<(), String> {
    match std::fs::symlink_metadata(path) {
        Err(_) => Ok(()),
        Ok(m) if m.file_type().is_file() => Ok(()),
        Ok(m) if m.file_type().is_symlink() => {
            Err(format!("`{}` is a symbolic link; irbook does not write through it\n  hint: remove the link, or write into another folder", path.display()))
        }
        Ok(_) => Err(format!(
            "`{}` exists and is not an ordinary file, so it is left alone\n  hint: remove it, or write into another folder",
            path.display()
        )),
    }
}

/// The path a link finally points at (through chains of links); the path
/// itself when it is no link. A dangling link is an error: writing through
/// it would create a file somewhere the user did not name.
fn resolve_link(p: &Path) -> Result<PathBuf, String> {
    match std::fs::symlink_metadata(p) {
        Ok(m) if m.file_type().is_symlink() => p.canonicalize().map_err(|_| {
            format!(
                "`{}` is a symbolic link to `{}`, which does not exist",
                p.display(),
                std::fs::read_link(p).map(|t| t.display().to_string()).unwrap_or_default()
            )
        }),
        _ => Ok(absolute(p)),
    }
}

/// The first layer folder that `target` is in, or that is in `target`.
fn overlapping<'a>(target: &Path, layers: &'a [PathBuf]) -> Option<&'a PathBuf> {
    layers.iter().find(|l| target.starts_with(l) || l.starts_with(target))
}

fn overlap_message(what: &str, target: &Path, layer: &Path) -> String {
    if target.starts_with(layer) {
        format!("the {what} `{}` would be inside the handbook folder `{}`", target.display(), layer.display())
    } else {
        format!("the {what} `{}` would contain the handbook folder `{}`", target.display(), layer.display())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_are_followed_and_layers_protected() {
        let dir = tempfile::tempdir().unwrap();
        let base = dir.path().join("base");
        let client = dir.path().join("client");
        std::fs::create_dir_all(&base).unwrap();
        std::fs::create_dir_all(&client).unwrap();
        let layers = vec![client.canonicalize().unwrap(), base.canonicalize().unwrap()];
        // Into a base layer's folder: refused, not only the top layer's.
        assert!(output_folder(&base.join("public"), &layers).is_err());
        assert!(output_folder(dir.path(), &layers).is_err());
        // Through a link to an earlier output folder: that folder is the target.
        let real = dir.path().join("site-2026");
        std::fs::create_dir_all(&real).unwrap();
        let link = dir.path().join("public");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        assert_eq!(output_folder(&link, &layers).unwrap(), real.canonicalize().unwrap());
        // A dangling link is refused.
        let dangling = dir.path().join("gone");
        std::os::unix::fs::symlink(dir.path().join("nowhere"), &dangling).unwrap();
        assert!(output_folder(&dangling, &layers).unwrap_err().message.contains("does not exist"));
    }

    #[test]
    fn fixed_names_are_never_written_through_links() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("precious");
        std::fs::write(&target, "keep").unwrap();
        let link = dir.path().join("playbook.schema.json");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        assert!(replaceable_file(&link).unwrap_err().contains("symbolic link"));
        assert!(replaceable_file(&dir.path().join("new.json")).is_ok());
        assert!(replaceable_file(&target).is_ok());
        assert!(replaceable_file(dir.path()).is_err());
    }

    #[test]
    fn special_files_are_never_targets() {
        let dev_null = Path::new("/dev/null");
        let e = output_file(dev_null, &[], |_| true).unwrap_err();
        assert!(e.message.contains("not a regular file"), "{}", e.message);
    }
}
