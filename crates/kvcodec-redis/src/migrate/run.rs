//! [`Migration`]: one migrate, rollback or verify job, from the URL to the verified end.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use kvcodec::Engine;

use super::Direction;
use super::ValueTypes;
use super::checkpoint::{Checkpoint, CheckpointFile, NodeProgress};
use super::error::MigrateError;
use super::judge::Pass;
use super::outcome::{Expect, Notice, Observer, Outcome, Verification};
use super::pace::Pacer;
use super::slot_map::SlotMap;
use super::topology::{Node, Topology};
use super::walker::Walker;
use super::worker::{Shared, walk_all};

/// Default connect, read and write timeout of every connection.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// One migrate (compress), rollback (decompress) or verify job.
#[derive(Debug, Clone)]
pub struct Migration {
    /// Compresses with its writer and policy; decodes with its registry and size limit.
    pub engine: Arc<Engine>,
    /// Which way.
    pub direction: Direction,
    /// Which value types to compress (rollback and `expect plain` handle every type).
    pub types: ValueTypes,
    /// SCAN MATCH pattern.
    pub pattern: Option<String>,
    /// Keys per second at most, over all primaries together.
    pub rate: Option<f64>,
    /// Count what would change, change nothing, keep no checkpoint, verify nothing.
    pub dry_run: bool,
    /// SCAN COUNT hint, HSCAN/LRANGE chunk, keys between checkpoint saves.
    pub batch: usize,
    /// Where to save and resume from (`None`: no checkpoint).
    pub checkpoint: Option<PathBuf>,
    /// Connect, read and write timeout of every connection.
    pub timeout: Duration,
    /// The writer as the job string names it, when its codec name does not say all (the CLI
    /// gives `zstd:9 dictionary=3 min_size=32`: level, dictionary, minimum size). `None`:
    /// the codec's name. A checkpoint is resumed only by a run that writes the same way.
    pub target: Option<String>,
}

impl Migration {
    /// The job string a checkpoint must match.
    pub fn job(&self) -> String {
        let writer = match (&self.target, self.engine.writer()) {
            (Some(target), _) => format!(" {target}"),
            (None, Some(w)) => format!(" {}", w.name()),
            (None, None) => String::new(),
        };
        let what = match self.direction {
            Direction::Compress => format!("compress{writer}"),
            Direction::Recompress(_) => format!("recompress{writer}"),
            Direction::Decompress => "rollback".to_owned(),
        };
        let mut job = format!("{what} match={}", self.pattern.as_deref().unwrap_or("*"));
        if let Direction::Recompress(sources) = self.direction
            && sources != super::Sources::ALL
        {
            job.push_str(&format!(" from={sources}"));
        }
        if self.direction != Direction::Decompress && self.types != ValueTypes::STRINGS {
            job.push_str(&format!(" types={}", self.types));
        }
        job
    }

    /// The state this job promises.
    pub fn expect(&self) -> Expect {
        match self.direction {
            Direction::Compress => Expect::Compressed,
            Direction::Recompress(_) => Expect::Recompressed,
            Direction::Decompress => Expect::Plain,
        }
    }

    fn types(&self) -> ValueTypes {
        match self.direction {
            Direction::Compress | Direction::Recompress(_) => self.types,
            Direction::Decompress => ValueTypes::ALL,
        }
    }

    /// Checks the options (the one check of a run): the pacer of its `rate`.
    fn check(&self) -> Result<Arc<Pacer>, MigrateError> {
        if self.types() == ValueTypes::NONE {
            return Err(MigrateError::Option("no value type chosen".into()));
        }
        check_options(self.pattern.as_deref(), self.rate).map(Arc::new)
    }

    fn walkers(&self, nodes: Vec<Node>, cp: &Checkpoint) -> Vec<Walker> {
        nodes
            .into_iter()
            .map(|node| {
                let p = cp.nodes.get(&node.addr).cloned().unwrap_or_default();
                let mut w = Walker::new(node, p.cursor, self.pattern.clone(), self.batch);
                w.done = p.done;
                w.types = self.types();
                w
            })
            .collect()
    }

