//! Size limits apply to the declared length, before anything is allocated.

use kvcodec::{Codec, CodecId, Error};
use kvcodec_lz4::{BACKEND, Lz4Codec};

/// Header, then a payload declaring `u32::MAX` bytes (4 GiB - 1) with a tiny block.
fn four_gib_value() -> Vec<u8> {
    [
        &[0, 1, 2, 0, 2][..],
        &u32::MAX.to_le_bytes(),
        &[0x1f, 0x61, 0x01, 0x00],
    ]
    .concat()
}

#[test]
fn a_4_gib_declaration_is_refused_before_allocating() {
    // 4 bytes of block cannot hold 4 GiB: corrupt, and the codec refuses it before growing
    // the output; a real value over the limit: too large.
    kvcodec::conformance::check_huge_declaration(
        BACKEND.codec(None).unwrap(),
        &four_gib_value()[5..],
    );
}

#[test]
fn a_lying_prefix_is_a_length_mismatch() {
    let mut payload = Vec::new();
    Lz4Codec::default()
        .compress(&[b'a'; 100], &mut payload)
        .unwrap();
    payload[..4].copy_from_slice(&200u32.to_le_bytes());
    let err = kvcodec::decode_with_limit(&Lz4Codec::default(), &payload, 1000).unwrap_err();
    assert_eq!(
        err,
        Error::LengthMismatch {
            codec: CodecId::LZ4,
            expected: 200,
            found: 100
        }
    );
}
