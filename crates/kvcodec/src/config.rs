//! [`Config`]: GLIDE-style settings, from code, serde, or environment variables.

use crate::engine::DEFAULT_MAX_DECOMPRESSED_SIZE;
use crate::policy::{DEFAULT_MIN_COMPRESSION_SIZE, DefaultPolicy, MIN_MIN_COMPRESSION_SIZE};
use crate::{Backend, Engine, Error, Mode, OnCorrupt, ValueTypes};

/// The environment variable of each field [`Config::validate`] checks.
const ENV_NAMES: [(&str, &str); 3] = [
    ("min_compression_size", "MIN_COMPRESSION_SIZE"),
    ("max_compression_size", "MAX_COMPRESSION_SIZE"),
    ("max_decompressed_size", "MAX_DECOMPRESSED_SIZE"),
];

/// Compression settings, with GLIDE's field names.
///
/// With nothing set (`Config::default()`, `{}` in serde, no environment variable for
/// [`from_env`](Self::from_env)) the mode is [`Mode::DecompressOnly`]: every compressed value
/// read is decoded and every value is written plain. Set `enabled` to compress writes; `Off`,
/// which decodes nothing, is only ever chosen explicitly through `mode`.
///
/// ```
/// # let json = r#"{"backend": "lz4", "min_compression_size": 128, "mode": "decompress-only"}"#;
/// let config: kvcodec::Config = serde_json::from_str(json).unwrap();
/// assert_eq!(config.effective_mode(), kvcodec::Mode::DecompressOnly);
/// ```
#[derive(Debug, Clone, PartialEq, serde::Deserialize, serde::Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// GLIDE's switch: `true` compresses writes ([`Mode::On`]); `false` (the default) writes
    /// plain values and still decodes compressed ones ([`Mode::DecompressOnly`]).
    pub enabled: bool,
    /// Overrides `enabled` when set: `on`, `off`, `decompress-only`.
    pub mode: Option<Mode>,
    /// Backend name used to write (`zstd`, `lz4`, `snappy`, `deflate`, or a custom one).
    pub backend: String,
    /// Backend level; `None` for the backend's default.
    pub compression_level: Option<i32>,
    /// Values shorter than this are stored plain (≥ 6; default 64).
    pub min_compression_size: usize,
    /// Values longer than this are stored plain (default: no limit).
    pub max_compression_size: Option<usize>,
    /// Largest decoded value accepted (default 512 MiB).
    pub max_decompressed_size: usize,
    /// Keep a compressed form only if it saves at least this fraction (`0.0..1.0`).
    pub min_savings: Option<f64>,
    /// What to do with a value that has a header but does not decode.
    pub on_corrupt: OnCorrupt,
    /// Which value types a wrapper compresses on write (default: strings only, which GLIDE
    /// readers can read). Reads decode every type.
    pub value_types: ValueTypes,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            enabled: false,
            mode: None,
            backend: "zstd".into(),
            compression_level: None,
            min_compression_size: DEFAULT_MIN_COMPRESSION_SIZE,
            max_compression_size: None,
            max_decompressed_size: DEFAULT_MAX_DECOMPRESSED_SIZE,
            min_savings: None,
            on_corrupt: OnCorrupt::default(),
            value_types: ValueTypes::default(),
        }
    }
}

fn invalid(field: &'static str, found: impl ToString, expected: impl Into<String>) -> Error {
    Error::InvalidConfig {
        field,
        found: found.to_string(),
        expected: expected.into(),
    }
}

fn parse_env<T: std::str::FromStr>(field: &'static str, raw: &str, what: &str) -> Result<T, Error> {
    raw.trim()
        .parse()
        .map_err(|_| invalid(field, format!("{raw:?}"), what))
}

impl Config {
    /// The mode in force: `mode` if set, else `On` when `enabled`, else `DecompressOnly`.
    pub fn effective_mode(&self) -> Mode {
        match (self.mode, self.enabled) {
            (Some(mode), _) => mode,
            (None, true) => Mode::On,
            (None, false) => Mode::DecompressOnly,
        }
    }

    /// Reads the process environment; see [`from_env_with`](Self::from_env_with).
    pub fn from_env() -> Result<Self, Error> {
        Self::from_env_with(|name| std::env::var(name).ok())
    }

