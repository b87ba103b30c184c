//! `irbook schema`: the JSON Schema of every YAML file kind, generated from the
//! same Rust types the loader reads, so editors (the YAML language server)
//! can complete keys and flag mistakes while an author types.

use crate::model;
use std::fs;
use std::path::Path;

/// Every schema with a readable title, by kind.
pub fn all() -> Vec<(&'static str, &'static str, serde_json::Value)> {
    let mut all: Vec<_> = model::schemas()
        .into_iter()
        .map(|(kind, files, mut schema)| {
            schema["title"] = format!("irbook {files}").into();
            (kind, files, schema)
        })
        .collect();
    // Not content: the file the triage page saves (docs/INCIDENT-FILE.md).
    let mut incident = crate::incident::schema();
    incident["title"] = "irbook incident file".into();
    all.push(("incident", INCIDENT_FILES, incident));
    all
}

const INCIDENT_FILES: &str = "incident files (JSON, saved by the triage page)";

/// Prints one kind, writes every kind into `out`, or lists the kinds.
pub fn run(kind: Option<&str>, out: Option<&Path>) -> i32 {
    let schemas = all();
    if let Some(dir) = out {
        if let Err(e) = fs::create_dir_all(dir) {
            eprintln!("error: cannot create `{}`: {e}", dir.display());
            return 1;
        }
        let mut settings = Vec::new();
        for (k, files, schema) in &schemas {
            let path = dir.join(format!("{k}.schema.json"));
            let text = serde_json::to_string_pretty(schema).unwrap_or_default() + "\n";
            if let Err(e) = crate::paths::replaceable_file(&path) {
                eprintln!("error: {e}");
                return 1;
            }
            if let Err(e) = fs::write(&path, text) {
                eprintln!("error: cannot write `{}`: {e}", path.display());
                return 1;
            }
            if !files.contains("front matter") && *files != INCIDENT_FILES {
                settings.push(format!("    \"{}\": \"{}\"", path.display(), files));
            }
        }
        crate::out!("Wrote {} schemas to {}.", schemas.len(), dir.display());
        crate::out!("For VS Code with the YAML extension, add to .vscode/settings.json:");
        crate::out!("  \"yaml.schemas\": {{\n{}\n  }}", settings.join(",\n"));
        return 0;
    }
    match kind {
        Some(k) => match schemas.iter().find(|(name, ..)| *name == k) {
            Some((_, _, schema)) => {
                crate::out!("{}", serde_json::to_string_pretty(schema).unwrap_or_default());
                0
            }
            None => {
                let names: Vec<&str> = schemas.iter().map(|(n, ..)| *n).collect();
                let hint = crate::diag::did_you_mean(k, names.iter().copied())
                    .unwrap_or_else(|| format!("the kinds are: {}", names.join(", ")));
                eprintln!("error: there is no schema `{k}`\n  hint: {hint}");
                2
            }
        },
        None => {
            crate::out!("Schemas (print one with `irbook schema KIND`, write all with `irbook schema --out DIR`):");
            for (k, files, _) in &schemas {
                crate::out!("  {k:<20} {files}");
            }
            0
        }
    }
}
