//! The compact dictionary codec (`0x05`): its wire-format vectors, byte for byte, its errors,
//! and the older dictionary form still read.

mod common;

use std::sync::Arc;

use kvcodec::{Codec, CodecId, Engine, Error, OnCorrupt};
use kvcodec_zstd::{Dictionaries, ZstdCodec, ZstdDictCodec, dictionary_id};

/// The dictionary of the vectors: trained on 400 small records with `max_size` 256, id
/// patched to 1 (`tests/data/dict-1.hex`, the bytes in hex).
fn vector_dictionary() -> Vec<u8> {
    common::unhex(include_str!("data/dict-1.hex"))
}

/// `(value, stored hex)`: wire-format.md's compact-frame vectors.
const VECTORS: [(&[u8], &str); 3] = [
    (
        br#"{"id":7,"plan":"pro","active":true}"#,
        "0001020005 01 20 23 c50000 43c10393e5d2031d56a0490f842c87d1c34d01000d9d0903",
    ),
    (
        b"hello, world; hello, world; hello, world",
        "0001020005 01 20 28 a50000 7068656c6c6f2c20776f726c643b200100614f25",
    ),
    (b"", "0001020005 01 20 00 010000"),
];

fn arc(codec: impl Codec + 'static) -> Arc<dyn Codec> {
    Arc::new(codec)
}

fn vector_engine() -> (Arc<Dictionaries>, Engine) {
    let set = Dictionaries::new();
    let dict = vector_dictionary();
    assert_eq!(set.insert(&dict).unwrap(), 1);
    let codec = ZstdDictCodec::writer(set.clone(), 1, 3)
        .unwrap()
        .with_min_size(0);
    let engine = Engine::builder()
        .codec(arc(codec))
        .on_corrupt(OnCorrupt::Error)
        .build()
        .unwrap();
    (set, engine)
}

#[test]
fn vectors_byte_for_byte() {
    let (_, engine) = vector_engine();
    let codec = engine.writer().unwrap().clone();
    for (value, stored_hex) in VECTORS {
        let mut payload = Vec::new();
        codec.compress(value, &mut payload).unwrap();
        let stored = [&[0, 1, 2, 0, 5][..], &payload].concat();
        let hex: String = stored.iter().map(|b| format!("{b:02x}")).collect();
        if std::env::var_os("PRINT_VECTORS").is_some() {
            eprintln!("{:?} -> {hex}", String::from_utf8_lossy(value));
            continue;
        }
        assert_eq!(
            hex,
            stored_hex.replace(' ', ""),
            "{:?}",
            String::from_utf8_lossy(value)
        );
        assert_eq!(&*engine.decode(&common::unhex(stored_hex)).unwrap(), value);
    }
}

#[test]
fn the_header_says_5_and_one_varint_byte_names_dictionary_1() {
    let (_, engine) = vector_engine();
    let value = common::record(3);
    let stored = engine.encode(&value).unwrap();
    assert_eq!(&stored[..6], &[0, 1, 2, 0, 5, 1]);
    // The frame has no magic: its first byte is the frame header descriptor.
    assert_ne!(&stored[6..10], &[0x28, 0xb5, 0x2f, 0xfd]);
    assert_eq!(&*engine.decode(&stored).unwrap(), &value[..]);
}

#[test]
fn an_unknown_dictionary_is_a_typed_error_until_it_is_added() {
    let (_, writer) = vector_engine();
    let value = common::record(11);
    let stored = writer.encode(&value).unwrap().into_owned();
    let set = Dictionaries::new();
    let reader = Engine::builder()
        .codec(arc(ZstdDictCodec::reader(set.clone())))
        .on_corrupt(OnCorrupt::Error)
        .build()
        .unwrap();
    match reader.decode(&stored) {
        Err(Error::UnknownDictionary {
            codec, found: 1, ..
        }) => assert_eq!(codec, CodecId::ZSTD_DICT),
        other => panic!("expected UnknownDictionary, found {other:?}"),
    }
    set.insert(&vector_dictionary()).unwrap();
    assert_eq!(&*reader.decode(&stored).unwrap(), &value[..]);
}

/// Under `OnCorrupt::ReturnStored` too: returned as stored, the value would reach the
/// application compressed (no other client reads `0x05` values either).
#[test]
fn an_unknown_dictionary_is_an_error_even_when_corrupt_values_are_returned_as_stored() {
    let (_, writer) = vector_engine();
    let stored = writer.encode(&common::record(12)).unwrap().into_owned();
    let reader = Engine::builder()
        .codec(arc(ZstdDictCodec::reader(Dictionaries::new())))
        .on_corrupt(OnCorrupt::ReturnStored)
        .build()
        .unwrap();
    assert!(
        matches!(
            reader.decode(&stored),
            Err(Error::UnknownDictionary { found: 1, .. })
        ),
        "returned as stored"
    );
    // A corrupt compact value is still returned as stored.
    let mut corrupt = stored.clone();
    let last = corrupt.len() - 1;
    corrupt[last] ^= 0xFF;
    corrupt.push(0);
    assert!(matches!(
        reader.decode(&corrupt),
        Ok(std::borrow::Cow::Borrowed(_))
    ));
}