    /// Builds a config from environment-style variables, read through `var`, for feature
    /// flags. Unset variables keep the defaults, so with none set the engine decodes and
    /// writes plain ([`Mode::DecompressOnly`]):
    ///
    /// | variable | field | values |
    /// |---|---|---|
    /// | `COMPRESSION_ENABLED` | `enabled` | `true`/`false`/`1`/`0` |
    /// | `COMPRESSION_MODE` | `mode` | `on`/`off`/`decompress-only` |
    /// | `COMPRESSION_BACKEND` | `backend` | a backend name |
    /// | `COMPRESSION_LEVEL` | `compression_level` | integer |
    /// | `COMPRESSION_VALUE_TYPES` | `value_types` | `strings`, `strings,hashes,lists`, `all`, … |
    /// | `MIN_COMPRESSION_SIZE` | `min_compression_size` | bytes |
    /// | `MAX_COMPRESSION_SIZE` | `max_compression_size` | bytes |
    /// | `MAX_DECOMPRESSED_SIZE` | `max_decompressed_size` | bytes |
    ///
    /// Errors name the variable that held the bad value:
    ///
    /// ```
    /// let err = kvcodec::Config::from_env_with(|name| {
    ///     (name == "MIN_COMPRESSION_SIZE").then(|| "3".to_owned())
    /// })
    /// .unwrap_err();
    /// assert_eq!(err.to_string(), "invalid config `MIN_COMPRESSION_SIZE`: found 3, expected at least 6");
    /// ```
    pub fn from_env_with(var: impl Fn(&str) -> Option<String>) -> Result<Self, Error> {
        let mut c = Config::default();
        if let Some(v) = var("COMPRESSION_ENABLED") {
            c.enabled = match v.trim().to_ascii_lowercase().as_str() {
                "true" | "1" | "yes" | "on" => true,
                "false" | "0" | "no" | "off" | "" => false,
                _ => {
                    return Err(invalid(
                        "COMPRESSION_ENABLED",
                        format!("{v:?}"),
                        "true or false",
                    ));
                }
            };
        }
        if let Some(v) = var("COMPRESSION_MODE") {
            c.mode = Some(match v.trim().to_ascii_lowercase().as_str() {
                "on" => Mode::On,
                "off" => Mode::Off,
                "decompress-only" | "decompress_only" => Mode::DecompressOnly,
                _ => {
                    return Err(invalid(
                        "COMPRESSION_MODE",
                        format!("{v:?}"),
                        "on, off or decompress-only",
                    ));
                }
            });
        }
        if let Some(v) = var("COMPRESSION_BACKEND") {
            c.backend = v.trim().to_ascii_lowercase();
        }
        if let Some(v) = var("COMPRESSION_LEVEL") {
            c.compression_level = Some(parse_env("COMPRESSION_LEVEL", &v, "an integer")?);
        }
        if let Some(v) = var("COMPRESSION_VALUE_TYPES") {
            c.value_types = v.parse().map_err(|e| match e {
                Error::InvalidConfig {
                    found, expected, ..
                } => invalid("COMPRESSION_VALUE_TYPES", found, expected),
                other => other,
            })?;
        }
        if let Some(v) = var("MIN_COMPRESSION_SIZE") {
            c.min_compression_size = parse_env("MIN_COMPRESSION_SIZE", &v, "a byte count")?;
        }
        if let Some(v) = var("MAX_COMPRESSION_SIZE") {
            c.max_compression_size = Some(parse_env("MAX_COMPRESSION_SIZE", &v, "a byte count")?);
        }
        if let Some(v) = var("MAX_DECOMPRESSED_SIZE") {
            c.max_decompressed_size = parse_env("MAX_DECOMPRESSED_SIZE", &v, "a byte count")?;
        }
        c.validate().map_err(|e| match e {
            // Name the variable that held the value rather than the field.
            Error::InvalidConfig {
                field,
                found,
                expected,
            } => match ENV_NAMES.iter().find(|(f, _)| *f == field) {
                Some((_, env)) if var(env).is_some() => invalid(env, found, expected),
                _ => Error::InvalidConfig {
                    field,
                    found,
                    expected,
                },
            },
            other => other,
        })?;
        Ok(c)
    }

