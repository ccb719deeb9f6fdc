//! [`ThreadCpuTime`]: a criterion measurement of the benchmark thread's CPU time.
//!
//! On a shared machine, wall time counts the slices the scheduler gives to other processes;
//! the thread's CPU time (`CLOCK_THREAD_CPUTIME_ID`) does not, so engine-vs-direct ratios
//! stay meaningful under load (cache and memory-bandwidth interference remain). Every
//! benchmark here runs on the calling thread only (zstd runs without worker threads), so
//! nothing is missed. Choose it with `KVCODEC_BENCH_CLOCK=cpu`.

use std::time::Duration;

use cpu_time::ThreadTime;
use criterion::measurement::{Measurement, ValueFormatter, WallTime};

/// CPU time of the calling thread, in nanoseconds, formatted like wall time.
pub struct ThreadCpuTime;

/// Wall time's formatter (ns → µs/ms, bytes/s): CPU time has the same unit.
static WALL: WallTime = WallTime;

impl Measurement for ThreadCpuTime {
    type Intermediate = ThreadTime;
    type Value = Duration;

    fn start(&self) -> ThreadTime {
        ThreadTime::now()
    }

    fn end(&self, start: ThreadTime) -> Duration {
        start.elapsed()
    }

    fn add(&self, a: &Duration, b: &Duration) -> Duration {
        *a + *b
    }

    fn zero(&self) -> Duration {
        Duration::ZERO
    }

    fn to_f64(&self, value: &Duration) -> f64 {
        value.as_nanos() as f64
    }

    fn formatter(&self) -> &dyn ValueFormatter {
        WALL.formatter()
    }
}
