//! [`Pool`]: reusable codec contexts (encoders, deflate streams, …) shared by concurrent
//! callers, for backends whose library types need `&mut self`.

use std::sync::{Mutex, OnceLock, PoisonError};

/// Contexts kept for reuse: one per CPU (at least 2, at most 64). More concurrent callers than
/// this get a fresh context, which is dropped afterwards instead of being kept.
pub fn max_idle() -> usize {
    static MAX: OnceLock<usize> = OnceLock::new();
    *MAX.get_or_init(|| {
        std::thread::available_parallelism()
            .map_or(8, |n| n.get())
            .clamp(2, 64)
    })
}

/// A stack of idle contexts behind a mutex held only to pop or push one, so concurrent
/// callers each work on their own context in parallel instead of queueing on one.
pub struct Pool<T> {
    idle: Mutex<Vec<T>>,
}

impl<T> Default for Pool<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T> std::fmt::Debug for Pool<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pool").field("idle", &self.idle()).finish()
    }
}

impl<T> Pool<T> {
    /// An empty pool.
    pub const fn new() -> Self {
        Pool {
            idle: Mutex::new(Vec::new()),
        }
    }

    /// Runs `f` on an idle context, or on one from `make` if none is idle, then keeps the
    /// context for the next caller.
    pub fn with<R>(&self, make: impl FnOnce() -> T, f: impl FnOnce(&mut T) -> R) -> R {
        let idle = self.lock().pop();
        let mut item = idle.unwrap_or_else(make);
        let result = f(&mut item);
        let mut idle = self.lock();
        if idle.len() < max_idle() {
            idle.push(item);
        }
        result
    }

    /// Number of idle contexts.
    pub fn idle(&self) -> usize {
        self.lock().len()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<T>> {
        // Only `pop`/`push` run under the lock; a poisoned lock still holds a valid stack.
        self.idle.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reuses_and_caps() {
        let pool = Pool::new();
        let mut made = 0;
        for _ in 0..3 {
            pool.with(
                || {
                    made += 1;
                    0u32
                },
                |n| *n += 1,
            );
        }
        assert_eq!(made, 1, "one context serves sequential callers");
        assert_eq!(pool.with(|| 0, |n| *n), 3);
        assert_eq!(pool.idle(), 1);
    }

    #[test]
    fn concurrent_callers_get_their_own_context() {
        let pool = Pool::new();
        std::thread::scope(|s| {
            for _ in 0..4 {
                s.spawn(|| {
                    for _ in 0..100 {
                        pool.with(Vec::<u8>::new, |v| {
                            assert!(v.is_empty(), "a context is never shared");
                            v.push(1);
                            std::thread::yield_now();
                            v.clear();
                        });
                    }
                });
            }
        });
        assert!((1..=max_idle().min(4)).contains(&pool.idle()));
    }
}
