//! A small HTTP/1.1 server for `irbook serve` (GET and HEAD, a fixed pool of
//! worker threads), answering from the site held in memory, plus the endpoints of
//! the live-reload script:
//!
//! - `/__irbook/live.js`: the script, added to every page served here (and
//!   never to a built site);
//! - `/__irbook/status`: the last build's status as JSON;
//! - `/__irbook/wait?g=GEN&v=VERSION&p=PATH`: the same, once the status
//!   differs from generation `GEN` (long poll); `stale` says whether the page
//!   at `PATH`, served at `VERSION`, should reload.
//!
//! Paths are only looked up as keys of the site map, so no request can reach
//! a file on disk. Requests must name 127.0.0.1 or localhost as their host,
//! so that a web page elsewhere cannot read the handbook by pointing its own
//! domain name at this machine (DNS rebinding).

use super::Shared;
use crate::web::url::{media_type, percent_decode_strict};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::time::Duration;

const LIVE_JS: &str = include_str!("live.js");
/// A long poll answers after this long even when nothing changed, so that
/// proxies and the browser never see a request hang for minutes.
const WAIT: Duration = Duration::from_secs(25);
/// An idle keep-alive connection (or one that sends its request slowly) is
/// closed after this long, so idle sockets cannot hold the workers.
const IDLE: Duration = Duration::from_secs(5);
const MAX_LINE: u64 = 8 * 1024;
const MAX_HEADERS: usize = 100;

/// Connections handled at once. Each open page holds one for its long poll,
/// so this is many tabs' worth; more waiting connections queue up to
/// [`QUEUE`], and beyond that get a 503 at once instead of a new thread.
const WORKERS: usize = 64;
const QUEUE: usize = 512;
/// A new connection must send its request within this long: browsers open
/// spare connections they may never use, and each holds a worker meanwhile.
const FIRST_REQUEST: Duration = Duration::from_secs(2);

pub fn serve(listener: TcpListener, shared: Arc<Shared>) {
    let (tx, rx) = std::sync::mpsc::sync_channel::<TcpStream>(QUEUE);
    let rx = Arc::new(std::sync::Mutex::new(rx));
    let mut workers = 0;
    for n in 0..WORKERS {
        let (rx, shared) = (Arc::clone(&rx), Arc::clone(&shared));
        let spawned = std::thread::Builder::new().name(format!("irbook-serve-{n}")).spawn(move || loop {
            let next = rx.lock().unwrap_or_else(|e| e.into_inner()).recv();
            match next {
                Ok(stream) => {
                    let _ = connection(stream, &shared);
                }
                Err(_) => return,
            }
        });
        workers += usize::from(spawned.is_ok());
    }
    for stream in listener.incoming() {
        let Ok(stream) = stream else { continue };
        if workers == 0 {
            // The system would not give us a single thread: answer in line.
            let _ = connection(stream, &shared);
            continue;
        }
        if let Err(std::sync::mpsc::TrySendError::Full(stream) | std::sync::mpsc::TrySendError::Disconnected(stream)) =
            tx.try_send(stream)
        {
            busy(stream);
        }
    }
}

/// Answers a connection the pool has no room for, without reading it.
fn busy(mut stream: TcpStream) {
    let _ = stream.set_write_timeout(Some(Duration::from_secs(1)));
    let resp = Response::new(503, "text/plain; charset=utf-8", "The preview server is busy; reload in a moment.");
    let _ = write_response(&mut stream, &resp, false, false);
}

struct Request {
    head: bool,
    target: String,
    keep_alive: bool,
    host: Option<String>,
}

struct Response {
    status: u16,
    content_type: std::borrow::Cow<'static, str>,
    body: Vec<u8>,
    location: Option<String>,
}

impl Response {
    fn new(status: u16, content_type: impl Into<std::borrow::Cow<'static, str>>, body: impl Into<Vec<u8>>) -> Response {
        Response { status, content_type: content_type.into(), body: body.into(), location: None }
    }
}

fn connection(stream: TcpStream, shared: &Shared) -> std::io::Result<()> {
    stream.set_read_timeout(Some(FIRST_REQUEST))?;
    let _ = stream.set_nodelay(true);
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut out = stream;
    loop {
        let req = match read_request(&mut reader) {
            Ok(Some(r)) => r,
            Ok(None) => return Ok(()),
            Err(status) => {
                let resp = Response::new(status, "text/plain; charset=utf-8", reason(status));
                return write_response(&mut out, &resp, false, false);
            }
        };
        let resp = if req.host.as_deref().is_some_and(|h| !local_host(h)) {
            Response::new(
                403,
                "text/plain; charset=utf-8",
                "This server only answers requests for 127.0.0.1 or localhost.",
            )
        } else {
            respond(&req.target, shared)
        };
        write_response(&mut out, &resp, req.head, req.keep_alive)?;
        if !req.keep_alive {
            return Ok(());
        }
        out.set_read_timeout(Some(IDLE))?;
    }
}

