//! Live-server access: `--url`/TLS/credentials options, connections, one key's value, and
//! the default checkpoint file of a run.

pub mod args;
pub mod checkpoint;
pub mod key;
pub mod server;
