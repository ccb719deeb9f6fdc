//! Compatibility with GLIDE's frames (no content size) and with the reference zstd decoder.

mod common;

use std::io::Read;
use std::sync::Arc;

use common::unhex;
use kvcodec::codec::DecodeBound;
use kvcodec::{Codec, CodecId, Engine, Error, OnCorrupt, decode_with_limit};
use kvcodec_zstd::ZstdCodec;

/// `b"a" * 100` at level 3, as stored by GLIDE 2.6.0.
const GLIDE_A100: &str = kvcodec::vectors::GLIDE[0].stored_hex;

fn engine_with_limit(limit: usize) -> Engine {
    Engine::builder()
        .codec(Arc::new(ZstdCodec::default()) as Arc<dyn Codec>)
        .max_decompressed_size(limit)
        .on_corrupt(OnCorrupt::Error)
        .build()
        .unwrap()
}

#[test]
fn glide_vector_decodes_via_codec_and_engine() {
    let stored = unhex(GLIDE_A100);
    let payload = &stored[5..];
    let codec = ZstdCodec::default();
    assert_eq!(
        codec.declared_len(payload).unwrap(),
        None,
        "GLIDE writes no content size"
    );

    let mut out = Vec::new();
    codec
        .decompress(payload, DecodeBound::AtMost(1000), &mut out)
        .unwrap();
    assert_eq!(out, vec![b'a'; 100]);

    let engine = engine_with_limit(kvcodec::DEFAULT_MAX_DECOMPRESSED_SIZE);
    assert_eq!(&*engine.decode(&stored).unwrap(), &[b'a'; 100][..]);
    // A limit just under the value's size refuses it.
    assert!(matches!(
        engine_with_limit(99).decode(&stored),
        Err(Error::DecodedSizeTooLarge { limit: 99, .. })
    ));
    assert_eq!(
        &*engine_with_limit(100).decode(&stored).unwrap(),
        &[b'a'; 100][..]
    );
}

#[test]
fn frames_without_content_size_decode_via_at_most() {
    let codec = ZstdCodec::default();
    for (i, n) in [0usize, 1, 100, 5000, 200_000, 1 << 20]
        .into_iter()
        .enumerate()
    {
        let input = kvcodec::conformance::text(n, i as u64);
        for level in [-3, 3, 19] {
            let frame = kvcodec_zstd::glide_frame(&input, level).unwrap();
            // (zstd records size 0 for an empty stream, so only non-empty ones lack it.)
            if n > 0 {
                assert_eq!(codec.declared_len(&frame).unwrap(), None);
            }
            let decoded = decode_with_limit(&codec, &frame, n.max(1)).unwrap();
            assert!(
                decoded == input,
                "encode_all frame of {n} bytes at level {level}"
            );
            // Into a buffer with existing bytes and more spare room than the limit.
            let mut dirty = vec![0xEE; n + 4096];
            dirty.truncate(2);
            codec
                .decompress(&frame, DecodeBound::AtMost(n), &mut dirty)
                .unwrap();
            assert!(dirty[..2] == [0xEE; 2] && dirty[2..] == input[..]);
            if n > 0 {
                let mut out = Vec::new();
                let err = codec
                    .decompress(&frame, DecodeBound::AtMost(n - 1), &mut out)
                    .unwrap_err();
                assert_eq!(
                    err,
                    Error::DecodedSizeTooLarge {
                        codec: CodecId::ZSTD,
                        limit: n as u64 - 1
                    }
                );
                assert!(out.len() < n);
                // Exact on a frame without size: right length passes, wrong ones fail.
                let mut out = Vec::with_capacity(n);
                codec
                    .decompress(&frame, DecodeBound::Exact(n), &mut out)
                    .unwrap();
                assert!(out == input);
                for wrong in [n - 1, n + 1] {
                    let mut out = Vec::new();
                    let err = codec
                        .decompress(&frame, DecodeBound::Exact(wrong), &mut out)
                        .unwrap_err();
                    assert!(matches!(err, Error::LengthMismatch { .. }), "{err}");
                }
            }
        }
    }
}

#[test]
fn truncated_frames_without_content_size_fail() {
    let codec = ZstdCodec::default();
    let input = kvcodec::conformance::text(300_000, 5);
    let frame = kvcodec_zstd::glide_frame(&input, 3).unwrap();
    for cut in (0..frame.len())
        .step_by(frame.len() / 50)
        .chain([frame.len() - 1])
    {
        let r = decode_with_limit(&codec, &frame[..cut], 1 << 20);
        assert!(
            r.is_err(),
            "frame cut to {cut} of {} bytes decoded",
            frame.len()
        );
    }
    let mut two = frame.clone();
    two.extend_from_slice(&frame);
    let err = decode_with_limit(&codec, &two, 1 << 20).unwrap_err();
    assert!(
        err.to_string().contains("after the end of the zstd frame"),
        "{err}"
    );
}

