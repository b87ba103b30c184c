//! `irbook build`: the site into a folder (`-o`, replaced whole only when
//! the build succeeds) or into one HTML file (`--single-file`).

use crate::diag::Report;
use crate::{single, site, write};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// `irbook build [-o DIR]`: the site into a folder, swapped in whole.
pub fn folder(root: Option<PathBuf>, output: &Path, quiet: bool, timings: bool) -> i32 {
    let started = Instant::now();
    let tree = match site::open(root, Some(output)) {
        Ok(t) => t,
        Err(r) => return fail(&r, output),
    };
    let mut report = Report::default();
    let real = match crate::paths::output_folder(output, &tree.watch_paths()) {
        Ok(p) => p,
        Err(problem) => {
            report.push(problem);
            return fail(&report, output);
        }
    };
    let staging = match write::Staging::new(&real) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return 1;
        }
    };
    let load_time = started.elapsed();
    let Some(mut site) = site::render(&tree, &mut report, &staging) else {
        drop(staging);
        return fail(&report, output);
    };
    report.print();
    let commit_started = Instant::now();
    if let Err(e) = staging.commit() {
        eprintln!("error: {e}");
        return 1;
    }
    site.timings.insert(0, ("read files", load_time));
    site.timings.push(("swap in the new output", commit_started.elapsed()));
    if timings {
        for (stage, d) in &site.timings {
            eprintln!("{:>8.1} ms  {stage}", d.as_secs_f64() * 1000.0);
        }
    }
    if !quiet {
        let ms = started.elapsed().as_secs_f64() * 1000.0;
        crate::out!(
            "Built {} pages from {} into {} in {:.0} ms{}",
            site.pages,
            tree.label,
            output.display(),
            ms,
            report.warnings_note()
        );
    }
    // Thousands of files' text: the process ends now and need not free them one by one.
    site::drop_later(tree);
    0
}

/// `irbook build --single-file FILE`: builds and writes the file; the exit code.
pub fn single_file(root: Option<PathBuf>, file: &Path, quiet: bool) -> i32 {
    let started = Instant::now();
    let tree = match site::open(root, Some(file)) {
        Ok(t) => t,
        Err(r) => return fail_single(&r, file),
    };
    let mut report = Report::default();
    let target = match crate::paths::output_file(file, &tree.watch_paths(), single::made_by_irbook) {
        Ok(t) => t,
        Err(problem) => {
            report.push(problem);
            return fail_single(&report, file);
        }
    };
    let Some(single) = single::build(&tree, &mut report) else {
        return fail_single(&report, file);
    };
    report.print();
    if let Err(e) = single::write_atomically(&target, single.html.as_bytes()) {
        eprintln!("error: {e}");
        return 1;
    }
    if !quiet {
        let ms = started.elapsed().as_secs_f64() * 1000.0;
        let kb = single.html.len() as f64 / 1024.0;
        let warn = report.warnings_note();
        crate::out!(
            "Built {} pages from {} into the single file {} ({kb:.0} KB) in {ms:.0} ms{warn}",
            single.pages,
            tree.label,
            file.display()
        );
    }
    0
}

/// Prints the problems and the closing line; exit code 1.
fn fail(report: &Report, output: &Path) -> i32 {
    let kept = output.is_dir().then(|| format!("; the previous site in {} is unchanged", output.display()));
    failed(report, kept)
}

fn fail_single(report: &Report, file: &Path) -> i32 {
    let kept = std::fs::metadata(file)
        .is_ok_and(|m| m.is_file())
        .then(|| format!("; the previous {} is unchanged", file.display()));
    failed(report, kept)
}

fn failed(report: &Report, kept: Option<String>) -> i32 {
    report.print();
    eprintln!("Build failed: {}{}.", report.summary(), kept.unwrap_or_default());
    1
}
