//! [`every_server!`](macro@crate::every_server): one test, run once on every [`ServerKind`](crate::ServerKind).
//!
//! A live test is written once, as a function of the server kind, and the macro makes the
//! `#[test]`s: for `fn strings(kind: ServerKind)` it writes a module `strings` holding
//! `redis()` and `valkey()`, so the tests are named `strings::redis` and `strings::valkey`
//! (filter with `cargo test strings::` or `cargo test ::valkey`).
//!
//! ```ignore
//! use kvcodec_tests::{every_server, ServerKind};
//!
//! fn strings(kind: ServerKind) { /* ... */ }
//! fn hashes(kind: ServerKind) { /* ... */ }
//! every_server!(strings, hashes);
//!
//! async fn pipelines(kind: ServerKind) { /* ... */ }
//! every_server!(#[tokio::test] async pipelines);
//! every_server!(#[tokio::test(flavor = "multi_thread", worker_threads = 2)] async cluster);
//! ```
//!
//! The attributes before `async` are put on each generated test as written (they resolve where
//! the macro is called, so the calling crate's `tokio` is the one used). The kinds are those of
//! [`ServerKind::ALL`](crate::ServerKind::ALL); a new kind is added here too.

/// One `#[test]` per [`ServerKind`](crate::ServerKind) for each named function of a kind:
/// `every_server!(name)` writes `mod name { fn redis(); fn valkey(); }`.
///
/// Synchronous: `every_server!(a, b, c);` — each `fn a(kind: ServerKind)`.
/// Asynchronous: `every_server!(#[tokio::test] async a, b);` — each `async fn a(kind: ServerKind)`,
/// run under the given test attribute(s).
///
/// See the [module docs](mod@crate::every_server) for an example.
#[macro_export]
macro_rules! every_server {
    ($(#[$attr:meta])+ async $($name:ident),+ $(,)?) => {
        $crate::every_server!(@async_all [$(#[$attr])+] $($name),+);
    };
    (@async_all $attrs:tt $($name:ident),+) => {
        $( $crate::every_server!(@async $attrs $name); )+
    };
    (@async [$($attr:tt)+] $name:ident) => {
        #[doc = concat!("`", stringify!($name), "` on each server kind.")]
        mod $name {
            $($attr)+
            async fn redis() {
                super::$name($crate::ServerKind::Redis).await;
            }
            $($attr)+
            async fn valkey() {
                super::$name($crate::ServerKind::Valkey).await;
            }
        }
    };
    ($($name:ident),+ $(,)?) => {
        $(
            #[doc = concat!("`", stringify!($name), "` on each server kind.")]
            mod $name {
                #[test]
                fn redis() {
                    super::$name($crate::ServerKind::Redis);
                }
                #[test]
                fn valkey() {
                    super::$name($crate::ServerKind::Valkey);
                }
            }
        )+
    };
}
