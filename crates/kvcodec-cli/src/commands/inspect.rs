//! `kvcodec inspect`: what a stored value is, without changing it (a file, standard input, or
//! a live key with `--url`).

use std::io::Write;
use std::path::PathBuf;

use kvcodec::OnCorrupt;

use crate::commands::io::{Input, json, write_out};
use crate::error::CliError;
use crate::inspection::{KeyInspection, inspect, inspect_with, render};
use crate::live::args::TlsArgs;
use crate::live::key::{self, LocationArgs};
use crate::live::server::ServerUrl;

/// Arguments of `kvcodec inspect`.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct InspectArgs {
    /// Print JSON instead of text.
    #[arg(long)]
    pub(crate) json: bool,
    /// Largest decoded size to attempt.
    #[arg(long, value_name = "BYTES", default_value_t = kvcodec::DEFAULT_MAX_DECOMPRESSED_SIZE)]
    pub(crate) max_size: usize,
    /// Read the value of KEY from this server instead of a file (`redis://host:port[/db]`;
    /// any node of a cluster). zstd values written with the server's shared dictionaries
    /// decode too.
    #[arg(long, value_name = "URL")]
    pub(crate) url: Option<String>,
    /// TLS for a `rediss://` `--url`.
    #[command(flatten)]
    pub(crate) tls: TlsArgs,
    /// With `--url`: which value of the key.
    #[command(flatten)]
    pub(crate) location: LocationArgs,
    /// File holding the stored value (default: standard input); with `--url`, the key.
    #[arg(value_name = "FILE|KEY")]
    pub(crate) target: Option<PathBuf>,
}

/// Prints the inspection of the input (a file, standard input, or a key with `--url`).
pub(crate) fn run(args: &InspectArgs, out: &mut dyn Write) -> Result<(), CliError> {
    let (as_json, as_text) = match &args.url {
        None => {
            if args.location.field.is_some() || args.location.index.is_some() {
                return Err(CliError::usage(
                    "--field and --index need --url: they pick a value of a live key",
                ));
            }
            let input = Input {
                file: args.target.clone(),
            };
            let found = inspect(&input.read()?, args.max_size);
            (json(&found)?, render(&found))
        }
        Some(url) => {
            let Some(key) = &args.target else {
                return Err(CliError::usage("inspect --url needs a KEY"));
            };
            let key = key.to_string_lossy();
            let server = ServerUrl::open(url, &args.tls)?;
            let found = inspect_key(&server, &key, &args.location, args.max_size)?;
            (json(&found)?, found.render())
        }
    };
    write_out(out, if args.json { as_json } else { as_text }.as_bytes())
}

/// `inspect KEY --url URL`: the value of `key` at `location`, inspected with every
/// compiled-in codec and the server's zstd dictionaries, decoding at most `max_size` bytes.
fn inspect_key(
    server: &ServerUrl,
    key: &str,
    location: &LocationArgs,
    max_size: usize,
) -> Result<KeyInspection, CliError> {
    let mut con = server.connect()?;
    let location = location.location();
    let stored = key::fetch(server, &mut *con, key, &location)?;
    let reader = server.reader(&mut *con, max_size.max(1), OnCorrupt::Error)?;
    let inspection = inspect_with(&stored.bytes, max_size, &|id| {
        reader.registry().get(id).cloned()
    });
    Ok(KeyInspection {
        key: key.to_owned(),
        value: location.describe(),
        ttl_ms: stored.ttl_ms,
        inspection,
    })
}
