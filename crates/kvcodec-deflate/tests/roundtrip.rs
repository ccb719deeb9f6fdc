//! Property tests: any input round-trips at any level, and inflates with flate2's reference
//! `DeflateDecoder`.

use std::io::Read;

use kvcodec_deflate::DeflateCodec;
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn round_trips(
        level in 0i32..=9,
        input in prop_oneof![
            proptest::collection::vec(any::<u8>(), 0..5000),
            proptest::collection::vec(0u8..4, 0..70_000),
        ],
        existing in proptest::collection::vec(any::<u8>(), 0..16),
    ) {
        let codec = DeflateCodec::new(level).unwrap();
        let payload = kvcodec::conformance::round_trip(&codec, &input, &existing);
        let mut reference = Vec::new();
        flate2::read::DeflateDecoder::new(&payload[4..]).read_to_end(&mut reference).unwrap();
        prop_assert_eq!(&reference, &input);
    }

    #[test]
    fn garbage_never_exceeds_the_bound(payload in proptest::collection::vec(any::<u8>(), 0..200)) {
        kvcodec::conformance::check_garbage(&DeflateCodec::default(), &payload);
    }
}