/// Reads one request head; `Ok(None)` when the client closed the connection,
/// `Err(status)` for a request this server does not take.
fn read_request(reader: &mut BufReader<TcpStream>) -> Result<Option<Request>, u16> {
    let mut line = String::new();
    match reader.by_ref().take(MAX_LINE).read_line(&mut line) {
        Ok(0) | Err(_) => return Ok(None),
        Ok(_) => {}
    }
    let mut parts = line.split_whitespace();
    let (Some(method), Some(target), Some(version)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(400);
    };
    let (method, target, version) = (method.to_string(), target.to_string(), version.to_string());
    let mut keep_alive = version == "HTTP/1.1";
    let mut has_body = false;
    let mut host = None;
    for _ in 0..MAX_HEADERS {
        line.clear();
        match reader.by_ref().take(MAX_LINE).read_line(&mut line) {
            Ok(0) | Err(_) => return Ok(None),
            Ok(_) => {}
        }
        let l = line.trim_end();
        if l.is_empty() {
            if method != "GET" && method != "HEAD" {
                return Err(405);
            }
            if has_body {
                return Err(400);
            }
            return Ok(Some(Request { head: method == "HEAD", target, keep_alive, host }));
        }
        let Some((name, value)) = l.split_once(':') else { return Err(400) };
        let (name, value) = (name.trim().to_ascii_lowercase(), value.trim().to_ascii_lowercase());
        match name.as_str() {
            "connection" if value == "close" => keep_alive = false,
            "connection" if value == "keep-alive" => keep_alive = true,
            "content-length" if value != "0" => has_body = true,
            "transfer-encoding" => has_body = true,
            "host" => host = Some(value),
            _ => {}
        }
    }
    Err(431)
}

fn write_response(out: &mut TcpStream, resp: &Response, head: bool, keep_alive: bool) -> std::io::Result<()> {
    let mut h = format!(
        "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: {}\r\n",
        resp.status,
        reason(resp.status),
        resp.content_type,
        resp.body.len(),
        if keep_alive { "keep-alive" } else { "close" },
    );
    if resp.status == 405 {
        h.push_str("Allow: GET, HEAD\r\n");
    }
    if let Some(loc) = &resp.location {
        h.push_str(&format!("Location: {loc}\r\n"));
    }
    h.push_str("\r\n");
    let mut buf = h.into_bytes();
    if !head {
        buf.extend_from_slice(&resp.body);
    }
    out.write_all(&buf)?;
    out.flush()
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        400 => "Bad Request",
        404 => "Not Found",
        403 => "Forbidden",
        405 => "Method Not Allowed",
        431 => "Request Header Fields Too Large",
        503 => "Service Unavailable",
        _ => "Error",
    }
}

fn respond(target: &str, shared: &Shared) -> Response {
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let Some(path) = percent_decode_strict(path) else {
        return Response::new(400, "text/plain; charset=utf-8", "Bad Request");
    };
    match path.as_str() {
        "/__irbook/live.js" => return Response::new(200, "text/javascript; charset=utf-8", LIVE_JS),
        "/__irbook/status" => {
            let s = shared.lock();
            return json(&s.status_json(&shared.instance, None));
        }
        "/__irbook/wait" => return wait(query, shared),
        _ => {}
    }
    let key = page_key(&path);
    let (files, version, has_errors) = {
        let s = shared.lock();
        (s.files.clone(), s.version, !s.ok)
    };
    if files.is_empty() {
        // No build has succeeded yet: a page whose script shows the errors.
        let body = message_page(
            "The handbook has errors",
            "It will appear here as soon as it builds. The problems are listed below and in the terminal.",
        );
        return Response::new(503, "text/html; charset=utf-8", inject(&body, version, &shared.instance));
    }
    if let Some(bytes) = files.get(&key) {
        let ct = media_type(&key);
        let body = if ct.starts_with("text/html") { inject(bytes, version, &shared.instance) } else { bytes.to_vec() };
        return Response::new(200, ct, body);
    }
    // A folder asked for without its slash: relative links need the slash.
    if !path.ends_with('/') && files.contains_key(&format!("{key}/index.html")) {
        let mut r = Response::new(301, "text/plain; charset=utf-8", "Moved Permanently");
        r.location = Some(format!("{path}/"));
        return r;
    }
    let hint = if has_errors {
        "The last change did not build; this page may be part of the version that is waiting to build."
    } else {
        "There is no page at this address. Go to the start page."
    };
    let body = message_page("Page not found", hint);
    Response::new(404, "text/html; charset=utf-8", inject(&body, version, &shared.instance))
}

