//! [`Engine`]: encode values for storage and decode stored values, under a policy and limits.

use std::borrow::Cow;
use std::sync::Arc;
use std::time::Duration;

use crate::codec::decode_with_limit;
use crate::header::{HEADER_LEN, Header, VERSION, has_header};
use crate::metrics::Metrics;
use crate::observe::{Observer, RateLimiter};
use crate::policy::{Policy, SkipReason};
use crate::timing::Clock;
use crate::{Codec, Error, Mode, OnCorrupt, Registry, ValueTypes};

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
    pub(crate) value_types: ValueTypes,
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
            .field("value_types", &self.value_types)
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
    ///
    /// A value that starts with the header magic (`00 01 02`, 5 bytes or more) is always stored
    /// encoded with the writer codec, whatever the mode (but `Off`) or the policy says: the
    /// format has no escape byte, so encoding is the escape, and such a value reads back
    /// byte-exact through kvcodec and GLIDE. These values are counted as compressed and as
    /// [`escaped`](crate::metrics::CodecSnapshot::escaped).
    pub fn encode_outcome(&self, value: &[u8]) -> Result<Encoded, Error> {
        self.encode_with(value, true)
    }

    /// The stored form of a value the caller does not compress (say, a value type a wrapper
    /// leaves plain): the value itself, borrowed, unless it starts with the header magic, in
    /// which case it is encoded as [`encode_outcome`](Self::encode_outcome) describes, so
    /// that it reads back as written. Counted as skipped with [`SkipReason::ValueType`].
    pub fn encode_uncompressed<'a>(&self, value: &'a [u8]) -> Result<Cow<'a, [u8]>, Error> {
        Ok(match self.encode_with(value, false)? {
            Encoded::Compressed(stored) => Cow::Owned(stored),
            Encoded::Plain(_) => Cow::Borrowed(value),
        })
    }

    fn encode_with(&self, value: &[u8], compress: bool) -> Result<Encoded, Error> {
        if self.mode == Mode::Off {
            return Ok(self.skip(SkipReason::Disabled));
        }
        let Some(codec) = &self.writer else {
            return Ok(self.skip(SkipReason::Disabled));
        };
        if has_header(value) {
            return self.escape(codec, value);
        }
        if !compress {
            return Ok(self.skip(SkipReason::ValueType));
        }
        if self.mode != Mode::On {
            return Ok(self.skip(SkipReason::Disabled));
        }
        if let Err(reason) = self.policy.admit(value) {
            return Ok(self.skip(reason));
        }
        let start = self.clock.start();
        let out = self.compress_with(codec, value)?;
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

    /// Header and payload of `value`.
    fn compress_with(&self, codec: &Arc<dyn Codec>, value: &[u8]) -> Result<Vec<u8>, Error> {
        let mut out =
            Vec::with_capacity(HEADER_LEN.saturating_add(codec.max_compressed_len(value.len())));
        Header::new(codec.id()).write(&mut out);
        if let Err(err) = codec.compress(value, &mut out) {
            tracing::warn!(codec = %codec.id(), value_len = value.len(), "kvcodec: compression failed: {err}");
            return Err(err);
        }
        Ok(out)
    }

    /// Encodes a value that starts with the header magic, whatever the policy says.
    fn escape(&self, codec: &Arc<dyn Codec>, value: &[u8]) -> Result<Encoded, Error> {
        let start = self.clock.start();
        let out = self.compress_with(codec, value)?;
        let took = start.map(|t| t.elapsed());
        self.metrics
            .record_compressed(codec.id(), value.len(), out.len(), self.total(took));
        self.metrics.record_escaped(codec.id());
        if let Some(o) = &self.observer {
            o.compressed(codec.id(), value.len(), out.len(), took);
        }
        tracing::debug!(codec = %codec.id(), value_len = value.len(), "kvcodec: value starts with the header magic: stored encoded");
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
