//! The `header` target's check: `Header::parse`, `has_header` and `to_bytes` on arbitrary bytes.

use kvcodec::CodecId;
use kvcodec::header::{HEADER_LEN, Header, MAGIC, has_header};
use kvcodec::policy::{NotCompressed, Policy, SkipReason};

/// `Header::parse` succeeds exactly when `has_header` says so (≥ 5 bytes starting with the
/// magic), and then splits at byte 5; `NotCompressed` refuses exactly those values;
/// `to_bytes`/`write` give the parsed bytes back; any version and codec byte round-trip.
pub fn check_header(data: &[u8]) {
    let parsed = Header::parse(data);
    assert_eq!(parsed.is_some(), has_header(data));
    assert_eq!(has_header(data), data.len() >= HEADER_LEN && data.starts_with(&MAGIC));
    assert_eq!(NotCompressed.admit(data) == Err(SkipReason::AlreadyCompressed), has_header(data));
    if let Some((header, payload)) = parsed {
        assert_eq!(header.to_bytes(), data[..HEADER_LEN]);
        assert_eq!(payload, &data[HEADER_LEN..]);
        let mut written = Vec::new();
        header.write(&mut written);
        assert_eq!(written, data[..HEADER_LEN]);
    }
    if let [version, codec, ..] = *data {
        let header = Header { version, codec: CodecId(codec) };
        let bytes = header.to_bytes();
        assert_eq!(Header::parse(&bytes), Some((header, &[][..])));
        assert_eq!(Header::parse(&[&bytes[..], data].concat()), Some((header, data)));
    }
}
