//! `kvcodec migrate` and `kvcodec rollback`: rewrite the values of a live server in place,
//! plain → compressed or compressed → plain, without losing a concurrent write.
//!
//! Both scan every primary with SCAN (never KEYS), handle strings, hash values and list
//! elements one by one with a compare-and-set script (a value written meanwhile is left
//! alone and counted as `changed`), keep TTLs, skip kvcodec's own `kvcodec:` keys, and save a
//! checkpoint after every batch. Ctrl-C or SIGTERM stops after the current key with exit code
//! 130; the same command resumes. A completed run removes its checkpoint, so running it again
//! starts over (and rewrites nothing that is already done).

use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;

use kvcodec::{CodecId, Engine, OnCorrupt};
use kvcodec_redis::migrate::{Direction, MigrateError, Migration};

use crate::backends::CodecSpec;
use crate::checkpoint_file;
use crate::commands::{check_min_size, write_out};
use crate::error::CliError;
use crate::interrupt;
use crate::progress::Progress;
use crate::run_report::RunReport;
use crate::server::ServerUrl;

/// Options shared by `migrate` and `rollback`.
#[derive(Debug, Clone, clap::Args)]
pub struct RunArgs {
    /// Server URL: `redis://[user:password@]host[:port][/db]`. For a cluster, any node: every
    /// primary is scanned.
    #[arg(long, value_name = "URL")]
    pub url: String,
    /// Only keys matching this glob pattern (SCAN MATCH), e.g. `user:*`.
    #[arg(long = "match", value_name = "PATTERN")]
    pub pattern: Option<String>,
    /// At most this many keys per second (default: as fast as the server answers).
    #[arg(long, value_name = "KEYS_PER_S")]
    pub rate: Option<f64>,
    /// Count what would be rewritten; write nothing, keep no checkpoint.
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
    /// Scan, pacing and checkpoint options.
    #[command(flatten)]
    pub run: RunArgs,
}

/// Arguments of `kvcodec rollback`.
#[derive(Debug, Clone, clap::Args)]
pub struct RollbackArgs {
    /// Largest decoded value; a larger one is left compressed and counted as `undecodable`.
    #[arg(long, value_name = "BYTES", default_value_t = kvcodec::DEFAULT_MAX_DECOMPRESSED_SIZE)]
    pub max_size: usize,
    /// Scan, pacing and checkpoint options.
    #[command(flatten)]
    pub run: RunArgs,
}

/// `kvcodec migrate`.
pub fn migrate(args: &MigrateArgs, out: &mut dyn Write) -> Result<(), CliError> {
    let spec = CodecSpec::parse(&args.to)?;
    check_min_size(args.min_size)?;
    let server = ServerUrl::parse(&args.run.url)?;
    args.run.check()?;
    let engine = match args.dictionary {
        None => {
            server.probe()?;
            spec.engine(args.min_size)?
        }
        Some(id) => {
            if spec.backend.id != CodecId::ZSTD {
                return Err(CliError::usage(format!(
                    "--dictionary needs a zstd codec, found --to {spec}"
                )));
            }
            let mut con = server.connect()?;
            let level = spec
                .effective_level()
                .unwrap_or(kvcodec_zstd::DEFAULT_LEVEL);
            let codec = server.zstd_codec(&mut *con, level, Some(id))?;
            Engine::builder()
                .policy(spec.config(args.min_size).policy())
                .codec(codec)
                .and_then(|b| b.build())
                .map_err(|e| CliError::usage(e.to_string()))?
        }
    };
    execute(
        "migrate",
        Direction::Compress,
        engine,
        &server,
        &args.run,
        out,
    )
}

/// `kvcodec rollback`.
pub fn rollback(args: &RollbackArgs, out: &mut dyn Write) -> Result<(), CliError> {
    let server = ServerUrl::parse(&args.run.url)?;
    args.run.check()?;
    let mut con = server.connect()?;
    let engine = server.reader(&mut *con, args.max_size.max(1), OnCorrupt::ReturnStored)?;
    execute(
        "rollback",
        Direction::Decompress,
        engine,
        &server,
        &args.run,
        out,
    )
}

impl RunArgs {
    fn check(&self) -> Result<(), CliError> {
        match self.rate {
            Some(r) if !(r.is_finite() && r > 0.0) => Err(CliError::usage(format!(
                "--rate {r}: expected a positive number of keys per second"
            ))),
            _ => Ok(()),
        }
    }
}

fn execute(
    command: &'static str,
    direction: Direction,
    engine: Engine,
    server: &ServerUrl,
    args: &RunArgs,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let mut migration = Migration {
        engine: Arc::new(engine),
        direction,
        pattern: args.pattern.clone(),
        rate: args.rate,
        dry_run: args.dry_run,
        batch: args.batch as usize,
        checkpoint: None,
    };
    let job = migration.job();
    if !args.dry_run {
        let path = args
            .checkpoint
            .clone()
            .unwrap_or_else(|| checkpoint_file::default_path(command, server, &job));
        migration.checkpoint = Some(path);
    }
    let resumed = match &migration.checkpoint {
        Some(path) => checkpoint_file::resumes(path, &job)?,
        None => false,
    };
    let stop = interrupt::stop_flag()?;
    let mut progress = Progress::new(&format!("{command} {}", spec_label(&migration)), args.quiet);
    let outcome = migration.run(&server.url, &stop, &mut |s, total| {
        progress.update(s, total)
    });
    progress.finish();
    let outcome = outcome.map_err(|e| migrate_error(server, e))?;
    if let (true, Some(path)) = (outcome.completed, &migration.checkpoint) {
        match std::fs::remove_file(path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                eprintln!(
                    "kvcodec: warning: cannot remove the checkpoint {}: {e}",
                    path.display()
                );
            }
            _ => {}
        }
    }
    let report = RunReport::new(
        command,
        job,
        server.addr(),
        args.dry_run,
        outcome.completed,
        migration.checkpoint.clone(),
        resumed,
        outcome.summary,
    );
    let text = if args.json {
        serde_json::to_string_pretty(&report)
            .map(|s| s + "\n")
            .map_err(|e| CliError::failure(format!("cannot format JSON: {e}")))?
    } else {
        report.render()
    };
    write_out(out, text.as_bytes())?;
    if report.completed {
        return Ok(());
    }
    let keys = report.summary.keys_scanned;
    Err(CliError::stopped(match &migration.checkpoint {
        Some(path) => format!(
            "stopped after {keys} keys; progress saved to {}; resume with the same command",
            path.display()
        ),
        None => format!("stopped after {keys} keys (dry run: nothing written, nothing saved)"),
    }))
}

/// `zstd:3` for a migration, `every codec` for a rollback.
fn spec_label(m: &Migration) -> String {
    match (m.direction, m.engine.writer()) {
        (Direction::Compress, Some(w)) => w.name().to_owned(),
        _ => "every codec".to_owned(),
    }
}

fn migrate_error(server: &ServerUrl, e: MigrateError) -> CliError {
    match e {
        MigrateError::Redis(e) => server.error("migration failed", &e),
        MigrateError::OtherJob { .. } => CliError::usage(e.to_string()),
        MigrateError::Checkpoint { path, source } => CliError::usage(format!(
            "cannot use the checkpoint {}: {}",
            path.display(),
            source
                .to_string()
                .replace(&format!("checkpoint {}: ", path.display()), "")
        )),
        other => CliError::failure(other.to_string()),
    }
}
