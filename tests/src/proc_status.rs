//! What the kernel reports about this process's memory (`/proc/self/status`), for the
//! benchmarks that measure peak memory.

/// A size field of `/proc/self/status` (`"VmRSS:"`, `"VmHWM:"`, …), in bytes.
///
/// # Panics
/// If the file cannot be read or has no such field in kB (not Linux, or a typo).
pub fn status_bytes(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    let line = status
        .lines()
        .find(|l| l.starts_with(field))
        .expect("field");
    let kib: u64 = line
        .split_whitespace()
        .nth(1)
        .and_then(|v| v.parse().ok())
        .expect("kB");
    kib * 1024
}
