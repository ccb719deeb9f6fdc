//! `kvcodec completions SHELL` and `kvcodec man`: shell completion scripts and the manual
//! page, generated from the command-line definition (so they never drift from it).

use std::io::Write;

use clap::CommandFactory;
use clap_complete::Shell;

use crate::commands::Cli;
use crate::error::CliError;

/// Arguments of `kvcodec completions`.
#[derive(Debug, Clone, clap::Args)]
pub struct CompletionsArgs {
    /// The shell: bash, zsh, fish, elvish or powershell.
    #[arg(value_name = "SHELL")]
    pub shell: Shell,
}

/// Writes the completion script for `args.shell`.
pub fn run(args: &CompletionsArgs, out: &mut dyn Write) -> Result<(), CliError> {
    let mut buf = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "kvcodec", &mut buf);
    crate::commands::write_out(out, &buf)
}

/// Writes the manual page (roff) for `kvcodec`: synopsis, description, options, the
/// subcommands with their summaries, and the exit codes (`kvcodec help COMMAND` details each).
pub fn man(out: &mut dyn Write) -> Result<(), CliError> {
    let mut buf = Vec::new();
    clap_mangen::Man::new(Cli::command())
        .render(&mut buf)
        .map_err(|e| CliError::failure(format!("cannot render the manual page: {e}")))?;
    crate::commands::write_out(out, &buf)
}