#[test]
fn decompression_bomb_stops_at_the_limit() {
    const MIB: usize = 1 << 20;
    let bomb = zstd::encode_all(std::io::repeat(0).take(64 * MIB as u64), 1).unwrap();
    assert!(
        bomb.len() < 64 * 1024,
        "a bomb is small: {} bytes",
        bomb.len()
    );
    let codec = ZstdCodec::default();
    assert_eq!(codec.declared_len(&bomb).unwrap(), None);

    let mut out = Vec::new();
    let err = codec
        .decompress(&bomb, DecodeBound::AtMost(MIB), &mut out)
        .unwrap_err();
    assert_eq!(
        err,
        Error::DecodedSizeTooLarge {
            codec: CodecId::ZSTD,
            limit: MIB as u64
        }
    );
    println!(
        "bomb: {} byte frame; output len {} capacity {}",
        bomb.len(),
        out.len(),
        out.capacity()
    );
    assert!(
        out.len() <= MIB && out.capacity() <= 2 * MIB,
        "capacity {}",
        out.capacity()
    );

    let mut stored = vec![0, 1, 2, 0, 1];
    stored.extend_from_slice(&bomb);
    let err = engine_with_limit(MIB).decode(&stored).unwrap_err();
    assert_eq!(
        err,
        Error::DecodedSizeTooLarge {
            codec: CodecId::ZSTD,
            limit: MIB as u64
        }
    );
}

#[test]
fn four_gib_declared_size_is_refused_before_allocating() {
    // Content-size code 3 (8 bytes), window descriptor, content size 2^32, then a raw block.
    let mut stored = unhex("0001020001 28b52ffd c0 58 0000000001000000");
    stored.extend_from_slice(&unhex("290000 6161616161"));
    let codec = ZstdCodec::default();
    assert_eq!(codec.declared_len(&stored[5..]).unwrap(), Some(4 << 30));
    // 22 bytes of frame cannot hold 4 GiB: corrupt, refused before allocating (returned as
    // stored under ReturnStored, as GLIDE does); a real frame over the limit is too large.
    // The codec alone refuses it under AtMost too.
    kvcodec::conformance::check_huge_declaration(
        std::sync::Arc::new(ZstdCodec::default()),
        &stored[5..],
    );
    // And Exact with another length.
    let mut out = Vec::new();
    assert!(matches!(
        codec.decompress(&stored[5..], DecodeBound::Exact(5), &mut out),
        Err(Error::LengthMismatch {
            expected: 5,
            found: 4294967296,
            ..
        })
    ));
    assert_eq!(out.capacity(), 0, "nothing was allocated");
}

#[test]
fn kvcodec_values_decode_with_the_reference_decoder() {
    for level in [-5, 1, 3, 19] {
        let codec = ZstdCodec::new(level).unwrap();
        for n in [0, 1, 64, 1000, 100_000] {
            let input = kvcodec::conformance::text(n, n as u64 + 3);
            let mut payload = Vec::new();
            codec.compress(&input, &mut payload).unwrap();
            assert_eq!(
                zstd::decode_all(&payload[..]).unwrap(),
                input,
                "level {level}, {n} bytes"
            );
            assert_eq!(
                zstd::zstd_safe::get_frame_content_size(&payload).unwrap(),
                Some(n as u64),
                "frames carry the content size"
            );
            assert_eq!(payload[4] & 0x04, 0, "no checksum flag");
        }
    }
    // Through the engine: the stored value minus the header is a plain zstd frame.
    kvcodec::conformance::check_stored_form(Arc::new(ZstdCodec::default()), [0, 1, 2, 0, 1], |p| {
        zstd::decode_all(p).unwrap()
    });
}

#[test]
fn garbage_and_foreign_payloads_are_typed_errors() {
    let codec = ZstdCodec::default();
    assert!(matches!(
        codec.declared_len(&[]),
        Err(Error::Truncated {
            expected: 5,
            found: 0,
            ..
        })
    ));
    assert!(matches!(
        codec.declared_len(b"\x28\xb5\x2f"),
        Err(Error::Truncated { .. })
    ));
    assert!(matches!(
        codec.declared_len(b"not zstd"),
        Err(Error::Corrupt { .. })
    ));
    // A valid header followed by a corrupt block: zstd's error name is in the message.
    let mut frame = zstd::bulk::compress(&kvcodec::conformance::text(4000, 2), 3).unwrap();
    let at = frame.len() / 2;
    frame[at..].iter_mut().for_each(|b| *b = !*b);
    let err = decode_with_limit(&codec, &frame, 1 << 20).unwrap_err();
    assert!(matches!(err, Error::Corrupt { .. }), "{err}");
    println!("corrupt block: {err}");
}
