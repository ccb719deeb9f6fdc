//! One thread per primary: walks its batches, decides and rewrites each value, records the
//! batch in the shared checkpoint. [`walk_all`] runs them in parallel and waits.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use redis::Connection;

use super::Direction;
use super::budget::{BigValue, GROUP_BYTES};
use super::cas::{self, At, Cas, Replace, Swap};
use super::checkpoint::{Checkpoint, CheckpointFile, NodeProgress};
use super::error::MigrateError;
use super::judge::{self, Pass, Verdict};
use super::outcome::Observer;
use super::pace::Pacer;
use super::reason::{Progress, Reason, Summary};
use super::recompress;
use super::run::Migration;
use super::topology::Node;
use super::walker::{Visit, Walker};

/// After a stop or a failure, how long the other threads get to finish their key before the
/// run returns without them (a thread blocked on a frozen server ends at its timeout).
pub const GRACE: Duration = Duration::from_secs(1);

/// How often a verification that fixes values tries a value that keeps changing.
const ATTEMPTS: usize = 4;

/// What the threads of one pass share.
pub(crate) struct Shared {
    pub m: Migration,
    pub pass: Pass,
    pub stop: Arc<AtomicBool>,
    pub abort: AtomicBool,
    /// Set when [`walk_all`] returns: a thread still running after that saves nothing.
    pub closed: AtomicBool,
    pub pacer: Arc<Pacer>,
    pub observer: Arc<dyn Observer>,
    pub cp: Mutex<Checkpoint>,
    pub file: Option<CheckpointFile>,
    pub keys: AtomicU64,
    pub rewritten: AtomicU64,
    pub skipped: AtomicU64,
    pub total: u64,
}

impl Shared {
    /// The shared state of one pass; in a writing pass, `file` is saved after every batch.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        m: &Migration,
        pass: Pass,
        stop: &Arc<AtomicBool>,
        observer: &Arc<dyn Observer>,
        pacer: Arc<Pacer>,
        cp: Checkpoint,
        total: u64,
        file: Option<CheckpointFile>,
    ) -> Arc<Shared> {
        let so_far = cp.summary();
        Arc::new(Shared {
            m: m.clone(),
            pass,
            stop: stop.clone(),
            abort: AtomicBool::new(false),
            closed: AtomicBool::new(false),
            pacer,
            observer: observer.clone(),
            keys: AtomicU64::new(so_far.keys_scanned),
            rewritten: AtomicU64::new(so_far.rewritten),
            skipped: AtomicU64::new(so_far.skipped.values().sum()),
            cp: Mutex::new(cp),
            file: file.filter(|_| pass == Pass::Rewrite { dry: false }),
            total,
        })
    }

    fn halted(&self) -> bool {
        self.stop.load(Ordering::Relaxed) || self.abort.load(Ordering::Relaxed)
    }

    fn progress(&self) -> Progress {
        Progress {
            keys_scanned: self.keys.load(Ordering::Relaxed),
            rewritten: self.rewritten.load(Ordering::Relaxed),
            skipped: self.skipped.load(Ordering::Relaxed),
            total: self.total,
        }
    }

    /// Records a completed batch of `walker` and, in a writing pass, saves the checkpoint —
    /// unless the pass has returned (a thread left behind after a stop or a failure must
    /// not overwrite what the run saved).
    fn batch_done(&self, walker: &Walker, s: &Summary) -> Result<(), MigrateError> {
        let mut cp = self.cp.lock().unwrap_or_else(|e| e.into_inner());
        if self.closed.load(Ordering::Relaxed) {
            return Ok(());
        }
        let node = &walker.node;
        let p = cp
            .nodes
            .entry(node.addr.clone())
            .or_insert_with(|| NodeProgress::start(node));
        p.summary.add(s);
        p.cursor = walker.cursor;
        p.done = walker.done;
        match &self.file {
            Some(file) => file.save(&cp),
            None => Ok(()),
        }
    }
}

/// The visitor of one thread.
struct Rewriter<'a> {
    shared: &'a Shared,
    node: String,
    cas: Cas,
    s: Summary,
    /// The figures before the list being walked.
    mark: Summary,
    /// Compare-and-sets that found their value changed.
    changes: u64,
}

