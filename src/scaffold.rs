//! `irbook new`: a starting handbook that builds at once, or a client variant
//! that extends a base (handbook.yaml with `extends:`, the base's example
//! contacts to fill in, and a branding block).

use crate::diag::Report;
use crate::layers::{self, BUILTIN};
use crate::{model, render};
use assessment_wasm::text::Text;
use std::fmt::Write as _;
use std::fs;
use std::path::{Component, Path, PathBuf};

/// Texts of the starter handbook: key, English, Dutch, French. Languages
/// other than these get the English text (and a translation warning is not
/// raised, since the file is theirs to rewrite).
const TEXTS: &[(&str, &str, &str, &str)] = &[
    ("title", "Incident handbook", "Incidenthandboek", "Manuel de gestion des incidents"),
    ("org", "Your organisation", "Jouw organisatie", "Votre organisation"),
    ("ph1", "First hours", "Eerste uren", "Premières heures"),
    ("ph1_sum", "Stop the damage, write down what you know, call the incident lead.", "Beperk de schade, schrijf op wat je weet, bel de incidentcoördinator.", "Limitez les dégâts, notez ce que vous savez, appelez le responsable des incidents."),
    ("ph1_body", "## What to do now\n\n1. Write down when and how you found out. The 72-hour clock for the data protection authority starts when your organisation becomes aware of a breach.\n2. Do not delete anything: logs, e-mails and files are evidence.\n3. Call the incident lead (see [contacts](contact:incident-lead)).\n\nThe [data breach playbook](../playbooks/data-breach.yaml) lists who does what.\n", "## Wat je nu doet\n\n1. Schrijf op wanneer en hoe je het ontdekte. De termijn van 72 uur voor de toezichthouder begint zodra je organisatie op de hoogte is van het datalek.\n2. Verwijder niets: logbestanden, e-mails en bestanden zijn bewijs.\n3. Bel de incidentcoördinator (zie [contacten](contact:incident-lead)).\n\nIn het [draaiboek datalek](../playbooks/data-breach.yaml) staat wie wat doet.\n", "## Que faire maintenant\n\n1. Notez quand et comment vous l'avez découvert. Le délai de 72 heures pour l'autorité de protection des données commence lorsque votre organisation a connaissance de la violation.\n2. Ne supprimez rien : journaux, e-mails et fichiers sont des preuves.\n3. Appelez le responsable des incidents (voir [contacts](contact:incident-lead)).\n\nLe [scénario fuite de données](../playbooks/data-breach.yaml) indique qui fait quoi.\n"),
    ("ph2", "Afterwards", "Nazorg", "Après l'incident"),
    ("ph2_sum", "Record the breach and learn from it.", "Leg het datalek vast en leer ervan.", "Documentez la violation et tirez-en les leçons."),
    ("ph2_body", "## Record and learn\n\nEvery personal data breach goes into the breach register, also when you did not report it: what happened, what it affected, and what you did (GDPR article 33(5)). Plan an evaluation within a month.\n", "## Vastleggen en leren\n\nElk datalek komt in het register van datalekken, ook als je het niet hebt gemeld: wat er gebeurde, wat de gevolgen waren en wat je hebt gedaan (AVG artikel 33 lid 5). Plan binnen een maand een evaluatie.\n", "## Documenter et apprendre\n\nToute violation de données personnelles est inscrite au registre des violations, même si vous ne l'avez pas notifiée : ce qui s'est passé, ses effets et les mesures prises (RGPD article 33, paragraphe 5). Prévoyez une évaluation dans le mois.\n"),
    ("pb", "Data breach", "Datalek", "Fuite de données"),
    ("pb_sum", "Personal data reached someone who should not have them, or were lost or changed.", "Persoonsgegevens kwamen bij iemand die ze niet mocht hebben, of gingen verloren of werden veranderd.", "Des données personnelles sont parvenues à quelqu'un qui ne devait pas les avoir, ou ont été perdues ou modifiées."),
    ("s1", "Write down the discovery time", "Noteer het tijdstip van ontdekking", "Notez l'heure de la découverte"),
    ("s2", "Stop the leak", "Stop het lek", "Arrêtez la fuite"),
    ("s2_text", "Block accounts, revoke shared links, ask a wrong recipient to delete the message. Keep evidence.", "Blokkeer accounts, trek gedeelde links in, vraag een verkeerde ontvanger het bericht te verwijderen. Bewaar bewijs.", "Bloquez les comptes, révoquez les liens partagés, demandez au mauvais destinataire de supprimer le message. Conservez les preuves."),
    ("s3", "Assess the risk for the people concerned", "Beoordeel het risico voor de betrokkenen", "Évaluez le risque pour les personnes concernées"),
    ("s4", "Report to the data protection authority if there is a risk", "Meld bij de toezichthouder als er een risico is", "Notifiez l'autorité de protection des données s'il y a un risque"),
    ("s5", "Record the breach in the register", "Leg het datalek vast in het register", "Inscrivez la violation au registre"),
    ("faq_q", "Does the 72-hour clock wait until we are sure?", "Wacht de termijn van 72 uur tot we het zeker weten?", "Le délai de 72 heures attend-il que nous soyons sûrs ?"),
    ("faq_a", "No. It starts when you are reasonably certain that a breach happened. Report what you know within 72 hours and add the rest later; the GDPR allows reporting in phases.\n", "Nee. De termijn begint zodra je redelijk zeker weet dat er een datalek is. Meld binnen 72 uur wat je weet en vul de rest later aan; de AVG staat melden in fasen toe.\n", "Non. Il commence dès que vous êtes raisonnablement certain qu'une violation a eu lieu. Notifiez ce que vous savez dans les 72 heures et complétez ensuite ; le RGPD permet une notification par étapes.\n"),
    ("src", "GDPR, article 33", "AVG, artikel 33", "RGPD, article 33"),
    ("tr", "Quick triage", "Snelle inschatting", "Tri rapide"),
    ("q1", "Are personal data involved?", "Gaat het om persoonsgegevens?", "Des données personnelles sont-elles concernées ?"),
    ("q2", "Could the people concerned be harmed (identity fraud, embarrassment, financial loss)?", "Kunnen de betrokkenen schade lijden (identiteitsfraude, schaamte, geldverlies)?", "Les personnes concernées peuvent-elles subir un préjudice (usurpation d'identité, atteinte à la réputation, perte financière) ?"),
    ("v1", "Report to the data protection authority", "Melden bij de toezichthouder", "Notifier l'autorité de protection des données"),
    ("r1", "Personal data are involved and harm cannot be ruled out.", "Er zijn persoonsgegevens bij betrokken en schade is niet uit te sluiten.", "Des données personnelles sont concernées et un préjudice ne peut être exclu."),
    ("c_lead", "Incident lead", "Incidentcoördinator", "Responsable des incidents"),
    ("c_it", "IT lead", "IT-verantwoordelijke", "Responsable informatique"),
    ("c_dpo", "Data protection officer", "Functionaris gegevensbescherming", "Délégué à la protection des données"),
    ("c_auth", "Data protection authority", "Toezichthouder gegevensbescherming", "Autorité de protection des données"),
];

