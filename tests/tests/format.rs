//! The stored format, end to end through an [`Engine`] built from a [`Config`] with all four
//! backends: GLIDE's vectors, the header kvcodec writes, switching the writer backend, and the
//! `DecompressOnly` / `Off` modes. Values that only look compressed are in `look_alikes.rs`.
//!
//! The GLIDE vectors are the ones in `/work/shared/wire-format.md` (written by valkey-glide
//! 2.6.0).

mod common;

use std::borrow::Cow;

use common::{IDS, build, engine, engine_with, glide_vectors, with_header};
use kvcodec::{CodecId, Config, Encoded, Error, Mode, OnCorrupt, SkipReason};
use kvcodec_tests::{incompressible, json_value};

#[test]
fn glide_vectors_have_the_documented_lengths() {
    let lens: Vec<usize> = glide_vectors().iter().map(|v| v.stored.len()).collect();
    assert_eq!(lens, [22, 20, 65]);
    let plain: Vec<usize> = glide_vectors().iter().map(|v| v.original.len()).collect();
    assert_eq!(plain, [100, 100, 180]);
}

#[test]
fn glide_vectors_decode_byte_exact_whatever_the_writer() {
    for (name, _) in IDS {
        let engine = engine(name);
        for common::Vector {
            what,
            stored,
            original,
        } in glide_vectors()
        {
            let decoded = engine
                .decode(&stored)
                .unwrap_or_else(|e| panic!("writer {name}: decoding GLIDE's {what}: {e}"));
            assert!(
                matches!(decoded, Cow::Owned(_)),
                "writer {name}: GLIDE's {what} was passed through instead of decoded"
            );
            assert_eq!(&*decoded, &original[..], "writer {name}: GLIDE's {what}");
            assert_eq!(
                engine.decode_vec(stored.clone()).unwrap(),
                original,
                "{what}"
            );
        }
        let m = engine.counters().snapshot();
        assert_eq!(
            m.codec(CodecId::ZSTD).unwrap().decompress.values,
            2,
            "writer {name}"
        );
        assert_eq!(
            m.codec(CodecId::LZ4).unwrap().decompress.values,
            4,
            "writer {name}"
        );
        assert_eq!((m.failures(), m.raw_fallbacks(), m.passthrough), (0, 0, 0));
    }
}

#[test]
fn glide_zstd_vector_declares_no_size_and_lz4_vectors_do() {
    let engine = engine("zstd");
    let [zstd, lz4, fox] = glide_vectors();
    let declared = |id: CodecId, stored: &[u8]| {
        engine
            .registry()
            .require(id)
            .unwrap()
            .declared_len(&stored[5..])
            .unwrap()
    };
    // GLIDE's streaming encoder omits the content size: this vector takes the bounded path.
    assert_eq!(declared(CodecId::ZSTD, &zstd.stored), None);
    assert_eq!(declared(CodecId::LZ4, &lz4.stored), Some(100));
    assert_eq!(declared(CodecId::LZ4, &fox.stored), Some(180));
}

#[test]
fn hello_is_stored_raw_and_read_raw() {
    for (name, _) in IDS {
        for min in [6, 64] {
            let engine = build(Config {
                enabled: true,
                backend: name.into(),
                min_compression_size: min,
                ..Config::default()
            });
            let stored = engine.encode(b"hello").unwrap();
            assert!(
                matches!(stored, Cow::Borrowed(_)),
                "{name}: hello was copied"
            );
            assert_eq!(&*stored, common::hex("68656c6c6f"));
            let read = engine.decode(b"hello").unwrap();
            assert!(matches!(read, Cow::Borrowed(b"hello")), "{name}: {read:?}");
            let m = engine.counters().snapshot();
            assert_eq!(m.skipped_for(SkipReason::TooSmall), 1, "{name} min {min}");
            assert_eq!((m.passthrough, m.compressed()), (1, 0), "{name} min {min}");
        }
    }
}