    /// Rewrites every value of every primary behind `url`, then verifies the keyspace is in
    /// the promised state (fixing what changed meanwhile). `stop` ends the run after the
    /// current key, with the checkpoint saved.
    pub fn run(
        &self,
        url: &str,
        stop: Arc<AtomicBool>,
        observer: Arc<dyn Observer>,
    ) -> Result<Outcome, MigrateError> {
        let pacer = self.check()?;
        let topology = Topology::discover(url, self.timeout)?;
        let nodes = topology.connect()?;
        self.rewrite(&topology, nodes, pacer, stop, observer)
    }

    /// [`run`](Self::run) on the primaries of `topology`, already connected
    /// ([`Topology::connect`]).
    pub fn run_on(
        &self,
        topology: &Topology,
        nodes: Vec<Node>,
        stop: Arc<AtomicBool>,
        observer: Arc<dyn Observer>,
    ) -> Result<Outcome, MigrateError> {
        let pacer = self.check()?;
        self.rewrite(topology, nodes, pacer, stop, observer)
    }

    fn rewrite(
        &self,
        topology: &Topology,
        mut nodes: Vec<Node>,
        pacer: Arc<Pacer>,
        stop: Arc<AtomicBool>,
        observer: Arc<dyn Observer>,
    ) -> Result<Outcome, MigrateError> {
        let file = match (&self.checkpoint, self.dry_run) {
            (Some(path), false) => Some(CheckpointFile::new(path)),
            _ => None,
        };
        let saved = match &file {
            Some(f) => f.load(&self.job())?,
            None => None,
        };
        let resumed = saved.is_some();
        if let (Some(f), true) = (&file, resumed) {
            observer.notice(&Notice::Resuming {
                path: f.path().to_owned(),
            });
        }
        let start = settled_map(topology, &mut nodes)?;
        let mut cp = saved.unwrap_or_else(|| Checkpoint {
            job: self.job(),
            ..Checkpoint::default()
        });
        cp.nodes = progress(&cp, &nodes, resumed, &*observer);
        // Fails here, before any value is rewritten, if the checkpoint cannot be written.
        if let Some(f) = &file {
            f.save(&cp)?;
        }
        let (nodes, total) = total_keys(nodes)?;
        let walkers = self.walkers(nodes, &cp);
        let pass = Pass::Rewrite { dry: self.dry_run };
        let shared = Shared::new(
            self,
            pass,
            &stop,
            &observer,
            pacer.clone(),
            cp,
            total,
            file.clone(),
        );
        let walked = walk_all(&shared, walkers);
        let cp = shared.cp.lock().unwrap_or_else(|e| e.into_inner()).clone();
        if let Some(f) = &file {
            f.save(&cp)?;
        }
        let walked = walked?;
        let mut outcome = Outcome {
            summary: cp.summary(),
            completed: walked.completed,
            resumed,
            verification: None,
        };
        if !walked.completed {
            return Ok(outcome);
        }
        let mut nodes = walked.nodes;
        unchanged(topology, &mut nodes, &start)?;
        if self.dry_run {
            return Ok(outcome);
        }
        observer.notice(&Notice::Verifying);
        let verification =
            self.verify_pass(topology, nodes, &stop, &observer, pacer, true, total)?;
        outcome.completed = verification.is_some();
        outcome.verification = verification;
        if let (Some(f), true) = (&file, outcome.completed) {
            f.remove()?;
        }
        Ok(outcome)
    }

    /// Checks, writing nothing, that every value behind `url` is in the state this job
    /// promises. `None` if stopped.
    pub fn verify(
        &self,
        url: &str,
        stop: Arc<AtomicBool>,
        observer: Arc<dyn Observer>,
    ) -> Result<Option<Verification>, MigrateError> {
        let pacer = self.check()?;
        let topology = Topology::discover(url, self.timeout)?;
        let nodes = topology.connect()?;
        let (nodes, total) = total_keys(nodes)?;
        self.verify_pass(&topology, nodes, &stop, &observer, pacer, false, total)
    }

    /// [`verify`](Self::verify) on the primaries of `topology`, already connected.
    pub fn verify_on(
        &self,
        topology: &Topology,
        nodes: Vec<Node>,
        stop: Arc<AtomicBool>,
        observer: Arc<dyn Observer>,
    ) -> Result<Option<Verification>, MigrateError> {
        let pacer = self.check()?;
        let (nodes, total) = total_keys(nodes)?;
        self.verify_pass(topology, nodes, &stop, &observer, pacer, false, total)
    }

