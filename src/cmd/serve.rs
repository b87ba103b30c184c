//! `irbook serve`: the local preview server with live reload (the server,
//! the watching and the rebuilding are [`crate::serve`]'s).

use std::path::{Path, PathBuf};

/// Serves ROOT (or this folder, ./content, or the built-in handbook) on 127.0.0.1 until
/// Ctrl-C; returns only on errors.
pub fn run(root: Option<PathBuf>, port: u16, open: bool) -> i32 {
    if let Some(r) = &root {
        if !r.is_dir() {
            eprintln!("error: {}: this folder does not exist", r.display());
            eprintln!("  hint: give the path of a folder that holds handbook.yaml, or leave it out to serve ./content");
            return 1;
        }
    }
    // The same default as `irbook build`: this folder if it is a handbook, else ./content.
    let root = root
        .or_else(|| Path::new("handbook.yaml").is_file().then(|| PathBuf::from(".")))
        .or_else(|| Path::new("content").join("handbook.yaml").is_file().then(|| PathBuf::from("content")));
    crate::serve::run(root, port, if open { Some(crate::open::url as fn(&str)) } else { None })
}
