//! Payloads are plain raw Snappy: `snap`'s own raw decoder reads them, and the codec reads
//! what `snap`'s raw encoder writes.

use kvcodec::codec::DecodeBound;
use kvcodec::{Codec, decode_with_limit};
use kvcodec_snappy::{BACKEND, SnappyCodec};

/// `snap`'s raw decoder, fresh for each payload.
fn reference_decode(payload: &[u8]) -> Vec<u8> {
    snap::raw::Decoder::new().decompress_vec(payload).unwrap()
}

#[test]
fn payloads_decode_with_a_fresh_snap_decoder() {
    let codec = SnappyCodec::new();
    kvcodec::conformance::check_reference_decoder(&codec, reference_decode);
    kvcodec::conformance::check_reference_encoder(&codec, |input| {
        snap::raw::Encoder::new().compress_vec(input).unwrap()
    });
}

#[test]
fn snap_raw_output_decodes_with_the_codec() {
    let input = kvcodec::conformance::text(10_000, 5);
    let payload = snap::raw::Encoder::new().compress_vec(&input).unwrap();
    assert_eq!(
        decode_with_limit(&SnappyCodec::new(), &payload, 10_000).unwrap(),
        input
    );
}

#[test]
fn framed_snappy_is_not_accepted() {
    use std::io::Write;
    let input = kvcodec::conformance::text(1000, 2);
    let mut framed = snap::write::FrameEncoder::new(Vec::new());
    framed.write_all(&input).unwrap();
    let framed = framed.into_inner().unwrap();
    let r = decode_with_limit(&SnappyCodec::new(), &framed, 1 << 20);
    assert!(r.is_err(), "the framing format is not a raw payload: {r:?}");
}

#[test]
fn engine_values_carry_the_snappy_id() {
    let header = [0, 1, 2, 0, 3];
    kvcodec::conformance::check_stored_form(BACKEND.codec(None).unwrap(), header, reference_decode);
}

#[test]
fn decoding_appends_after_existing_bytes() {
    let codec = SnappyCodec::new();
    let input = kvcodec::conformance::text(300, 1);
    let mut payload = b"head".to_vec();
    codec.compress(&input, &mut payload).unwrap();
    let mut out = b"kept".to_vec();
    codec
        .decompress(&payload[4..], DecodeBound::Exact(300), &mut out)
        .unwrap();
    assert_eq!(&out[..4], b"kept");
    assert_eq!(&out[4..], &input[..]);
}
