//! The scan-and-rewrite loop.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use kvcodec::Engine;
use redis::RedisError;

use super::cas::{Cas, Swap};
use super::nodes::{Node, primaries};
use super::{Checkpoint, Direction, Step, Summary, step};

/// One hash field and its value, as HSCAN returns them.
type FieldValue = (Vec<u8>, Vec<u8>);

/// Why a run could not go on.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MigrateError {
    /// The server refused or the connection failed.
    #[error("server: {0}")]
    Redis(#[from] RedisError),
    /// The checkpoint file could not be read or written.
    #[error("checkpoint {path}: {source}")]
    Checkpoint {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        source: std::io::Error,
    },
    /// The checkpoint belongs to another job.
    #[error("checkpoint {path} is for job `{found}`, expected `{expected}`; use another file")]
    OtherJob {
        /// The file.
        path: PathBuf,
        /// This run's job.
        expected: String,
        /// The checkpoint's job.
        found: String,
    },
    /// The engine failed to compress a value.
    #[error(transparent)]
    Codec(#[from] kvcodec::Error),
}

/// One migrate or rollback run.
#[derive(Debug, Clone)]
pub struct Migration {
    /// Compresses with its writer and policy; decodes with its registry.
    pub engine: Arc<Engine>,
    /// Which way.
    pub direction: Direction,
    /// SCAN MATCH pattern.
    pub pattern: Option<String>,
    /// Keys per second at most.
    pub rate: Option<f64>,
    /// Count what would change, change nothing.
    pub dry_run: bool,
    /// SCAN COUNT hint, and the checkpoint interval.
    pub batch: usize,
    /// Where to save and resume from.
    pub checkpoint: Option<PathBuf>,
}

/// How a run ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// Figures, including those of earlier runs resumed from the checkpoint.
    pub summary: Summary,
    /// `false` if stopped before every node was scanned.
    pub completed: bool,
}

impl Migration {
    /// The job string a checkpoint must match.
    pub fn job(&self) -> String {
        let what = match (self.direction, self.engine.writer()) {
            (Direction::Compress, Some(w)) => format!("compress {}", w.name()),
            (Direction::Compress, None) => "compress".to_owned(),
            (Direction::Decompress, _) => "rollback".to_owned(),
        };
        format!("{what} match={}", self.pattern.as_deref().unwrap_or("*"))
    }

    fn load(&self) -> Result<Checkpoint, MigrateError> {
        let Some(path) = &self.checkpoint else {
            return Ok(Checkpoint {
                job: self.job(),
                ..Checkpoint::default()
            });
        };
        let cp = Checkpoint::load(path)
            .map_err(|source| MigrateError::Checkpoint {
                path: path.clone(),
                source,
            })?
            .unwrap_or_else(|| Checkpoint {
                job: self.job(),
                ..Checkpoint::default()
            });
        if cp.job != self.job() {
            return Err(MigrateError::OtherJob {
                path: path.clone(),
                expected: self.job(),
                found: cp.job,
            });
        }
        Ok(cp)
    }

    fn save(&self, cp: &Checkpoint) -> Result<(), MigrateError> {
        match &self.checkpoint {
            Some(path) if !self.dry_run => {
                cp.save(path).map_err(|source| MigrateError::Checkpoint {
                    path: path.clone(),
                    source,
                })
            }
            _ => Ok(()),
        }
    }

