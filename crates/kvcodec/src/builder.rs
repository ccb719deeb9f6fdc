//! [`EngineBuilder`]: codecs, writer, policy, mode and limits of an [`Engine`].

use std::sync::Arc;

use crate::counters::Counters;
use crate::engine::DEFAULT_MAX_DECOMPRESSED_SIZE;
use crate::observe::{Observer, RateLimiter};
use crate::policy::{DefaultPolicy, EnginePolicy, Policy};
use crate::timing::Timing;
use crate::{Codec, CodecId, Engine, Error, Mode, OnCorrupt, Registry, ValueTypes};

/// Builds an [`Engine`].
///
/// Every setter takes and returns the builder; what can be wrong (a codec id registered
/// twice, a writer nobody registered) is reported once, by [`build`](Self::build).
pub struct EngineBuilder {
    registry: Registry,
    /// The first registration error, reported by `build`.
    error: Option<Error>,
    writer: Option<CodecId>,
    /// `None`: the [`DefaultPolicy`], at the writer's [`Codec::min_size`] if it has one.
    policy: Option<EnginePolicy>,
    mode: Mode,
    max_decompressed_size: usize,
    on_corrupt: OnCorrupt,
    value_types: ValueTypes,
    counters: Option<Arc<Counters>>,
    observer: Option<Arc<dyn Observer>>,
    timed: Option<bool>,
}

impl Default for EngineBuilder {
    fn default() -> Self {
        EngineBuilder {
            registry: Registry::new(),
            error: None,
            writer: None,
            policy: None,
            mode: Mode::On,
            max_decompressed_size: DEFAULT_MAX_DECOMPRESSED_SIZE,
            on_corrupt: OnCorrupt::default(),
            value_types: ValueTypes::default(),
            counters: None,
            observer: None,
            timed: None,
        }
    }
}

impl EngineBuilder {
    /// Registers a codec for reading (and for writing, with [`write_with`](Self::write_with)).
    /// The first codec registered is the writer unless `write_with` names another. A second
    /// codec for one id, or a reserved id, makes [`build`](Self::build) fail.
    pub fn codec(mut self, codec: impl Into<Arc<dyn Codec>>) -> Self {
        let codec = codec.into();
        let id = codec.id();
        match self.registry.register(codec) {
            Ok(()) => {
                self.writer.get_or_insert(id);
            }
            Err(err) => {
                self.error.get_or_insert(err);
            }
        }
        self
    }

    /// Writes with the codec registered under `id`.
    pub fn write_with(mut self, id: CodecId) -> Self {
        self.writer = Some(id);
        self
    }

