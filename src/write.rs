//! Writing a rendered site: into a temporary folder next to the output, then
//! swapped in by rename, so a failed build never leaves a half-written site
//! and the previous output stays as it was. Temporary folders are removed
//! when a build fails, when it is interrupted (Ctrl-C, SIGTERM), and, for a
//! process that was killed outright, by the next build beside them.

use crate::render::Sink;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

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

/// A build in progress: files go into a temporary folder next to the output;
/// [`Staging::commit`] swaps it in, and dropping it without commit removes it.
pub struct Staging {
    out: PathBuf,
    tmp: PathBuf,
    old: PathBuf,
    committed: bool,
    /// Set when the process is being interrupted: writes stop at once.
    stopped: Arc<AtomicBool>,
    /// Folders already made: asking again for each of 10 000 pages cost two
    /// system calls a page.
    made: std::sync::Mutex<std::collections::HashSet<PathBuf>>,
}

impl Staging {
    /// Checks that `out` may be replaced and creates the temporary folder.
    pub fn new(out: &Path) -> Result<Staging, WriteError> {
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
        remove_stale(&parent, &format!(".{name}.irbook-new-"));
        remove_stale(&parent, &format!(".{name}.irbook-old-"));
        let tmp = parent.join(format!(".{name}.irbook-new-{pid}"));
        let old = parent.join(format!(".{name}.irbook-old-{pid}"));
        let _ = fs::remove_dir_all(&tmp);
        fs::create_dir_all(&tmp).map_err(io_err(&tmp))?;
        let stopped = Arc::new(AtomicBool::new(false));
        on_interrupt(tmp.clone(), Arc::clone(&stopped));
        Ok(Staging { out: out.to_path_buf(), tmp, old, committed: false, stopped, made: Default::default() })
    }

    /// Moves the finished site into place, keeping the previous one if that fails.
    pub fn commit(mut self) -> Result<(), WriteError> {
        let marker = self.tmp.join(MARKER);
        fs::write(&marker, "This folder was written by irbook and is replaced by each build.\n")
            .map_err(io_err(&marker))?;
        if self.out.exists() {
            fs::rename(&self.out, &self.old).map_err(io_err(&self.out))?;
            if let Err(e) = fs::rename(&self.tmp, &self.out) {
                // Put the previous site back before reporting.
                let _ = fs::rename(&self.old, &self.out);
                return Err(WriteError::Io(self.out.clone(), e));
            }
            remove_tree(&self.old);
        } else {
            fs::rename(&self.tmp, &self.out).map_err(io_err(&self.out))?;
        }
        self.committed = true;
        Ok(())
    }
}

/// Removes a folder tree, deleting sibling subtrees in parallel: for a site of
/// thousands of pages this is a noticeable part of a rebuild.
fn remove_tree(dir: &Path) {
    use rayon::prelude::*;
    let mut subdirs = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    // Two levels deep: language folders and their sections.
    for _ in 0..2 {
        let mut next = Vec::new();
        for d in stack.drain(..) {
            if let Ok(entries) = fs::read_dir(&d) {
                for e in entries.flatten() {
                    if e.file_type().is_ok_and(|t| t.is_dir()) {
                        next.push(e.path());
                    }
                }
            }
        }
        subdirs.extend(next.iter().cloned());
        stack = next;
    }
    // Deepest first, so each parallel removal owns its whole subtree.
    subdirs.sort_by_key(|p| std::cmp::Reverse(p.components().count()));
    let deepest = subdirs.first().map(|p| p.components().count()).unwrap_or(0);
    let leaves: Vec<_> = subdirs.iter().filter(|p| p.components().count() == deepest).collect();
    leaves.par_iter().for_each(|p| {
        let _ = fs::remove_dir_all(p);
    });
    let _ = fs::remove_dir_all(dir);
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.tmp);
        }
        forget_interrupt(&self.tmp);
    }
}

/// Folders to remove if the process is interrupted, with the flag that stops
/// their writers. One handler serves every staging folder of the process.
type Pending = Arc<Mutex<Vec<(PathBuf, Arc<AtomicBool>)>>>;

fn pending() -> Option<&'static Pending> {
    static PENDING: std::sync::OnceLock<Option<Pending>> = std::sync::OnceLock::new();
    PENDING
        .get_or_init(|| {
            let list: Pending = Arc::default();
            let handler_list = Arc::clone(&list);
            // The handler can only be set once per process; a host program
            // that set its own keeps it, and the next build cleans up instead.
            ctrlc::set_handler(move || {
                let list = handler_list.lock().unwrap_or_else(|e| e.into_inner());
                for (dir, stopped) in list.iter() {
                    stopped.store(true, Ordering::SeqCst);
                    let _ = fs::remove_dir_all(dir);
                }
                eprintln!("Interrupted; the previous output is unchanged.");
                std::process::exit(130);
            })
            .ok()
            .map(|()| list)
        })
        .as_ref()
}

