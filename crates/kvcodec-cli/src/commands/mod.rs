//! The subcommands: their clap arguments and what they do.

pub mod assess;
pub mod completions;
pub mod decode;
pub mod dict;
pub mod encode;
pub mod get;
pub mod migrate;
pub mod verify;

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand};

use crate::error::CliError;

/// `kvcodec`: read and write Redis/Valkey values in kvcodec's (and Valkey GLIDE's)
/// compressed format, and assess which codec suits a data set.
#[derive(Debug, Parser)]
#[command(
    name = "kvcodec",
    version,
    about = "Encode, decode and inspect kvcodec/GLIDE compressed values; assess codecs on your data; \
             migrate, roll back and read the values of a live Redis/Valkey server.",
    after_help = "Exit codes: 0 success, 1 failure while running (unreachable server included), \
                  2 bad usage or bad input, 3 migrate/rollback/verify found values not in the \
                  promised state (listed by reason), 4 key, field or element not found, 130 \
                  migrate/rollback stopped by Ctrl-C or SIGTERM (resume with the same command)."
)]
pub struct Cli {
    /// Seconds a server connection, read or write may take before the server counts as
    /// unreachable (every command that talks to a server).
    #[arg(long, global = true, value_name = "SECONDS", default_value_t = 10.0)]
    pub timeout: f64,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
    /// Whether standard output is a terminal (set by the binary; `encode` refuses to write
    /// binary there).
    #[arg(skip)]
    pub stdout_is_terminal: bool,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Compress a value as a client would store it (header + payload, or the value unchanged
    /// when the write policy skips it).
    Encode(encode::EncodeArgs),
    /// Decode a stored value (any compiled-in backend); plain values pass through.
    Decode(decode::DecodeArgs),
    /// Describe a stored value (a file, or a live key with --url): header, codec, sizes, ratio.
    Inspect(crate::inspection::InspectArgs),
    /// Measure every backend and level on a set of values (built-in, a directory, or sampled
    /// from a server) and recommend a configuration.
    Assess(assess::AssessArgs),
    /// Print the decoded value of a live key (a string, a hash field, a list element).
    Get(get::GetArgs),
    /// Compress the plain values of a live server in place (strings, hash values, list
    /// elements), safe against concurrent writes, resumable.
    Migrate(migrate::MigrateArgs),
    /// Decode every compressed value of a live server back to plain, in place.
    Rollback(migrate::RollbackArgs),
    /// Check, writing nothing, that every value of a live server is plain (before switching
    /// clients to Off) or compressed (after a migration).
    Verify(verify::VerifyArgs),
    /// Train, push and pull shared zstd dictionaries.
    Dict(dict::DictArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions(completions::CompletionsArgs),
    /// Print the manual page (roff), e.g. `kvcodec man > kvcodec.1`.
    Man,
}

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
        Command::Inspect(args) => crate::inspection::run(&args, stdout),
        Command::Assess(args) => assess::run(&args, stdout),
        Command::Get(args) => get::run(&args, stdout),
        Command::Migrate(args) => migrate::migrate(&args, stdout),
        Command::Rollback(args) => migrate::rollback(&args, stdout),
        Command::Verify(args) => verify::run(&args, stdout),
        Command::Dict(args) => dict::run(&args, stdout),
        Command::Completions(args) => completions::run(&args, stdout),
        Command::Man => completions::man(stdout),
    }
}

/// A positional input: a file, or standard input when absent or `-`.
#[derive(Debug, Clone, clap::Args)]
pub struct Input {
    /// File holding the value (default: standard input).
    #[arg(value_name = "FILE")]
    pub file: Option<PathBuf>,
}

impl Input {
    /// All bytes of the file or of standard input.
    pub fn read(&self) -> Result<Vec<u8>, CliError> {
        match self.file.as_deref() {
            Some(path) if path != Path::new("-") => {
                std::fs::read(path).map_err(|e| CliError::unreadable("file", path, &e))
            }
            _ => {
                let mut buf = Vec::new();
                std::io::stdin()
                    .lock()
                    .read_to_end(&mut buf)
                    .map_err(|e| CliError::usage(format!("cannot read standard input: {e}")))?;
                Ok(buf)
            }
        }
    }
}

/// Writes `bytes` to `out` and flushes.
pub fn write_out(out: &mut dyn Write, bytes: &[u8]) -> Result<(), CliError> {
    out.write_all(bytes)
        .and_then(|()| out.flush())
        .map_err(|e| CliError::failure(format!("cannot write to standard output: {e}")))
}

/// A clap error as one line (its first, without clap's `error: ` prefix; a first line ending
/// in `:` gets the indented lines under it, such as the missing arguments).
pub fn clap_error_line(err: &clap::Error) -> String {
    let rendered = err.render().to_string();
    let mut lines = rendered.lines().filter(|l| !l.trim().is_empty());
    let first = lines.next().unwrap_or("invalid arguments").trim();
    let first = first.strip_prefix("error: ").unwrap_or(first);
    let mut line = first.to_owned();
    if first.ends_with(':') {
        for more in lines.take_while(|l| l.starts_with(' ')) {
            line.push(' ');
            line.push_str(more.trim());
        }
    }
    format!("{line} (see `kvcodec --help`)")
}

/// `"--min-size"` must be at least GLIDE's minimum.
pub fn check_min_size(min_size: usize) -> Result<(), CliError> {
    if min_size < kvcodec::MIN_MIN_COMPRESSION_SIZE {
        return Err(CliError::usage(format!(
            "--min-size {min_size} is too small: expected at least {} (below it no value can shrink past the 5-byte header)",
            kvcodec::MIN_MIN_COMPRESSION_SIZE
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_valid() {
        Cli::command().debug_assert();
    }

    #[test]
    fn clap_errors_fit_one_line() {
        let err = Cli::try_parse_from(["kvcodec", "encode", "--bogus"]).unwrap_err();
        let line = clap_error_line(&err);
        assert!(line.starts_with("unexpected argument '--bogus'"), "{line}");
        assert!(!line.contains('\n'));
        let err = Cli::try_parse_from(["kvcodec", "encode", "--level", "x"]).unwrap_err();
        assert!(clap_error_line(&err).contains("invalid value 'x'"));
        let err = Cli::try_parse_from(["kvcodec", "migrate", "--url", "redis://h"]).unwrap_err();
        assert_eq!(
            clap_error_line(&err),
            "the following required arguments were not provided: --to <SPEC> (see `kvcodec --help`)"
        );
    }

    #[test]
    fn negative_levels_parse() {
        let cli =
            Cli::try_parse_from(["kvcodec", "encode", "--codec", "lz4", "--level", "-4"]).unwrap();
        let Command::Encode(args) = cli.command else {
            panic!("not encode")
        };
        assert_eq!(args.level, Some(-4));
    }

    #[test]
    fn min_size_floor() {
        assert!(check_min_size(6).is_ok());
        assert!(
            check_min_size(5)
                .unwrap_err()
                .message
                .contains("at least 6")
        );
    }
}