fn text(key: &str, lang: &str) -> &'static str {
    let (_, en, nl, fr) = TEXTS.iter().find(|(k, ..)| *k == key).copied().unwrap_or(("", "", "", ""));
    match lang {
        "nl" => nl,
        "fr" => fr,
        _ => en,
    }
}

/// A YAML flow value with the text in every language: `{nl: "…", en: "…"}`.
fn yaml_text(key: &str, langs: &[String]) -> String {
    let parts: Vec<String> = langs.iter().map(|l| format!("{l}: {}", quote(text(key, l)))).collect();
    format!("{{{}}}", parts.join(", "))
}

fn quote(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_default()
}

/// Runs `irbook new`: 0 on success, 1 when the folder cannot be made, 2 for bad arguments.
pub fn run(dir: &Path, extends: Option<&str>, langs: Option<&str>, today: &str) -> i32 {
    let langs: Option<Vec<String>> =
        langs.map(|l| l.split(',').map(|s| s.trim().to_ascii_lowercase()).filter(|s| !s.is_empty()).collect());
    if let Some(ls) = &langs {
        if ls.is_empty() || ls.iter().any(|l| !(2..=3).contains(&l.len()) || !l.bytes().all(|b| b.is_ascii_lowercase()))
        {
            eprintln!("error: `--lang` takes short language codes separated by commas, like `nl,en`");
            return 2;
        }
    }
    if dir.exists() && fs::read_dir(dir).map(|mut d| d.next().is_some()).unwrap_or(true) {
        eprintln!(
            "error: `{}` already exists and is not empty, so nothing was written\n  hint: choose a new folder name",
            dir.display()
        );
        return 1;
    }
    let files = match extends {
        Some(base) => match variant(dir, base, langs.as_deref()) {
            Ok(f) => f,
            Err(code) => return code,
        },
        None => starter(&langs.unwrap_or_else(|| vec!["nl".into(), "en".into()]), today),
    };
    for (path, body) in &files {
        let p = dir.join(path);
        let written = p.parent().map_or(Ok(()), fs::create_dir_all).and_then(|()| fs::write(&p, body));
        if let Err(e) = written {
            eprintln!("error: could not write `{}`: {e}", p.display());
            return 1;
        }
    }
    // What we wrote must build; a scaffold that does not is our bug, not the user's.
    let mut report = Report::default();
    match layers::read(dir, None) {
        Ok(tree) => {
            let _ = crate::site::render(&tree, &mut report, &render::Discard);
        }
        Err(r) => report = r,
    }
    if report.has_errors() {
        report.print();
        eprintln!("The new handbook in {} does not build yet: {}.", dir.display(), report.summary());
        return 1;
    }
    crate::out!("Created {} ({} files).", dir.display(), files.len());
    crate::out!("Next: fill in contacts.yaml (replace the examples, then remove `example: true`),");
    crate::out!("then run `irbook serve {0}` to see it, or `irbook build {0}` to publish it.", dir.display());
    0
}

