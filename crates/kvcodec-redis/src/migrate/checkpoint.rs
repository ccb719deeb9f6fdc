//! Where a run stopped: per primary, its identity (`run_id`, db, slots, config epoch), its SCAN
//! cursor and its figures so far. Saved after every batch — a unique temporary file, fsync, rename — so
//! a run stopped by Ctrl-C, `kill -9` or a crash resumes where it was; removed when the run
//! completes.
//!
//! A SCAN cursor means something only to the server process that returned it, in that
//! database: on resume, a node whose `run_id`, db, slots or config epoch differ from the saved
//! ones (a restart, another `/db` in the URL, a resharding) is scanned again from cursor 0,
//! and its figures start again from zero (so keys are not counted twice).

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use serde::{Deserialize, Serialize};

use super::error::MigrateError;
use super::reason::Summary;
use super::topology::Node;

/// Saved state of one run.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Checkpoint {
    /// What the run does (`compress zstd:3 match=*`, `rollback match=*`); a resume must match.
    pub job: String,
    /// Progress of each primary, by `host:port`.
    pub nodes: BTreeMap<String, NodeProgress>,
}

impl Checkpoint {
    /// Figures of the batches completed so far, over every node.
    pub fn summary(&self) -> Summary {
        let mut total = Summary::default();
        for p in self.nodes.values() {
            total.add(&p.summary);
        }
        total
    }
}

/// How far one primary was walked, and which server process that was.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct NodeProgress {
    /// `run_id` of the server the cursor came from.
    pub run_id: String,
    /// Database walked.
    pub db: i64,
    /// Slot ranges the node served (empty when standalone).
    pub slots: Vec<(u16, u16)>,
    /// Config epoch of the node (0 when standalone).
    pub epoch: u64,
    /// SCAN cursor to resume from (0 with `done == false`: not started).
    pub cursor: u64,
    /// The walk of this node has completed.
    pub done: bool,
    /// Figures of the batches of this node completed so far.
    pub summary: Summary,
}

impl NodeProgress {
    /// A fresh start on `node`.
    pub fn start(node: &Node) -> Self {
        NodeProgress {
            run_id: node.run_id.clone(),
            db: node.db,
            slots: node.slots.clone(),
            epoch: node.epoch,
            cursor: 0,
            done: false,
            summary: Summary::default(),
        }
    }

    /// Why this saved progress cannot be resumed on `node`, if it cannot.
    pub fn mismatch(&self, node: &Node) -> Option<String> {
        if self.run_id != node.run_id {
            Some(format!(
                "its run_id changed ({} -> {}: the server restarted)",
                short(&self.run_id),
                short(&node.run_id)
            ))
        } else if self.db != node.db {
            Some(format!(
                "the checkpoint is for db {}, this run is on db {}",
                self.db, node.db
            ))
        } else if self.slots != node.slots {
            Some("the slots it serves changed".to_owned())
        } else if self.epoch != node.epoch {
            Some(format!(
                "its config epoch changed ({} -> {}: slots moved to it)",
                self.epoch, node.epoch
            ))
        } else {
            None
        }
    }
}

fn short(id: &str) -> &str {
    if id.is_empty() {
        "none"
    } else {
        &id[..id.len().min(8)]
    }
}

/// The checkpoint file of a run: load and check the job once, save atomically, remove.
#[derive(Debug, Clone)]
pub struct CheckpointFile {
    path: PathBuf,
}

static TMP_SEQ: AtomicU64 = AtomicU64::new(0);

impl CheckpointFile {
    /// The file at `path`.
    pub fn new(path: impl Into<PathBuf>) -> Self {
        CheckpointFile { path: path.into() }
    }

    /// Its path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn error(&self, detail: impl std::fmt::Display) -> MigrateError {
        MigrateError::Checkpoint {
            path: self.path.clone(),
            detail: detail.to_string(),
        }
    }

    /// The saved checkpoint of `job`, `None` if there is no file; another job's is an error.
    pub fn load(&self, job: &str) -> Result<Option<Checkpoint>, MigrateError> {
        let bytes = match std::fs::read(&self.path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(self.error(e)),
        };
        let cp: Checkpoint = serde_json::from_slice(&bytes)
            .map_err(|e| self.error(format!("expected kvcodec checkpoint JSON: {e}")))?;
        if cp.job != job {
            return Err(MigrateError::OtherJob {
                path: self.path.clone(),
                expected: job.to_owned(),
                found: cp.job,
            });
        }
        Ok(Some(cp))
    }

    /// Writes `cp` atomically: a temporary file unique to this process and call, fsync,
    /// rename over the file. Two runs sharing a path never share a temporary file.
    pub fn save(&self, cp: &Checkpoint) -> Result<(), MigrateError> {
        let json = serde_json::to_vec_pretty(cp).map_err(|e| self.error(e))?;
        let name = self
            .path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let seq = TMP_SEQ.fetch_add(1, Ordering::Relaxed);
        let tmp = self
            .path
            .with_file_name(format!(".{name}.{}.{seq}.tmp", std::process::id()));
        let written = std::fs::File::create(&tmp).and_then(|mut f| {
            f.write_all(&json)?;
            f.sync_all()
        });
        let renamed = written.and_then(|()| std::fs::rename(&tmp, &self.path));
        if let Err(e) = renamed {
            let _ = std::fs::remove_file(&tmp);
            return Err(self.error(e));
        }
        Ok(())
    }

    /// Removes the file (a completed run); a missing file is fine.
    pub fn remove(&self) -> Result<(), MigrateError> {
        match std::fs::remove_file(&self.path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(self.error(e)),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saves_atomically_loads_and_checks_the_job() {
        let dir = tempfile::tempdir().unwrap();
        let file = CheckpointFile::new(dir.path().join("cp.json"));
        assert_eq!(file.load("job").unwrap(), None);
        let mut cp = Checkpoint {
            job: "job".into(),
            ..Checkpoint::default()
        };
        cp.nodes.insert(
            "h:1".into(),
            NodeProgress {
                run_id: "abc".into(),
                cursor: 42,
                ..NodeProgress::default()
            },
        );
        file.save(&cp).unwrap();
        file.save(&cp).unwrap();
        assert_eq!(file.load("job").unwrap(), Some(cp));
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1, "no temporary file left behind");
        let err = file.load("other").unwrap_err().to_string();
        assert!(err.contains("is for job `job`, expected `other`"), "{err}");
        // A version-1 checkpoint (cursors without identity) loads with no node progress.
        std::fs::write(
            file.path(),
            br#"{"job":"job","cursors":{"h:1":7},"done":[]}"#,
        )
        .unwrap();
        assert!(file.load("job").unwrap().unwrap().nodes.is_empty());
        file.remove().unwrap();
        file.remove().unwrap();
        let bad = CheckpointFile::new(dir.path().join("no/such/dir/cp"));
        assert!(bad.save(&Checkpoint::default()).is_err());
    }
}
