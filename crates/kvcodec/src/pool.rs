//! [`ContextPool`]: reusable codec contexts — zstd contexts, deflate streams, snappy encoders,
//! liblz4 states — for backends whose library types need `&mut self`.
//!
//! Each thread keeps one context of each pool in a thread-local slot and reuses it with no
//! lock and no atomic instruction, so a context stays in the cache of the core that uses it
//! and a shared `Arc<Engine>` scales across threads as one engine per thread does. Contexts do
//! not belong to a codec: every codec of a backend on a thread shares the thread's context
//! (the library is told the level and dictionary on each call).
//!
//! When a thread exits, its context goes to a shared stack of idle contexts (at most
//! [`max_idle`], one per CPU), where the next new thread finds it: short-lived threads do not
//! pay for creating contexts. A context in use when its call panics is dropped, not reused.
//!
//! # Getting started
//!
//! Declare a pool with [`context_pool!`](crate::context_pool) and run each call on the
//! thread's context:
//!
//! ```
//! kvcodec::context_pool! {
//!     /// Scratch tables, one per thread.
//!     static TABLES: Vec<u32> = || vec![0; 1024];
//! }
//!
//! let sum = TABLES.with(|table| {
//!     table[7] += 1;
//!     table.iter().sum::<u32>()
//! });
//! assert_eq!(sum, 1);
//! assert_eq!(TABLES.with(|table| table[7]), 1, "the same thread gets its context back");
//! ```

use std::cell::Cell;
use std::sync::{Mutex, OnceLock, PoisonError};
use std::thread::LocalKey;

/// Idle contexts a pool keeps for threads yet to come: one per CPU (at least 2, at most 64).
pub fn max_idle() -> usize {
    static MAX: OnceLock<usize> = OnceLock::new();
    *MAX.get_or_init(|| {
        std::thread::available_parallelism()
            .map_or(8, |n| n.get())
            .clamp(2, 64)
    })
}

/// Contexts of one kind: one per thread that uses them, and a few idle ones left by threads
/// that exited. Declared with [`context_pool!`](crate::context_pool).
pub struct ContextPool<T: Send + 'static> {
    local: &'static LocalKey<Slot<T>>,
    /// Boxed, like the slots' contexts: a context moves in and out of its slot as a pointer.
    idle: Mutex<Vec<Box<T>>>,
    make: fn() -> T,
}

/// A thread's context of one [`ContextPool`] (made by [`context_pool!`](crate::context_pool)).
#[doc(hidden)]
pub struct Slot<T: Send + 'static> {
    item: Cell<Option<Box<T>>>,
    pool: &'static ContextPool<T>,
}

impl<T: Send + 'static> Slot<T> {
    #[doc(hidden)]
    pub const fn new(pool: &'static ContextPool<T>) -> Self {
        Slot {
            item: Cell::new(None),
            pool,
        }
    }
}

impl<T: Send + 'static> Drop for Slot<T> {
    /// The thread exits: its context goes to the idle stack for the next thread.
    fn drop(&mut self) {
        if let Some(item) = self.item.take() {
            self.pool.keep(item);
        }
    }
}

