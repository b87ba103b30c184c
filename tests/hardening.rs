//! The findings of the hardening review (issue 12), each reproduced against
//! the real binary: panics on ordinary content, files leaking in through
//! links, things replaced that irbook did not make, unsafe output from
//! template overrides, runaway input, and answers accepted or misplaced.
//! (Cases that fit as plain files are in tests/bad-input/.)

mod common;
use common::*;
use std::fs;
use std::path::{Path, PathBuf};

fn content(tmp: &Path) -> PathBuf {
    let c = tmp.join("content");
    copy_dir(&fixture("minimal"), &c);
    c
}

fn append(path: &Path, text: &str) {
    let mut s = fs::read_to_string(path).unwrap();
    s.push_str(text);
    fs::write(path, s).unwrap();
}

/// No run of irbook may end in a panic (exit 101), whatever it was given.
fn no_panic(o: &std::process::Output) {
    assert_ne!(o.status.code(), Some(101), "irbook panicked:\n{}", stderr(o));
    assert!(!stderr(o).contains("panicked"), "{}", stderr(o));
}

#[test]
fn accents_next_to_escapes_and_references_build_check_and_make_a_single_file() {
    let tmp = tempfile::tempdir().unwrap();
    let c = content(tmp.path());
    fs::write(c.join("static/form%aé.pdf"), b"%PDF-1.4").unwrap();
    append(
        &c.join("phases/02-after.md"),
        "\nSee [the form](../static/form%25a%C3%A9.pdf) and [AP](https://autoriteitpersoonsgegevens.nl \"Q&A privé\").\n",
    );
    for args in [
        &["check", "content"][..],
        &["build", "content", "-o", "public"],
        &["build", "content", "--single-file", "hb.html"],
    ] {
        let o = run(args, tmp.path());
        no_panic(&o);
        assert!(o.status.success(), "{args:?}: {}", stderr(&o));
    }
    let page = fs::read_to_string(tmp.path().join("public/nl/phases/after.html")).unwrap();
    assert!(page.contains("title=\"Q&amp;A privé\""), "the title survives as written");
    let single = fs::read_to_string(tmp.path().join("hb.html")).unwrap();
    assert!(single.contains("Q&amp;A privé"));
}

#[cfg(unix)]
#[test]
fn folders_linked_from_outside_are_neither_published_nor_served() {
    use std::os::unix::fs::symlink;
    let tmp = tempfile::tempdir().unwrap();
    let outside = tmp.path().join("outside");
    fs::create_dir_all(&outside).unwrap();
    fs::write(outside.join("secret.txt"), "not for the site").unwrap();
    fs::write(outside.join("leak.nl.md"), "---\ntitle: Geheim\n---\nniet voor de site\n").unwrap();
    for (link, want) in [("static/ext", "error: static/ext:"), ("pages/ext", "error: pages/ext:")] {
        let case = tmp.path().join(link.replace('/', "-"));
        let c = content(&case);
        symlink(&outside, c.join(link)).unwrap();
        let o = run(&["build", "content", "-o", "public"], &case);
        no_panic(&o);
        assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
        let err = stderr(&o);
        assert!(err.contains(want) && err.contains("points outside the content folder"), "{err}");
        assert!(!case.join("public").exists());
    }
    // A link to a folder inside the root is fine, and its files are published.
    let case = tmp.path().join("inside");
    let c = content(&case);
    fs::create_dir_all(c.join("static/real")).unwrap();
    fs::write(c.join("static/real/a.txt"), "ok").unwrap();
    symlink("real", c.join("static/alias")).unwrap();
    let o = run(&["build", "content", "-o", "public"], &case);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(fs::read_to_string(case.join("public/static/alias/a.txt")).unwrap(), "ok");
}

