//! Measures what `irbook serve` does after a one-page edit: builds the
//! default handbook into memory with the serve memo, appends a line to one
//! page, and builds again. Run: `cargo run --release --example rebuild [DIR PAGE ROUNDS]`;
//! with REBUILD_PAUSE set it waits 1.2 s before each edit, as an author would.

use irbook::diag::Report;
use irbook::memo::Memo;
use std::sync::Arc;
use std::time::Instant;

fn main() {
    let dir = std::env::args().nth(1).unwrap_or_else(|| "content".to_string());
    let page = std::env::args().nth(2).unwrap_or_else(|| "pages/about.en.md".to_string());
    let mut tree = irbook::site::open(Some(dir.into()), None).expect("the handbook reads");
    tree.memo = Arc::new(Memo::enabled());
    let mut best = f64::MAX;
    let rounds: usize = std::env::args().nth(3).and_then(|r| r.parse().ok()).unwrap_or(8);
    for round in 0..rounds {
        if round > 0 {
            if std::env::var_os("REBUILD_PAUSE").is_some() {
                std::thread::sleep(std::time::Duration::from_millis(1200));
            }
            let f = tree.files.get_mut(&page).expect("the page exists");
            f.bytes.extend_from_slice(format!("\nEdit {round}.\n").as_bytes());
        }
        let sink = irbook::render::Memory::default();
        let mut report = Report::default();
        let started = Instant::now();
        let summary = irbook::site::render(&tree, &mut report, &sink).expect("the handbook builds");
        tree.memo.sweep();
        let ms = started.elapsed().as_secs_f64() * 1000.0;
        let stages: Vec<String> =
            summary.timings.iter().map(|(what, d)| format!("{what} {:.1}", d.as_secs_f64() * 1000.0)).collect();
        println!("{} {ms:.1} ms ({})", if round == 0 { "first" } else { "edit " }, stages.join(", "));
        if round > 0 {
            best = best.min(ms);
        }
    }
    println!("best rebuild after an edit: {best:.1} ms; kept values: {}", tree.memo.len());
}
