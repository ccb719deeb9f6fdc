//! [`Mode`] and [`OnCorrupt`]: what an engine does on the write and read paths.

/// What an engine does on the write and read paths.
///
/// With nothing configured ([`crate::Config::default`], [`crate::Config::from_env`] with no
/// variable set) an engine is `DecompressOnly`: it decodes every compressed value it reads and
/// writes plain values, so a service that forgot its settings never hands another service's
/// compressed values to its application. `Off` is only ever chosen explicitly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Mode {
    /// Neither compress nor decode: values pass through untouched, as with a plain client.
    /// Compressed values written by others come back compressed.
    Off,
    /// Write plain values, decode compressed ones: the safe default, and the state for a
    /// rollback while compressed values are still stored.
    #[default]
    DecompressOnly,
    /// Compress by policy and decode.
    On,
}

/// What decoding does with a value that has a header but does not decode: an unknown codec id,
/// an unsupported version, a truncated or corrupt payload — including one that declares more
/// decoded bytes than its payload could hold ([`crate::Codec::max_expansion`]), which is
/// corrupt, not large.
///
/// A payload that could hold what it declares but declares (or decodes to) more than
/// `max_decompressed_size` is a size-limit violation: that is a real value the reader refuses
/// to allocate for, and it is always an error ([`crate::Error::DeclaredSizeTooLarge`],
/// [`crate::Error::DecodedSizeTooLarge`]), whatever this says — as in GLIDE, whose
/// `SizeLimitExceeded` is an error while other failures return the stored bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum OnCorrupt {
    /// Return the stored bytes unchanged (GLIDE's behaviour): a plain value written by another
    /// client that happens to start with `00 01 02` is read as it was written. Counted as a
    /// failure and a raw fallback.
    #[default]
    ReturnStored,
    /// Return the typed error. Counted as a failure.
    Error,
}
