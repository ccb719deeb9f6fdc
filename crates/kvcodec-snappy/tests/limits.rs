//! Size limits apply to the declared length, before anything is allocated.

use kvcodec::codec::DecodeBound;
use kvcodec::{Codec, CodecId, Error};
use kvcodec_snappy::{BACKEND, SnappyCodec};

/// A payload declaring `u32::MAX` bytes (varint `ff ff ff ff 0f`), then one short literal.
const HUGE: [u8; 8] = [0xff, 0xff, 0xff, 0xff, 0x0f, 0x04, b'a', b'b'];

#[test]
fn engine_declared_length_limits() {
    // 3 bytes of body cannot hold 4 GiB: corrupt; a real value over the limit: too large.
    kvcodec::conformance::check_declared_limits(BACKEND.codec(None).unwrap(), &HUGE);
}

#[test]
fn codec_refuses_before_growing_the_output() {
    let mut out = Vec::new();
    let err = SnappyCodec::new()
        .decompress(&HUGE, DecodeBound::AtMost(1 << 20), &mut out)
        .unwrap_err();
    assert!(matches!(err, Error::DeclaredSizeTooLarge { .. }), "{err}");
    assert_eq!(out.capacity(), 0, "nothing was allocated");
}

#[test]
fn a_length_over_the_format_maximum_is_corrupt() {
    // varint 2^32: more than raw Snappy can declare.
    let payload = [0x80, 0x80, 0x80, 0x80, 0x10, 0x00];
    let err = SnappyCodec::new().declared_len(&payload).unwrap_err();
    assert!(
        matches!(
            err,
            Error::Corrupt {
                codec: CodecId::SNAPPY,
                ..
            }
        ),
        "{err}"
    );
}