#[cfg(unix)]
#[test]
fn the_single_file_never_replaces_a_fifo_or_a_device() {
    let tmp = tempfile::tempdir().unwrap();
    content(tmp.path());
    let fifo = tmp.path().join("pipe.html");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    for target in [fifo.to_str().unwrap(), "/dev/null"] {
        let started = std::time::Instant::now();
        let o = run(&["build", "content", "--single-file", target], tmp.path());
        assert_eq!(o.status.code(), Some(1), "{target}: {}", stderr(&o));
        assert!(stderr(&o).contains("not a regular file"), "{}", stderr(&o));
        assert!(started.elapsed().as_secs() < 30, "it must not wait on the pipe");
    }
    use std::os::unix::fs::FileTypeExt;
    assert!(fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo());
    assert!(fs::metadata("/dev/null").unwrap().file_type().is_char_device());
}

#[cfg(unix)]
#[test]
fn output_through_a_link_replaces_the_folder_it_points_to_and_keeps_the_link() {
    let tmp = tempfile::tempdir().unwrap();
    content(tmp.path());
    let o = run(&["build", "content", "-o", "site-2026", "-q"], tmp.path());
    assert!(o.status.success(), "{}", stderr(&o));
    std::os::unix::fs::symlink("site-2026", tmp.path().join("public")).unwrap();
    let o = run(&["build", "content", "-o", "public", "-q"], tmp.path());
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(fs::symlink_metadata(tmp.path().join("public")).unwrap().file_type().is_symlink());
    assert!(tmp.path().join("site-2026/nl/index.html").is_file(), "the folder it pointed to is complete");
    assert!(tmp.path().join("site-2026/.irbook-output").is_file());
}

#[test]
fn output_into_any_layer_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let base = tmp.path().join("base");
    copy_dir(&fixture("minimal"), &base);
    let client = tmp.path().join("client");
    fs::create_dir_all(&client).unwrap();
    fs::write(client.join("handbook.yaml"), "title: Client\nextends: ../base\n").unwrap();
    for out in ["base/public", "client/public", "."] {
        let o = run(&["build", "client", "-o", out], tmp.path());
        no_panic(&o);
        assert_eq!(o.status.code(), Some(1), "{out}: {}", stderr(&o));
        assert!(stderr(&o).contains("handbook folder"), "{}", stderr(&o));
    }
    assert!(!base.join("public").exists());
}

#[cfg(unix)]
#[test]
fn an_interrupted_build_leaves_no_staging_folder_and_the_next_cleans_up() {
    let tmp = tempfile::tempdir().unwrap();
    let c = content(tmp.path());
    // Enough pages that the build is still running when it is interrupted.
    // (In sections of 30, as a real handbook would be: each page lists its section.)
    for i in 0..600 {
        let dir = c.join(format!("pages/s{}", i / 30));
        fs::create_dir_all(&dir).unwrap();
        fs::write(dir.join(format!("p{i}.md")), format!("---\ntitle: Page {i}\n---\n{}\n", "Text. ".repeat(50)))
            .unwrap();
    }
    let o = run(&["build", "content", "-o", "public", "-q"], tmp.path());
    assert!(o.status.success(), "{}", stderr(&o));
    let before = snapshot(&tmp.path().join("public"));
    let child = std::process::Command::new(bin())
        .args(["build", "content", "-o", "public", "-q"])
        .current_dir(tmp.path())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let staging = |tmp: &Path| {
        fs::read_dir(tmp)
            .unwrap()
            .filter_map(|e| e.ok())
            .any(|e| e.file_name().to_string_lossy().contains("irbook-new"))
    };
    // Interrupt once writing has begun.
    let started = std::time::Instant::now();
    while !staging(tmp.path()) && started.elapsed().as_secs() < 60 {
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let _ = std::process::Command::new("kill").args(["-INT", &child.id().to_string()]).status();
    let o = child.wait_with_output().unwrap();
    // A fast machine may finish first; then there is nothing to clean up.
    assert!(matches!(o.status.code(), Some(130) | Some(0)), "{:?} {}", o.status, stderr(&o));
    if o.status.code() == Some(130) {
        assert!(stderr(&o).contains("Interrupted"), "{}", stderr(&o));
        assert!(!staging(tmp.path()), "the interrupt handler removed the staging folder");
    }
    assert!(snapshot(&tmp.path().join("public")) == before, "the previous site is untouched");

    // A build killed outright (no handler runs) leaves its folder; the next build removes it.
    let stale = tmp.path().join(".public.irbook-new-4194999");
    fs::create_dir_all(stale.join("nl")).unwrap();
    let o = run(&["build", "content", "-o", "public", "-q"], tmp.path());
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!stale.exists());
}

