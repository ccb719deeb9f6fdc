//! `kvcodec encode`: the stored form of a value.

use std::io::Write;

use crate::backends::CodecSpec;
use crate::commands::io::{Input, check_min_size, write_out};
use crate::error::CliError;

/// Arguments of `kvcodec encode`.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct EncodeArgs {
    /// Codec spec: `zstd`, `zstd:3`, `lz4`, `lz4:-4`, `snappy`, `deflate:6`.
    #[arg(long, short = 'c', value_name = "SPEC", default_value = "zstd")]
    pub(crate) codec: String,
    /// Level (alternative to `--codec NAME:LEVEL`); default: the backend's.
    #[arg(long, short = 'l', allow_negative_numbers = true)]
    pub(crate) level: Option<i32>,
    /// Values shorter than this are written unchanged (GLIDE's `min_compression_size`).
    #[arg(long, value_name = "BYTES", default_value_t = kvcodec::DEFAULT_MIN_COMPRESSION_SIZE)]
    pub(crate) min_size: usize,
    /// Write binary output even to a terminal.
    #[arg(long, short = 'f')]
    pub(crate) force: bool,
    /// The value.
    #[command(flatten)]
    pub(crate) input: Input,
}

impl EncodeArgs {
    /// The codec spec with `--level` applied.
    pub(crate) fn spec(&self) -> Result<CodecSpec, CliError> {
        let spec = CodecSpec::parse(&self.codec)?;
        match self.level {
            Some(level) => Ok(spec.with_level(level)?),
            None => Ok(spec),
        }
    }
}

/// Writes the stored form of the input to `out`; refuses binary output when `out` is a
/// terminal (unless `--force`), as `zstd` and `gzip` do.
pub(crate) fn run(
    args: &EncodeArgs,
    out: &mut dyn Write,
    out_is_terminal: bool,
) -> Result<(), CliError> {
    let spec = args.spec()?;
    check_min_size(args.min_size)?;
    let engine = spec.engine(args.min_size)?;
    let value = args.input.read()?;
    let stored = engine
        .encode(&value)
        .map_err(|e| CliError::failure(format!("cannot compress with {spec}: {e}")))?;
    if out_is_terminal && !args.force && is_binary(&stored) {
        return Err(CliError::usage(
            "refusing to write a compressed (binary) value to a terminal: redirect it \
             (`> value.kvc`), pipe it, or pass --force",
        ));
    }
    write_out(out, &stored)
}

/// `true` unless `bytes` is UTF-8 text without control characters other than whitespace.
fn is_binary(bytes: &[u8]) -> bool {
    match std::str::from_utf8(bytes) {
        Ok(text) => text.chars().any(|c| c.is_control() && !c.is_whitespace()),
        Err(_) => true,
    }
}
