//! The summary `migrate` and `rollback` print at the end (or when stopped), with the result
//! of their verification pass: text, or JSON with `--json`.

use std::fmt::Write as _;
use std::path::PathBuf;

use kvcodec_redis::migrate::{Expect, Reason, Summary, Verification};
use serde::Serialize;

use crate::provenance::{Provenance, SCHEMA_VERSION};
use crate::units::{human_bytes, pct};

/// What a run did; what `--json` prints.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct RunReport {
    /// The layout version of this JSON ([`SCHEMA_VERSION`]).
    pub(crate) schema_version: u32,
    /// kvcodec's version, the date, the command line, the server and its version.
    pub(crate) provenance: Option<Provenance>,
    /// `"migrate"` or `"rollback"`.
    pub(crate) command: &'static str,
    /// The job (`compress zstd match=*`, `rollback match=user:*`), as in the checkpoint.
    pub(crate) job: String,
    /// `host:port[/db]` of the URL given.
    pub(crate) server: String,
    /// `true` if nothing was written (`--dry-run`): `rewritten` counts what would be.
    pub(crate) dry_run: bool,
    /// `false` if stopped before every primary was scanned (and verified).
    pub(crate) completed: bool,
    /// `true` if the verification pass found every value in the promised state (exit 0);
    /// `false` when values are left (exit 3), in a dry run and when stopped.
    pub(crate) clean: bool,
    /// The checkpoint file (`None` in a dry run). Removed when the run completes.
    pub(crate) checkpoint: Option<PathBuf>,
    /// `true` if this run resumed from the checkpoint: the figures include earlier runs.
    pub(crate) resumed: bool,
    /// The figures.
    pub(crate) summary: Summary,
    /// Bytes of the rewritten values before minus after (negative when they grew: rollback).
    pub(crate) bytes_saved: i64,
    /// `bytes_saved` in percent of the bytes before.
    pub(crate) savings_pct: f64,
    /// The verification pass (absent in a dry run or when stopped before it ended).
    pub(crate) verification: Option<Verification>,
}

impl RunReport {
    /// The report of a run with these figures.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn new(
        command: &'static str,
        job: String,
        server: String,
        dry_run: bool,
        completed: bool,
        checkpoint: Option<PathBuf>,
        resumed: bool,
        summary: Summary,
    ) -> Self {
        let bytes_saved = summary.bytes_before as i64 - summary.bytes_after as i64;
        RunReport {
            schema_version: SCHEMA_VERSION,
            provenance: None,
            command,
            job,
            server,
            dry_run,
            completed,
            clean: false,
            checkpoint,
            resumed,
            savings_pct: pct(bytes_saved as f64, summary.bytes_before as f64),
            bytes_saved,
            summary,
            verification: None,
        }
    }

    /// The text form.
    pub(crate) fn render(&self) -> String {
        let s = &self.summary;
        let mut out = String::new();
        let state = match (self.completed, self.dry_run) {
            (true, false) => "completed",
            (true, true) => "completed (dry run: nothing written)",
            (false, false) => "stopped",
            (false, true) => "stopped (dry run: nothing written)",
        };
        let _ = writeln!(
            out,
            "kvcodec {} on {} ({}): {state}",
            self.command, self.server, self.job
        );
        let rewritten = if self.dry_run {
            "would rewrite"
        } else {
            "rewritten"
        };
        let skipped: u64 = s.skipped.values().sum();
        let reasons: Vec<String> = s.skipped.iter().map(|(r, n)| format!("{r} {n}")).collect();
        let reasons = if reasons.is_empty() {
            String::new()
        } else {
            format!(" ({})", reasons.join(", "))
        };
        let change = if self.bytes_saved >= 0 {
            format!("{:.1} % saved", self.savings_pct)
        } else {
            format!("{:.1} % larger", -self.savings_pct)
        };
        let rows = [
            ("keys scanned", s.keys_scanned.to_string()),
            ("values seen", s.values_seen.to_string()),
            (rewritten, s.rewritten.to_string()),
            ("skipped", format!("{skipped}{reasons}")),
            (
                "bytes",
                format!(
                    "{} -> {} ({change})",
                    human_bytes(s.bytes_before),
                    human_bytes(s.bytes_after)
                ),
            ),
        ];
        for (k, v) in rows {
            let _ = writeln!(out, "  {k:<14} {v}");
        }
        for (source, f) in &s.by_source {
            let _ = writeln!(
                out,
                "  from {source:<9} {} values, {} -> {}",
                f.rewritten,
                human_bytes(f.bytes_before),
                human_bytes(f.bytes_after)
            );
        }
        if let Some(v) = &self.verification {
            out.push_str(&verification_lines(v));
        }
        if self.resumed {
            let _ = writeln!(
                out,
                "  resumed from the checkpoint: the figures include the earlier run(s)"
            );
        }
        if let Some(p) = &self.provenance {
            let _ = writeln!(out, "  provenance: {}", p.line());
        }
        out
    }
}

