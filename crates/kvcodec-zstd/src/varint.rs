//! The dictionary id of a compact frame: an unsigned LEB128 varint of a `u32`, 1 to 5 bytes,
//! in its shortest form (ids below 128 take one byte).

use kvcodec::{CodecId, Error};

/// Longest encoding of a `u32`.
pub(crate) const MAX_LEN: usize = 5;

/// The encoding of `id`, and how many of the bytes it uses.
pub(crate) fn encode(mut id: u32) -> ([u8; MAX_LEN], usize) {
    let mut out = [0u8; MAX_LEN];
    let mut n = 0;
    loop {
        let low = (id & 0x7F) as u8;
        id >>= 7;
        if id == 0 {
            out[n] = low;
            return (out, n + 1);
        }
        out[n] = low | 0x80;
        n += 1;
    }
}

/// The id at the start of `payload` and the bytes it took. A varint cut short is
/// [`Error::Truncated`]; one longer than its shortest form, or over `u32::MAX`, is
/// [`Error::Corrupt`] (one id, one encoding).
pub(crate) fn decode(codec: CodecId, payload: &[u8]) -> Result<(u32, usize), Error> {
    let mut id: u64 = 0;
    for (i, &byte) in payload.iter().enumerate().take(MAX_LEN) {
        id |= u64::from(byte & 0x7F) << (7 * i);
        if byte & 0x80 == 0 {
            if i > 0 && byte == 0 {
                return Err(Error::corrupt(
                    codec,
                    format_args!(
                        "dictionary id varint of {} bytes is not in its shortest form",
                        i + 1
                    ),
                ));
            }
            return u32::try_from(id).map(|id| (id, i + 1)).map_err(|_| {
                Error::corrupt(
                    codec,
                    format_args!("dictionary id varint {id} exceeds u32::MAX"),
                )
            });
        }
    }
    if payload.len() >= MAX_LEN {
        return Err(Error::corrupt(
            codec,
            format_args!("dictionary id varint longer than {MAX_LEN} bytes"),
        ));
    }
    Err(Error::Truncated {
        codec,
        expected: payload.len() + 1,
        found: payload.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const C: CodecId = CodecId::ZSTD_DICT;

    #[test]
    fn round_trips_and_shortest_form() {
        for id in [0, 1, 127, 128, 300, 16_383, 16_384, u32::MAX] {
            let (bytes, n) = encode(id);
            assert_eq!(decode(C, &bytes[..n]).unwrap(), (id, n), "{id}");
        }
        assert_eq!(encode(1), ([1, 0, 0, 0, 0], 1));
        assert_eq!(encode(300), ([0xAC, 0x02, 0, 0, 0], 2));
        assert_eq!(encode(u32::MAX).1, 5);
    }

    #[test]
    fn bad_varints_are_typed_errors() {
        assert!(matches!(decode(C, &[]), Err(Error::Truncated { .. })));
        assert!(matches!(decode(C, &[0x80]), Err(Error::Truncated { .. })));
        assert!(matches!(
            decode(C, &[0x81, 0x00]),
            Err(Error::Corrupt { .. })
        ));
        assert!(matches!(decode(C, &[0xFF; 5]), Err(Error::Corrupt { .. })));
        assert!(matches!(
            decode(C, &[0xFF, 0xFF, 0xFF, 0xFF, 0x1F]),
            Err(Error::Corrupt { .. })
        ));
        assert_eq!(
            decode(C, &[0xFF, 0xFF, 0xFF, 0xFF, 0x0F]).unwrap(),
            (u32::MAX, 5)
        );
    }
}
