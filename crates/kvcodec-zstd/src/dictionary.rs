//! Trained zstd dictionaries: [`ZstdBuilder`](crate::ZstdBuilder) registers them, [`train_dictionary`] makes them.
//!
//! A dictionary holds content and entropy tables common to many small values, so a 200-byte
//! JSON record compresses against what the dictionary already says instead of from nothing.
//! Each dictionary carries a 32-bit id in its header; zstd writes that id into every frame
//! compressed with it, and the reader picks the dictionary by that id.
//!
//! Values written with a dictionary can only be read by readers that registered the same
//! dictionary bytes — **GLIDE clients cannot read them** (GLIDE has no dictionary support and
//! returns such values as stored bytes). Readers should register a dictionary before any writer
//! uses it, and keep old dictionaries registered while values written with them remain.

use kvcodec::Error;
use zstd::zstd_safe::{self, CDict, DDict};

/// A dictionary prepared for decoding, with its id.
pub(crate) struct ReadDictionary {
    pub(crate) id: u32,
    pub(crate) ddict: DDict<'static>,
}

/// The dictionary prepared for compressing at the codec's level, with its id.
pub(crate) struct WriteDictionary {
    pub(crate) id: u32,
    pub(crate) cdict: CDict<'static>,
}

/// The id in a zstd dictionary's header, or `None` for bytes that are not a zstd dictionary
/// with a header (raw-content dictionaries have no id and are not accepted by kvcodec).
pub fn dictionary_id(dictionary: &[u8]) -> Option<u32> {
    zstd_safe::get_dict_id_from_dict(dictionary).map(|id| id.get())
}

/// Gives a zstd dictionary another id (bytes 4..8 of its header, little-endian): for small
/// ids, which take 1 byte in each compact value (`ZstdDictCodec`) instead of 5. zstd's trainer
/// picks random ids of 32768 and up; ids below that are "reserved for a registrar", which for
/// kvcodec is the server's `kvcodec:dictionaries` hash (`kvcodec dict train` takes the next free
/// one). Fails on bytes that are not a zstd dictionary or on id 0.
pub fn set_dictionary_id(dictionary: &mut [u8], id: u32) -> Result<(), Error> {
    if id == 0 || dictionary_id(dictionary).is_none() {
        return Err(Error::InvalidConfig {
            field: "dictionary id",
            found: format!("id {id} for {} bytes", dictionary.len()),
            expected: "a zstd dictionary (magic 37 a4 30 ec) and a non-zero id".to_owned(),
        });
    }
    dictionary[4..8].copy_from_slice(&id.to_le_bytes());
    Ok(())
}

pub(crate) fn bad_dictionary(id: u32, bytes: &[u8]) -> Error {
    Error::InvalidConfig {
        field: "dictionary",
        found: format!(
            "dictionary id {id} ({} bytes) that zstd cannot load",
            bytes.len()
        ),
        expected: "a well-formed zstd dictionary".to_owned(),
    }
}

/// Formats dictionary ids as `1, 7` (or `none`) for messages.
pub(crate) fn list_ids(ids: impl IntoIterator<Item = u32>) -> String {
    let ids: Vec<String> = ids.into_iter().map(|id| id.to_string()).collect();
    if ids.is_empty() {
        "none".to_owned()
    } else {
        ids.join(", ")
    }
}

/// Fewest samples accepted by [`train_dictionary`] (zstd's trainer needs at least 5; far more
/// are needed for a useful dictionary).
pub const MIN_TRAINING_SAMPLES: usize = 8;

/// Smallest dictionary zstd can build (`ZDICT_DICTSIZE_MIN`).
pub const MIN_DICTIONARY_SIZE: usize = 256;

/// Fewest bytes accepted in the first three quarters of the samples, which zstd's trainer
/// learns from (it tests on the rest). zstd 1.5.7 divides by zero on a handful of bytes, so
/// this is checked before calling it.
pub const MIN_TRAINING_BYTES: usize = 1024;

/// Trains a dictionary of at most `max_size` bytes on sample values.
///
/// Give it many representative values — a few thousand, totalling around 100 × `max_size`
/// (zstd's advice); 4–16 KiB dictionaries suit values of a few hundred bytes. The result
/// starts with a random id (see [`dictionary_id`]); register the same bytes with every
/// reader ([`ZstdBuilder::dictionary`](crate::ZstdBuilder::dictionary)).
///
/// Fails with [`Error::InvalidConfig`] when there are fewer than [`MIN_TRAINING_SAMPLES`]
/// samples, when the first three quarters of them hold fewer than [`MIN_TRAINING_BYTES`],
/// when `max_size` is under [`MIN_DICTIONARY_SIZE`], or when zstd's trainer rejects the samples
/// (nothing to learn).
pub fn train_dictionary(samples: &[impl AsRef<[u8]>], max_size: usize) -> Result<Vec<u8>, Error> {
    let total: usize = samples.iter().map(|s| s.as_ref().len()).sum();
    let found = || format!("{} samples totalling {total} bytes", samples.len());
    if samples.len() < MIN_TRAINING_SAMPLES {
        return Err(Error::InvalidConfig {
            field: "samples",
            found: found(),
            expected: format!("at least {MIN_TRAINING_SAMPLES} samples (ideally thousands)"),
        });
    }
    // zstd's default trainer learns from the first floor(0.75 n) samples.
    let learned: usize = samples[..samples.len() * 3 / 4]
        .iter()
        .map(|s| s.as_ref().len())
        .sum();
    if learned < MIN_TRAINING_BYTES {
        return Err(Error::InvalidConfig {
            field: "samples",
            found: format!("{}, {learned} bytes in the first three quarters", found()),
            expected: format!(
                "at least {MIN_TRAINING_BYTES} bytes in the first three quarters of the samples \
                 (ideally about 100 × max_size in all)"
            ),
        });
    }
    if max_size < MIN_DICTIONARY_SIZE {
        return Err(Error::InvalidConfig {
            field: "max_size",
            found: max_size.to_string(),
            expected: format!("at least {MIN_DICTIONARY_SIZE} bytes"),
        });
    }
    zstd::dict::from_samples(samples, max_size).map_err(|e| Error::InvalidConfig {
        field: "samples",
        found: format!("{} (zstd: {e})", found()),
        expected: format!("enough varied data to train a dictionary of {max_size} bytes"),
    })
}
