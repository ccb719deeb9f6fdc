//! Trained dictionaries: round trip, selection by frame id, errors, and the ratio they buy.

mod common;

use std::sync::Arc;

use common::{record, record_dictionary};
use kvcodec::codec::DecodeBound;
use kvcodec::{Codec, CodecId, Engine, Error, decode_with_limit};
use kvcodec_zstd::{ZstdCodec, dictionary_id, train_dictionary};

fn writer(dict: &[u8]) -> ZstdCodec {
    let id = dictionary_id(dict).unwrap();
    ZstdCodec::builder()
        .level(3)
        .dictionary(dict)
        .unwrap()
        .write_with_dictionary(id)
        .build()
        .unwrap()
}

fn compress(codec: &ZstdCodec, input: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    codec.compress(input, &mut out).unwrap();
    out
}

#[test]
fn round_trip_and_frame_names_the_dictionary() {
    let dict = record_dictionary();
    let id = dictionary_id(&dict).unwrap();
    let codec = writer(&dict);
    assert_eq!(
        (codec.dictionary_ids(), codec.write_dictionary_id()),
        (vec![id], Some(id))
    );
    for i in 5000..5100 {
        let value = record(i);
        let payload = compress(&codec, &value);
        assert_eq!(
            zstd::zstd_safe::get_dict_id_from_frame(&payload).map(|d| d.get()),
            Some(id)
        );
        assert_eq!(
            codec.declared_len(&payload).unwrap(),
            Some(value.len() as u64)
        );
        assert_eq!(decode_with_limit(&codec, &payload, 1 << 20).unwrap(), value);
        // The reference decoder, given the same dictionary, agrees.
        let reference = zstd::bulk::Decompressor::with_dictionary(&dict)
            .unwrap()
            .decompress(&payload, value.len())
            .unwrap();
        assert_eq!(reference, value);
    }
}

#[test]
fn reader_picks_the_dictionary_by_frame_id() {
    let dict_a = record_dictionary();
    let samples_b: Vec<Vec<u8>> = (0..2000)
        .map(|i| kvcodec::conformance::text(300, i))
        .collect();
    let dict_b = train_dictionary(&samples_b, 4096).unwrap();
    let (id_a, id_b) = (
        dictionary_id(&dict_a).unwrap(),
        dictionary_id(&dict_b).unwrap(),
    );
    assert_ne!(id_a, id_b);

    let reader = ZstdCodec::builder()
        .dictionary(&dict_b)
        .unwrap()
        .dictionary(&dict_a)
        .unwrap()
        .build()
        .unwrap();
    let mut ids = vec![id_a, id_b];
    ids.sort();
    assert_eq!(reader.dictionary_ids(), ids);
    assert_eq!(
        reader.write_dictionary_id(),
        None,
        "no dictionary chosen: writes plain frames"
    );

    let (value_a, value_b) = (record(9000), kvcodec::conformance::text(300, 9000));
    let plain = compress(&reader, &value_a);
    assert_eq!(zstd::zstd_safe::get_dict_id_from_frame(&plain), None);
    for (value, payload) in [
        (&value_a, compress(&writer(&dict_a), &value_a)),
        (&value_b, compress(&writer(&dict_b), &value_b)),
        (&value_a, plain),
    ] {
        assert_eq!(
            &decode_with_limit(&reader, &payload, 1 << 20).unwrap(),
            value
        );
    }

    // Frames with a dictionary and without content size take the streaming path.
    let mut encoder = zstd::stream::Encoder::with_dictionary(Vec::new(), 3, &dict_a).unwrap();
    std::io::copy(&mut &value_a[..], &mut encoder).unwrap();
    let streamed = encoder.finish().unwrap();
    assert_eq!(reader.declared_len(&streamed).unwrap(), None);
    let mut out = Vec::new();
    reader
        .decompress(&streamed, DecodeBound::AtMost(value_a.len()), &mut out)
        .unwrap();
    assert_eq!(out, value_a);
    // ...and the same context then decodes a plain streamed frame (the dictionary was dropped).
    let plain_streamed = kvcodec_zstd::glide_frame(&value_a, 3).unwrap();
    for _ in 0..4 {
        assert_eq!(
            decode_with_limit(&reader, &plain_streamed, 1 << 20).unwrap(),
            value_a
        );
    }
}

