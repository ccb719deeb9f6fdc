//! The shared kvcodec conformance suite on both implementations, and the backend descriptor.

use kvcodec::{CodecId, conformance};
use kvcodec_lz4::{BACKEND, Implementation, Lz4Codec};

/// Every implementation this build has.
fn implementations() -> Vec<Implementation> {
    vec![
        #[cfg(feature = "liblz4")]
        Implementation::LibLz4,
        Implementation::Lz4Flex,
    ]
}

#[test]
fn passes_conformance() {
    kvcodec::conformance::check(&Lz4Codec::default());
}

#[test]
fn every_implementation_passes_conformance_at_every_kind_of_level() {
    for implementation in implementations() {
        for level in [-128, -8, -1, 0, 1, 3, 4, 9, 10, 12] {
            let codec = Lz4Codec::with_implementation(level, implementation).unwrap();
            assert_eq!(codec.implementation(), implementation);
            kvcodec::conformance::check(&codec);
        }
    }
}

#[test]
fn passes_conformance_through_the_backend() {
    for level in [None, Some(-128), Some(12)] {
        kvcodec::conformance::check(BACKEND.codec(level).unwrap().as_ref());
    }
}

#[test]
fn default_implementation_follows_the_feature() {
    let expected = if cfg!(feature = "liblz4") {
        "LibLz4"
    } else {
        "Lz4Flex"
    };
    assert_eq!(format!("{:?}", Implementation::DEFAULT), expected);
    assert_eq!(
        Lz4Codec::default().implementation(),
        Implementation::DEFAULT
    );
    assert_eq!(
        Lz4Codec::new(5).unwrap().implementation(),
        Implementation::DEFAULT
    );
}

#[test]
fn levels_are_checked() {
    assert_eq!(Lz4Codec::new(12).unwrap().level(), 12);
    assert_eq!(Lz4Codec::new(-128).unwrap().level(), -128);
    let err = Lz4Codec::new(13).unwrap_err();
    assert!(err.to_string().contains("-128..=12"), "{err}");
    assert!(Lz4Codec::new(-129).is_err());
    assert!(Lz4Codec::with_implementation(13, Implementation::Lz4Flex).is_err());
}

#[test]
fn backend_describes_glide_lz4() {
    conformance::check_descriptor(
        &BACKEND,
        conformance::Descriptor {
            name: "lz4",
            id: CodecId::LZ4,
            levels: Some(-128..=12),
            default_level: 0,
            refused: (13, "-128..=12"),
        },
    );
}
