//! The conformance suite every [`Codec`] must pass — kvcodec's own backends and yours.
//!
//! ```
//! # use kvcodec::{Codec, CodecId, Error, codec::DecodeBound};
//! # struct Stored;
//! # impl Codec for Stored {
//! #     fn id(&self) -> CodecId { CodecId(0x80) }
//! #     fn name(&self) -> &str { "stored" }
//! #     fn compress(&self, i: &[u8], o: &mut Vec<u8>) -> Result<(), Error> {
//! #         kvcodec::codec::write_u32_le_prefix(self.id(), i.len(), o)?; o.extend_from_slice(i); Ok(()) }
//! #     fn declared_len(&self, p: &[u8]) -> Result<Option<u64>, Error> {
//! #         Ok(Some(kvcodec::codec::read_u32_le_prefix(self.id(), p)?.0)) }
//! #     fn decompress(&self, p: &[u8], b: DecodeBound, o: &mut Vec<u8>) -> Result<(), Error> {
//! #         let (n, body) = kvcodec::codec::read_u32_le_prefix(self.id(), p)?;
//! #         b.check_declared(self.id(), n)?;
//! #         if body.len() as u64 != n {
//! #             return Err(Error::LengthMismatch { codec: self.id(), expected: n, found: body.len() as u64 }); }
//! #         o.extend_from_slice(body); Ok(()) } }
//! // In your codec's tests:
//! kvcodec::conformance::check(&Stored);
//! ```
//!
//! It panics with a message naming the check and the input that failed. What it checks:
//!
//! 1. round trip of empty, 1-byte, and 2 B…1 MiB inputs of text, zeros and random bytes, with
//!    the payload *appended* after existing bytes in the output buffer;
//! 2. `declared_len`, when `Some`, equals the input length, and the decoded value keeps no
//!    more capacity than its length and the codec's [`Codec::decode_headroom`];
//! 3. decoding into a buffer whose spare capacity holds `0xFF` gives the same bytes as into a
//!    fresh one (no stale or uninitialised bytes leak into the output);
//! 4. every truncation of a payload fails or at least never claims the original;
//! 5. wrong bounds (`Exact(n ± 1)`, `AtMost(n - 1)`) fail without producing more than allowed;
//! 6. garbage and bit-flipped payloads never panic and respect the bound.
//!
//! Beside it, each backend crate runs the [backend checks](mod@backend) — its descriptor, its
//! stored form, a 4 GiB declaration, its reference implementation, threads — with what is
//! particular to its format.

pub mod backend;

use std::sync::Arc;

pub use backend::{
    Descriptor, check_descriptor, check_garbage, check_huge_declaration, check_reference_decoder,
    check_reference_encoder, check_stored_form, check_threads,
};

use crate::codec::DecodeBound;
use crate::{
    Codec, DEFAULT_MAX_DECOMPRESSED_SIZE, Engine, Error, Header, OnCorrupt, decode_with_limit,
};

/// A deterministic xorshift generator, so failures reproduce.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// Seeds the generator (0 is replaced by a fixed constant).
    pub fn new(seed: u64) -> Self {
        Rng(if seed == 0 {
            0x9E37_79B9_7F4A_7C15
        } else {
            seed
        })
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    /// `n` random bytes.
    pub fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next_u64() as u8).collect()
    }
}

/// Text-like compressible bytes of length `n`.
pub fn text(n: usize, seed: u64) -> Vec<u8> {
    const WORDS: [&str; 12] = [
        "user", "id", "\"name\":", "session", "value", "{\"a\":", "true", "null", "1234", "cache",
        "token", "}, ",
    ];
    let mut rng = Rng::new(seed);
    let mut out = Vec::with_capacity(n + 16);
    while out.len() < n {
        out.extend_from_slice(WORDS[(rng.next_u64() % WORDS.len() as u64) as usize].as_bytes());
        out.push(b' ');
    }
    out.truncate(n);
    out
}

/// The inputs the suite round-trips: `(description, bytes)`.
pub fn inputs() -> Vec<(String, Vec<u8>)> {
    let mut v = vec![
        ("empty".to_owned(), Vec::new()),
        ("1 byte".to_owned(), vec![b'x']),
    ];
    for n in [2, 5, 6, 63, 64, 100, 1024, 4096, 65_536, 1 << 20] {
        v.push((format!("text {n}"), text(n, n as u64)));
        v.push((format!("random {n}"), Rng::new(n as u64).bytes(n)));
    }
    v.push(("zeros 1 MiB".to_owned(), vec![0; 1 << 20]));
    v.push((
        "header-like".to_owned(),
        [&[0u8, 1, 2, 0, 1][..], &text(200, 9)].concat(),
    ));
    v
}

