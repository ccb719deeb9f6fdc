//! [`EngineBuilder`]: codecs, writer, policy, mode and limits of an [`Engine`].

use std::sync::Arc;

use crate::engine::DEFAULT_MAX_DECOMPRESSED_SIZE;
use crate::metrics::Metrics;
use crate::observe::{Observer, RateLimiter};
use crate::policy::{DefaultPolicy, Policy};
use crate::{Codec, CodecId, Engine, Error, Mode, OnCorrupt, Registry};

/// Builds an [`Engine`].
pub struct EngineBuilder {
    registry: Registry,
    writer: Option<CodecId>,
    policy: Box<dyn Policy>,
    mode: Mode,
    max_decompressed_size: usize,
    on_corrupt: OnCorrupt,
    metrics: Option<Arc<Metrics>>,
    observer: Option<Arc<dyn Observer>>,
}

impl Default for EngineBuilder {
    fn default() -> Self {
        EngineBuilder {
            registry: Registry::new(),
            writer: None,
            policy: Box::new(DefaultPolicy::default()),
            mode: Mode::On,
            max_decompressed_size: DEFAULT_MAX_DECOMPRESSED_SIZE,
            on_corrupt: OnCorrupt::default(),
            metrics: None,
            observer: None,
        }
    }
}

impl EngineBuilder {
    /// Registers a codec for reading (and for writing, with [`write_with`](Self::write_with)).
    /// The first codec registered is the writer unless `write_with` names another.
    pub fn codec(mut self, codec: impl Into<Arc<dyn Codec>>) -> Result<Self, Error> {
        let codec = codec.into();
        let id = codec.id();
        self.registry.register(codec)?;
        self.writer.get_or_insert(id);
        Ok(self)
    }

    /// Writes with the codec registered under `id`.
    pub fn write_with(mut self, id: CodecId) -> Self {
        self.writer = Some(id);
        self
    }

    /// Replaces the [`DefaultPolicy`].
    pub fn policy(mut self, policy: impl Policy + 'static) -> Self {
        self.policy = Box::new(policy);
        self
    }

    /// Sets the [`Mode`] (default `On`).
    pub fn mode(mut self, mode: Mode) -> Self {
        self.mode = mode;
        self
    }

    /// Largest decoded value accepted (default 512 MiB).
    pub fn max_decompressed_size(mut self, bytes: usize) -> Self {
        self.max_decompressed_size = bytes;
        self
    }

    /// What to do with values that fail to decode (default [`OnCorrupt::ReturnStored`]).
    pub fn on_corrupt(mut self, on_corrupt: OnCorrupt) -> Self {
        self.on_corrupt = on_corrupt;
        self
    }

    /// Counts into these metrics instead of a new set (to share figures between engines).
    pub fn metrics(mut self, metrics: Arc<Metrics>) -> Self {
        self.metrics = Some(metrics);
        self
    }

    /// Reports every value to `observer` (e.g. a metrics exporter) besides counting it.
    pub fn observer(mut self, observer: Arc<dyn Observer>) -> Self {
        self.observer = Some(observer);
        self
    }

    /// The engine. Fails if the writer id names no registered codec.
    pub fn build(self) -> Result<Engine, Error> {
        let writer = match self.writer {
            Some(id) => Some(self.registry.require(id)?.clone()),
            None => None,
        };
        Ok(Engine {
            registry: self.registry,
            writer,
            policy: self.policy,
            mode: self.mode,
            max_decompressed_size: self.max_decompressed_size,
            on_corrupt: self.on_corrupt,
            metrics: self.metrics.unwrap_or_else(Metrics::new),
            observer: self.observer,
            warn_limit: RateLimiter::new(std::time::Duration::from_secs(10)),
        })
    }
}
