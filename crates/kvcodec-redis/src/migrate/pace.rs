//! [`Pacer`]: at most `rate` keys per second over all the threads of a run.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::error::MigrateError;

/// Slowest rate accepted: one key every 1000 s.
pub const MIN_RATE: f64 = 0.001;

/// Hands out evenly spaced start times, one per key, shared by every thread of a run.
#[derive(Debug)]
pub struct Pacer {
    every: Option<Duration>,
    next: Mutex<Instant>,
}

impl Pacer {
    /// At most `rate` keys per second; `None` for no limit. A rate that is not a finite
    /// number of at least [`MIN_RATE`] is an error.
    pub fn new(rate: Option<f64>) -> Result<Self, MigrateError> {
        let every = match rate {
            None => None,
            Some(r) if r.is_finite() && r >= MIN_RATE => Some(Duration::from_secs_f64(1.0 / r)),
            Some(r) => {
                let r = if r != 0.0 && r.is_finite() && (r.abs() < MIN_RATE || r.abs() >= 1e15) {
                    format!("{r:e}")
                } else {
                    r.to_string()
                };
                return Err(MigrateError::Option(format!(
                    "--rate {r}: expected a positive number of keys per second, at least {MIN_RATE}"
                )));
            }
        };
        Ok(Pacer {
            every,
            next: Mutex::new(Instant::now()),
        })
    }

    /// Waits for this key's turn; returns early (`false`) when `halted()` turns true.
    pub fn wait(&self, halted: &dyn Fn() -> bool) -> bool {
        let Some(every) = self.every else {
            return true;
        };
        let at = {
            let mut next = self.next.lock().unwrap_or_else(|e| e.into_inner());
            let now = Instant::now();
            let at = (*next).max(now);
            *next = at + every;
            at
        };
        loop {
            if halted() {
                return false;
            }
            let now = Instant::now();
            if now >= at {
                return true;
            }
            std::thread::sleep((at - now).min(Duration::from_millis(50)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_are_checked() {
        for bad in [0.0, -1.0, 1e-300, f64::NAN, f64::INFINITY] {
            let err = Pacer::new(Some(bad)).unwrap_err().to_string();
            assert!(err.contains("expected a positive number"), "{err}");
        }
        let err = Pacer::new(Some(1e-300)).unwrap_err().to_string();
        assert!(err.starts_with("--rate 1e-300: "), "{err}");
        assert!(Pacer::new(Some(MIN_RATE)).is_ok());
        assert!(Pacer::new(Some(1e12)).is_ok());
    }

    #[test]
    fn a_stop_ends_the_wait() {
        let pacer = Pacer::new(Some(MIN_RATE)).unwrap();
        assert!(pacer.wait(&|| false), "the first key goes at once");
        assert!(!pacer.wait(&|| true));
    }
}
