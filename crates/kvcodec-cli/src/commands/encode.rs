//! `kvcodec encode`: the stored form of a value.

use std::io::Write;

use crate::backends::CodecSpec;
use crate::commands::{Input, check_min_size, write_out};
use crate::error::CliError;

/// Arguments of `kvcodec encode`.
#[derive(Debug, Clone, clap::Args)]
pub struct EncodeArgs {
    /// Codec spec: `zstd`, `zstd:3`, `lz4`, `lz4:-4`, `snappy`, `deflate:6`.
    #[arg(long, short = 'c', value_name = "SPEC", default_value = "zstd")]
    pub codec: String,
    /// Level (alternative to `--codec NAME:LEVEL`); default: the backend's.
    #[arg(long, short = 'l', allow_negative_numbers = true)]
    pub level: Option<i32>,
    /// Values shorter than this are written unchanged (GLIDE's `min_compression_size`).
    #[arg(long, value_name = "BYTES", default_value_t = kvcodec::DEFAULT_MIN_COMPRESSION_SIZE)]
    pub min_size: usize,
    /// The value.
    #[command(flatten)]
    pub input: Input,
}

impl EncodeArgs {
    /// The codec spec with `--level` applied.
    pub fn spec(&self) -> Result<CodecSpec, CliError> {
        let spec = CodecSpec::parse(&self.codec)?;
        match self.level {
            Some(level) => spec.with_level(level),
            None => Ok(spec),
        }
    }
}

/// Writes the stored form of the input to `out`.
pub fn run(args: &EncodeArgs, out: &mut dyn Write) -> Result<(), CliError> {
    let spec = args.spec()?;
    check_min_size(args.min_size)?;
    let engine = spec.engine(args.min_size)?;
    let value = args.input.read()?;
    let stored = engine
        .encode(&value)
        .map_err(|e| CliError::failure(format!("cannot compress with {spec}: {e}")))?;
    write_out(out, &stored)
}