#[test]
fn heading_attributes_cannot_inject_markup() {
    let tmp = tempfile::tempdir().unwrap();
    let c = content(tmp.path());
    append(&c.join("phases/02-after.md"), "\n## Hi {onmouseover=alert(1) style=color:red #main .ok}\n\n## Main\n");
    let o = run(&["build", "content", "-o", "public"], tmp.path());
    assert!(o.status.success(), "{}", stderr(&o));
    let page = fs::read_to_string(tmp.path().join("public/nl/phases/after.html")).unwrap();
    assert!(!page.contains("onmouseover") && !page.contains("color:red"), "attributes are dropped");
    assert_eq!(page.matches("id=\"main\"").count(), 1, "only the page's own main element has id=main");
    assert!(page.contains("<h2 id=\"main-2\" class=\"ok\">Hi"), "{}", &page[page.find("<h2").unwrap()..][..80]);
    assert!(page.contains("<h2 id=\"main-3\">Main"));
}

/// A template override that breaks a page rule fails the build, naming the file.
#[test]
fn template_overrides_cannot_weaken_the_pages() {
    let theme_base = fs::read_to_string(repo().join("themes/default/templates/base.html")).unwrap();
    let cases: [(&str, String, &str); 5] = [
        ("env", theme_base.replace("<title>", "<title>{{ get_env(name=\"HOME\") }}"), "`get_env` is switched off"),
        (
            "no-csp",
            theme_base.lines().filter(|l| !l.contains("Content-Security-Policy")).collect::<Vec<_>>().join("\n"),
            "no Content-Security-Policy meta tag",
        ),
        ("inline-script", theme_base.replace("</body>", "<script>alert(1)</script></body>"), "an inline <script>"),
        (
            "remote-image",
            theme_base.replace("</body>", "<img src=\"https://tracker.example/p.png\" alt=\"\"></body>"),
            "loads `https://tracker.example/p.png` from another host",
        ),
        ("handler", theme_base.replace("<body", "<body onload=\"x()\""), "event-handler attribute `onload`"),
    ];
    for (name, template, want) in cases {
        assert_ne!(template, theme_base, "{name}: the case changes the template");
        let tmp = tempfile::tempdir().unwrap();
        let c = content(tmp.path());
        fs::create_dir_all(c.join("templates")).unwrap();
        fs::write(c.join("templates/base.html"), template).unwrap();
        let o = run(&["build", "content", "-o", "public"], tmp.path());
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "{name}: {err}");
        assert!(err.contains("error: templates/base.html: ") && err.contains(want), "{name}: {err}");
        assert_eq!(err.matches(want).count(), 1, "{name}: reported once, not per page: {err}");
        assert!(!tmp.path().join("public").exists());
    }
}

#[test]
fn static_pages_are_published_with_a_warning() {
    let tmp = tempfile::tempdir().unwrap();
    let c = content(tmp.path());
    fs::write(c.join("static/old.html"), "<html><body><script>alert(1)</script></body></html>").unwrap();
    fs::write(c.join("static/icon.svg"), "<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"x()\"></svg>").unwrap();
    let o = run(&["build", "content", "-o", "public"], tmp.path());
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("warning: static/old.html: this page is published as it is"), "{err}");
    assert!(err.contains("warning: static/icon.svg: this SVG runs or loads something"), "{err}");
    assert!(tmp.path().join("public/static/old.html").is_file());
}