fn compress(codec: &dyn Codec, input: &[u8], what: &str) -> Vec<u8> {
    let prefix = b"PREFIX";
    let mut out = prefix.to_vec();
    codec
        .compress(input, &mut out)
        .unwrap_or_else(|e| panic!("{}: compress({what}) failed: {e}", codec.name()));
    assert_eq!(
        &out[..prefix.len()],
        prefix,
        "{}: compress({what}) overwrote bytes already in the output",
        codec.name()
    );
    out.split_off(prefix.len())
}

/// One round trip as every backend's property tests run it: `input` is compressed after the
/// `existing` bytes of the output (which must survive), the payload must fit
/// [`Codec::max_compressed_len`], and it must decode to `input` both through
/// [`decode_with_limit`] with the limit at `input.len()` and into a buffer that already holds
/// `existing` (which must survive too). Returns the payload, for a reference decoder to check;
/// panics on failure (proptest reports and shrinks panics).
pub fn round_trip(codec: &dyn Codec, input: &[u8], existing: &[u8]) -> Vec<u8> {
    let name = codec.name();
    let mut out = existing.to_vec();
    codec
        .compress(input, &mut out)
        .unwrap_or_else(|e| panic!("{name}: compress failed: {e}"));
    assert_eq!(
        &out[..existing.len()],
        existing,
        "{name}: compress overwrote existing bytes"
    );
    let payload = out.split_off(existing.len());
    assert!(
        payload.len() <= codec.max_compressed_len(input.len()),
        "{name}: payload of {} bytes exceeds max_compressed_len({}) = {}",
        payload.len(),
        input.len(),
        codec.max_compressed_len(input.len())
    );
    let decoded = decode_with_limit(codec, &payload, input.len())
        .unwrap_or_else(|e| panic!("{name}: decode failed: {e}"));
    assert!(decoded == input, "{name}: round trip differs");
    let bound = match codec.declared_len(&payload) {
        Ok(Some(_)) => DecodeBound::Exact(input.len()),
        _ => DecodeBound::AtMost(input.len()),
    };
    let mut used = existing.to_vec();
    codec
        .decompress(&payload, bound, &mut used)
        .unwrap_or_else(|e| panic!("{name}: decode into a used buffer failed: {e}"));
    assert_eq!(
        &used[..existing.len()],
        existing,
        "{name}: decode overwrote existing bytes"
    );
    assert!(
        used[existing.len()..] == *input,
        "{name}: decode into a used buffer differs"
    );
    payload
}

/// Runs every check against `codec`; panics on the first failure.
pub fn check(codec: &dyn Codec) {
    let name = codec.name().to_owned();
    for (what, input) in inputs() {
        let payload = compress(codec, &input, &what);
        let n = input.len();

        // 1–2: round trip through the engine's own path, and the declared length.
        let declared = codec
            .declared_len(&payload)
            .unwrap_or_else(|e| panic!("{name}: declared_len({what}) failed: {e}"));
        if let Some(d) = declared {
            assert_eq!(d, n as u64, "{name}: declared_len({what})");
        }
        let decoded = decode_with_limit(codec, &payload, n.max(1) * 2)
            .unwrap_or_else(|e| panic!("{name}: decode({what}) failed: {e}"));
        assert!(decoded == input, "{name}: round trip of {what} differs");
        if declared.is_some() {
            // The decoder's headroom is the only spare room the decoded value keeps.
            let most = crate::codec::decode_capacity(codec, n);
            assert!(
                decoded.capacity() <= most,
                "{name}: decode({what}) kept {} bytes of capacity for {n}; at most {most} \
                 (the length and the codec's decode_headroom)",
                decoded.capacity()
            );
        }

        // 3: no stale bytes from the output buffer.
        let bound = match declared {
            Some(_) => DecodeBound::Exact(n),
            None => DecodeBound::AtMost(n),
        };
        // More room than the value and the codec's headroom: the codec's path for a caller's
        // buffer larger than it asks for is taken too.
        let mut dirty = vec![0xFF; crate::codec::decode_capacity(codec, n) + 64];
        dirty.truncate(3);
        codec
            .decompress(&payload, bound, &mut dirty)
            .unwrap_or_else(|e| panic!("{name}: decode({what}) into a used buffer failed: {e}"));
        assert_eq!(
            &dirty[..3],
            &[0xFF; 3],
            "{name}: decode({what}) overwrote existing output"
        );
        assert!(
            dirty[3..] == input[..],
            "{name}: decode({what}) into a used buffer differs"
        );

        // 4: truncations.
        if n <= 4096 {
            let cuts: Vec<usize> = if payload.len() <= 64 {
                (0..payload.len()).collect()
            } else {
                (0..payload.len()).step_by(payload.len() / 32).collect()
            };
            for cut in cuts {
                let r = decode_with_limit(codec, &payload[..cut], n.max(1) * 2);
                if let Ok(out) = r {
                    assert!(
                        out != input || n == 0,
                        "{name}: payload of {what} cut to {cut} of {} bytes still decodes to the original",
                        payload.len()
                    );
                }
            }
        }

        // 5: wrong bounds fail and never exceed them.
        if n > 0 {
            for b in [
                DecodeBound::Exact(n - 1),
                DecodeBound::Exact(n + 1),
                DecodeBound::AtMost(n - 1),
            ] {
                let mut out = Vec::with_capacity(b.limit());
                let r = codec.decompress(&payload, b, &mut out);
                assert!(
                    r.is_err(),
                    "{name}: decode({what}) with wrong bound {b:?} succeeded"
                );
                assert!(
                    out.len() <= b.limit(),
                    "{name}: decode({what}) with bound {b:?} produced {} bytes",
                    out.len()
                );
            }
        }

        // 6: bit flips never panic, and respect the bound.
        if n <= 65_536 && !payload.is_empty() {
            let mut rng = Rng::new(n as u64 + 1);
            for _ in 0..64 {
                let mut bad = payload.clone();
                let i = (rng.next_u64() % bad.len() as u64) as usize;
                bad[i] ^= 1 << (rng.next_u64() % 8);
                if let Ok(out) = decode_with_limit(codec, &bad, n + 16) {
                    assert!(
                        out.len() <= n + 16,
                        "{name}: corrupt payload exceeded the limit"
                    );
                }
            }
        }
    }

    // 6: garbage.
    let mut rng = Rng::new(42);
    for len in [0, 1, 3, 4, 5, 8, 16, 100, 1000] {
        for _ in 0..32 {
            let garbage = rng.bytes(len);
            if let Ok(out) = decode_with_limit(codec, &garbage, 4096) {
                assert!(out.len() <= 4096, "{name}: garbage decoded past the limit");
            }
        }
    }

    // Limits hold on a payload that expands a lot.
    let big = vec![7u8; 1 << 20];
    let payload = compress(codec, &big, "1 MiB of sevens");
    match decode_with_limit(codec, &payload, 1000) {
        Err(e) => assert_eq!(
            e.failure_kind(),
            Some(crate::FailureKind::SizeLimit),
            "{name}: 1 MiB decoded under a 1000-byte limit: wrong error {e}"
        ),
        Ok(_) => panic!("{name}: 1 MiB decoded under a 1000-byte limit"),
    }
}

