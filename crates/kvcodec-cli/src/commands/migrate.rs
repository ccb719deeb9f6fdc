//! `kvcodec migrate` and `kvcodec rollback`: rewrite the values of a live server in place,
//! plain → compressed or compressed → plain, without losing a concurrent write, then verify.
//!
//! The job is `kvcodec_redis::migrate::Migration` (the library owns the topology, the walk,
//! the checkpoint and the verification); this module maps options to it and its outcome to
//! a report and an exit code: 0 completed and verified, 1 a failure (a node unreachable, a
//! slot not served), 2 bad usage, 3 completed but values left in the other state (listed by
//! reason), 130 stopped by Ctrl-C or SIGTERM with the checkpoint saved (the same command
//! resumes; a completed run removes its checkpoint).

use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;

use kvcodec::{CodecId, Engine, OnCorrupt};
use kvcodec_redis::migrate::{Direction, Migration, Node, ValueTypes, Verification};

use crate::backends::CodecSpec;
use crate::checkpoint_file;
use crate::commands::{check_min_size, write_out};
use crate::error::CliError;
use crate::interrupt;
use crate::progress::Progress;
use crate::run_report::RunReport;
use crate::server::{self, ServerUrl};

/// Options shared by `migrate` and `rollback`.
#[derive(Debug, Clone, clap::Args)]
pub struct RunArgs {
    /// Server URL: `redis://[user:password@]host[:port][/db]`. For a cluster, any node: every
    /// primary is walked (every slot must be served by a reachable primary).
    #[arg(long, value_name = "URL")]
    pub url: String,
    /// Only keys matching this glob pattern (SCAN MATCH), e.g. `user:*`.
    #[arg(long = "match", value_name = "PATTERN")]
    pub pattern: Option<String>,
    /// At most this many keys per second over all primaries together (default: as fast as
    /// the servers answer; at least 0.001).
    #[arg(long, value_name = "KEYS_PER_S")]
    pub rate: Option<f64>,
    /// Count what would be rewritten; write nothing, keep no checkpoint, verify nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// SCAN COUNT hint, HSCAN/LRANGE chunk, and keys between checkpoint saves.
    #[arg(long, value_name = "N", default_value_t = 100,
          value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub batch: u32,
    /// Checkpoint file to save progress to and resume from. Default: a file in the current
    /// directory named after the job and server,
    /// `kvcodec-<command>-<host>_<port>-<hash>.checkpoint`. Removed when the run completes.
    #[arg(long, value_name = "FILE")]
    pub checkpoint: Option<PathBuf>,
    /// Print the summary as JSON.
    #[arg(long)]
    pub json: bool,
    /// No progress bar (it is drawn on standard error only when that is a terminal).
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

/// Arguments of `kvcodec migrate`.
#[derive(Debug, Clone, clap::Args)]
pub struct MigrateArgs {
    /// Codec spec to compress with: `zstd:3`, `lz4`, `snappy`, `deflate:6` (Valkey GLIDE
    /// clients read zstd and lz4 only).
    #[arg(long, value_name = "SPEC")]
    pub to: String,
    /// Values shorter than this stay plain (GLIDE's `min_compression_size`).
    #[arg(long, value_name = "BYTES", default_value_t = kvcodec::DEFAULT_MIN_COMPRESSION_SIZE)]
    pub min_size: usize,
    /// Compress with this shared zstd dictionary (see `kvcodec dict push`). Every reader then
    /// needs the dictionary; GLIDE clients cannot read such values.
    #[arg(long, value_name = "ID")]
    pub dictionary: Option<u32>,
    /// Which values to compress: `strings` (default: what GLIDE clients read and write
    /// compressed), `hashes`, `lists`, comma-separated, or `all`.
    #[arg(long, value_name = "TYPES", default_value = "strings", value_parser = parse_types)]
    pub types: ValueTypes,
    /// Scan, pacing and checkpoint options.
    #[command(flatten)]
    pub run: RunArgs,
}

/// Arguments of `kvcodec rollback`.
#[derive(Debug, Clone, clap::Args)]
pub struct RollbackArgs {
    /// Largest decoded value; a larger one is left compressed and counted as `over_max_size`.
    #[arg(long, value_name = "BYTES", default_value_t = kvcodec::DEFAULT_MAX_DECOMPRESSED_SIZE,
          value_parser = positive_size)]
    pub max_size: usize,
    /// Scan, pacing and checkpoint options.
    #[command(flatten)]
    pub run: RunArgs,
}

/// `strings,hashes,lists` (any of them, comma-separated) or `all`.
pub fn parse_types(s: &str) -> Result<ValueTypes, String> {
    match s.parse::<ValueTypes>() {
        Ok(t) if t != ValueTypes::NONE => Ok(t),
        _ => Err(format!(
            "unknown value types `{s}`: expected strings, hashes, lists (comma-separated) or all"
        )),
    }
}

/// A size of at least 1 byte.
pub fn positive_size(s: &str) -> Result<usize, String> {
    match s.parse::<usize>() {
        Ok(0) => Err("expected at least 1 byte".to_owned()),
        Ok(n) => Ok(n),
        Err(e) => Err(format!("expected a number of bytes: {e}")),
    }
}

/// The engine `migrate --to SPEC [--min-size] [--dictionary]` compresses with.
pub fn compress_engine(
    server: &ServerUrl,
    spec: &CodecSpec,
    min_size: usize,
    dictionary: Option<u32>,
    cluster: bool,
) -> Result<Engine, CliError> {
    let Some(id) = dictionary else {
        return spec.engine(min_size);
    };
    let mut con = server.connect_to(cluster)?;
    let level = spec
        .effective_level()
        .unwrap_or(kvcodec_zstd::DEFAULT_LEVEL);
    let codec = server.zstd_codec(&mut *con, level, Some(id))?;
    Engine::builder()
        .policy(spec.config(min_size).policy())
        .codec(codec)
        .build()
        .map_err(|e| CliError::usage(e.to_string()))
}

