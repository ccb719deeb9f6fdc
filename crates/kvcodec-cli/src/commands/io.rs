//! What the commands share: reading the input value, writing the output, JSON, warnings, and
//! the `--min-size` floor.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::assess::capacity::ServerFigures;
use crate::assess::sources::live::LiveSource;
use crate::assess::sources::{Sample, SourceError, ValueSource};
use crate::error::CliError;
use crate::files;
use crate::live::args::{TlsArgs, redact};
use crate::live::server::ServerUrl;
use crate::provenance::Provenance;
use crate::run::progress::Progress;

/// A positional input: a file, or standard input when absent or `-`.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct Input {
    /// File holding the value (default: standard input).
    #[arg(value_name = "FILE")]
    pub(crate) file: Option<PathBuf>,
}

impl Input {
    /// All bytes of the file or of standard input.
    pub(crate) fn read(&self) -> Result<Vec<u8>, CliError> {
        match self.file.as_deref() {
            Some(path) if path != Path::new("-") => Ok(files::read("file", path)?),
            _ => {
                let mut buf = Vec::new();
                std::io::stdin()
                    .lock()
                    .read_to_end(&mut buf)
                    .map_err(|e| CliError::usage(format!("cannot read standard input: {e}")))?;
                Ok(buf)
            }
        }
    }
}

/// This process's command line, every URL's password replaced by `***`.
pub(crate) fn command_line() -> String {
    let args: Vec<String> = std::env::args()
        .enumerate()
        .map(|(i, a)| match (i, a.split_once('=')) {
            (0, _) => "kvcodec".to_owned(),
            (_, Some((flag, url))) if flag.starts_with("--") && url.contains("://") => {
                format!("{flag}={}", redact(url))
            }
            _ if a.contains("://") => redact(&a),
            _ => a,
        })
        .collect();
    args.join(" ")
}

/// A [`Provenance`] of this process (its command line redacted).
pub(crate) fn provenance() -> Provenance {
    Provenance::new(command_line())
}

/// Writes `bytes` to `out` and flushes.
pub(crate) fn write_out(out: &mut dyn Write, bytes: &[u8]) -> Result<(), CliError> {
    out.write_all(bytes)
        .and_then(|()| out.flush())
        .map_err(|e| CliError::failure(format!("cannot write to standard output: {e}")))
}

/// `value` as pretty JSON, ending in a newline.
pub(crate) fn json(value: &impl Serialize) -> Result<String, CliError> {
    let mut s = serde_json::to_string_pretty(value)
        .map_err(|e| CliError::failure(format!("cannot format JSON: {e}")))?;
    s.push('\n');
    Ok(s)
}

/// Prints `lines` to standard error as warnings (`kvcodec: warning: …`).
pub(crate) fn warn(lines: &[String]) {
    for line in lines {
        eprintln!("kvcodec: warning: {line}");
    }
}

/// `--url`, `--match`, TLS and `--sample` of `assess` and `dict train`.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct SampleArgs {
    /// Sample values from this server (`redis://host:port[/db]`, `rediss://…` for TLS; any
    /// node of a cluster: every primary is sampled): strings, hash values and list elements,
    /// via SCAN, HSCAN and LRANGE (never KEYS). Compressed values are decoded first.
    #[arg(long, value_name = "URL")]
    pub(crate) url: Option<String>,
    /// With `--url`: only keys matching this glob pattern (SCAN MATCH).
    #[arg(long = "match", value_name = "PATTERN", requires = "url")]
    pub(crate) pattern: Option<String>,
    /// TLS for a `rediss://` `--url`.
    #[command(flatten)]
    pub(crate) tls: TlsArgs,
    /// With `--url`: stop after this many values.
    #[arg(long, value_name = "N", default_value_t = 10_000, requires = "url")]
    pub(crate) sample: usize,
}

impl SampleArgs {
    /// With `--url`: at most `--sample` values (at least 1) of the keys matching `--match`,
    /// 100 keys per SCAN, with a progress bar labelled `command`.
    pub(crate) fn open(&self, command: &str) -> Result<Option<Sampling>, CliError> {
        let Some(url) = &self.url else {
            return Ok(None);
        };
        if self.sample == 0 {
            return Err(CliError::usage("--sample 0: expected at least 1 value"));
        }
        let server = ServerUrl::open(url, &self.tls)?;
        let source = LiveSource::open(&server, self.pattern.clone(), self.sample, 100)?;
        let bar = Progress::values(&format!("{command}: sampling"), self.sample as u64);
        Ok(Some(Sampling {
            source,
            bar,
            n: 0,
            command: command.to_owned(),
        }))
    }
}

/// A [`LiveSource`] with a progress bar (standard error, terminal only): values sampled of
/// `--sample`, with an ETA.
pub(crate) struct Sampling {
    source: LiveSource,
    bar: Progress,
    n: u64,
    command: String,
}

impl Iterator for Sampling {
    type Item = Result<Sample, SourceError>;

    fn next(&mut self) -> Option<Self::Item> {
        let item = self.source.next();
        match &item {
            Some(Ok(_)) => {
                self.n += 1;
                self.bar.set_values(self.n);
            }
            _ => self.bar.finish(),
        }
        item
    }
}

impl ValueSource for Sampling {
    fn describe(&self) -> String {
        self.source.describe()
    }

    fn warnings(&self) -> Vec<String> {
        self.source.warnings()
    }

    fn server_figures(&mut self) -> Result<Option<ServerFigures>, SourceError> {
        let bar = Progress::values(
            &format!("{}: MEMORY USAGE of the sampled keys", self.command),
            self.n,
        );
        let figures = self.source.server_figures();
        bar.finish();
        figures
    }
}

/// `"--min-size"` must be at least GLIDE's minimum.
pub(crate) fn check_min_size(min_size: usize) -> Result<(), CliError> {
    if min_size < kvcodec::MIN_MIN_COMPRESSION_SIZE {
        return Err(CliError::usage(format!(
            "--min-size {min_size} is too small: expected at least {} (below it no value can shrink past the 5-byte header)",
            kvcodec::MIN_MIN_COMPRESSION_SIZE
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn min_size_floor() {
        assert!(check_min_size(6).is_ok());
        assert!(
            check_min_size(5)
                .unwrap_err()
                .message
                .contains("at least 6")
        );
    }
}