impl Rewriter<'_> {
    fn skip(&mut self, reason: Reason) {
        self.s.skip(reason);
        self.shared.skipped.fetch_add(1, Ordering::Relaxed);
    }

    /// Counts one value rewritten from `source` (by source only when recompressing).
    fn rewritten(&mut self, source: Option<&str>, before: usize, after: usize) {
        self.s.rewritten += 1;
        self.s.bytes_before += before as u64;
        self.s.bytes_after += after as u64;
        if let Some(source) = source {
            self.s.rewritten_from(source, before as u64, after as u64);
        }
        self.shared.rewritten.fetch_add(1, Ordering::Relaxed);
    }

    /// A compare-and-set found the value changed. A list element is not counted: its list
    /// is walked again (and counted `changed` if it keeps changing).
    fn changed(&mut self, at: &At) {
        self.changes += 1;
        if !matches!(at, At::Index(_)) {
            self.skip(Reason::Changed);
        }
    }

    /// The verdict on `value`, with the big-value permit when deciding or rewriting it may
    /// take more than [`GROUP_BYTES`] (a compressed value that decodes to more).
    fn judge(&self, value: &[u8]) -> Result<(Verdict, Option<BigValue>), MigrateError> {
        let (engine, direction) = (&self.shared.m.engine, self.shared.m.direction);
        if !BigValue::held()
            && let Some(verdict) = judge::judge_within(engine, direction, value, GROUP_BYTES)?
        {
            return Ok((verdict, None));
        }
        let permit = BigValue::take();
        Ok((judge::judge(engine, direction, value)?, Some(permit)))
    }

    /// The source label of `old`, when the run counts by source (a recompression).
    fn source(&self, old: &[u8]) -> Option<String> {
        matches!(self.shared.m.direction, Direction::Recompress(_))
            .then(|| recompress::source_label(old).into_owned())
    }

    fn swap(&self, con: &mut Connection, r: Replace<'_>) -> Result<Swap, MigrateError> {
        self.cas
            .swap(con, r)
            .map_err(MigrateError::node(&self.node))
    }

    /// The rewrite pass: rewrite a value not in the promised state (count it, in a dry run).
    fn rewrite(
        &mut self,
        con: &mut Connection,
        key: &[u8],
        at: At,
        old: Vec<u8>,
        dry: bool,
    ) -> Result<(), MigrateError> {
        let (verdict, _permit) = self.judge(&old)?;
        match verdict {
            Verdict::Keep(reason) => self.skip(reason),
            Verdict::Rewrite(new) => {
                let (before, source) = (old.len(), self.source(&old));
                let r = Replace::new(key, &at, old, &new);
                if dry || self.swap(con, r)? == Swap::Done {
                    self.rewritten(source.as_deref(), before, new.len());
                } else {
                    self.changed(&at);
                }
            }
        }
        Ok(())
    }

    /// A verification: a value in the promised state is counted by its reason; one that is
    /// not is rewritten (`fix`, retrying a string or hash value that keeps changing) or
    /// counted `undone`. A list element is never retried in place: another element may have
    /// taken its position; its list is walked again instead.
    fn verify(
        &mut self,
        con: &mut Connection,
        key: &[u8],
        at: At,
        mut old: Vec<u8>,
        fix: bool,
    ) -> Result<(), MigrateError> {
        let mut permits = Vec::new();
        for _ in 0..ATTEMPTS {
            let (verdict, permit) = self.judge(&old)?;
            permits.push(permit);
            let new = match verdict {
                Verdict::Keep(reason) => {
                    self.skip(reason);
                    return Ok(());
                }
                Verdict::Rewrite(_) if !fix => {
                    self.skip(Reason::Undone);
                    return Ok(());
                }
                Verdict::Rewrite(new) => new,
            };
            let (before, source) = (old.len(), self.source(&old));
            let r = Replace::new(key, &at, old, &new);
            if self.swap(con, r)? == Swap::Done {
                self.rewritten(source.as_deref(), before, new.len());
                return Ok(());
            }
            drop(new);
            if let At::Index(_) = at {
                self.changed(&at);
                return Ok(());
            }
            old = match cas::read(con, key, &at) {
                Ok(Some((v, permit))) => {
                    permits.push(permit);
                    v
                }
                Ok(None) => {
                    self.skip(Reason::Vanished);
                    return Ok(());
                }
                Err(e) if e.code() == Some("WRONGTYPE") => {
                    self.skip(Reason::TypeChanged);
                    return Ok(());
                }
                Err(e) => return Err(MigrateError::node(&self.node)(e)),
            };
        }
        self.skip(Reason::Changed);
        Ok(())
    }
}

