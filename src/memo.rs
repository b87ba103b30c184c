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

    /// Adds anything serde can write (a page's view, a JSON value), by
    /// walking it: nothing is converted or allocated on the way.
    pub fn add_serialized<T: serde::Serialize + ?Sized>(&mut self, v: &T) -> &mut Inputs {
        // The hasher cannot fail; a value whose Serialize impl fails leaves
        // a mark and whatever it wrote, still the same from build to build.
        if v.serialize(Feed(self)).is_err() {
            self.add(&u8::MAX);
        }
        self
    }

    pub fn key(&self) -> u64 {
        self.0.finish()
    }
}

/// A serde serializer that feeds a value into [`Inputs`]: each part with a
/// tag for its kind and, for lists and maps, their length, so that different
/// shapes never feed the same bytes.
struct Feed<'a>(&'a mut Inputs);

/// Nothing can go wrong while hashing; serde still wants an error type.
#[derive(Debug)]
struct NoError;

impl std::fmt::Display for NoError {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a value could not be walked for its key")
    }
}

impl std::error::Error for NoError {}

impl serde::ser::Error for NoError {
    fn custom<T: std::fmt::Display>(_: T) -> Self {
        NoError
    }
}

impl<'a> Feed<'a> {
    fn tag(self, tag: u8) -> Feed<'a> {
        self.0.add(&tag);
        self
    }
}

macro_rules! feed_scalars {
    ($($method:ident: $ty:ty = $tag:literal),* $(,)?) => {$(
        fn $method(self, v: $ty) -> Result<(), NoError> {
            self.0.add(&$tag).add(&v);
            Ok(())
        }
    )*};
}

impl<'a> serde::Serializer for Feed<'a> {
    type Ok = ();
    type Error = NoError;
    type SerializeSeq = Feed<'a>;
    type SerializeTuple = Feed<'a>;
    type SerializeTupleStruct = Feed<'a>;
    type SerializeTupleVariant = Feed<'a>;
    type SerializeMap = Feed<'a>;
    type SerializeStruct = Feed<'a>;
    type SerializeStructVariant = Feed<'a>;

    feed_scalars! {
        serialize_bool: bool = 1u8, serialize_i8: i8 = 2u8, serialize_i16: i16 = 3u8, serialize_i32: i32 = 4u8,
        serialize_i64: i64 = 5u8, serialize_u8: u8 = 6u8, serialize_u16: u16 = 7u8, serialize_u32: u32 = 8u8,
        serialize_u64: u64 = 9u8, serialize_char: char = 10u8, serialize_str: &str = 11u8, serialize_bytes: &[u8] = 12u8,
    }

    fn serialize_f32(self, v: f32) -> Result<(), NoError> {
        self.0.add(&13u8).add(&v.to_bits());
        Ok(())
    }
    fn serialize_f64(self, v: f64) -> Result<(), NoError> {
        self.0.add(&14u8).add(&v.to_bits());
        Ok(())
    }
    fn serialize_none(self) -> Result<(), NoError> {
        self.0.add(&15u8);
        Ok(())
    }
    fn serialize_some<T: serde::Serialize + ?Sized>(self, v: &T) -> Result<(), NoError> {
        v.serialize(self.tag(16))
    }
    fn serialize_unit(self) -> Result<(), NoError> {
        self.0.add(&17u8);
        Ok(())
    }
    fn serialize_unit_struct(self, name: &'static str) -> Result<(), NoError> {
        self.0.add(&18u8).add(name);
        Ok(())
    }
    fn serialize_unit_variant(self, _: &'static str, index: u32, _: &'static str) -> Result<(), NoError> {
        self.0.add(&19u8).add(&index);
        Ok(())
    }
    fn serialize_newtype_struct<T: serde::Serialize + ?Sized>(self, _: &'static str, v: &T) -> Result<(), NoError> {
        v.serialize(self.tag(20))
    }
    fn serialize_newtype_variant<T: serde::Serialize + ?Sized>(
        self,
        _: &'static str,
        index: u32,
        _: &'static str,
        v: &T,
    ) -> Result<(), NoError> {
        self.0.add(&21u8).add(&index);
        v.serialize(self)
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<Feed<'a>, NoError> {
        // A list of unknown length ends with a mark instead (see `end`).
        self.0.add(&22u8).add(&len);
        Ok(self)
    }
    fn serialize_tuple(self, len: usize) -> Result<Feed<'a>, NoError> {
        self.0.add(&23u8).add(&len);
        Ok(self)
    }
    fn serialize_tuple_struct(self, _: &'static str, len: usize) -> Result<Feed<'a>, NoError> {
        self.0.add(&24u8).add(&len);
        Ok(self)
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        i: u32,
        _: &'static str,
        len: usize,
    ) -> Result<Feed<'a>, NoError> {
        self.0.add(&25u8).add(&i).add(&len);
        Ok(self)
    }
    fn serialize_map(self, len: Option<usize>) -> Result<Feed<'a>, NoError> {
        self.0.add(&26u8).add(&len);
        Ok(self)
    }
    fn serialize_struct(self, name: &'static str, len: usize) -> Result<Feed<'a>, NoError> {
        self.0.add(&27u8).add(name).add(&len);
        Ok(self)
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        i: u32,
        _: &'static str,
        len: usize,
    ) -> Result<Feed<'a>, NoError> {
        self.0.add(&28u8).add(&i).add(&len);
        Ok(self)
    }
}

