//! Where `assess` and `dict train` get their values: the [`ValueSource`] seam, its three
//! sources — the built-in corpus ([`builtin`]), a directory ([`dir`]) and a live server
//! ([`live`]) — and the collected [`Corpus`].
//!
//! # Adding a source
//!
//! 1. Write a type that yields `Result<Sample, SourceError>` as an [`Iterator`] ([`live`]
//!    samples a server with `SCAN`, stopping after N values).
//! 2. Implement [`ValueSource::describe`] for the report's "source" line, and
//!    [`ValueSource::warnings`] for what the caller should tell the user (values left out).
//! 3. Pass it to [`Corpus::gather`]; everything after that is source-agnostic.

pub(crate) mod builtin;
pub(crate) mod dir;
pub(crate) mod live;

use kvcodec_redis::migrate::MigrateError;

use crate::assess::capacity::ServerFigures;
use crate::files::Unreadable;

/// One value to assess, with a label saying what kind of value it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Sample {
    /// What the value is (`"json-api"`, `"file"`, …), for the per-kind summary.
    pub(crate) kind: &'static str,
    /// The plain value.
    pub(crate) bytes: Vec<u8>,
    /// The key it is stored under (a live key, a file's name, a built-in key such as
    /// `api:17`), for `--group-by-prefix`; `None` when it has none.
    pub(crate) key: Option<String>,
    /// How the value is stored on the server now (a live source only).
    pub(crate) stored: Option<Stored>,
}

/// How a sampled value is stored on the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Stored {
    /// Stored bytes.
    pub(crate) len: usize,
    /// `true` if stored compressed (with a header).
    pub(crate) compressed: bool,
}

/// Why a source yields no more values.
#[derive(Debug, thiserror::Error)]
pub(crate) enum SourceError {
    /// A file or directory of a directory source cannot be read.
    #[error(transparent)]
    Unreadable(#[from] Unreadable),
    /// The source has no values (the message names it).
    #[error("no values to assess: {0} is empty")]
    Empty(String),
    /// Walking a live server failed.
    #[error("sampling values failed: {0}")]
    Sampling(MigrateError),
}

/// A stream of values to assess.
pub(crate) trait ValueSource: Iterator<Item = Result<Sample, SourceError>> {
    /// One line saying where the values come from.
    fn describe(&self) -> String;

    /// What the user should know once the source is exhausted (values it left out), one
    /// sentence each; the command prints them as warnings.
    fn warnings(&self) -> Vec<String> {
        Vec::new()
    }

    /// Once the source is exhausted, the server's own figures (a live source only).
    fn server_figures(&mut self) -> Result<Option<ServerFigures>, SourceError> {
        Ok(None)
    }
}

/// The values of a source, held in memory so every candidate sees the same ones.
#[derive(Debug, Clone)]
pub(crate) struct Corpus {
    /// [`ValueSource::describe`] of the source.
    pub(crate) source: String,
    /// The values, in source order.
    pub(crate) samples: Vec<Sample>,
    /// [`ValueSource::warnings`] of the source, for the command to print.
    pub(crate) warnings: Vec<String>,
    /// [`ValueSource::server_figures`] of the source.
    pub(crate) server: Option<ServerFigures>,
}

impl Corpus {
    /// Every value of `source`, none being fine (`dict train`: the trainer says how many it
    /// needs; `assess` prints the warnings, then checks [`non_empty`](Self::non_empty)); the
    /// first error stops it.
    pub(crate) fn gather(mut source: impl ValueSource) -> Result<Self, SourceError> {
        let description = source.describe();
        let samples = source.by_ref().collect::<Result<Vec<_>, _>>()?;
        Ok(Corpus {
            source: description,
            samples,
            warnings: source.warnings(),
            server: source.server_figures()?,
        })
    }

    /// The corpus, or [`SourceError::Empty`] if it has no values.
    pub(crate) fn non_empty(self) -> Result<Self, SourceError> {
        if self.samples.is_empty() {
            return Err(SourceError::Empty(self.source));
        }
        Ok(self)
    }

    /// Total plain bytes.
    pub(crate) fn total_bytes(&self) -> u64 {
        self.samples.iter().map(|s| s.bytes.len() as u64).sum()
    }

    /// The values' lengths, in source order.
    pub(crate) fn lengths(&self) -> Vec<usize> {
        self.samples.iter().map(|s| s.bytes.len()).collect()
    }

    /// `(kind, values, bytes)` per kind, in order of first appearance.
    pub(crate) fn kinds(&self) -> Vec<(&'static str, usize, u64)> {
        let mut kinds: Vec<(&'static str, usize, u64)> = Vec::new();
        for s in &self.samples {
            let len = s.bytes.len() as u64;
            match kinds.iter_mut().find(|(k, _, _)| *k == s.kind) {
                Some((_, n, bytes)) => {
                    *n += 1;
                    *bytes += len;
                }
                None => kinds.push((s.kind, 1, len)),
            }
        }
        kinds
    }
}
