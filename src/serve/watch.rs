//! Noticing edits: file-system events (inotify, FSEvents, … through `notify`;
//! polling when those are unavailable) wake the loop, and a snapshot of every
//! watched file's size and modification time decides what changed. Events
//! only say *when* to look, so a missed or odd event (an editor's
//! write-and-rename) cannot leave the site stale.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant, SystemTime};
use walkdir::WalkDir;

/// Quiet time that ends a burst of events: editors write a file in several
/// steps (truncate, write, rename), and one rebuild should see the last one.
const SETTLE: Duration = Duration::from_millis(30);
/// Shorter quiet time after an event that ends a write (file closed after
/// writing, renamed into place, removed): only long enough to take in the
/// other files of a "save all" or a checkout, whose writes follow each other
/// within a millisecond. Should one come later, it costs a second rebuild
/// (tens of milliseconds), not a stale page; every edit waits this long.
const SETTLE_DONE: Duration = Duration::from_millis(3);
/// A burst never delays the rebuild longer than this.
const MAX_WAIT: Duration = Duration::from_millis(500);
/// Interval of the fallback poller.
const POLL: Duration = Duration::from_millis(250);

/// Hidden files and folders, and editor backups (`file~`): the loader skips
/// them too, so changing them changes nothing.
pub fn ignored(rel: &Path) -> bool {
    rel.components().any(|c| {
        let name = c.as_os_str().to_string_lossy();
        name.starts_with('.') || name.ends_with('~')
    })
}

/// Size and modification time of every file under the watched folders.
#[derive(Debug, Default, PartialEq)]
pub struct Snapshot {
    files: BTreeMap<PathBuf, (Option<SystemTime>, u64)>,
}

impl Snapshot {
    pub fn scan(roots: &[PathBuf]) -> Snapshot {
        let mut files = BTreeMap::new();
        for root in roots {
            let walker = WalkDir::new(root)
                .follow_links(true)
                .into_iter()
                .filter_entry(|e| e.depth() == 0 || !ignored(Path::new(e.file_name())));
            for entry in walker.flatten() {
                if !entry.file_type().is_file() {
                    continue;
                }
                if let Ok(meta) = entry.metadata() {
                    files.insert(entry.into_path(), (meta.modified().ok(), meta.len()));
                }
            }
        }
        Snapshot { files }
    }

    /// Files added, changed or removed since `self`.
    pub fn diff(&self, now: &Snapshot) -> Vec<PathBuf> {
        let mut out: Vec<PathBuf> =
            now.files.iter().filter(|(p, s)| self.files.get(*p) != Some(*s)).map(|(p, _)| p.clone()).collect();
        out.extend(self.files.keys().filter(|p| !now.files.contains_key(*p)).cloned());
        out
    }
}

/// Delivers the paths named by file-system events, a burst at a time.
pub struct Watcher {
    rx: Receiver<Batch>,
    inner: Box<dyn notify::Watcher + Send>,
}

type Batch = (Vec<PathBuf>, bool);

impl Watcher {
    /// The system's watcher when it works; else a poller.
    pub fn new(paths: &[PathBuf]) -> Result<Watcher, String> {
        let (tx, rx) = mpsc::channel();
        if let Ok(native) = notify::recommended_watcher(forward(tx)) {
            let mut w = Watcher { rx, inner: Box::new(native) };
            // Running out of inotify watches is the usual reason to fail here.
            if w.watch_all(paths).is_ok() {
                return Ok(w);
            }
        }
        let (tx, rx) = mpsc::channel();
        let config = notify::Config::default().with_poll_interval(POLL);
        let poller = notify::PollWatcher::new(forward(tx), config).map_err(|e| e.to_string())?;
        let mut w = Watcher { rx, inner: Box::new(poller) };
        w.watch_all(paths)?;
        eprintln!(
            "note: the system's file watcher is not available; checking for changes every {} ms",
            POLL.as_millis()
        );
        Ok(w)
    }