    /// Checks every field that does not depend on the backend (levels are checked by
    /// [`build`](Self::build), against the backend's own range).
    pub fn validate(&self) -> Result<(), Error> {
        if self.min_compression_size < MIN_MIN_COMPRESSION_SIZE {
            return Err(invalid(
                "min_compression_size",
                self.min_compression_size,
                format!("at least {MIN_MIN_COMPRESSION_SIZE}"),
            ));
        }
        if let Some(max) = self.max_compression_size
            && max < self.min_compression_size
        {
            return Err(invalid(
                "max_compression_size",
                max,
                format!(
                    "at least min_compression_size ({})",
                    self.min_compression_size
                ),
            ));
        }
        if self.max_decompressed_size == 0 {
            return Err(invalid("max_decompressed_size", 0, "at least 1"));
        }
        if let Some(r) = self.min_savings
            && !(0.0..1.0).contains(&r)
        {
            return Err(invalid("min_savings", r, "a fraction in 0.0..1.0"));
        }
        Ok(())
    }

    /// The policy these settings describe.
    pub fn policy(&self) -> DefaultPolicy {
        DefaultPolicy {
            min_savings: self.min_savings,
            ..DefaultPolicy::new(self.min_compression_size, self.max_compression_size)
        }
    }

    /// Builds an engine that decodes every backend in `backends` and writes with the one named
    /// `backend` at `compression_level` (checked against that backend's range).
    ///
    /// ```
    /// # use std::sync::Arc;
    /// # use kvcodec::{Backend, Codec, CodecId, Config, Error, codec::DecodeBound};
    /// # struct Id; impl Codec for Id { fn id(&self) -> CodecId { CodecId(0x80) } fn name(&self) -> &str { "id" }
    /// # fn compress(&self, i: &[u8], o: &mut Vec<u8>) -> Result<(), Error> { o.extend_from_slice(i); Ok(()) }
    /// # fn declared_len(&self, p: &[u8]) -> Result<Option<u64>, Error> { Ok(Some(p.len() as u64)) }
    /// # fn decompress(&self, p: &[u8], _: DecodeBound, o: &mut Vec<u8>) -> Result<(), Error> { o.extend_from_slice(p); Ok(()) } }
    /// static MINE: Backend = Backend {
    ///     name: "mine", id: CodecId(0x80), levels: None, default_level: 0,
    ///     build: |_| Ok(Arc::new(Id)),
    /// };
    /// let config = Config { backend: "mine".into(), compression_level: Some(3), ..Config::default() };
    /// let err = config.build(&[&MINE]).unwrap_err();
    /// assert_eq!(err.to_string(), "invalid config `compression_level`: found 3, expected no level: mine has none");
    /// ```
    pub fn build(&self, backends: &[&Backend]) -> Result<Engine, Error> {
        self.validate()?;
        let writer = backends
            .iter()
            .find(|b| b.name.eq_ignore_ascii_case(&self.backend))
            .ok_or_else(|| {
                let names: Vec<_> = backends.iter().map(|b| b.name).collect();
                invalid(
                    "backend",
                    format!("{:?}", self.backend),
                    format!("one of: {}", names.join(", ")),
                )
            })?;
        let mut builder = Engine::builder()
            .mode(self.effective_mode())
            .policy(self.policy())
            .max_decompressed_size(self.max_decompressed_size)
            .on_corrupt(self.on_corrupt)
            .value_types(self.value_types)
            .codec(writer.codec(self.compression_level)?);
        for b in backends.iter().filter(|b| b.id != writer.id) {
            builder = builder.codec(b.codec(None)?);
        }
        builder.build()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env(pairs: &[(&str, &str)]) -> Result<Config, Error> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_env_with(|k| map.get(k).cloned())
    }

