//! [`Engine`]: encode values for storage and decode stored values, under a policy and limits.

use std::borrow::Cow;
use std::sync::Arc;
use std::time::Duration;

use crate::codec::decode_with_limit;
use crate::header::{HEADER_LEN, Header, VERSION};
use crate::metrics::Metrics;
use crate::observe::{Observer, RateLimiter};
use crate::policy::{Policy, SkipReason};
use crate::timing::Clock;
use crate::{Codec, Error, Registry};

/// What an engine does on the write and read paths.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Mode {
    /// Neither compress nor decode: values pass through untouched, as with a plain client.
    Off,
    /// Write plain values, decode compressed ones: the safe state for a rollback, while
    /// compressed values are still stored.
    DecompressOnly,
    /// Compress by policy and decode.
    #[default]
    On,
}

/// What `decode` does with a value that has a header but does not decode.
///
/// Size-limit violations are always errors, whatever this says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum OnCorrupt {
    /// Return the stored bytes unchanged (GLIDE's behaviour): a plain value that happens to
    /// start with `00 01 02` is read as it was written. Counted as a failure and a raw fallback.
    #[default]
    ReturnStored,
    /// Return the typed error. Counted as a failure.
    Error,
}

/// What [`Engine::encode_outcome`] decided for one value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Encoded {
    /// Header and payload, to store instead of the value.
    Compressed(Vec<u8>),
    /// Store the value as it is, for this reason.
    Plain(SkipReason),
}

/// Encodes values for storage and decodes stored values.
///
/// Cheap to share: wrap it in an `Arc` and use it from every connection and thread.
pub struct Engine {
    pub(crate) registry: Registry,
    pub(crate) writer: Option<Arc<dyn Codec>>,
    pub(crate) policy: Box<dyn Policy>,
    pub(crate) mode: Mode,
    pub(crate) max_decompressed_size: usize,
    pub(crate) on_corrupt: OnCorrupt,
    pub(crate) metrics: Arc<Metrics>,
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
            .finish_non_exhaustive()
    }
}

/// Default `max_decompressed_size`: 512 MiB, Valkey's `proto-max-bulk-len`.
pub const DEFAULT_MAX_DECOMPRESSED_SIZE: usize = 512 * 1024 * 1024;

impl Engine {
    /// Starts an [`EngineBuilder`].
    pub fn builder() -> crate::EngineBuilder {
        crate::EngineBuilder::default()
    }

