//! `kvcodec completions SHELL` and `kvcodec man`: shell completion scripts and the manual
//! page, generated from the command-line definition (so they never drift from it).

use std::io::Write;

use clap_complete::Shell;

use crate::commands::io::write_out;
use crate::error::CliError;

/// Arguments of `kvcodec completions`.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct CompletionsArgs {
    /// The shell: bash, zsh, fish, elvish or powershell.
    #[arg(value_name = "SHELL")]
    pub(crate) shell: Shell,
}

/// Writes the completion script of `cli` (the whole command line) for `args.shell`.
pub(crate) fn run(
    args: &CompletionsArgs,
    mut cli: clap::Command,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let mut buf = Vec::new();
    clap_complete::generate(args.shell, &mut cli, "kvcodec", &mut buf);
    write_out(out, &buf)
}

/// Writes the manual page (roff) of `cli`: synopsis, description, options, the subcommands
/// with their summaries, and the exit codes (`kvcodec help COMMAND` details each).
pub(crate) fn man(cli: clap::Command, out: &mut dyn Write) -> Result<(), CliError> {
    let mut buf = Vec::new();
    clap_mangen::Man::new(cli)
        .render(&mut buf)
        .map_err(|e| CliError::failure(format!("cannot render the manual page: {e}")))?;
    write_out(out, &buf)
}
