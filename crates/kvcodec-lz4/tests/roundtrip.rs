//! Property tests: any input round-trips, and decodes with lz4_flex's reference function.

use kvcodec_lz4::Lz4Codec;
use proptest::prelude::*;

proptest! {
    #[test]
    fn round_trips(
        input in prop_oneof![
            proptest::collection::vec(any::<u8>(), 0..5000),
            proptest::collection::vec(0u8..4, 0..20_000),
        ],
        existing in proptest::collection::vec(any::<u8>(), 0..16),
    ) {
        let codec = Lz4Codec::default();
        let payload = kvcodec::conformance::round_trip(&codec, &input, &existing);
        prop_assert_eq!(&lz4_flex::block::decompress_size_prepended(&payload).unwrap(), &input);
    }

    #[test]
    fn garbage_never_exceeds_the_bound(payload in proptest::collection::vec(any::<u8>(), 0..200)) {
        kvcodec::conformance::check_garbage(&Lz4Codec::default(), &payload);
    }
}
