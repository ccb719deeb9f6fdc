//! Test vectors of the wire format: values Valkey GLIDE 2.6.0 wrote, byte for byte, and the
//! values they stand for. kvcodec's tests read them from here; so can another implementation.
//!
//! ```
//! let engine = kvcodec::Config::default().build(&[&kvcodec_zstd::BACKEND, &kvcodec_lz4::BACKEND])?;
//! for v in &kvcodec::vectors::GLIDE {
//!     assert_eq!(&*engine.decode(&v.stored())?, &v.original()[..], "{}", v.what);
//! }
//! # Ok::<(), kvcodec::Error>(())
//! ```

/// One stored value and the value it stands for.
#[derive(Debug, Clone, Copy)]
pub struct GlideVector {
    /// What it is, for messages.
    pub what: &'static str,
    /// The stored bytes, in hex (spaces allowed).
    pub stored_hex: &'static str,
    /// The original is `unit` repeated `times` times.
    pub unit: &'static [u8],
    /// See `unit`.
    pub times: usize,
}

impl GlideVector {
    /// The stored bytes.
    pub fn stored(&self) -> Vec<u8> {
        hex(self.stored_hex)
    }

    /// The value the stored bytes stand for.
    pub fn original(&self) -> Vec<u8> {
        self.unit.repeat(self.times)
    }
}

/// Values written by GLIDE 2.6.0 (the zstd payload depends on the zstd version; the header and
/// the lz4 payloads do not): zstd and lz4 at their default levels, and a value below GLIDE's
/// minimum size, stored as it is.
pub const GLIDE: [GlideVector; 4] = [
    GlideVector {
        what: "b\"a\" * 100, zstd level 3 (22 B)",
        stored_hex: "0001020001 28b52ffd0058450000106161 01003f012c",
        unit: b"a",
        times: 100,
    },
    GlideVector {
        what: "b\"a\" * 100, lz4 level 0 (20 B)",
        stored_hex: "0001020002 64000000 1f6101004b506161616161",
        unit: b"a",
        times: 100,
    },
    GlideVector {
        what: "quick brown fox * 4, lz4 (65 B)",
        stored_hex: "0001020002 b4000000 ff1e54686520717569636b2062726f776e20666f78206a756d7073\
                     206f76657220746865206c617a7920646f672e202d006f50646f672e20",
        unit: b"The quick brown fox jumps over the lazy dog. ",
        times: 4,
    },
    GlideVector {
        what: "b\"hello\", below the minimum size: stored raw",
        stored_hex: "68656c6c6f",
        unit: b"hello",
        times: 1,
    },
];

/// The bytes of a hex string; whitespace is skipped. For test code.
///
/// # Panics
/// On a character that is not a hex digit or whitespace, or an odd number of digits.
pub fn hex(s: &str) -> Vec<u8> {
    let digits: Vec<u8> = s.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    assert!(
        digits.len().is_multiple_of(2),
        "hex: an odd number of digits in {s:?}"
    );
    digits
        .chunks(2)
        .map(|pair| {
            let text = std::str::from_utf8(pair).unwrap_or("??");
            u8::from_str_radix(text, 16).unwrap_or_else(|_| panic!("hex: {text:?} in {s:?}"))
        })
        .collect()
}
