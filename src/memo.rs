//! What `irbook serve` keeps from one build to the next: parsed files,
//! position indexes, templates, compiled questionnaires and rendered pages,
//! each filed under a hash of everything it was made from. A rebuild after
//! an edit finds the rest unchanged and redoes only what the edit touched.
//!
//! A one-shot build (`irbook build`, `check`) uses a disabled memo, which
//! stores nothing, so it does exactly the work it did before. Entries not
//! used by a build are dropped after it ([`Memo::sweep`]), so a long editing
//! session does not grow without bound.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex};

/// A key: the kind of value and a hash of its inputs.
type Key = (TypeId, u64);

struct Entry {
    value: Arc<dyn Any + Send + Sync>,
    /// Whether the current build asked for it (cleared by `sweep`).
    used: bool,
}

/// Values from earlier builds, by the hash of their inputs.
pub struct Memo {
    enabled: bool,
    entries: Mutex<HashMap<Key, Entry>>,
}

impl Default for Memo {
    fn default() -> Memo {
        Memo::disabled()
    }
}

impl std::fmt::Debug for Memo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Memo").field("enabled", &self.enabled).field("entries", &self.len()).finish()
    }
}

impl Memo {
    /// Remembers nothing: every lookup makes its value.
    pub fn disabled() -> Memo {
        Memo { enabled: false, entries: Mutex::new(HashMap::new()) }
    }

    /// Remembers values across builds (for `irbook serve`).
    pub fn enabled() -> Memo {
        Memo { enabled: true, entries: Mutex::new(HashMap::new()) }
    }

