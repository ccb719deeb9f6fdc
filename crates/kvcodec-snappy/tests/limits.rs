//! Size limits apply to the declared length, before anything is allocated.

use kvcodec::{Codec, CodecId, Error};
use kvcodec_snappy::{BACKEND, SnappyCodec};

/// A payload declaring `u32::MAX` bytes (varint `ff ff ff ff 0f`), then one short literal.
const HUGE: [u8; 8] = [0xff, 0xff, 0xff, 0xff, 0x0f, 0x04, b'a', b'b'];

#[test]
fn a_4_gib_declaration_is_refused_before_allocating() {
    // 3 bytes of body cannot hold 4 GiB: corrupt, and the codec refuses it before growing the
    // output; a real value over the limit: too large.
    kvcodec::conformance::check_huge_declaration(BACKEND.codec(None).unwrap(), &HUGE);
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