/// The parts of lists, tuples and maps, one after the other, then an end mark.
macro_rules! feed_compound {
    ($($trait:ident { $($method:ident),* }),* $(,)?) => {$(
        impl serde::ser::$trait for Feed<'_> {
            type Ok = ();
            type Error = NoError;
            $(
                fn $method<T: serde::Serialize + ?Sized>(&mut self, v: &T) -> Result<(), NoError> {
                    v.serialize(Feed(self.0))
                }
            )*
            fn end(self) -> Result<(), NoError> {
                self.0.add(&29u8);
                Ok(())
            }
        }
    )*};
}

feed_compound! {
    SerializeSeq { serialize_element },
    SerializeTuple { serialize_element },
    SerializeTupleStruct { serialize_field },
    SerializeTupleVariant { serialize_field },
    SerializeMap { serialize_key, serialize_value },
}

/// The fields of structs, each after its name, then an end mark.
macro_rules! feed_fields {
    ($($trait:ident),*) => {$(
        impl serde::ser::$trait for Feed<'_> {
            type Ok = ();
            type Error = NoError;
            fn serialize_field<T: serde::Serialize + ?Sized>(
                &mut self,
                name: &'static str,
                v: &T,
            ) -> Result<(), NoError> {
                self.0.add(name);
                v.serialize(Feed(self.0))
            }
            fn end(self) -> Result<(), NoError> {
                self.0.add(&29u8);
                Ok(())
            }
        }
    )*};
}

feed_fields!(SerializeStruct, SerializeStructVariant);

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
    fn serialized_values_hash_by_content_and_shape() {
        let a: serde_json::Value = serde_json::json!({"a": [1, "x", null], "b": true});
        let b: serde_json::Value = serde_json::json!({"a": [1, "x", null], "b": false});
        let key = |v: &serde_json::Value| Inputs::new("j").add_serialized(v).key();
        let same = a.clone();
        assert_eq!(key(&a), key(&same));
        assert_ne!(key(&a), key(&b));
        assert_ne!(key(&serde_json::json!(["ab", "c"])), key(&serde_json::json!(["a", "bc"])));
        assert_ne!(key(&serde_json::json!([["a"], []])), key(&serde_json::json!([[], ["a"]])));
        assert_ne!(key(&serde_json::json!({"a": null})), key(&serde_json::json!({"a": ""})));
        // Typed views: a field's name and an absent value count.
        #[derive(serde::Serialize)]
        struct View<'a> {
            title: &'a str,
            summary: Option<&'a str>,
        }
        let view = |title, summary| Inputs::new("v").add_serialized(&View { title, summary }).key();
        assert_eq!(view("Fase", None), view("Fase", None));
        assert_ne!(view("Fase", None), view("Fase", Some("")));
        assert_ne!(view("Fase", Some("x")), view("Fasex", None));
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
