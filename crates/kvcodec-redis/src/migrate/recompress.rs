//! `migrate --recompress`: values stored with another codec, level or dictionary are rewritten
//! as the target engine would write them today. [`Sources`] selects which stored forms a run
//! touches; [`judge`] decides about one value.
//!
//! # What is rewritten
//!
//! A header names the codec, not the level or dictionary a value was written with, so the rule
//! is generic over [`CodecId`] (it works for ids this crate does not know, if the engine's
//! registry decodes them):
//!
//! - a **plain** value is compressed as by a plain migration (the target's policy decides);
//! - a value compressed with **another codec id** is decoded and stored as the target writes
//!   it: compressed with the target, or plain when the target's policy keeps it plain
//!   (`too_small`, `not_smaller`, …) — the value then reads the same for every client;
//! - a value compressed with the **target's codec id** is decoded and re-encoded. It is
//!   rewritten when it names another dictionary than the target's stored form
//!   (`Codec::dictionary_id`: an old dictionary → the new one, always, so the old one can be
//!   retired), or else (the level is not in the header) only if the target's stored form is
//!   strictly shorter: zstd-3 → zstd-19 rewrites what gets smaller, and a second run (or the
//!   verification pass) rewrites nothing, since the same level reproduces the same bytes.
//!   Otherwise it is kept as `already_target`.
//! - a value that does not decode (`undecodable`), decodes past the size limit
//!   (`over_max_size`) or decodes to a value that starts with a header (`nested`) is left as
//!   it is, and the verification reports it.

use kvcodec::header::{VERSION, has_header};
use kvcodec::{CodecId, Decoded, Encoded, Engine, FailureKind, Header};

use super::judge::Verdict;
use super::reason::Reason;

/// Which stored forms a recompression touches: plain values and a set of codec ids.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Sources {
    plain: bool,
    codecs: [u64; 4],
}

impl Sources {
    /// Every stored form: plain values and every codec id.
    pub const ALL: Sources = Sources {
        plain: true,
        codecs: [u64::MAX; 4],
    };

    /// No stored form; add some with [`with_plain`](Self::with_plain) and
    /// [`with_codec`](Self::with_codec).
    pub const NONE: Sources = Sources {
        plain: false,
        codecs: [0; 4],
    };

    /// These sources and plain values.
    pub const fn with_plain(mut self) -> Self {
        self.plain = true;
        self
    }

    /// These sources and values compressed with `id`.
    pub const fn with_codec(mut self, id: CodecId) -> Self {
        self.codecs[(id.0 / 64) as usize] |= 1 << (id.0 % 64);
        self
    }

    /// `true` if plain values are selected.
    pub const fn plain(&self) -> bool {
        self.plain
    }

    /// `true` if values compressed with `id` are selected.
    pub const fn has(&self, id: CodecId) -> bool {
        self.codecs[(id.0 / 64) as usize] & (1 << (id.0 % 64)) != 0
    }

    /// Parses `plain,lz4,zstd,0x80,…` (names of kvcodec-assigned ids, or an id in decimal or
    /// `0x` hex) or `all`.
    pub fn parse(s: &str) -> Result<Sources, String> {
        if s.trim().eq_ignore_ascii_case("all") {
            return Ok(Sources::ALL);
        }
        let mut out = Sources::NONE;
        for part in s.split(',').map(str::trim) {
            let known = CodecId::KNOWN
                .iter()
                .find(|k| k.name.eq_ignore_ascii_case(part));
            let number = match part.strip_prefix("0x") {
                Some(hex) => u8::from_str_radix(hex, 16).ok(),
                None => part.parse::<u8>().ok(),
            };
            out = match (part, known, number) {
                (p, _, _) if p.eq_ignore_ascii_case("plain") => out.with_plain(),
                (_, Some(k), _) => out.with_codec(k.id),
                (_, None, Some(n)) if n != 0 && n != 0xFF => out.with_codec(CodecId(n)),
                _ => {
                    let names: Vec<&str> = CodecId::KNOWN.iter().map(|k| k.name).collect();
                    return Err(format!(
                        "unknown source `{part}` in `{s}`: expected plain, {}, a codec id \
                         (1-254, or 0x01-0xfe), comma-separated, or all",
                        names.join(", ")
                    ));
                }
            };
        }
        Ok(out)
    }
}

/// `all`, or `plain,lz4,0x80` (the form [`Sources::parse`] reads).
impl std::fmt::Display for Sources {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if *self == Sources::ALL {
            return f.write_str("all");
        }
        let mut parts: Vec<String> = Vec::new();
        if self.plain {
            parts.push("plain".into());
        }
        for id in (0..=255u8).map(CodecId).filter(|id| self.has(*id)) {
            parts.push(id.label().into_owned());
        }
        f.write_str(&parts.join(","))
    }
}

impl Default for Sources {
    fn default() -> Self {
        Sources::ALL
    }
}

