//! Property tests: any input round-trips, and decodes with `snap`'s reference decoder.

use kvcodec::codec::DecodeBound;
use kvcodec::{Codec, decode_with_limit};
use kvcodec_snappy::SnappyCodec;
use proptest::prelude::*;

proptest! {
    #[test]
    fn round_trips(
        input in prop_oneof![
            proptest::collection::vec(any::<u8>(), 0..5000),
            proptest::collection::vec(0u8..4, 0..70_000),
        ],
        existing in proptest::collection::vec(any::<u8>(), 0..16),
    ) {
        let codec = SnappyCodec::new();
        let mut out = existing.clone();
        codec.compress(&input, &mut out).unwrap();
        prop_assert_eq!(&out[..existing.len()], &existing[..]);
        let payload = &out[existing.len()..];
        prop_assert!(payload.len() <= codec.max_compressed_len(input.len()));
        prop_assert_eq!(&decode_with_limit(&codec, payload, input.len()).unwrap(), &input);
        prop_assert_eq!(&snap::raw::Decoder::new().decompress_vec(payload).unwrap(), &input);

        let mut decoded = existing.clone();
        codec.decompress(payload, DecodeBound::Exact(input.len()), &mut decoded).unwrap();
        prop_assert_eq!(&decoded[..existing.len()], &existing[..]);
        prop_assert_eq!(&decoded[existing.len()..], &input[..]);
    }

    #[test]
    fn garbage_never_exceeds_the_bound(payload in proptest::collection::vec(any::<u8>(), 0..200)) {
        if let Ok(out) = decode_with_limit(&SnappyCodec::new(), &payload, 1000) {
            prop_assert!(out.len() <= 1000);
        }
    }
}
