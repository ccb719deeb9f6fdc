//! What `migrate`, `rollback` and `verify` share: their option parsers and checks, the engines
//! they compress and decode with, and the error of a verification that found values left.

use kvcodec::{CodecId, Engine, OnCorrupt};
use kvcodec_redis::migrate::{ValueTypes, Verification};

use crate::backends::CodecSpec;
use crate::commands::io::check_min_size;
use crate::error::CliError;
use crate::live::server::ServerUrl;

/// `strings,hashes,lists` (any of them, comma-separated) or `all`.
pub(crate) fn parse_types(s: &str) -> Result<ValueTypes, String> {
    match s.parse::<ValueTypes>() {
        Ok(t) if t != ValueTypes::NONE => Ok(t),
        _ => Err(format!(
            "unknown value types `{s}`: expected strings, hashes, lists (comma-separated) or all"
        )),
    }
}

/// A size of at least 1 byte.
pub(crate) fn positive_size(s: &str) -> Result<usize, String> {
    match s.parse::<usize>() {
        Ok(0) => Err("expected at least 1 byte".to_owned()),
        Ok(n) => Ok(n),
        Err(e) => Err(format!("expected a number of bytes: {e}")),
    }
}

/// What a migration writes: `--to`, `--min-size` (`None`: the codec's or the default) and
/// `--dictionary`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Target<'a> {
    pub(crate) spec: &'a CodecSpec,
    pub(crate) min_size: Option<usize>,
    pub(crate) dictionary: Option<u32>,
}

impl Target<'_> {
    /// How the job string names this target, one name for each way of writing: the codec at
    /// its effective level, the dictionary, and the minimum size when it is not the default
    /// for the codec (`zstd:9 dictionary=3 min_size=100`; `--to zstd` and `--to zstd:3
    /// --min-size 64` are both `zstd:3`).
    pub(crate) fn label(&self) -> String {
        let mut label = match self.spec.effective_level() {
            Some(level) => format!("{}:{level}", self.spec.backend.name),
            None => self.spec.backend.name.to_owned(),
        };
        if let Some(id) = self.dictionary {
            label.push_str(&format!(" dictionary={id}"));
        }
        if self.effective_min_size() != self.default_min_size() {
            label.push_str(&format!(" min_size={}", self.effective_min_size()));
        }
        label
    }

    /// The smallest value compressed: `--min-size`, or the default for the codec.
    pub(crate) fn effective_min_size(&self) -> usize {
        self.min_size.unwrap_or(self.default_min_size())
    }

    /// The compact dictionary codec's own minimum size with a dictionary (it saves bytes on
    /// far smaller values), the engine's default without.
    fn default_min_size(&self) -> usize {
        match self.dictionary {
            Some(_) => kvcodec_zstd::DICT_MIN_SIZE,
            None => kvcodec::DEFAULT_MIN_COMPRESSION_SIZE,
        }
    }
}

/// The engine `migrate --to SPEC [--min-size] [--dictionary]` compresses with: with a
/// dictionary, the compact dictionary codec (header id 0x05) at the spec's level, its own
/// minimum size unless `--min-size` is given.
pub(crate) fn compress_engine(
    server: &ServerUrl,
    target: &Target<'_>,
    cluster: bool,
) -> Result<Engine, CliError> {
    let (spec, min_size) = (target.spec, target.effective_min_size());
    let Some(id) = target.dictionary else {
        return Ok(spec.engine(min_size)?);
    };
    let mut con = server.connect_to(cluster)?;
    let level = spec
        .effective_level()
        .unwrap_or(kvcodec_zstd::DEFAULT_LEVEL);
    let codec = server.dict_codec(&mut *con, level, id)?;
    Engine::builder()
        .policy(spec.config(min_size).policy())
        .codec(codec)
        .build()
        .map_err(|e| CliError::usage(e.to_string()))
}

