//! `irbook serve`: builds the handbook into memory, serves it on 127.0.0.1,
//! rebuilds when a watched file changes and tells open pages to reload.
//!
//! The last site that built without errors keeps being served; a failed
//! build only changes the status that the live-reload script (served only
//! here, see [`http`]) shows as an overlay. Submodules: [`http`] (the server
//! and the live-reload endpoints), [`watch`] (file-system events and the
//! snapshot that decides what changed).

mod http;
mod watch;

use crate::diag::{Diagnostic, Report};
use crate::load::{self, SourceFile, Tree};
use crate::memo::Memo;
use crate::render;
use std::collections::{BTreeMap, HashMap};
use std::net::{Ipv4Addr, TcpListener};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::Instant;

/// How many ports after the asked one are tried before giving up.
const PORT_TRIES: u16 = 100;

/// Everything the request threads read: the last good site and the status of
/// the last build, guarded together so a page and its version always match.
pub(crate) struct Shared {
    state: Mutex<State>,
    /// Signalled whenever `State::generation` changes (wakes long-polls).
    changed: Condvar,
    /// Differs between runs of the server, so pages served by an earlier run reload.
    instance: String,
}

pub(crate) struct State {
    /// Output path → bytes of the last good build; empty before the first one.
    files: Arc<BTreeMap<String, crate::render::FileBytes>>,
    /// Bumped when the served files change.
    version: u64,
    /// Bumped when anything a page shows changes: version, success, problems.
    generation: u64,
    /// Whether the last build succeeded.
    ok: bool,
    /// Problems of the last build (warnings too when it succeeded).
    problems: Vec<Diagnostic>,
    /// For every output path: the version at which its bytes last changed
    /// (kept after removal, so a page that disappears reloads into a 404).
    page_version: HashMap<String, u64>,
    /// The version at which any file other than a page (CSS, scripts) last changed.
    asset_version: u64,
    build_ms: f64,
}

