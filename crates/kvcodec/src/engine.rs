//! [`Engine`]: encode values for storage and decode stored values, under a policy and limits.
//!
//! The two directions live in `encode.rs` and `decode.rs`; this file holds what they share:
//! the engine's parts, its accessors, and how a value's handling is timed and reported.

use std::sync::Arc;
use std::time::Duration;

use crate::counters::Counters;
use crate::observe::{Observer, RateLimiter};
use crate::policy::EnginePolicy;
use crate::timing::Clock;
use crate::{Codec, Mode, OnCorrupt, Registry, ValueTypes};

/// Encodes values for storage and decodes stored values.
///
/// Cheap to share: wrap it in an `Arc` and use it from every connection and thread. Nothing
/// on its hot paths takes a lock or writes memory another thread writes (codec contexts and
/// counters are per thread: [`crate::pool`], [`crate::counters`]), so one shared engine runs
/// as fast per thread as one engine per thread.
///
/// | direction | bytes only | what happened, and why |
/// |---|---|---|
/// | value → stored form | [`encode`](Self::encode), [`encode_vec`](Self::encode_vec) | [`encode_outcome`](Self::encode_outcome) → [`Encoded`](crate::Encoded) |
/// | stored form → value | [`decode`](Self::decode), [`decode_vec`](Self::decode_vec) | [`decode_outcome`](Self::decode_outcome) → [`Decoded`](crate::Decoded) |
pub struct Engine {
    pub(crate) registry: Registry,
    pub(crate) writer: Option<Arc<dyn Codec>>,
    pub(crate) policy: EnginePolicy,
    pub(crate) mode: Mode,
    pub(crate) max_decompressed_size: usize,
    pub(crate) on_corrupt: OnCorrupt,
    pub(crate) value_types: ValueTypes,
    pub(crate) counters: Arc<Counters>,
    pub(crate) observer: Option<Arc<dyn Observer>>,
    /// Which values are timed (two clock reads per timed value).
    pub(crate) clock: Clock,
    pub(crate) warn_limit: RateLimiter,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("registry", &self.registry)
            .field("writer", &self.writer.as_ref().map(|c| c.id()))
            .field("mode", &self.mode)
            .field("max_decompressed_size", &self.max_decompressed_size)
            .field("on_corrupt", &self.on_corrupt)
            .field("value_types", &self.value_types)
            .finish_non_exhaustive()
    }
}

/// Default `max_decompressed_size`: 512 MiB, Valkey's `proto-max-bulk-len`.
pub const DEFAULT_MAX_DECOMPRESSED_SIZE: usize = 512 * 1024 * 1024;

impl Engine {
    /// Starts an [`EngineBuilder`](crate::EngineBuilder).
    pub fn builder() -> crate::EngineBuilder {
        crate::EngineBuilder::default()
    }

    /// What goes into the time totals: only when every value is timed, so they are totals.
    #[inline]
    pub(crate) fn total(&self, took: Option<Duration>) -> Duration {
        match (self.clock, took) {
            (Clock::Every, Some(took)) => took,
            _ => Duration::ZERO,
        }
    }

    /// The codec used to write, if any.
    pub fn writer(&self) -> Option<&Arc<dyn Codec>> {
        self.writer.as_ref()
    }

    /// The codecs this engine decodes.
    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    /// The engine's mode.
    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// This engine's counters.
    pub fn counters(&self) -> &Arc<Counters> {
        &self.counters
    }

    /// `max_decompressed_size`.
    pub fn max_decompressed_size(&self) -> usize {
        self.max_decompressed_size
    }

    /// Which value types a wrapper compresses on write (default: strings only, as GLIDE).
    /// Reads decode every type whatever this says.
    pub fn value_types(&self) -> ValueTypes {
        self.value_types
    }

    /// What decoding does with a value that has a header but does not decode.
    pub fn on_corrupt(&self) -> OnCorrupt {
        self.on_corrupt
    }
}