/// The source label of a stored value: `plain`, or its codec's label (`lz4`, `0x80`).
pub fn source_label(stored: &[u8]) -> std::borrow::Cow<'static, str> {
    match Header::parse(stored) {
        Some((h, _)) if h.version == VERSION => h.codec.label(),
        Some(_) => "unknown_version".into(),
        None => "plain".into(),
    }
}

/// Decides from a string's first bytes alone: `Some(reason)` for a source not selected.
pub fn peek(sources: Sources, prefix: &[u8], len: u64) -> Option<Reason> {
    let header = (len >= kvcodec::header::HEADER_LEN as u64)
        .then(|| Header::parse(prefix))
        .flatten();
    match header {
        None if !sources.plain() => Some(Reason::OtherSource),
        Some((h, _)) if !sources.has(h.codec) => Some(Reason::OtherSource),
        _ => None,
    }
}

/// Decides about one stored value (see the [module](self) for the rule).
pub fn judge(engine: &Engine, sources: Sources, value: &[u8]) -> Result<Verdict, kvcodec::Error> {
    let Some(writer) = engine.writer().map(|w| w.id()) else {
        return Ok(Verdict::Keep(Reason::Disabled));
    };
    let Some((header, _)) = Header::parse(value) else {
        if !sources.plain() {
            return Ok(Verdict::Keep(Reason::OtherSource));
        }
        return Ok(match engine.encode_outcome(value)? {
            Encoded::Compressed(stored) => Verdict::Rewrite(stored),
            Encoded::Plain(reason) => Verdict::Keep(reason.into()),
        });
    };
    if !sources.has(header.codec) {
        return Ok(Verdict::Keep(Reason::OtherSource));
    }
    let plain = match engine.decode_outcome(value) {
        Ok(Decoded::Decompressed(plain)) => plain,
        Ok(Decoded::ReturnedAsStored(_) | Decoded::Plain) => {
            return Ok(Verdict::Keep(Reason::Undecodable));
        }
        Err(e) if e.failure_kind() == Some(FailureKind::SizeLimit) => {
            return Ok(Verdict::Keep(Reason::OverMaxSize));
        }
        Err(_) => return Ok(Verdict::Keep(Reason::Undecodable)),
    };
    if has_header(&plain) {
        return Ok(Verdict::Keep(Reason::Nested));
    }
    let new = match engine.encode_outcome(&plain)? {
        Encoded::Compressed(stored) => stored,
        Encoded::Plain(_) => plain,
    };
    // Same codec: rewritten when it names another dictionary than the target's stored form,
    // or when that form is shorter; a form the policy keeps plain never replaces a shorter one.
    // The dictionaries are compared last: only for a value of the writer's codec that the new
    // form does not beat.
    if header.codec == writer
        && new.len() >= value.len()
        && (!has_header(&new) || dictionary(engine, value) == dictionary(engine, &new))
    {
        return Ok(Verdict::Keep(Reason::AlreadyTarget));
    }
    Ok(Verdict::Rewrite(new))
}

/// The dictionary a stored value names (`Codec::dictionary_id`), if any.
fn dictionary(engine: &Engine, stored: &[u8]) -> Option<u32> {
    let (header, payload) = Header::parse(stored)?;
    engine.registry().get(header.codec)?.dictionary_id(payload)
}

