//! [`Pool`]: reusable codec contexts, shared by concurrent callers.

use std::sync::{Mutex, PoisonError};

/// Contexts kept for reuse. More concurrent callers than this get a fresh context, which is
/// dropped afterwards instead of being kept.
pub(crate) const MAX_IDLE: usize = 8;

/// A stack of idle contexts behind a mutex held only to pop or push one, so concurrent
/// callers each work on their own context in parallel instead of queueing on one.
pub(crate) struct Pool<T> {
    idle: Mutex<Vec<T>>,
}

impl<T> Pool<T> {
    pub(crate) const fn new() -> Self {
        Pool {
            idle: Mutex::new(Vec::new()),
        }
    }

    /// Runs `f` on an idle context, or on one from `make` if none is idle, then keeps the
    /// context for the next caller.
    pub(crate) fn with<R>(&self, make: impl FnOnce() -> T, f: impl FnOnce(&mut T) -> R) -> R {
        let idle = self.lock().pop();
        let mut item = idle.unwrap_or_else(make);
        let result = f(&mut item);
        let mut idle = self.lock();
        if idle.len() < MAX_IDLE {
            idle.push(item);
        }
        result
    }

    /// Number of idle contexts.
    #[cfg(test)]
    pub(crate) fn idle(&self) -> usize {
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
        assert!((1..=MAX_IDLE.min(4)).contains(&pool.idle()));
    }
}
