//! Hostile input that cannot live as files in tests/bad-input/: a 100 MB file,
//! symbolic-link loops and links out of the content folder, markup payloads
//! that must come out inert, an answers file with every wrong type — and the
//! promise that irbook writes nothing outside its output folder.

mod common;
use common::*;
use std::fs;
use std::path::Path;

/// Builds `content` into `public` next to it, over a previous good site, and
/// checks it fails with exit 1, prints `want`, and leaves the old site as it was.
fn fails_and_keeps_previous(tmp: &Path, want: &str) {
    let good = tmp.join("public");
    let o = run(&["build", fixture("minimal").to_str().unwrap(), "-o", "public", "-q"], tmp);
    assert!(o.status.success(), "{}", stderr(&o));
    let before = snapshot(&good);
    let o = run(&["build", "content", "-o", "public"], tmp);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains(want), "missing {want:?} in:\n{err}");
    assert!(snapshot(&good) == before, "the previous site changed");
}

fn content(tmp: &Path) -> std::path::PathBuf {
    let c = tmp.join("content");
    copy_dir(&fixture("minimal"), &c);
    c
}

#[test]
fn a_100_mb_file_is_refused_without_reading_it() {
    let tmp = tempfile::tempdir().unwrap();
    let c = content(tmp.path());
    let f = fs::File::create(c.join("pages/huge.md")).unwrap();
    f.set_len(100 * 1024 * 1024).unwrap(); // sparse: no 100 MB of disk needed
    let started = std::time::Instant::now();
    fails_and_keeps_previous(tmp.path(), "error: pages/huge.md: this file is too large (100 MB; the limit is 5 MB)");
    assert!(started.elapsed().as_secs() < 20, "refusing a big file must not take long");
}

#[cfg(unix)]
#[test]
fn symlink_loops_and_links_out_of_the_folder_are_errors() {
    use std::os::unix::fs::symlink;
    let tmp = tempfile::tempdir().unwrap();
    let c = content(tmp.path());
    symlink(&c, c.join("pages/loop")).unwrap();
    fs::write(tmp.path().join("secret.md"), "---\ntitle: Geheim\n---\nniet voor de site\n").unwrap();
    symlink(tmp.path().join("secret.md"), c.join("pages/secret.md")).unwrap();
    fails_and_keeps_previous(
        tmp.path(),
        "error: pages/loop: this symbolic link points back to a folder that contains it (a loop)",
    );
    let err = stderr(&run(&["check", "content"], tmp.path()));
    assert!(err.contains("error: pages/secret.md: this symbolic link points outside the content folder"), "{err}");
}

#[test]
fn output_inside_the_content_folder_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    content(tmp.path());
    let o = run(&["build", "content", "-o", "content/public"], tmp.path());
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("would be inside the handbook folder"), "{}", stderr(&o));
    assert!(!tmp.path().join("content/public").exists());
    let o = run(&["build", "content", "-o", "."], tmp.path());
    assert_eq!(o.status.code(), Some(1), "the folder around the content is refused too: {}", stderr(&o));
}

#[test]
fn markup_payloads_come_out_inert() {
    let tmp = tempfile::tempdir().unwrap();
    let c = content(tmp.path());
    fs::write(
        c.join("pages/payload.nl.md"),
        "---\ntitle: \"<img src=x onerror=alert(1)>Titel\"\n---\n\
         <script>alert('md')</script>\n\n<svg onload=alert(2)><circle/></svg>\n\n\
         <a href=\"javascript:alert(3)\" onclick=\"alert(4)\">x</a>\n\n\
         [link](payload.nl.md \"\\\" onmouseover=\\\"alert(5)\")\n",
    )
    .unwrap();
    let pb = c.join("playbooks/lost.yaml");
    let text = fs::read_to_string(&pb).unwrap().replace(
        "title: {nl: Evalueer, en: Evaluate}",
        "title: {nl: \"<script>alert(6)</script>\", en: \"<b onmouseover=alert(7)>x</b>\"}",
    );
    fs::write(&pb, text).unwrap();
    fs::write(c.join("static/evil.svg"), "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(8)</script></svg>")
        .unwrap();
    let o = run(&["build", "content", "-o", "public", "-q"], tmp.path());
    assert!(o.status.success(), "payloads are text, not errors: {}", stderr(&o));
    for (path, bytes) in snapshot(&tmp.path().join("public")) {
        if !path.ends_with(".html") {
            continue;
        }
        let html = String::from_utf8(bytes).unwrap();
        // Escaped text may still read `onclick="…"`; what must never appear is a live tag or attribute.
        for (raw, tag) in tags(&html) {
            let lower = tag.to_ascii_lowercase();
            assert!(!lower.starts_with("<svg") && !raw.starts_with("<img src=x"), "{path}: live tag {raw}");
            assert!(!raw.to_ascii_lowercase().contains("javascript:"), "{path}: {raw}");
            let attr_on = lower.split_whitespace().skip(1).any(|a| a.starts_with("on") && a.contains('='));
            assert!(!attr_on, "{path}: event handler in {tag}");
        }
        // The only scripts are the site's own files.
        for (i, _) in html.match_indices("<script") {
            assert!(html[i..].starts_with("<script src=\""), "{path}: inline script at {i}");
        }
    }
    let page = fs::read_to_string(tmp.path().join("public/nl/payload.html")).unwrap();
    assert!(
        page.contains("&lt;script&gt;alert(&#x27;md&#x27;)&lt;&#x2F;script&gt;") || page.contains("&lt;script&gt;"),
        "shown as text"
    );
    // An SVG in static/ is copied as a file; pages show it only through <img>, where scripts do not run.
    assert!(tmp.path().join("public/static/evil.svg").is_file());
}

