//! Counters split per thread: each thread adds to its own cache line with a plain load and
//! store — no atomic read-modify-write, no line written by two cores — and a snapshot sums the
//! lines. A shared engine then counts as cheaply as one engine per thread.
//!
//! Every thread that counts claims a *slot*, a small number no other live thread holds, and
//! gives it back when it exits (the next thread takes it over, with what it counted). A thread
//! owns line `slot` of every [`Lines`], so it is that line's only writer. Threads beyond
//! [`SHARDS`] at once, and a thread whose slot is already gone (its thread-locals are being
//! torn down), share one last line through atomic adds.

use std::cell::Cell;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering::Relaxed};
use std::sync::{Mutex, PoisonError};

/// Lines owned by one thread each; one more line is shared.
pub(super) const SHARDS: usize = 32;

/// Counters per line: a 64-byte line of `u64`s, padded to 128 bytes (adjacent-line prefetch).
pub(super) const WIDTH: usize = 8;

#[repr(align(128))]
struct Line([AtomicU64; WIDTH]);

/// [`WIDTH`] counters, split per thread. Held inline (their owner is boxed): one pointer
/// fewer to follow per value, on a path where each is a likely cache miss (a codec's own
/// tables evict the counters from L1 between values).
pub(super) struct Lines([Line; SHARDS + 1]);

/// This thread's line in every [`Lines`].
#[derive(Debug, Clone, Copy)]
pub(super) struct Slot(usize);

impl Lines {
    pub(super) fn new() -> Self {
        Lines([const { Line([const { AtomicU64::new(0) }; WIDTH]) }; SHARDS + 1])
    }

    /// Adds `n` to counter `i` in `slot`'s line.
    #[inline]
    pub(super) fn add(&self, slot: Slot, i: usize, n: u64) {
        let cell = &self.0[slot.0].0[i];
        if slot.0 < SHARDS {
            // The slot's owner is this line's only writer: no other write can come between.
            cell.store(cell.load(Relaxed).wrapping_add(n), Relaxed);
        } else {
            cell.fetch_add(n, Relaxed);
        }
    }

    /// Every counter, summed over the lines.
    pub(super) fn sum(&self) -> [u64; WIDTH] {
        let mut total = [0u64; WIDTH];
        for line in self.0.iter() {
            for (t, c) in total.iter_mut().zip(&line.0) {
                *t = t.wrapping_add(c.load(Relaxed));
            }
        }
        total
    }
}

/// Slots given back by threads that exited.
static FREE: Mutex<Vec<usize>> = Mutex::new(Vec::new());
/// The next slot never handed out.
static NEXT: AtomicUsize = AtomicUsize::new(0);

/// A thread's claim on a slot, given back when the thread exits.
struct Claim(usize);

impl Claim {
    fn new() -> Claim {
        let reused = FREE.lock().unwrap_or_else(PoisonError::into_inner).pop();
        // The lock orders the previous owner's last counts before this thread's first.
        Claim(reused.unwrap_or_else(|| NEXT.fetch_add(1, Relaxed).min(SHARDS)))
    }
}

impl Drop for Claim {
    fn drop(&mut self) {
        // From now on this thread counts in the shared line: the slot may go to another thread.
        let _ = SLOT.try_with(|s| s.set(SHARDS));
        if self.0 < SHARDS {
            FREE.lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(self.0);
        }
    }
}

/// [`SLOT`] before this thread's first count.
const UNCLAIMED: usize = usize::MAX;

thread_local! {
    /// This thread's slot once claimed: a plain `Cell` (const, no destructor), so reading it
    /// costs one load, with no lazy-initialisation check.
    static SLOT: Cell<usize> = const { Cell::new(UNCLAIMED) };
    /// The claim behind [`SLOT`], which gives the slot back when the thread exits.
    static CLAIM: Claim = Claim::new();
}

/// The calling thread's slot.
#[inline]
pub(super) fn slot() -> Slot {
    // `try_with` fails only where thread-locals are OS keys torn down one by one; native
    // ones (a const `Cell` has no destructor) never fail.
    match SLOT.try_with(Cell::get).unwrap_or(SHARDS) {
        UNCLAIMED => claim(),
        s => Slot(s),
    }
}

/// Claims a slot for this thread (or the shared line, while its locals are torn down).
#[cold]
fn claim() -> Slot {
    let s = CLAIM.try_with(|c| c.0).unwrap_or(SHARDS);
    let _ = SLOT.try_with(|slot| slot.set(s));
    Slot(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn threads_add_up_without_losing_counts() {
        let lines = Lines::new();
        // More threads than slots, some of them at the same time: owned and shared lines.
        std::thread::scope(|s| {
            for _ in 0..(SHARDS + 8) {
                s.spawn(|| {
                    for _ in 0..1000 {
                        lines.add(slot(), 3, 2);
                    }
                });
            }
        });
        assert_eq!(lines.sum()[3], (SHARDS as u64 + 8) * 2000);
    }

    /// Counts from a thread-local destructor that runs after the thread's claim was dropped
    /// (so its slot may already be another thread's): they go to the shared line.
    #[test]
    fn a_thread_counts_in_the_shared_line_once_its_slot_is_given_back() {
        use std::sync::atomic::AtomicUsize;
        static SEEN: AtomicUsize = AtomicUsize::new(usize::MAX);
        struct Late;
        impl Drop for Late {
            fn drop(&mut self) {
                // Destructors run in the reverse order of registration: `CLAIM`'s has run.
                if CLAIM.try_with(|_| ()).is_err() {
                    SEEN.store(slot().0, Relaxed);
                }
            }
        }
        thread_local! {
            static LATE: Late = const { Late };
        }
        std::thread::spawn(|| {
            LATE.with(|_| ()); // registered first, so destroyed last
            assert!(slot().0 <= SHARDS);
        })
        .join()
        .unwrap();
        let seen = SEEN.load(Relaxed);
        if cfg!(target_os = "linux") {
            assert_eq!(seen, SHARDS, "a late count must use the shared line");
        } else {
            assert!(seen == SHARDS || seen == usize::MAX);
        }
    }

    #[test]
    fn live_threads_hold_distinct_slots() {
        let barrier = std::sync::Barrier::new(4);
        let slots = Mutex::new(Vec::new());
        std::thread::scope(|s| {
            for _ in 0..4 {
                s.spawn(|| {
                    let mine = slot().0;
                    slots.lock().unwrap().push(mine);
                    barrier.wait(); // all four alive at once
                });
            }
        });
        let mut slots = slots.into_inner().unwrap();
        slots.retain(|s| *s < SHARDS);
        let n = slots.len();
        slots.sort_unstable();
        slots.dedup();
        assert_eq!(
            slots.len(),
            n,
            "an owned slot was handed to two live threads"
        );
    }
}
