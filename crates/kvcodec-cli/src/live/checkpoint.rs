//! Where `migrate` and `rollback` keep their checkpoint by default (the library loads, checks,
//! saves and removes it).
//!
//! Default file: `kvcodec-<command>-<host>_<port>[_<db>]-<hash>.checkpoint` in the current
//! directory, the hash (FNV-1a, 32 bits) taken over the server and the job, so two jobs or two
//! servers never share a file and the same command always finds its own. A run that completes
//! removes it.

use std::path::PathBuf;

use crate::live::server::ServerUrl;

/// The default checkpoint file of a job on a server: in the current directory, named after
/// the command, the server and a hash of (server, job).
pub(crate) fn default_path(command: &str, server: &ServerUrl, job: &str) -> PathBuf {
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

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
