//! The shared kvcodec conformance suite, the backend descriptor, and concurrent use.

use std::sync::Arc;

use kvcodec::{Codec, CodecId, decode_with_limit};
use kvcodec_snappy::{BACKEND, SnappyCodec};

#[test]
fn passes_conformance() {
    kvcodec::conformance::check(&SnappyCodec::new());
    kvcodec::conformance::check(BACKEND.codec(None).unwrap().as_ref());
}

#[test]
fn backend_describes_snappy() {
    assert_eq!(BACKEND.name, "snappy");
    assert_eq!(BACKEND.id, CodecId::SNAPPY);
    assert_eq!(BACKEND.levels, None);
    let codec = BACKEND.codec(None).unwrap();
    assert_eq!((codec.id(), codec.name()), (CodecId::SNAPPY, "snappy"));
    let Err(err) = BACKEND.codec(Some(1)) else {
        panic!("a level was accepted")
    };
    assert!(err.to_string().contains("snappy has none"), "{err}");
}

#[test]
fn one_codec_serves_many_threads() {
    let codec = Arc::new(SnappyCodec::new());
    std::thread::scope(|s| {
        for t in 0..4u64 {
            let codec = &codec;
            s.spawn(move || {
                for i in 0..50 {
                    let input = kvcodec::conformance::text(100 + 97 * i, t * 1000 + i as u64);
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
