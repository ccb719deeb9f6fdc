//! The checks every backend crate runs beside [`check`](super::check): what its [`Backend`]
//! descriptor says, the stored form an engine writes with it, the refusal of a 4 GiB
//! declaration, agreement with the format's reference implementation, sharing across threads,
//! and the body of the "garbage never exceeds the bound" property.
//!
//! A backend's tests call them with what is particular to it (its id, its header bytes, a
//! payload declaring 4 GiB, its reference decoder), so one suite serves every backend:
//!
//! ```
//! use kvcodec::conformance::{Descriptor, check_descriptor};
//! # use kvcodec::{Backend, Codec, CodecId, Error, codec::DecodeBound};
//! # use std::sync::Arc;
//! # struct Stored;
//! # impl Codec for Stored {
//! #     fn id(&self) -> CodecId { CodecId(0x80) }
//! #     fn name(&self) -> &str { "stored" }
//! #     fn compress(&self, i: &[u8], o: &mut Vec<u8>) -> Result<(), Error> { unimplemented!() }
//! #     fn declared_len(&self, p: &[u8]) -> Result<Option<u64>, Error> { unimplemented!() }
//! #     fn decompress(&self, p: &[u8], b: DecodeBound, o: &mut Vec<u8>) -> Result<(), Error> {
//! #         unimplemented!() } }
//! # static BACKEND: Backend = Backend { name: "stored", id: CodecId(0x80), levels: None,
//! #     default_level: 0, build: |_| Ok(Arc::new(Stored)) };
//! check_descriptor(&BACKEND, Descriptor {
//!     name: "stored",
//!     id: CodecId(0x80),
//!     levels: None,
//!     default_level: 0,
//!     refused: (1, "stored has none"),
//! });
//! ```

use std::ops::RangeInclusive;
use std::sync::Arc;

use crate::codec::DecodeBound;
use crate::{Backend, Codec, CodecId, Engine, Error, OnCorrupt, decode_with_limit};

use super::{check_declared_limits, inputs, text};

/// What a backend's [`Backend`] descriptor must say.
#[derive(Debug, Clone)]
pub struct Descriptor {
    /// Its config name (and its codecs' [`Codec::name`]).
    pub name: &'static str,
    /// Its header id (and its codecs' [`Codec::id`]).
    pub id: CodecId,
    /// The levels it accepts.
    pub levels: Option<RangeInclusive<i32>>,
    /// The level it uses when given none.
    pub default_level: i32,
    /// A level it refuses, and words the refusal must contain.
    pub refused: (i32, &'static str),
}

/// Checks `backend` against `want`: its fields, the codec it builds without a level, and the
/// refusal of `want.refused`. Panics naming the field that differs.
pub fn check_descriptor(backend: &Backend, want: Descriptor) {
    assert_eq!(backend.name, want.name);
    assert_eq!(backend.id, want.id);
    assert_eq!(backend.levels, want.levels);
    assert_eq!(backend.default_level, want.default_level);
    let codec = backend.codec(None).unwrap();
    assert_eq!((codec.id(), codec.name()), (want.id, want.name));
    let (level, says) = want.refused;
    let Err(err) = backend.codec(Some(level)) else {
        panic!("{}: level {level} accepted", want.name)
    };
    assert!(err.to_string().contains(says), "{err}");
}

/// An engine over `codec` (reporting corrupt values as errors) stores a 4 KiB text as `header`
/// then the codec's payload, which `reference` (the format's own decoder) reads back, and
/// decodes it to the value again.
pub fn check_stored_form(
    codec: Arc<dyn Codec>,
    header: [u8; 5],
    reference: impl Fn(&[u8]) -> Vec<u8>,
) {
    let name = codec.name().to_owned();
    let engine = Engine::builder()
        .codec(codec)
        .on_corrupt(OnCorrupt::Error)
        .build()
        .unwrap();
    let value = text(4096, 8);
    let stored = engine.encode(&value).unwrap();
    assert_eq!(&stored[..5], &header, "{name}: header");
    assert!(
        reference(&stored[5..]) == value,
        "{name}: the reference decoder reads the payload"
    );
    assert_eq!(&*engine.decode(&stored).unwrap(), &value[..]);
}

/// `tiny` is a payload declaring about 4 GiB in a few bytes: the engine refuses it as
/// [`check_declared_limits`] says, and the codec alone, under a 1 MiB bound, refuses it as
/// [`Error::DeclaredSizeTooLarge`] without allocating anything.
pub fn check_huge_declaration(codec: Arc<dyn Codec>, tiny: &[u8]) {
    check_declared_limits(codec.clone(), tiny);
    let mut out = Vec::new();
    let err = codec
        .decompress(tiny, DecodeBound::AtMost(1 << 20), &mut out)
        .unwrap_err();
    assert!(matches!(err, Error::DeclaredSizeTooLarge { .. }), "{err}");
    assert_eq!(out.capacity(), 0, "nothing was allocated");
}

/// Every [`inputs`] payload `codec` writes is read by the format's reference decoder.
pub fn check_reference_decoder(codec: &dyn Codec, reference: impl Fn(&[u8]) -> Vec<u8>) {
    for (what, input) in inputs() {
        let mut payload = Vec::new();
        codec.compress(&input, &mut payload).unwrap();
        assert!(
            reference(&payload) == input,
            "{}, {what}: reference decode differs",
            codec.name()
        );
    }
}

/// For every [`inputs`] value, `codec` writes exactly the bytes the reference encoder writes.
pub fn check_reference_encoder(codec: &dyn Codec, reference: impl Fn(&[u8]) -> Vec<u8>) {
    for (what, input) in inputs() {
        let mut payload = Vec::new();
        codec.compress(&input, &mut payload).unwrap();
        assert!(
            payload == reference(&input),
            "{}, {what}: differs from the reference encoder",
            codec.name()
        );
    }
}

/// One codec serves `threads` threads at once, each round-tripping `values` texts of
/// `100 + step * i` bytes.
pub fn check_threads(codec: &dyn Codec, threads: u64, values: usize, step: usize) {
    std::thread::scope(|s| {
        for t in 0..threads {
            s.spawn(move || {
                for i in 0..values {
                    let input = text(100 + step * i, t * 1000 + i as u64);
                    let mut payload = Vec::new();
                    codec.compress(&input, &mut payload).unwrap();
                    assert_eq!(decode_with_limit(codec, &payload, 1 << 20).unwrap(), input);
                }
            });
        }
    });
}

/// Arbitrary bytes decoded under a 1000-byte limit either fail or stay within it (the body of
/// each backend's property test; panics otherwise).
pub fn check_garbage(codec: &dyn Codec, payload: &[u8]) {
    if let Ok(out) = decode_with_limit(codec, payload, 1000) {
        assert!(
            out.len() <= 1000,
            "{}: garbage decoded past the limit",
            codec.name()
        );
    }
}
