//! [`Engine`]: encode values for storage and decode stored values, under a policy and limits.

use std::borrow::Cow;
use std::sync::Arc;
use std::time::Instant;

use crate::codec::DecodeBound;
use crate::header::{HEADER_LEN, Header, VERSION};
use crate::metrics::Metrics;
use crate::observe::{Observer, RateLimiter};
use crate::policy::{DefaultPolicy, Policy, SkipReason};
use crate::{Codec, CodecId, Error, Registry};

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
    registry: Registry,
    writer: Option<Arc<dyn Codec>>,
    policy: Box<dyn Policy>,
    mode: Mode,
    max_decompressed_size: usize,
    on_corrupt: OnCorrupt,
    metrics: Arc<Metrics>,
    observer: Option<Arc<dyn Observer>>,
    warn_limit: RateLimiter,
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
    pub fn builder() -> EngineBuilder {
        EngineBuilder::default()
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
        let start = Instant::now();
        let mut out =
            Vec::with_capacity(HEADER_LEN.saturating_add(codec.max_compressed_len(value.len())));
        Header::new(codec.id()).write(&mut out);
        if let Err(err) = codec.compress(value, &mut out) {
            tracing::warn!(codec = %codec.id(), value_len = value.len(), "kvcodec: compression failed: {err}");
            return Err(err);
        }
        let took = start.elapsed();
        if let Err(reason) = self.policy.keep(value.len(), out.len()) {
            self.metrics.record_compress_time(codec.id(), took);
            return Ok(self.skip(reason));
        }
        self.metrics
            .record_compressed(codec.id(), value.len(), out.len(), took);
        if let Some(o) = &self.observer {
            o.compressed(codec.id(), value.len(), out.len(), took);
        }
        Ok(Encoded::Compressed(out))
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
        let start = Instant::now();
        match self.decode_payload(header, payload) {
            Ok(plain) => {
                let took = start.elapsed();
                self.metrics
                    .record_decompressed(header.codec, stored.len(), plain.len(), took);
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
            self.metrics.record_raw_fallback();
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

/// Decodes one payload with `codec`: checks the declared length against `limit` and against
/// what the payload can hold ([`Codec::max_expansion`]) before allocating, then decodes into
/// exactly that much, or within `limit` if none is declared.
pub fn decode_with_limit(
    codec: &dyn Codec,
    payload: &[u8],
    limit: usize,
) -> Result<Vec<u8>, Error> {
    let id = codec.id();
    match codec.declared_len(payload)? {
        Some(declared) if declared > limit as u64 => Err(Error::DeclaredSizeTooLarge {
            codec: id,
            declared,
            limit: limit as u64,
        }),
        Some(declared) => {
            if let Some(per_byte) = codec.max_expansion() {
                let most = (payload.len() as u64)
                    .saturating_mul(per_byte)
                    .saturating_add(EXPANSION_SLACK);
                if declared > most {
                    return Err(Error::corrupt(
                        id,
                        format_args!(
                            "payload of {} bytes declares {declared} decoded bytes; the format holds at most {most}",
                            payload.len()
                        ),
                    ));
                }
            }
            let n = declared as usize;
            let mut out = Vec::new();
            out.try_reserve_exact(n)
                .map_err(|_| Error::AllocationFailed {
                    codec: id,
                    bytes: declared,
                })?;
            codec.decompress(payload, DecodeBound::Exact(n), &mut out)?;
            if out.len() != n {
                return Err(Error::LengthMismatch {
                    codec: id,
                    expected: declared,
                    found: out.len() as u64,
                });
            }
            Ok(out)
        }
        None => {
            let mut out = Vec::new();
            codec.decompress(payload, DecodeBound::AtMost(limit), &mut out)?;
            if out.len() > limit {
                return Err(Error::DecodedSizeTooLarge {
                    codec: id,
                    limit: limit as u64,
                });
            }
            Ok(out)
        }
    }
}

/// Allowance over `payload.len() × max_expansion` for fixed framing bytes.
const EXPANSION_SLACK: u64 = 64;

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
            metrics: self.metrics.unwrap_or_default(),
            observer: self.observer,
            warn_limit: RateLimiter::new(std::time::Duration::from_secs(10)),
        })
    }
}
