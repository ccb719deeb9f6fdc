//! `kvcodec decode`: the original of a stored value.

use std::borrow::Cow;
use std::io::Write;

use kvcodec::OnCorrupt;
use kvcodec::header::has_header;

use crate::backends;
use crate::commands::io::{Input, write_out};
use crate::error::CliError;

/// Arguments of `kvcodec decode`.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct DecodeArgs {
    /// Fail on a value that has a header but does not decode, instead of writing it as
    /// stored (GLIDE's behaviour).
    #[arg(long)]
    pub(crate) strict: bool,
    /// Largest decoded size accepted; larger values are an error.
    #[arg(long, value_name = "BYTES", default_value_t = kvcodec::DEFAULT_MAX_DECOMPRESSED_SIZE)]
    pub(crate) max_size: usize,
    /// The stored value.
    #[command(flatten)]
    pub(crate) input: Input,
}

/// Writes the decoded input to `out`; a plain input is written unchanged.
pub(crate) fn run(args: &DecodeArgs, out: &mut dyn Write) -> Result<(), CliError> {
    if args.max_size == 0 {
        return Err(CliError::usage(
            "--max-size 0 is too small: expected at least 1",
        ));
    }
    let on_corrupt = if args.strict {
        OnCorrupt::Error
    } else {
        OnCorrupt::ReturnStored
    };
    let engine = backends::reader(args.max_size, on_corrupt)?;
    let stored = args.input.read()?;
    let plain = engine
        .decode(&stored)
        .map_err(|e| CliError::usage(format!("value does not decode: {e}")))?;
    if matches!(plain, Cow::Borrowed(_)) && has_header(&stored) {
        eprintln!(
            "kvcodec: warning: value has a kvcodec header but does not decode; written as stored (--strict makes this an error)"
        );
    }
    write_out(out, &plain)
}
