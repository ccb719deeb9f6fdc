//! What a raw LZ4 block says about itself without being decoded: the length its sequences
//! add up to. liblz4 reports every failure as one negative number; this walk tells a block
//! that decodes to another length than its prefix declares (`LengthMismatch`) from a
//! malformed one (`Corrupt`).
//!
//! A block is a run of sequences: a token (high nibble: literal count, low nibble: match
//! length − 4; 15 means "add the following bytes, up to and including the first that is not
//! 255"), the literals, then a 2-byte little-endian offset and the match — except the last
//! sequence, which ends after its literals, at the end of the block.

/// The decoded length the sequences of `block` add up to, or `None` if the block ends inside
/// a sequence. Offsets are not checked (a match may point before the start): a `Some` says
/// how long the block is, not that it decodes.
pub fn decoded_len(block: &[u8]) -> Option<u64> {
    let mut rest = block;
    let mut total: u64 = 0;
    loop {
        let (&token, after) = rest.split_first()?;
        rest = after;
        let literals = length(u64::from(token >> 4), &mut rest)?;
        let skip = usize::try_from(literals)
            .ok()
            .filter(|&l| l <= rest.len())?;
        rest = &rest[skip..];
        total = total.checked_add(literals)?;
        if rest.is_empty() {
            return Some(total);
        }
        rest = rest.get(2..)?; // the offset
        let matched = length(u64::from(token & 0x0F), &mut rest)?;
        total = total.checked_add(matched)?.checked_add(4)?;
    }
}

/// A 4-bit length from a token, extended by the bytes that follow it when it is 15.
fn length(nibble: u64, rest: &mut &[u8]) -> Option<u64> {
    let mut len = nibble;
    if nibble == 15 {
        loop {
            let (&byte, after) = rest.split_first()?;
            *rest = after;
            len = len.checked_add(u64::from(byte))?;
            if byte != 255 {
                break;
            }
        }
    }
    Some(len)
}

#[cfg(test)]
mod tests {
    use super::decoded_len;

    #[test]
    fn lengths_of_glide_vectors() {
        // b"a" * 100 as GLIDE stored it (after the 4-byte prefix).
        assert_eq!(
            decoded_len(&[
                0x1f, 0x61, 0x01, 0x00, 0x4b, 0x50, 0x61, 0x61, 0x61, 0x61, 0x61
            ]),
            Some(100)
        );
        assert_eq!(decoded_len(&[0x00]), Some(0));
        assert_eq!(decoded_len(&[0x30, b'a', b'b', b'c']), Some(3));
    }

    #[test]
    fn cut_blocks_have_no_length() {
        let block = [
            0x1f, 0x61, 0x01, 0x00, 0x4b, 0x50, 0x61, 0x61, 0x61, 0x61, 0x61,
        ];
        for end in 0..block.len() {
            if end == 2 {
                continue; // [0x1f, 0x61]: one literal, a complete last sequence
            }
            assert_eq!(decoded_len(&block[..end]), None, "cut at {end}");
        }
        assert_eq!(
            decoded_len(&[0xF0, 255, 255]),
            None,
            "extension runs off the end"
        );
        assert_eq!(
            decoded_len(&[0x50, b'a']),
            None,
            "fewer literals than the token says"
        );
    }

    #[test]
    fn long_lengths_add_up() {
        // 15 + 255 + 255 + 10 = 535 literals.
        let mut block = vec![0xF0, 255, 255, 10];
        block.extend(std::iter::repeat_n(b'x', 535));
        assert_eq!(decoded_len(&block), Some(535));
    }
}
