//! The progress bar of `migrate` and `rollback`: keys scanned of the estimated total, keys per
//! second, ETA, values rewritten. Drawn on standard error, and only when it is a terminal (or
//! not at all with `--quiet`), so piped and scripted runs print nothing but their summary.
//!
//! The total is the sum of `DBSIZE` over the primaries: with `--match` only some keys are
//! scanned, so the bar may finish short of its end and the ETA is an upper bound.

use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use kvcodec_redis::migrate::Summary;

const TEMPLATE: &str = "{spinner} {prefix} [{elapsed_precise}] [{bar:30}] {human_pos}/{human_len} keys, ETA {eta}, {msg}";

/// A bar fed from the migration's progress callback.
pub struct Progress {
    bar: ProgressBar,
    started: bool,
}

impl Progress {
    /// A bar labelled `label` (`"migrate zstd:3"`), hidden when `quiet` or standard error is not
    /// a terminal.
    pub fn new(label: &str, quiet: bool) -> Self {
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
            started: false,
        }
    }

    /// `true` if nothing is drawn.
    pub fn is_hidden(&self) -> bool {
        self.bar.is_hidden()
    }

    /// Shows the figures so far; `total` is the estimated number of keys.
    pub fn update(&mut self, summary: &Summary, total: u64) {
        self.bar.set_length(total.max(summary.keys_scanned));
        self.bar.set_position(summary.keys_scanned);
        if !self.started {
            // A resumed run starts far along: count the rate and ETA from here.
            self.started = true;
            self.bar.reset_eta();
            self.bar.enable_steady_tick(Duration::from_millis(250));
        }
        self.bar.set_message(format!(
            "{:.0} keys/s, {} rewritten, {} skipped",
            self.bar.per_sec(),
            summary.rewritten,
            summary.skipped.values().sum::<u64>()
        ));
    }

    /// Removes the bar from the terminal.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