    pub fn is_enabled(&self) -> bool {
        self.enabled
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Key, Entry>> {
        // A build thread that panicked leaves whole entries behind; keep them.
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The value made from inputs hashing to `key`, made by `make` the first
    /// time. The lock is not held while making, so threads make in parallel.
    pub fn get_or<T: Any + Send + Sync>(&self, key: u64, make: impl FnOnce() -> T) -> Arc<T> {
        if !self.enabled {
            return Arc::new(make());
        }
        let k = (TypeId::of::<T>(), key);
        if let Some(e) = self.lock().get_mut(&k) {
            if let Ok(v) = Arc::clone(&e.value).downcast::<T>() {
                e.used = true;
                return v;
            }
        }
        let value = Arc::new(make());
        let stored: Arc<dyn Any + Send + Sync> = value.clone();
        self.lock().insert(k, Entry { value: stored, used: true });
        value
    }

    /// The value filed under `key`, if an earlier build made one.
    pub fn get<T: Any + Send + Sync>(&self, key: u64) -> Option<Arc<T>> {
        if !self.enabled {
            return None;
        }
        let mut entries = self.lock();
        let e = entries.get_mut(&(TypeId::of::<T>(), key))?;
        e.used = true;
        Arc::clone(&e.value).downcast::<T>().ok()
    }

    /// Files `value` under `key` (nothing when disabled).
    pub fn put<T: Any + Send + Sync>(&self, key: u64, value: Arc<T>) {
        if self.enabled {
            self.lock().insert((TypeId::of::<T>(), key), Entry { value, used: true });
        }
    }

    /// Drops what the last build did not use; call after each build.
    pub fn sweep(&self) {
        let mut entries = self.lock();
        entries.retain(|_, e| std::mem::take(&mut e.used));
    }

    /// How many values are kept.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A hash of several inputs, for [`Memo::get_or`]. Each part is hashed with
/// its length, so ("ab", "c") and ("a", "bc") differ. foldhash with a fixed
/// seed: keys must be equal from one build to the next, and hashing every
/// page's values is on the path of each rebuild (SipHash took three times as long).
pub struct Inputs(foldhash::quality::FoldHasher<'static>);

impl Inputs {
    pub fn new(kind: &str) -> Inputs {
        use std::hash::BuildHasher;
        let mut i = Inputs(foldhash::quality::FixedState::with_seed(0x1b_b00c).build_hasher());
        i.add(kind);
        i
    }

    pub fn add<H: Hash + ?Sized>(&mut self, part: &H) -> &mut Inputs {
        part.hash(&mut self.0);
        self
    }

    /// Adds a JSON value, walking it rather than writing it out as text.
    pub fn add_json(&mut self, v: &serde_json::Value) -> &mut Inputs {
        use serde_json::Value;
        match v {
            Value::Null => self.add(&0u8),
            Value::Bool(b) => self.add(&1u8).add(b),
            Value::Number(n) => self.add(&2u8).add(&n.as_f64().map(f64::to_bits)).add(&n.as_i64()),
            Value::String(s) => self.add(&3u8).add(s.as_str()),
            Value::Array(items) => {
                self.add(&4u8).add(&items.len());
                items.iter().for_each(|i| {
                    self.add_json(i);
                });
                self
            }
            Value::Object(map) => {
                self.add(&5u8).add(&map.len());
                for (k, v) in map {
                    self.add(k.as_str()).add_json(v);
                }
                self
            }
        }
    }

    pub fn key(&self) -> u64 {
        self.0.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_enabled_memo_makes_each_value_once() {
        let memo = Memo::enabled();
        let mut made = 0;
        let a = memo.get_or(1, || {
            made += 1;
            "first".to_string()
        });
        let b = memo.get_or(1, || {
            made += 1;
            "second".to_string()
        });
        assert_eq!((a.as_str(), b.as_str(), made), ("first", "first", 1));
        // The same key for another kind of value is another entry.
        assert_eq!(*memo.get_or(1, || 7u32), 7);
        assert_eq!(memo.len(), 2);
    }

    #[test]
    fn a_disabled_memo_keeps_nothing() {
        let memo = Memo::disabled();
        assert_eq!(*memo.get_or(1, || 1u8), 1);
        assert_eq!(*memo.get_or(1, || 2u8), 2);
        assert!(memo.is_empty());
    }

    #[test]
    fn sweep_drops_what_the_last_build_did_not_use() {
        let memo = Memo::enabled();
        memo.get_or(1, || 1u8);
        memo.get_or(2, || 2u8);
        memo.sweep();
        // The next build uses only the first.
        memo.get_or(1, || 9u8);
        memo.sweep();
        assert_eq!(memo.len(), 1);
        assert_eq!(*memo.get_or(1, || 9u8), 1);
        assert_eq!(*memo.get_or(2, || 3u8), 3, "the unused value was made again");
    }

    #[test]
    fn json_values_hash_by_content() {
        let a: serde_json::Value = serde_json::json!({"a": [1, "x", null], "b": true});
        let b: serde_json::Value = serde_json::json!({"a": [1, "x", null], "b": false});
        let key = |v| Inputs::new("j").add_json(v).key();
        let same = a.clone();
        assert_eq!(key(&a), key(&same));
        assert_ne!(key(&a), key(&b));
        assert_ne!(key(&serde_json::json!(["ab", "c"])), key(&serde_json::json!(["a", "bc"])));
    }

    #[test]
    fn get_and_put_file_values_for_later_builds() {
        let memo = Memo::enabled();
        assert!(memo.get::<String>(5).is_none());
        memo.put(5, Arc::new("index".to_string()));
        assert_eq!(memo.get::<String>(5).as_deref().map(String::as_str), Some("index"));
        let off = Memo::disabled();
        off.put(5, Arc::new(1u8));
        assert!(off.get::<u8>(5).is_none());
    }

    #[test]
    fn inputs_keep_their_boundaries() {
        let ab_c = Inputs::new("t").add("ab").add("c").key();
        let a_bc = Inputs::new("t").add("a").add("bc").key();
        assert_ne!(ab_c, a_bc);
        assert_eq!(ab_c, Inputs::new("t").add("ab").add("c").key());
    }
}