#[test]
fn bad_compact_payloads_are_typed_errors() {
    let (_, engine) = vector_engine();
    let codec = engine.writer().unwrap().clone();
    let mut good = Vec::new();
    codec.compress(&common::record(5), &mut good).unwrap();
    let cases: [(&str, Vec<u8>); 5] = [
        ("empty", vec![]),
        ("varint cut short", vec![0x81]),
        ("overlong varint", [&[0x81, 0x00][..], &good[1..]].concat()),
        ("trailing byte", [&good[..], &[0][..]].concat()),
        ("cut frame", good[..good.len() - 2].to_vec()),
    ];
    for (what, payload) in cases {
        let stored = [&[0, 1, 2, 0, 5][..], &payload].concat();
        let err = engine.decode(&stored).unwrap_err();
        assert!(
            matches!(
                err,
                Error::Corrupt { .. } | Error::Truncated { .. } | Error::LengthMismatch { .. }
            ),
            "{what}: {err:?}"
        );
    }
}

#[test]
fn the_older_dictionary_form_stays_readable() {
    let dict = common::record_dictionary();
    let id = dictionary_id(&dict).unwrap();
    let old_writer = ZstdCodec::builder()
        .dictionary(&dict)
        .unwrap()
        .write_with_dictionary(id)
        .build()
        .unwrap();
    let old = Engine::builder().codec(arc(old_writer)).build().unwrap();
    let value = common::record(42);
    let old_stored = old.encode(&value).unwrap().into_owned();
    assert_eq!(old_stored[4], 0x01);
    // A reader with both codecs: the old form through ZstdCodec, the compact one through
    // ZstdDictCodec, same dictionary bytes.
    let set = Dictionaries::new();
    set.insert(&dict).unwrap();
    let reader = Engine::builder()
        .codec(arc(ZstdCodec::builder()
            .dictionary(&dict)
            .unwrap()
            .build()
            .unwrap()))
        .codec(arc(ZstdDictCodec::writer(set, id, 3).unwrap()))
        .write_with(CodecId::ZSTD_DICT)
        .build()
        .unwrap();
    let new_stored = reader.encode(&value).unwrap().into_owned();
    assert_eq!(new_stored[4], 0x05);
    assert!(
        new_stored.len() < old_stored.len(),
        "{} vs {}",
        new_stored.len(),
        old_stored.len()
    );
    assert_eq!(&*reader.decode(&old_stored).unwrap(), &value[..]);
    assert_eq!(&*reader.decode(&new_stored).unwrap(), &value[..]);
}

#[test]
fn the_engine_uses_the_codecs_own_minimum_size() {
    let set = Dictionaries::new();
    let id = set.insert(&common::record_dictionary()).unwrap();
    let engine = Engine::builder()
        .codec(arc(ZstdDictCodec::writer(set, id, 3).unwrap()))
        .build()
        .unwrap();
    let small = br#"{"plan":"enterprise","active":true,"tags":[]}"#; // 46 B, under GLIDE's 64
    assert_eq!(engine.encode(small).unwrap()[4], 0x05);
    assert_eq!(&*engine.encode(b"tiny").unwrap(), b"tiny");
    // Plain because of the codec's minimum size (32 B), not because it would not shrink.
    let under = &small[..kvcodec_zstd::DICT_MIN_SIZE - 1];
    assert_eq!(
        engine.encode_outcome(under).unwrap(),
        kvcodec::Encoded::Plain(kvcodec::SkipReason::TooSmall)
    );
    assert_ne!(
        engine
            .encode_outcome(&small[..kvcodec_zstd::DICT_MIN_SIZE])
            .unwrap(),
        kvcodec::Encoded::Plain(kvcodec::SkipReason::TooSmall)
    );
}

/// How `tests/data/dict-1.hex` was made (`cargo test -p kvcodec-zstd --test compact --
/// --ignored --nocapture make_vector_dictionary`); kept so the vectors can be re-derived.
#[test]
#[ignore = "prints the vector dictionary"]
fn make_vector_dictionary() {
    let samples: Vec<Vec<u8>> = (0..400).map(common::record).collect();
    let mut dict = kvcodec_zstd::train_dictionary(&samples, 256).unwrap();
    kvcodec_zstd::set_dictionary_id(&mut dict, 1).unwrap();
    let hex: Vec<String> = dict
        .chunks(32)
        .map(|c| c.iter().map(|b| format!("{b:02x}")).collect())
        .collect();
    println!("{}", hex.join("\n"));
}
