//! `irbook serve` as a user meets it: the real binary on a free port, pages
//! fetched over HTTP, files edited on disk while it runs.

mod common;
use common::*;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A running `irbook serve`, stopped when dropped.
struct Server {
    child: Child,
    port: u16,
    stdout: Arc<Mutex<String>>,
    stderr: Arc<Mutex<String>>,
}

impl Server {
    fn start(args: &[&str], cwd: &Path) -> Server {
        let mut child = Command::new(bin())
            .arg("serve")
            .args(args)
            .current_dir(cwd)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("irbook serve starts");
        let stdout = Arc::new(Mutex::new(String::new()));
        let stderr = Arc::new(Mutex::new(String::new()));
        collect(child.stdout.take().unwrap(), Arc::clone(&stdout));
        collect(child.stderr.take().unwrap(), Arc::clone(&stderr));
        let mut server = Server { child, port: 0, stdout, stderr };
        let out = server.wait_for_output("Serving ", Duration::from_secs(60));
        let at = out.find("http://127.0.0.1:").expect("the address is printed") + "http://127.0.0.1:".len();
        server.port = out[at..].split('/').next().unwrap().parse().unwrap();
        server
    }

    fn stdout(&self) -> String {
        self.stdout.lock().unwrap().clone()
    }

    fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    fn wait_for_output(&mut self, needle: &str, limit: Duration) -> String {
        self.wait_for(needle, limit, Self::stdout)
    }

    /// Problems go to stderr, printed just after the status changes.
    fn wait_for_errors(&mut self, needle: &str, limit: Duration) -> String {
        self.wait_for(needle, limit, Self::stderr)
    }

