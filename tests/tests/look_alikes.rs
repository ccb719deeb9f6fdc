//! Values that start with the magic `00 01 02` but do not decode: unknown codec ids, other
//! header versions, garbage and truncated payloads of every backend, lying length prefixes.
//!
//! With the default `OnCorrupt::ReturnStored` they come back exactly as stored (GLIDE's
//! behaviour); with `OnCorrupt::Error` each is a typed error; either way each is counted in
//! the engine's metrics under the header's codec id and its failure kind. Size-limit failures
//! are errors under both settings.

mod common;

use std::borrow::Cow;
use std::collections::BTreeMap;

use common::{build, engine, engine_with, glide_vectors, hex, with_header};
use kvcodec::{CodecId, Config, Engine, Error, FailureKind, OnCorrupt};
use kvcodec_tests::json_value;

/// A stored value that starts with the magic but does not decode, and how it must fail.
struct Bad {
    what: &'static str,
    stored: Vec<u8>,
    /// The header's codec id, under which the failure is counted.
    codec: u8,
    kind: FailureKind,
    /// The whole error, when the input determines it.
    exact: Option<Error>,
}

fn bad(what: &'static str, stored: Vec<u8>, kind: FailureKind, exact: Option<Error>) -> Bad {
    Bad {
        what,
        codec: stored[4],
        stored,
        kind,
        exact,
    }
}

/// The codec an error names, for the errors that name one.
fn error_codec(e: &Error) -> Option<CodecId> {
    match e {
        Error::Corrupt { codec, .. }
        | Error::Truncated { codec, .. }
        | Error::LengthMismatch { codec, .. }
        | Error::DeclaredSizeTooLarge { codec, .. }
        | Error::DecodedSizeTooLarge { codec, .. } => Some(*codec),
        Error::UnknownCodec { found, .. } => Some(*found),
        _ => None,
    }
}

fn bad_values() -> Vec<Bad> {
    use FailureKind::{Corrupt, LengthMismatch, Truncated, UnknownCodec, UnsupportedVersion};
    let [zstd, lz4, _] = glide_vectors();
    let (zstd, lz4) = (zstd.stored, lz4.stored);
    let mut deflate_ok = Vec::new();
    let deflate = kvcodec_deflate::BACKEND.codec(None).unwrap();
    deflate
        .compress(&json_value(2000, 3), &mut deflate_ok)
        .unwrap();
    let lz4_declaring = |n: u32| [&lz4[..5], &n.to_le_bytes(), &lz4[9..]].concat();
    let unknown = |id: u8| Error::UnknownCodec {
        found: CodecId(id),
        registered: "zstd (0x01), lz4 (0x02), snappy (0x03), deflate (0x04)".into(),
    };
    let version = |found: u8| Error::UnsupportedVersion { expected: 0, found };
    let truncated = |id: u8, expected: usize, found: usize| Error::Truncated {
        codec: CodecId(id),
        expected,
        found,
    };
    vec![
        bad(
            "unknown codec id 0x7E",
            with_header(0, 0x7E, b"payload"),
            UnknownCodec,
            Some(unknown(0x7E)),
        ),
        bad(
            "unregistered application id 0x80 before a zstd frame",
            with_header(0, 0x80, &zstd[5..]),
            UnknownCodec,
            Some(unknown(0x80)),
        ),
        bad(
            "reserved id 0x00, header only",
            with_header(0, 0x00, b""),
            UnknownCodec,
            Some(unknown(0x00)),
        ),
        bad(
            "version 0x01 before a valid zstd payload",
            with_header(1, 1, &zstd[5..]),
            UnsupportedVersion,
            Some(version(1)),
        ),
        bad(
            "version 0xFF before a valid lz4 payload",
            with_header(0xFF, 2, &lz4[5..]),
            UnsupportedVersion,
            Some(version(0xFF)),
        ),
        bad(
            "plain binary value 00 01 02 03 04 05 06 07",
            vec![0, 1, 2, 3, 4, 5, 6, 7],
            UnsupportedVersion,
            Some(version(3)),
        ),
        bad(
            "zstd id, payload without frame magic",
            with_header(0, 1, b"this is not zstd"),
            Corrupt,
            None,
        ),
        bad(
            "zstd frame header then a reserved block type",
            with_header(0, 1, &hex("28b52ffd 00 58 ffffff ffffff")),
            Corrupt,
            None,
        ),
        bad(
            "zstd payload cut inside the frame magic",
            with_header(0, 1, &zstd[5..7]),
            Truncated,
            Some(truncated(1, 5, 2)),
        ),
        bad(
            "GLIDE zstd vector cut before its last block ends",
            zstd[..zstd.len() - 3].to_vec(),
            Corrupt,
            None,
        ),
        bad(
            "GLIDE zstd vector with two bytes after the frame",
            [&zstd[..], b"xx"].concat(),
            Corrupt,
            None,
        ),
        bad(
            "lz4 length then a garbage block",
            with_header(0, 2, &hex("64000000 ffffffffffffffff")),
            Corrupt,
            None,
        ),
        bad(
            "lz4 length prefix cut to 2 bytes",
            with_header(0, 2, &hex("6400")),
            Truncated,
            Some(truncated(2, 4, 2)),
        ),
        // The block decodes past 99 bytes; the error reports a lower bound of its length.
        bad(
            "GLIDE lz4 vector declaring 99 bytes",
            lz4_declaring(99),
            LengthMismatch,
            None,
        ),
        bad(
            "GLIDE lz4 vector declaring 101 bytes",
            lz4_declaring(101),
            LengthMismatch,
            Some(Error::LengthMismatch {
                codec: CodecId::LZ4,
                expected: 101,
                found: 100,
            }),
        ),
        bad(
            "snappy length 10 then a copy from before the start",
            with_header(0, 3, &hex("0a ffffffffff")),
            Corrupt,
            None,
        ),
        bad(
            "snappy id with an empty payload",
            with_header(0, 3, b""),
            Truncated,
            Some(truncated(3, 1, 0)),
        ),
        bad(
            "snappy length varint that never ends",
            with_header(0, 3, &hex("ffffffffffff")),
            Corrupt,
            None,
        ),
        bad(
            "deflate length then a reserved block type",
            with_header(0, 4, &hex("64000000 ffffffffffffffff")),
            Corrupt,
            None,
        ),
        bad(
            "deflate length prefix cut to 3 bytes",
            with_header(0, 4, &hex("010203")),
            Truncated,
            Some(truncated(4, 4, 3)),
        ),
        bad(
            "deflate stream cut before its final block",
            with_header(0, 4, &deflate_ok[..deflate_ok.len() / 2]),
            Corrupt,
            None,
        ),
    ]
}

