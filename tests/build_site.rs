//! Building fixtures and the default handbook, and checking the pages a reader gets.

mod common;
use common::*;
use std::fs;

#[test]
fn builds_the_minimal_fixture_with_every_page_kind() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("site");
    let o = run(&["build", fixture("minimal").to_str().unwrap(), "-o", out.to_str().unwrap()], tmp.path());
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).starts_with("Built "), "{}", stdout(&o));
    for page in [
        "index.html",
        "nl/index.html",
        "en/index.html",
        "nl/phases/first.html",
        "nl/phases/after.html",
        "nl/playbooks/lost.html",
        "nl/playbooks/index.html",
        "nl/faq.html",
        "nl/sources.html",
        "nl/contacts.html",
        "nl/guides/index.html",
        "nl/guides/log.html",
        "nl/guides/call.html",
        "nl/assessments/quick.html",
        "assets/style.css",
        "assets/irbook.js",
        "assets/engine.js",
        "assets/nl/assessment-quick.js",
        "static/logo.svg",
    ] {
        assert!(out.join(page).is_file(), "missing {page}");
    }
    let phase = fs::read_to_string(out.join("nl/phases/first.html")).unwrap();
    // Links are rewritten to the output pages, relative to this page.
    assert!(phase.contains(r#"href="../playbooks/lost.html""#), "{phase}");
    assert!(phase.contains(r#"href="../guides/log.html""#));
    assert!(phase.contains(r#"href="../sources.html#src-gdpr-art33""#));
    assert!(phase.contains(r#"href="../contacts.html#contact-incident-lead""#));
    // Raw HTML in content is shown as text, never run.
    assert!(
        phase.contains("&lt;script&gt;alert(1)&lt;&#x2F;script&gt;")
            || phase.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{phase}"
    );
    assert!(!phase.contains("<script>alert"));
    // Heading anchors.
    assert!(phase.contains(r#"<h2 id="wat-nu">"#));
    // The English phase page is its own translation; the second phase falls back.
    let en = fs::read_to_string(out.join("en/phases/first.html")).unwrap();
    assert!(en.contains("First hour"));
    let fallback = fs::read_to_string(out.join("en/phases/after.html")).unwrap();
    assert!(fallback.contains("class=\"notice\""), "fallback pages say they are not translated");
}

#[test]
fn playbook_shows_both_tracks_with_owner_phone_and_due() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("site");
    let o = run(&["build", fixture("minimal").to_str().unwrap(), "-o", out.to_str().unwrap(), "--quiet"], tmp.path());
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).is_empty(), "--quiet prints nothing on success");
    let html = fs::read_to_string(out.join("en/playbooks/lost.html")).unwrap();
    assert!(html.contains("track track-admin") && html.contains("track track-technical"));
    assert!(html.contains(r#"id="step-isolate""#));
    assert!(html.contains(r#"href="tel:+31687654321""#), "owner phone as tel: link");
    assert!(html.contains("Alan Turing"));
    assert!(html.contains("within 1 hour"));
    // `due: window` takes the insurer's window from contacts.yaml.
    assert!(html.contains("within 24 hours"), "{html}");
    assert!(html.contains(r#"href="../sources.html#src-gdpr-art33""#));
}

#[test]
fn every_page_has_the_csp_and_only_relative_links() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("site");
    let o = run(&["build", fixture("minimal").to_str().unwrap(), "-o", out.to_str().unwrap()], tmp.path());
    assert!(o.status.success(), "{}", stderr(&o));
    let pages: Vec<_> = snapshot(&out).into_iter().filter(|(p, _)| p.ends_with(".html")).collect();
    assert!(pages.len() > 20);
    for (path, bytes) in pages {
        let html = String::from_utf8(bytes).unwrap();
        assert!(html.contains(r#"<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'self' 'wasm-unsafe-eval'"#), "{path}");
        // No inline scripts: every <script> has a src.
        for (i, _) in html.match_indices("<script") {
            assert!(html[i..].starts_with("<script src="), "{path}: inline script");
        }
        // Nothing is loaded from another host, and no link is absolute to the site root.
        for attr in ["src=\"http", "src=\"//", "href=\"/"] {
            assert!(!html.contains(attr), "{path} contains {attr}");
        }
        assert!(!html.contains("<link rel=\"stylesheet\" href=\"http"), "{path}");
    }
}

#[test]
fn output_is_byte_identical_across_builds() {
    let tmp = tempfile::tempdir().unwrap();
    let a = tmp.path().join("a");
    let b = tmp.path().join("b");
    for out in [&a, &b] {
        let o =
            run(&["build", fixture("minimal").to_str().unwrap(), "-o", out.to_str().unwrap(), "--quiet"], tmp.path());
        assert!(o.status.success(), "{}", stderr(&o));
    }
    assert_eq!(snapshot(&a), snapshot(&b));
}

/// The default handbook from two checkout paths, with one and with two
/// rendering threads: the folder and the single file are byte-identical.
#[test]
fn output_is_identical_across_threads_and_checkout_paths() {
    let tmp = tempfile::tempdir().unwrap();
    let mut sites = Vec::new();
    let mut singles = Vec::new();
    for (i, (checkout, threads)) in
        [("one/content", "1"), ("elsewhere/deeper/content", "2"), ("one/content", "2")].iter().enumerate()
    {
        let content = tmp.path().join(checkout);
        if !content.exists() {
            copy_dir(&repo().join("content"), &content);
        }
        let out = tmp.path().join(format!("site{i}"));
        let single = tmp.path().join(format!("single{i}.html"));
        for args in [
            vec!["build", content.to_str().unwrap(), "-o", out.to_str().unwrap(), "-q"],
            vec!["build", content.to_str().unwrap(), "--single-file", single.to_str().unwrap(), "-q"],
        ] {
            let o = std::process::Command::new(bin())
                .args(&args)
                .current_dir(tmp.path())
                .env("RAYON_NUM_THREADS", threads)
                .output()
                .unwrap();
            assert!(o.status.success(), "{}", stderr(&o));
        }
        sites.push(snapshot(&out));
        singles.push(std::fs::read(&single).unwrap());
    }
    assert!(sites[0].len() > 60);
    assert!(sites[0] == sites[1] && sites[1] == sites[2], "site differs across threads or paths");
    assert!(singles[0] == singles[1] && singles[1] == singles[2], "single file differs");
}

#[test]
fn version_is_printed() {
    let o = run(&["--version"], &repo());
    assert!(o.status.success());
    assert_eq!(stdout(&o).trim(), format!("irbook {}", env!("CARGO_PKG_VERSION")));
}

#[test]
fn timings_list_every_stage() {
    let tmp = tempfile::tempdir().unwrap();
    let o = run(&["build", "--quiet", "--timings"], tmp.path());
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    let stages: Vec<&str> = err.lines().filter_map(|l| l.split_once(" ms  ").map(|(_, s)| s)).collect();
    assert_eq!(
        stages,
        [
            "read files",
            "read front matter and YAML",
            "templates, navigation, questionnaires",
            "render pages",
            "search index",
            "swap in the new output"
        ],
        "{err}"
    );
    assert!(!run(&["build", "--quiet"], tmp.path()).stderr.windows(4).any(|w| w == b" ms "), "timings only when asked");
}

#[test]
fn builds_the_built_in_handbook_without_a_content_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let o = run(&["build"], tmp.path());
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("built-in handbook"), "{}", stdout(&o));
    assert!(tmp.path().join("public/nl/index.html").is_file());
    assert!(tmp.path().join("public/en/assessments/triage.html").is_file());
}

#[test]
fn refuses_to_write_inside_the_content_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let content = tmp.path().join("content");
    copy_dir(&fixture("minimal"), &content);
    let out = content.join("public");
    let o = run(&["build", content.to_str().unwrap(), "-o", out.to_str().unwrap()], tmp.path());
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("would be inside the handbook folder"), "{}", stderr(&o));
    assert!(!out.exists());
}

#[test]
fn usage_errors_exit_2() {
    let tmp = tempfile::tempdir().unwrap();
    let o = run(&["build", "--no-such-flag"], tmp.path());
    assert_eq!(o.status.code(), Some(2));
    let o = run(&["frobnicate"], tmp.path());
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn a_handbook_can_override_a_theme_template() {
    let tmp = tempfile::tempdir().unwrap();
    let content = tmp.path().join("content");
    copy_dir(&fixture("minimal"), &content);
    fs::create_dir_all(content.join("templates")).unwrap();
    fs::write(
        content.join("templates/faq.html"),
        "{% extends \"base.html\" %}{% block main %}<h1>Our own FAQ layout</h1>{% for q in items %}<h2>{{ q.question }}</h2>{% endfor %}{% endblock main %}",
    )
    .unwrap();
    let out = tmp.path().join("site");
    let o = run(&["build", "content", "-o", "site", "--quiet"], tmp.path());
    assert!(o.status.success(), "{}", stderr(&o));
    let faq = fs::read_to_string(out.join("nl/faq.html")).unwrap();
    assert!(faq.contains("<h1>Our own FAQ layout</h1>"), "{faq}");
    assert!(faq.contains("Moet ik melden als het versleuteld was?"));
    // A template the theme does not have is reported, not silently ignored.
    fs::write(content.join("templates/fqa.html"), "x").unwrap();
    let o = run(&["build", "content", "-o", "site"], tmp.path());
    assert!(
        stderr(&o).contains("warning: templates/fqa.html: the theme has no template of this name"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn raw_html_is_kept_only_when_the_handbook_allows_it() {
    let tmp = tempfile::tempdir().unwrap();
    let content = tmp.path().join("content");
    copy_dir(&fixture("minimal"), &content);
    let hb = fs::read_to_string(content.join("handbook.yaml")).unwrap();
    fs::write(content.join("handbook.yaml"), format!("{hb}allow_html: true\n")).unwrap();
    let o = run(&["build", "content", "-o", "site", "--quiet"], tmp.path());
    assert!(o.status.success(), "{}", stderr(&o));
    let phase = fs::read_to_string(tmp.path().join("site/nl/phases/first.html")).unwrap();
    assert!(phase.contains("<script>alert(1)</script>"), "allowed HTML passes through");
}

#[test]
fn open_without_a_browser_says_where_the_site_is() {
    let tmp = tempfile::tempdir().unwrap();
    let empty_path = tmp.path().join("no-tools");
    fs::create_dir_all(&empty_path).unwrap();
    let o = std::process::Command::new(bin())
        .args(["build", fixture("minimal").to_str().unwrap(), "-o", "site", "--open"])
        .current_dir(tmp.path())
        .env("PATH", &empty_path)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("Open ") && out.contains("site/index.html in your browser."), "{out}");
}

/// The sidebar is drawn once per list by `sidebar.html`; each page gets its
/// own link marked, whatever markup the template uses, and a `base.html` that
/// draws `sidebar` itself still sees the right link `current` on every page.
#[test]
fn each_page_marks_its_own_link_in_the_shared_sidebar() {
    let tmp = tempfile::tempdir().unwrap();
    let content = tmp.path().join("content");
    copy_dir(&fixture("minimal"), &content);
    let build = || {
        let o = run(&["build", "content", "-o", "site", "--quiet"], tmp.path());
        assert!(o.status.success(), "{}", stderr(&o));
    };
    let page = |p: &str| fs::read_to_string(tmp.path().join("site").join(p)).unwrap();
    let pages = [
        ("nl/phases/first.html", "phases/first.html"),
        ("nl/phases/after.html", "phases/after.html"),
        ("en/phases/after.html", "phases/after.html"),
        ("nl/guides/log.html", "guides/log.html"),
        ("nl/guides/call.html", "guides/call.html"),
    ];
    build();
    for (file, own) in pages {
        let html = page(file);
        let start = html.find("<nav class=\"sidebar\"").expect(file);
        let sidebar = &html[start..start + html[start..].find("</nav>").unwrap()];
        assert_eq!(sidebar.matches("aria-current=\"page\"").count(), 1, "{file}: {sidebar}");
        assert!(sidebar.contains(&format!("<a href=\"../{own}\" aria-current=\"page\">")), "{file}: {sidebar}");
    }
    // The main menu is shared the same way: only a page it links to is marked.
    let menu = |file: &str| {
        let html = page(file);
        let start = html.find("<nav class=\"main-nav\"").expect(file);
        html[start..start + html[start..].find("</nav>").unwrap()].matches("aria-current").count()
    };
    assert_eq!(menu("nl/phases/first.html"), 1, "the menu's Phases entry opens the first phase");
    assert_eq!(menu("nl/phases/after.html"), 0);
    assert_eq!(menu("nl/faq.html"), 1);
    assert_eq!(menu("nl/guides/log.html"), 0);
    // The section's index is in no list: nothing in its sidebar is current.
    assert!(!page("nl/guides/index.html").contains("<li><a href=\"../guides/log.html\" aria-current"));

    // Other markup: the mark goes into the <a> that points at the page.
    fs::create_dir_all(content.join("templates")).unwrap();
    fs::write(
        content.join("templates/sidebar.html"),
        "<aside class=\"mine\"><ol>{% for l in sidebar %}<li><a class=\"x\" href=\"{{ lroot }}{{ l.url }}\" \
         title=\"{{ l.title }}\"/>{% if l.current %}CURRENT{% endif %}</li>{% endfor %}</ol></aside>",
    )
    .unwrap();
    build();
    for (file, own) in pages {
        let html = page(file);
        assert!(html.contains(&format!("href=\"../{own}\" title=")), "{file}");
        let mark = html.find(" aria-current=\"page\"/>").expect(file);
        assert!(html[..mark].rfind("<a class=\"x\" href=\"").is_some_and(|a| html[a..mark].contains(own)), "{file}");
        assert!(!html.contains("CURRENT"), "the shared list has no current link: {file}");
    }

    // A base.html that draws the list itself sees each page's own link current.
    fs::remove_file(content.join("templates/sidebar.html")).unwrap();
    let base = fs::read_to_string(repo().join("themes/default/templates/base.html")).unwrap();
    let own_loop = "{% for l in sidebar %}{% if l.current %}<b id=\"own\">{{ l.url }}</b>{% endif %}{% endfor %}";
    fs::write(content.join("templates/base.html"), base.replace("{{ sidebar_html | safe }}", own_loop)).unwrap();
    build();
    for (file, own) in pages {
        let html = page(file);
        assert_eq!(html.matches("<b id=\"own\">").count(), 1, "{file}");
        assert!(html.contains(&format!("<b id=\"own\">{own}</b>")), "{file}");
    }
    assert!(!page("nl/guides/index.html").contains("<b id=\"own\">"));

    // A broken sidebar template is blamed, not the page templates.
    fs::remove_file(content.join("templates/base.html")).unwrap();
    fs::write(content.join("templates/sidebar.html"), "{{ no_such_value }}").unwrap();
    let o = run(&["build", "content", "-o", "site"], tmp.path());
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("templates/sidebar.html"), "{}", stderr(&o));
}
