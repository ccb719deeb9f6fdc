//! [`DirSource`]: the files of a directory, one value per file (`assess --dir`,
//! `dict train --dir`).

use std::path::{Path, PathBuf};

use crate::assess::sources::{Sample, SourceError, ValueSource};
use crate::files::{self, Unreadable};

/// Every regular file of one directory (not recursive), one value per file, by name order.
#[derive(Debug)]
pub(crate) struct DirSource {
    dir: PathBuf,
    files: std::vec::IntoIter<PathBuf>,
}

impl DirSource {
    /// Lists `dir`; fails if it cannot be read or is not a directory.
    pub(crate) fn open(dir: &Path) -> Result<Self, Unreadable> {
        let unreadable = || Unreadable::of("directory", dir);
        let entries = std::fs::read_dir(dir).map_err(unreadable())?;
        let mut files = Vec::new();
        for entry in entries {
            let path = entry.map_err(unreadable())?.path();
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
    type Item = Result<Sample, SourceError>;

    fn next(&mut self) -> Option<Self::Item> {
        let path = self.files.next()?;
        let key = path
            .strip_prefix(&self.dir)
            .unwrap_or(&path)
            .to_string_lossy()
            .into_owned();
        Some(
            files::read("file", &path)
                .map(|bytes| Sample {
                    kind: "file",
                    bytes,
                    key: Some(key),
                    stored: None,
                })
                .map_err(SourceError::from),
        )
    }
}

impl ValueSource for DirSource {
    fn describe(&self) -> String {
        format!("directory {} (one value per file)", self.dir.display())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assess::sources::Corpus;

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
        let corpus = Corpus::gather(DirSource::open(&dir).unwrap()).unwrap();
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
        let e = DirSource::open(&missing).unwrap_err().to_string();
        assert!(e.starts_with("cannot read directory"), "{e}");
        let dir = temp_dir("empty");
        let e = Corpus::gather(DirSource::open(&dir).unwrap())
            .and_then(Corpus::non_empty)
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("no values to assess"), "{e}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