    /// The stored form of `value`: the header and compressed payload, or `value` itself
    /// (borrowed, not copied) when the mode or the policy says to store it plain.
    pub fn encode<'a>(&self, value: &'a [u8]) -> Result<Cow<'a, [u8]>, Error> {
        Ok(match self.compress(value)? {
            Some(stored) => Cow::Owned(stored),
            None => Cow::Borrowed(value),
        })
    }

    /// Like [`encode`](Self::encode) for an owned value, which is returned as it is (no copy)
    /// when stored plain.
    pub fn encode_vec(&self, value: Vec<u8>) -> Result<Vec<u8>, Error> {
        Ok(self.compress(&value)?.unwrap_or(value))
    }

    /// `Some(stored form)` if `value` is to be stored compressed, `None` if plain.
    pub fn compress(&self, value: &[u8]) -> Result<Option<Vec<u8>>, Error> {
        Ok(match self.encode_outcome(value)? {
            Encoded::Compressed(stored) => Some(stored),
            Encoded::Plain(_) => None,
        })
    }

    /// Like [`compress`](Self::compress), saying why a value is stored plain.
    pub fn encode_outcome(&self, value: &[u8]) -> Result<Encoded, Error> {
        let codec = match (&self.writer, self.mode) {
            (Some(codec), Mode::On) => codec,
            _ => return Ok(self.skip(SkipReason::Disabled)),
        };
        if let Err(reason) = self.policy.admit(value) {
            return Ok(self.skip(reason));
        }
        let start = self.clock.start();
        let mut out =
            Vec::with_capacity(HEADER_LEN.saturating_add(codec.max_compressed_len(value.len())));
        Header::new(codec.id()).write(&mut out);
        if let Err(err) = codec.compress(value, &mut out) {
            tracing::warn!(codec = %codec.id(), value_len = value.len(), "kvcodec: compression failed: {err}");
            return Err(err);
        }
        let took = start.map(|t| t.elapsed());
        let total = self.total(took);
        if let Err(reason) = self.policy.keep(value.len(), out.len()) {
            self.metrics.record_compress_time(codec.id(), total);
            return Ok(self.skip(reason));
        }
        self.metrics
            .record_compressed(codec.id(), value.len(), out.len(), total);
        if let Some(o) = &self.observer {
            o.compressed(codec.id(), value.len(), out.len(), took);
        }
        Ok(Encoded::Compressed(out))
    }

    /// What goes into the time totals: only when every value is timed, so they are totals.
    #[inline]
    fn total(&self, took: Option<Duration>) -> Duration {
        match (self.clock, took) {
            (Clock::Every, Some(took)) => took,
            _ => Duration::ZERO,
        }
    }

    fn skip(&self, reason: SkipReason) -> Encoded {
        self.metrics.record_skip(reason);
        if let Some(o) = &self.observer {
            o.skipped(reason);
        }
        tracing::debug!(reason = reason.as_str(), "kvcodec: value stored plain");
        Encoded::Plain(reason)
    }

    /// The original of a stored value. A value without header is returned as it is
    /// (borrowed, not copied); so is one that fails to decode, under
    /// [`OnCorrupt::ReturnStored`].
    pub fn decode<'a>(&self, stored: &'a [u8]) -> Result<Cow<'a, [u8]>, Error> {
        Ok(match self.decompress(stored)? {
            Some(plain) => Cow::Owned(plain),
            None => Cow::Borrowed(stored),
        })
    }

    /// Like [`decode`](Self::decode) for an owned value, which is returned as it is (no copy)
    /// when it is plain.
    pub fn decode_vec(&self, stored: Vec<u8>) -> Result<Vec<u8>, Error> {
        Ok(self.decompress(&stored)?.unwrap_or(stored))
    }

    /// `Some(original)` if `stored` is a compressed value, `None` if it is to be returned as
    /// stored.
    pub fn decompress(&self, stored: &[u8]) -> Result<Option<Vec<u8>>, Error> {
        if self.mode == Mode::Off {
            return Ok(None);
        }
        let Some((header, payload)) = Header::parse(stored) else {
            self.metrics.record_passthrough();
            return Ok(None);
        };
        let start = self.clock.start();
        match self.decode_payload(header, payload) {
            Ok(plain) => {
                let took = start.map(|t| t.elapsed());
                self.metrics.record_decompressed(
                    header.codec,
                    stored.len(),
                    plain.len(),
                    self.total(took),
                );
                if let Some(o) = &self.observer {
                    o.decompressed(header.codec, stored.len(), plain.len(), took);
                }
                Ok(Some(plain))
            }
            Err(err) => self.failed(header, stored.len(), err),
        }
    }

    /// Counts, reports and logs a decode failure, then returns the stored value or the error.
    fn failed(
        &self,
        header: Header,
        stored_len: usize,
        err: Error,
    ) -> Result<Option<Vec<u8>>, Error> {
        let kind = err.failure_kind().unwrap_or(crate::FailureKind::Corrupt);
        let fallback =
            self.on_corrupt == OnCorrupt::ReturnStored && kind != crate::FailureKind::SizeLimit;
        self.metrics.record_failure(header.codec, kind);
        if fallback {
            self.metrics.record_raw_fallback(header.codec);
        }
        if let Some(o) = &self.observer {
            o.failed(header.codec, kind, fallback);
        }
        if let Some(suppressed) = self.warn_limit.admit() {
            // Key-free: the codec, the kind, sizes and the error text (which never holds data).
            tracing::warn!(
                codec = %header.codec,
                kind = kind.as_str(),
                stored_len,
                returned_as_stored = fallback,
                similar_suppressed = suppressed,
                "kvcodec: stored value failed to decode: {err}"
            );
        }
        if fallback { Ok(None) } else { Err(err) }
    }

    fn decode_payload(&self, header: Header, payload: &[u8]) -> Result<Vec<u8>, Error> {
        if header.version != VERSION {
            return Err(Error::UnsupportedVersion {
                expected: VERSION,
                found: header.version,
            });
        }
        let codec = self.registry.require(header.codec)?;
        decode_with_limit(codec.as_ref(), payload, self.max_decompressed_size)
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
    pub fn metrics(&self) -> &Arc<Metrics> {
        &self.metrics
    }

    /// `max_decompressed_size`.
    pub fn max_decompressed_size(&self) -> usize {
        self.max_decompressed_size
    }
}