    /// Replaces the [`DefaultPolicy`] (which uses the writer's own [`Codec::min_size`] when it
    /// has one, 64 bytes otherwise).
    pub fn policy(mut self, policy: impl Policy + 'static) -> Self {
        self.policy = Some(EnginePolicy::new(policy));
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

    /// Which value types a wrapper compresses on write (default [`ValueTypes::STRINGS`], as
    /// GLIDE). Reads decode every type.
    pub fn value_types(mut self, types: ValueTypes) -> Self {
        self.value_types = types;
        self
    }

    /// Counts into these counters instead of a new set (to share figures between engines).
    pub fn counters(mut self, counters: Arc<Counters>) -> Self {
        self.counters = Some(counters);
        self
    }

    /// Reports every value to `observer` (e.g. a metrics exporter) besides counting it, and
    /// hands it the engine's counters ([`Observer::attach`]).
    pub fn observer(mut self, observer: Arc<dyn Observer>) -> Self {
        self.observer = Some(observer);
        self
    }

    /// `true`: times every compress and decompress into the engine's time totals and hands
    /// every observer call its `took`, whatever the observer asks for (two clock reads per
    /// value, a visible share of a sub-microsecond 1 KiB lz4 decode; see BENCHMARKS.md).
    /// `false`: reads no clock at all, so observers get no `took` (a `MetricsExporter` then
    /// has no histograms and publishes only when told). Default: what the observer asks for
    /// ([`Observer::timing`]), no clock reads without one — the time totals are kept only when
    /// every value is timed, zero otherwise.
    pub fn measure_time(mut self, on: bool) -> Self {
        self.timed = Some(on);
        self
    }

    /// The engine. Fails with the first error of [`codec`](Self::codec)
    /// ([`Error::DuplicateCodec`], [`Error::InvalidConfig`] for a reserved id), or if the
    /// writer id names no registered codec ([`Error::UnknownCodec`]).
    ///
    /// Without a [`policy`](Self::policy), the engine uses [`DefaultPolicy`] with the writer's
    /// [`Codec::min_size`] as its minimum size, if the writer has one (a dictionary codec), else
    /// the default 64 bytes.
    pub fn build(self) -> Result<Engine, Error> {
        if let Some(err) = self.error {
            return Err(err);
        }
        let writer = match self.writer {
            Some(id) => Some(self.registry.require(id)?.clone()),
            None => None,
        };
        let policy = self.policy.unwrap_or_else(|| {
            let min = writer.as_ref().and_then(|w| w.min_size());
            EnginePolicy::Default(DefaultPolicy::new(
                min.unwrap_or(crate::policy::DEFAULT_MIN_COMPRESSION_SIZE),
                None,
            ))
        });
        let timing = match (self.timed, &self.observer) {
            (Some(true), _) => Timing::Every,
            (Some(false), _) | (None, None) => Timing::Never,
            (None, Some(observer)) => observer.timing(),
        };
        let counters = self.counters.unwrap_or_else(Counters::new);
        if let Some(observer) = &self.observer {
            observer.attach(&counters);
        }
        Ok(Engine {
            registry: self.registry,
            writer,
            policy,
            mode: self.mode,
            max_decompressed_size: self.max_decompressed_size,
            on_corrupt: self.on_corrupt,
            value_types: self.value_types,
            counters,
            clock: timing.into(),
            observer: self.observer,
            warn_limit: RateLimiter::new(std::time::Duration::from_secs(10)),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Transfer;
    use crate::codec::{DecodeBound, read_u32_le_prefix, write_u32_le_prefix};

    /// Halves runs of zeros well enough to pass keep-if-smaller: stores every other byte.
    struct Halve;

    impl Codec for Halve {
        fn id(&self) -> CodecId {
            CodecId(0x90)
        }
        fn name(&self) -> &str {
            "halve"
        }
        fn compress(&self, input: &[u8], out: &mut Vec<u8>) -> Result<(), Error> {
            write_u32_le_prefix(self.id(), input.len(), out)?;
            out.extend(input.iter().step_by(2));
            Ok(())
        }
        fn declared_len(&self, payload: &[u8]) -> Result<Option<u64>, Error> {
            Ok(Some(read_u32_le_prefix(self.id(), payload)?.0))
        }
        fn decompress(
            &self,
            input: &[u8],
            bound: DecodeBound,
            out: &mut Vec<u8>,
        ) -> Result<(), Error> {
            let (n, body) = read_u32_le_prefix(self.id(), input)?;
            bound.check_declared(self.id(), n)?;
            out.extend(body.iter().flat_map(|b| [*b, *b]).take(n as usize));
            Ok(())
        }
    }

    fn engine(measure: Option<bool>, observer: Option<Arc<dyn Observer>>) -> Engine {
        let mut b = Engine::builder().codec(Arc::new(Halve) as Arc<dyn Codec>);
        if let Some(observer) = observer {
            b = b.observer(observer);
        }
        match measure {
            Some(on) => b.measure_time(on),
            None => b,
        }
        .build()
        .unwrap()
    }

    #[test]
    fn time_is_measured_only_when_asked_or_observed() {
        let value = vec![0u8; 4096];
        for (measure, timed) in [(None, false), (Some(true), true), (Some(false), false)] {
            let e = engine(measure, None);
            for _ in 0..50 {
                let stored = e.encode(&value).unwrap();
                assert_eq!(e.decode(&stored).unwrap(), &value[..]);
            }
            let s = e.counters().snapshot();
            let c = s.codec(CodecId(0x90)).unwrap();
            assert_eq!((c.compress.values, c.decompress.values), (50, 50));
            assert_eq!(
                !c.compress.time.is_zero() && !c.decompress.time.is_zero(),
                timed,
                "{measure:?}"
            );
        }
    }

    /// Counts the `took`s it is handed, by direction, and the counters it is attached to.
    struct Tally {
        timing: Timing,
        /// [timed, untimed] for compress, then for decompress.
        calls: [[std::sync::atomic::AtomicU64; 2]; 2],
        attached: std::sync::Mutex<Vec<Arc<Counters>>>,
    }

    impl Tally {
        fn new(timing: Timing) -> Arc<Tally> {
            Arc::new(Tally {
                timing,
                calls: Default::default(),
                attached: Default::default(),
            })
        }
        fn add(&self, direction: usize, took: Option<std::time::Duration>) {
            let slot = &self.calls[direction][usize::from(took.is_none())];
            slot.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
        fn timed(&self, direction: usize) -> u64 {
            self.calls[direction][0].load(std::sync::atomic::Ordering::Relaxed)
        }
        fn total(&self, direction: usize) -> u64 {
            let c = &self.calls[direction];
            c.iter()
                .map(|n| n.load(std::sync::atomic::Ordering::Relaxed))
                .sum()
        }
    }

    impl Observer for Tally {
        fn attach(&self, counters: &Arc<Counters>) {
            self.attached.lock().unwrap().push(counters.clone());
        }
        fn timing(&self) -> Timing {
            self.timing
        }
        fn compressed(&self, value: Transfer) {
            self.add(0, value.took);
        }
        fn decompressed(&self, value: Transfer) {
            self.add(1, value.took);
        }
    }

    #[test]
    fn observers_get_the_timing_they_ask_for_and_the_engines_counters() {
        const N: u64 = 2000;
        let value = vec![0u8; 4096];
        // (observer timing, measure_time, timed values expected per direction).
        let cases = [
            (Timing::Never, None, 0..=0),
            (Timing::Every, None, N..=N),
            // Bin(2000, 1/10): 200 expected; outside 123..=285 with probability < 1e-9.
            (Timing::one_in(10), None, 123..=285),
            (Timing::one_in(10), Some(true), N..=N),
            (Timing::Every, Some(false), 0..=0),
        ];
        for (timing, measure, timed) in cases {
            let tally = Tally::new(timing);
            let e = engine(measure, Some(tally.clone()));
            // Encode and decode alternate, the order a countdown sampler would alias.
            for _ in 0..N {
                let stored = e.encode(&value).unwrap();
                assert_eq!(e.decode(&stored).unwrap(), &value[..]);
            }
            let case = format!("{timing:?}, measure_time {measure:?}");
            for direction in [0, 1] {
                assert_eq!(tally.total(direction), N, "{case}: one call per value");
                let t = tally.timed(direction);
                assert!(
                    timed.contains(&t),
                    "{case}: {t} timed in direction {direction}"
                );
            }
            let attached = tally.attached.lock().unwrap();
            assert_eq!(attached.len(), 1, "{case}");
            assert!(Arc::ptr_eq(&attached[0], e.counters()), "{case}");
            // Time totals only when every value was timed: then they are totals.
            let c = e
                .counters()
                .snapshot()
                .codec(CodecId(0x90))
                .unwrap()
                .clone();
            assert_eq!(!c.compress.time.is_zero(), *timed.start() == N, "{case}");
        }
    }

    #[test]
    fn registration_errors_surface_at_build() {
        let err = Engine::builder()
            .codec(Arc::new(Halve) as Arc<dyn Codec>)
            .codec(Arc::new(Halve) as Arc<dyn Codec>)
            .build()
            .unwrap_err();
        assert!(matches!(err, Error::DuplicateCodec { .. }), "{err}");
    }

    #[test]
    fn unknown_writer_is_an_error() {
        let err = Engine::builder()
            .write_with(CodecId::ZSTD)
            .build()
            .unwrap_err();
        assert!(matches!(err, Error::UnknownCodec { .. }), "{err}");
    }
}