/// A small handbook with every kind of file, in the chosen languages.
fn starter(langs: &[String], today: &str) -> Vec<(String, String)> {
    let t = |k: &str| yaml_text(k, langs);
    let mut out = Vec::new();
    let mut hb = String::from("# Handbook settings. See `irbook schema` for every key.\n");
    let _ = writeln!(hb, "title: {}", t("title"));
    let _ = writeln!(hb, "organisation: {}", t("org"));
    let _ = writeln!(hb, "languages: [{}]", langs.join(", "));
    let _ = writeln!(hb, "default_language: {}", langs[0]);
    hb.push_str("# Deadlines are shown in this time zone (EU summer time applies).\ntimezone: {utc_offset: \"+01:00\", dst: eu}\n");
    hb.push_str("start: assessments/triage.yaml\n");
    hb.push_str(BRANDING_BLOCK);
    hb.push_str("check:\n  # `irbook check` asks you to re-read sources checked longer ago than this.\n  max_source_age_days: 365\n");
    out.push(("handbook.yaml".into(), hb));

    let mut contacts = String::from("# Who to call. Replace the examples with real names and numbers, then\n# remove `example: true`; the build warns while an example is left.\ncontacts:\n");
    for (role, key, emergency) in [
        ("incident-lead", "c_lead", true),
        ("it-lead", "c_it", true),
        ("dpo", "c_dpo", true),
        ("authority", "c_auth", false),
    ] {
        let _ = writeln!(contacts, "  {role}:\n    name: {}\n    title: {}", quote("Example"), t(key));
        if role == "authority" {
            contacts.push_str("    url: https://www.edpb.europa.eu/about-edpb/about-edpb/members_en\n");
        } else {
            contacts.push_str("    phone: \"+31 6 0000 0000\"\n    email: example@example.org\n");
        }
        let _ = writeln!(contacts, "    emergency: {emergency}\n    example: true");
    }
    out.push(("contacts.yaml".into(), contacts));

    for (n, (id, title, summary, body)) in
        [("first-hours", "ph1", "ph1_sum", "ph1_body"), ("after", "ph2", "ph2_sum", "ph2_body")].iter().enumerate()
    {
        for l in langs {
            let name = if l == &langs[0] {
                format!("phases/0{}-{id}.md", n + 1)
            } else {
                format!("phases/0{}-{id}.{l}.md", n + 1)
            };
            out.push((
                name,
                format!(
                    "---\nid: {id}\ntitle: {}\norder: {}\nsummary: {}\n---\n{}",
                    quote(text(title, l)),
                    n + 1,
                    quote(text(summary, l)),
                    text(body, l)
                ),
            ));
        }
    }

    let mut pb = format!("id: data-breach\ntitle: {}\nsummary: {}\nsteps:\n", t("pb"), t("pb_sum"));
    for (id, phase, track, owner, due, key, extra) in [
        ("note-discovery", "first-hours", "admin", "incident-lead", "asap", "s1", ""),
        ("contain", "first-hours", "technical", "it-lead", "1h", "s2", "s2_text"),
        ("assess-risk", "first-hours", "admin", "dpo", "24h", "s3", ""),
        ("notify-authority", "first-hours", "admin", "dpo", "72h", "s4", ""),
        ("record", "after", "admin", "dpo", "30d", "s5", ""),
    ] {
        let _ = write!(
            pb,
            "  - id: {id}\n    phase: {phase}\n    track: {track}\n    owner: {owner}\n    due: {due}\n    title: {}\n",
            t(key)
        );
        if !extra.is_empty() {
            let _ = writeln!(pb, "    text: {}", t(extra));
        }
        if id == "notify-authority" {
            pb.push_str("    party: authority\n    sources: [gdpr-art33]\n");
        }
    }
    out.push(("playbooks/data-breach.yaml".into(), pb));

    for l in langs {
        let name = if l == &langs[0] { "faq/clock.md".to_string() } else { format!("faq/clock.{l}.md") };
        out.push((name, format!("---\nquestion: {}\norder: 1\n---\n{}", quote(text("faq_q", l)), text("faq_a", l))));
    }

    out.push((
        "sources/sources.yaml".into(),
        format!(
            "# Where the handbook's facts come from. Re-read each source before you rely on it\n# and update last_checked; `irbook check` warns when a check is old.\nsources:\n  - id: gdpr-art33\n    title: {}\n    publisher: EUR-Lex\n    url: https://eur-lex.europa.eu/eli/reg/2016/679/oj\n    language: en\n    jurisdiction: eu\n    last_checked: {today}\n",
            t("src")
        ),
    ));

    out.push((
        "assessments/triage.yaml".into(),
        format!(
            "id: triage\nkind: triage\ntitle: {}\nquestions:\n  - id: personal_data\n    type: yes_no_unknown\n    text: {}\n  - id: harm\n    type: yes_no_unknown\n    text: {}\n    show_if: \"personal_data != no\"\nverdicts:\n  - id: notify_authority\n    title: {}\n    due: 72h\n    contact: authority\nrules:\n  - id: report\n    when: \"personal_data = yes and harm != no\"\n    reason: {}\n    verdicts: [notify_authority]\n    actions: [contain, assess-risk, notify-authority]\n",
            t("tr"),
            t("q1"),
            t("q2"),
            t("v1"),
            t("r1")
        ),
    ));
    out
}

