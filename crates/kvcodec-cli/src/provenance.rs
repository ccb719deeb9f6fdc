//! Where a report came from: kvcodec's version, the date, the command line (passwords already
//! redacted by the caller), the server and its version, the sample size — printed in every
//! text, JSON and HTML output of `assess`, `migrate`, `rollback` and `verify`, with the JSON
//! [`SCHEMA_VERSION`].

use std::time::{SystemTime, UNIX_EPOCH};

use serde::Serialize;

/// The version of the JSON outputs' layout (`schema_version`): raised when a member changes
/// meaning or is removed; new members may appear without a raise.
pub(crate) const SCHEMA_VERSION: u32 = 1;

/// Where a report came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct Provenance {
    /// `kvcodec 0.1.0`.
    pub(crate) kvcodec: String,
    /// When the command started, UTC: `2026-11-29T10:50:00Z`.
    pub(crate) date: String,
    /// The command line, passwords replaced by `***`.
    pub(crate) command_line: String,
    /// The server and its version (`valkey 9.1.2 at 127.0.0.1:6379`), when one was used.
    pub(crate) server: Option<String>,
    /// Values sampled, when the report is about a sample.
    pub(crate) sample_size: Option<usize>,
}

impl Provenance {
    /// This process, now, with `command_line` (already redacted).
    pub(crate) fn new(command_line: String) -> Self {
        Provenance {
            kvcodec: format!("kvcodec {}", env!("CARGO_PKG_VERSION")),
            date: utc_date(SystemTime::now()),
            command_line,
            server: None,
            sample_size: None,
        }
    }

    /// One line: `kvcodec 0.1.0, 2026-11-29T10:50:00Z, valkey 9.1.2 at …, 400 values sampled: kvcodec assess …`.
    pub(crate) fn line(&self) -> String {
        let mut parts = vec![self.kvcodec.clone(), self.date.clone()];
        parts.extend(self.server.clone());
        parts.extend(self.sample_size.map(|n| format!("{n} values sampled")));
        format!("{}; command: {}", parts.join(", "), self.command_line)
    }
}

/// `t` as `YYYY-MM-DDTHH:MM:SSZ`.
pub(crate) fn utc_date(t: SystemTime) -> String {
    let secs = t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    crate::units::iso8601(secs, None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn dates_are_utc_civil() {
        let at = |s| utc_date(UNIX_EPOCH + Duration::from_secs(s));
        assert_eq!(at(0), "1970-01-01T00:00:00Z");
        assert_eq!(at(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(at(1_795_949_445), "2026-11-29T10:50:45Z");
    }

    #[test]
    fn the_line_names_everything_given() {
        let mut p = Provenance::new("kvcodec assess --url redis://:***@h:1".into());
        p.server = Some("valkey 9.1.2 at h:1".into());
        p.sample_size = Some(400);
        let line = p.line();
        assert!(line.starts_with("kvcodec "), "{line}");
        assert!(
            line.ends_with(", valkey 9.1.2 at h:1, 400 values sampled; command: kvcodec assess --url redis://:***@h:1"),
            "{line}"
        );
    }
}
