//! Where rendered files go: a sink per kind of output (the build's staging
//! folder, memory for serve and the single file, nowhere for `check`).

use std::collections::BTreeMap;
use std::sync::Arc;

/// A rendered file's bytes, shared: under serve, an unchanged page keeps the
/// bytes of the build before, so a rebuild neither copies nor compares them.
pub type FileBytes = Arc<Vec<u8>>;

/// Where rendered files go: the staging folder of a build, or nowhere (check).
pub trait Sink: Sync {
    fn put(&self, path: &str, bytes: &[u8]) -> Result<(), String>;

    /// [`Sink::put`] for bytes the caller shares; a sink that keeps them takes a reference.
    fn put_shared(&self, path: &str, bytes: &FileBytes) -> Result<(), String> {
        self.put(path, bytes)
    }
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
    pub(super) files: std::sync::Mutex<BTreeMap<String, FileBytes>>,
}

impl Memory {
    /// The files written so far, sorted by path.
    pub fn into_files(self) -> BTreeMap<String, FileBytes> {
        self.files.into_inner().unwrap_or_else(|e| e.into_inner())
    }
}

impl Sink for Memory {
    fn put(&self, path: &str, bytes: &[u8]) -> Result<(), String> {
        let mut files = self.files.lock().map_err(|_| "a rendering thread failed".to_string())?;
        files.insert(path.to_string(), Arc::new(bytes.to_vec()));
        Ok(())
    }

    fn put_shared(&self, path: &str, bytes: &FileBytes) -> Result<(), String> {
        let mut files = self.files.lock().map_err(|_| "a rendering thread failed".to_string())?;
        files.insert(path.to_string(), Arc::clone(bytes));
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
