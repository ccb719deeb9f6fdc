//! [`BigValue`]: at most one value longer than [`GROUP_BYTES`] in flight in the whole
//! process, so a run's memory stays a small multiple of its largest value however many
//! primaries it walks in parallel.
//!
//! A thread takes the permit before it reads such a value (or decodes a compressed value to
//! more than that) and holds it until the value is rewritten or left; other threads wanting
//! one wait. Values up to [`GROUP_BYTES`] need no permit: each thread holds at most one
//! pipeline group of them. The permit is reentrant within a thread (a retry that re-reads
//! the value it already holds it for does not wait for itself).

use std::cell::Cell;
use std::sync::{Condvar, Mutex};

pub use super::walker::GROUP_BYTES;

static BUSY: Mutex<bool> = Mutex::new(false);
static FREED: Condvar = Condvar::new();

thread_local! {
    static HELD: Cell<bool> = const { Cell::new(false) };
}

/// The permit to hold one big value; released on drop.
#[derive(Debug)]
#[must_use = "the permit is released when dropped"]
pub struct BigValue {
    owner: bool,
}

impl BigValue {
    /// Waits for the permit (at once if this thread holds it already).
    pub fn take() -> BigValue {
        if HELD.with(Cell::get) {
            return BigValue { owner: false };
        }
        let mut busy = BUSY.lock().unwrap_or_else(|e| e.into_inner());
        while *busy {
            busy = FREED.wait(busy).unwrap_or_else(|e| e.into_inner());
        }
        *busy = true;
        HELD.with(|h| h.set(true));
        BigValue { owner: true }
    }

    /// The permit if `len` bytes need one (more than [`GROUP_BYTES`]).
    pub fn for_len(len: u64) -> Option<BigValue> {
        (len > GROUP_BYTES).then(BigValue::take)
    }

    /// `true` if this thread holds the permit.
    pub fn held() -> bool {
        HELD.with(Cell::get)
    }
}

impl Drop for BigValue {
    fn drop(&mut self) {
        if !self.owner {
            return;
        }
        HELD.with(|h| h.set(false));
        *BUSY.lock().unwrap_or_else(|e| e.into_inner()) = false;
        FREED.notify_one();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn one_holder_at_a_time_and_reentrant() {
        let inside = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let threads: Vec<_> = (0..4)
            .map(|_| {
                let (inside, most) = (inside.clone(), most.clone());
                std::thread::spawn(move || {
                    for _ in 0..50 {
                        let _permit = BigValue::take();
                        let _again = BigValue::take();
                        let n = inside.fetch_add(1, Ordering::SeqCst) + 1;
                        most.fetch_max(n, Ordering::SeqCst);
                        std::thread::yield_now();
                        inside.fetch_sub(1, Ordering::SeqCst);
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        assert_eq!(most.load(Ordering::SeqCst), 1);
        assert!(!BigValue::held());
        assert!(BigValue::for_len(GROUP_BYTES).is_none());
    }
}
