//! Compatibility with values written by Valkey GLIDE 2.6.0 (vectors from the wire-format notes)
//! and with lz4_flex's own size-prepended block functions.

use kvcodec::codec::DecodeBound;
use kvcodec::{Codec, Engine, OnCorrupt};
use kvcodec_lz4::{BACKEND, Lz4Codec};

fn hex(s: &str) -> Vec<u8> {
    let s: String = s.split_whitespace().collect();
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

/// `(original, stored value written by GLIDE)`.
fn vectors() -> Vec<(Vec<u8>, Vec<u8>)> {
    vec![
        (
            vec![b'a'; 100],
            hex("0001020002 64000000 1f6101004b506161616161"),
        ),
        (
            b"The quick brown fox jumps over the lazy dog. ".repeat(4),
            hex(
                "0001020002 b4000000 ff1e54686520717569636b2062726f776e20666f78206a756d7073\
                 206f76657220746865206c617a7920646f672e202d006f50646f672e20",
            ),
        ),
    ]
}

fn engine() -> Engine {
    Engine::builder()
        .codec(BACKEND.codec(None).unwrap())
        .unwrap()
        .on_corrupt(OnCorrupt::Error)
        .build()
        .unwrap()
}

#[test]
fn glide_values_decode_with_the_codec() {
    for (original, stored) in vectors() {
        let payload = &stored[5..];
        let codec = Lz4Codec::default();
        assert_eq!(
            codec.declared_len(payload).unwrap(),
            Some(original.len() as u64)
        );
        let mut out = b"kept".to_vec();
        codec
            .decompress(payload, DecodeBound::Exact(original.len()), &mut out)
            .unwrap();
        assert_eq!(&out[..4], b"kept");
        assert_eq!(&out[4..], &original[..]);
    }
}

#[test]
fn glide_values_decode_with_an_engine() {
    let engine = engine();
    for (original, stored) in vectors() {
        assert_eq!(&*engine.decode(&stored).unwrap(), &original[..]);
    }
}

/// What lz4_flex writes next to what GLIDE (liblz4) wrote for the same values.
///
/// The header and length prefix are identical. The blocks are not: liblz4 runs its last match
/// up to the end-of-block limit (5 trailing literals), lz4_flex stops one byte earlier (it
/// keeps 6), so for these two vectors lz4_flex's block is one byte longer. Both are valid
/// LZ4 and each side decodes the other's; only the bytes differ.
#[test]
fn compressed_bytes_compared_with_glide() {
    let engine = engine();
    for (original, glide) in vectors() {
        let ours = engine.encode(&original).unwrap().into_owned();
        assert_eq!(
            &ours[..9],
            &glide[..9],
            "header and length prefix are GLIDE's"
        );
        assert_eq!(ours[9], glide[9], "first LZ4 token is GLIDE's");
        assert_ne!(
            ours, glide,
            "lz4_flex 0.11 does not write liblz4's exact block"
        );
        assert_eq!(
            ours.len(),
            glide.len() + 1,
            "lz4_flex's block is one byte longer"
        );
        // Either side's bytes decode to the original.
        assert_eq!(&*engine.decode(&ours).unwrap(), &original[..]);
        assert_eq!(
            lz4_flex::block::decompress_size_prepended(&glide[5..]).unwrap(),
            original
        );
    }
}

#[test]
fn payload_is_lz4_flex_size_prepended_block() {
    let codec = Lz4Codec::default();
    for (what, input) in kvcodec::conformance::inputs() {
        let mut payload = Vec::new();
        codec.compress(&input, &mut payload).unwrap();
        assert_eq!(
            payload,
            lz4_flex::block::compress_prepend_size(&input),
            "{what}"
        );
        let decoded = lz4_flex::block::decompress_size_prepended(&payload).unwrap();
        assert!(decoded == input, "{what}: reference decode differs");
    }
}

#[test]
fn engine_values_decode_with_the_reference() {
    let engine = engine();
    let value = kvcodec::conformance::text(5000, 11);
    let stored = engine.encode(&value).unwrap();
    assert_eq!(&stored[..5], &[0, 1, 2, 0, 2]);
    assert_eq!(
        lz4_flex::block::decompress_size_prepended(&stored[5..]).unwrap(),
        value
    );
}
