//! GLIDE's lz4 path, as valkey-glide 2.6's `glide-core/src/compression.rs` runs it: the
//! `CompressionManager`'s policy (min size 64, not already compressed, keep if smaller) around
//! the `Lz4Backend`, whose encode is `lz4::block::compress(v, mode, false)` followed by two
//! copies (length prefix, then header) into new `Vec`s, and whose decode checks the header,
//! the prefix and the size limit and calls `lz4::block::decompress(block, Some(len))`.
//! Telemetry counters are left out (slightly favourable to GLIDE).

use std::borrow::Cow;

use lz4::block::CompressionMode;

const MAGIC: [u8; 3] = [0x00, 0x01, 0x02];
const HEADER: [u8; 5] = [0x00, 0x01, 0x02, 0x00, 0x02];
const MIN_COMPRESSION_SIZE: usize = 64;
const MAX_DECOMPRESSED_SIZE: usize = 512 * 1024 * 1024;

fn is_lz4_value(data: &[u8]) -> bool {
    data.len() >= HEADER.len() && data[..3] == MAGIC && data[4] == HEADER[4]
}

/// `Lz4Backend::compress`: header + u32 LE length + block.
fn compress(data: &[u8], level: i32) -> Vec<u8> {
    let size = i32::try_from(data.len()).expect("GLIDE refuses over i32::MAX");
    let mode = match level {
        1.. => CompressionMode::HIGHCOMPRESSION(level),
        ..0 => CompressionMode::FAST(-level),
        0 => CompressionMode::DEFAULT,
    };
    let block = lz4::block::compress(data, Some(mode), false).expect("liblz4 compress");
    let mut payload = Vec::with_capacity(4 + block.len());
    payload.extend_from_slice(&(size as u32).to_le_bytes());
    payload.extend_from_slice(&block);
    let mut result = Vec::with_capacity(HEADER.len() + payload.len());
    result.extend_from_slice(&HEADER);
    result.extend_from_slice(&payload);
    result
}

/// `CompressionManager::compress_value` with the lz4 backend at `level`.
pub fn lz4_compress_value(value: &[u8], level: i32) -> Cow<'_, [u8]> {
    if value.len() < MIN_COMPRESSION_SIZE || is_lz4_value(value) {
        return Cow::Borrowed(value);
    }
    let compressed = compress(value, level);
    if compressed.len() < value.len() {
        Cow::Owned(compressed)
    } else {
        Cow::Borrowed(value)
    }
}

/// `CompressionManager::decompress_value` for lz4 values (GLIDE copies a plain value).
pub fn lz4_decompress_value(value: &[u8]) -> Cow<'_, [u8]> {
    if value.len() < HEADER.len() || value[..3] != MAGIC {
        return Cow::Owned(value.to_vec());
    }
    assert!(is_lz4_value(value), "an lz4 value");
    let payload = &value[HEADER.len()..];
    assert!(
        payload.len() >= 4,
        "compressed data too short: missing size header"
    );
    let size = u32::from_le_bytes(payload[..4].try_into().expect("4 bytes"));
    assert!(size as usize <= MAX_DECOMPRESSED_SIZE, "size limit");
    let size = i32::try_from(size).expect("within the LZ4 block API limit");
    let plain = lz4::block::decompress(&payload[4..], Some(size)).expect("liblz4 decompress");
    Cow::Owned(plain)
}
