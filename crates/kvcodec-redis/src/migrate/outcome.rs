//! What a run reports: progress and notices while it goes ([`Observer`], [`Notice`]), and how it
//! ended ([`Outcome`], with the [`Verification`] of the promised state ([`Expect`])).

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Serialize;

use super::judge::leaves_undone;
use super::reason::{Progress, Reason, Summary};

/// What a run reports while it goes. Every method has a default that ignores it; a closure
/// `Fn(&Progress)` is an observer of progress only.
pub trait Observer: Send + Sync {
    /// After each key (called from the run's threads).
    fn progress(&self, progress: &Progress) {
        let _ = progress;
    }
    /// Something the operator should know.
    fn notice(&self, notice: &Notice) {
        let _ = notice;
    }
}

impl<F: Fn(&Progress) + Send + Sync> Observer for F {
    fn progress(&self, progress: &Progress) {
        self(progress)
    }
}

/// Events worth a line on an operator's terminal.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Notice {
    /// Resuming from a saved checkpoint.
    Resuming {
        /// The checkpoint file.
        path: PathBuf,
    },
    /// A node's saved cursor does not apply: scanning it again from the start.
    Rescan {
        /// `host:port`.
        node: String,
        /// Why.
        why: String,
    },
    /// The rewrite pass is done; the verification pass starts.
    Verifying,
}

/// The state a run promises, and `verify` checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Expect {
    /// Every value an `Off` client reads as written: nothing compressed is left.
    Plain,
    /// Every value of the chosen types that the policy would compress is compressed.
    Compressed,
    /// Every value of the chosen types and sources is stored as the writer stores it today
    /// (`migrate --recompress`).
    Recompressed,
}

impl Expect {
    /// The promised state in words: `plain`, `compressed`, `compressed with the target`.
    pub const fn describe(self) -> &'static str {
        match self {
            Expect::Plain => "plain",
            Expect::Compressed => "compressed",
            Expect::Recompressed => "compressed with the target",
        }
    }
}

/// The result of a verification pass.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verification {
    /// What was checked.
    pub expect: Expect,
    /// Keys scanned.
    pub keys_scanned: u64,
    /// Values checked.
    pub values_checked: u64,
    /// Values found in the other state and rewritten by this pass.
    pub fixed: u64,
    /// Values not in the promised state, by reason.
    pub left: BTreeMap<Reason, u64>,
    /// Keys and values in the promised state (or not concerned), by reason.
    pub kept: BTreeMap<Reason, u64>,
}

impl Verification {
    pub(crate) fn of(expect: Expect, s: Summary) -> Self {
        let (left, kept) = s.skipped.into_iter().partition(|(r, _)| leaves_undone(*r));
        Verification {
            expect,
            keys_scanned: s.keys_scanned,
            values_checked: s.values_seen,
            fixed: s.rewritten,
            left,
            kept,
        }
    }

    /// `true` if every value is in the promised state.
    pub fn is_clean(&self) -> bool {
        self.left.is_empty()
    }

    /// Values not in the promised state.
    pub fn left_total(&self) -> u64 {
        self.left.values().sum()
    }
}

/// How a run ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// Figures of the rewrite pass, including earlier runs resumed from the checkpoint.
    pub summary: Summary,
    /// `true` if every node was walked and the verification pass ran to the end ("completed
    /// means verified"; whether the pass found every value in the promised state is
    /// [`is_clean`](Self::is_clean)); in a dry run, which verifies nothing, if every node was
    /// walked. `false` if stopped before.
    pub completed: bool,
    /// `true` if resumed from a checkpoint.
    pub resumed: bool,
    /// The verification pass (`None` in a dry run or when stopped before it ended).
    pub verification: Option<Verification>,
}

impl Outcome {
    /// `true` if the run completed and its verification found every value in the promised
    /// state.
    pub fn is_clean(&self) -> bool {
        self.completed
            && self
                .verification
                .as_ref()
                .is_some_and(Verification::is_clean)
    }
}