fn on_interrupt(dir: PathBuf, stopped: Arc<AtomicBool>) {
    if let Some(p) = pending() {
        p.lock().unwrap_or_else(|e| e.into_inner()).push((dir, stopped));
    }
}

fn forget_interrupt(dir: &Path) {
    if let Some(p) = pending() {
        p.lock().unwrap_or_else(|e| e.into_inner()).retain(|(d, _)| d != dir);
    }
}

/// Removes what an earlier irbook left beside the output when it was killed:
/// entries of `dir` named `PREFIX<pid>` whose process no longer runs.
pub fn remove_stale(dir: &Path, prefix: &str) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let name = e.file_name();
        let Some(pid) = name.to_str().and_then(|n| n.strip_prefix(prefix)).and_then(|p| p.parse::<u32>().ok()) else {
            continue;
        };
        if pid == std::process::id() || process_alive(pid, &e.path()) {
            continue;
        }
        match e.file_type() {
            Ok(t) if t.is_dir() => {
                let _ = fs::remove_dir_all(e.path());
            }
            Ok(t) if t.is_file() => {
                let _ = fs::remove_file(e.path());
            }
            _ => {}
        }
    }
}

/// Whether the process that made `path` may still be writing it.
fn process_alive(pid: u32, path: &Path) -> bool {
    if cfg!(target_os = "linux") {
        return Path::new("/proc").join(pid.to_string()).exists();
    }
    // Elsewhere there is no cheap check: leave anything touched in the last hour.
    fs::metadata(path)
        .and_then(|m| m.modified())
        .map(|t| t.elapsed().map_or(true, |age| age.as_secs() < 3600))
        .unwrap_or(true)
}

impl Sink for Staging {
    fn put(&self, path: &str, bytes: &[u8]) -> Result<(), String> {
        if self.stopped.load(Ordering::Relaxed) {
            return Err("the build was interrupted".into());
        }
        // Output paths are made by the renderer from ids; refuse anything that could leave the folder.
        if path.split('/').any(|seg| seg == ".." || seg.is_empty()) || path.starts_with('/') {
            return Err(format!("refusing to write outside the output folder: {path}"));
        }
        let target = self.tmp.join(path);
        if let Some(dir) = target.parent() {
            let mut made = self.made.lock().unwrap_or_else(|e| e.into_inner());
            if !made.contains(dir) {
                fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
                made.insert(dir.to_path_buf());
            }
        }
        fs::write(&target, bytes).map_err(|e| format!("{}: {e}", target.display()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn build(out: &Path, body: &str) {
        let st = Staging::new(out).unwrap();
        st.put("en/index.html", body.as_bytes()).unwrap();
        st.commit().unwrap();
    }

    #[test]
    fn replaces_previous_output() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        build(&out, "one");
        build(&out, "two");
        assert_eq!(fs::read_to_string(out.join("en/index.html")).unwrap(), "two");
        // No temporary folders are left behind.
        let names: Vec<_> = fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names.len(), 1, "{names:?}");
    }

    #[test]
    fn a_dropped_build_leaves_the_old_site() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        build(&out, "one");
        {
            let st = Staging::new(&out).unwrap();
            st.put("en/index.html", b"half").unwrap();
        }
        assert_eq!(fs::read_to_string(out.join("en/index.html")).unwrap(), "one");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn leftovers_of_a_killed_build_are_removed_by_the_next() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        // A process id that cannot be running (Linux pids stay below 2^22).
        let stale = dir.path().join(".public.irbook-new-4194999");
        fs::create_dir_all(stale.join("nl")).unwrap();
        fs::write(stale.join("nl/index.html"), "half").unwrap();
        let unrelated = dir.path().join(".public.irbook-new-notapid");
        fs::create_dir_all(&unrelated).unwrap();
        build(&out, "one");
        assert!(!stale.exists());
        assert!(unrelated.exists(), "only irbook's own names are removed");
    }

    #[test]
    fn refuses_a_folder_it_did_not_make() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("precious.txt"), "keep me").unwrap();
        assert!(matches!(Staging::new(dir.path()), Err(WriteError::NotOurs(_))));
        assert_eq!(fs::read_to_string(dir.path().join("precious.txt")).unwrap(), "keep me");
    }

    #[test]
    fn never_writes_outside_the_output() {
        let dir = tempfile::tempdir().unwrap();
        let st = Staging::new(&dir.path().join("public")).unwrap();
        assert!(st.put("../evil.html", b"x").is_err());
        assert!(st.put("/etc/evil", b"x").is_err());
        assert!(!dir.path().join("evil.html").exists());
    }
}