/// Failures by `(codec id, kind)`, from a snapshot.
fn failures(engine: &Engine) -> BTreeMap<(u8, &'static str), u64> {
    let mut out = BTreeMap::new();
    for c in &engine.counters().snapshot().codecs {
        for (kind, n) in c.failures.iter().filter(|(_, n)| *n > 0) {
            out.insert((c.codec.0, kind.as_str()), *n);
        }
    }
    out
}

fn expected_failures(cases: &[Bad], times: u64) -> BTreeMap<(u8, &'static str), u64> {
    let mut out = BTreeMap::new();
    for case in cases {
        *out.entry((case.codec, case.kind.as_str())).or_default() += times;
    }
    out
}

#[test]
fn look_alikes_are_returned_as_stored_by_default_and_counted() {
    let cases = bad_values();
    let engine = engine("zstd");
    assert_eq!(Config::default().on_corrupt, OnCorrupt::ReturnStored);
    for case in &cases {
        let what = case.what;
        let read = engine
            .decode(&case.stored)
            .unwrap_or_else(|e| panic!("{what}: expected the stored bytes back, found {e}"));
        assert!(matches!(read, Cow::Borrowed(_)), "{what}: copied");
        assert_eq!(&*read, &case.stored[..], "{what}");
        assert_eq!(engine.decode_vec(case.stored.clone()).unwrap(), case.stored);
    }
    let m = engine.counters().snapshot();
    let n = 2 * cases.len() as u64;
    assert_eq!((m.raw_fallbacks(), m.failures()), (n, n));
    assert_eq!((m.passthrough, m.decompressed()), (0, 0));
    assert_eq!(failures(&engine), expected_failures(&cases, 2));
}

#[test]
fn look_alikes_are_typed_errors_under_on_corrupt_error() {
    let cases = bad_values();
    let engine = engine_with("lz4", OnCorrupt::Error);
    for case in &cases {
        let what = case.what;
        let err = engine
            .decode(&case.stored)
            .expect_err(&format!("{what}: expected an error"));
        assert_eq!(err.failure_kind(), Some(case.kind), "{what}: {err}");
        if case.kind != FailureKind::UnsupportedVersion {
            assert_eq!(
                error_codec(&err),
                Some(CodecId(case.codec)),
                "{what}: {err:?}"
            );
        }
        if let Some(exact) = &case.exact {
            assert_eq!(&err, exact, "{what}");
        }
    }
    let m = engine.counters().snapshot();
    assert_eq!(m.raw_fallbacks(), 0);
    assert_eq!(m.failures(), cases.len() as u64);
    assert_eq!(failures(&engine), expected_failures(&cases, 1));
    for kind in FailureKind::ALL {
        let want = cases.iter().filter(|c| c.kind == kind).count() as u64;
        assert_eq!(m.failures_of(kind), want, "{kind:?}");
    }
}

#[test]
fn too_short_to_have_a_header_is_plain() {
    let engine = engine_with("zstd", OnCorrupt::Error);
    for stored in [&[0u8, 1, 2][..], &[0, 1, 2, 0], &[0, 1, 3, 0, 1, 9], b""] {
        assert_eq!(&*engine.decode(stored).unwrap(), stored);
    }
    let m = engine.counters().snapshot();
    assert_eq!((m.passthrough, m.failures()), (4, 0));
}

#[test]
fn size_limit_is_an_error_even_under_return_stored() {
    let engine = build(Config {
        enabled: true,
        max_decompressed_size: 99,
        ..Config::default()
    });
    let [zstd, lz4, _] = glide_vectors();
    let err = engine.decode(&lz4.stored).unwrap_err();
    let want = Error::DeclaredSizeTooLarge {
        codec: CodecId::LZ4,
        declared: 100,
        limit: 99,
    };
    assert_eq!(err, want);
    // GLIDE's zstd frame declares no size: decoding stops at the limit.
    let err = engine.decode(&zstd.stored).unwrap_err();
    let want = Error::DecodedSizeTooLarge {
        codec: CodecId::ZSTD,
        limit: 99,
    };
    assert_eq!(err, want);
    let m = engine.counters().snapshot();
    assert_eq!(m.failures_of(FailureKind::SizeLimit), 2);
    assert_eq!(m.raw_fallbacks(), 0);
}
