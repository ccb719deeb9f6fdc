//! The exported names: every counter series of a snapshot, the codec label, `# HELP` texts.

use metrics::{describe_counter, describe_histogram};

use crate::{CodecId, CountersSnapshot, FailureKind};

/// One exported counter series: name, codec label, one more label.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) struct Series {
    pub(super) name: &'static str,
    pub(super) codec: Option<CodecId>,
    pub(super) label: Option<(&'static str, &'static str)>,
}

/// Every counter series of a snapshot, with its value.
pub(super) fn series(s: &CountersSnapshot) -> Vec<(Series, u64)> {
    let mut out = Vec::new();
    for c in &s.codecs {
        let of = |name, label| Series {
            name,
            codec: Some(c.codec),
            label,
        };
        for (op, counts) in [("compress", &c.compress), ("decompress", &c.decompress)] {
            let op = Some(("operation", op));
            out.push((of("kvcodec_values_total", op), counts.values));
            out.push((of("kvcodec_bytes_in_total", op), counts.bytes_in));
            out.push((of("kvcodec_bytes_out_total", op), counts.bytes_out));
        }
        for (kind, n) in c.failures {
            let kind_label = Some(("kind", kind.as_str()));
            out.push((of("kvcodec_decode_failures_total", kind_label), n));
        }
        let size_limit = c.failures_of(FailureKind::SizeLimit);
        out.push((of("kvcodec_size_limit_rejections_total", None), size_limit));
        out.push((of("kvcodec_raw_fallbacks_total", None), c.raw_fallbacks));
        out.push((of("kvcodec_escaped_values_total", None), c.escaped));
    }
    for (reason, n) in s.skipped {
        let series = Series {
            name: "kvcodec_skipped_total",
            codec: None,
            label: Some(("reason", reason.as_str())),
        };
        out.push((series, n));
    }
    out
}

pub(super) fn codec_label(id: CodecId) -> String {
    id.label().into_owned()
}

/// The `# HELP` text of every metric. No units: an exporter that appends unit suffixes (say
/// `with_recommended_naming`) would otherwise rename `kvcodec_bytes_in_total`.
pub(super) fn describe() {
    let help = [
        ("kvcodec_values_total", "Values compressed or decoded."),
        (
            "kvcodec_bytes_in_total",
            "Bytes into compress (plain) or decompress (stored).",
        ),
        (
            "kvcodec_bytes_out_total",
            "Bytes out of compress (stored) or decompress (plain).",
        ),
        ("kvcodec_skipped_total", "Values stored plain, by reason."),
        (
            "kvcodec_decode_failures_total",
            "Stored values with a header that failed to decode.",
        ),
        (
            "kvcodec_size_limit_rejections_total",
            "Values refused for max_decompressed_size.",
        ),
        (
            "kvcodec_raw_fallbacks_total",
            "Undecodable values returned as stored.",
        ),
        (
            "kvcodec_escaped_values_total",
            "Values stored encoded because they start with the header magic.",
        ),
    ];
    for (name, text) in help {
        describe_counter!(name, text);
    }
    describe_histogram!("kvcodec_compress_seconds", "Time to compress one value.");
    describe_histogram!("kvcodec_decompress_seconds", "Time to decode one value.");
    describe_histogram!(
        "kvcodec_compression_ratio",
        "Plain / stored bytes per compressed value."
    );
}
