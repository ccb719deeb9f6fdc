//! The body after the length prefix is plain raw deflate: `flate2::read::DeflateDecoder`
//! reads it, and the codec reads what `flate2::write::DeflateEncoder` writes.

use std::io::{Read, Write};

use kvcodec::decode_with_limit;
use kvcodec_deflate::{BACKEND, DeflateCodec};

fn reference_inflate(body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::DeflateDecoder::new(body)
        .read_to_end(&mut out)
        .unwrap();
    out
}

/// The payload's length prefix, then a body flate2 inflates to that many bytes.
fn reference_decode(payload: &[u8]) -> Vec<u8> {
    let body = reference_inflate(&payload[4..]);
    assert_eq!(&payload[..4], &(body.len() as u32).to_le_bytes());
    body
}

#[test]
fn bodies_decode_with_flate2_deflate_decoder() {
    for level in [0, 1, 6, 9] {
        let codec = DeflateCodec::new(level).unwrap();
        kvcodec::conformance::check_reference_decoder(&codec, reference_decode);
    }
}

#[test]
fn flate2_deflate_encoder_output_decodes_with_the_codec() {
    let input = kvcodec::conformance::text(20_000, 3);
    let mut enc = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::best());
    enc.write_all(&input).unwrap();
    let body = enc.finish().unwrap();
    let payload = [&(input.len() as u32).to_le_bytes()[..], &body].concat();
    assert_eq!(
        decode_with_limit(&DeflateCodec::default(), &payload, 20_000).unwrap(),
        input
    );
}

#[test]
fn engine_values_carry_the_deflate_id() {
    let header = [0, 1, 2, 0, 4];
    kvcodec::conformance::check_stored_form(BACKEND.codec(None).unwrap(), header, |payload| {
        assert_eq!(&payload[..4], &4096u32.to_le_bytes());
        reference_decode(payload)
    });
}
