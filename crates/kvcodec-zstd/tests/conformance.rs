//! The kvcodec conformance suite, at several levels and with a dictionary, and the backend
//! descriptor.

mod common;

use kvcodec::{CodecId, conformance};
use kvcodec_zstd::{BACKEND, ZstdCodec, dictionary_id};

#[test]
fn conformance_at_levels() {
    for level in [-5, 1, 3, 19] {
        kvcodec::conformance::check(&ZstdCodec::new(level).unwrap());
    }
}

#[test]
fn conformance_with_a_dictionary() {
    let dict = common::record_dictionary();
    let id = dictionary_id(&dict).unwrap();
    let codec = ZstdCodec::builder()
        .level(3)
        .dictionary(&dict)
        .unwrap()
        .write_with_dictionary(id)
        .build()
        .unwrap();
    kvcodec::conformance::check(&codec);
}

#[test]
fn conformance_through_box_dyn() {
    let codec: Box<dyn kvcodec::Codec> = Box::new(ZstdCodec::default());
    kvcodec::conformance::check(&codec);
}

#[test]
fn backend_describes_zstd() {
    conformance::check_descriptor(
        &BACKEND,
        conformance::Descriptor {
            name: "zstd",
            id: CodecId::ZSTD,
            levels: Some(-131_072..=22),
            default_level: 3,
            refused: (23, "-131072..=22"),
        },
    );
}

#[test]
fn conformance_of_the_compact_dictionary_codec() {
    let set = kvcodec_zstd::Dictionaries::new();
    let id = set.insert(&common::record_dictionary()).unwrap();
    kvcodec::conformance::check(&kvcodec_zstd::ZstdDictCodec::writer(set, id, 3).unwrap());
}
