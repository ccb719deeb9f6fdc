//! The backends compiled into the binary, and codec specs such as `zstd:3`.
//!
//! A *codec spec* names a backend and, optionally, a level: `zstd`, `zstd:3`, `lz4`,
//! `lz4:-4`, `snappy`, `deflate:6`. Names are case-insensitive; a level is checked against
//! the backend's own range, and a backend that takes no level refuses one.

use std::fmt;

use kvcodec::{Backend, CodecId, Config, Engine, OnCorrupt};

/// A codec spec that does not parse, or one the backend refuses to build.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum SpecError {
    /// No compiled-in backend has this name.
    #[error("unknown codec `{name}` in codec spec {spec:?}: expected one of {expected}")]
    UnknownCodec {
        /// The name given.
        name: String,
        /// The whole spec, as given.
        spec: String,
        /// The names of the compiled-in backends, comma-separated.
        expected: String,
    },
    /// The level is not an integer.
    #[error("bad level `{level}` in codec spec {spec:?}: expected an integer")]
    BadLevel {
        /// The level given.
        level: String,
        /// The spec, trimmed.
        spec: String,
    },
    /// The spec and `--level` name different levels.
    #[error("conflicting levels for {backend}: {given} in the codec spec, {level} from --level")]
    ConflictingLevels {
        /// The backend.
        backend: &'static str,
        /// The level of the spec.
        given: i32,
        /// The level of `--level`.
        level: i32,
    },
    /// A level for a backend that takes none.
    #[error("{backend} takes no level, found level {level}")]
    NoLevels {
        /// The backend.
        backend: &'static str,
        /// The level given.
        level: i32,
    },
    /// A level outside the backend's range.
    #[error("level {level} is out of range for {backend}: expected {min}..={max}")]
    LevelOutOfRange {
        /// The backend.
        backend: &'static str,
        /// The level given.
        level: i32,
        /// The backend's lowest level.
        min: i32,
        /// The backend's highest level.
        max: i32,
    },
    /// The codec or engine does not build.
    #[error(transparent)]
    Build(#[from] kvcodec::Error),
}

/// Every backend this binary decodes and can write with, GLIDE's two first.
pub(crate) static ALL: [&Backend; 4] = [
    &kvcodec_zstd::BACKEND,
    &kvcodec_lz4::BACKEND,
    &kvcodec_snappy::BACKEND,
    &kvcodec_deflate::BACKEND,
];

/// The compiled-in backend for a header codec id.
pub(crate) fn by_id(id: CodecId) -> Option<&'static Backend> {
    ALL.iter().copied().find(|b| b.id == id)
}

/// `true` for the backends Valkey GLIDE can read (zstd and lz4: [`CodecId::glide_reads`]).
pub(crate) fn is_glide_compatible(backend: &Backend) -> bool {
    backend.id.glide_reads()
}

/// An engine that decodes every compiled-in backend (it writes with zstd, unused by readers).
pub fn reader(max_decompressed_size: usize, on_corrupt: OnCorrupt) -> Result<Engine, SpecError> {
    let config = Config {
        enabled: true,
        max_decompressed_size,
        on_corrupt,
        ..Config::default()
    };
    Ok(config.build(&ALL)?)
}

/// A backend and an optional level, parsed from `name[:level]`.
#[derive(Clone, Copy)]
pub struct CodecSpec {
    /// The backend to write with.
    pub(crate) backend: &'static Backend,
    /// The level given, already checked against the backend's range; `None` for its default.
    pub(crate) level: Option<i32>,
}

impl CodecSpec {
    /// Parses `name[:level]` against the compiled-in backends.
    pub fn parse(spec: &str) -> Result<Self, SpecError> {
        let backends = &ALL;
        let trimmed = spec.trim();
        let (name, level) = match trimmed.split_once(':') {
            Some((name, level)) => (name.trim(), Some(level.trim())),
            None => (trimmed, None),
        };
        let backend = backends
            .iter()
            .copied()
            .find(|b| b.name.eq_ignore_ascii_case(name))
            .ok_or_else(|| {
                let names: Vec<_> = backends.iter().map(|b| b.name).collect();
                SpecError::UnknownCodec {
                    name: name.to_owned(),
                    spec: spec.to_owned(),
                    expected: names.join(", "),
                }
            })?;
        let spec = CodecSpec {
            backend,
            level: None,
        };
        match level {
            None => Ok(spec),
            Some(raw) => {
                let level = raw.parse::<i32>().map_err(|_| SpecError::BadLevel {
                    level: raw.to_owned(),
                    spec: trimmed.to_owned(),
                })?;
                spec.with_level(level)
            }
        }
    }

