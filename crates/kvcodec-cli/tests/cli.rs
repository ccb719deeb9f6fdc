//! Runs the built `kvcodec` binary: encode/inspect/decode round trips through stdin/stdout,
//! GLIDE vectors, and error reporting (one `kvcodec: error:` line, non-zero exit, no panic).

mod common;

use common::{fails, hex, json, kvcodec, ok, sample_value, temp_path};

#[test]
fn encode_inspect_decode_round_trip_for_each_codec() {
    let value = sample_value();
    let cases: [(&[&str], u8, &str); 6] = [
        (&["--codec", "zstd:3"], 1, "zstd"),
        (&["--codec", "zstd", "--level", "9"], 1, "zstd"),
        (&["--codec", "lz4"], 2, "lz4"),
        (&["--codec", "lz4:-4"], 2, "lz4"),
        (&["--codec", "snappy"], 3, "snappy"),
        (&["-c", "deflate", "-l", "6"], 4, "deflate"),
    ];
    for (flags, id, name) in cases {
        let args: Vec<&str> = ["encode"].iter().chain(flags).copied().collect();
        let stored = ok(&args, &value);
        assert_eq!(&stored[..5], &[0, 1, 2, 0, id], "{flags:?}");
        assert!(
            stored.len() < value.len() / 2,
            "{flags:?}: {} bytes",
            stored.len()
        );

        let found = json(&ok(&["inspect", "--json"], &stored));
        assert_eq!(found["status"], "compressed", "{flags:?}");
        assert_eq!(found["codec"], name);
        assert_eq!(found["codec_id"], id);
        assert_eq!(found["stored_size"], stored.len());
        assert_eq!(found["decoded_size"], value.len());
        assert!(found["ratio"].as_f64().unwrap() > 2.0);
        let text = String::from_utf8(ok(&["inspect"], &stored)).unwrap();
        assert!(text.contains(&format!("{name} (id {id:#04x})")), "{text}");
        assert!(text.contains(&format!("{} bytes", value.len())), "{text}");

        assert_eq!(ok(&["decode"], &stored), value, "{flags:?}");
    }
}

#[test]
fn glide_vectors_decode() {
    let a100 = vec![b'a'; 100];
    let lz4 = kvcodec::vectors::GLIDE[1].stored();
    assert_eq!(ok(&["decode"], &lz4), a100);
    assert_eq!(ok(&["decode", "--strict"], &lz4), a100);
    let zstd = kvcodec::vectors::GLIDE[0].stored();
    assert_eq!(ok(&["decode"], &zstd), a100);

    let found = json(&ok(&["inspect", "--json"], &lz4));
    assert_eq!(
        (
            found["declared_size"].as_u64(),
            found["decoded_size"].as_u64()
        ),
        (Some(100), Some(100))
    );
    let text = String::from_utf8(ok(&["inspect"], &zstd)).unwrap();
    assert!(text.contains("declared size: not declared"), "{text}");
}

#[test]
fn plain_values_pass_through() {
    assert_eq!(ok(&["encode"], b"hello"), b"hello");
    assert_eq!(ok(&["encode", "--min-size", "6"], b"hello"), b"hello");
    assert_eq!(ok(&["decode"], b"hello"), b"hello");
    assert_eq!(ok(&["decode", "--strict"], b""), b"");
    let found = json(&ok(&["inspect", "--json"], b"hello"));
    assert_eq!(
        (found["status"].as_str(), found["header"].as_bool()),
        (Some("plain"), Some(false))
    );
    // Incompressible input stays as it is: the stored form would not be smaller.
    let mut x = 0x9E37_79B9_7F4A_7C15u64;
    let noise: Vec<u8> = (0..300)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect();
    assert_eq!(ok(&["encode", "--codec", "lz4"], &noise), noise);
}

#[test]
fn encode_reads_a_file() {
    let path = temp_path("value.json");
    std::fs::write(&path, sample_value()).unwrap();
    let stored = ok(
        &["encode", "--codec", "zstd:1", path.to_str().unwrap()],
        b"",
    );
    assert_eq!(ok(&["decode", "-"], &stored), sample_value());
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn bad_specs_and_levels_are_usage_errors() {
    let v = sample_value();
    fails(
        &["encode", "--codec", "brotli"],
        &v,
        2,
        "unknown codec `brotli`",
    );
    fails(
        &["encode", "--codec", "zstd:99"],
        &v,
        2,
        "level 99 is out of range for zstd",
    );
    fails(
        &["encode", "--codec", "zstd", "--level", "99"],
        &v,
        2,
        "out of range",
    );
    fails(&["encode", "--codec", "zstd:x"], &v, 2, "bad level `x`");
    fails(
        &["encode", "--codec", "snappy:1"],
        &v,
        2,
        "snappy takes no level",
    );
    fails(
        &["encode", "--codec", "zstd:3", "--level", "9"],
        &v,
        2,
        "conflicting levels",
    );
    fails(
        &["encode", "--level", "high"],
        &v,
        2,
        "invalid value 'high'",
    );
    fails(&["encode", "--min-size", "5"], &v, 2, "expected at least 6");
    fails(&["encode", "--bogus"], &v, 2, "unexpected argument");
    fails(
        &["assess", "--levels", "zstd:1,nope"],
        b"",
        2,
        "unknown codec `nope`",
    );
}

#[test]
fn unreadable_inputs_are_errors() {
    let missing = temp_path("missing");
    let m = missing.to_str().unwrap();
    fails(&["decode", m], b"", 2, "cannot read file");
    fails(&["encode", m], b"", 2, "cannot read file");
    fails(&["inspect", m], b"", 2, "cannot read file");
    fails(&["assess", "--dir", m], b"", 2, "cannot read directory");
}

#[test]
fn corrupt_values() {
    let corrupt = hex("0001020002 64000000 ffffffffffff");
    fails(
        &["decode", "--strict"],
        &corrupt,
        2,
        "value does not decode: lz4 (0x02)",
    );
    // Without --strict, GLIDE's behaviour: the stored bytes, and a warning.
    let out = kvcodec(&["decode"], &corrupt);
    assert!(out.status.success());
    assert_eq!(out.stdout, corrupt);
    assert!(String::from_utf8_lossy(&out.stderr).contains("warning"));

    let found = json(&ok(&["inspect", "--json"], &corrupt));
    assert_eq!(found["status"], "corrupt");
    assert_eq!(found["declared_size"], 100);
    assert!(found["error"].as_str().unwrap().contains("lz4"));
    let unknown = json(&ok(&["inspect", "--json"], &hex("0001020090 0102")));
    assert_eq!(unknown["status"], "unknown-codec");
    fails(&["decode", "--strict"], &hex("0001020090 0102"), 2, "0x90");

    let big = ok(&["encode", "--codec", "lz4"], &vec![b'x'; 1000]);
    fails(&["decode", "--max-size", "100"], &big, 2, "limit is 100");
    let found = json(&ok(&["inspect", "--json", "--max-size", "100"], &big));
    assert_eq!(found["status"], "too-large");
}
