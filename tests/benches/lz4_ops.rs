//! One lz4 operation run N times, for instruction counts under cachegrind, and the peak memory
//! of encoding then decoding one large value.
//!
//! ```text
//! cargo bench -p kvcodec-tests --bench lz4_ops --no-run   # prints the binary's path
//! lz4_ops run PATH OP INPUT LEVEL N   # PATH: engine | glide | lz4_flex; OP: encode | decode
//! lz4_ops peak PATH MIB KIND          # KIND: html | json | text; prints VmHWM / value size
//! lz4_ops dump DIR                    # writes the inputs, for other programs to time
//! ```
//!
//! INPUT is `json-1KiB`, `json-64KiB`, `html-128KiB` or `text-1MiB` (the bench's values).
//! `run` prepares the stored form before the loop, so `N` minus `0` iterations under
//! `valgrind --tool=cachegrind --cache-sim=no` is the cost of `N` operations (set the
//! `GLIBC_TUNABLES` of BENCHMARKS.md so memset/memcpy count per byte, not per call):
//!
//! ```text
//! valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null \
//!     target/release/deps/lz4_ops-<hash> run engine decode json-1KiB 0 1000
//! ```
//!
//! `peak` reads the kernel's high-water mark of resident memory (`VmHWM`): only bytes a
//! path writes count, as they do for a real process.

use std::borrow::Cow;
use std::hint::black_box;
use std::sync::Arc;

use kvcodec::Engine;
use kvcodec_lz4::Lz4Codec;
use kvcodec_tests::{html_page, json_value, status_bytes};

#[path = "../benches/codecs/glide.rs"]
mod glide;

fn input(name: &str) -> Vec<u8> {
    match name {
        "json-1KiB" => json_value(1024, 2),
        "json-64KiB" => json_value(64 << 10, 3),
        "html-128KiB" => html_page(128 << 10, 6),
        "text-1MiB" => kvcodec::conformance::text(1 << 20, 4),
        other => panic!("unknown input {other}"),
    }
}

fn engine(level: i32) -> Engine {
    let codec: Arc<dyn kvcodec::Codec> = Arc::new(Lz4Codec::new(level).expect("lz4 level"));
    Engine::builder().codec(codec).build().expect("engine")
}

/// A way of storing values: encode to the stored form, decode it back.
enum Path {
    Engine(Engine),
    Glide(i32),
    Lz4Flex,
}

impl Path {
    fn new(name: &str, level: i32) -> Path {
        match name {
            "engine" => Path::Engine(engine(level)),
            "glide" => Path::Glide(level),
            "lz4_flex" => Path::Lz4Flex,
            other => panic!("unknown path {other}"),
        }
    }

    fn encode<'a>(&self, value: &'a [u8]) -> Cow<'a, [u8]> {
        match self {
            Path::Engine(e) => e.encode(value).expect("encode"),
            Path::Glide(level) => glide::lz4_compress_value(value, *level),
            Path::Lz4Flex => lz4_flex::compress_prepend_size(value).into(),
        }
    }

    fn decode<'a>(&self, stored: &'a [u8]) -> Cow<'a, [u8]> {
        match self {
            Path::Engine(e) => e.decode(stored).expect("decode"),
            Path::Glide(_) => glide::lz4_decompress_value(stored),
            Path::Lz4Flex => lz4_flex::decompress_size_prepended(stored)
                .expect("decode")
                .into(),
        }
    }
}

fn run(args: &[String]) {
    let [path, op, name, level, n] = args else {
        panic!("run PATH OP INPUT LEVEL N");
    };
    let level: i32 = level.parse().expect("level");
    let n: usize = n.parse().expect("iterations");
    let path = Path::new(path, level);
    let value = input(name);
    let stored = path.encode(&value).into_owned();
    assert!(path.decode(&stored)[..] == value[..], "round trip");
    let mut total = 0;
    for _ in 0..n {
        total += match op.as_str() {
            "encode" => path.encode(black_box(&value)).len(),
            "decode" => path.decode(black_box(&stored)).len(),
            other => panic!("unknown op {other}"),
        };
    }
    println!("{total}");
}

fn peak(args: &[String]) {
    let [path, mib, kind] = args else {
        panic!("peak PATH MIB KIND");
    };
    let size = mib.parse::<usize>().expect("MiB") << 20;
    let path = Path::new(path, 0);
    let before = status_bytes("VmRSS:");
    let value = match kind.as_str() {
        "html" => html_page(size, 6),
        "json" => json_value(size, 3),
        "text" => kvcodec::conformance::text(size, 4),
        other => panic!("unknown kind {other}"),
    };
    let stored = path.encode(&value);
    let decoded = path.decode(&stored);
    assert!(decoded[..] == value[..], "round trip");
    let hwm = status_bytes("VmHWM:");
    let v = value.len() as f64;
    println!(
        "value {} B, stored {} B (capacity {} B), VmHWM - VmRSS before = {} B = {:.2}× the value",
        value.len(),
        stored.len(),
        match &stored {
            Cow::Owned(s) => s.capacity(),
            Cow::Borrowed(s) => s.len(),
        },
        hwm - before,
        (hwm - before) as f64 / v
    );
}

fn dump(args: &[String]) {
    let [dir] = args else { panic!("dump DIR") };
    std::fs::create_dir_all(dir).expect("create DIR");
    for name in ["json-1KiB", "json-64KiB", "html-128KiB", "text-1MiB"] {
        std::fs::write(format!("{dir}/{name}"), input(name)).expect("write");
    }
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    match args.first().map(String::as_str) {
        Some("run") => run(&args[1..]),
        Some("peak") => peak(&args[1..]),
        Some("dump") => dump(&args[1..]),
        // `cargo test --all-targets` runs benches without arguments: a smoke test of each path.
        None => {
            for path in ["engine", "glide", "lz4_flex"] {
                for op in ["encode", "decode"] {
                    let args = [path, op, "json-1KiB", "0", "3"].map(String::from);
                    run(&args);
                }
            }
        }
        _ => panic!("lz4_ops run|peak|dump …: see the file's docs"),
    }
}
