//! The build pipeline every command runs: [`open`] reads a handbook (a
//! folder with its layers, `./content`, or the built-in one) into a
//! [`Tree`]; [`render`] validates it into the model and renders it into a
//! [`render::Sink`] (a folder being written, memory, or nothing). Commands
//! decide what to do with the result; nothing here prints.

use crate::diag::Report;
use crate::load::{self, Tree};
use crate::{layers, model, render};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// The content to build: the given folder, the current folder when it holds
/// `handbook.yaml`, ./content, or the built-in handbook.
pub fn open(root: Option<PathBuf>, skip: Option<&Path>) -> Result<Tree, Report> {
    match root {
        Some(r) => layers::read(&r, skip),
        // Inside a handbook (made by `irbook new`): that folder.
        None if Path::new("handbook.yaml").is_file() => layers::read(Path::new("."), skip),
        None if Path::new("content").join("handbook.yaml").is_file() => layers::read(Path::new("content"), skip),
        None => Ok(load::builtin_content()),
    }
}

/// Loads, validates and renders into `sink`; `None` when there were errors.
/// Rendering runs even after model errors, so link and questionnaire problems
/// are reported in the same run.
pub fn render(tree: &Tree, report: &mut Report, sink: &dyn render::Sink) -> Option<render::Summary> {
    let started = Instant::now();
    let hb = model::build(tree, report);
    let model_time = started.elapsed();
    let summary = hb
        .and_then(|hb| {
            let summary = render::render_site(&hb, tree, &load::builtin_theme(), report, sink);
            drop_later(hb);
            summary
        })
        .map(|mut s| {
            s.timings.insert(0, ("read front matter and YAML", model_time));
            s
        });
    tree.attribute_layers(report);
    summary.filter(|_| !report.has_errors())
}

/// Frees a large value (a handbook, a search index's tables) on a worker
/// thread, so the build goes on instead of waiting for thousands of small
/// frees; a process that ends first leaves the rest to the system.
pub(crate) fn drop_later<T: Send + 'static>(value: T) {
    rayon::spawn(move || drop(value));
}
