//! `kvcodec verify --url … --expect plain|compressed`: checks, writing nothing, that every
//! value is in the state a migration or rollback promises — for operators before they switch
//! clients (to `Off` after a rollback; to reading compressed values only after a migration).
//!
//! - `--expect compressed` (give the `--to`, `--min-size` and `--types` the migration used):
//!   every value either starts with a header or is one the policy keeps plain (too small, not
//!   smaller when compressed, …). A plain value the policy would compress is `undone`.
//! - `--expect plain`: no value starts with a header. A compressed value that decodes is
//!   `undone`; `undecodable`, `over_max_size` and `nested` are reported apart (a nested value
//!   must stay encoded, and an `Off` client would read it encoded).
//!
//! Exit code 0 when every value is in the promised state, 3 when not (the report lists the
//! values left by reason), 1 on failure (a node unreachable), 130 when stopped.

use std::io::Write;
use std::sync::Arc;

use kvcodec_redis::migrate::{Direction, Migration, ValueTypes};
use serde::Serialize;

use crate::commands::io::{provenance, write_out};
use crate::commands::job::{
    Target, check_options, check_spec, compress_engine, decode_engine, not_verified, parse_types,
    positive_size,
};
use crate::error::CliError;
use crate::live::args::ServerArgs;
use crate::live::server;
use crate::provenance::{Provenance, SCHEMA_VERSION};
use crate::run::interrupt;
use crate::run::progress::Progress;
use crate::run::summary::verification_lines;

/// Which state to check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum ExpectArg {
    /// Nothing compressed is left (after `rollback`).
    Plain,
    /// Everything the policy would compress is compressed (after `migrate`).
    Compressed,
}

/// Arguments of `kvcodec verify`.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct VerifyArgs {
    /// The server.
    #[command(flatten)]
    pub(crate) server: ServerArgs,
    /// The state every value should be in.
    #[arg(long, value_enum)]
    pub(crate) expect: ExpectArg,
    /// With `--expect compressed`: the codec spec the migration used (its policy decides
    /// which plain values are fine).
    #[arg(long, value_name = "SPEC", required_if_eq("expect", "compressed"))]
    pub(crate) to: Option<String>,
    /// With `--expect compressed`: the migration's `--min-size`.
    #[arg(long, value_name = "BYTES", default_value_t = kvcodec::DEFAULT_MIN_COMPRESSION_SIZE)]
    pub(crate) min_size: usize,
    /// With `--expect compressed`: the migration's `--types`.
    #[arg(long, value_name = "TYPES", default_value = "strings", value_parser = parse_types)]
    pub(crate) types: ValueTypes,
    /// With `--expect plain`: the largest decoded value (as rollback's `--max-size`).
    #[arg(long, value_name = "BYTES", default_value_t = kvcodec::DEFAULT_MAX_DECOMPRESSED_SIZE,
          value_parser = positive_size)]
    pub(crate) max_size: usize,
    /// Only keys matching this glob pattern.
    #[arg(long = "match", value_name = "PATTERN")]
    pub(crate) pattern: Option<String>,
    /// At most this many keys per second over all primaries.
    #[arg(long, value_name = "KEYS_PER_S")]
    pub(crate) rate: Option<f64>,
    /// SCAN COUNT hint and HSCAN/LRANGE chunk.
    #[arg(long, value_name = "N", default_value_t = 100,
          value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub(crate) batch: u32,
    /// Print the result as JSON.
    #[arg(long)]
    pub(crate) json: bool,
    /// No progress bar.
    #[arg(long, short = 'q')]
    pub(crate) quiet: bool,
}

#[derive(Serialize)]
struct VerifyReport<'a> {
    schema_version: u32,
    provenance: &'a Provenance,
    command: &'static str,
    server: String,
    clean: bool,
    #[serde(flatten)]
    verification: &'a kvcodec_redis::migrate::Verification,
}

/// `kvcodec verify`.
pub(crate) fn run(args: &VerifyArgs, out: &mut dyn Write) -> Result<(), CliError> {
    let server = args.server.server()?;
    check_options(args.pattern.as_deref(), args.rate)?;
    let spec = match (args.expect, &args.to) {
        (ExpectArg::Compressed, Some(to)) => Some(check_spec(to, Some(args.min_size), None)?),
        (ExpectArg::Compressed, None) => {
            return Err(CliError::usage("--expect compressed needs --to SPEC"));
        }
        (ExpectArg::Plain, _) => None,
    };
    let (topology, mut nodes) = server.topology()?;
    let (engine, direction) = match &spec {
        Some(spec) => (
            compress_engine(
                &server,
                &Target {
                    spec,
                    min_size: Some(args.min_size),
                    dictionary: None,
                },
                topology.cluster,
            )?,
            Direction::Compress,
        ),
        None => (
            decode_engine(&server, args.max_size, topology.cluster)?,
            Direction::Decompress,
        ),
    };
    let m = Migration {
        engine: Arc::new(engine),
        direction,
        types: args.types,
        pattern: args.pattern.clone(),
        rate: args.rate,
        dry_run: false,
        batch: args.batch as usize,
        checkpoint: None,
        timeout: server::timeout(),
        target: None,
    };
    let mut provenance = provenance();
    let version = nodes.first_mut().map(|n| server::describe(&mut n.con));
    provenance.server = version.map(|v| format!("{v} at {}", server.addr()));
    let progress = Arc::new(Progress::new("verify", &m.job(), args.quiet));
    let result = m.verify_on(&topology, nodes, interrupt::stop_flag()?, progress.clone());
    progress.finish();
    let Some(v) = result? else {
        return Err(CliError::stopped(
            "verify stopped before every value was checked",
        ));
    };
    let text = if args.json {
        let report = VerifyReport {
            schema_version: SCHEMA_VERSION,
            provenance: &provenance,
            command: "verify",
            server: server.addr(),
            clean: v.is_clean(),
            verification: &v,
        };
        serde_json::to_string_pretty(&report)
            .map(|s| s + "\n")
            .map_err(|e| CliError::failure(format!("cannot format JSON: {e}")))?
    } else {
        format!(
            "kvcodec verify on {} ({} keys scanned)\n{}  provenance: {}\n",
            server.addr(),
            v.keys_scanned,
            verification_lines(&v),
            provenance.line()
        )
    };
    write_out(out, text.as_bytes())?;
    if v.is_clean() {
        Ok(())
    } else {
        Err(not_verified(&v))
    }
}
