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

use kvcodec::Engine;
use kvcodec_redis::migrate::{Direction, Migration, Node, Sources, Topology, ValueTypes};

use crate::commands::io::{provenance, write_out};
use crate::commands::job::{
    Target, check_options, check_spec, compress_engine, decode_engine, not_verified, parse_types,
    positive_size, recompress_engine,
};
use crate::error::CliError;
use crate::live::args::ServerArgs;
use crate::live::checkpoint;
use crate::live::server::{self, ServerUrl};
use crate::run::interrupt;
use crate::run::progress::Progress;
use crate::run::summary::RunReport;

/// Options shared by `migrate` and `rollback`.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct RunArgs {
    /// The server; for a cluster, any node: every primary is walked (every slot must be
    /// served by a reachable primary).
    #[command(flatten)]
    pub(crate) server: ServerArgs,
    /// Only keys matching this glob pattern (SCAN MATCH), e.g. `user:*`.
    #[arg(long = "match", value_name = "PATTERN")]
    pub(crate) pattern: Option<String>,
    /// At most this many keys per second over all primaries together (default: as fast as
    /// the servers answer; at least 0.001).
    #[arg(long, value_name = "KEYS_PER_S")]
    pub(crate) rate: Option<f64>,
    /// Count what would be rewritten; write nothing, keep no checkpoint, verify nothing.
    #[arg(long)]
    pub(crate) dry_run: bool,
    /// SCAN COUNT hint, HSCAN/LRANGE chunk, and keys between checkpoint saves.
    #[arg(long, value_name = "N", default_value_t = 100,
          value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub(crate) batch: u32,
    /// Checkpoint file to save progress to and resume from. Default: a file in the current
    /// directory named after the job and server,
    /// `kvcodec-<command>-<host>_<port>-<hash>.checkpoint`. Removed when the run completes.
    #[arg(long, value_name = "FILE")]
    pub(crate) checkpoint: Option<PathBuf>,
    /// Print the summary as JSON.
    #[arg(long)]
    pub(crate) json: bool,
    /// No progress bar (it is drawn on standard error only when that is a terminal).
    #[arg(long, short = 'q')]
    pub(crate) quiet: bool,
}

/// Arguments of `kvcodec migrate`.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct MigrateArgs {
    /// Codec spec to compress with: `zstd:3`, `lz4`, `snappy`, `deflate:6` (Valkey GLIDE
    /// clients read zstd and lz4 only).
    #[arg(long, value_name = "SPEC")]
    pub(crate) to: String,
    /// Values shorter than this stay plain (GLIDE's `min_compression_size`). Default: 64
    /// bytes, or with `--dictionary` the dictionary codec's own minimum (32 bytes).
    #[arg(long, value_name = "BYTES")]
    pub(crate) min_size: Option<usize>,
    /// Compress with this shared zstd dictionary (see `kvcodec dict push`), in the compact
    /// dictionary form (header id 0x05). Every reader then needs the dictionary (kvcodec-redis
    /// readers fetch it from the server); GLIDE clients cannot read such values.
    #[arg(long, value_name = "ID")]
    pub(crate) dictionary: Option<u32>,
    /// Which values to compress: `strings` (default: what GLIDE clients read and write
    /// compressed), `hashes`, `lists`, comma-separated, or `all`.
    #[arg(long, value_name = "TYPES", default_value = "strings", value_parser = parse_types)]
    pub(crate) types: ValueTypes,
    /// Also rewrite values compressed with another codec, level or dictionary, as the target
    /// writes them: another codec always; the target's own codec (whose level and dictionary
    /// the header does not say) only when the target's stored form is shorter. The summary
    /// counts the rewritten values by source.
    #[arg(long)]
    pub(crate) recompress: bool,
    /// With --recompress, only these stored forms: `plain`, codec names or ids (`lz4`,
    /// `zstd`, `0x80`), comma-separated, or `all` (default).
    #[arg(long, value_name = "SOURCES", requires = "recompress", value_parser = Sources::parse)]
    pub(crate) from: Option<Sources>,
    /// Scan, pacing and checkpoint options.
    #[command(flatten)]
    pub(crate) run: RunArgs,
}

/// Arguments of `kvcodec rollback`.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct RollbackArgs {
    /// Largest decoded value; a larger one is left compressed and counted as `over_max_size`.
    #[arg(long, value_name = "BYTES", default_value_t = kvcodec::DEFAULT_MAX_DECOMPRESSED_SIZE,
          value_parser = positive_size)]
    pub(crate) max_size: usize,
    /// Scan, pacing and checkpoint options.
    #[command(flatten)]
    pub(crate) run: RunArgs,
}

/// `kvcodec migrate`.
pub(crate) fn migrate(args: &MigrateArgs, out: &mut dyn Write) -> Result<(), CliError> {
    let server = args.run.server.server()?;
    args.run.check()?;
    let spec = check_spec(&args.to, args.min_size, args.dictionary)?;
    let (topology, nodes) = server.topology()?;
    let (make, direction): (EngineFn, _) = match args.recompress {
        true => (
            recompress_engine,
            Direction::Recompress(args.from.unwrap_or_default()),
        ),
        false => (compress_engine, Direction::Compress),
    };
    let target = Target {
        spec: &spec,
        min_size: args.min_size,
        dictionary: args.dictionary,
    };
    let engine = make(&server, &target, topology.cluster)?;
    let mut m = args.run.migration(engine, direction, args.types);
    m.target = Some(target.label());
    execute("migrate", m, &server, (&topology, nodes), &args.run, out)
}

/// `compress_engine` or `recompress_engine`.
type EngineFn = fn(&ServerUrl, &Target<'_>, bool) -> Result<Engine, CliError>;

/// `kvcodec rollback`.
pub(crate) fn rollback(args: &RollbackArgs, out: &mut dyn Write) -> Result<(), CliError> {
    let server = args.run.server.server()?;
    args.run.check()?;
    let (topology, nodes) = server.topology()?;
    let engine = decode_engine(&server, args.max_size, topology.cluster)?;
    let m = args
        .run
        .migration(engine, Direction::Decompress, ValueTypes::ALL);
    execute("rollback", m, &server, (&topology, nodes), &args.run, out)
}

impl RunArgs {
    fn check(&self) -> Result<(), CliError> {
        check_options(self.pattern.as_deref(), self.rate)
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
            target: None,
        }
    }
}

fn execute(
    command: &'static str,
    mut migration: Migration,
    server: &ServerUrl,
    (topology, mut nodes): (&Topology, Vec<Node>),
    args: &RunArgs,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let job = migration.job();
    if !args.dry_run {
        let path = args
            .checkpoint
            .clone()
            .unwrap_or_else(|| checkpoint::default_path(command, server, &job));
        migration.checkpoint = Some(path);
    }
    let mut provenance = provenance();
    let version = nodes.first_mut().map(|n| server::describe(&mut n.con));
    provenance.server = version.map(|v| format!("{v} at {}", server.addr()));
    let stop = interrupt::stop_flag()?;
    let label = match (migration.direction, migration.engine.writer()) {
        (Direction::Compress, Some(w)) => format!("{command} {}", w.name()),
        (Direction::Recompress(_), Some(w)) => format!("{command} --recompress {}", w.name()),
        _ => format!("{command} every codec"),
    };
    let progress = Arc::new(Progress::new(&label, &job, args.quiet));
    let outcome = migration.run_on(topology, nodes, stop, progress.clone());
    progress.finish();
    let outcome = outcome?;
    let clean = outcome.is_clean();
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
    report.clean = clean;
    report.provenance = Some(provenance);
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
