//! `irbook check`: validates a handbook and its links without writing
//! anything, and adds what only a whole rendered site shows (pages nothing
//! links to, old sources, missing translations).

use crate::diag::{Diagnostic, Report};
use crate::load;
use crate::{model, render, site};
use std::path::PathBuf;

/// `irbook check`: everything the build validates plus the lints (`crate::lint`), written
/// nowhere; exit 1 on errors (with `strict`, on warnings too).
pub fn run(root: Option<PathBuf>, json: bool, strict: bool, today: i64) -> i32 {
    let report = match site::open(root, None) {
        Ok(tree) => {
            let mut report = Report::default();
            let site = render::Memory::default();
            let hb = model::build(&tree, &mut report);
            if let Some(hb) = &hb {
                if render::render_site(hb, &tree, &load::builtin_theme(), &mut report, &site).is_some() {
                    crate::lint::run(hb, &tree, &site.into_files(), today, &mut report);
                }
            }
            tree.attribute_layers(&mut report);
            report
        }
        Err(r) => r,
    };
    let failed = report.has_errors() || (strict && report.warnings() > 0);
    if json {
        let items: Vec<serde_json::Value> = report.sorted().iter().map(Diagnostic::to_json).collect();
        let out = serde_json::json!({"ok": !failed, "errors": report.errors(), "warnings": report.warnings(), "problems": items});
        crate::out!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
    } else {
        report.print();
        if failed {
            eprintln!("Check failed: {}.", report.summary());
        } else {
            crate::out!("Check passed: {}.", report.summary());
        }
    }
    i32::from(failed)
}
