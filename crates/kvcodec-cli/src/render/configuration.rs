//! The recommendation as configuration to copy: kvcodec's environment variables (what
//! `kvcodec::Config::from_env` reads) and the matching Valkey GLIDE client configuration.

use serde::Serialize;

use crate::assess::recommend::Recommendation;

/// What to paste.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct Configuration {
    /// `COMPRESSION_ENABLED=true COMPRESSION_BACKEND=zstd COMPRESSION_LEVEL=3 MIN_COMPRESSION_SIZE=256`.
    pub(crate) env: String,
    /// A GLIDE (Python) client configuration writing the same, or `None` when GLIDE cannot
    /// read the codec.
    pub(crate) glide_python: Option<String>,
}

/// The configuration of `r`.
pub(crate) fn configuration(r: &Recommendation) -> Configuration {
    let mut env = vec![
        "COMPRESSION_ENABLED=true".to_owned(),
        format!("COMPRESSION_BACKEND={}", r.backend),
    ];
    env.extend(r.level.map(|l| format!("COMPRESSION_LEVEL={l}")));
    env.push(format!("MIN_COMPRESSION_SIZE={}", r.min_size));
    let level = r
        .level
        .map_or(String::new(), |l| format!(", compression_level={l}"));
    let glide_python = r.glide_compatible.then(|| {
        format!(
            "from glide import (GlideClientConfiguration, NodeAddress,\n                   \
             CompressionConfiguration, CompressionBackend)\n\
             config = GlideClientConfiguration(\n    \
             [NodeAddress(\"HOST\", PORT)],\n    \
             compression=CompressionConfiguration(\n        \
             enabled=True, backend=CompressionBackend.{}{level},\n        \
             min_compression_size={}))",
            r.backend.to_uppercase(),
            r.min_size
        )
    });
    Configuration {
        env: env.join(" "),
        glide_python,
    }
}

/// The configuration as text lines for the reports.
pub(crate) fn lines(c: &Configuration) -> Vec<String> {
    let mut out = vec![format!("environment: {}", c.env)];
    match &c.glide_python {
        Some(py) => {
            out.push("Valkey GLIDE (Python):".to_owned());
            out.extend(py.lines().map(|l| format!("  {l}")));
        }
        None => {
            out.push("Valkey GLIDE clients cannot read this codec: kvcodec clients only".into())
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assess::sources::builtin::builtin;
    use crate::assess::{AssessOptions, assess};
    use crate::backends::CodecSpec;

    /// The environment line, read by kvcodec's own `Config::from_env_with`, is the recommended
    /// configuration.
    #[test]
    fn the_environment_line_configures_the_recommendation() {
        let options = AssessOptions {
            passes: 1,
            candidates: vec![CodecSpec::parse("zstd:3").unwrap()],
            dictionary_size: None,
            ..Default::default()
        };
        let r = assess(&builtin(), &options).unwrap().recommendation;
        let c = configuration(&r);
        let vars: Vec<(String, String)> = c
            .env
            .split(' ')
            .map(|kv| kv.split_once('=').unwrap())
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        let config = kvcodec::Config::from_env_with(|name| {
            vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
        })
        .unwrap();
        assert!(config.enabled);
        assert_eq!(config.backend, "zstd");
        assert_eq!(config.compression_level, Some(3));
        assert_eq!(config.min_compression_size, r.min_size);
        let py = c.glide_python.unwrap();
        assert!(
            py.contains("backend=CompressionBackend.ZSTD, compression_level=3"),
            "{py}"
        );
        assert!(
            py.contains(&format!("min_compression_size={}", r.min_size)),
            "{py}"
        );
    }
}
