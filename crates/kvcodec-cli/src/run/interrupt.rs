//! Stopping a long run cleanly: Ctrl-C (SIGINT), SIGTERM or SIGHUP set a stop flag that
//! `migrate` and `rollback` check between keys, so the run saves its checkpoint and exits 130.
//! A second signal exits at once (the checkpoint of the last completed batch stays valid).
//!
//! The handler comes from the `ctrlc` crate (feature `termination` adds SIGTERM and SIGHUP):
//! one call covers all three signals on Unix and Ctrl-C on Windows, and the handler runs on its
//! own thread, so it may print and exit — no async-signal-safety rules to follow.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

/// Exit code of a run stopped by a signal: 128 + SIGINT, as a shell reports it (the second
/// signal exits with it at once; `crate::error::EXIT_STOPPED` is this code).
pub(crate) const EXIT_CODE: u8 = 130;

/// The signal handler cannot be installed.
#[derive(Debug, thiserror::Error)]
#[error("cannot install the Ctrl-C handler: {0}")]
pub(crate) struct InterruptError(ctrlc::Error);

static FLAG: OnceLock<Arc<AtomicBool>> = OnceLock::new();
static SIGNALS: AtomicUsize = AtomicUsize::new(0);

/// The process-wide stop flag, cleared, with the signal handler installed on first use.
pub(crate) fn stop_flag() -> Result<Arc<AtomicBool>, InterruptError> {
    if let Some(flag) = FLAG.get() {
        flag.store(false, Ordering::SeqCst);
        SIGNALS.store(0, Ordering::SeqCst);
        return Ok(flag.clone());
    }
    let flag = Arc::new(AtomicBool::new(false));
    let handler_flag = flag.clone();
    ctrlc::set_handler(move || {
        if SIGNALS.fetch_add(1, Ordering::SeqCst) == 0 {
            handler_flag.store(true, Ordering::SeqCst);
            eprintln!(
                "\nkvcodec: stopping after the current key and saving the checkpoint (signal again to quit at once)"
            );
        } else {
            eprintln!("kvcodec: stopped at once; the checkpoint of the last completed batch is kept");
            std::process::exit(i32::from(EXIT_CODE));
        }
    })
    .map_err(InterruptError)?;
    Ok(FLAG.get_or_init(|| flag).clone())
}
