//! The shared kvcodec conformance suite, the backend descriptor, and concurrent use.

use kvcodec::{CodecId, conformance};
use kvcodec_snappy::{BACKEND, SnappyCodec};

#[test]
fn passes_conformance() {
    kvcodec::conformance::check(&SnappyCodec::new());
    kvcodec::conformance::check(BACKEND.codec(None).unwrap().as_ref());
}

#[test]
fn backend_describes_snappy() {
    conformance::check_descriptor(
        &BACKEND,
        conformance::Descriptor {
            name: "snappy",
            id: CodecId::SNAPPY,
            levels: None,
            default_level: 0,
            refused: (1, "snappy has none"),
        },
    );
}

#[test]
fn one_codec_serves_many_threads() {
    conformance::check_threads(&SnappyCodec::new(), 4, 50, 97);
}
