//! Free loopback ports for the servers the harness starts.
//!
//! The kernel hands out a free port when we bind `127.0.0.1:0`; we read it and let the
//! listener go, so the server can bind it a moment later. Another process may grab it in
//! between, which [`Server`](crate::Server) handles by retrying with a fresh port. Within this
//! process, a port is never handed out twice, so parallel test threads cannot race each other.

use std::collections::HashSet;
use std::net::TcpListener;
use std::sync::{Mutex, PoisonError};

/// Ports handed out by this process so far.
static HANDED_OUT: Mutex<Option<HashSet<u16>>> = Mutex::new(None);

/// Returns `count` distinct loopback ports that were free a moment ago and that this process
/// has not handed out before.
///
/// # Panics
/// If the kernel refuses to bind `127.0.0.1:0`.
pub fn free_ports(count: usize) -> Vec<u16> {
    let mut guard = HANDED_OUT.lock().unwrap_or_else(PoisonError::into_inner);
    let used = guard.get_or_insert_with(HashSet::new);
    // Hold every listener until all ports are chosen, so the kernel cannot return the same
    // port twice within this call.
    let mut listeners = Vec::with_capacity(count);
    let mut ports = Vec::with_capacity(count);
    let mut attempts = 0;
    while ports.len() < count {
        attempts += 1;
        assert!(
            attempts < 1000,
            "could not find {count} unused loopback ports in 1000 attempts"
        );
        let listener = TcpListener::bind("127.0.0.1:0")
            .unwrap_or_else(|e| panic!("cannot bind 127.0.0.1:0 to find a free port: {e}"));
        let port = listener
            .local_addr()
            .expect("bound listener has an address")
            .port();
        if !used.insert(port) {
            continue;
        }
        ports.push(port);
        listeners.push(listener);
    }
    ports
}

/// One free loopback port; see [`free_ports`].
pub fn free_port() -> u16 {
    free_ports(1)[0]
}