impl Visit for Rewriter<'_> {
    fn begin_key(&mut self) -> bool {
        let shared = self.shared;
        if shared.halted() || !shared.pacer.wait(&|| shared.halted()) {
            return false;
        }
        self.s.keys_scanned += 1;
        shared.keys.fetch_add(1, Ordering::Relaxed);
        shared.observer.progress(&shared.progress());
        true
    }

    fn skip_key(&mut self, reason: Reason) {
        self.skip(reason);
    }

    fn peek(&mut self, prefix: &[u8], len: u64) -> bool {
        match judge::peek(self.shared.m.direction, prefix, len) {
            Some(reason) => {
                self.s.values_seen += 1;
                self.skip(reason);
                false
            }
            None => true,
        }
    }

    fn value(
        &mut self,
        con: &mut Connection,
        key: &[u8],
        at: At,
        old: Vec<u8>,
    ) -> Result<(), MigrateError> {
        self.s.values_seen += 1;
        let _permit = BigValue::for_len(old.len() as u64);
        match self.shared.pass {
            Pass::Verify { fix } => self.verify(con, key, at, old, fix),
            Pass::Rewrite { dry } => self.rewrite(con, key, at, old, dry),
        }
    }

    fn list_walk(&mut self, attempt: usize) {
        if attempt == 0 {
            self.mark = self.s.clone();
            return;
        }
        let mut s = self.mark.clone();
        s.rewritten += self.s.rewritten - self.mark.rewritten;
        s.bytes_before += self.s.bytes_before - self.mark.bytes_before;
        s.bytes_after += self.s.bytes_after - self.mark.bytes_after;
        // Only rewrites add to `by_source`, and rewrites are kept: keep it as it is.
        s.by_source = std::mem::take(&mut self.s.by_source);
        self.mark = s.clone();
        self.s = s;
    }

    fn changes(&self) -> u64 {
        self.changes
    }
}

/// One thread's walk: batches until done, stopped or failed. Gives the node back.
fn work(shared: &Shared, mut walker: Walker) -> (Node, Result<Summary, MigrateError>) {
    let mut rw = Rewriter {
        shared,
        node: walker.node.addr.clone(),
        cas: Cas::default(),
        s: Summary::default(),
        mark: Summary::default(),
        changes: 0,
    };
    let mut total = Summary::default();
    let result = loop {
        if walker.done {
            break Ok(());
        }
        rw.s = Summary::default();
        match walker.batch(&mut rw) {
            Ok(true) => {
                total.add(&rw.s);
                if let Err(e) = shared.batch_done(&walker, &rw.s) {
                    break Err(e);
                }
            }
            Ok(false) => break Ok(()),
            Err(e) => break Err(e),
        }
    };
    (walker.node, result.map(|()| total))
}

/// What the threads of a pass left.
pub(crate) struct Walked {
    /// Nodes given back (all of them unless a thread is still blocked).
    pub nodes: Vec<Node>,
    /// Figures of this pass (this run's batches only).
    pub summary: Summary,
    /// Every node's walk completed.
    pub completed: bool,
}

/// Walks every walker on its own thread; waits for all of them, or, after a stop or a
/// failure, at most [`GRACE`] more. The first failure is returned.
pub(crate) fn walk_all(shared: &Arc<Shared>, walkers: Vec<Walker>) -> Result<Walked, MigrateError> {
    let (tx, rx) = mpsc::channel();
    let mut out = Walked {
        nodes: Vec::new(),
        summary: Summary::default(),
        completed: true,
    };
    let mut pending = 0;
    for walker in walkers {
        if walker.done {
            out.nodes.push(walker.node);
            continue;
        }
        pending += 1;
        let (tx, shared) = (tx.clone(), shared.clone());
        std::thread::spawn(move || {
            let result = work(&shared, walker);
            let _ = tx.send(result);
        });
    }
    let mut failure = None;
    let mut deadline: Option<Instant> = None;
    while pending > 0 {
        if let Ok((node, result)) = rx.recv_timeout(Duration::from_millis(20)) {
            pending -= 1;
            match result {
                Ok(s) => out.summary.add(&s),
                Err(e) => {
                    shared.abort.store(true, Ordering::Relaxed);
                    failure.get_or_insert(e);
                }
            }
            out.nodes.push(node);
        }
        if shared.halted() {
            let at = *deadline.get_or_insert_with(|| Instant::now() + GRACE);
            if Instant::now() >= at {
                break;
            }
        }
    }
    let cp = shared.cp.lock().unwrap_or_else(|e| e.into_inner());
    shared.closed.store(true, Ordering::Relaxed);
    if let Some(e) = failure {
        return Err(e);
    }
    out.completed = pending == 0 && cp.nodes.values().all(|p| p.done);
    Ok(out)
}
