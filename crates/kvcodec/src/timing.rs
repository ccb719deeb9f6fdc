//! [`Timing`]: which values an engine times (two clock reads each), and the per-thread random
//! sampler behind [`Timing::OneIn`].
//!
//! Sampling is a coin flip per value (a thread-local xorshift generator), not a countdown: a
//! countdown of an even length over a workload that alternates encode and decode would only
//! ever time one of them, and every fixed-shape batch would be timed at the same positions.

use std::cell::Cell;
use std::collections::hash_map::RandomState;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::time::Instant;

/// Which values an engine times for its observer ([`crate::Observer::timing`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Timing {
    /// None: every `took` is `None`, the engine reads no clock.
    Never,
    /// Every value. The engine's own time totals
    /// ([`crate::counters::DirectionCounts::time`]) are kept too.
    Every,
    /// Each value with probability 1/`n`, independently (the others get `took: None`): an
    /// unbiased sample of the times at a `n`-th of the clock reads.
    OneIn(NonZeroU32),
}

impl Timing {
    /// `OneIn(n)`, or `Every` for `n <= 1`.
    pub fn one_in(n: u32) -> Timing {
        match NonZeroU32::new(n) {
            Some(n) if n.get() > 1 => Timing::OneIn(n),
            _ => Timing::Every,
        }
    }
}

/// An engine's [`Timing`], ready for the hot path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Clock {
    Never,
    Every,
    /// Time a value when the next random `u64` is below this.
    Sampled {
        below: u64,
    },
}

impl From<Timing> for Clock {
    fn from(timing: Timing) -> Clock {
        match timing {
            Timing::Never => Clock::Never,
            Timing::OneIn(n) if n.get() > 1 => Clock::Sampled {
                below: u64::MAX / u64::from(n.get()),
            },
            Timing::Every | Timing::OneIn(_) => Clock::Every,
        }
    }
}

impl Clock {
    /// The start of the value at hand, if it is timed.
    #[inline]
    pub(crate) fn start(self) -> Option<Instant> {
        match self {
            Clock::Never => None,
            Clock::Every => Some(Instant::now()),
            Clock::Sampled { below } => chance(below).then(Instant::now),
        }
    }
}

/// True with probability `(below - 1) / (2^64 - 1)`, about `below / 2^64` (this thread's
/// generator, which never yields 0).
#[inline]
pub(crate) fn chance(below: u64) -> bool {
    next_random() < below
}

thread_local! {
    /// This thread's xorshift64 state; 0 until first used.
    static STATE: Cell<u64> = const { Cell::new(0) };
}

/// The next number of this thread's generator (xorshift64: 13, 7, 17).
#[inline]
fn next_random() -> u64 {
    STATE.with(|state| {
        let mut x = state.get();
        if x == 0 {
            x = seed();
        }
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        state.set(x);
        x
    })
}

/// A distinct, non-zero seed per thread: splitmix64 of a process-wide sequence, keyed by the
/// per-process random keys of std's `RandomState` (so replicas do not sample alike).
#[cold]
fn seed() -> u64 {
    use std::hash::BuildHasher;
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let keyed = RandomState::new().hash_one(NEXT.fetch_add(1, Relaxed));
    let mut z = keyed.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    (z ^ (z >> 31)) | 1
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Times `decisions` values with `clock` on a fresh thread: how many of the even and of
    /// the odd positions were timed (say encodes and decodes, alternating).
    fn timed(clock: Clock, decisions: usize) -> (usize, usize) {
        std::thread::spawn(move || {
            let mut by_parity = (0, 0);
            for i in 0..decisions {
                if clock.start().is_some() {
                    if i % 2 == 0 {
                        by_parity.0 += 1;
                    } else {
                        by_parity.1 += 1;
                    }
                }
            }
            by_parity
        })
        .join()
        .unwrap()
    }

    #[test]
    fn one_in_n_times_each_position_at_rate_one_in_n() {
        // 20 000 even and 20 000 odd positions at 1/64 (an even n, the case a countdown
        // would alias): 312.5 expected each, σ ≈ 17.5; allow 6σ.
        let (even, odd) = timed(Timing::one_in(64).into(), 40_000);
        for (name, n) in [("even", even), ("odd", odd)] {
            assert!((208..=417).contains(&n), "{name} positions timed {n} times");
        }
        let (even, odd) = timed(Timing::one_in(4).into(), 40_000);
        // 5000 expected each, σ ≈ 61.
        assert!((4630..=5370).contains(&even) && (4630..=5370).contains(&odd));
    }

    #[test]
    fn never_every_and_one_in_one() {
        assert_eq!(timed(Clock::Never, 100), (0, 0));
        assert_eq!(timed(Clock::Every, 100), (50, 50));
        assert_eq!(Timing::one_in(1), Timing::Every);
        assert_eq!(Timing::one_in(0), Timing::Every);
        let one = Timing::OneIn(NonZeroU32::new(1).unwrap());
        assert_eq!(Clock::from(one), Clock::Every, "OneIn(1) is Every");
    }

    #[test]
    fn threads_get_distinct_streams() {
        let first = || std::thread::spawn(next_random).join().unwrap();
        assert_ne!(first(), first());
    }
}
