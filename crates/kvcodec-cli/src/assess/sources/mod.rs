//! Where `assess` gets its values: the [`ValueSource`] seam, a directory source, and the
//! collected [`Corpus`].
//!
//! # Adding a source
//!
//! 1. Write a type that yields `Result<Sample, CliError>` as an [`Iterator`] (a live
//!    `--url` sampler would `SCAN` + `GET` here, stopping after N values).
//! 2. Implement [`ValueSource::describe`] for the report's "source" line.
//! 3. Pass it to [`Corpus::collect`]; everything after that is source-agnostic.

pub mod builtin;
pub mod live;

use std::path::{Path, PathBuf};

use crate::error::CliError;

/// One value to assess, with a label saying what kind of value it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sample {
    /// What the value is (`"json-api"`, `"file"`, …), for the per-kind summary.
    pub kind: &'static str,
    /// The plain value.
    pub bytes: Vec<u8>,
}

/// A stream of values to assess.
pub trait ValueSource: Iterator<Item = Result<Sample, CliError>> {
    /// One line saying where the values come from.
    fn describe(&self) -> String;
}

/// Every regular file of one directory (not recursive), one value per file, by name order.
#[derive(Debug)]
pub struct DirSource {
    dir: PathBuf,
    files: std::vec::IntoIter<PathBuf>,
}

impl DirSource {
    /// Lists `dir`; fails if it cannot be read or is not a directory.
    pub fn open(dir: &Path) -> Result<Self, CliError> {
        let entries =
            std::fs::read_dir(dir).map_err(|e| CliError::unreadable("directory", dir, &e))?;
        let mut files = Vec::new();
        for entry in entries {
            let path = entry
                .map_err(|e| CliError::unreadable("directory", dir, &e))?
                .path();
            // `metadata` follows symlinks: a link to a file is a value, a subdirectory is not.
            if std::fs::metadata(&path).is_ok_and(|m| m.is_file()) {
                files.push(path);
            }
        }
        files.sort();
        Ok(DirSource {
            dir: dir.to_owned(),
            files: files.into_iter(),
        })
    }
}

impl Iterator for DirSource {
    type Item = Result<Sample, CliError>;

    fn next(&mut self) -> Option<Self::Item> {
        let path = self.files.next()?;
        Some(
            std::fs::read(&path)
                .map(|bytes| Sample {
                    kind: "file",
                    bytes,
                })
                .map_err(|e| CliError::unreadable("file", &path, &e)),
        )
    }
}

impl ValueSource for DirSource {
    fn describe(&self) -> String {
        format!("directory {} (one value per file)", self.dir.display())
    }
}

/// The values of a source, held in memory so every candidate sees the same ones.
#[derive(Debug, Clone)]
pub struct Corpus {
    /// [`ValueSource::describe`] of the source.
    pub source: String,
    /// The values, in source order.
    pub samples: Vec<Sample>,
}

impl Corpus {
    /// Reads every value of `source`; the first error stops it. An empty source is an error.
    pub fn collect(source: impl ValueSource) -> Result<Self, CliError> {
        let description = source.describe();
        let samples = source.collect::<Result<Vec<_>, _>>()?;
        if samples.is_empty() {
            return Err(CliError::usage(format!(
                "no values to assess: {description} is empty"
            )));
        }
        Ok(Corpus {
            source: description,
            samples,
        })
    }

    /// Total plain bytes.
    pub fn total_bytes(&self) -> u64 {
        self.samples.iter().map(|s| s.bytes.len() as u64).sum()
    }

    /// The values' lengths, in source order.
    pub fn lengths(&self) -> Vec<usize> {
        self.samples.iter().map(|s| s.bytes.len()).collect()
    }

    /// `(kind, values, bytes)` per kind, in order of first appearance.
    pub fn kinds(&self) -> Vec<(&'static str, usize, u64)> {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("kvcodec-cli-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("sub")).unwrap();
        dir
    }

    #[test]
    fn dir_source_reads_files_in_name_order() {
        let dir = temp_dir("src");
        std::fs::write(dir.join("b"), b"second").unwrap();
        std::fs::write(dir.join("a"), b"first").unwrap();
        std::fs::write(dir.join("sub/c"), b"ignored").unwrap();
        let corpus = Corpus::collect(DirSource::open(&dir).unwrap()).unwrap();
        let values: Vec<_> = corpus.samples.iter().map(|s| s.bytes.as_slice()).collect();
        assert_eq!(values, [&b"first"[..], b"second"]);
        assert_eq!(corpus.total_bytes(), 11);
        assert_eq!(corpus.kinds(), [("file", 2, 11)]);
        assert!(corpus.source.contains("one value per file"));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn missing_or_empty_dir_is_an_error() {
        let missing = std::env::temp_dir().join("kvcodec-cli-no-such-dir");
        let e = DirSource::open(&missing).unwrap_err();
        assert!(e.message.starts_with("cannot read directory"), "{e}");
        let dir = temp_dir("empty");
        let e = Corpus::collect(DirSource::open(&dir).unwrap()).unwrap_err();
        assert!(e.message.starts_with("no values to assess"), "{e}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
