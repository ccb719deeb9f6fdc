//! Inputs the cross-crate tests share: the backends kvcodec ships. (Test values are in
//! [`data`](crate::data) and [`keyspace`](crate::keyspace); GLIDE's vectors in
//! [`kvcodec::vectors`]; the inputs every codec round-trips in [`kvcodec::conformance`].)

use kvcodec::Backend;

/// Every backend kvcodec ships, in header-id order: zstd, lz4, snappy, deflate.
pub const BACKENDS: [&Backend; 4] = [
    &kvcodec_zstd::BACKEND,
    &kvcodec_lz4::BACKEND,
    &kvcodec_snappy::BACKEND,
    &kvcodec_deflate::BACKEND,
];
