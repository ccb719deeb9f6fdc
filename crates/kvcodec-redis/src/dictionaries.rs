//! Sharing zstd dictionaries through the server, so every client decodes with the same ones.
//!
//! Key layout: one hash, [`KEY`] (`kvcodec:dictionaries`), field = the dictionary id in
//! decimal (the id zstd writes in each frame), value = the raw dictionary bytes. In a cluster
//! the hash lives on one node like any key. Dictionaries are immutable: pushing different
//! bytes under an id that is taken is an error, so a frame's id always means one dictionary.
//! `kvcodec migrate` never rewrites keys under the `kvcodec:` prefix.

use redis::{ConnectionLike, ErrorKind, RedisError, RedisResult};

/// The hash holding every shared dictionary.
pub const KEY: &str = "kvcodec:dictionaries";

/// Prefix of kvcodec's own keys, which migrations leave alone.
pub const RESERVED_PREFIX: &[u8] = b"kvcodec:";

/// Stores `dictionary` under `id`. Pushing the same bytes again is fine; different bytes
/// under a taken id are refused.
pub fn push(con: &mut dyn ConnectionLike, id: u32, dictionary: &[u8]) -> RedisResult<()> {
    let added: bool = redis::cmd("HSETNX")
        .arg(KEY)
        .arg(id)
        .arg(dictionary)
        .query(con)?;
    if added {
        return Ok(());
    }
    let existing: Vec<u8> = redis::cmd("HGET").arg(KEY).arg(id).query(con)?;
    if existing == dictionary {
        Ok(())
    } else {
        Err(RedisError::from((
            ErrorKind::Client,
            "dictionary id taken",
            format!(
                "{KEY} already holds a different dictionary under id {id} ({} bytes, expected {} bytes): dictionary ids are permanent",
                existing.len(),
                dictionary.len()
            ),
        )))
    }
}

/// Every shared dictionary, by ascending id.
pub fn pull(con: &mut dyn ConnectionLike) -> RedisResult<Vec<(u32, Vec<u8>)>> {
    let pairs: Vec<(String, Vec<u8>)> = redis::cmd("HGETALL").arg(KEY).query(con)?;
    let mut out = pairs
        .into_iter()
        .map(|(id, bytes)| {
            id.parse::<u32>().map(|id| (id, bytes)).map_err(|_| {
                RedisError::from((
                    ErrorKind::Parse,
                    "bad dictionary id",
                    format!("{KEY} field {id:?}: expected a decimal u32 dictionary id"),
                ))
            })
        })
        .collect::<RedisResult<Vec<_>>>()?;
    out.sort_by_key(|(id, _)| *id);
    Ok(out)
}

/// Every dictionary on the server, in a new shared set (feature `zstd`): give it to a
/// [`kvcodec_zstd::ZstdDictCodec`] and to [`crate::Compression::fetch_dictionaries`], and
/// dictionaries pushed later are fetched into it when a value needs one.
#[cfg(feature = "zstd")]
pub fn shared(
    con: &mut dyn ConnectionLike,
) -> Result<std::sync::Arc<kvcodec_zstd::Dictionaries>, Box<dyn std::error::Error + Send + Sync>> {
    let set = kvcodec_zstd::Dictionaries::new();
    for (_, dictionary) in pull(con)? {
        set.insert(&dictionary)?;
    }
    Ok(set)
}

/// A zstd codec (header id `0x01`, standard frames) at `level` that decodes with every
/// dictionary on the server and, if `write_with` is set, compresses with that one (feature
/// `zstd`): the older dictionary form. New dictionary values use
/// [`kvcodec_zstd::ZstdDictCodec`] over [`shared`].
#[cfg(feature = "zstd")]
pub fn zstd_codec(
    con: &mut dyn ConnectionLike,
    level: i32,
    write_with: Option<u32>,
) -> Result<kvcodec_zstd::ZstdCodec, Box<dyn std::error::Error + Send + Sync>> {
    let mut builder = kvcodec_zstd::ZstdCodec::builder().level(level);
    for (_, dictionary) in pull(con)? {
        builder = builder.dictionary(dictionary)?;
    }
    if let Some(id) = write_with {
        builder = builder.write_with_dictionary(id);
    }
    Ok(builder.build()?)
}
