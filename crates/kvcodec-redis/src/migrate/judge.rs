//! What to do with one value: [`judge`] decides, [`Pass`] says whether to write, and the
//! verification reasons say which values are not in the promised state.

use kvcodec::header::{VERSION, has_header};
use kvcodec::{Decoded, Encoded, Engine, FailureKind, Header};

use super::Direction;
use super::reason::Reason;
use super::recompress;

/// The decision about one stored value.
#[derive(Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Leave it as it is, for this reason.
    Keep(Reason),
    /// Replace it with these bytes.
    Rewrite(Vec<u8>),
}

/// Which pass a walk is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pass {
    /// Rewrite values (`dry` counts without writing).
    Rewrite {
        /// Count only.
        dry: bool,
    },
    /// Check every value is in the promised state; with `fix`, rewrite one that is not
    /// (retrying a value that keeps changing a few times).
    Verify {
        /// Rewrite what is found undone.
        fix: bool,
    },
}

/// Decides about a string from its first bytes alone, when it can: `Some(reason)` to leave
/// it unread.
pub fn peek(direction: Direction, prefix: &[u8], len: u64) -> Option<Reason> {
    let framed =
        len >= kvcodec::header::HEADER_LEN as u64 && prefix.starts_with(&kvcodec::header::MAGIC);
    match direction {
        Direction::Compress if framed => Some(Reason::AlreadyCompressed),
        Direction::Decompress if !framed => Some(Reason::NotCompressed),
        Direction::Recompress(sources) => recompress::peek(sources, prefix, len),
        _ => None,
    }
}

/// Decides about one stored value.
///
/// - compress: a value with a header is `already_compressed`; a plain one is compressed by
///   the engine's writer and policy, or kept for the policy's reason (`too_small`,
///   `not_smaller`, …).
/// - recompress: see [`super::recompress`].
/// - decompress: a plain value is `not_compressed`; a compressed one is decoded, unless it
///   does not decode (`undecodable`), decodes past the size limit (`over_max_size`), or
///   decodes to a value that itself starts with a header (`nested`: such a value must stay
///   encoded, since encoding is the format's only escape; peeling a layer off would change
///   what every kvcodec client reads).
pub fn judge(
    engine: &Engine,
    direction: Direction,
    value: &[u8],
) -> Result<Verdict, kvcodec::Error> {
    let framed = has_header(value);
    Ok(match direction {
        Direction::Recompress(sources) => recompress::judge(engine, sources, value)?,
        Direction::Compress if framed => Verdict::Keep(Reason::AlreadyCompressed),
        Direction::Compress => match engine.encode_outcome(value)? {
            Encoded::Compressed(stored) => Verdict::Rewrite(stored),
            Encoded::Plain(reason) => Verdict::Keep(reason.into()),
        },
        Direction::Decompress if !framed => Verdict::Keep(Reason::NotCompressed),
        Direction::Decompress => match engine.decode_outcome(value) {
            Ok(Decoded::Decompressed(plain)) if has_header(&plain) => Verdict::Keep(Reason::Nested),
            Ok(Decoded::Decompressed(plain)) => Verdict::Rewrite(plain),
            // `framed`, so not plain unless the engine decodes nothing (mode `Off`).
            Ok(Decoded::ReturnedAsStored(_) | Decoded::Plain) => Verdict::Keep(Reason::Undecodable),
            Err(e) if e.failure_kind() == Some(FailureKind::SizeLimit) => {
                Verdict::Keep(Reason::OverMaxSize)
            }
            Err(_) => Verdict::Keep(Reason::Undecodable),
        },
    })
}