/// `true` if judging `value` may need more than `limit` bytes of decoded output: a compressed
/// value that declares a longer decoded form or declares none (the caller then takes the
/// big-value permit).
pub fn needs_more_than(engine: &Engine, value: &[u8], limit: u64) -> bool {
    let Some((header, payload)) = Header::parse(value) else {
        return false;
    };
    let Some(codec) = engine.registry().get(header.codec) else {
        return false;
    };
    match codec.declared_len(payload) {
        Ok(Some(n)) => n > limit,
        Ok(None) => true,
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn engine(level: i32) -> Engine {
        let zstd: Arc<dyn kvcodec::Codec> = Arc::new(kvcodec_zstd::ZstdCodec::new(level).unwrap());
        let lz4: Arc<dyn kvcodec::Codec> = Arc::new(kvcodec_lz4::Lz4Codec::default());
        Engine::builder().codec(zstd).codec(lz4).build().unwrap()
    }

    fn lz4(plain: &[u8]) -> Vec<u8> {
        let lz4: Arc<dyn kvcodec::Codec> = Arc::new(kvcodec_lz4::Lz4Codec::default());
        let e = Engine::builder().codec(lz4).build().unwrap();
        e.encode_vec(plain.to_vec()).unwrap()
    }

    #[test]
    fn other_codecs_are_rewritten_same_codec_only_when_smaller() {
        let plain: Vec<u8> = (0..4000u32)
            .flat_map(|i| format!("{{\"id\":{i},\"n\":\"user{}\"}}", i % 97).into_bytes())
            .collect();
        let e3 = engine(3);
        let from_lz4 = lz4(&plain);
        let Verdict::Rewrite(z3) = judge(&e3, Sources::ALL, &from_lz4).unwrap() else {
            panic!("lz4 → zstd rewrites")
        };
        assert_eq!(Header::parse(&z3).unwrap().0.codec, CodecId::ZSTD);
        assert_eq!(e3.decode_vec(z3.clone()).unwrap(), plain);
        // Same codec, same level: the same bytes, kept.
        assert_eq!(
            judge(&e3, Sources::ALL, &z3).unwrap(),
            Verdict::Keep(Reason::AlreadyTarget)
        );
        // Same codec, a higher level saves more: rewritten; a lower one is not smaller: kept.
        let e19 = engine(19);
        let Verdict::Rewrite(z19) = judge(&e19, Sources::ALL, &z3).unwrap() else {
            panic!("zstd-3 → zstd-19 is smaller")
        };
        assert!(z19.len() < z3.len());
        assert_eq!(
            judge(&engine(1), Sources::ALL, &z19).unwrap(),
            Verdict::Keep(Reason::AlreadyTarget)
        );
        // Plain values are compressed; sources not selected are left.
        assert!(matches!(
            judge(&e3, Sources::ALL, &plain).unwrap(),
            Verdict::Rewrite(_)
        ));
        let only_lz4 = Sources::parse("lz4").unwrap();
        assert_eq!(
            judge(&e3, only_lz4, &plain).unwrap(),
            Verdict::Keep(Reason::OtherSource)
        );
        assert_eq!(
            judge(&e3, only_lz4, &z3).unwrap(),
            Verdict::Keep(Reason::OtherSource)
        );
        assert_eq!(
            peek(only_lz4, &z3[..5], z3.len() as u64),
            Some(Reason::OtherSource)
        );
        assert_eq!(peek(only_lz4, &from_lz4[..5], 99), None);
        assert_eq!(source_label(&from_lz4), "lz4");
        assert_eq!(source_label(&plain), "plain");
    }

    #[test]
    fn small_values_of_another_codec_become_plain() {
        let small = lz4(&b"ab".repeat(40));
        let e = engine(3);
        // GLIDE's default minimum is 64 bytes: this 80-byte value compresses...
        let Verdict::Rewrite(new) = judge(&e, Sources::ALL, &small).unwrap() else {
            panic!()
        };
        assert_eq!(e.decode_vec(new).unwrap(), b"ab".repeat(40));
        // ...a nested or corrupt value is left.
        assert_eq!(
            judge(&e, Sources::ALL, &[0, 1, 2, 0, 2, 9, 9, 9, 9]).unwrap(),
            Verdict::Keep(Reason::Undecodable)
        );
        let nested = lz4(&lz4(&b"x".repeat(200)));
        assert_eq!(
            judge(&e, Sources::ALL, &nested).unwrap(),
            Verdict::Keep(Reason::Nested)
        );
    }

    #[test]
    fn the_job_names_recompress_and_its_sources() {
        use super::super::{DEFAULT_TIMEOUT, Direction, Migration, ValueTypes};
        let mut m = Migration {
            engine: Arc::new(engine(3)),
            direction: Direction::Compress,
            types: ValueTypes::STRINGS,
            pattern: None,
            rate: None,
            dry_run: false,
            batch: 10,
            checkpoint: None,
            timeout: DEFAULT_TIMEOUT,
            target: None,
        };
        assert_eq!(m.job(), "compress zstd match=*");
        m.direction = Direction::Recompress(Sources::ALL);
        // A plain migration's checkpoint is never resumed by a recompression, nor the reverse.
        assert_eq!(m.job(), "recompress zstd match=*");
        m.direction = Direction::Recompress(Sources::parse("lz4,plain").unwrap());
        assert_eq!(m.job(), "recompress zstd match=* from=plain,lz4");
        // A level, dictionary or minimum size of its own is part of the job.
        m.target = Some("zstd:9 dictionary=3".into());
        assert_eq!(
            m.job(),
            "recompress zstd:9 dictionary=3 match=* from=plain,lz4"
        );
        assert_eq!(m.expect(), super::super::Expect::Recompressed);
    }

    #[test]
    fn sources_parse_names_ids_and_say_what_is_expected() {
        let s = Sources::parse("plain, lz4,0x80,200").unwrap();
        assert!(s.plain() && s.has(CodecId::LZ4) && s.has(CodecId(0x80)) && s.has(CodecId(200)));
        assert!(!s.has(CodecId::ZSTD));
        assert_eq!(Sources::parse("all").unwrap(), Sources::ALL);
        let err = Sources::parse("lz5").unwrap_err();
        assert!(
            err.contains("unknown source `lz5`") && err.contains("zstd"),
            "{err}"
        );
        assert!(Sources::parse("0").is_err());
    }
}