#[test]
fn unknown_dictionary_is_a_typed_error() {
    let dict = record_dictionary();
    let id = dictionary_id(&dict).unwrap();
    let payload = compress(&writer(&dict), &record(1));
    let expected = |registered: &str| Error::UnknownDictionary {
        codec: CodecId::ZSTD,
        found: id,
        registered: registered.to_owned(),
    };
    assert_eq!(
        decode_with_limit(&ZstdCodec::default(), &payload, 1 << 20).unwrap_err(),
        expected("none")
    );

    let other: Vec<Vec<u8>> = (0..1000)
        .map(|i| kvcodec::conformance::text(200, i))
        .collect();
    let other = train_dictionary(&other, 2048).unwrap();
    let other_id = dictionary_id(&other).unwrap();
    let reader = ZstdCodec::builder()
        .dictionary(&other)
        .unwrap()
        .build()
        .unwrap();
    let err = decode_with_limit(&reader, &payload, 1 << 20).unwrap_err();
    assert_eq!(err, expected(&other_id.to_string()));
    println!("{err}");

    // Through an engine that reports errors, it is counted as such.
    let engine = Engine::builder()
        .codec(Arc::new(reader) as Arc<dyn Codec>)
        .on_corrupt(kvcodec::OnCorrupt::Error)
        .build()
        .unwrap();
    let stored = [&[0u8, 1, 2, 0, 1][..], &payload].concat();
    assert_eq!(
        engine.decode(&stored).unwrap_err().failure_kind(),
        Some(kvcodec::FailureKind::UnknownDictionary)
    );
}

#[test]
fn dictionary_beats_no_dictionary_on_small_records() {
    let dict = record_dictionary();
    let (with, without) = (writer(&dict), ZstdCodec::new(3).unwrap());
    let (mut original, mut dict_total, mut plain_total) = (0, 0, 0);
    for i in 10_000..10_500 {
        let value = record(i);
        assert!(
            (100..=600).contains(&value.len()),
            "record of {} bytes",
            value.len()
        );
        original += value.len();
        dict_total += compress(&with, &value).len();
        plain_total += compress(&without, &value).len();
    }
    let ratio = |c: usize| original as f64 / c as f64;
    println!(
        "500 records, {original} bytes, dictionary {} bytes: ratio {:.2} with dictionary, {:.2} without",
        dict.len(),
        ratio(dict_total),
        ratio(plain_total)
    );
    assert!(
        dict_total * 3 < plain_total * 2,
        "dictionary should save at least a third: {dict_total} vs {plain_total}"
    );
}

#[test]
fn builder_rejects_bad_dictionaries_and_ids() {
    let err = ZstdCodec::builder()
        .dictionary(b"just some bytes")
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::InvalidConfig {
                field: "dictionary",
                ..
            }
        ),
        "{err}"
    );

    let dict = record_dictionary();
    let id = dictionary_id(&dict).unwrap();
    // The same bytes twice are fine; different bytes under the same id are not.
    let builder = ZstdCodec::builder()
        .dictionary(&dict)
        .unwrap()
        .dictionary(&dict)
        .unwrap();
    let mut forged = dict.clone();
    let last = forged.len() - 1;
    forged[last] ^= 1;
    let err = builder.clone().dictionary(&forged).unwrap_err();
    assert!(err.to_string().contains(&format!("id {id}")), "{err}");

    let err = builder
        .clone()
        .write_with_dictionary(id + 1)
        .build()
        .unwrap_err();
    assert_eq!(
        err,
        Error::InvalidConfig {
            field: "write_with_dictionary",
            found: (id + 1).to_string(),
            expected: format!("a registered dictionary id ({id})"),
        }
    );
    assert!(builder.clone().level(23).build().is_err());

    // A dictionary header with broken entropy tables: zstd refuses to load it.
    let mut broken = dict[..12].to_vec();
    broken.extend_from_slice(&[0xFF; 64]);
    assert_eq!(dictionary_id(&broken), Some(id));
    let err = ZstdCodec::builder()
        .dictionary(&broken)
        .unwrap()
        .build()
        .unwrap_err();
    assert!(err.to_string().contains("cannot load"), "{err}");
}

/// The field an [`Error::InvalidConfig`] names, if `err` is one.
fn refused_field(err: &Error) -> Option<&'static str> {
    match err {
        Error::InvalidConfig { field, .. } => Some(*field),
        _ => None,
    }
}

#[test]
fn training_errors_are_typed() {
    let few: Vec<Vec<u8>> = (0..3).map(record).collect();
    let err = train_dictionary(&few, 4096).unwrap_err();
    assert_eq!(refused_field(&err), Some("samples"), "{err}");

    let many: Vec<Vec<u8>> = (0..100).map(record).collect();
    let err = train_dictionary(&many, 100).unwrap_err();
    assert_eq!(refused_field(&err), Some("max_size"), "{err}");

    // Too few bytes to learn from (zstd 1.5.7 itself would divide by zero on these): refused.
    let tiny: Vec<Vec<u8>> = (0..10).map(|i| vec![i as u8]).collect();
    let err = train_dictionary(&tiny, 4096).unwrap_err();
    assert_eq!(refused_field(&err), Some("samples"), "{err}");
    println!("{err}");
    // zstd learns from the first three quarters; empty ones there cannot be made up for later.
    let skewed: Vec<Vec<u8>> = (0..100)
        .map(|i| if i < 75 { Vec::new() } else { record(i) })
        .collect();
    let err = train_dictionary(&skewed, 4096).unwrap_err();
    assert!(
        err.to_string()
            .contains("0 bytes in the first three quarters"),
        "{err}"
    );
}