#[test]
fn answers_files_that_say_too_much_or_too_little() {
    let tmp = tempfile::tempdir().unwrap();
    let cases = [
        (
            "nan.yaml",
            "personal_data: yes\nunavailable_hours: .nan\nsubjects: -.inf\n",
            "nan.yaml:2:20: `unavailable_hours: .nan` is not a number",
        ),
        ("dup.yaml", "personal_data: yes\nsubjects: 10\nsubjects: 20\n", "dup.yaml:3:1: `subjects` is answered twice"),
        (
            "both.yaml",
            "answers:\n  personal_data: yes\nsubjects: 10\n",
            "`subjects` is answered at the top level, but the answers are under `answers:`",
        ),
        (
            "deep.yaml",
            &format!("subjects: {}{}\n", "[".repeat(100_000), "]".repeat(100_000)),
            "deep.yaml:1:75: brackets nest more than 64 levels deep",
        ),
    ];
    for (name, text, want) in cases {
        let f = tmp.path().join(name);
        fs::write(&f, text).unwrap();
        let o = plan_triage(&f, &[], tmp.path());
        no_panic(&o);
        assert_eq!(o.status.code(), Some(1), "{name}: {}", stderr(&o));
        assert!(stderr(&o).contains(want), "{name}: {}", stderr(&o));
    }
    // -inf is reported too, with its own place.
    let o = plan_triage(&tmp.path().join("nan.yaml"), &[], tmp.path());
    assert!(stderr(&o).contains("nan.yaml:3:11: `subjects: -.inf` is not a number"), "{}", stderr(&o));
    // Endless input stops at the size limit, quickly and in little memory.
    let started = std::time::Instant::now();
    let o = plan_triage(Path::new("/dev/zero"), &[], tmp.path());
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("the answers file is larger than 1 MB"), "{}", stderr(&o));
    assert!(started.elapsed().as_secs() < 10);
    // Metadata beside `answers:` (as in the EDPB case files) is fine.
    let f = tmp.path().join("meta.yaml");
    fs::write(&f, "expected: {notify_authority: yes}\nanswers:\n  personal_data: yes\n").unwrap();
    let o = plan_triage(
        &f,
        &["--discovered", "2026-11-23T09:30:00+01:00", "--now", "2026-11-23T10:00:00+01:00"],
        tmp.path(),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    // A discovery after "now" is allowed, with a warning.
    let o = plan_triage(
        &f,
        &["--discovered", "2026-11-24T09:30:00+01:00", "--now", "2026-11-23T10:00:00+01:00"],
        tmp.path(),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("warning: --discovered is later than --now"), "{}", stderr(&o));
}

/// Found by the second review: indentation nesting (no brackets) deep enough
/// to overflow the stack in the layer merge of handbook.yaml and contacts.yaml.
#[test]
fn deep_indentation_is_a_located_error_not_a_crash() {
    for file in ["handbook.yaml", "contacts.yaml"] {
        let tmp = tempfile::tempdir().unwrap();
        let c = content(tmp.path());
        let mut text = fs::read_to_string(c.join(file)).unwrap();
        text.push_str("branding:\n");
        for i in 1..3001 {
            text.push_str(&format!("{}k:\n", " ".repeat(i)));
        }
        fs::write(c.join(file), text).unwrap();
        let o = run(&["check", "content"], tmp.path());
        no_panic(&o);
        assert_eq!(o.status.code(), Some(1), "{file}: {}", stderr(&o));
        assert!(
            stderr(&o).contains(&format!("error: {file}:")) && stderr(&o).contains("nest more than 64 levels"),
            "{}",
            stderr(&o)
        );
    }
}

/// Found by the second review: `\` in a name became a folder on Unix, and
/// names that differ only in bytes that are not UTF-8 became one page.
#[cfg(unix)]
#[test]
fn file_names_must_be_text_without_backslashes() {
    use std::os::unix::ffi::OsStrExt;
    let tmp = tempfile::tempdir().unwrap();
    let c = content(tmp.path());
    let page = "---\ntitle: T\n---\nx\n";
    fs::write(c.join("pages/guides/a\\b.nl.md"), page).unwrap();
    fs::write(c.join("pages/guides").join(std::ffi::OsStr::from_bytes(b"bad\xff.nl.md")), page).unwrap();
    let o = run(&["check", "content"], tmp.path());
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("error: pages/guides/a\\b.nl.md: file names may not contain `\\`"), "{err}");
    assert!(err.contains("this file name is not valid UTF-8 text"), "{err}");
}