    fn wait_for(&mut self, needle: &str, limit: Duration, read: fn(&Self) -> String) -> String {
        let start = Instant::now();
        loop {
            let out = read(self);
            if out.contains(needle) {
                return out;
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("irbook serve exited ({status}) before printing {needle:?}\n{out}\n{}", self.stderr());
            }
            assert!(start.elapsed() < limit, "no {needle:?} in output:\n{out}\n{}", self.stderr());
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn get(&self, path: &str) -> Reply {
        request(self.port, "GET", path)
    }

    fn status(&self) -> serde_json::Value {
        serde_json::from_slice(&self.get("/__irbook/status").body).unwrap()
    }

    /// Polls until `check` holds for the status, failing after 20 s.
    fn wait_status(&self, what: &str, check: impl Fn(&serde_json::Value) -> bool) -> serde_json::Value {
        let start = Instant::now();
        loop {
            let s = self.status();
            if check(&s) {
                return s;
            }
            assert!(start.elapsed() < Duration::from_secs(20), "{what}: status is {s}\n{}", self.stderr());
            std::thread::sleep(Duration::from_millis(25));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn collect(from: impl Read + Send + 'static, into: Arc<Mutex<String>>) {
    std::thread::spawn(move || {
        let mut r = BufReader::new(from);
        let mut line = String::new();
        while r.read_line(&mut line).is_ok_and(|n| n > 0) {
            into.lock().unwrap().push_str(&line);
            line.clear();
        }
    });
}

struct Reply {
    status: u16,
    head: String,
    body: Vec<u8>,
}

impl Reply {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    fn header(&self, name: &str) -> Option<String> {
        self.head.lines().find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case(name).then(|| v.trim().to_string())
        })
    }
}

fn request(port: u16, method: &str, path: &str) -> Reply {
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("the server accepts connections");
    s.set_read_timeout(Some(Duration::from_secs(40))).unwrap();
    write!(s, "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n").unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").expect("a complete response head");
    let head = String::from_utf8(raw[..split].to_vec()).unwrap();
    let status = head.split_whitespace().nth(1).unwrap().parse().unwrap();
    Reply { status, head, body: raw[split + 4..].to_vec() }
}

/// The minimal fixture in a temporary folder the test may edit.
fn content_copy() -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("hb");
    copy_dir(&fixture("minimal"), &root);
    (tmp, root)
}

/// Replaces the text of a file the way an editor saves it.
fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{} contains {from:?}", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

fn wait_for_page(server: &Server, path: &str, needle: &str) -> String {
    let start = Instant::now();
    loop {
        let r = server.get(path);
        let text = r.text();
        if text.contains(needle) {
            return text;
        }
        assert!(start.elapsed() < Duration::from_secs(20), "{path} never showed {needle:?}\n{}", server.stderr());
        std::thread::sleep(Duration::from_millis(25));
    }
}

#[test]
fn serves_pages_with_types_folders_and_404() {
    let (tmp, root) = content_copy();
    let server = Server::start(&[root.to_str().unwrap(), "--port", "0"], tmp.path());

    let home = server.get("/");
    assert_eq!(home.status, 200);
    assert_eq!(home.header("content-type").as_deref(), Some("text/html; charset=utf-8"));
    assert_eq!(home.header("cache-control").as_deref(), Some("no-store"));
    assert!(home.text().contains("url=nl/index.html"), "{}", home.text());

    let page = server.get("/nl/phases/first.html");
    assert_eq!(page.status, 200);
    let html = page.text();
    assert!(html.contains("<h1>Eerste uur</h1>") || html.contains("Eerste uur"), "{html}");
    // Only served pages carry the live-reload script, and only they may connect back.
    assert!(html.contains(r#"<script src="/__irbook/live.js""#), "{html}");
    assert!(html.contains("connect-src 'self'") && !html.contains("connect-src 'none'"));
    assert!(html.contains("script-src 'self' 'wasm-unsafe-eval'"), "the rest of the policy is unchanged");

    // A folder is its index page; without the slash it redirects so relative links work.
    assert_eq!(server.get("/nl/").status, 200);
    assert!(server.get("/nl/").text().contains("lang=\"nl\""));
    let redirect = server.get("/nl/guides");
    assert_eq!(redirect.status, 301);
    assert_eq!(redirect.header("location").as_deref(), Some("/nl/guides/"));

    for (path, ty) in [
        ("/assets/style.css", "text/css; charset=utf-8"),
        ("/assets/engine.js", "text/javascript; charset=utf-8"),
        ("/static/logo.svg", "image/svg+xml"),
        ("/__irbook/live.js", "text/javascript; charset=utf-8"),
        ("/__irbook/status", "application/json"),
    ] {
        let r = server.get(path);
        assert_eq!((r.status, r.header("content-type").as_deref()), (200, Some(ty)), "{path}");
    }
    // CSS and scripts are served as built, without the script tag.
    assert!(!server.get("/assets/style.css").text().contains("__irbook"));

    let missing = server.get("/nl/nothing-here.html");
    assert_eq!(missing.status, 404);
    assert!(missing.text().contains("Page not found"));
    // Only keys of the built site are served: nothing outside it is reachable.
    for path in ["/../handbook.yaml", "/%2e%2e/%2e%2e/etc/passwd", "/handbook.yaml", "/..%2fhb%2fcontacts.yaml"] {
        let r = server.get(path);
        assert!(r.status == 404 || r.status == 400, "{path}: {}", r.status);
        assert!(!r.text().contains("incident-lead"), "{path} leaked a content file");
    }

    let head = request(server.port, "HEAD", "/nl/index.html");
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    assert!(head.header("content-length").unwrap().parse::<usize>().unwrap() > 100);
    // Another site's name pointed at this machine (DNS rebinding) gets nothing.
    let mut s = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    write!(s, "GET /nl/index.html HTTP/1.1\r\nHost: attacker.example:{}\r\nConnection: close\r\n\r\n", server.port)
        .unwrap();
    let mut raw = String::new();
    s.read_to_string(&mut raw).unwrap();
    assert!(raw.starts_with("HTTP/1.1 403 "), "{raw}");
    assert!(!raw.contains("<html"), "{raw}");

    let post = request(server.port, "POST", "/nl/index.html");
    assert_eq!(post.status, 405);
    assert_eq!(post.header("allow").as_deref(), Some("GET, HEAD"));
}

#[test]
fn an_edit_is_served_and_a_broken_file_keeps_the_last_good_version() {
    let (tmp, root) = content_copy();
    let mut server = Server::start(&[root.to_str().unwrap(), "--port", "0"], tmp.path());
    let first = server.status();
    assert_eq!(first["ok"], true);
    let v1 = first["version"].as_u64().unwrap();
    let g1 = first["generation"].as_u64().unwrap();

    // A long poll from the open page: it answers when the edit is built, and
    // says that this page, not another, must reload.
    let port = server.port;
    let waiter = std::thread::spawn(move || {
        request(port, "GET", &format!("/__irbook/wait?g={g1}&v={v1}&p=%2Fen%2Fphases%2Ffirst.html"))
    });
    std::thread::sleep(Duration::from_millis(200));
    let page = root.join("phases/01-first.en.md");
    edit(&page, "## What now", "## What now, edited while serving");
    let woke: serde_json::Value = serde_json::from_slice(&waiter.join().unwrap().body).unwrap();
    assert!(woke["version"].as_u64().unwrap() > v1, "{woke}");
    assert_eq!(woke["stale"], true, "{woke}");
    let other = server.get(&format!("/__irbook/wait?g=0&v={v1}&p=/nl/phases/after.html"));
    let other: serde_json::Value = serde_json::from_slice(&other.body).unwrap();
    assert_eq!(other["stale"], false, "a page the edit did not change does not reload: {other}");

    let html = wait_for_page(&server, "/en/phases/first.html", "What now, edited while serving");
    assert!(html.contains(r#"id="what-now-edited-while-serving""#), "{html}");
    // The search index of that language changes with the page.
    server.wait_for_output(
        "1 page changed, 1 other file changed: assets/en/search-index.js, en/phases/first.html",
        Duration::from_secs(10),
    );
    let v2 = server.status()["version"].as_u64().unwrap();

    // A broken link: the error is reported with its place, the page stays as it was.
    edit(&page, "(step:isolate)", "(step:isolat)");
    let broken = server.wait_status("the error is reported", |s| s["ok"] == false);
    assert_eq!(broken["version"].as_u64().unwrap(), v2, "the site did not change");
    let problem = broken["problems"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["severity"] == "error")
        .cloned()
        .expect("an error in the status");
    assert_eq!(problem["file"], "phases/01-first.en.md");
    assert!(problem["line"].as_u64().unwrap() > 0 && problem["column"].as_u64().unwrap() > 0, "{problem}");
    assert!(problem["message"].as_str().unwrap().contains("isolat"), "{problem}");
    assert!(problem["hint"].as_str().unwrap_or("").contains("isolate"), "{problem}");
    let still = server.get("/en/phases/first.html").text();
    assert!(still.contains("What now, edited while serving"), "{still}");
    let err = server.wait_for_errors("Build failed: 1 error", Duration::from_secs(10));
    assert!(err.contains("error: phases/01-first.en.md:"), "{err}");

    // Fixed: the status is good again and the page shows the new text.
    edit(&page, "(step:isolat)", "(step:isolate)");
    edit(&page, "edited while serving", "fixed");
    server.wait_status("the fix is built", |s| s["ok"] == true);
    wait_for_page(&server, "/en/phases/first.html", "What now, fixed");
}

#[test]
fn saving_an_unchanged_file_reloads_nothing() {
    let (tmp, root) = content_copy();
    let mut server = Server::start(&[root.to_str().unwrap(), "--port", "0"], tmp.path());
    let before = server.status();
    let page = root.join("phases/02-after.md");
    let text = std::fs::read(&page).unwrap();
    std::thread::sleep(Duration::from_millis(20));
    std::fs::write(&page, &text).unwrap();
    server.wait_for_output("nothing changed", Duration::from_secs(20));
    let after = server.status();
    assert_eq!(before["version"], after["version"]);
    assert_eq!(before["generation"], after["generation"]);
}

#[test]
fn a_new_page_appears_and_a_removed_one_goes() {
    let (tmp, root) = content_copy();
    let server = Server::start(&[root.to_str().unwrap(), "--port", "0"], tmp.path());
    assert_eq!(server.get("/nl/guides/new.html").status, 404);
    std::fs::write(root.join("pages/guides/new.nl.md"), "---\ntitle: Nieuwe gids\n---\nNieuw hier.\n").unwrap();
    wait_for_page(&server, "/nl/guides/new.html", "Nieuw hier.");
    // Its section lists it on the other pages too.
    wait_for_page(&server, "/nl/guides/log.html", "Nieuwe gids");
    std::fs::remove_file(root.join("pages/guides/new.nl.md")).unwrap();
    let start = Instant::now();
    while server.get("/nl/guides/new.html").status != 404 {
        assert!(start.elapsed() < Duration::from_secs(20), "the removed page is still served");
        std::thread::sleep(Duration::from_millis(25));
    }
}

#[test]
fn starts_with_broken_content_and_recovers() {
    let (tmp, root) = content_copy();
    let page = root.join("phases/01-first.en.md");
    edit(&page, "(step:isolate)", "(step:isolat)");
    let mut server = Server::start(&[root.to_str().unwrap(), "--port", "0"], tmp.path());
    let r = server.get("/en/phases/first.html");
    assert_eq!(r.status, 503);
    assert!(r.text().contains("The handbook has errors"));
    assert!(r.text().contains("/__irbook/live.js"), "the error page shows the problems through the script");
    let s = server.status();
    assert_eq!((s["ok"].as_bool(), s["has_site"].as_bool()), (Some(false), Some(false)));
    server.wait_for_errors("error: phases/01-first.en.md:", Duration::from_secs(10));
    edit(&page, "(step:isolat)", "(step:isolate)");
    wait_for_page(&server, "/en/phases/first.html", "What now");
    assert_eq!(server.get("/en/phases/first.html").status, 200);
}

#[test]
fn takes_the_next_port_when_the_asked_one_is_taken() {
    let (tmp, root) = content_copy();
    let taken = TcpListener::bind(("127.0.0.1", 0)).unwrap();
    let port = taken.local_addr().unwrap().port();
    let server = Server::start(&[root.to_str().unwrap(), "--port", &port.to_string()], tmp.path());
    assert_ne!(server.port, port);
    assert!(server.stdout().contains(&format!("Port {port} is in use; using {} instead.", server.port)));
    assert_eq!(server.get("/").status, 200);
}

#[test]
fn serves_the_built_in_handbook_without_watching() {
    let tmp = tempfile::tempdir().unwrap();
    let mut server = Server::start(&["--port", "0"], tmp.path());
    assert!(server.stdout().contains("Serving the built-in handbook at"), "{}", server.stdout());
    // Printed just after the address line: wait for it rather than race it.
    let out = server.wait_for_output("no files to watch", Duration::from_secs(20));
    assert!(out.contains("no files to watch"), "{out}");
    assert_eq!(server.get("/en/index.html").status, 200);
}

#[test]
fn a_missing_folder_is_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    let o = run(&["serve", "no-such-folder", "--port", "0"], tmp.path());
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("no-such-folder: this folder does not exist"), "{}", stderr(&o));
}

/// The live-reload script belongs to `serve` only: a built site never mentions it.
#[test]
fn a_built_site_has_no_live_reload() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("site");
    let o = run(&["build", repo().join("content").to_str().unwrap(), "-o", out.to_str().unwrap()], tmp.path());
    assert!(o.status.success(), "{}", stderr(&o));
    let files = snapshot(&out);
    assert!(files.len() > 50);
    for (path, bytes) in files {
        assert!(!String::from_utf8_lossy(&bytes).contains("__irbook"), "{path} mentions the live-reload script");
        assert!(!String::from_utf8_lossy(&bytes).contains("connect-src 'self'"), "{path} allows connections");
    }
}

#[test]
fn a_client_variant_reloads_when_its_base_changes() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixture("minimal"), &dir.path().join("base"));
    std::fs::create_dir(dir.path().join("client")).unwrap();
    std::fs::write(dir.path().join("client/handbook.yaml"), "extends: ../base\norganisation: Klant BV\n").unwrap();
    let server = Server::start(&["client", "--port", "0"], dir.path());
    assert!(String::from_utf8_lossy(&server.get("/nl/index.html").body).contains("Klant BV"));
    // An edit in the base layer reaches the variant.
    edit(&dir.path().join("base/phases/02-after.md"), "Evalueer.", "Evalueer met de klant.");
    wait_for_page(&server, "/nl/phases/after.html", "Evalueer met de klant.");
    // The variant overrides the file: its own version wins from then on.
    std::fs::create_dir_all(dir.path().join("client/phases")).unwrap();
    std::fs::write(
        dir.path().join("client/phases/02-after.md"),
        "---\nid: after\ntitle: Nazorg\norder: 2\n---\nAlleen bij de klant.\n",
    )
    .unwrap();
    wait_for_page(&server, "/nl/phases/after.html", "Alleen bij de klant.");
}

/// Hundreds of connections that never send a request (a port scanner, a
/// browser's spare sockets, a hostile page) must not stop the server: they
/// are closed after a short wait, and real requests are answered meanwhile
/// or right after.
#[test]
fn idle_connections_do_not_lock_the_server_out() {
    let (tmp, root) = content_copy();
    let server = Server::start(&[root.to_str().unwrap(), "--port", "0"], tmp.path());
    assert_eq!(server.get("/").status, 200);
    let idle: Vec<TcpStream> = (0..400).filter_map(|_| TcpStream::connect(("127.0.0.1", server.port)).ok()).collect();
    assert!(idle.len() >= 300, "opened {} idle connections", idle.len());
    let started = Instant::now();
    let r = server.get("/nl/index.html");
    assert_eq!(r.status, 200);
    assert!(started.elapsed() < Duration::from_secs(30), "answered after {:?}", started.elapsed());
    drop(idle);
    let started = Instant::now();
    assert_eq!(server.get("/en/index.html").status, 200);
    assert!(started.elapsed() < Duration::from_secs(5));
}

/// A folder linked in from outside the content is never served, not even
/// while the rest of the handbook is fine.
#[cfg(unix)]
#[test]
fn a_folder_linked_from_outside_is_not_served() {
    let (tmp, root) = content_copy();
    let outside = tmp.path().join("outside");
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::write(outside.join("secret.txt"), "not for the site").unwrap();
    std::os::unix::fs::symlink(&outside, root.join("static/ext")).unwrap();
    let mut server = Server::start(&[root.to_str().unwrap(), "--port", "0"], tmp.path());
    server.wait_for_errors(
        "error: static/ext: this symbolic link points outside the content folder",
        Duration::from_secs(10),
    );
    let r = server.get("/static/ext/secret.txt");
    assert_ne!(r.status, 200);
    assert!(!r.text().contains("not for the site"));
}
