//! Peak memory of one encode and one decode of a large value: the kernel's high-water mark of
//! resident memory (`VmHWM`) above what the process held before the value was made, so only
//! pages a path writes count, as they do for a real process. One process per measurement.
//!
//! ```text
//! cargo bench -p kvcodec-tests --bench codecs -- ops peak engine/zstd-3 256 json
//! ```

use std::borrow::Cow;

use kvcodec_tests::{html_page, json_value, status_bytes};

use crate::ops::contender;

/// Encodes then decodes a `mib` MiB value of `kind` (`html`, `json`, `text`) with `name` and
/// prints the stored size, its capacity and the peak over the baseline.
pub fn peak(name: &str, mib: usize, kind: &str) {
    let size = mib << 20;
    let mut c = contender(name);
    let before = status_bytes("VmRSS:");
    let value = match kind {
        "html" => html_page(size, 6),
        "json" => json_value(size, 3),
        "text" => kvcodec::conformance::text(size, 4),
        other => panic!("unknown kind {other}: html, json or text"),
    };
    let (len, capacity) = {
        let stored = c.encode(&value);
        let shape = match &stored {
            Cow::Owned(s) => (s.len(), s.capacity()),
            Cow::Borrowed(s) => (s.len(), s.len()),
        };
        let stored = stored.into_owned();
        let decoded = c.decode(&stored, value.len());
        assert!(decoded[..] == value[..], "round trip");
        shape
    };
    let hwm = status_bytes("VmHWM:");
    println!(
        "{name} {kind} {} B: stored {len} B (capacity {capacity} B), VmHWM - VmRSS before = {} B = {:.2}× the value",
        value.len(),
        hwm - before,
        (hwm - before) as f64 / value.len() as f64
    );
}
