//! Reading input files, with an error that names what the file was for.

use std::path::{Path, PathBuf};

/// An input file or directory that cannot be read.
#[derive(Debug, thiserror::Error)]
#[error("cannot read {what} `{}`: {err}", path.display())]
pub(crate) struct Unreadable {
    /// What it is (`"file"`, `"directory"`, `"CA file"`).
    pub(crate) what: &'static str,
    /// Its path.
    pub(crate) path: PathBuf,
    /// Why it cannot be read.
    pub(crate) err: std::io::Error,
}

impl Unreadable {
    /// A `map_err` adapter: the error of reading `path` as `what`.
    pub(crate) fn of(what: &'static str, path: &Path) -> impl FnOnce(std::io::Error) -> Self {
        let path = path.to_owned();
        move |err| Unreadable { what, path, err }
    }
}

/// All bytes of the file at `path`, read as `what`.
pub(crate) fn read(what: &'static str, path: &Path) -> Result<Vec<u8>, Unreadable> {
    std::fs::read(path).map_err(Unreadable::of(what, path))
}
