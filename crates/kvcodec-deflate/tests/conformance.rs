//! The shared kvcodec conformance suite at several levels, the backend descriptor, and
//! concurrent use.

use kvcodec::{Codec, CodecId, conformance};
use kvcodec_deflate::{BACKEND, DeflateCodec};

#[test]
fn passes_conformance_at_levels_0_1_6_9() {
    for level in [0, 1, 6, 9] {
        kvcodec::conformance::check(&DeflateCodec::new(level).unwrap());
    }
}

#[test]
fn backend_describes_deflate() {
    conformance::check_descriptor(
        &BACKEND,
        conformance::Descriptor {
            name: "deflate",
            id: CodecId::DEFLATE,
            levels: Some(0..=9),
            default_level: 6,
            refused: (10, "0..=9"),
        },
    );
    assert!(DeflateCodec::new(-1).is_err());
}

#[test]
fn higher_levels_compress_text_smaller() {
    let input = kvcodec::conformance::text(65_536, 4);
    let size = |level| {
        let mut out = Vec::new();
        DeflateCodec::new(level)
            .unwrap()
            .compress(&input, &mut out)
            .unwrap();
        out.len()
    };
    let (l0, l1, l9) = (size(0), size(1), size(9));
    assert!(l0 > input.len(), "level 0 stores: {l0}");
    assert!(
        l9 < l1 && l1 < l0,
        "level 9 {l9}, level 1 {l1}, level 0 {l0}"
    );
}

#[test]
fn one_codec_serves_many_threads() {
    conformance::check_threads(&DeflateCodec::default(), 4, 30, 997);
}