    #[test]
    fn nothing_configured_decodes_and_writes_plain() {
        let from_env = env(&[]).unwrap();
        let from_serde: Config = serde_json::from_str("{}").unwrap();
        for c in [&from_env, &from_serde, &Config::default()] {
            assert_eq!(c.effective_mode(), Mode::DecompressOnly);
            assert_eq!(c.min_compression_size, 64);
            assert_eq!(c.value_types, ValueTypes::STRINGS);
        }
        assert_eq!(from_env, Config::default());
        assert_eq!(from_serde, Config::default());
        // `enabled = false` alone still decodes; only `mode = off` turns decoding off.
        let c = env(&[("COMPRESSION_ENABLED", "false")]).unwrap();
        assert_eq!(c.effective_mode(), Mode::DecompressOnly);
        let c = env(&[("COMPRESSION_MODE", "off")]).unwrap();
        assert_eq!(c.effective_mode(), Mode::Off);
    }

    #[test]
    fn env_reads_every_variable() {
        let c = env(&[
            ("COMPRESSION_ENABLED", "true"),
            ("COMPRESSION_BACKEND", "LZ4"),
            ("COMPRESSION_LEVEL", "-5"),
            ("MIN_COMPRESSION_SIZE", "100"),
            ("MAX_COMPRESSION_SIZE", "1000000"),
            ("MAX_DECOMPRESSED_SIZE", "2000000"),
            ("COMPRESSION_VALUE_TYPES", "strings,lists"),
        ])
        .unwrap();
        assert_eq!(
            c.value_types,
            ValueTypes::STRINGS.with(crate::ValueType::List)
        );
        assert_eq!(c.effective_mode(), Mode::On);
        assert_eq!(c.backend, "lz4");
        assert_eq!(c.compression_level, Some(-5));
        assert_eq!(c.min_compression_size, 100);
        assert_eq!(c.max_compression_size, Some(1_000_000));
        assert_eq!(c.max_decompressed_size, 2_000_000);
        let c = env(&[("COMPRESSION_MODE", "decompress-only")]).unwrap();
        assert_eq!(c.effective_mode(), Mode::DecompressOnly);
    }

    #[test]
    fn env_errors_name_variable_value_and_range() {
        let e = env(&[("MIN_COMPRESSION_SIZE", "5")]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "invalid config `MIN_COMPRESSION_SIZE`: found 5, expected at least 6"
        );
        let e = env(&[
            ("MIN_COMPRESSION_SIZE", "100"),
            ("MAX_COMPRESSION_SIZE", "50"),
        ])
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "invalid config `MAX_COMPRESSION_SIZE`: found 50, expected at least min_compression_size (100)"
        );
        let e = env(&[("MAX_DECOMPRESSED_SIZE", "0")]).unwrap_err();
        assert!(e.to_string().contains("`MAX_DECOMPRESSED_SIZE`"), "{e}");
        let e = env(&[("COMPRESSION_VALUE_TYPES", "sets")]).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("invalid config `COMPRESSION_VALUE_TYPES`: found \"sets\""),
            "{e}"
        );
        let e = env(&[("COMPRESSION_LEVEL", "high")]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "invalid config `COMPRESSION_LEVEL`: found \"high\", expected an integer"
        );
        let e = env(&[("COMPRESSION_ENABLED", "maybe")]).unwrap_err();
        assert!(e.to_string().contains("COMPRESSION_ENABLED"), "{e}");
    }

    #[test]
    fn validate_ranges() {
        let c = Config {
            min_compression_size: 100,
            max_compression_size: Some(50),
            ..Config::default()
        };
        assert!(
            c.validate()
                .unwrap_err()
                .to_string()
                .contains("max_compression_size")
        );
        let c = Config {
            min_savings: Some(1.5),
            ..Config::default()
        };
        assert!(c.validate().is_err());
    }

    #[test]
    fn serde_names_are_glides() {
        let c: Config = serde_json::from_str(
            r#"{"enabled": true, "backend": "zstd", "compression_level": 9,
                "min_compression_size": 128, "max_compression_size": 1048576,
                "max_decompressed_size": 1000, "on_corrupt": "error",
                "value_types": ["strings", "hashes"]}"#,
        )
        .unwrap();
        assert_eq!(c.compression_level, Some(9));
        assert_eq!(c.value_types.to_string(), "strings,hashes");
        assert_eq!(c.effective_mode(), Mode::On);
        assert_eq!(c.on_corrupt, OnCorrupt::Error);
        assert!(serde_json::from_str::<Config>(r#"{"bogus": 1}"#).is_err());
    }
}
