//! Property and concurrency tests.

use std::sync::Arc;

use kvcodec::{Codec, decode_with_limit};
use kvcodec_zstd::ZstdCodec;
use proptest::prelude::*;

fn round_trip(codec: &ZstdCodec, input: &[u8]) -> Vec<u8> {
    let mut payload = vec![0xAB; 3];
    codec.compress(input, &mut payload).unwrap();
    assert_eq!(payload[..3], [0xAB; 3]);
    decode_with_limit(codec, &payload[3..], input.len()).unwrap()
}

proptest! {
    #[test]
    fn arbitrary_bytes_round_trip(
        input in proptest::collection::vec(any::<u8>(), 0..20_000),
        level in prop::sample::select(vec![-100, -1, 1, 3, 9, 19]),
    ) {
        let codec = ZstdCodec::new(level).unwrap();
        prop_assert_eq!(round_trip(&codec, &input), input);
    }

    #[test]
    fn repetitive_bytes_round_trip(
        unit in proptest::collection::vec(any::<u8>(), 1..40),
        times in 0usize..3000,
        level in prop::sample::select(vec![-5, 3, 19]),
    ) {
        let input = unit.repeat(times);
        let codec = ZstdCodec::new(level).unwrap();
        prop_assert_eq!(round_trip(&codec, &input), input);
    }

    #[test]
    fn streaming_frames_round_trip(input in proptest::collection::vec(any::<u8>(), 0..20_000)) {
        let frame = kvcodec_zstd::glide_frame(&input, 3).unwrap();
        let decoded = decode_with_limit(&ZstdCodec::default(), &frame, input.len()).unwrap();
        prop_assert_eq!(decoded, input);
    }
}

#[test]
fn eight_threads_share_one_codec() {
    let codec = Arc::new(ZstdCodec::new(3).unwrap());
    let threads: Vec<_> = (0..8u64)
        .map(|t| {
            let codec = Arc::clone(&codec);
            std::thread::spawn(move || {
                for i in 0..200u64 {
                    let n = 64 + ((t * 7919 + i * 104_729) % 8192) as usize;
                    let value = kvcodec::conformance::text(n, t * 1000 + i + 1);
                    let mut payload = Vec::new();
                    codec.compress(&value, &mut payload).unwrap();
                    let decoded = decode_with_limit(codec.as_ref(), &payload, n).unwrap();
                    assert!(decoded == value, "thread {t}, value {i}");
                    // GLIDE-style frames go through the pooled streaming contexts.
                    let frame = kvcodec_zstd::glide_frame(&value, 1).unwrap();
                    assert!(decode_with_limit(codec.as_ref(), &frame, n).unwrap() == value);
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let (cctx, dctx) = kvcodec_zstd::idle_contexts();
    assert!(
        (1..=8).contains(&cctx) && (1..=8).contains(&dctx),
        "idle contexts: {cctx}, {dctx}"
    );
}
