//! Property tests: any input round-trips, and decodes with `snap`'s reference decoder.

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
        let payload = kvcodec::conformance::round_trip(&codec, &input, &existing);
        prop_assert_eq!(&snap::raw::Decoder::new().decompress_vec(&payload).unwrap(), &input);
    }

    #[test]
    fn garbage_never_exceeds_the_bound(payload in proptest::collection::vec(any::<u8>(), 0..200)) {
        kvcodec::conformance::check_garbage(&SnappyCodec::new(), &payload);
    }
}
