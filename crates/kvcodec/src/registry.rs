//! [`Registry`]: the codecs a reader decodes, keyed by header codec id.

use std::fmt;
use std::sync::Arc;

use crate::error::list_ids;
use crate::{Codec, CodecId, Error};

/// The codecs a reader knows, keyed by the id in the header.
///
/// A reader decodes every registered codec whatever the writer is configured to use, so a
/// change of backend never makes old values unreadable: register the old backend and the new
/// one, write with the new one.
#[derive(Clone)]
pub struct Registry {
    slots: Vec<Option<Arc<dyn Codec>>>,
}

impl Registry {
    /// An empty registry.
    pub fn new() -> Self {
        Registry {
            slots: vec![None; 256],
        }
    }

    /// Adds `codec` under [`Codec::id`]. A second codec for the same id, or a reserved id
    /// (`0x00`, `0xFF`), is an error and leaves the registry unchanged.
    pub fn register(&mut self, codec: Arc<dyn Codec>) -> Result<(), Error> {
        let id = codec.id();
        if id.is_reserved() {
            return Err(Error::InvalidConfig {
                field: "codec id",
                found: format!("{id} for codec {}", codec.name()),
                expected: "an id in 0x01..=0xFE (0x00 and 0xFF are reserved)".into(),
            });
        }
        let slot = &mut self.slots[usize::from(id.0)];
        if let Some(existing) = slot {
            return Err(Error::DuplicateCodec {
                id,
                existing: existing.name().to_owned(),
            });
        }
        *slot = Some(codec);
        Ok(())
    }

    /// The codec registered for `id`.
    #[inline]
    pub fn get(&self, id: CodecId) -> Option<&Arc<dyn Codec>> {
        self.slots[usize::from(id.0)].as_ref()
    }

    /// The codec for `id`, or [`Error::UnknownCodec`] listing what is registered.
    #[inline]
    pub fn require(&self, id: CodecId) -> Result<&Arc<dyn Codec>, Error> {
        match self.get(id) {
            Some(codec) => Ok(codec),
            None => Err(self.unknown(id)),
        }
    }

    #[cold]
    fn unknown(&self, id: CodecId) -> Error {
        Error::UnknownCodec {
            found: id,
            registered: list_ids(self.ids()),
        }
    }

    /// The registered ids, ascending.
    pub fn ids(&self) -> impl Iterator<Item = CodecId> + '_ {
        self.codecs().map(|c| c.id())
    }

    /// The registered codecs, by ascending id.
    pub fn codecs(&self) -> impl Iterator<Item = &Arc<dyn Codec>> + '_ {
        self.slots.iter().flatten()
    }

    /// The codec registered under `name`.
    pub fn by_name(&self, name: &str) -> Option<&Arc<dyn Codec>> {
        self.codecs().find(|c| c.name().eq_ignore_ascii_case(name))
    }
}

impl Default for Registry {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for Registry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.ids()).finish()
    }
}
