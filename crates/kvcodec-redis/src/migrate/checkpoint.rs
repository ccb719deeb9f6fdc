//! Where a migration stopped: the SCAN cursor of each node and the figures so far, saved after
//! every batch so a run stopped by Ctrl-C, `kill` or a crash resumes where it was.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::Summary;

/// Saved state of one run.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Checkpoint {
    /// What the run does (`compress zstd:3`, `rollback`) and on which keys; a resume must match.
    pub job: String,
    /// SCAN cursor to resume each node from (`host:port` → cursor); absent = not started.
    pub cursors: BTreeMap<String, u64>,
    /// Nodes whose scan has completed.
    pub done: Vec<String>,
    /// Figures of the batches completed so far.
    pub summary: Summary,
}

impl Checkpoint {
    /// Reads a checkpoint, `Ok(None)` if the file does not exist.
    pub fn load(path: &Path) -> std::io::Result<Option<Checkpoint>> {
        match std::fs::read(path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map(Some).map_err(|e| {
                std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    format!(
                        "checkpoint {}: expected kvcodec checkpoint JSON: {e}",
                        path.display()
                    ),
                )
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Writes the checkpoint atomically (temporary file, then rename).
    pub fn save(&self, path: &Path) -> std::io::Result<()> {
        let tmp = path.with_extension("tmp");
        std::fs::write(
            &tmp,
            serde_json::to_vec_pretty(self).map_err(std::io::Error::other)?,
        )?;
        std::fs::rename(&tmp, path)
    }
}
