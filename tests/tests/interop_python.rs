//! Byte-level interop with the reference zstd and lz4 implementations GLIDE's readers and
//! writers agree with: python-zstandard and python-lz4.
//!
//! - kvcodec → Python: values an [`Engine`] writes with zstd (levels 1, 3, 19) and lz4 decode
//!   with `zstandard.ZstdDecompressor().decompress(payload)` (one-shot: it needs the content
//!   size, which kvcodec writes), with `decompressobj()` fed in chunks (streaming), and with
//!   `lz4.block.decompress(payload)`.
//! - Python → kvcodec: frames python-zstandard writes without content size (as GLIDE's
//!   streaming encoder does), with it, and with a checksum, and `lz4.block.compress` payloads
//!   (default, high-compression and fast modes) decode through kvcodec after the 5-byte header.
//!
//! Bytes travel through files in a temporary directory and are compared byte for byte on the
//! Rust side. Missing Python modules fail the test (run `scripts/setup.sh`); nothing is skipped.

use std::borrow::Cow;
use std::fs;
use std::path::Path;

use kvcodec::policy::MinSize;
use kvcodec::{Backend, CodecId, Config, Engine, OnCorrupt};
use kvcodec_tests::{BACKENDS, json_value, python_has_module, run_python};

const SIZES: [usize; 4] = [100, 1024, 64 * 1024, 1024 * 1024];

fn require_python_modules() {
    for module in ["zstandard", "lz4.block"] {
        assert!(
            python_has_module(module),
            "python module `{module}` is missing: these interop tests need python-zstandard and \
             python-lz4 (run ./scripts/setup.sh, or `pip install zstandard lz4`)"
        );
    }
}

/// The test values: JSON-like and text-like, of every size.
fn values() -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for (i, n) in SIZES.into_iter().enumerate() {
        out.push((format!("json{n}"), json_value(n, 100 + i as u64)));
        out.push((
            format!("text{n}"),
            kvcodec::conformance::text(n, 200 + i as u64),
        ));
    }
    out
}

fn config(backend: &str, level: Option<i32>) -> Config {
    Config {
        enabled: true,
        backend: backend.into(),
        compression_level: level,
        on_corrupt: OnCorrupt::Error,
        ..Config::default()
    }
}

/// An engine writing like `config` but keeping every compressed form, even one that is not
/// smaller (a 100-byte JSON document), so every case has a payload for Python to read.
fn always_compress(backend: &Backend, level: Option<i32>) -> Engine {
    Engine::builder()
        .codec(backend.codec(level).unwrap())
        .policy(MinSize(kvcodec::MIN_MIN_COMPRESSION_SIZE))
        .build()
        .unwrap()
}

fn read(dir: &Path, name: &str) -> Vec<u8> {
    fs::read(dir.join(name)).unwrap_or_else(|e| panic!("reading {name}: {e}"))
}

const PY_DECODE: &str = r#"
import json, pathlib, sys
import lz4.block, zstandard

d = pathlib.Path(sys.argv[1])
for line in (d / "manifest").read_text().split():
    name, codec = line.split(":")
    stored = (d / (name + ".stored")).read_bytes()
    header, payload = stored[:5], stored[5:]
    report = {"name": name, "header": header.hex()}
    if codec == "zstd":
        params = zstandard.get_frame_parameters(payload)
        report["content_size"] = params.content_size
        report["checksum"] = params.has_checksum
        report["dict_id"] = params.dict_id
        (d / (name + ".oneshot")).write_bytes(zstandard.ZstdDecompressor().decompress(payload))
        dobj = zstandard.ZstdDecompressor().decompressobj()
        parts = [dobj.decompress(payload[i:i + 4096]) for i in range(0, len(payload), 4096)]
        report["eof"] = dobj.eof
        report["unused"] = len(dobj.unused_data)
        (d / (name + ".stream")).write_bytes(b"".join(parts))
    else:
        (d / (name + ".oneshot")).write_bytes(lz4.block.decompress(payload))
    print(json.dumps(report))
"#;

