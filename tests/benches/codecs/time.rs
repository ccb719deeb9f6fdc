//! One contender timed alone (`ops time`): one side of a comparison made one variant per
//! process, which `scripts/per-process.sh` runs for the engine and the direct call in turn.

use crate::ab::{batch, schedule};
use crate::ops;

/// Times contender `name` alone doing `op` (`encode`, `decode`) on the values of `input`:
/// the fastest of rounds of batches, in ns per value. One side of a comparison made one
/// variant per process (`ops time`, run alternately for each side by a script), where
/// neither side's code or data shares the caches with the other's.
pub fn alone(name: &str, op: &str, input: &str) -> f64 {
    let mut c = ops::contender(name);
    let values = ops::values(name, input);
    let stored: Vec<Vec<u8>> = values.iter().map(|v| c.encode(v).into_owned()).collect();
    let decode = op == "decode";
    let mut f = || -> usize {
        if decode {
            (stored.iter().zip(&values))
                .map(|(s, v)| c.decode(s, v.len()).len())
                .sum()
        } else {
            values.iter().map(|v| c.encode(v).len()).sum()
        }
    };
    for _ in 0..3 {
        batch(1, &mut f);
    }
    // The batches and rounds one side gets in a pair.
    let (k, rounds) = schedule(batch(1, &mut f));
    let fastest = (0..rounds)
        .map(|_| batch(k, &mut f))
        .fold(f64::INFINITY, f64::min);
    fastest / values.len() as f64
}