/// A `Host` header naming this machine's loopback address, with any port.
fn local_host(host: &str) -> bool {
    let name = match host.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(""),
        None => host.rsplit_once(':').map_or(host, |(h, _)| h),
    };
    matches!(name, "127.0.0.1" | "localhost" | "::1")
}

/// `/` → `index.html`, `/en/` → `en/index.html`, `/en/faq.html` → `en/faq.html`.
pub(crate) fn page_key(path: &str) -> String {
    let trimmed = path.trim_start_matches('/');
    if trimmed.is_empty() || trimmed.ends_with('/') {
        format!("{trimmed}index.html")
    } else {
        trimmed.to_string()
    }
}

fn wait(query: &str, shared: &Shared) -> Response {
    let mut generation = 0;
    let mut version = 0;
    let mut page = String::new();
    for pair in query.split('&') {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        match k {
            "g" => generation = v.parse().unwrap_or(0),
            "v" => version = v.parse().unwrap_or(0),
            "p" => page = percent_decode_strict(v).map(|p| page_key(&p)).unwrap_or_default(),
            _ => {}
        }
    }
    let guard = shared.lock();
    let (s, _) = shared
        .changed
        .wait_timeout_while(guard, WAIT, |s| s.generation == generation)
        .unwrap_or_else(|e| e.into_inner());
    json(&s.status_json(&shared.instance, Some((&page, version))))
}

fn json(v: &serde_json::Value) -> Response {
    Response::new(200, "application/json", serde_json::to_vec(v).unwrap_or_default())
}

/// Adds the live-reload script to a page and lets it talk to this server:
/// the page's CSP allows no connections at all, which is right for the built
/// site, so only here `connect-src` becomes `'self'`.
pub(crate) fn inject(html: &[u8], version: u64, instance: &str) -> Vec<u8> {
    let html = String::from_utf8_lossy(html);
    let html = html.replacen("connect-src 'none'", "connect-src 'self'", 1);
    let tag = format!(
        "<script src=\"/__irbook/live.js\" data-version=\"{version}\" data-instance=\"{}\"></script>\n",
        crate::render::escape_html(instance)
    );
    let at = html.rfind("</body>").unwrap_or(html.len());
    let mut out = String::with_capacity(html.len() + tag.len());
    out.push_str(&html[..at]);
    out.push_str(&tag);
    out.push_str(&html[at..]);
    out.into_bytes()
}

/// A plain page for answers that are not part of the site (404, no build yet).
fn message_page(title: &str, text: &str) -> Vec<u8> {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta http-equiv=\"Content-Security-Policy\" content=\"{}\">\n<title>{title}</title>\n</head>\n<body>\n<main>\n<h1>{title}</h1>\n<p>{text}</p>\n<p><a href=\"/\">Start page</a></p>\n</main>\n</body>\n</html>\n",
        crate::render::CSP
    )
    .into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_urls_to_output_paths() {
        assert_eq!(page_key("/"), "index.html");
        assert_eq!(page_key("/en/"), "en/index.html");
        assert_eq!(page_key("/en/faq.html"), "en/faq.html");
        assert_eq!(percent_decode_strict("/nl/caf%C3%A9.html").as_deref(), Some("/nl/café.html"));
        assert_eq!(percent_decode_strict("/bad%FF"), None);
    }

    #[test]
    fn injects_the_script_and_opens_connect_src() {
        let page = format!("<html><head><meta http-equiv=\"Content-Security-Policy\" content=\"{}\"></head><body><p>x</p></body></html>", crate::render::CSP);
        let out = String::from_utf8(inject(page.as_bytes(), 7, "abc")).unwrap();
        assert!(out.contains("connect-src 'self'") && !out.contains("connect-src 'none'"));
        assert!(out
            .contains("<script src=\"/__irbook/live.js\" data-version=\"7\" data-instance=\"abc\"></script>\n</body>"));
        assert!(!out.contains("script-src 'unsafe-inline'"));
    }

    #[test]
    fn only_loopback_host_names() {
        for ok in ["127.0.0.1:8000", "localhost:8001", "localhost", "[::1]:8000", "127.0.0.1"] {
            assert!(local_host(ok), "{ok}");
        }
        for bad in ["evil.example:8000", "127.0.0.1.evil.example", "192.168.1.5:8000", ""] {
            assert!(!local_host(bad), "{bad}");
        }
    }
}