/// `label(reason n, …)`, or nothing when empty.
fn reasons(counts: &std::collections::BTreeMap<Reason, u64>) -> String {
    let parts: Vec<String> = counts.iter().map(|(r, n)| format!("{r} {n}")).collect();
    parts.join(", ")
}

/// The verification lines of a report: what was checked, what is left and what it means.
pub(crate) fn verification_lines(v: &Verification) -> String {
    let state = v.expect.describe();
    let mut out = String::new();
    let fixed = if v.fixed > 0 {
        format!(", {} rewritten by the verification", v.fixed)
    } else {
        String::new()
    };
    if v.is_clean() {
        let _ = writeln!(
            out,
            "  verified       {} values checked: all {state} as promised{fixed}",
            v.values_checked
        );
    } else {
        let _ = writeln!(
            out,
            "  NOT verified   {} of {} values checked are not {state}: {}{fixed}",
            v.left_total(),
            v.values_checked,
            reasons(&v.left)
        );
        for reason in v.left.keys() {
            let _ = writeln!(out, "    {reason}: {}", explain(*reason, v.expect));
        }
    }
    out
}

/// What a reason left in the verification means for the operator.
pub(crate) fn explain(reason: Reason, expect: Expect) -> &'static str {
    match (reason, expect) {
        (Reason::Undone, Expect::Compressed) => {
            "plain values the policy would compress; run `kvcodec migrate` again"
        }
        (Reason::Undone, Expect::Plain) => {
            "compressed values that decode; run `kvcodec rollback` again"
        }
        (Reason::Undone, Expect::Recompressed) => {
            "values of another codec, or that the target stores shorter; run `kvcodec migrate --recompress` again"
        }
        (Reason::Changed, _) => {
            "values that kept changing while being rewritten; run the command again when writes calm down"
        }
        (Reason::Undecodable, _) => {
            "values with a header that do not decode (unknown codec or dictionary, corrupt): clients in Off mode would read the header bytes"
        }
        (Reason::OverMaxSize, _) => {
            "values that decode past --max-size; raise it to roll them back"
        }
        (Reason::Nested, _) => {
            "encoded values whose content itself starts with a header: they must stay encoded (encoding is the format's escape), and clients in Off mode would read them encoded"
        }
        _ => "left as it is",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_figures_and_savings() {
        let mut summary = Summary {
            keys_scanned: 10,
            values_seen: 12,
            rewritten: 8,
            bytes_before: 8000,
            bytes_after: 2000,
            ..Summary::default()
        };
        summary.skipped.insert(Reason::TooSmall, 3);
        summary.skipped.insert(Reason::AlreadyCompressed, 1);
        let r = RunReport::new(
            "migrate",
            "compress zstd match=*".into(),
            "127.0.0.1:6379".into(),
            false,
            true,
            None,
            false,
            summary.clone(),
        );
        assert_eq!((r.bytes_saved, r.savings_pct), (6000, 75.0));
        let text = r.render();
        assert!(text.contains(": completed\n"), "{text}");
        assert!(text.contains("rewritten      8\n"), "{text}");
        assert!(
            text.contains("skipped        4 (already_compressed 1, too_small 3)"),
            "{text}"
        );
        assert!(text.contains("7.8 KiB -> 2.0 KiB (75.0 % saved)"), "{text}");

        std::mem::swap(&mut summary.bytes_before, &mut summary.bytes_after);
        let r = RunReport::new(
            "rollback",
            "rollback match=*".into(),
            "h:1".into(),
            true,
            false,
            None,
            true,
            summary,
        );
        let text = r.render();
        assert!(
            text.contains("stopped (dry run: nothing written)"),
            "{text}"
        );
        assert!(text.contains("would rewrite  8"), "{text}");
        assert!(text.contains("(300.0 % larger)"), "{text}");
        assert!(text.contains("resumed from the checkpoint"), "{text}");
    }
}