#[test]
fn python_decodes_what_kvcodec_writes() {
    require_python_modules();
    let dir = tempfile::tempdir().unwrap();
    // lz4 at every kind of level: the default, acceleration, LZ4 HC and HC's optimal parser.
    let writers: [(&Backend, Option<i32>, &str); 7] = [
        (&kvcodec_zstd::BACKEND, Some(1), "zstd1"),
        (&kvcodec_zstd::BACKEND, Some(3), "zstd3"),
        (&kvcodec_zstd::BACKEND, Some(19), "zstd19"),
        (&kvcodec_lz4::BACKEND, None, "lz4"),
        (&kvcodec_lz4::BACKEND, Some(-8), "lz4fast8"),
        (&kvcodec_lz4::BACKEND, Some(9), "lz4hc9"),
        (&kvcodec_lz4::BACKEND, Some(12), "lz4hc12"),
    ];
    let plain_at_most = 2 * writers.len();
    let mut manifest = Vec::new();
    let mut cases = Vec::new();
    let mut default_compressed = 0;
    for (backend, level, tag) in writers {
        let forced = always_compress(backend, level);
        let default = config(backend.name, level).build(&BACKENDS).unwrap();
        for (what, value) in values() {
            // What the default policy writes; for a value it keeps plain (it would not
            // shrink), the compressed form it rejected.
            let stored = match default.encode(&value).unwrap() {
                Cow::Owned(s) => {
                    default_compressed += 1;
                    s
                }
                Cow::Borrowed(s) => {
                    assert_eq!(s, &value[..]);
                    let s = forced.encode(&value).unwrap().into_owned();
                    assert!(
                        s.len() >= value.len(),
                        "{tag} {what}: kept plain but shrinks"
                    );
                    s
                }
            };
            assert_eq!(&stored[..5], &[0, 1, 2, 0, backend.id.0], "{tag} {what}");
            let name = format!("{tag}-{what}");
            fs::write(dir.path().join(format!("{name}.stored")), &stored).unwrap();
            manifest.push(format!("{name}:{}", backend.name));
            cases.push((name, backend.id, value));
        }
    }
    // Everything but some 100-byte values is kept compressed by the default policy too.
    assert!(
        default_compressed >= cases.len() - plain_at_most,
        "{default_compressed}"
    );
    fs::write(dir.path().join("manifest"), manifest.join("\n")).unwrap();

    let out = run_python(PY_DECODE, &[dir.path().to_str().unwrap()]);
    let reports: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("python printed {l:?}: {e}")))
        .collect();
    assert_eq!(reports.len(), cases.len(), "python output:\n{out}");
    for ((name, id, value), report) in cases.iter().zip(&reports) {
        assert_eq!(report["name"], name.as_str());
        assert_eq!(report["header"], format!("00010200{:02x}", id.0));
        let oneshot = read(dir.path(), &format!("{name}.oneshot"));
        assert!(oneshot == *value, "{name}: python one-shot decode differs");
        if *id == CodecId::ZSTD {
            // kvcodec's frames declare their size (which python's one-shot path needs) and
            // carry no checksum and no dictionary.
            assert_eq!(report["content_size"], value.len() as u64, "{name}");
            assert_eq!(report["checksum"], false, "{name}");
            assert_eq!(report["dict_id"], 0, "{name}");
            assert_eq!(
                report["eof"], true,
                "{name}: streaming decoder did not reach the end"
            );
            assert_eq!(report["unused"], 0, "{name}: bytes after the frame");
            let stream = read(dir.path(), &format!("{name}.stream"));
            assert!(stream == *value, "{name}: python streaming decode differs");
        }
    }
}

const PY_ENCODE: &str = r#"
import pathlib, sys
import lz4.block, zstandard

d = pathlib.Path(sys.argv[1])
for name in (d / "manifest").read_text().split():
    data = (d / (name + ".plain")).read_bytes()
    def out(variant, payload):
        (d / (name + "." + variant)).write_bytes(payload)
    out("zstd-nosize", zstandard.ZstdCompressor(level=3, write_content_size=False).compress(data))
    cobj = zstandard.ZstdCompressor(level=3).compressobj()
    out("zstd-stream", cobj.compress(data) + cobj.flush())
    out("zstd-size", zstandard.ZstdCompressor(level=3).compress(data))
    out("zstd-checksum", zstandard.ZstdCompressor(level=3, write_checksum=True,
                                                  write_content_size=False).compress(data))
    out("zstd-size-checksum", zstandard.ZstdCompressor(level=19, write_checksum=True).compress(data))
    out("lz4-default", lz4.block.compress(data))
    out("lz4-hc", lz4.block.compress(data, mode="high_compression", compression=9))
    out("lz4-fast", lz4.block.compress(data, mode="fast", acceleration=8))
