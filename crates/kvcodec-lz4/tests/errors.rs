//! Corrupt payloads give typed errors and leave the output as it was, on both implementations.

use kvcodec::codec::DecodeBound::{self, AtMost, Exact};
use kvcodec::{Codec, CodecId, Error};
use kvcodec_lz4::{Implementation, Lz4Codec};

fn codecs() -> Vec<Lz4Codec> {
    vec![
        #[cfg(feature = "liblz4")]
        Lz4Codec::with_implementation(0, Implementation::LibLz4).unwrap(),
        Lz4Codec::with_implementation(0, Implementation::Lz4Flex).unwrap(),
    ]
}

/// A valid payload of `n` bytes of `b'a'`, with its prefix replaced by `declared`.
fn declaring(n: usize, declared: u32) -> Vec<u8> {
    let mut payload = Vec::new();
    Lz4Codec::default()
        .compress(&vec![b'a'; n], &mut payload)
        .unwrap();
    payload[..4].copy_from_slice(&declared.to_le_bytes());
    payload
}

/// Decodes into a `Vec` holding `[1, 2]`, which must hold exactly that again on error.
fn fails(codec: &Lz4Codec, payload: &[u8], bound: DecodeBound) -> Error {
    let mut out = vec![1, 2];
    let err = codec.decompress(payload, bound, &mut out).unwrap_err();
    assert_eq!(out, [1, 2], "{codec:?}: output changed on error");
    err
}

#[test]
fn a_block_longer_than_declared_is_a_length_mismatch() {
    let payload = declaring(100, 50);
    for codec in codecs() {
        match fails(&codec, &payload, Exact(50)) {
            // liblz4 (through the block's own sequence lengths) knows the exact length;
            // lz4_flex reports a lower bound.
            Error::LengthMismatch {
                codec: CodecId::LZ4,
                expected: 50,
                found,
            } => {
                assert!(found > 50, "{found}");
                if codec.implementation() != Implementation::Lz4Flex {
                    assert_eq!(found, 100);
                }
            }
            err => panic!("{codec:?}: {err}"),
        }
    }
}

#[test]
fn a_block_shorter_than_declared_is_a_length_mismatch() {
    let payload = declaring(100, 200);
    for codec in codecs() {
        let err = fails(&codec, &payload, AtMost(1000));
        let want = Error::LengthMismatch {
            codec: CodecId::LZ4,
            expected: 200,
            found: 100,
        };
        assert_eq!(err, want, "{codec:?}");
    }
}

#[test]
fn malformed_blocks_are_corrupt() {
    let cases: [(&str, Vec<u8>); 4] = [
        ("garbage", [&10u32.to_le_bytes()[..], &[0xff; 8]].concat()),
        // 1 literal, then a match 2 bytes back: before the start of the output.
        (
            "offset before the start",
            [&10u32.to_le_bytes()[..], &[0x15, b'a', 2, 0, 0x10, b'a']].concat(),
        ),
        (
            "offset 0",
            [&10u32.to_le_bytes()[..], &[0x15, b'a', 0, 0, 0x10, b'a']].concat(),
        ),
        ("no block at all", 10u32.to_le_bytes().to_vec()),
    ];
    for codec in codecs() {
        for (what, payload) in &cases {
            let err = fails(&codec, payload, Exact(10));
            assert!(
                matches!(
                    err,
                    Error::Corrupt {
                        codec: CodecId::LZ4,
                        ..
                    } | Error::LengthMismatch { .. }
                ),
                "{codec:?}, {what}: {err}"
            );
        }
        let err = fails(&codec, &cases[0].1, Exact(10));
        assert!(matches!(err, Error::Corrupt { .. }), "{codec:?}: {err}");
    }
}

#[test]
fn bounds_are_checked_before_decoding() {
    let payload = declaring(100, 100);
    for codec in codecs() {
        let err = fails(&codec, &payload, AtMost(99));
        assert_eq!(
            err,
            Error::DeclaredSizeTooLarge {
                codec: CodecId::LZ4,
                declared: 100,
                limit: 99
            },
            "{codec:?}"
        );
        let err = fails(&codec, &payload, Exact(101));
        assert!(
            matches!(
                err,
                Error::LengthMismatch {
                    expected: 101,
                    found: 100,
                    ..
                }
            ),
            "{err}"
        );
        let err = fails(&codec, &[1, 2, 3], AtMost(99));
        assert!(
            matches!(
                err,
                Error::Truncated {
                    expected: 4,
                    found: 3,
                    ..
                }
            ),
            "{err}"
        );
    }
}