impl<T: Send + 'static> ContextPool<T> {
    #[doc(hidden)]
    pub const fn new(local: &'static LocalKey<Slot<T>>, make: fn() -> T) -> Self {
        ContextPool {
            local,
            idle: Mutex::new(Vec::new()),
            make,
        }
    }

    /// Runs `f` on this thread's context (made on first use, or taken from the idle stack),
    /// then keeps it for this thread's next call. A nested call on the same pool, or a call
    /// while the thread's locals are being torn down, gets a context of its own.
    #[inline]
    pub fn with<R>(&'static self, f: impl FnOnce(&mut T) -> R) -> R {
        let mut f = Some(f);
        // One thread-local access per call: `f` runs inside it.
        let run = self.local.try_with(|slot| {
            // Contexts are boxed: taking one out of the slot and putting it back moves a
            // pointer. A nested call finds the slot empty and takes another.
            let mut item = slot.item.take().unwrap_or_else(|| self.take_idle());
            let f = f.take().expect("f runs once");
            let result = f(&mut item);
            // Back into the slot; a context already there (a nested call's) goes to the stack.
            if let Some(extra) = slot.item.replace(Some(item)) {
                self.keep(extra);
            }
            result
        });
        match run {
            Ok(result) => result,
            // This thread's locals are being torn down: a context of its own, dropped after.
            Err(_) => {
                let f = f.take().expect("f did not run");
                f(&mut self.take_idle())
            }
        }
    }

    /// Contexts in the idle stack (not those held by threads).
    pub fn idle(&self) -> usize {
        self.lock().len()
    }

    #[cold]
    fn take_idle(&self) -> Box<T> {
        let idle = self.lock().pop();
        idle.unwrap_or_else(|| Box::new((self.make)()))
    }

    #[cold]
    fn keep(&self, item: Box<T>) {
        let mut idle = self.lock();
        if idle.len() < max_idle() {
            idle.push(item);
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Box<T>>> {
        // Only `pop`/`push` run under the lock; a poisoned lock still holds a valid stack.
        self.idle.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Declares a [`ContextPool`]: `static NAME: Type = make;` where `make` (a `fn() -> Type`,
/// or a closure that captures nothing) creates a context. See the [module docs](self).
#[macro_export]
macro_rules! context_pool {
    ($(#[$attr:meta])* $vis:vis static $name:ident: $ty:ty = $make:expr;) => {
        $(#[$attr])*
        $vis static $name: $crate::pool::ContextPool<$ty> = {
            ::std::thread_local! {
                static SLOT: $crate::pool::Slot<$ty> = $crate::pool::Slot::new(&$name);
            }
            $crate::pool::ContextPool::new(&SLOT, $make)
        };
    };
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

    static MADE: AtomicUsize = AtomicUsize::new(0);

    crate::context_pool! {
        static COUNTERS: Vec<u8> = || {
            MADE.fetch_add(1, Relaxed);
            Vec::new()
        };
    }

    crate::context_pool! {
        static OTHERS: Vec<u8> = Vec::new;
    }

    #[test]
    fn threads_keep_their_context_and_leave_it_to_the_next() {
        // On a fresh thread: one context serves every call, nested calls get their own.
        std::thread::spawn(|| {
            let before = MADE.load(Relaxed);
            for _ in 0..3 {
                COUNTERS.with(|v| v.push(1));
            }
            assert_eq!(COUNTERS.with(|v| v.len()), 3);
            let own = COUNTERS.with(|outer| {
                outer.push(2);
                let outer: *const Vec<u8> = outer;
                COUNTERS.with(|inner| !std::ptr::eq(outer, inner))
            });
            assert!(own, "a nested call gets a context of its own");
            assert_eq!(COUNTERS.with(|v| v.len()), 4, "the outer context is kept");
            assert!(MADE.load(Relaxed) - before <= 2);
        })
        .join()
        .unwrap();
        // The thread exited: its context (and the nested one) wait in the idle stack.
        assert!(COUNTERS.idle() >= 1);
        let reused = std::thread::spawn(|| COUNTERS.with(|v| v.len()))
            .join()
            .unwrap();
        assert!(reused > 0, "a new thread takes over an idle context");
    }

    crate::context_pool! {
        static LATE_POOL: Vec<u8> = Vec::new;
    }

    /// A call from a thread-local destructor that runs after the pool's own slot is gone
    /// still runs, on a context of its own.
    #[test]
    fn a_call_during_thread_teardown_still_runs() {
        use std::sync::atomic::AtomicBool;
        static RAN: AtomicBool = AtomicBool::new(false);
        static TORN: AtomicBool = AtomicBool::new(false);
        struct Late;
        impl Drop for Late {
            fn drop(&mut self) {
                // Destructors run in the reverse order of registration: the slot's has run.
                TORN.store(LATE_POOL.local.try_with(|_| ()).is_err(), Relaxed);
                LATE_POOL.with(|v| {
                    v.push(1);
                    RAN.store(true, Relaxed);
                });
            }
        }
        thread_local! {
            static LATE: Late = const { Late };
        }
        std::thread::spawn(|| {
            LATE.with(|_| ()); // registered first, so destroyed after the pool's slot
            LATE_POOL.with(|v| v.push(0));
        })
        .join()
        .unwrap();
        assert!(RAN.load(Relaxed), "the late call ran");
        if cfg!(target_os = "linux") {
            assert!(
                TORN.load(Relaxed),
                "the call came after the pool's slot was gone"
            );
        }
    }

    #[test]
    fn a_context_in_use_during_a_panic_is_dropped() {
        std::thread::spawn(|| {
            OTHERS.with(|v| v.push(9));
            let caught = std::panic::catch_unwind(|| OTHERS.with(|_| panic!("interrupted")));
            assert!(caught.is_err());
            assert!(
                OTHERS.with(|v| !v.contains(&9)),
                "the interrupted context was not reused"
            );
        })
        .join()
        .unwrap();
    }
}
