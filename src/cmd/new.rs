//! `irbook new DIR [--extends BASE]`: a handbook that builds at once, or a
//! client variant of a base (the files themselves are [`crate::scaffold`]'s).

use std::path::Path;

pub fn run(dir: &Path, extends: Option<&str>, lang: Option<&str>, today_days: i64) -> i32 {
    let (y, m, d) = assessment_wasm::time::civil_from_days(today_days);
    crate::scaffold::run(dir, extends, lang, &format!("{y:04}-{m:02}-{d:02}"))
}