#[test]
fn each_backend_writes_its_header_and_reads_it_back() {
    let value = json_value(4096, 7);
    for (name, id) in IDS {
        let engine = engine(name);
        let stored = engine.encode(&value).unwrap();
        assert_eq!(&stored[..5], &[0x00, 0x01, 0x02, 0x00, id], "{name}");
        assert!(stored.len() < value.len(), "{name}: {} bytes", stored.len());
        match name {
            // u32 LE uncompressed length first.
            "lz4" | "deflate" => assert_eq!(&stored[5..9], &4096u32.to_le_bytes(), "{name}"),
            // varint 4096 = 0x80 0x20.
            "snappy" => assert_eq!(&stored[5..7], &[0x80, 0x20]),
            // One zstd frame that declares its content size.
            _ => {
                assert_eq!(&stored[5..9], &[0x28, 0xb5, 0x2f, 0xfd]);
                let size = zstd::zstd_safe::get_frame_content_size(&stored[5..]).unwrap();
                assert_eq!(size, Some(4096));
            }
        }
        assert_eq!(&*engine.decode(&stored).unwrap(), &value[..], "{name}");
        let m = engine.counters().snapshot();
        let c = m.codec(CodecId(id)).unwrap();
        assert_eq!((c.compress.values, c.decompress.values), (1, 1), "{name}");
        assert_eq!(c.compress.bytes_in, 4096);
        assert_eq!(c.compress.bytes_out, stored.len() as u64);
    }
}

/// `(backend, level)` writer settings used to fill a store before switching backend.
const WRITERS: [(&str, Option<i32>); 9] = [
    ("zstd", None),
    ("zstd", Some(19)),
    ("zstd", Some(-5)),
    ("lz4", None),
    ("lz4", Some(12)),
    ("snappy", None),
    ("deflate", Some(1)),
    ("deflate", None),
    ("deflate", Some(9)),
];

#[test]
fn switching_the_writer_backend_never_breaks_old_values() {
    let values = [
        kvcodec::conformance::text(300, 1),
        json_value(4096, 2),
        json_value(100_000, 3),
        b"The quick brown fox jumps over the lazy dog. ".repeat(50),
        vec![0u8; 70_000],
    ];
    let mut stored = Vec::new();
    for (backend, level) in WRITERS {
        let writer = build(Config {
            enabled: true,
            backend: backend.into(),
            compression_level: level,
            ..Config::default()
        });
        let id = writer.writer().unwrap().id();
        for v in &values {
            let s = writer.encode(v).unwrap().into_owned();
            assert_eq!(&s[..5], &[0, 1, 2, 0, id.0], "{backend} {level:?}");
            stored.push((backend, level, s, v));
        }
    }
    for (reader_backend, _) in IDS {
        let reader = engine_with(reader_backend, OnCorrupt::Error);
        for (backend, level, s, v) in &stored {
            let back = reader.decode(s).unwrap_or_else(|e| {
                panic!("reader {reader_backend}: value written by {backend} {level:?}: {e}")
            });
            assert_eq!(
                &*back,
                &v[..],
                "reader {reader_backend}, writer {backend} {level:?}"
            );
        }
        let m = reader.counters().snapshot();
        assert_eq!(m.decompressed(), stored.len() as u64);
        for (name, id) in IDS {
            let written = WRITERS.iter().filter(|(b, _)| *b == name).count() * values.len();
            assert_eq!(
                m.codec(CodecId(id)).unwrap().decompress.values,
                written as u64,
                "{name}"
            );
        }
    }
}

#[test]
fn a_reader_without_the_old_backend_cannot_decode_its_values() {
    let old = engine("zstd");
    let value = json_value(4096, 9);
    let stored = old.encode(&value).unwrap().into_owned();
    let only_lz4 = |on_corrupt| {
        Config {
            enabled: true,
            backend: "lz4".into(),
            on_corrupt,
            ..Config::default()
        }
        .build(&[&kvcodec_lz4::BACKEND])
        .unwrap()
    };
    let err = only_lz4(OnCorrupt::Error).decode(&stored).unwrap_err();
    assert_eq!(
        err,
        Error::UnknownCodec {
            found: CodecId::ZSTD,
            registered: "lz4 (0x02)".into()
        }
    );
    // Not even under ReturnStored: the compressed bytes would reach the application.
    assert_eq!(
        only_lz4(OnCorrupt::ReturnStored)
            .decode(&stored)
            .unwrap_err(),
        err
    );
}

