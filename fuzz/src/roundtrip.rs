//! The `roundtrip` target's input and check: encode then decode through an engine.

use std::sync::{Arc, LazyLock};

use arbitrary::Arbitrary;
use kvcodec::policy::{DefaultPolicy, MinSize};
use kvcodec::{Codec, Counters, Engine, Header, OnCorrupt, header::has_header};

use crate::{ENGINE_LIMIT, codecs_at_levels, compress};

static CODECS: LazyLock<Vec<Arc<dyn Codec>>> = LazyLock::new(codecs_at_levels);
static METRICS: LazyLock<Arc<Counters>> = LazyLock::new(Counters::new);

/// One engine and one value: the backend and level ([`codecs_at_levels`], modulo its
/// length), the policy's minimum size, and whether the compressed form is kept only when
/// strictly shorter (GLIDE's rule, `DefaultPolicy`) or always (`MinSize`).
#[derive(Debug, Arbitrary)]
pub struct RoundTrip<'a> {
    pub codec: u8,
    pub min: u8,
    pub keep_if_smaller: bool,
    pub value: &'a [u8],
}

/// `decode(encode(value)) == value`, look-alikes included, and the stored form is the header
/// and the codec's own payload exactly when the value starts with the header magic (the
/// format's escape) or the policy says so; otherwise the value itself.
pub fn check_roundtrip(input: RoundTrip<'_>) {
    let RoundTrip { codec, min, keep_if_smaller, value } = input;
    let (codec, min) = (&CODECS[usize::from(codec) % CODECS.len()], usize::from(min));
    let builder = Engine::builder().codec(codec.clone()).counters(METRICS.clone());
    let builder = match keep_if_smaller {
        true => builder.policy(DefaultPolicy::new(min, None)),
        false => builder.policy(MinSize(min)),
    };
    let engine =
        builder.max_decompressed_size(ENGINE_LIMIT).on_corrupt(OnCorrupt::Error).build().unwrap();
    let stored = engine.encode(value).expect("encode");
    let framed =
        [&Header::new(codec.id()).to_bytes()[..], &compress(codec.as_ref(), value)].concat();
    let compress = has_header(value)
        || (value.len() >= min && (!keep_if_smaller || framed.len() < value.len()));
    assert_eq!(
        &*stored,
        if compress { &framed[..] } else { value },
        "min {min}, keep_if_smaller {keep_if_smaller}"
    );
    assert_eq!(has_header(&stored), compress);
    assert_eq!(engine.decode(&stored).expect("decode"), value);
}
