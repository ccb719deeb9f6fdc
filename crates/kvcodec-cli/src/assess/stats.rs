//! Size distribution of a corpus: percentiles, histogram buckets, share below a minimum.

use serde::Serialize;

use crate::units::{human_bytes, pct};

/// Histogram bucket edges in bytes: each bucket is `[edge[i], edge[i + 1])`, the last open.
pub(crate) const BUCKET_EDGES: [usize; 8] = [0, 64, 256, 1024, 4096, 16_384, 65_536, 262_144];

/// Count, percentiles and histogram of value sizes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct SizeStats {
    /// Number of values.
    pub(crate) count: usize,
    /// Sum of the sizes.
    pub(crate) total_bytes: u64,
    /// Smallest size.
    pub(crate) min: usize,
    /// Median (nearest rank).
    pub(crate) p50: usize,
    /// 90th percentile (nearest rank).
    pub(crate) p90: usize,
    /// 99th percentile (nearest rank).
    pub(crate) p99: usize,
    /// Largest size.
    pub(crate) max: usize,
    /// Buckets of [`BUCKET_EDGES`], up to the one holding `max`.
    pub(crate) buckets: Vec<Bucket>,
}

/// One histogram bucket: sizes in `lo..hi` (`hi = None`: no upper edge).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct Bucket {
    /// `"1 KiB–4 KiB"`.
    pub(crate) label: String,
    /// Smallest size in the bucket.
    pub(crate) lo: usize,
    /// First size past the bucket.
    pub(crate) hi: Option<usize>,
    /// Values in the bucket.
    pub(crate) values: usize,
    /// Their total size.
    pub(crate) bytes: u64,
}

/// How much of the corpus is below a minimum compression size (stored plain by policy).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct BelowMin {
    /// The minimum size.
    pub(crate) min_size: usize,
    /// Values shorter than it.
    pub(crate) values: usize,
    /// As a percentage of all values.
    pub(crate) values_pct: f64,
    /// Their bytes.
    pub(crate) bytes: u64,
    /// As a percentage of all bytes.
    pub(crate) bytes_pct: f64,
}

/// Nearest-rank percentile `p` (0–100) of sorted, non-empty `sorted`.
pub(crate) fn percentile(sorted: &[usize], p: f64) -> usize {
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

impl SizeStats {
    /// The distribution of `sizes` (may be empty).
    pub(crate) fn of(sizes: &[usize]) -> Self {
        let mut sorted = sizes.to_vec();
        sorted.sort_unstable();
        let pct = |p| {
            if sorted.is_empty() {
                0
            } else {
                percentile(&sorted, p)
            }
        };
        let max = sorted.last().copied().unwrap_or(0);
        let mut buckets = Vec::new();
        for (i, &lo) in BUCKET_EDGES.iter().enumerate() {
            if i > 0 && lo > max {
                break;
            }
            let hi = BUCKET_EDGES.get(i + 1).copied();
            let inside = sorted
                .iter()
                .filter(|&&s| s >= lo && hi.is_none_or(|h| s < h));
            let (values, bytes) = inside.fold((0, 0u64), |(n, b), &s| (n + 1, b + s as u64));
            let label = match hi {
                Some(hi) if lo == 0 => format!("< {}", human_bytes(hi as u64)),
                Some(hi) => format!("{}–{}", human_bytes(lo as u64), human_bytes(hi as u64)),
                None => format!("≥ {}", human_bytes(lo as u64)),
            };
            buckets.push(Bucket {
                label,
                lo,
                hi,
                values,
                bytes,
            });
        }
        SizeStats {
            count: sorted.len(),
            total_bytes: sorted.iter().map(|&s| s as u64).sum(),
            min: sorted.first().copied().unwrap_or(0),
            p50: pct(50.0),
            p90: pct(90.0),
            p99: pct(99.0),
            max,
            buckets,
        }
    }
}

impl BelowMin {
    /// The share of `sizes` shorter than `min_size`.
    pub(crate) fn of(sizes: &[usize], min_size: usize) -> Self {
        let total: u64 = sizes.iter().map(|&s| s as u64).sum();
        let below: Vec<usize> = sizes.iter().copied().filter(|&s| s < min_size).collect();
        let bytes: u64 = below.iter().map(|&s| s as u64).sum();
        BelowMin {
            min_size,
            values: below.len(),
            values_pct: pct(below.len() as f64, sizes.len() as f64),
            bytes,
            bytes_pct: pct(bytes as f64, total as f64),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_and_buckets() {
        let sizes: Vec<usize> = (1..=100).collect();
        let s = SizeStats::of(&sizes);
        assert_eq!(
            (s.count, s.min, s.p50, s.p90, s.p99, s.max),
            (100, 1, 50, 90, 99, 100)
        );
        assert_eq!(s.total_bytes, 5050);
        assert_eq!(s.buckets.len(), 2);
        assert_eq!(
            (s.buckets[0].label.as_str(), s.buckets[0].values),
            ("< 64 B", 63)
        );
        assert_eq!(
            (s.buckets[1].label.as_str(), s.buckets[1].values),
            ("64 B–256 B", 37)
        );
        let s = SizeStats::of(&[10, 300_000]);
        assert_eq!(s.buckets.last().unwrap().label, "≥ 256 KiB");
        assert_eq!(s.buckets.iter().map(|b| b.values).sum::<usize>(), 2);
        assert_eq!(SizeStats::of(&[]).count, 0);
    }

    #[test]
    fn below_min_share() {
        let b = BelowMin::of(&[10, 20, 70, 100], 64);
        assert_eq!((b.values, b.bytes), (2, 30));
        assert_eq!(b.values_pct, 50.0);
        assert_eq!(b.bytes_pct, 15.0);
    }
}
