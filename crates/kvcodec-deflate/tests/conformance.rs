//! The shared kvcodec conformance suite at several levels, the backend descriptor, and
//! concurrent use.

use std::sync::Arc;

use kvcodec::{Codec, CodecId, decode_with_limit};
use kvcodec_deflate::{BACKEND, DeflateCodec};

#[test]
fn passes_conformance_at_levels_0_1_6_9() {
    for level in [0, 1, 6, 9] {
        kvcodec::conformance::check(&DeflateCodec::new(level).unwrap());
    }
}

#[test]
fn backend_describes_deflate() {
    assert_eq!(BACKEND.name, "deflate");
    assert_eq!(BACKEND.id, CodecId::DEFLATE);
    assert_eq!(BACKEND.levels, Some(0..=9));
    assert_eq!(BACKEND.default_level, 6);
    let codec = BACKEND.codec(None).unwrap();
    assert_eq!((codec.id(), codec.name()), (CodecId::DEFLATE, "deflate"));
    let Err(err) = BACKEND.codec(Some(10)) else {
        panic!("level 10 accepted")
    };
    assert!(err.to_string().contains("0..=9"), "{err}");
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
    let codec = Arc::new(DeflateCodec::default());
    std::thread::scope(|s| {
        for t in 0..4u64 {
            let codec = &codec;
            s.spawn(move || {
                for i in 0..30 {
                    let input = kvcodec::conformance::text(100 + 997 * i, t * 1000 + i as u64);
                    let mut payload = Vec::new();
                    codec.compress(&input, &mut payload).unwrap();
                    assert_eq!(
                        decode_with_limit(codec.as_ref(), &payload, 1 << 20).unwrap(),
                        input
                    );
                }
            });
        }
    });
}