/// Checks what an engine over `codec` does with declared lengths it must not allocate for
/// (a codec whose framing declares the decoded length):
///
/// - `tiny` is a payload (a length field and a few bytes) declaring far more than it could
///   hold ([`Codec::max_expansion`]): it is corrupt, so the stored value comes back as stored
///   under [`crate::OnCorrupt::ReturnStored`] (as GLIDE returns it) and as [`Error::Corrupt`]
///   under [`crate::OnCorrupt::Error`];
/// - a real payload (64 KiB of zeros) read under a limit one byte short is
///   [`Error::DeclaredSizeTooLarge`] under both settings.
///
/// Panics with a message naming the case that failed.
pub fn check_declared_limits(codec: Arc<dyn Codec>, tiny: &[u8]) {
    let name = codec.name().to_owned();
    let id = codec.id();
    let engine = |on_corrupt, limit| {
        Engine::builder()
            .codec(codec.clone())
            .on_corrupt(on_corrupt)
            .max_decompressed_size(limit)
            .build()
            .unwrap_or_else(|e| panic!("{name}: engine: {e}"))
    };
    let stored = [&Header::new(id).to_bytes()[..], tiny].concat();
    let lenient = engine(OnCorrupt::ReturnStored, DEFAULT_MAX_DECOMPRESSED_SIZE);
    let back = lenient.decode(&stored).unwrap_or_else(|e| {
        panic!("{name}: a corrupt declaration was not returned as stored: {e}")
    });
    assert!(
        *back == stored[..],
        "{name}: a corrupt declaration did not come back as stored"
    );
    let strict = engine(OnCorrupt::Error, DEFAULT_MAX_DECOMPRESSED_SIZE);
    match strict.decode(&stored) {
        Err(Error::Corrupt { codec, .. }) if codec == id => {}
        other => panic!("{name}: expected a corrupt error, found {other:?}"),
    }
    let value = vec![0u8; 64 * 1024];
    let mut real = Header::new(id).to_bytes().to_vec();
    codec
        .compress(&value, &mut real)
        .unwrap_or_else(|e| panic!("{name}: compress failed: {e}"));
    let limit = value.len() - 1;
    for on_corrupt in [OnCorrupt::ReturnStored, OnCorrupt::Error] {
        assert_eq!(
            engine(on_corrupt, limit).decode(&real).map(|v| v.len()),
            Err(Error::DeclaredSizeTooLarge {
                codec: id,
                declared: value.len() as u64,
                limit: limit as u64,
            }),
            "{name}: {on_corrupt:?}, a 64 KiB value under a limit one byte short"
        );
    }
}