    /// Scans every primary behind `url` and rewrites values. `stop` is checked between keys;
    /// `progress` is called after each key with the figures and the estimated key total.
    pub fn run(
        &self,
        url: &str,
        stop: &AtomicBool,
        progress: &mut dyn FnMut(&Summary, u64),
    ) -> Result<Outcome, MigrateError> {
        let mut nodes = primaries(url)?;
        let mut cp = self.load()?;
        let mut total = 0u64;
        for node in &mut nodes {
            total += redis::cmd("DBSIZE").query::<u64>(&mut node.con)?;
        }
        let cas = Cas::default();
        let mut pace = Pace::new(self.rate);
        for node in &mut nodes {
            if cp.done.contains(&node.addr) {
                continue;
            }
            let mut cursor = cp.cursors.get(&node.addr).copied().unwrap_or(0);
            loop {
                let mut scan = redis::cmd("SCAN");
                scan.arg(cursor);
                if let Some(p) = &self.pattern {
                    scan.arg("MATCH").arg(p);
                }
                let (next, keys): (u64, Vec<Vec<u8>>) =
                    scan.arg("COUNT").arg(self.batch).query(&mut node.con)?;
                let mut batch = cp.summary.clone();
                for key in keys {
                    if stop.load(Ordering::Relaxed) {
                        self.save(&cp)?;
                        return Ok(Outcome {
                            summary: cp.summary,
                            completed: false,
                        });
                    }
                    pace.wait();
                    batch.keys_scanned += 1;
                    if key.starts_with(crate::dictionaries::RESERVED_PREFIX) {
                        batch.skip("reserved_key");
                    } else {
                        self.key(node, &cas, &key, &mut batch)?;
                    }
                    progress(&batch, total);
                }
                cp.summary = batch;
                if next == 0 {
                    cp.cursors.remove(&node.addr);
                    cp.done.push(node.addr.clone());
                    self.save(&cp)?;
                    break;
                }
                cursor = next;
                cp.cursors.insert(node.addr.clone(), cursor);
                self.save(&cp)?;
            }
        }
        Ok(Outcome {
            summary: cp.summary,
            completed: true,
        })
    }

    fn key(
        &self,
        node: &mut Node,
        cas: &Cas,
        key: &[u8],
        s: &mut Summary,
    ) -> Result<(), MigrateError> {
        let con = &mut node.con;
        let kind: String = redis::cmd("TYPE").arg(key).query(con)?;
        match kind.as_str() {
            "string" => {
                let Some(old): Option<Vec<u8>> = redis::cmd("GET").arg(key).query(con)? else {
                    s.skip("vanished");
                    return Ok(());
                };
                self.value(s, &old, |new| cas.string(con, key, &old, new))?;
            }
            "hash" => {
                let mut cursor = 0u64;
                loop {
                    let (next, pairs): (u64, Vec<FieldValue>) = redis::cmd("HSCAN")
                        .arg(key)
                        .arg(cursor)
                        .arg("COUNT")
                        .arg(self.batch)
                        .query(con)?;
                    for (field, old) in pairs {
                        self.value(s, &old, |new| cas.hash(con, key, &field, &old, new))?;
                    }
                    if next == 0 {
                        break;
                    }
                    cursor = next;
                }
            }
            "list" => {
                let len: i64 = redis::cmd("LLEN").arg(key).query(con)?;
                let step = self.batch.max(1) as i64;
                for start in (0..len).step_by(step as usize) {
                    let chunk: Vec<Vec<u8>> = redis::cmd("LRANGE")
                        .arg(key)
                        .arg(start)
                        .arg(start + step - 1)
                        .query(con)?;
                    for (i, old) in chunk.into_iter().enumerate() {
                        let index = start + i as i64;
                        self.value(s, &old, |new| cas.list(con, key, index, &old, new))?;
                    }
                }
            }
            "none" => s.skip("vanished"),
            _ => s.skip("unsupported_type"),
        }
        Ok(())
    }

    /// Decides about one value and, unless dry, swaps it in.
    fn value(
        &self,
        s: &mut Summary,
        old: &[u8],
        swap: impl FnOnce(&[u8]) -> redis::RedisResult<Swap>,
    ) -> Result<(), MigrateError> {
        s.values_seen += 1;
        match step(&self.engine, self.direction, old)? {
            Step::Skip(reason) => s.skip(reason),
            Step::Rewrite(new) => {
                if self.dry_run || swap(&new)? == Swap::Done {
                    s.rewritten += 1;
                    s.bytes_before += old.len() as u64;
                    s.bytes_after += new.len() as u64;
                } else {
                    s.skip("changed");
                }
            }
        }
        Ok(())
    }
}

/// Spaces keys `1/rate` seconds apart.
struct Pace {
    every: Option<Duration>,
    next: Instant,
}

impl Pace {
    fn new(rate: Option<f64>) -> Self {
        Pace {
            every: rate
                .filter(|r| *r > 0.0)
                .map(|r| Duration::from_secs_f64(1.0 / r)),
            next: Instant::now(),
        }
    }

    fn wait(&mut self) {
        if let Some(every) = self.every {
            let now = Instant::now();
            if self.next > now {
                std::thread::sleep(self.next - now);
            }
            self.next = self.next.max(now) + every;
        }
    }
}