const BRANDING_BLOCK: &str = "# Your logo (put the file in static/) and colours, as hex codes in quotes.
# `irbook check` warns when a colour is too light or dark to read (WCAG AA).
branding:
  # logo: static/logo.svg
  # colors:
  #   brand: \"#0a55a0\"        # links and buttons, light mode
  #   brand_dark: \"#8cbcff\"   # links and buttons, dark mode
  #   header: \"#f3f5f8\"       # page header background, light mode
  #   header_dark: \"#1d2128\"  # page header background, dark mode
";

/// A client variant: handbook.yaml with `extends:` and the base's example
/// contacts, to be replaced with the client's own people.
fn variant(dir: &Path, base: &str, langs: Option<&[String]>) -> Result<Vec<(String, String)>, i32> {
    let (extends, tree) = if base.trim() == BUILTIN {
        (BUILTIN.to_string(), crate::load::builtin_content())
    } else {
        let tree = match layers::read(Path::new(base), None) {
            Ok(t) => t,
            Err(r) => {
                r.print();
                eprintln!("error: `{base}` is not a handbook irbook can read, so nothing was written");
                return Err(1);
            }
        };
        if tree.get("handbook.yaml").is_none() {
            eprintln!(
                "error: `{base}` has no handbook.yaml\n  hint: give the folder of the base handbook, or `{BUILTIN}`"
            );
            return Err(1);
        }
        (relative_to(dir, Path::new(base)), tree)
    };
    let mut report = Report::default();
    let Some(hb) = model::build(&tree, &mut report) else {
        report.print();
        eprintln!("error: the base handbook has errors; fix them first (`irbook check {base}`)");
        return Err(1);
    };
    let mut y = String::from("# A client variant: everything not set here comes from the base handbook.\n");
    let _ = writeln!(y, "extends: {}", quote(&extends));
    y.push_str("organisation: \"Client name\"\n");
    if let Some(ls) = langs {
        let _ = writeln!(y, "languages: [{}]\ndefault_language: {}", ls.join(", "), ls[0]);
    }
    y.push_str(
        "# Leave out base files the client does not need, by path:\n# exclude: [playbooks/insider.yaml, pages/about]\n",
    );
    y.push_str(BRANDING_BLOCK);
    let mut c = String::from(
        "# The client's own people. Each entry replaces the base's entry for the same role;\n# roles not listed here (authorities, police) come from the base.\n# Replace the example details, then remove `example: true`.\ncontacts:\n",
    );
    let examples: Vec<_> = hb.contacts.iter().filter(|c| c.example).collect();
    for ct in &examples {
        let _ = writeln!(c, "  {}:\n    name: {}", ct.role, quote(&flat(&ct.name)));
        if let Some(t) = &ct.title {
            let _ = writeln!(c, "    title: {}", text_yaml(t));
        }
        for (k, v) in [("phone", &ct.phone), ("email", &ct.email), ("window", &ct.window)] {
            if let Some(v) = v {
                let _ = writeln!(c, "    {k}: {}", quote(v));
            }
        }
        if ct.emergency {
            c.push_str("    emergency: true\n");
        }
        c.push_str("    example: true\n");
    }
    if examples.is_empty() {
        c.push_str("  {}\n");
        c = c.replace("contacts:\n  {}\n", "contacts: {}\n");
    }
    Ok(vec![("handbook.yaml".into(), y), ("contacts.yaml".into(), c)])
}