/// Every real tag of a page (`<` followed by a letter, up to `>`); escaped
/// text (`&lt;…`) is not a tag. Quoted attribute values are skipped over.
fn tags(html: &str) -> Vec<(String, String)> {
    let b = html.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'<' && b.get(i + 1).is_some_and(|c| c.is_ascii_alphabetic()) {
            let start = i;
            let mut quote = None;
            while i < b.len() {
                match (quote, b[i]) {
                    (None, b'"' | b'\'') => quote = Some(b[i]),
                    (Some(q), c) if c == q => quote = None,
                    (None, b'>') => break,
                    _ => {}
                }
                i += 1;
            }
            // Attribute values are irbook's own or escaped; drop them so text inside cannot match.
            let tag = &html[start..i.min(html.len())];
            let mut plain = String::new();
            let mut q = None;
            for c in tag.chars() {
                match (q, c) {
                    (None, '"' | '\'') => q = Some(c),
                    (Some(x), c) if c == x => q = None,
                    (None, c) => plain.push(c),
                    _ => {}
                }
            }
            out.push((tag.to_string(), plain));
        }
        i += 1;
    }
    out
}

#[test]
fn nothing_is_written_outside_the_output_folder() {
    let tmp = tempfile::tempdir().unwrap();
    content(tmp.path());
    fs::write(tmp.path().join("keep.txt"), "mine").unwrap();
    let before =
        fs::read_dir(tmp.path()).unwrap().map(|e| e.unwrap().file_name()).collect::<std::collections::BTreeSet<_>>();
    let content_before = snapshot(&tmp.path().join("content"));
    for args in [
        vec!["build", "content", "-o", "public", "-q"],
        vec!["check", "content"],
        vec!["build", "content", "--single-file", "hb.html", "-q"],
    ] {
        let o = run(&args, tmp.path());
        assert!(o.status.success(), "{args:?}: {}", stderr(&o));
    }
    // A failing build leaves no temporary folder behind.
    fs::write(tmp.path().join("content/playbooks/broken.yaml"), "id: [\n").unwrap();
    assert_eq!(run(&["build", "content", "-o", "public"], tmp.path()).status.code(), Some(1));
    fs::remove_file(tmp.path().join("content/playbooks/broken.yaml")).unwrap();
    let after =
        fs::read_dir(tmp.path()).unwrap().map(|e| e.unwrap().file_name()).collect::<std::collections::BTreeSet<_>>();
    let added: Vec<_> = after.difference(&before).collect();
    assert_eq!(
        added,
        ["hb.html", "public"].iter().map(std::ffi::OsString::from).collect::<Vec<_>>().iter().collect::<Vec<_>>()
    );
    assert!(snapshot(&tmp.path().join("content")) == content_before, "the content folder is never written");
    assert_eq!(fs::read_to_string(tmp.path().join("keep.txt")).unwrap(), "mine");
}

#[test]
fn an_answers_file_with_every_wrong_type() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("answers.yaml");
    fs::write(
        &file,
        "personal_data: 3\n\
         subjects: lots\n\
         affected: confidentiality\n\
         cause: [ransomware]\n\
         jurisdiction: {nl: true}\n\
         unavailable_hours: -2\n\
         backup: maybe\n\
         no_such_question: yes\n",
    )
    .unwrap();
    let o = plan_triage(&file, &[], tmp.path());
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    // (`affected: confidentiality`, one value for a multiple choice, is read as a list of one.)
    for q in ["personal_data", "subjects", "cause", "jurisdiction", "unavailable_hours", "backup", "no_such_question"] {
        assert!(err.contains(q), "no problem reported for `{q}`:\n{err}");
    }
    assert!(!err.contains("panicked"), "{err}");
    for bad in ["[]", "42", "\"text\"", "null", "{answers: 7}"] {
        fs::write(&file, bad).unwrap();
        let o = plan_triage(&file, &[], tmp.path());
        assert!(matches!(o.status.code(), Some(0) | Some(1)), "{bad}: {:?} {}", o.status, stderr(&o));
        assert!(!stderr(&o).contains("panicked"), "{bad}: {}", stderr(&o));
        if o.status.code() == Some(0) {
            // An empty answers file is a valid start: every question still open.
            assert!(bad == "null", "{bad} must be refused: {}", stdout(&o));
        }
    }
}
