//! The subcommands, as thin glue: each module defines its clap arguments, checks them, calls
//! the domain modules (`crate::assess`, `crate::live`, `crate::inspection`, `crate::render`,
//! `crate::run`, `kvcodec_redis::migrate`) and prints what they return. Domain errors become a
//! [`CliError`] through `?` (the exit code is decided in [`crate::error`]); warnings the domain
//! modules return are printed here, on standard error.
//!
//! # Getting started
//!
//! ```no_run
//! use clap::Parser;
//! use kvcodec_cli::commands::{self, Cli};
//!
//! let cli = Cli::parse_from(["kvcodec", "assess", "--levels", "zstd:3,lz4", "--passes", "1"]);
//! commands::run(cli, &mut std::io::stdout())?;
//! # Ok::<(), kvcodec_cli::CliError>(())
//! ```
//!
//! | command | module |
//! |---|---|
//! | `encode`, `decode`, `inspect` | `encode`, `decode`, `inspect` |
//! | `assess` | `assess` |
//! | `get` | `get` |
//! | `migrate`, `rollback` | `migrate` |
//! | `verify` | `verify` (checks and engines shared with `migrate`: `job`) |
//! | `dict train`, `dict push`, `dict pull` | `dict` |
//! | `completions`, `man` | `completions` |

mod assess;
mod cli;
mod completions;
mod decode;
mod dict;
mod encode;
mod get;
mod inspect;
mod io;
mod job;
mod migrate;
mod retire;
mod verify;

use std::io::Write;

use clap::CommandFactory;

use self::cli::Command;
pub use self::cli::{Cli, clap_error_line};
use crate::error::CliError;

/// Runs `cli`, writing the command's output to `stdout` (warnings go to stderr).
pub fn run(cli: Cli, stdout: &mut dyn Write) -> Result<(), CliError> {
    let timeout = std::time::Duration::try_from_secs_f64(cli.timeout)
        .ok()
        .filter(|t| !t.is_zero() && *t <= std::time::Duration::from_secs(86_400))
        .ok_or_else(|| {
            CliError::usage(format!(
                "--timeout {}: expected a number of seconds above 0, at most 86400",
                cli.timeout
            ))
        })?;
    crate::live::server::set_timeout(timeout);
    match cli.command {
        Command::Encode(args) => encode::run(&args, stdout, cli.stdout_is_terminal),
        Command::Decode(args) => decode::run(&args, stdout),
        Command::Inspect(args) => inspect::run(&args, stdout),
        Command::Assess(args) => assess::run(&args, stdout),
        Command::Get(args) => get::run(&args, stdout),
        Command::Migrate(args) => migrate::migrate(&args, stdout),
        Command::Rollback(args) => migrate::rollback(&args, stdout),
        Command::Verify(args) => verify::run(&args, stdout),
        Command::Dict(args) => dict::run(&args, stdout),
        Command::Completions(args) => completions::run(&args, Cli::command(), stdout),
        Command::Man => completions::man(Cli::command(), stdout),
    }
}
