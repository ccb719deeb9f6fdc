//! [`Pool`]: a small stack of reusable zstd contexts.
//!
//! Creating a zstd context per value costs an allocation and table set-up that, at 1 KiB
//! values, made compression 1.45–1.67× and decompression 1.60–1.87× slower in three runs of
//! `cargo run --release -p kvcodec-zstd --example contexts` on a loaded 2-core VM (GLIDE's
//! per-call path against the engine: 3.02× at 1 KiB in BENCHMARKS.md, run D). A single shared context would serialise every
//! caller on one lock. So each codec keeps a few contexts: a caller pops one (or creates one
//! if none is free), uses it without holding the lock, and pushes it back when done.

use std::ops::{Deref, DerefMut};
use std::sync::{Mutex, PoisonError};

/// A stack of idle values, created on demand by `make` and kept up to `max_idle`.
pub(crate) struct Pool<T> {
    idle: Mutex<Vec<T>>,
    make: fn() -> T,
    max_idle: usize,
}

impl<T> Pool<T> {
    /// An empty pool keeping at most `max_idle` idle values.
    pub(crate) fn new(make: fn() -> T, max_idle: usize) -> Self {
        Pool {
            idle: Mutex::new(Vec::new()),
            make,
            max_idle: max_idle.max(1),
        }
    }

    /// An idle value, or a new one. It goes back to the pool when the guard drops.
    pub(crate) fn get(&self) -> Pooled<'_, T> {
        // The lock is held only for the pop; a panic while holding it cannot leave the
        // vector inconsistent, so a poisoned lock is still usable.
        let idle = self
            .idle
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop();
        Pooled {
            pool: self,
            item: Some(idle.unwrap_or_else(self.make)),
        }
    }

    /// How many values are idle now.
    pub(crate) fn idle(&self) -> usize {
        self.idle
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }

    fn put(&self, item: T) {
        let mut idle = self.idle.lock().unwrap_or_else(PoisonError::into_inner);
        if idle.len() < self.max_idle {
            idle.push(item);
        }
    }
}

/// A value borrowed from a [`Pool`]; returned to it on drop unless [`discard`](Self::discard)ed
/// or dropped during a panic.
pub(crate) struct Pooled<'a, T> {
    pool: &'a Pool<T>,
    item: Option<T>,
}

impl<T> Pooled<'_, T> {
    /// Drops the value instead of returning it (for a context left in an unknown state).
    pub(crate) fn discard(mut self) {
        self.item = None;
    }
}

impl<T> Deref for Pooled<'_, T> {
    type Target = T;

    fn deref(&self) -> &T {
        self.item.as_ref().expect("pooled value present until drop")
    }
}

impl<T> DerefMut for Pooled<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        self.item.as_mut().expect("pooled value present until drop")
    }
}

impl<T> Drop for Pooled<'_, T> {
    fn drop(&mut self) {
        // A panic may have interrupted a call mid-way: do not reuse that context.
        if std::thread::panicking() {
            return;
        }
        if let Some(item) = self.item.take() {
            self.pool.put(item);
        }
    }
}

/// How many idle contexts of each kind a codec keeps: one per CPU, at least 2, at most 64.
pub(crate) fn default_max_idle() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(4)
        .clamp(2, 64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    static MADE: AtomicUsize = AtomicUsize::new(0);

    fn make() -> usize {
        MADE.fetch_add(1, Ordering::SeqCst)
    }

    #[test]
    fn reuses_returns_and_caps() {
        let pool = Pool::new(make, 2);
        let first = *pool.get();
        assert_eq!(*pool.get(), first, "a returned value is reused");
        {
            let (a, b, c) = (pool.get(), pool.get(), pool.get());
            assert!(
                *a != *b && *b != *c && *a != *c,
                "concurrent borrowers get distinct values"
            );
        }
        assert_eq!(pool.idle(), 2, "at most max_idle values are kept");
        pool.get().discard();
        assert_eq!(pool.idle(), 1, "a discarded value is not returned");
        let unwound = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let _held = pool.get();
            panic!("interrupted");
        }));
        assert!(unwound.is_err());
        assert_eq!(
            pool.idle(),
            0,
            "a value held during a panic is not returned"
        );
    }
}
