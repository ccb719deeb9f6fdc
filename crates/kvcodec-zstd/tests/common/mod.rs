//! Helpers shared by the integration tests.
#![allow(dead_code)]

use kvcodec::conformance::Rng;

/// A JSON-ish user record of roughly 100–500 bytes; records share keys and vocabulary.
pub fn record(i: u64) -> Vec<u8> {
    const PLANS: [&str; 4] = ["free", "pro", "team", "enterprise"];
    const TAGS: [&str; 8] = [
        "beta", "mobile", "eu", "us", "admin", "trial", "vip", "legacy",
    ];
    const CITIES: [&str; 6] = ["Lisbon", "Berlin", "Osaka", "Austin", "Nairobi", "Lima"];
    let mut rng = Rng::new(i.wrapping_mul(0x9E37_79B9) + 1);
    let mut pick = |n: usize| (rng.next_u64() % n as u64) as usize;
    let tags: Vec<String> = (0..pick(5))
        .map(|_| format!("\"{}\"", TAGS[pick(TAGS.len())]))
        .collect();
    let mut s = format!(
        r#"{{"id":{i},"user":"user_{}","email":"user{}@example.com","plan":"{}","active":{},"score":{}.{},"tags":[{}],"address":{{"city":"{}","zip":"{:05}"}}"#,
        pick(100_000),
        pick(100_000),
        PLANS[pick(PLANS.len())],
        pick(2) == 1,
        pick(1000),
        pick(100),
        tags.join(","),
        CITIES[pick(CITIES.len())],
        pick(100_000),
    );
    for _ in 0..pick(4) {
        s.push_str(&format!(
            r#","session_{}":{{"created":"2024-{:02}-{:02}T{:02}:{:02}:00Z","ip":"10.{}.{}.{}"}}"#,
            pick(1000),
            1 + pick(12),
            1 + pick(28),
            pick(24),
            pick(60),
            pick(256),
            pick(256),
            pick(256)
        ));
    }
    s.push('}');
    s.into_bytes()
}

#[allow(unused_imports)] // not every test binary that includes this module decodes hex
pub use kvcodec::vectors::hex as unhex;

/// A trained dictionary for [`record`]s (samples `0..2000`).
pub fn record_dictionary() -> Vec<u8> {
    let samples: Vec<Vec<u8>> = (0..2000).map(record).collect();
    kvcodec_zstd::train_dictionary(&samples, 8 * 1024).expect("training on 2000 records")
}
