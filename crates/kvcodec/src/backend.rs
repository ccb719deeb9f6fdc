//! [`Backend`]: what a backend crate exports so a [`crate::Config`] can name it.

use std::ops::RangeInclusive;
use std::sync::Arc;

use crate::{Codec, CodecId, Error};

/// A backend crate's description of itself: name, id, levels, and how to build its codec.
///
/// Each backend crate exports one as a `static` (`kvcodec_zstd::BACKEND`), in the manner of
/// rustls' crypto providers; [`crate::Config::build`] takes the ones the application compiled in.
#[derive(Debug)]
pub struct Backend {
    /// Name used in config (`"zstd"`).
    pub name: &'static str,
    /// Header id.
    pub id: CodecId,
    /// Accepted `compression_level`s, or `None` if the backend takes no level.
    pub levels: Option<RangeInclusive<i32>>,
    /// Level used when the config gives none.
    pub default_level: i32,
    /// Builds the codec at a level already checked against `levels`.
    pub build: fn(level: i32) -> Result<Arc<dyn Codec>, Error>,
}

impl Backend {
    /// Checks `level` against [`levels`](Self::levels) and builds the codec.
    pub fn codec(&self, level: Option<i32>) -> Result<Arc<dyn Codec>, Error> {
        let level = match (&self.levels, level) {
            (_, None) => self.default_level,
            (Some(range), Some(l)) if range.contains(&l) => l,
            (Some(range), Some(l)) => {
                return Err(Error::InvalidConfig {
                    field: "compression_level",
                    found: l.to_string(),
                    expected: format!(
                        "a {} level in {}..={}",
                        self.name,
                        range.start(),
                        range.end()
                    ),
                });
            }
            (None, Some(l)) => {
                return Err(Error::InvalidConfig {
                    field: "compression_level",
                    found: l.to_string(),
                    expected: format!("no level: {} has none", self.name),
                });
            }
        };
        (self.build)(level)
    }
}