impl Shared {
    fn new() -> Shared {
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
        Shared {
            state: Mutex::new(State {
                files: Arc::new(BTreeMap::new()),
                version: 0,
                generation: 0,
                ok: false,
                problems: Vec::new(),
                page_version: HashMap::new(),
                asset_version: 0,
                build_ms: 0.0,
            }),
            changed: Condvar::new(),
            instance: format!("{:x}-{:x}", std::process::id(), nanos),
        }
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, State> {
        // A request thread that panicked leaves the data intact; keep serving.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Installs the result of a build; returns the output paths that changed.
    fn publish(&self, outcome: Outcome, build_ms: f64) -> Vec<String> {
        let old = self.lock().files.clone();
        let (files, ok, problems) = match outcome {
            Outcome::Built(files, report) => (Some(files), true, report.sorted()),
            Outcome::Failed(report) => (None, false, report.sorted()),
        };
        let changed: Vec<String> = match &files {
            Some(new) => {
                let mut c: Vec<String> =
                    new.iter().filter(|(k, v)| old.get(*k) != Some(*v)).map(|(k, _)| k.clone()).collect();
                c.extend(old.keys().filter(|k| !new.contains_key(*k)).cloned());
                c.sort();
                c
            }
            None => Vec::new(),
        };
        let mut s = self.lock();
        let mut visible = s.ok != ok || s.problems != problems;
        if let Some(files) = files {
            if !changed.is_empty() || s.version == 0 {
                s.version += 1;
                let v = s.version;
                for path in &changed {
                    if path.ends_with(".html") {
                        s.page_version.insert(path.clone(), v);
                    } else if path.ends_with("/search-index.js") {
                        // Every text edit changes the search index; open pages load it
                        // only when someone searches, so they need no reload for it.
                    } else {
                        s.asset_version = v;
                    }
                }
                s.files = Arc::new(files);
                visible = true;
            }
        }
        s.ok = ok;
        s.problems = problems;
        s.build_ms = build_ms;
        if visible {
            s.generation += 1;
            self.changed.notify_all();
        }
        changed
    }
}

impl State {
    /// Whether a page served at `version` should reload: its own bytes, or a
    /// file every page uses, changed since. Version 0 is the page shown
    /// before any build succeeded.
    pub(crate) fn stale(&self, page: &str, version: u64) -> bool {
        (version == 0 && !self.files.is_empty())
            || self.asset_version > version
            || self.page_version.get(page).is_some_and(|&v| v > version)
    }

    /// The status as the live-reload script and `/__irbook/status` report it.
    pub(crate) fn status_json(&self, instance: &str, page: Option<(&str, u64)>) -> serde_json::Value {
        let problems: Vec<serde_json::Value> = self.problems.iter().map(Diagnostic::to_json).collect();
        serde_json::json!({
            "instance": instance,
            "generation": self.generation,
            "version": self.version,
            "ok": self.ok,
            "has_site": !self.files.is_empty(),
            "stale": page.is_some_and(|(p, v)| self.stale(p, v)),
            "build_ms": (self.build_ms * 10.0).round() / 10.0,
            "problems": problems,
        })
    }
}

enum Outcome {
    Built(BTreeMap<String, crate::render::FileBytes>, Report),
    Failed(Report),
}

/// Renders a tree into memory, the same way `irbook build` renders to disk.
fn render(tree: &Tree) -> (Outcome, usize) {
    let mut report = Report::default();
    let memory = render::Memory::default();
    let built = crate::site::render(tree, &mut report, &memory);
    // What this build did not use belongs to files that changed or went away.
    tree.memo.sweep();
    match built {
        Some(summary) => (Outcome::Built(memory.into_files(), report), summary.pages),
        None => (Outcome::Failed(report), 0),
    }
}

/// Where the content comes from and the tree last read from it.
struct Source {
    /// The folder given (or ./content); `None` for the built-in handbook.
    root: Option<PathBuf>,
    /// The last tree read without load errors.
    tree: Option<Tree>,
    /// What builds made, kept for the next one (each tree read shares it).
    memo: Arc<Memo>,
}

impl Source {
    /// Reads everything again (first build, `extends:` layers, odd files).
    fn reload(&mut self) -> Result<&Tree, Report> {
        let mut tree = crate::site::open(self.root.clone(), None)?;
        tree.memo = Arc::clone(&self.memo);
        self.tree = Some(tree);
        Ok(self.tree.as_ref().expect("just set"))
    }

    /// Applies changed files to the tree in memory, reading only those; falls
    /// back to a full read when the tree has layers or a file needs the
    /// loader's checks (links, size limits).
    fn update(&mut self, changed: &[PathBuf]) -> Result<&Tree, Report> {
        let Some(tree) = self.tree.as_mut() else { return self.reload() };
        let Some(root) = tree.root.clone() else { return self.reload() };
        // Layers, and handbook.yaml (which may add or change `extends:`), need the full loader.
        if !tree.layers.is_empty()
            || changed.iter().any(|p| p.strip_prefix(&root).is_ok_and(|r| r == Path::new("handbook.yaml")))
        {
            return self.reload();
        }
        let layer = tree.label.clone();
        for path in changed {
            let Ok(rel) = path.strip_prefix(&root) else { continue };
            if watch::ignored(rel) {
                continue;
            }
            let rel = rel.to_string_lossy().replace('\\', "/");
            match std::fs::symlink_metadata(path) {
                Ok(meta) if meta.is_file() => {
                    let limit = if rel.starts_with("static/") { load::MAX_STATIC_FILE } else { load::MAX_TEXT_FILE };
                    if meta.len() > limit {
                        return self.reload();
                    }
                    match std::fs::read(path) {
                        Ok(bytes) => {
                            tree.files.insert(rel.clone(), SourceFile { path: rel, bytes, layer: layer.clone() });
                        }
                        // Gone again between the event and the read (an editor's temporary file).
                        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                            tree.files.remove(&rel);
                        }
                        Err(_) => return self.reload(),
                    }
                }
                Ok(meta) if meta.is_dir() => {}
                Ok(_) => return self.reload(),
                Err(_) => {
                    tree.files.remove(&rel);
                }
            }
        }
        Ok(self.tree.as_ref().expect("checked above"))
    }
}

/// Serves `root` (the built-in handbook when `None`) until Ctrl-C; returns
/// the exit code on errors. `open` is called with the address once it serves.
pub fn run(root: Option<PathBuf>, port: u16, open: Option<fn(&str)>) -> i32 {
    let (listener, got) = match bind(port) {
        Ok(l) => l,
        Err(msg) => {
            eprintln!("error: {msg}");
            return 1;
        }
    };
    let shared = Arc::new(Shared::new());
    let mut source = Source { root: root.clone(), tree: None, memo: Arc::new(Memo::enabled()) };

    let started = Instant::now();
    // The tree stays in `source`; the watcher below reads its layers.
    let first = source.reload().map(|_| ());
    // Watch before the address is printed: an edit saved right after it
    // appears must reach the next build (set up later, the watcher and its
    // first snapshot both missed such an edit, and it stayed unseen).
    let watch_started = Instant::now();
    let watching = match &root {
        Some(root) => {
            let paths = watch_paths(&source, root);
            match watch::Watcher::new(&paths) {
                Ok(watcher) => {
                    let snapshot = watch::Snapshot::scan(&paths);
                    Some((paths, watcher, snapshot))
                }
                Err(e) => {
                    eprintln!("error: cannot watch {} for changes: {e}", root.display());
                    return 1;
                }
            }
        }
        None => None,
    };
    // The time printed is the build's, without setting up the watcher.
    let started = started + watch_started.elapsed();
    let label = root.as_ref().map_or_else(|| "the built-in handbook".to_string(), |r| r.display().to_string());
    let outcome = match first {
        Ok(()) => render(source.tree.as_ref().expect("just loaded")),
        Err(report) => (Outcome::Failed(report), 0),
    };
    let mut printed = announce(&outcome, started, None);
    shared.publish(outcome.0, ms(started));

    let url = format!("http://127.0.0.1:{got}/");
    if got != port && port != 0 {
        crate::out!("Port {port} is in use; using {got} instead.");
    }
    crate::out!("Serving {label} at {url}");
    let server = Arc::clone(&shared);
    std::thread::spawn(move || http::serve(listener, server));
    if let Some(open) = open {
        open(&url);
    }

    let (Some(root), Some((mut paths, mut watcher, mut snapshot))) = (root, watching) else {
        crate::out!("This is the built-in handbook, so there are no files to watch. Press Ctrl-C to stop.");
        loop {
            std::thread::park();
        }
    };
    let shown: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    crate::out!("Watching {} for changes; open pages reload when you save. Press Ctrl-C to stop.", shown.join(", "));
    loop {
        let hinted = watcher.next_batch();
        let started = Instant::now();
        let now = watch::Snapshot::scan(&paths);
        let mut changed = snapshot.diff(&now);
        snapshot = now;
        for p in hinted {
            if !changed.contains(&p) && paths.iter().any(|w| p.strip_prefix(w).is_ok_and(|r| !watch::ignored(r))) {
                changed.push(p);
            }
        }
        if changed.is_empty() {
            continue;
        }
        let outcome = match source.update(&changed) {
            Ok(tree) => render(tree),
            Err(report) => (Outcome::Failed(report), 0),
        };
        printed = announce(&outcome, started, Some(&printed));
        let build_ms = ms(started);
        let ok = matches!(outcome.0, Outcome::Built(..));
        let changed_out = shared.publish(outcome.0, build_ms);
        if ok {
            crate::out!("{}", rebuilt_line(build_ms, &changed_out));
        }
        // `extends:` may have added or dropped a layer.
        let new_paths = watch_paths(&source, &root);
        if new_paths != paths {
            watcher.set_paths(&paths, &new_paths);
            paths = new_paths;
            snapshot = watch::Snapshot::scan(&paths);
        }
    }
}

fn watch_paths(source: &Source, root: &Path) -> Vec<PathBuf> {
    match &source.tree {
        Some(t) if !t.watch_paths().is_empty() => t.watch_paths(),
        _ => vec![root.canonicalize().unwrap_or_else(|_| root.to_path_buf())],
    }
}

fn ms(started: Instant) -> f64 {
    started.elapsed().as_secs_f64() * 1000.0
}

/// Prints the problems of a build (unless they are the ones printed last
/// time, so an unrelated edit does not repeat the same warnings); returns what
/// was printed.
fn announce(outcome: &(Outcome, usize), started: Instant, last: Option<&[Diagnostic]>) -> Vec<Diagnostic> {
    let report = match &outcome.0 {
        Outcome::Built(_, r) | Outcome::Failed(r) => r,
    };
    let sorted = report.sorted();
    if last != Some(sorted.as_slice()) || report.has_errors() {
        report.print();
    }
    match &outcome.0 {
        Outcome::Failed(_) => {
            eprintln!(
                "Build failed: {}. Pages keep showing the last version that built; fix the problem and save.",
                report.summary()
            );
        }
        Outcome::Built(..) if last.is_none() => {
            crate::out!("Built {} pages in {:.0} ms ({}).", outcome.1, ms(started), report.summary());
        }
        Outcome::Built(..) => {}
    }
    sorted
}

/// "rebuilt in 23 ms, 2 pages changed: en/faq.html, nl/faq.html".
fn rebuilt_line(build_ms: f64, changed: &[String]) -> String {
    const SHOWN: usize = 4;
    if changed.is_empty() {
        return format!("rebuilt in {build_ms:.0} ms, nothing changed");
    }
    let pages = changed.iter().filter(|p| p.ends_with(".html")).count();
    let files = changed.len() - pages;
    let mut what = Vec::new();
    if pages > 0 {
        what.push(format!("{pages} {} changed", crate::diag::plural(pages, "page", "pages")));
    }
    if files > 0 {
        what.push(format!("{files} other {} changed", crate::diag::plural(files, "file", "files")));
    }
    let mut list = changed.iter().take(SHOWN).cloned().collect::<Vec<_>>().join(", ");
    if changed.len() > SHOWN {
        list.push_str(&format!(" and {} more", changed.len() - SHOWN));
    }
    format!("rebuilt in {build_ms:.0} ms, {}: {list}", what.join(", "))
}

/// Binds 127.0.0.1 on `port` or, when it is taken, on the next free one.
/// Port 0 lets the system choose.
fn bind(port: u16) -> Result<(TcpListener, u16), String> {
    let last = if port == 0 { 0 } else { port.saturating_add(PORT_TRIES - 1) };
    let mut first_error = None;
    for p in port..=last {
        match TcpListener::bind((Ipv4Addr::LOCALHOST, p)) {
            Ok(l) => {
                let got = l.local_addr().map(|a| a.port()).unwrap_or(p);
                return Ok((l, got));
            }
            Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => {}
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    Err(match first_error {
        Some(e) => format!("cannot listen on 127.0.0.1:{port}: {e}\n  hint: choose another port with --port"),
        None => format!(
            "ports {port} to {last} on 127.0.0.1 are all in use\n  hint: choose another port with --port, or --port 0 for any free one"
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(files: &[(&str, &str)]) -> BTreeMap<String, crate::render::FileBytes> {
        files.iter().map(|(k, v)| (k.to_string(), crate::render::FileBytes::new(v.as_bytes().to_vec()))).collect()
    }

    #[test]
    fn version_moves_only_when_the_output_changes() {
        let shared = Shared::new();
        let a = site(&[("en/a.html", "A"), ("en/b.html", "B"), ("assets/style.css", "x")]);
        assert_eq!(shared.publish(Outcome::Built(a.clone(), Report::default()), 1.0).len(), 3);
        let (v1, g1) = {
            let s = shared.lock();
            (s.version, s.generation)
        };
        assert!(shared.publish(Outcome::Built(a, Report::default()), 1.0).is_empty());
        let s = shared.lock();
        assert_eq!((s.version, s.generation), (v1, g1), "saving without a change reloads nothing");
        drop(s);

        let b = site(&[("en/a.html", "A2"), ("en/b.html", "B"), ("assets/style.css", "x")]);
        assert_eq!(shared.publish(Outcome::Built(b, Report::default()), 1.0), vec!["en/a.html"]);
        let s = shared.lock();
        assert!(s.stale("en/a.html", v1), "the edited page reloads");
        assert!(!s.stale("en/b.html", v1), "other pages stay as they are");
    }

    #[test]
    fn a_failed_build_keeps_the_site_and_reports() {
        let shared = Shared::new();
        let a = site(&[("en/a.html", "A")]);
        shared.publish(Outcome::Built(a, Report::default()), 1.0);
        let g = shared.lock().generation;
        let mut report = Report::default();
        report.push(Diagnostic::error("pages/a.md", crate::diag::Pos::new(3, 4), "broken"));
        shared.publish(Outcome::Failed(report), 1.0);
        let s = shared.lock();
        assert_eq!(s.files.get("en/a.html").map(|b| b.as_slice()), Some(&b"A"[..]));
        assert!(!s.ok && s.generation > g);
        let json = s.status_json("x", Some(("en/a.html", 1)));
        assert_eq!(json["problems"][0]["line"], 3);
        assert_eq!(json["stale"], false);
    }

    #[test]
    fn a_css_change_reloads_every_page() {
        let shared = Shared::new();
        shared.publish(Outcome::Built(site(&[("en/a.html", "A"), ("assets/style.css", "x")]), Report::default()), 1.0);
        let v = shared.lock().version;
        shared.publish(Outcome::Built(site(&[("en/a.html", "A"), ("assets/style.css", "y")]), Report::default()), 1.0);
        assert!(shared.lock().stale("en/a.html", v));
    }

    #[test]
    fn summarises_what_changed() {
        assert_eq!(rebuilt_line(12.4, &[]), "rebuilt in 12 ms, nothing changed");
        let changed: Vec<String> = ["assets/style.css", "en/a.html", "nl/a.html"].map(String::from).to_vec();
        assert_eq!(
            rebuilt_line(23.0, &changed),
            "rebuilt in 23 ms, 2 pages changed, 1 other file changed: assets/style.css, en/a.html, nl/a.html"
        );
    }
}
