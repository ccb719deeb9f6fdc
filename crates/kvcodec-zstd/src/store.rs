//! [`Dictionaries`]: the zstd dictionaries a process knows, shared by its codecs, and able to
//! grow while they run.
//!
//! A reader that started before a dictionary was pushed learns it later: whoever finds a value
//! naming an unknown id (kvcodec-redis's wrapper, which fetches it from the server) calls
//! [`Dictionaries::insert`], and every codec sharing the set decodes with it from then on. No
//! codec is rebuilt and no engine restarted.
//!
//! Reads take no lock: the set is an immutable sorted list behind an [`ArcSwap`], replaced
//! whole by an insert (rare: once per dictionary per process).

use std::sync::{Arc, Mutex};

use arc_swap::ArcSwap;
use kvcodec::Error;
use zstd::zstd_safe::DDict;

use crate::dictionary::{dictionary_id, list_ids};

/// One dictionary, prepared for decoding.
pub(crate) struct Entry {
    pub(crate) id: u32,
    pub(crate) ddict: DDict<'static>,
    pub(crate) bytes: Arc<[u8]>,
}

/// A shared, growable set of zstd dictionaries, by id.
///
/// ```
/// # let samples: Vec<String> = (0..500)
/// #     .map(|i| format!(r#"{{"user":{i},"name":"user{i}","plan":"free","tags":["a","b"]}}"#))
/// #     .collect();
/// use kvcodec_zstd::Dictionaries;
/// let dict = kvcodec_zstd::train_dictionary(&samples, 4096)?;
/// let set = Dictionaries::new();
/// let id = set.insert(&dict)?;
/// assert!(set.contains(id));
/// assert_eq!(set.ids(), vec![id]);
/// # Ok::<(), kvcodec::Error>(())
/// ```
pub struct Dictionaries {
    set: ArcSwap<Vec<Arc<Entry>>>,
    /// Serialises inserts (readers never take it).
    writer: Mutex<()>,
}

impl std::fmt::Debug for Dictionaries {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Dictionaries")
            .field("ids", &list_ids(self.ids()))
            .finish()
    }
}

impl Dictionaries {
    /// An empty set.
    pub fn new() -> Arc<Dictionaries> {
        Arc::new(Dictionaries {
            set: ArcSwap::from_pointee(Vec::new()),
            writer: Mutex::new(()),
        })
    }

    /// Prepares `dictionary` for decoding and adds it under the id in its header, which it
    /// returns. Adding the same bytes again is fine; different bytes under a known id, bytes
    /// without a zstd dictionary header, and a dictionary zstd cannot load are
    /// [`Error::InvalidConfig`].
    pub fn insert(&self, dictionary: &[u8]) -> Result<u32, Error> {
        let Some(id) = dictionary_id(dictionary) else {
            return Err(Error::InvalidConfig {
                field: "dictionary",
                found: format!(
                    "{} bytes without a zstd dictionary header",
                    dictionary.len()
                ),
                expected: "a zstd dictionary starting with magic 37 a4 30 ec and a non-zero id"
                    .to_owned(),
            });
        };
        let _writer = self.writer.lock().unwrap_or_else(|e| e.into_inner());
        let current = self.set.load_full();
        if let Some(known) = current.iter().find(|e| e.id == id) {
            if &known.bytes[..] == dictionary {
                return Ok(id);
            }
            return Err(Error::InvalidConfig {
                field: "dictionary",
                found: format!("a second dictionary with id {id} and different content"),
                expected: "one dictionary per id".to_owned(),
            });
        }
        let ddict = DDict::try_create(dictionary).ok_or_else(|| Error::InvalidConfig {
            field: "dictionary",
            found: format!(
                "dictionary id {id} ({} bytes) that zstd cannot load",
                dictionary.len()
            ),
            expected: "a well-formed zstd dictionary".to_owned(),
        })?;
        let mut next: Vec<Arc<Entry>> = current.iter().cloned().collect();
        next.push(Arc::new(Entry {
            id,
            ddict,
            bytes: dictionary.into(),
        }));
        next.sort_by_key(|e| e.id);
        self.set.store(Arc::new(next));
        Ok(id)
    }

    /// `true` if a dictionary with this id is in the set.
    pub fn contains(&self, id: u32) -> bool {
        self.set.load().binary_search_by_key(&id, |e| e.id).is_ok()
    }

    /// The ids in the set, ascending.
    pub fn ids(&self) -> Vec<u32> {
        self.set.load().iter().map(|e| e.id).collect()
    }

    /// The bytes of the dictionary with this id.
    pub fn bytes(&self, id: u32) -> Option<Arc<[u8]>> {
        self.entry(id).map(|e| e.bytes.clone())
    }

    /// The entry of this id.
    pub(crate) fn entry(&self, id: u32) -> Option<Arc<Entry>> {
        let set = self.set.load();
        set.binary_search_by_key(&id, |e| e.id)
            .ok()
            .map(|i| set[i].clone())
    }

    /// Runs `f` with the prepared dictionary of this id, without cloning anything.
    #[inline]
    pub(crate) fn with_ddict<R>(&self, id: u32, f: impl FnOnce(&DDict<'static>) -> R) -> Option<R> {
        let set = self.set.load();
        let i = set.binary_search_by_key(&id, |e| e.id).ok()?;
        Some(f(&set[i].ddict))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn samples(tag: &str) -> Vec<String> {
        (0..400)
            .map(|i| format!(r#"{{"{tag}":{i},"name":"n{}","plan":"p{}"}}"#, i * 7, i % 5))
            .collect()
    }

    #[test]
    fn inserts_grow_the_set_and_refuse_a_different_dictionary_under_a_taken_id() {
        let set = Dictionaries::new();
        let a = crate::train_dictionary(&samples("user"), 2048).unwrap();
        let id = set.insert(&a).unwrap();
        assert_eq!(set.insert(&a).unwrap(), id, "same bytes again are fine");
        assert_eq!(set.bytes(id).as_deref(), Some(&a[..]));
        let mut b = crate::train_dictionary(&samples("cart"), 2048).unwrap();
        crate::set_dictionary_id(&mut b, id).unwrap();
        let err = set.insert(&b).unwrap_err();
        assert!(err.to_string().contains("different content"), "{err}");
        assert!(set.insert(b"not a dictionary").is_err());
        assert_eq!(set.ids(), vec![id]);
        assert!(!set.contains(id.wrapping_add(1)));
    }
}
