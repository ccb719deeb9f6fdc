//! The command line: [`Cli`], its subcommands and their arguments (each defined beside its
//! command), and clap's errors as one line.

use clap::{Parser, Subcommand};

use crate::commands::{assess, completions, decode, dict, encode, get, inspect, migrate, verify};

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
    pub(crate) timeout: f64,
    /// What to do.
    #[command(subcommand)]
    pub(crate) command: Command,
    /// Whether standard output is a terminal (set by the binary; `encode` refuses to write
    /// binary there).
    #[arg(skip)]
    pub stdout_is_terminal: bool,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Compress a value as a client would store it (header + payload, or the value unchanged
    /// when the write policy skips it).
    Encode(encode::EncodeArgs),
    /// Decode a stored value (any compiled-in backend); plain values pass through.
    Decode(decode::DecodeArgs),
    /// Describe a stored value (a file, or a live key with --url): header, codec, sizes, ratio.
    Inspect(inspect::InspectArgs),
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
}
