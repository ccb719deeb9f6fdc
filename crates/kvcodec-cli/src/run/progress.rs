//! The progress bar of `migrate`, `rollback` and `verify`: keys scanned of the estimated
//! total, keys per second, ETA, values rewritten — and the run's notices (resuming, a node
//! scanned again) on standard error. `assess --url` and `dict train --url` use the same bar
//! for values sampled of `--sample` ([`Progress::values`]). The bar is drawn only when standard error is a terminal
//! (and not with `--quiet`), so piped and scripted runs print nothing but their summary and
//! notices.
//!
//! The total is the sum of `DBSIZE` over the primaries: with `--match` only some keys are
//! scanned, so the bar may finish short of its end and the ETA is an upper bound.

use std::sync::Once;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use kvcodec_redis::migrate::{Notice, Observer, Progress as Figures};

const TEMPLATE: &str = "{spinner} {prefix} [{elapsed_precise}] [{bar:30}] {human_pos}/{human_len} keys, ETA {eta}, {msg}";

const VALUES: &str = "{spinner} {prefix} [{elapsed_precise}] [{bar:30}] {human_pos}/{human_len} values, ETA {eta}, {per_sec}";

/// A bar fed by the migration (an [`Observer`]); notices go to standard error.
pub(crate) struct Progress {
    bar: ProgressBar,
    job: String,
    started: Once,
}

impl Progress {
    /// A bar labelled `label` (`"migrate zstd:3"`) for `job`, hidden when `quiet` or standard
    /// error is not a terminal.
    pub(crate) fn new(label: &str, job: &str, quiet: bool) -> Self {
        let target = if quiet {
            ProgressDrawTarget::hidden()
        } else {
            ProgressDrawTarget::stderr_with_hz(4)
        };
        let bar = ProgressBar::with_draw_target(Some(0), target);
        if let Ok(style) = ProgressStyle::with_template(TEMPLATE) {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.set_prefix(label.to_owned());
        Progress {
            bar,
            job: job.to_owned(),
            started: Once::new(),
        }
    }

    /// A bar of values sampled out of at most `total`, labelled `label` (`"assess: sampling"`),
    /// drawn only when standard error is a terminal.
    pub(crate) fn values(label: &str, total: u64) -> Self {
        let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr_with_hz(4));
        if let Ok(style) = ProgressStyle::with_template(VALUES) {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.set_prefix(label.to_owned());
        bar.enable_steady_tick(Duration::from_millis(250));
        Progress {
            bar,
            job: String::new(),
            started: Once::new(),
        }
    }

    /// `n` values so far.
    pub(crate) fn set_values(&self, n: u64) {
        self.bar.set_position(n);
    }

    /// Removes the bar from the terminal.
    pub(crate) fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

impl Observer for Progress {
    fn progress(&self, p: &Figures) {
        if self.bar.is_hidden() {
            return;
        }
        self.bar.set_length(p.total.max(p.keys_scanned));
        self.bar.set_position(p.keys_scanned);
        self.started.call_once(|| {
            // A resumed run starts far along: count the rate and ETA from here.
            self.bar.reset_eta();
            self.bar.enable_steady_tick(Duration::from_millis(250));
        });
        self.bar.set_message(format!(
            "{:.0} keys/s, {} rewritten, {} skipped",
            self.bar.per_sec(),
            p.rewritten,
            p.skipped
        ));
    }

    fn notice(&self, notice: &Notice) {
        let line = match notice {
            Notice::Resuming { path } => {
                format!("kvcodec: resuming `{}` from {}", self.job, path.display())
            }
            Notice::Rescan { node, why } => {
                format!("kvcodec: {node}: scanning again from the start: {why}")
            }
            Notice::Verifying => {
                self.bar
                    .set_prefix(format!("verify ({})", self.bar.prefix()));
                return;
            }
            _ => return,
        };
        self.bar.suspend(|| eprintln!("{line}"));
    }
}
