//! `kvcodec`: encode, decode and inspect kvcodec/GLIDE values; assess codecs on your data.
//!
//! Every error is one line on stderr, `kvcodec: error: …`; exit codes are 0 on success,
//! 1 for a failure while running (an unreachable server included), 2 for bad usage or bad
//! input, 3 for a migrate/rollback/verify that left values not in the promised state, 4 for a
//! key, field or element that does not exist, 130 for a `migrate`/`rollback`
//! stopped by Ctrl-C or SIGTERM (resume it with the same command).

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use clap::Parser;
use clap::error::ErrorKind;
use kvcodec_cli::commands::{self, Cli, clap_error_line};
use kvcodec_cli::error::EXIT_USAGE;

fn main() -> ExitCode {
    // rediss://: redis-rs builds rustls without a crypto provider; use ring.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let mut cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => match e.kind() {
            // Help and version go to stdout with status 0; a missing subcommand prints help.
            ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => e.exit(),
            _ => {
                eprintln!("kvcodec: error: {}", clap_error_line(&e));
                return ExitCode::from(EXIT_USAGE);
            }
        },
    };
    let stdout = std::io::stdout();
    cli.stdout_is_terminal = stdout.is_terminal();
    let mut out = stdout.lock();
    match commands::run(cli, &mut out) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let _ = out.flush();
            if e.is_stop() {
                eprintln!("kvcodec: {e}");
            } else {
                eprintln!("kvcodec: error: {e}");
            }
            ExitCode::from(e.code)
        }
    }
}
