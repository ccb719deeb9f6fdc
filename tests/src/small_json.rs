//! Small JSON cache values as real keyspaces hold them — feature flags, sessions, counters,
//! preferences, profiles, carts — averaging about 80 bytes, half of them under 64: the values
//! a shared dictionary is for (issue 13's keyspace).
//!
//! ```
//! let v = kvcodec_tests::small_json(3);
//! assert_eq!(v, kvcodec_tests::small_json(3));
//! assert!(v.starts_with(b"{") && v.ends_with(b"}"));
//! ```

use crate::data::SplitMix64;

const FLAGS: [&str; 12] = [
    "new_checkout", "dark_mode", "beta_search", "fast_cart", "promo_banner", "ai_suggest",
    "one_click", "v2_profile", "live_chat", "gift_wrap", "express_ship", "loyalty_pts",
];
const FIRST: [&str; 12] = [
    "Ada", "Grace", "Alan", "Linus", "Margaret", "Ken", "Barbara", "Dennis", "Radia", "Edsger",
    "Frances", "Donald",
];
const LAST: [&str; 10] = [
    "Lovelace", "Hopper", "Turing", "Torvalds", "Hamilton", "Thompson", "Liskov", "Ritchie",
    "Perlman", "Dijkstra",
];
const PLANS: [&str; 4] = ["free", "pro", "team", "enterprise"];
const ROLES: [&str; 4] = ["user", "admin", "editor", "viewer"];
const THEMES: [&str; 3] = ["dark", "light", "system"];
const ZONES: [&str; 6] = [
    "Europe/Berlin", "America/New_York", "Asia/Tokyo", "Europe/Lisbon", "America/Lima",
    "Africa/Nairobi",
];
const LANGS: [&str; 6] = ["en", "de", "ja", "pt", "es", "fr"];

fn pick<'a>(r: &mut SplitMix64, from: &[&'a str]) -> &'a str {
    from[r.below(from.len() as u64) as usize]
}

fn hex(r: &mut SplitMix64, n: usize) -> String {
    let v = r.next_u64();
    format!("{v:016x}")[..n].to_owned()
}

/// One small JSON value, fixed by `seed`.
pub fn small_json(seed: u64) -> Vec<u8> {
    let mut r = SplitMix64::new(seed.wrapping_mul(0x2545_F491_4F6C_DD1D) ^ 0x5EED);
    let uid = 10_000 + r.below(990_000);
    let ts = 1_718_000_000 + r.below(10_000_000);
    let s = match r.below(20) {
        0..=3 => format!(
            r#"{{"flag":"{}","on":{},"pct":{}}}"#,
            pick(&mut r, &FLAGS),
            r.below(2) == 1,
            r.below(101)
        ),
        4..=7 => format!(r#"{{"uid":{uid},"sid":"{}","exp":{ts}}}"#, hex(&mut r, 12)),
        8..=9 => format!(r#"{{"n":{},"ts":{ts}}}"#, r.below(5_000)),
        10..=12 => format!(
            r#"{{"theme":"{}","tz":"{}","lang":"{}","role":"{}","notify":{{"email":{},"sms":{}}}}}"#,
            pick(&mut r, &THEMES),
            pick(&mut r, &ZONES),
            pick(&mut r, &LANGS),
            pick(&mut r, &ROLES),
            r.below(2) == 1,
            r.below(2) == 1
        ),
        13..=16 => {
            let (first, last) = (pick(&mut r, &FIRST), pick(&mut r, &LAST));
            format!(
                r#"{{"id":{uid},"name":"{first} {last}","email":"{}.{}@example.com","plan":"{}","verified":{},"since":{ts}}}"#,
                first.to_lowercase(),
                last.to_lowercase(),
                pick(&mut r, &PLANS),
                r.below(2) == 1
            )
        }
        _ => {
            let items: Vec<String> = (0..1 + r.below(4))
                .map(|_| {
                    format!(
                        r#"{{"sku":"SKU-{}","qty":{}}}"#,
                        hex(&mut r, 6).to_uppercase(),
                        1 + r.below(3)
                    )
                })
                .collect();
            format!(
                r#"{{"uid":{uid},"items":[{}],"total":{}.{:02}}}"#,
                items.join(","),
                r.below(300),
                r.below(100)
            )
        }
    };
    s.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn averages_about_80_bytes_half_under_64() {
        let sizes: Vec<usize> = (0..20_000).map(|i| small_json(i).len()).collect();
        let avg = sizes.iter().sum::<usize>() as f64 / sizes.len() as f64;
        let under = sizes.iter().filter(|&&s| s < 64).count() as f64 / sizes.len() as f64;
        eprintln!("avg {avg:.1} B, {:.1} % under 64 B", under * 100.0);
        assert!((70.0..=90.0).contains(&avg), "avg {avg}");
        assert!((0.4..=0.6).contains(&under), "under 64: {under}");
    }
}
