//! `kvcodec get KEY --url URL`: a live value, decoded, as raw bytes on standard output.

use std::borrow::Cow;
use std::io::Write;

use kvcodec::OnCorrupt;
use kvcodec::header::has_header;

use crate::commands::io::write_out;
use crate::error::CliError;
use crate::live::args::ServerArgs;
use crate::live::key::{self, LocationArgs};

/// Arguments of `kvcodec get`.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct GetArgs {
    /// The key.
    #[arg(value_name = "KEY")]
    pub(crate) key: String,
    /// The server.
    #[command(flatten)]
    pub(crate) server: ServerArgs,
    /// Which value of the key (a string by default).
    #[command(flatten)]
    pub(crate) location: LocationArgs,
    /// Fail on a value that has a header but does not decode, instead of writing it as
    /// stored.
    #[arg(long)]
    pub(crate) strict: bool,
    /// Largest decoded size accepted; larger values are an error.
    #[arg(long, value_name = "BYTES", default_value_t = kvcodec::DEFAULT_MAX_DECOMPRESSED_SIZE)]
    pub(crate) max_size: usize,
}

/// Writes the decoded value to `out` (a plain value as it is stored).
pub(crate) fn run(args: &GetArgs, out: &mut dyn Write) -> Result<(), CliError> {
    let server = args.server.server()?;
    let mut con = server.connect()?;
    let stored = key::fetch(&server, &mut *con, &args.key, &args.location.location())?;
    let on_corrupt = if args.strict {
        OnCorrupt::Error
    } else {
        OnCorrupt::ReturnStored
    };
    let reader = server.reader(&mut *con, args.max_size.max(1), on_corrupt)?;
    let plain = reader.decode(&stored.bytes).map_err(|e| {
        CliError::usage(format!("value of key `{}` does not decode: {e}", args.key))
    })?;
    if matches!(plain, Cow::Borrowed(_)) && has_header(&stored.bytes) {
        eprintln!(
            "kvcodec: warning: value of key `{}` has a kvcodec header but does not decode; written as stored (--strict makes this an error)",
            args.key
        );
    }
    write_out(out, &plain)
}