"#;

/// `(variant, codec id, declares content size, has checksum)`; the flags are for zstd only.
const PY_VARIANTS: [(&str, CodecId, bool, bool); 8] = [
    ("zstd-nosize", CodecId::ZSTD, false, false),
    ("zstd-stream", CodecId::ZSTD, false, false),
    ("zstd-size", CodecId::ZSTD, true, false),
    ("zstd-checksum", CodecId::ZSTD, false, true),
    ("zstd-size-checksum", CodecId::ZSTD, true, true),
    ("lz4-default", CodecId::LZ4, false, false),
    ("lz4-hc", CodecId::LZ4, false, false),
    ("lz4-fast", CodecId::LZ4, false, false),
];

#[test]
fn kvcodec_decodes_what_python_writes() {
    require_python_modules();
    let dir = tempfile::tempdir().unwrap();
    let values = values();
    let mut manifest = Vec::new();
    for (what, value) in &values {
        fs::write(dir.path().join(format!("{what}.plain")), value).unwrap();
        manifest.push(what.clone());
    }
    fs::write(dir.path().join("manifest"), manifest.join("\n")).unwrap();
    run_python(PY_ENCODE, &[dir.path().to_str().unwrap()]);

    // Readers configured to write with either GLIDE backend read both.
    let readers = [
        config("zstd", None).build(&BACKENDS).unwrap(),
        config("lz4", None).build(&BACKENDS).unwrap(),
    ];
    for (what, value) in &values {
        for (variant, id, sized, checksum) in PY_VARIANTS {
            let payload = read(dir.path(), &format!("{what}.{variant}"));
            if id == CodecId::ZSTD {
                let declared = zstd::zstd_safe::get_frame_content_size(&payload).unwrap();
                let want = sized.then_some(value.len() as u64);
                assert_eq!(declared, want, "{what} {variant}: content size field");
                assert_eq!(
                    payload[4] & 0x04 != 0,
                    checksum,
                    "{what} {variant}: checksum flag"
                );
            } else {
                assert_eq!(
                    &payload[..4],
                    &(value.len() as u32).to_le_bytes(),
                    "{what} {variant}"
                );
            }
            let stored = [&[0, 1, 2, 0, id.0][..], &payload].concat();
            for reader in &readers {
                let decoded = reader
                    .decode(&stored)
                    .unwrap_or_else(|e| panic!("{what} {variant}: kvcodec failed: {e}"));
                assert!(
                    matches!(decoded, Cow::Owned(_)),
                    "{what} {variant}: not decoded"
                );
                assert!(
                    *decoded == value[..],
                    "{what} {variant}: kvcodec decode differs"
                );
            }
        }
    }
    for reader in &readers {
        let m = reader.counters().snapshot();
        let per_codec = |id| PY_VARIANTS.iter().filter(|v| v.1 == id).count() * values.len();
        assert_eq!(
            m.codec(CodecId::ZSTD).unwrap().decompress.values,
            per_codec(CodecId::ZSTD) as u64
        );
        assert_eq!(
            m.codec(CodecId::LZ4).unwrap().decompress.values,
            per_codec(CodecId::LZ4) as u64
        );
        assert_eq!((m.failures(), m.raw_fallbacks()), (0, 0));
    }
}

#[test]
fn a_corrupted_checksum_is_caught() {
    // A frame with a checksum whose last byte is flipped decodes to the right length but must
    // not be accepted: the checksum is the only thing that catches it.
    require_python_modules();
    let dir = tempfile::tempdir().unwrap();
    let value = json_value(10_000, 5);
    fs::write(dir.path().join("v.plain"), &value).unwrap();
    fs::write(dir.path().join("manifest"), "v").unwrap();
    run_python(PY_ENCODE, &[dir.path().to_str().unwrap()]);
    let reader = config("zstd", None).build(&BACKENDS).unwrap();
    for variant in ["zstd-checksum", "zstd-size-checksum"] {
        let mut payload = read(dir.path(), &format!("v.{variant}"));
        *payload.last_mut().unwrap() ^= 0x01;
        let stored = [&[0, 1, 2, 0, 1][..], &payload].concat();
        let err = reader.decode(&stored).unwrap_err();
        assert!(
            matches!(
                err,
                kvcodec::Error::Corrupt {
                    codec: CodecId::ZSTD,
                    ..
                }
            ),
            "{variant}: {err:?}"
        );
    }
}