fn flat(t: &Text) -> String {
    match t {
        Text::Plain(s) => s.clone(),
        Text::PerLanguage(m) => m.values().next().cloned().unwrap_or_default(),
    }
}

fn text_yaml(t: &Text) -> String {
    match t {
        Text::Plain(s) => quote(s),
        Text::PerLanguage(m) => {
            let parts: Vec<String> = m.iter().map(|(l, s)| format!("{l}: {}", quote(s))).collect();
            format!("{{{}}}", parts.join(", "))
        }
    }
}

/// `base` as a path relative to the folder `dir` (which may not exist yet).
fn relative_to(dir: &Path, base: &Path) -> String {
    let abs = |p: &Path| -> PathBuf {
        let p = if p.is_absolute() { p.to_path_buf() } else { std::env::current_dir().unwrap_or_default().join(p) };
        let mut out = PathBuf::new();
        for c in p.components() {
            match c {
                Component::CurDir => {}
                Component::ParentDir => {
                    out.pop();
                }
                c => out.push(c),
            }
        }
        out
    };
    let (from, to) = (abs(dir), abs(base));
    let (from, to): (Vec<_>, Vec<_>) = (from.components().collect(), to.components().collect());
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut rel = PathBuf::new();
    for _ in common..from.len() {
        rel.push("..");
    }
    for c in &to[common..] {
        rel.push(c);
    }
    rel.to_string_lossy().replace('\\', "/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths() {
        assert_eq!(relative_to(Path::new("/a/clients/acme"), Path::new("/a/base")), "../../base");
        assert_eq!(relative_to(Path::new("/a/acme"), Path::new("/a/base")), "../base");
    }

    #[test]
    fn every_text_has_three_languages() {
        for (k, en, nl, fr) in TEXTS {
            assert!(!en.is_empty() && !nl.is_empty() && !fr.is_empty(), "{k}");
        }
    }
}