/// The engine `migrate --recompress --to SPEC` writes with: the spec's codec and policy (with
/// `dictionary`, the compact dictionary codec writing with that one, at its own minimum size
/// unless `--min-size` is given), decoding every compiled-in backend and every dictionary of
/// the server.
pub(crate) fn recompress_engine(
    server: &ServerUrl,
    target: &Target<'_>,
    cluster: bool,
) -> Result<Engine, CliError> {
    let (spec, dictionary) = (target.spec, target.dictionary);
    let mut con = server.connect_to(cluster)?;
    let level = |id: CodecId| {
        (spec.backend.id == id)
            .then(|| spec.effective_level())
            .flatten()
    };
    let zstd_level = level(CodecId::ZSTD).unwrap_or(kvcodec_zstd::DEFAULT_LEVEL);
    let (dict, writer) = match dictionary {
        Some(id) => (
            server.dict_codec(&mut *con, zstd_level, id)?,
            CodecId::ZSTD_DICT,
        ),
        None => (server.dict_reader(&mut *con)?, spec.backend.id),
    };
    let mut builder = Engine::builder()
        .policy(spec.config(target.effective_min_size()).policy())
        .codec(server.zstd_codec(&mut *con, zstd_level)?)
        .codec(dict)
        .write_with(writer);
    for backend in crate::backends::ALL
        .iter()
        .filter(|b| b.id != CodecId::ZSTD)
    {
        let codec = backend
            .codec(level(backend.id))
            .map_err(|e| CliError::usage(e.to_string()))?;
        builder = builder.codec(codec);
    }
    builder.build().map_err(|e| CliError::usage(e.to_string()))
}

/// The engine rollback and `verify --expect plain` decode with: every compiled-in codec and
/// the server's dictionaries.
pub(crate) fn decode_engine(
    server: &ServerUrl,
    max_size: usize,
    cluster: bool,
) -> Result<Engine, CliError> {
    let mut con = server.connect_to(cluster)?;
    Ok(server.reader(&mut *con, max_size, OnCorrupt::Error)?)
}

/// Checks `--to`, `--min-size` and `--dictionary` before anything connects.
pub(crate) fn check_spec(
    to: &str,
    min_size: Option<usize>,
    dictionary: Option<u32>,
) -> Result<CodecSpec, CliError> {
    let spec = CodecSpec::parse(to)?;
    if let Some(min_size) = min_size {
        check_min_size(min_size)?;
    }
    if dictionary.is_some() && spec.backend.id != CodecId::ZSTD {
        return Err(CliError::usage(format!(
            "--dictionary needs a zstd codec, found --to {spec}"
        )));
    }
    Ok(spec)
}

/// `--match` and `--rate`, checked before anything connects (the library's one check).
pub(crate) fn check_options(pattern: Option<&str>, rate: Option<f64>) -> Result<(), CliError> {
    kvcodec_redis::migrate::check_options(pattern, rate)
        .map(drop)
        .map_err(|e| CliError::usage(e.to_string()))
}

/// The error of a verification that found values in the other state.
pub(crate) fn not_verified(v: &Verification) -> CliError {
    let reasons: Vec<String> = v.left.iter().map(|(r, n)| format!("{r} {n}")).collect();
    let state = v.expect.describe();
    CliError::unverified(format!(
        "{} values are not {state} ({}); see the report for what each reason means",
        v.left_total(),
        reasons.join(", ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn label(spec: &str, min_size: Option<usize>, dictionary: Option<u32>) -> String {
        let spec = CodecSpec::parse(spec).unwrap();
        Target {
            spec: &spec,
            min_size,
            dictionary,
        }
        .label()
    }

    #[test]
    fn one_label_per_way_of_writing() {
        assert_eq!(label("zstd", None, None), "zstd:3");
        assert_eq!(label("zstd:3", Some(64), None), "zstd:3");
        assert_eq!(label("zstd:9", Some(100), None), "zstd:9 min_size=100");
        assert_eq!(label("zstd", None, Some(3)), "zstd:3 dictionary=3");
        assert_eq!(label("zstd:3", Some(32), Some(3)), "zstd:3 dictionary=3");
        assert_eq!(
            label("zstd", Some(64), Some(3)),
            "zstd:3 dictionary=3 min_size=64"
        );
        assert_eq!(label("snappy", None, None), "snappy");
        assert_ne!(label("lz4", None, None), label("lz4:9", None, None));
    }
}
