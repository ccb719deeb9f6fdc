//! `Engine::encode` then `decode` gives the value back exactly, look-alikes included. The first
//! bytes pick the backend and level, the minimum size, and whether the compressed form is kept
//! only when strictly shorter (GLIDE's rule) or always; the stored form must be exactly what
//! that policy and the codec's own payload predict (a value that starts with the header magic
//! is always stored encoded: the format's escape).
#![no_main]

use std::sync::{Arc, LazyLock};

use kvcodec::policy::{DefaultPolicy, MinSize};
use kvcodec::{Codec, Counters, Engine, Header, OnCorrupt, header::has_header};
use kvcodec_fuzz::{ENGINE_LIMIT, codecs_at_levels, compress};
use libfuzzer_sys::fuzz_target;

static CODECS: LazyLock<Vec<Arc<dyn Codec>>> = LazyLock::new(codecs_at_levels);
static METRICS: LazyLock<Arc<Counters>> = LazyLock::new(Counters::new);

fuzz_target!(|data: &[u8]| {
    let Some((&[pick, min, flags], value)) = data.split_first_chunk::<3>() else { return };
    let (codec, min, keep_if_smaller) =
        (&CODECS[usize::from(pick) % CODECS.len()], usize::from(min), flags & 1 == 1);
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
});
