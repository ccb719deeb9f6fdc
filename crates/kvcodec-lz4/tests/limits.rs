//! Size limits apply to the declared length, before anything is allocated.

use kvcodec::codec::DecodeBound;
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
fn engine_declared_length_limits() {
    // 4 bytes of block cannot hold 4 GiB: corrupt; a real value over the limit: too large.
    kvcodec::conformance::check_declared_limits(
        BACKEND.codec(None).unwrap(),
        &four_gib_value()[5..],
    );
}

#[test]
fn codec_refuses_before_growing_the_output() {
    let mut out = Vec::new();
    let err = Lz4Codec::default()
        .decompress(
            &four_gib_value()[5..],
            DecodeBound::AtMost(1 << 20),
            &mut out,
        )
        .unwrap_err();
    assert!(matches!(err, Error::DeclaredSizeTooLarge { .. }), "{err}");
    assert_eq!(out.capacity(), 0, "nothing was allocated");
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
