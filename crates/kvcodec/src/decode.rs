//! The read path: [`Engine::decode_outcome`] and its byte-only forms.

use std::borrow::Cow;

use crate::codec::sealed::Token;
use crate::header::{Header, VERSION};
use crate::{Decoded, Engine, Error, FailureKind, Mode, OnCorrupt, Transfer};

/// Failures that are errors whatever [`OnCorrupt`] says: a size-limit violation (a real value
/// the reader refuses to allocate for), a value of a codec kvcodec itself defines (zstd, lz4,
/// snappy, deflate, zstd-dict) that this reader has not registered — almost surely a real value
/// from a writer with another backend — and a compact dictionary value (`0x05`) naming a
/// dictionary the reader does not have (a writer's new dictionary, not yet fetched). Returned
/// as stored, those would hand compressed bytes to the application; no other client reads
/// `0x05` values, so there is no stored form worth returning.
pub fn always_an_error(header: Header, kind: FailureKind) -> bool {
    let ours = header.version == VERSION;
    match kind {
        FailureKind::SizeLimit => true,
        FailureKind::UnknownCodec => ours && header.codec.known().is_some(),
        FailureKind::UnknownDictionary => ours && header.codec == crate::CodecId::ZSTD_DICT,
        _ => false,
    }
}

impl Engine {
    /// The original of a stored value. A value without header is returned as it is
    /// (borrowed, not copied); so is one that fails to decode, under
    /// [`OnCorrupt::ReturnStored`]. [`decode_outcome`](Self::decode_outcome) says which.
    #[inline]
    pub fn decode<'a>(&self, stored: &'a [u8]) -> Result<Cow<'a, [u8]>, Error> {
        Ok(self.decode_outcome(stored)?.into_cow(stored))
    }

    /// Like [`decode`](Self::decode) for an owned value, which is returned as it is (no copy)
    /// when it is plain.
    #[inline]
    pub fn decode_vec(&self, stored: Vec<u8>) -> Result<Vec<u8>, Error> {
        Ok(self.decode_outcome(&stored)?.into_vec(stored))
    }

    /// What `stored` holds: a value decoded from its header and payload, a plain value, or a
    /// value with a header that does not decode and is returned as stored (with the reason).
    /// Failures that [`OnCorrupt`] does not cover, and every failure under
    /// [`OnCorrupt::Error`], are the error.
    ///
    /// ```
    /// use kvcodec::{Decoded, Encoded, SkipReason};
    ///
    /// let config = kvcodec::Config { enabled: true, ..Default::default() };
    /// let engine = config.build(&[&kvcodec_zstd::BACKEND])?;
    /// assert_eq!(engine.encode_outcome(b"tiny")?, Encoded::Plain(SkipReason::TooSmall));
    /// let doc = br#"{"user":"ada","roles":["admin"]}"#.repeat(20);
    /// let Encoded::Compressed(stored) = engine.encode_outcome(&doc)? else { panic!() };
    /// assert_eq!(engine.decode_outcome(&stored)?, Decoded::Decompressed(doc.clone()));
    /// assert_eq!(engine.decode_outcome(b"plain")?, Decoded::Plain);
    /// let corrupt = [0, 1, 2, 0, 1, 0xff];
    /// assert!(matches!(engine.decode_outcome(&corrupt)?, Decoded::ReturnedAsStored(_)));
    /// # Ok::<(), kvcodec::Error>(())
    /// ```
    #[inline]
    pub fn decode_outcome(&self, stored: &[u8]) -> Result<Decoded, Error> {
        if self.mode == Mode::Off {
            return Ok(Decoded::Plain);
        }
        let Some((header, payload)) = Header::parse(stored) else {
            self.counters.record_passthrough();
            return Ok(Decoded::Plain);
        };
        self.decode_framed(header, payload, stored.len())
    }

    #[inline]
    fn decode_framed(
        &self,
        header: Header,
        payload: &[u8],
        stored_len: usize,
    ) -> Result<Decoded, Error> {
        let start = self.clock.start();
        let plain = match self.decode_payload(header, payload) {
            Ok(plain) => plain,
            Err(err) => return self.failed(header, stored_len, err),
        };
        let took = start.map(|t| t.elapsed());
        self.counters
            .record_decompressed(header.codec, stored_len, plain.len(), self.total(took));
        if let Some(o) = &self.observer {
            o.decompressed(Transfer::new(header.codec, stored_len, plain.len(), took));
        }
        Ok(Decoded::Decompressed(plain))
    }

    #[inline]
    fn decode_payload(&self, header: Header, payload: &[u8]) -> Result<Vec<u8>, Error> {
        if header.version != VERSION {
            return Err(Error::UnsupportedVersion {
                expected: VERSION,
                found: header.version,
            });
        }
        let codec = self.registry.require(header.codec)?;
        codec.decode_sealed(payload, self.max_decompressed_size, Token(()))
    }

    /// Counts, reports and logs a decode failure, then returns the stored value or the error.
    #[cold]
    fn failed(&self, header: Header, stored_len: usize, err: Error) -> Result<Decoded, Error> {
        let kind = err.failure_kind().unwrap_or(FailureKind::Corrupt);
        let fallback = self.on_corrupt == OnCorrupt::ReturnStored && !always_an_error(header, kind);
        self.counters.record_failure(header.codec, kind);
        if fallback {
            self.counters.record_raw_fallback(header.codec);
        }
        if let Some(o) = &self.observer {
            o.failed(header.codec, kind, fallback);
        }
        if let Some(suppressed) = self.warn_limit.admit() {
            // Key-free: the codec, the kind, sizes and the error text (which never holds data).
            tracing::warn!(
                codec = %header.codec,
                kind = kind.as_str(),
                stored_len,
                returned_as_stored = fallback,
                similar_suppressed = suppressed,
                "kvcodec: stored value failed to decode: {err}"
            );
        }
        if fallback {
            Ok(Decoded::ReturnedAsStored(err))
        } else {
            Err(err)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::CodecId;

    /// The rule written out case by case, not derived from the function: the property tests
    /// and the `decode_any` fuzz target take `always_an_error` as their oracle.
    #[test]
    fn which_failures_are_always_errors() {
        let h = |version, codec| Header { version, codec };
        let (v0, future) = (VERSION, VERSION + 1);
        let cases = [
            // A size limit: whatever the header says.
            (h(v0, CodecId::ZSTD), FailureKind::SizeLimit, true),
            (h(future, CodecId(0x90)), FailureKind::SizeLimit, true),
            // A codec kvcodec defines that this reader lacks: a real value of another writer.
            (h(v0, CodecId::LZ4), FailureKind::UnknownCodec, true),
            (h(v0, CodecId::ZSTD_DICT), FailureKind::UnknownCodec, true),
            // An id kvcodec never assigned, or another version: maybe not a value at all.
            (h(v0, CodecId(0x90)), FailureKind::UnknownCodec, false),
            (h(future, CodecId::LZ4), FailureKind::UnknownCodec, false),
            // A compact dictionary value whose dictionary the reader lacks.
            (
                h(v0, CodecId::ZSTD_DICT),
                FailureKind::UnknownDictionary,
                true,
            ),
            (h(v0, CodecId::ZSTD), FailureKind::UnknownDictionary, false),
            (
                h(future, CodecId::ZSTD_DICT),
                FailureKind::UnknownDictionary,
                false,
            ),
            // Corrupt payloads go by `OnCorrupt`.
            (h(v0, CodecId::ZSTD), FailureKind::Corrupt, false),
            (h(v0, CodecId::ZSTD), FailureKind::Truncated, false),
            (h(v0, CodecId::ZSTD), FailureKind::LengthMismatch, false),
            (
                h(future, CodecId::ZSTD),
                FailureKind::UnsupportedVersion,
                false,
            ),
        ];
        for (header, kind, expected) in cases {
            assert_eq!(
                always_an_error(header, kind),
                expected,
                "{header:?} {kind:?}"
            );
        }
    }
}