    fn watch_all(&mut self, paths: &[PathBuf]) -> Result<(), String> {
        for p in paths {
            self.inner.watch(p, notify::RecursiveMode::Recursive).map_err(|e| format!("{}: {e}", p.display()))?;
        }
        Ok(())
    }

    /// Watches `new` instead of `old` (layers added or removed by `extends:`).
    pub fn set_paths(&mut self, old: &[PathBuf], new: &[PathBuf]) {
        for p in old.iter().filter(|p| !new.contains(p)) {
            let _ = self.inner.unwatch(p);
        }
        for p in new.iter().filter(|p| !old.contains(p)) {
            if let Err(e) = self.inner.watch(p, notify::RecursiveMode::Recursive) {
                eprintln!("warning: cannot watch {} for changes: {e}", p.display());
            }
        }
    }

    /// Blocks until something happens, then until it has settled; returns the
    /// paths the events named.
    pub fn next_batch(&self) -> Vec<PathBuf> {
        let Ok((mut paths, mut done)) = self.rx.recv() else {
            // The watcher thread is gone; nothing will wake us again.
            loop {
                std::thread::park();
            }
        };
        let start = Instant::now();
        while start.elapsed() < MAX_WAIT {
            match self.rx.recv_timeout(if done { SETTLE_DONE } else { SETTLE }) {
                Ok((more, d)) => {
                    paths.extend(more);
                    done = d;
                }
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => break,
            }
        }
        paths.sort();
        paths.dedup();
        paths
    }
}

/// Sends the paths of meaningful events, and whether they end a write.
fn forward(tx: mpsc::Sender<Batch>) -> impl Fn(notify::Result<notify::Event>) + Send + 'static {
    move |res| {
        if let Ok(event) = res {
            if meaningful(&event.kind) {
                let _ = tx.send((event.paths, ends_write(&event.kind)));
            }
        }
    }
}

/// Events that can mean a change; opening and reading a file (which the
/// rebuild itself does) are not.
fn meaningful(kind: &notify::EventKind) -> bool {
    use notify::event::{AccessKind, AccessMode, EventKind};
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) => false,
        _ => true,
    }
}

/// Events after which the file is complete on disk.
fn ends_write(kind: &notify::EventKind) -> bool {
    use notify::event::{AccessKind, AccessMode, EventKind, ModifyKind};
    matches!(
        kind,
        EventKind::Access(AccessKind::Close(AccessMode::Write))
            | EventKind::Modify(ModifyKind::Name(_))
            | EventKind::Remove(_)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ignores_hidden_and_backup_files() {
        assert!(ignored(Path::new(".git/index")));
        assert!(ignored(Path::new("pages/.about.md.swp")));
        assert!(ignored(Path::new("pages/about.md~")));
        assert!(!ignored(Path::new("pages/about.md")));
    }

    #[test]
    fn snapshot_sees_added_changed_and_removed_files() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        std::fs::write(root.join("a.md"), "a").unwrap();
        std::fs::write(root.join("b.md"), "b").unwrap();
        std::fs::write(root.join(".hidden"), "x").unwrap();
        let before = Snapshot::scan(std::slice::from_ref(&root));
        std::fs::write(root.join("a.md"), "longer").unwrap();
        std::fs::remove_file(root.join("b.md")).unwrap();
        std::fs::write(root.join("c.md"), "c").unwrap();
        std::fs::write(root.join(".hidden"), "changed").unwrap();
        let mut d = before.diff(&Snapshot::scan(std::slice::from_ref(&root)));
        d.sort();
        assert_eq!(d, vec![root.join("a.md"), root.join("b.md"), root.join("c.md")]);
    }

    #[test]
    fn events_wake_the_watcher() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        let w = Watcher::new(std::slice::from_ref(&root)).unwrap();
        std::fs::write(root.join("page.md"), "x").unwrap();
        let (paths, _) = w.rx.recv_timeout(Duration::from_secs(10)).expect("an event within 10 s");
        assert!(paths.contains(&root.join("page.md")), "{paths:?}");
    }
}