#[test]
fn decompress_only_writes_plain_and_reads_compressed() {
    let values = [
        json_value(4096, 4),
        b"hello".to_vec(),
        incompressible(2000, 1),
    ];
    for (name, id) in IDS {
        let on = engine(name);
        let rollback = build(Config {
            backend: name.into(),
            mode: Some(Mode::DecompressOnly),
            ..Config::default()
        });
        assert_eq!(rollback.mode(), Mode::DecompressOnly);
        for v in &values {
            let written = rollback.encode(v).unwrap();
            assert!(matches!(written, Cow::Borrowed(_)), "{name}: copied");
            assert_eq!(
                &*written,
                &v[..],
                "{name}: DecompressOnly changed a value on write"
            );
            assert_eq!(
                rollback.encode_outcome(v).unwrap(),
                Encoded::Plain(SkipReason::Disabled)
            );
            // It still reads what an `On` engine wrote, with any backend, and plain values.
            let stored = on.encode(v).unwrap();
            assert_eq!(&*rollback.decode(&stored).unwrap(), &v[..], "{name}");
            assert_eq!(&*rollback.decode(v).unwrap(), &v[..], "{name}");
        }
        for v in glide_vectors() {
            assert_eq!(
                &*rollback.decode(&v.stored).unwrap(),
                &v.original[..],
                "{}",
                v.what
            );
        }
        let m = rollback.counters().snapshot();
        assert_eq!(m.compressed(), 0);
        assert_eq!(m.skipped_for(SkipReason::Disabled), 2 * values.len() as u64);
        // The 4 KiB JSON is the one value `on` stored compressed.
        let glide = match id {
            1 => 1,
            2 => 2,
            _ => 0,
        };
        assert_eq!(
            m.codec(CodecId(id)).unwrap().decompress.values,
            1 + glide,
            "{name}"
        );
        assert_eq!(m.decompressed(), 1 + 3, "{name}: own value + GLIDE vectors");
    }
    // `enabled: false` with an explicit mode is that mode.
    let c = Config {
        enabled: false,
        mode: Some(Mode::DecompressOnly),
        ..Config::default()
    };
    assert_eq!(build(c).mode(), Mode::DecompressOnly);
}

#[test]
fn off_passes_everything_through() {
    let on = engine("zstd");
    let doc = json_value(4096, 5);
    let compressed = on.encode(&doc).unwrap().into_owned();
    let mut values: Vec<Vec<u8>> = vec![doc.clone(), compressed, b"hello".to_vec()];
    values.extend(glide_vectors().into_iter().map(|v| v.stored));
    // Values that look compressed but do not decode (see look_alikes.rs).
    let zstd = values[3].clone();
    values.extend([
        with_header(0, 0x7E, b"unknown codec"),
        with_header(1, 1, &zstd[5..]),
        zstd[..zstd.len() - 3].to_vec(),
        with_header(0, 2, &[0x64, 0, 0, 0, 0xff, 0xff, 0xff]),
    ]);
    for config in [
        // `enabled: false` alone is DecompressOnly (decoding stays on): Off is asked for.
        Config {
            enabled: true,
            mode: Some(Mode::Off),
            ..Config::default()
        },
        Config {
            mode: Some(Mode::Off),
            on_corrupt: OnCorrupt::Error,
            ..Config::default()
        },
    ] {
        let off = build(config);
        assert_eq!(off.mode(), Mode::Off);
        for v in &values {
            let w = off.encode(v).unwrap();
            assert!(
                matches!(w, Cow::Borrowed(_)) && *w == v[..],
                "Off changed a write"
            );
            let r = off.decode(v).unwrap();
            assert!(
                matches!(r, Cow::Borrowed(_)) && *r == v[..],
                "Off changed a read"
            );
        }
        let m = off.counters().snapshot();
        assert_eq!(m.skipped_for(SkipReason::Disabled), values.len() as u64);
        assert_eq!((m.compressed(), m.decompressed()), (0, 0));
        assert_eq!((m.failures(), m.raw_fallbacks()), (0, 0));
    }
}
