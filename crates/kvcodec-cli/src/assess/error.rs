//! [`AssessError`]: why an assessment cannot be made.

use crate::backends::SpecError;

/// An error while measuring candidates; `crate::error` maps it to an exit code.
#[derive(Debug, thiserror::Error)]
pub(crate) enum AssessError {
    /// No candidate codec to measure (a usage error).
    #[error("no candidate codecs to assess")]
    NoCandidates,
    /// A candidate spec whose engine does not build (a usage error).
    #[error(transparent)]
    Spec(#[from] SpecError),
    /// A value that does not encode, or does not decode back to itself, under a candidate.
    #[error("{codec}: value #{index} ({kind}): {what}")]
    RoundTrip {
        /// The candidate's spec.
        codec: String,
        /// Position of the value in the corpus.
        index: usize,
        /// Its kind.
        kind: &'static str,
        /// What went wrong.
        what: String,
    },
    /// A value of the test half that does not decode back with the trained dictionary.
    #[error("value #{index} does not decode to the original with the trained dictionary")]
    DictionaryRoundTrip {
        /// Position of the value in the corpus.
        index: usize,
    },
    /// The trained dictionary does not load into a codec.
    #[error("cannot load the trained dictionary: {0}")]
    DictionaryLoad(kvcodec::Error),
    /// The codec or engine measuring the trained dictionary failed.
    #[error(transparent)]
    Codec(#[from] kvcodec::Error),
}