    /// Sets the level (from `--level`), checked against the backend's range. A spec that
    /// already names a different level is an error.
    pub(crate) fn with_level(self, level: i32) -> Result<Self, SpecError> {
        let backend = self.backend.name;
        if let Some(given) = self.level
            && given != level
        {
            return Err(SpecError::ConflictingLevels {
                backend,
                given,
                level,
            });
        }
        match &self.backend.levels {
            None => Err(SpecError::NoLevels { backend, level }),
            Some(range) if !range.contains(&level) => Err(SpecError::LevelOutOfRange {
                backend,
                level,
                min: *range.start(),
                max: *range.end(),
            }),
            Some(_) => Ok(CodecSpec {
                level: Some(level),
                ..self
            }),
        }
    }

    /// The level the codec runs at: the one given, or the backend's default.
    pub(crate) fn effective_level(&self) -> Option<i32> {
        self.backend
            .levels
            .as_ref()
            .map(|_| self.level.unwrap_or(self.backend.default_level))
    }

    /// The GLIDE-style config writing with this spec and `min_compression_size`.
    pub(crate) fn config(&self, min_compression_size: usize) -> Config {
        Config {
            enabled: true,
            backend: self.backend.name.to_owned(),
            compression_level: self.level,
            min_compression_size,
            ..Config::default()
        }
    }

    /// An engine writing with this spec (GLIDE's write policy at `min_compression_size`)
    /// and decoding every compiled-in backend.
    pub fn engine(&self, min_compression_size: usize) -> Result<Engine, SpecError> {
        Ok(self.config(min_compression_size).build(&ALL)?)
    }
}

impl fmt::Display for CodecSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.level {
            Some(level) => write!(f, "{}:{level}", self.backend.name),
            None => f.write_str(self.backend.name),
        }
    }
}

impl fmt::Debug for CodecSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CodecSpec({self})")
    }
}

/// The candidates `assess` measures unless `--levels` names others.
pub(crate) const DEFAULT_CANDIDATES: [&str; 8] = [
    "zstd:1", "zstd:3", "zstd:9", "zstd:19", "lz4", "snappy", "deflate:1", "deflate:6",
];

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_err(spec: &str) -> String {
        CodecSpec::parse(spec).unwrap_err().to_string()
    }

    #[test]
    fn parses_names_and_levels() {
        let s = CodecSpec::parse("zstd:3").unwrap();
        assert_eq!((s.backend.id, s.level), (CodecId::ZSTD, Some(3)));
        assert_eq!(s.to_string(), "zstd:3");
        let s = CodecSpec::parse(" LZ4 ").unwrap();
        assert_eq!((s.backend.name, s.level), ("lz4", None));
        assert_eq!(s.to_string(), "lz4");
        assert_eq!(CodecSpec::parse("lz4:-4").unwrap().level, Some(-4));
        assert_eq!(
            CodecSpec::parse("deflate:6").unwrap().backend.id,
            CodecId::DEFLATE
        );
        assert_eq!(
            CodecSpec::parse("snappy").unwrap().backend.id,
            CodecId::SNAPPY
        );
        for spec in DEFAULT_CANDIDATES {
            assert_eq!(CodecSpec::parse(spec).unwrap().to_string(), spec);
        }
    }

    #[test]
    fn errors_say_expected_and_found() {
        let e = parse_err("brotli:3");
        assert!(e.contains("unknown codec `brotli`"), "{e}");
        assert!(e.contains("zstd, lz4, snappy, deflate"), "{e}");
        let e = parse_err("zstd:high");
        assert_eq!(
            e,
            "bad level `high` in codec spec \"zstd:high\": expected an integer"
        );
        let e = parse_err("zstd:99");
        assert!(
            e.starts_with("level 99 is out of range for zstd: expected "),
            "{e}"
        );
        let e = parse_err("snappy:1");
        assert_eq!(e, "snappy takes no level, found level 1");
        assert!(parse_err("").contains("unknown codec ``"));
    }

    #[test]
    fn level_flag_merges_with_spec() {
        let s = CodecSpec::parse("zstd").unwrap().with_level(9).unwrap();
        assert_eq!(s.to_string(), "zstd:9");
        assert!(CodecSpec::parse("zstd:9").unwrap().with_level(9).is_ok());
        let e = CodecSpec::parse("zstd:3")
            .unwrap()
            .with_level(9)
            .unwrap_err();
        assert!(e.to_string().contains("conflicting levels"), "{e}");
    }

    #[test]
    fn effective_level_and_engine() {
        let zstd = CodecSpec::parse("zstd").unwrap();
        assert_eq!(zstd.effective_level(), Some(zstd.backend.default_level));
        let engine = CodecSpec::parse("deflate:1").unwrap().engine(64).unwrap();
        assert_eq!(engine.writer().unwrap().id(), CodecId::DEFLATE);
        assert_eq!(engine.registry().ids().count(), ALL.len());
        assert!(is_glide_compatible(zstd.backend));
        assert!(!is_glide_compatible(
            CodecSpec::parse("snappy").unwrap().backend
        ));
        assert_eq!(by_id(CodecId::LZ4).unwrap().name, "lz4");
    }
}
