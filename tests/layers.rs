//! `extends:` layers: a client variant over a base handbook, chains, override
//! precedence, key-by-key merging, `exclude:`, cycles, and errors that name
//! the layer they come from.

mod common;
use common::*;
use std::fs;
use std::path::Path;

fn write(path: &Path, text: &str) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

/// `base/` is the minimal fixture; `client/` extends it.
fn setup(client_yaml: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixture("minimal"), &dir.path().join("base"));
    write(&dir.path().join("client/handbook.yaml"), client_yaml);
    dir
}

fn read(p: &Path) -> String {
    fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

#[test]
fn client_overrides_merges_and_excludes() {
    let dir = setup(
        "extends: ../base\norganisation: Klant BV\nexclude: [pages/guides/call]\nbranding:\n  colors: {brand: \"#7a1f5c\", header: \"#102a43\"}\n",
    );
    let client = dir.path().join("client");
    // contacts merge by role: incident-lead replaced, the others kept, a new one added.
    write(
        &client.join("contacts.yaml"),
        "contacts:\n  incident-lead:\n    name: Grace Hopper\n    phone: \"+32 2 000 00 00\"\n    emergency: true\n  bank:\n    name: Huisbank\n",
    );
    // A file with the same path replaces the base's file.
    write(
        &client.join("phases/02-after.md"),
        "---\nid: after\ntitle: Nazorg bij de klant\norder: 2\n---\nKlantspecifiek.\n",
    );
    let o = run(&["build", "client", "-o", "out", "-q"], dir.path());
    assert!(o.status.success(), "{}", stderr(&o));
    let out = dir.path().join("out");
    let home = read(&out.join("nl/index.html"));
    assert!(home.contains("Klant BV"), "organisation from the client");
    assert!(home.contains("Klein handboek"), "title from the base");
    assert!(home.contains("assets/brand.css"));
    let contacts = read(&out.join("nl/contacts.html"));
    assert!(contacts.contains("Grace Hopper") && !contacts.contains("Ada Lovelace"), "client's incident lead wins");
    assert!(contacts.contains("Verzekeraar"), "base contact kept");
    assert!(contacts.contains("Huisbank"), "client contact added");
    assert!(read(&out.join("nl/phases/after.html")).contains("Klantspecifiek."));
    assert!(out.join("nl/guides/log.html").is_file());
    assert!(!out.join("nl/guides/call.html").exists(), "excluded page is gone");
    let css = read(&out.join("assets/brand.css"));
    assert!(css.contains("--brand: #7a1f5c;") && css.contains("--header-bg: #102a43;"), "{css}");

    // `role: null` removes a base contact; the base's questionnaire still names it.
    write(&client.join("contacts.yaml"), "contacts:\n  ap: null\n");
    let err = stderr(&run(&["check", "client"], dir.path()));
    assert!(err.contains("error: assessments/quick.yaml:15:14 (in layer base): unknown contact `ap`"), "{err}");
}

#[test]
fn chains_apply_in_order() {
    let dir = setup("extends: ../base\norganisation: Middenlaag\ntitle: Tussenhandboek\n");
    write(&dir.path().join("top/handbook.yaml"), "extends: ../client\norganisation: Bovenlaag\n");
    let o = run(&["build", "top", "-o", "out", "-q"], dir.path());
    assert!(o.status.success(), "{}", stderr(&o));
    let home = read(&dir.path().join("out/nl/index.html"));
    assert!(home.contains("Bovenlaag") && !home.contains("Middenlaag"), "the top layer wins");
    assert!(home.contains("Tussenhandboek"), "the middle layer wins over the base");
}

#[test]
fn cycles_are_an_error_at_the_extends_line() {
    let dir = tempfile::tempdir().unwrap();
    write(&dir.path().join("a/handbook.yaml"), "title: A\nextends: ../b\n");
    write(&dir.path().join("b/handbook.yaml"), "title: B\nextends: ../a\n");
    let o = run(&["check", "a"], dir.path());
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("error: handbook.yaml:2:10 (in layer b): `extends:` makes a loop: a → b → a"), "{err}");
}

#[test]
fn a_missing_base_is_an_error() {
    let dir = setup("title: X\nextends: ../nowhere\n");
    let o = run(&["check", "client"], dir.path());
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("error: handbook.yaml:2:10: `extends: ../nowhere` points at"), "{err}");
    assert!(err.contains("which does not exist"), "{err}");
}

#[test]
fn errors_name_the_layer_of_the_file() {
    let dir = setup("extends: ../base\n");
    // Break a step of the base: the message must send the reader to the base.
    let pb = dir.path().join("base/playbooks/lost.yaml");
    fs::write(&pb, read(&pb).replace("owner: it-lead", "owner: it-led")).unwrap();
    let o = run(&["check", "client"], dir.path());
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("playbooks/lost.yaml:"), "{err}");
    assert!(err.contains("(in layer base): "), "{err}");
    assert!(err.contains("did you mean `it-lead`?"), "{err}");
    // The same problem in a client override is the client's own.
    fs::create_dir_all(dir.path().join("client/playbooks")).unwrap();
    fs::copy(&pb, dir.path().join("client/playbooks/lost.yaml")).unwrap();
    let err = stderr(&run(&["check", "client"], dir.path()));
    let line = err.lines().find(|l| l.contains("unknown owner")).unwrap_or_default();
    assert!(line.starts_with("error: playbooks/lost.yaml:8:12: unknown owner"), "{err}");
}

#[test]
fn exclude_that_matches_nothing_is_an_error() {
    let dir = setup("extends: ../base\nexclude:\n  - playbooks/lots\n");
    let o = run(&["check", "client"], dir.path());
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("error: handbook.yaml:3:5: `exclude: playbooks/lots` matches no file of the base handbook"),
        "{err}"
    );
}

#[test]
fn a_variant_of_the_built_in_handbook() {
    let dir = tempfile::tempdir().unwrap();
    write(&dir.path().join("org/handbook.yaml"), "extends: irbook:default\norganisation: Bakkerij Jansen\n");
    let o = run(&["build", "org", "-o", "out", "-q"], dir.path());
    assert!(o.status.success(), "{}", stderr(&o));
    let home = read(&dir.path().join("out/nl/index.html"));
    assert!(home.contains("Bakkerij Jansen"));
    assert!(dir.path().join("out/nl/playbooks/ransomware.html").is_file());
}

#[test]
fn low_contrast_branding_warns_with_a_better_colour() {
    let dir = setup("extends: ../base\nbranding:\n  colors:\n    brand: \"#ffcc00\"\n");
    let o = run(&["check", "client"], dir.path());
    assert!(o.status.success(), "a warning does not fail the check: {}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("warning: handbook.yaml:4:12: `brand` #ffcc00 on the white page has a contrast of 1.5:1, below the 4.5:1 that WCAG AA asks for text"),
        "{err}"
    );
    assert!(err.contains("for example \"#"), "{err}");
}
