//! Streams that are cut short, too long, too short, or followed by extra bytes are errors;
//! size limits apply to the declared length before anything is allocated.

use kvcodec::codec::DecodeBound;
use kvcodec::{Codec, CodecId, Error};
use kvcodec_deflate::{BACKEND, DeflateCodec};

fn payload(input: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    DeflateCodec::default().compress(input, &mut out).unwrap();
    out
}

fn decode(payload: &[u8], bound: DecodeBound) -> (Result<(), Error>, Vec<u8>) {
    let mut out = b"kept".to_vec();
    let r = DeflateCodec::default().decompress(payload, bound, &mut out);
    (r, out)
}

#[test]
fn truncated_streams_fail() {
    let input = kvcodec::conformance::text(10_000, 1);
    let full = payload(&input);
    for cut in [4, 5, full.len() / 2, full.len() - 1] {
        let (r, out) = decode(&full[..cut], DecodeBound::Exact(input.len()));
        let err = r.unwrap_err();
        assert!(
            matches!(
                err,
                Error::Corrupt {
                    codec: CodecId::DEFLATE,
                    ..
                }
            ),
            "cut {cut}: {err}"
        );
        assert_eq!(out, b"kept", "cut {cut}: partial output is removed");
    }
    let (r, _) = decode(&full[..full.len() - 1], DecodeBound::Exact(input.len()));
    assert!(r.unwrap_err().to_string().contains("truncated"));
}

#[test]
fn trailing_bytes_after_the_stream_fail() {
    let input = kvcodec::conformance::text(1000, 2);
    let mut p = payload(&input);
    p.push(0);
    let (r, out) = decode(&p, DecodeBound::Exact(1000));
    let err = r.unwrap_err();
    assert!(err.to_string().contains("found 1 bytes after it"), "{err}");
    assert_eq!(out, b"kept");
}

#[test]
fn a_lying_length_is_a_length_mismatch() {
    let input = kvcodec::conformance::text(1000, 3);
    let mut p = payload(&input);
    p[..4].copy_from_slice(&1200u32.to_le_bytes());
    let (r, _) = decode(&p, DecodeBound::Exact(1200));
    assert_eq!(
        r.unwrap_err(),
        Error::LengthMismatch {
            codec: CodecId::DEFLATE,
            expected: 1200,
            found: 1000
        }
    );
    // A stream longer than declared: the decoder has room for 260 bytes more (its fast-path
    // headroom), so a stream up to that much longer is measured exactly...
    p[..4].copy_from_slice(&900u32.to_le_bytes());
    let (r, out) = decode(&p, DecodeBound::Exact(900));
    assert_eq!(
        r.unwrap_err(),
        Error::LengthMismatch {
            codec: CodecId::DEFLATE,
            expected: 900,
            found: 1000
        }
    );
    assert_eq!(out, b"kept");
    // ... and a longer one stops at the end of the room, which `found` reports as a lower
    // bound: never more output than the declared length and the headroom.
    p[..4].copy_from_slice(&500u32.to_le_bytes());
    let (r, out) = decode(&p, DecodeBound::Exact(500));
    assert_eq!(
        r.unwrap_err(),
        Error::LengthMismatch {
            codec: CodecId::DEFLATE,
            expected: 500,
            found: 760
        }
    );
    assert_eq!(out, b"kept");
}

#[test]
fn a_zlib_stream_is_not_raw_deflate() {
    use std::io::Write;
    let input = kvcodec::conformance::text(1000, 5);
    let mut enc = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(&input).unwrap();
    let p = [&1000u32.to_le_bytes()[..], &enc.finish().unwrap()].concat();
    let (r, _) = decode(&p, DecodeBound::Exact(1000));
    assert!(r.is_err());
}

#[test]
fn a_4_gib_declaration_is_refused_before_allocating() {
    // 2 bytes of stream cannot hold 4 GiB: corrupt, and the codec refuses it before growing
    // the output; a real value over the limit: too large.
    let tiny = [&u32::MAX.to_le_bytes()[..], &[0x03, 0x00]].concat();
    kvcodec::conformance::check_huge_declaration(BACKEND.codec(None).unwrap(), &tiny);
}

#[test]
fn empty_input_round_trips_and_prefix_only_fails() {
    let p = payload(b"");
    assert_eq!(&p[..4], &[0; 4]);
    let (r, out) = decode(&p, DecodeBound::Exact(0));
    r.unwrap();
    assert_eq!(out, b"kept");
    let (r, _) = decode(&p[..4], DecodeBound::Exact(0));
    assert!(r.is_err(), "a prefix without a stream is truncated");
}

#[test]
fn the_engine_path_gives_inflate_260_bytes_of_room_and_keeps_them() {
    // zlib-rs' `inflate_fast` runs while 260 bytes of output room are left: the decoded value
    // is allocated with them (and keeps them), whatever its size.
    for n in [60, 300, 1000, 70_000] {
        let input = kvcodec::conformance::text(n, 4);
        let p = payload(&input);
        let out = kvcodec::decode_with_limit(&DeflateCodec::default(), &p, n).unwrap();
        assert_eq!(out, input);
        assert_eq!(out.capacity(), n + 260, "{n} bytes");
    }
    // A caller's buffer with more room than that: the decoder still gets exactly the room
    // (the result never depends on the buffer), and the bytes before are kept.
    let input = kvcodec::conformance::text(500, 5);
    let mut roomy = Vec::with_capacity(4 + 500 + 4096);
    roomy.extend_from_slice(b"kept");
    DeflateCodec::default()
        .decompress(&payload(&input), DecodeBound::Exact(500), &mut roomy)
        .unwrap();
    assert_eq!(&roomy[..4], b"kept");
    assert_eq!(&roomy[4..], &input[..]);
}
