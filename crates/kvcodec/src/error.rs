//! The one error type of kvcodec.

use crate::CodecId;

/// Everything that can go wrong in kvcodec. Each variant says what was expected and what was
/// found; none carries the value or the key it concerns, so errors are safe to log.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The header names a codec this reader has not registered.
    #[error("no codec registered for header codec id {found}; registered: {registered}")]
    UnknownCodec {
        /// The id in the header.
        found: CodecId,
        /// The ids this registry decodes, for the message.
        registered: String,
    },
    /// The header's version byte is not one this reader knows.
    #[error("unsupported header version {found:#04x}; expected {expected:#04x}")]
    UnsupportedVersion {
        /// The version kvcodec reads.
        expected: u8,
        /// The version in the header.
        found: u8,
    },
    /// The payload declares a decoded size over the configured limit; nothing was allocated.
    #[error("{codec}: payload declares {declared} decoded bytes; the limit is {limit}")]
    DeclaredSizeTooLarge {
        /// Codec of the payload.
        codec: CodecId,
        /// Size the payload declares.
        declared: u64,
        /// `max_decompressed_size`.
        limit: u64,
    },
    /// A payload without a declared size decoded past the configured limit; decoding stopped.
    #[error("{codec}: payload decodes to more than the limit of {limit} bytes")]
    DecodedSizeTooLarge {
        /// Codec of the payload.
        codec: CodecId,
        /// `max_decompressed_size`.
        limit: u64,
    },
    /// Memory for a declared, within-limit decoded size could not be reserved.
    #[error("{codec}: could not allocate {bytes} bytes for the decoded value")]
    AllocationFailed {
        /// Codec of the payload.
        codec: CodecId,
        /// Bytes requested.
        bytes: u64,
    },
    /// The payload decoded to a different length than it declared.
    #[error("{codec}: payload declares {expected} decoded bytes but decodes to {found}")]
    LengthMismatch {
        /// Codec of the payload.
        codec: CodecId,
        /// Declared length.
        expected: u64,
        /// Length actually produced (or a lower bound when decoding stopped early).
        found: u64,
    },
    /// The payload is shorter than its format's fixed fields.
    #[error("{codec}: payload truncated: expected at least {expected} bytes, found {found}")]
    Truncated {
        /// Codec of the payload.
        codec: CodecId,
        /// Minimum length of the format's fixed fields.
        expected: usize,
        /// Payload length.
        found: usize,
    },
    /// The payload is not valid for its codec.
    #[error("{codec}: corrupt payload: {reason}")]
    Corrupt {
        /// Codec of the payload.
        codec: CodecId,
        /// What the codec library reported.
        reason: String,
    },
    /// A zstd frame references a dictionary this reader has not registered.
    #[error(
        "{codec}: payload needs dictionary id {found}; registered dictionary ids: {registered}"
    )]
    UnknownDictionary {
        /// Codec of the payload.
        codec: CodecId,
        /// Dictionary id in the frame.
        found: u32,
        /// The ids this codec knows, for the message.
        registered: String,
    },
    /// The codec library failed to compress.
    #[error("{codec}: compression failed: {reason}")]
    Compress {
        /// Codec that failed.
        codec: CodecId,
        /// What the codec library reported.
        reason: String,
    },
    /// The input is larger than the codec's framing can describe.
    #[error("{codec}: input of {found} bytes exceeds the format's maximum of {limit}")]
    InputTooLarge {
        /// Codec asked to compress.
        codec: CodecId,
        /// Input length.
        found: u64,
        /// Largest length the framing can carry.
        limit: u64,
    },
    /// Two codecs were registered for one id.
    #[error("a codec is already registered for id {id}: {existing}")]
    DuplicateCodec {
        /// The id registered twice.
        id: CodecId,
        /// Name of the codec registered first.
        existing: String,
    },
    /// A configuration value is out of range or unparsable.
    #[error("invalid config `{field}`: found {found}, expected {expected}")]
    InvalidConfig {
        /// The config field (or environment variable) at fault.
        field: &'static str,
        /// The value given.
        found: String,
        /// What would be accepted.
        expected: String,
    },
}

/// Why decoding a stored value failed, for metrics labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FailureKind {
    /// [`Error::UnknownCodec`].
    UnknownCodec,
    /// [`Error::UnsupportedVersion`].
    UnsupportedVersion,
    /// [`Error::DeclaredSizeTooLarge`] or [`Error::DecodedSizeTooLarge`].
    SizeLimit,
    /// [`Error::LengthMismatch`].
    LengthMismatch,
    /// [`Error::Truncated`].
    Truncated,
    /// [`Error::Corrupt`].
    Corrupt,
    /// [`Error::UnknownDictionary`].
    UnknownDictionary,
}

impl FailureKind {
    /// Every kind, in label order.
    pub const ALL: [FailureKind; 7] = [
        FailureKind::UnknownCodec,
        FailureKind::UnsupportedVersion,
        FailureKind::SizeLimit,
        FailureKind::LengthMismatch,
        FailureKind::Truncated,
        FailureKind::Corrupt,
        FailureKind::UnknownDictionary,
    ];

    /// Stable snake_case label.
    pub const fn as_str(self) -> &'static str {
        match self {
            FailureKind::UnknownCodec => "unknown_codec",
            FailureKind::UnsupportedVersion => "unsupported_version",
            FailureKind::SizeLimit => "size_limit",
            FailureKind::LengthMismatch => "length_mismatch",
            FailureKind::Truncated => "truncated",
            FailureKind::Corrupt => "corrupt",
            FailureKind::UnknownDictionary => "unknown_dictionary",
        }
    }

    pub(crate) const fn index(self) -> usize {
        self as usize
    }
}

impl Error {
    /// The failure kind of a decode error; `None` for errors that do not come from decoding.
    pub fn failure_kind(&self) -> Option<FailureKind> {
        Some(match self {
            Error::UnknownCodec { .. } => FailureKind::UnknownCodec,
            Error::UnsupportedVersion { .. } => FailureKind::UnsupportedVersion,
            Error::DeclaredSizeTooLarge { .. }
            | Error::DecodedSizeTooLarge { .. }
            | Error::AllocationFailed { .. } => FailureKind::SizeLimit,
            Error::LengthMismatch { .. } => FailureKind::LengthMismatch,
            Error::Truncated { .. } => FailureKind::Truncated,
            Error::Corrupt { .. } => FailureKind::Corrupt,
            Error::UnknownDictionary { .. } => FailureKind::UnknownDictionary,
            _ => return None,
        })
    }

    /// Shorthand for [`Error::Corrupt`].
    pub fn corrupt(codec: CodecId, reason: impl std::fmt::Display) -> Self {
        Error::Corrupt {
            codec,
            reason: reason.to_string(),
        }
    }

    /// Shorthand for [`Error::Compress`].
    pub fn compress(codec: CodecId, reason: impl std::fmt::Display) -> Self {
        Error::Compress {
            codec,
            reason: reason.to_string(),
        }
    }
}

/// Formats ids as `zstd (0x01), lz4 (0x02)` for messages.
pub(crate) fn list_ids(ids: impl IntoIterator<Item = CodecId>) -> String {
    let names: Vec<String> = ids.into_iter().map(|id| id.to_string()).collect();
    if names.is_empty() {
        "none".to_owned()
    } else {
        names.join(", ")
    }
}
