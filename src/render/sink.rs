//! Where rendered files go: a sink per kind of output (the build's staging
//! folder, memory for serve and the single file, nowhere for `check`).

use std::collections::BTreeMap;

/// Where rendered files go: the staging folder of a build, or nowhere (check).
pub trait Sink: Sync {
    fn put(&self, path: &str, bytes: &[u8]) -> Result<(), String>;
}

/// A sink that keeps nothing, for validating without writing.
pub struct Discard;

impl Sink for Discard {
    fn put(&self, _path: &str, _bytes: &[u8]) -> Result<(), String> {
        Ok(())
    }
}

/// A sink that keeps every file in memory, by output path (serve, single file).
#[derive(Default)]
pub struct Memory {
    pub(super) files: std::sync::Mutex<BTreeMap<String, Vec<u8>>>,
}

impl Memory {
    /// The files written so far, sorted by path.
    pub fn into_files(self) -> BTreeMap<String, Vec<u8>> {
        self.files.into_inner().unwrap_or_else(|e| e.into_inner())
    }
}

impl Sink for Memory {
    fn put(&self, path: &str, bytes: &[u8]) -> Result<(), String> {
        let mut files = self.files.lock().map_err(|_| "a rendering thread failed".to_string())?;
        files.insert(path.to_string(), bytes.to_vec());
        Ok(())
    }
}

/// What a finished render produced.
#[derive(Debug, Default, Clone)]
pub struct Summary {
    pub pages: usize,
    pub files: usize,
    pub bytes: u64,
    /// Bytes of the search indexes, all languages together.
    pub search_bytes: u64,
    /// How long the stages took, for `build --timings`.
    pub timings: Vec<(&'static str, std::time::Duration)>,
}
