//! The shared kvcodec conformance suite, and the backend descriptor.

use kvcodec::CodecId;
use kvcodec_lz4::{BACKEND, Lz4Codec};

#[test]
fn passes_conformance() {
    kvcodec::conformance::check(&Lz4Codec::default());
}

#[test]
fn passes_conformance_through_the_backend() {
    for level in [None, Some(-128), Some(12)] {
        kvcodec::conformance::check(BACKEND.codec(level).unwrap().as_ref());
    }
}

#[test]
fn backend_describes_glide_lz4() {
    assert_eq!(BACKEND.name, "lz4");
    assert_eq!(BACKEND.id, CodecId::LZ4);
    assert_eq!(BACKEND.levels, Some(-128..=12));
    assert_eq!(BACKEND.default_level, 0);
    let codec = BACKEND.codec(None).unwrap();
    assert_eq!((codec.id(), codec.name()), (CodecId::LZ4, "lz4"));
    let Err(err) = BACKEND.codec(Some(13)) else {
        panic!("level 13 accepted")
    };
    assert!(err.to_string().contains("-128..=12"), "{err}");
}