/// The engine rollback and `verify --expect plain` decode with: every compiled-in codec and
/// the server's dictionaries.
pub fn decode_engine(
    server: &ServerUrl,
    max_size: usize,
    cluster: bool,
) -> Result<Engine, CliError> {
    let mut con = server.connect_to(cluster)?;
    server.reader(&mut *con, max_size, OnCorrupt::Error)
}

/// Checks `--to`, `--min-size` and `--dictionary` before anything connects.
pub fn check_spec(
    to: &str,
    min_size: usize,
    dictionary: Option<u32>,
) -> Result<CodecSpec, CliError> {
    let spec = CodecSpec::parse(to)?;
    check_min_size(min_size)?;
    if dictionary.is_some() && spec.backend.id != CodecId::ZSTD {
        return Err(CliError::usage(format!(
            "--dictionary needs a zstd codec, found --to {spec}"
        )));
    }
    Ok(spec)
}

/// `kvcodec migrate`.
pub fn migrate(args: &MigrateArgs, out: &mut dyn Write) -> Result<(), CliError> {
    let server = ServerUrl::parse(&args.run.url)?;
    args.run.check()?;
    let spec = check_spec(&args.to, args.min_size, args.dictionary)?;
    let (topology, nodes) = server.topology()?;
    let engine = compress_engine(
        &server,
        &spec,
        args.min_size,
        args.dictionary,
        topology.cluster,
    )?;
    let m = args.run.migration(engine, Direction::Compress, args.types);
    execute("migrate", m, &server, nodes, &args.run, out)
}

/// `kvcodec rollback`.
pub fn rollback(args: &RollbackArgs, out: &mut dyn Write) -> Result<(), CliError> {
    let server = ServerUrl::parse(&args.run.url)?;
    args.run.check()?;
    let (topology, nodes) = server.topology()?;
    let engine = decode_engine(&server, args.max_size, topology.cluster)?;
    let m = args
        .run
        .migration(engine, Direction::Decompress, ValueTypes::ALL);
    execute("rollback", m, &server, nodes, &args.run, out)
}

impl RunArgs {
    fn check(&self) -> Result<(), CliError> {
        check_common(self.pattern.as_deref(), self.rate)
    }

    fn migration(&self, engine: Engine, direction: Direction, types: ValueTypes) -> Migration {
        Migration {
            engine: Arc::new(engine),
            direction,
            types,
            pattern: self.pattern.clone(),
            rate: self.rate,
            dry_run: self.dry_run,
            batch: self.batch as usize,
            checkpoint: None,
            timeout: server::timeout(),
        }
    }
}

/// `--match` and `--rate` checks shared with `verify`: before connecting to anything.
pub fn check_common(pattern: Option<&str>, rate: Option<f64>) -> Result<(), CliError> {
    if pattern == Some("") {
        return Err(CliError::usage(
            "--match '': expected a glob pattern (an empty one matches no key; `*` matches all)",
        ));
    }
    kvcodec_redis::migrate::pace::Pacer::new(rate)
        .map(drop)
        .map_err(|e| CliError::usage(e.to_string()))
}

fn execute(
    command: &'static str,
    mut migration: Migration,
    server: &ServerUrl,
    nodes: Vec<Node>,
    args: &RunArgs,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let job = migration.job();
    if !args.dry_run {
        let path = args
            .checkpoint
            .clone()
            .unwrap_or_else(|| checkpoint_file::default_path(command, server, &job));
        migration.checkpoint = Some(path);
    }
    let stop = interrupt::stop_flag()?;
    let label = match (migration.direction, migration.engine.writer()) {
        (Direction::Compress, Some(w)) => format!("{command} {}", w.name()),
        _ => format!("{command} every codec"),
    };
    let progress = Arc::new(Progress::new(&label, &job, args.quiet));
    let outcome = migration.run_on(nodes, stop, progress.clone());
    progress.finish();
    let outcome = outcome.map_err(|e| server.run_error(e))?;
    let mut report = RunReport::new(
        command,
        job,
        server.addr(),
        args.dry_run,
        outcome.completed,
        migration.checkpoint.clone(),
        outcome.resumed,
        outcome.summary,
    );
    report.verification = outcome.verification;
    let text = if args.json {
        serde_json::to_string_pretty(&report)
            .map(|s| s + "\n")
            .map_err(|e| CliError::failure(format!("cannot format JSON: {e}")))?
    } else {
        report.render()
    };
    write_out(out, text.as_bytes())?;
    if !report.completed {
        let keys = report.summary.keys_scanned;
        return Err(CliError::stopped(match &migration.checkpoint {
            Some(path) => format!(
                "stopped after {keys} keys; progress saved to {}; resume with the same command",
                path.display()
            ),
            None => format!("stopped after {keys} keys (dry run: nothing written, nothing saved)"),
        }));
    }
    match &report.verification {
        Some(v) if !v.is_clean() => Err(not_verified(v)),
        _ => Ok(()),
    }
}

/// The error of a verification that found values in the other state.
pub fn not_verified(v: &Verification) -> CliError {
    let reasons: Vec<String> = v.left.iter().map(|(r, n)| format!("{r} {n}")).collect();
    let state = match v.expect {
        kvcodec_redis::migrate::Expect::Plain => "plain",
        kvcodec_redis::migrate::Expect::Compressed => "compressed",
    };
    CliError::unverified(format!(
        "{} values are not {state} ({}); see the report for what each reason means",
        v.left_total(),
        reasons.join(", ")
    ))
}
