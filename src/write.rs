//! Writing a rendered site: into a temporary folder next to the output, then
//! swapped in by rename, so a failed build never leaves a half-written site
//! and the previous output stays as it was.

use crate::render::Site;
use rayon::prelude::*;
use std::collections::BTreeSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// Marks a folder as irbook's output, so a later build may replace it.
pub const MARKER: &str = ".irbook-output";

#[derive(Debug)]
pub enum WriteError {
    /// The output folder exists, is not empty, and was not made by irbook.
    NotOurs(PathBuf),
    Io(PathBuf, io::Error),
}

impl std::fmt::Display for WriteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WriteError::NotOurs(p) => write!(
                f,
                "`{}` already exists and was not made by irbook, so it is left alone\n  hint: choose another output folder with -o, or empty this one first",
                p.display()
            ),
            WriteError::Io(p, e) => write!(f, "could not write `{}`: {e}", p.display()),
        }
    }
}

fn io_err(p: &Path) -> impl Fn(io::Error) -> WriteError + '_ {
    move |e| WriteError::Io(p.to_path_buf(), e)
}

/// Writes `site` to `out`, replacing a previous irbook output there.
pub fn write_site(site: &Site, out: &Path) -> Result<(), WriteError> {
    if out.exists() {
        let ours = out.join(MARKER).is_file();
        let empty = out.is_dir() && fs::read_dir(out).map_err(io_err(out))?.next().is_none();
        if !out.is_dir() || !(ours || empty) {
            return Err(WriteError::NotOurs(out.to_path_buf()));
        }
    }
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&parent).map_err(io_err(&parent))?;
    let name = out.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_else(|| "public".into());
    let pid = std::process::id();
    let tmp = parent.join(format!(".{name}.irbook-new-{pid}"));
    let old = parent.join(format!(".{name}.irbook-old-{pid}"));
    let _ = fs::remove_dir_all(&tmp);
    let result = fill(site, &tmp).and_then(|()| swap(&tmp, out, &old));
    if result.is_err() {
        let _ = fs::remove_dir_all(&tmp);
    }
    result
}

fn fill(site: &Site, tmp: &Path) -> Result<(), WriteError> {
    fs::create_dir_all(tmp).map_err(io_err(tmp))?;
    let dirs: BTreeSet<PathBuf> = site.files.iter().filter_map(|f| Path::new(&f.path).parent().map(|p| tmp.join(p))).collect();
    for d in &dirs {
        fs::create_dir_all(d).map_err(io_err(d))?;
    }
    site.files.par_iter().try_for_each(|f| {
        let p = tmp.join(&f.path);
        fs::write(&p, &f.bytes).map_err(io_err(&p))
    })?;
    let marker = tmp.join(MARKER);
    fs::write(&marker, "This folder was written by irbook and is replaced by each build.\n").map_err(io_err(&marker))
}

fn swap(tmp: &Path, out: &Path, old: &Path) -> Result<(), WriteError> {
    if out.exists() {
        fs::rename(out, old).map_err(io_err(out))?;
        if let Err(e) = fs::rename(tmp, out) {
            // Put the previous site back before reporting.
            let _ = fs::rename(old, out);
            return Err(WriteError::Io(out.to_path_buf(), e));
        }
        let _ = fs::remove_dir_all(old);
    } else {
        fs::rename(tmp, out).map_err(io_err(out))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::OutFile;

    fn site(body: &str) -> Site {
        Site { files: vec![OutFile { path: "en/index.html".into(), bytes: body.as_bytes().to_vec() }], pages: 1 }
    }

    #[test]
    fn replaces_previous_output() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        write_site(&site("one"), &out).unwrap();
        write_site(&site("two"), &out).unwrap();
        assert_eq!(fs::read_to_string(out.join("en/index.html")).unwrap(), "two");
        // No temporary folders are left behind.
        let names: Vec<_> = fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names.len(), 1, "{names:?}");
    }

    #[test]
    fn refuses_a_folder_it_did_not_make() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("precious.txt"), "keep me").unwrap();
        let err = write_site(&site("x"), dir.path()).unwrap_err();
        assert!(matches!(err, WriteError::NotOurs(_)));
        assert_eq!(fs::read_to_string(dir.path().join("precious.txt")).unwrap(), "keep me");
    }
}