/// [`judge`], if it can be done within `limit` bytes of decoded output: `None` for a
/// compressed value that declares a longer decoded form, or that has no declared length and
/// decodes past `limit` (the caller then takes the big-value permit and judges it whole).
/// A compressing judgement needs no more than the value's own size: always `Some`.
pub fn judge_within(
    engine: &Engine,
    direction: Direction,
    value: &[u8],
    limit: u64,
) -> Result<Option<Verdict>, kvcodec::Error> {
    if let Direction::Recompress(sources) = direction {
        let most = limit.min(engine.max_decompressed_size() as u64);
        if recompress::needs_more_than(engine, value, most) {
            return Ok(None);
        }
        return recompress::judge(engine, sources, value).map(Some);
    }
    let decoder = match (direction, Header::parse(value)) {
        (Direction::Decompress, Some((header, payload))) if header.version == VERSION => engine
            .registry()
            .get(header.codec)
            .map(|codec| (codec, payload)),
        _ => None,
    };
    let Some((codec, payload)) = decoder else {
        return judge(engine, direction, value).map(Some);
    };
    let most = limit.min(engine.max_decompressed_size() as u64);
    match codec.declared_len(payload) {
        Ok(Some(n)) if n > most && n <= engine.max_decompressed_size() as u64 => Ok(None),
        Ok(None) => match kvcodec::decode_with_limit(codec.as_ref(), payload, most as usize) {
            Ok(plain) if has_header(&plain) => Ok(Some(Verdict::Keep(Reason::Nested))),
            Ok(plain) => Ok(Some(Verdict::Rewrite(plain))),
            Err(e) if e.failure_kind() == Some(FailureKind::SizeLimit) && most < limit => {
                Ok(Some(Verdict::Keep(Reason::OverMaxSize)))
            }
            Err(e) if e.failure_kind() == Some(FailureKind::SizeLimit) => Ok(None),
            Err(_) => judge(engine, direction, value).map(Some),
        },
        _ => judge(engine, direction, value).map(Some),
    }
}

/// `true` for the reasons that leave a value out of the promised state: a verification
/// with any of them fails.
pub fn leaves_undone(reason: Reason) -> bool {
    matches!(
        reason,
        Reason::Undone
            | Reason::Changed
            | Reason::Undecodable
            | Reason::OverMaxSize
            | Reason::Nested
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn engine() -> Engine {
        let codec: Arc<dyn kvcodec::Codec> = Arc::new(kvcodec_zstd::ZstdCodec::new(3).unwrap());
        Engine::builder()
            .max_decompressed_size(1 << 20)
            .codec(codec)
            .build()
            .unwrap()
    }

    #[test]
    fn verdicts() {
        let e = engine();
        let plain = b"hello world ".repeat(100);
        let Verdict::Rewrite(once) = judge(&e, Direction::Compress, &plain).unwrap() else {
            panic!("compressible")
        };
        assert_eq!(
            judge(&e, Direction::Compress, &once).unwrap(),
            Verdict::Keep(Reason::AlreadyCompressed)
        );
        assert_eq!(
            judge(&e, Direction::Compress, b"tiny").unwrap(),
            Verdict::Keep(Reason::TooSmall)
        );
        assert_eq!(
            judge(&e, Direction::Decompress, &once).unwrap(),
            Verdict::Rewrite(plain.clone())
        );
        assert_eq!(
            judge(&e, Direction::Decompress, &plain).unwrap(),
            Verdict::Keep(Reason::NotCompressed)
        );
        // A compressed value whose content is again a compressed value stays as it is.
        let mut twice = kvcodec::Header::new(kvcodec::CodecId::ZSTD)
            .to_bytes()
            .to_vec();
        kvcodec::Codec::compress(&kvcodec_zstd::ZstdCodec::new(3).unwrap(), &once, &mut twice)
            .unwrap();
        assert_eq!(
            judge(&e, Direction::Decompress, &twice).unwrap(),
            Verdict::Keep(Reason::Nested)
        );
        assert_eq!(
            judge(&e, Direction::Decompress, &[0, 1, 2, 0, 1, 9, 9]).unwrap(),
            Verdict::Keep(Reason::Undecodable)
        );
        let big = vec![b'a'; 2 << 20];
        let Verdict::Rewrite(big) = judge(&e, Direction::Compress, &big).unwrap() else {
            panic!()
        };
        assert_eq!(
            judge(&e, Direction::Decompress, &big).unwrap(),
            Verdict::Keep(Reason::OverMaxSize)
        );
        assert_eq!(
            peek(Direction::Compress, &once[..5], once.len() as u64),
            Some(Reason::AlreadyCompressed)
        );
        assert_eq!(
            peek(Direction::Decompress, &[0, 1, 2, 0], 4),
            Some(Reason::NotCompressed)
        );
        assert_eq!(peek(Direction::Decompress, &once[..5], 99), None);
    }
}
