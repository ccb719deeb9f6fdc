//! `room/` contenders: a direct codec call decoding into a buffer with the room past the
//! value's end that the engine gives that codec's decoder ([`Codec::decode_headroom`]), so
//! that the engine's own layers can be told apart from what the room saves (`ops` only; see
//! BENCHMARKS.md, issue 12).

use std::sync::Arc;

use flate2::{Compress, Compression, Decompress};
use kvcodec::Codec;

use crate::contender::{Contender, Kind, codec};

/// The codec whose [`Codec::decode_headroom`] a `room/` contender gives its decoder.
pub type Room = Option<Arc<dyn Codec>>;

/// The room past a value of `n` bytes that `room` asks for (none without a codec).
pub fn room_for(room: &Room, n: usize) -> usize {
    room.as_ref().map_or(0, |c| c.decode_headroom(n))
}

impl Contender {
    /// `room/<codec>`: `direct/<codec>` decoding into a buffer with the room past the value's
    /// end that the engine gives this codec's decoder ([`Codec::decode_headroom`]), so that
    /// the engine's own layers can be told apart from what the room saves. zstd and deflate
    /// only (the codecs that ask for room).
    pub fn direct_with_room(codec_name: &str) -> Self {
        let room = Some(codec(codec_name));
        let name = format!("room/{codec_name}");
        let level = |prefix: &str| codec_name.strip_prefix(prefix).and_then(|l| l.parse().ok());
        let kind = if let Some(l) = level("zstd-") {
            match Self::zstd_bulk(&name, l, None).kind {
                Kind::ZstdBulk(c, d, _) => Kind::ZstdBulk(c, d, room),
                _ => unreachable!("zstd_bulk makes a ZstdBulk"),
            }
        } else if let Some(l) = level("deflate-") {
            Kind::Deflate(
                Compress::new(Compression::new(l as u32), false),
                Decompress::new(false),
                room,
            )
        } else {
            panic!("room/{codec_name}: only zstd-N and deflate-N give their decoder room")
        };
        Self::new(name, kind)
    }
}
