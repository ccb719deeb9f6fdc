//! [`ZstdBuilder`]: a [`ZstdCodec`] with a level and trained dictionaries.

use kvcodec::Error;
use zstd::zstd_safe::{CDict, DDict};

use crate::codec::ZstdCodec;
use crate::context::check_level;
use crate::dictionary::{ReadDictionary, WriteDictionary, bad_dictionary, dictionary_id, list_ids};

impl ZstdCodec {
    /// A builder, for dictionaries.
    pub fn builder() -> ZstdBuilder {
        ZstdBuilder::default()
    }
}

/// Builds a [`ZstdCodec`] with a level and dictionaries.
///
/// ```
/// # let samples: Vec<String> = (0..500)
/// #     .map(|i| format!(r#"{{"user":{i},"name":"user{i}","plan":"free","tags":["a","b"]}}"#))
/// #     .collect();
/// let dict = kvcodec_zstd::train_dictionary(&samples, 4096)?;
/// let id = kvcodec_zstd::dictionary_id(&dict).expect("trained dictionaries have an id");
/// let codec = kvcodec_zstd::ZstdCodec::builder()
///     .level(3)
///     .dictionary(&dict)?
///     .write_with_dictionary(id)
///     .build()?;
/// assert_eq!(codec.dictionary_ids(), vec![id]);
/// # Ok::<(), kvcodec::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct ZstdBuilder {
    level: i32,
    dictionaries: Vec<(u32, Vec<u8>)>,
    write_with: Option<u32>,
}

impl Default for ZstdBuilder {
    fn default() -> Self {
        ZstdBuilder {
            level: crate::DEFAULT_LEVEL,
            dictionaries: Vec::new(),
            write_with: None,
        }
    }
}

impl ZstdBuilder {
    /// The compression level (default 3), checked by [`build`](Self::build).
    pub fn level(mut self, level: i32) -> Self {
        self.level = level;
        self
    }

    /// Registers a zstd dictionary (as written by [`train_dictionary`](crate::train_dictionary) or `zstd --train`) for
    /// decoding frames that name its id. Fails if the bytes carry no dictionary id, or if
    /// another dictionary with the same id is registered.
    pub fn dictionary(mut self, dictionary: impl AsRef<[u8]>) -> Result<Self, Error> {
        let bytes = dictionary.as_ref();
        let Some(id) = dictionary_id(bytes) else {
            return Err(Error::InvalidConfig {
                field: "dictionary",
                found: format!("{} bytes without a zstd dictionary header", bytes.len()),
                expected: "a zstd dictionary starting with magic 37 a4 30 ec and a non-zero id"
                    .to_owned(),
            });
        };
        match self.dictionaries.iter().find(|(known, _)| *known == id) {
            Some((_, known)) if known == bytes => {}
            Some(_) => {
                return Err(Error::InvalidConfig {
                    field: "dictionary",
                    found: format!("a second dictionary with id {id} and different content"),
                    expected: "one dictionary per id".to_owned(),
                });
            }
            None => self.dictionaries.push((id, bytes.to_vec())),
        }
        Ok(self)
    }

    /// Compresses with the registered dictionary of this id (checked by
    /// [`build`](Self::build)). Without this, the codec writes frames without dictionary, which
    /// GLIDE can read.
    pub fn write_with_dictionary(mut self, id: u32) -> Self {
        self.write_with = Some(id);
        self
    }

    /// The codec, with every dictionary prepared once for decoding and the write dictionary
    /// prepared for compressing at the chosen level.
    pub fn build(mut self) -> Result<ZstdCodec, Error> {
        check_level(self.level)?;
        self.dictionaries.sort_by_key(|(id, _)| *id);
        let mut read = Vec::with_capacity(self.dictionaries.len());
        for (id, bytes) in &self.dictionaries {
            let ddict = DDict::try_create(bytes).ok_or_else(|| bad_dictionary(*id, bytes))?;
            read.push(ReadDictionary { id: *id, ddict });
        }
        let write = match self.write_with {
            None => None,
            Some(id) => {
                let Some((_, bytes)) = self.dictionaries.iter().find(|(known, _)| *known == id)
                else {
                    return Err(Error::InvalidConfig {
                        field: "write_with_dictionary",
                        found: id.to_string(),
                        expected: format!(
                            "a registered dictionary id ({})",
                            list_ids(self.dictionaries.iter().map(|(id, _)| *id))
                        ),
                    });
                };
                let cdict = CDict::try_create(bytes, self.level)
                    .ok_or_else(|| bad_dictionary(id, bytes))?;
                Some(WriteDictionary { id, cdict })
            }
        };
        Ok(ZstdCodec::from_parts(self.level, read, write))
    }
}
