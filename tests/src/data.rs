//! Deterministic test values: JSON documents that compress like real ones, and noise that
//! does not compress at all.
//!
//! Same `(size, seed)` → same bytes, on every machine and every run, so a failing test can be
//! replayed from its seed.
//!
//! ```
//! let doc = kvcodec_tests::json_value(1000, 7);
//! assert_eq!(doc.len(), 1000);
//! assert_eq!(doc, kvcodec_tests::json_value(1000, 7));
//! assert!(doc.starts_with(b"[{"));
//! ```

/// Words drawn for names, tags and padding: a small vocabulary, as in real documents.
const WORDS: [&str; 32] = [
    "alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet",
    "kilo", "lima", "mike", "november", "oscar", "papa", "quebec", "romeo", "sierra", "tango",
    "uniform", "victor", "whiskey", "xray", "yankee", "zulu", "session", "user", "cart", "order",
    "price", "status",
];

/// Bytes of the smallest padding record, `{"pad":""}`.
const PAD_OVERHEAD: usize = 10;

/// A small, fast, seedable generator (SplitMix64); not for anything but test data.
#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    /// A generator whose sequence is fixed by `seed`.
    pub fn new(seed: u64) -> SplitMix64 {
        SplitMix64(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A value in `0..bound` (`bound` > 0).
    pub fn below(&mut self, bound: u64) -> u64 {
        self.next_u64() % bound
    }

    fn word(&mut self) -> &'static str {
        WORDS[self.below(WORDS.len() as u64) as usize]
    }
}

/// A JSON document of exactly `size` bytes, fixed by `seed`.
///
/// For `size >= 2` it is a valid JSON array of records such as
/// `{"id":17,"name":"delta-kilo","active":true,"score":52.31,"tags":["cart","user"]}`, the
/// last one padded with a text field (or, for a gap under 10 bytes, whitespace) to hit `size`
/// exactly. It compresses roughly the way cached API responses do. `size == 1` gives `0`, and
/// `size == 0` gives an empty vector.
pub fn json_value(size: usize, seed: u64) -> Vec<u8> {
    match size {
        0 => return Vec::new(),
        1 => return b"0".to_vec(),
        _ => {}
    }
    let mut rng = SplitMix64::new(seed);
    let mut out = Vec::with_capacity(size);
    out.push(b'[');
    let mut id = rng.below(1_000);
    loop {
        let record = record(&mut rng, id);
        let separator = usize::from(out.len() > 1);
        // Room for the separator, the record and the closing bracket?
        if out.len() + separator + record.len() + 1 > size {
            break;
        }
        if separator == 1 {
            out.push(b',');
        }
        out.extend_from_slice(record.as_bytes());
        id += 1 + rng.below(3);
    }
    let separator = usize::from(out.len() > 1);
    let gap = size - out.len() - 1;
    if gap >= PAD_OVERHEAD + separator {
        if separator == 1 {
            out.push(b',');
        }
        out.extend_from_slice(br#"{"pad":""#);
        let text_len = gap - PAD_OVERHEAD - separator;
        let mut text = String::with_capacity(text_len + 12);
        while text.len() < text_len {
            if !text.is_empty() {
                text.push(' ');
            }
            text.push_str(rng.word());
        }
        out.extend_from_slice(&text.as_bytes()[..text_len]);
        out.extend_from_slice(br#""}"#);
    } else {
        out.resize(out.len() + gap, b' ');
    }
    out.push(b']');
    debug_assert_eq!(out.len(), size);
    out
}

fn record(rng: &mut SplitMix64, id: u64) -> String {
    let tags: Vec<String> = (0..rng.below(4))
        .map(|_| format!("\"{}\"", rng.word()))
        .collect();
    format!(
        r#"{{"id":{id},"name":"{}-{}","active":{},"score":{}.{:02},"tags":[{}]}}"#,
        rng.word(),
        rng.word(),
        rng.below(2) == 0,
        rng.below(100),
        rng.below(100),
        tags.join(",")
    )
}

/// `size` bytes of seeded noise: no compressor can shrink it, so a write policy must store it
/// raw.
pub fn incompressible(size: usize, seed: u64) -> Vec<u8> {
    let mut rng = SplitMix64::new(seed ^ 0x5EED_F00D);
    let mut out = Vec::with_capacity(size + 8);
    while out.len() < size {
        out.extend_from_slice(&rng.next_u64().to_le_bytes());
    }
    out.truncate(size);
    out
}
