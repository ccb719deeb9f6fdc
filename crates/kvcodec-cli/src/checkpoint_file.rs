//! Where `migrate` and `rollback` keep their checkpoint, and whether a run resumes from it.
//!
//! Default file: `kvcodec-<command>-<host>_<port>[_<db>]-<hash>.checkpoint` in the current
//! directory, the hash (FNV-1a, 32 bits) taken over the server and the job, so two jobs or two
//! servers never share a file and the same command always finds its own. A run that completes
//! removes it.

use std::path::{Path, PathBuf};

use kvcodec_redis::migrate::{Checkpoint, MigrateError};

use crate::error::CliError;
use crate::server::ServerUrl;

/// The default checkpoint file of a job on a server: in the current directory, named after
/// the command, the server and a hash of (server, job).
pub fn default_path(command: &str, server: &ServerUrl, job: &str) -> PathBuf {
    let mut hash: u32 = 0x811c_9dc5; // FNV-1a
    for b in server.addr().bytes().chain([0]).chain(job.bytes()) {
        hash = (hash ^ u32::from(b)).wrapping_mul(0x0100_0193);
    }
    let host: String = server
        .addr()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect();
    PathBuf::from(format!("kvcodec-{command}-{host}-{hash:08x}.checkpoint"))
}

/// `true` (and says so on standard error) if `path` holds a checkpoint of `job` to resume from;
/// an unreadable checkpoint, or one of another job, is a usage error before anything runs.
pub fn resumes(path: &Path, job: &str) -> Result<bool, CliError> {
    match Checkpoint::load(path) {
        Ok(None) => Ok(false),
        Ok(Some(cp)) if cp.job == job => {
            eprintln!("kvcodec: resuming `{job}` from {}", path.display());
            Ok(true)
        }
        Ok(Some(cp)) => Err(CliError::usage(
            MigrateError::OtherJob {
                path: path.to_owned(),
                expected: job.to_owned(),
                found: cp.job,
            }
            .to_string(),
        )),
        Err(source) => Err(unusable(path, &source)),
    }
}

/// A checkpoint file that cannot be read, parsed or written.
pub fn unusable(path: &Path, source: &std::io::Error) -> CliError {
    let shown = path.display().to_string();
    let why = source
        .to_string()
        .replace(&format!("checkpoint {shown}: "), "");
    CliError::usage(format!("cannot use the checkpoint {shown}: {why}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_paths_differ_by_job_and_server() {
        let a = ServerUrl::parse("redis://127.0.0.1:6379").unwrap();
        let b = ServerUrl::parse("redis://127.0.0.1:6380/2").unwrap();
        let p = default_path("migrate", &a, "compress zstd match=*");
        let name = p.to_str().unwrap();
        assert!(
            name.starts_with("kvcodec-migrate-127.0.0.1_6379-"),
            "{name}"
        );
        assert!(name.ends_with(".checkpoint") && p.parent() == Some(Path::new("")));
        assert_eq!(p, default_path("migrate", &a, "compress zstd match=*"));
        assert_ne!(p, default_path("migrate", &a, "compress lz4 match=*"));
        let q = default_path("migrate", &b, "compress zstd match=*");
        assert!(
            q.to_str()
                .unwrap()
                .starts_with("kvcodec-migrate-127.0.0.1_6380_2-")
        );
    }
}