    /// One verification pass over `nodes`, failing if the slot map changed meanwhile.
    #[allow(clippy::too_many_arguments)]
    fn verify_pass(
        &self,
        topology: &Topology,
        mut nodes: Vec<Node>,
        stop: &Arc<AtomicBool>,
        observer: &Arc<dyn Observer>,
        pacer: Arc<Pacer>,
        fix: bool,
        total: u64,
    ) -> Result<Option<Verification>, MigrateError> {
        let start = settled_map(topology, &mut nodes)?;
        let mut cp = Checkpoint::default();
        for node in &nodes {
            cp.nodes
                .insert(node.addr.clone(), NodeProgress::start(node));
        }
        let walkers = self.walkers(nodes, &cp);
        let pass = Pass::Verify {
            fix: fix && !self.dry_run,
        };
        let shared = Shared::new(self, pass, stop, observer, pacer, cp, total, None);
        let walked = walk_all(&shared, walkers)?;
        if !walked.completed {
            return Ok(None);
        }
        let mut nodes = walked.nodes;
        unchanged(topology, &mut nodes, &start)?;
        Ok(Some(Verification::of(self.expect(), walked.summary)))
    }
}

/// Checks `--match` and `--rate` (before anything connects): the pacer of `rate`.
pub fn check_options(pattern: Option<&str>, rate: Option<f64>) -> Result<Pacer, MigrateError> {
    if pattern == Some("") {
        return Err(MigrateError::Option(
            "--match '': expected a glob pattern (an empty one matches no key; `*` matches all)"
                .into(),
        ));
    }
    Pacer::new(rate)
}

/// The slot map as a pass starts: no slot on the move, and the primaries of `nodes` serving
/// the slots they served when they were found.
fn settled_map(topology: &Topology, nodes: &mut [Node]) -> Result<SlotMap, MigrateError> {
    let map = topology.slot_map(nodes)?;
    if let Some(detail) = map.unsettled() {
        return Err(MigrateError::SlotMapChanged { detail });
    }
    let found = SlotMap {
        owners: nodes
            .iter()
            .map(|n| (n.addr.clone(), n.slots.clone()))
            .collect(),
        ..SlotMap::default()
    };
    let now = SlotMap {
        owners: map.owners.clone(),
        ..SlotMap::default()
    };
    if topology.cluster
        && let Some(detail) = now.changes_since(&found)
    {
        return Err(MigrateError::SlotMapChanged { detail });
    }
    Ok(map)
}

/// Fails if the slot map now differs from `start`.
fn unchanged(topology: &Topology, nodes: &mut [Node], start: &SlotMap) -> Result<(), MigrateError> {
    match topology.slot_map(nodes)?.changes_since(start) {
        Some(detail) => Err(MigrateError::SlotMapChanged { detail }),
        None => Ok(()),
    }
}

/// Each node's saved progress, or a fresh start (announced when resuming) when there is none
/// or it came from another server process, db, slot set or config epoch.
fn progress(
    cp: &Checkpoint,
    nodes: &[Node],
    resumed: bool,
    observer: &dyn Observer,
) -> BTreeMap<String, NodeProgress> {
    let mut out = BTreeMap::new();
    for node in nodes {
        let fresh = NodeProgress::start(node);
        let p = match cp.nodes.get(&node.addr) {
            Some(p) => match p.mismatch(node) {
                None => p.clone(),
                Some(why) => {
                    let node = node.addr.clone();
                    observer.notice(&Notice::Rescan { node, why });
                    fresh
                }
            },
            None if resumed => {
                let why = "the checkpoint has no cursor of this server process".to_owned();
                let node = node.addr.clone();
                observer.notice(&Notice::Rescan { node, why });
                fresh
            }
            None => fresh,
        };
        out.insert(node.addr.clone(), p);
    }
    out
}

/// The nodes and the sum of their `DBSIZE`.
fn total_keys(mut nodes: Vec<Node>) -> Result<(Vec<Node>, u64), MigrateError> {
    let mut total = 0u64;
    for node in &mut nodes {
        total += redis::cmd("DBSIZE")
            .query::<u64>(&mut node.con)
            .map_err(MigrateError::node(&node.addr))?;
    }
    Ok((nodes, total))
}
