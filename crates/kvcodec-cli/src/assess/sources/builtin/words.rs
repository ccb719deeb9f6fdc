//! Vocabulary and formatting helpers shared by the corpus generators.

use super::rng::Rng;

pub(crate) const FIRST: [&str; 32] = [
    "Alice", "Bruno", "Chloé", "Dmitri", "Emma", "Farid", "Grace", "Hiro", "Inès", "Jamal",
    "Katarina", "Liam", "Mei", "Noah", "Olga", "Pedro", "Quentin", "Rosa", "Sanjay", "Tess",
    "Umar", "Valentina", "Wei", "Ximena", "Yusuf", "Zoé", "Arjun", "Beatriz", "Chen", "Daniel",
    "Elif", "Fatima",
];

pub(crate) const LAST: [&str; 32] = [
    "Smith", "Martin", "García", "Müller", "Rossi", "Nakamura", "Kowalski", "Dubois", "Silva",
    "Johansson", "Novak", "Kim", "Okafor", "Haddad", "Ivanova", "Jensen", "Lopez", "Moreau",
    "Nguyen", "O'Brien", "Patel", "Quispe", "Rahman", "Schmidt", "Tanaka", "Ueda", "Vargas",
    "Wójcik", "Xu", "Yilmaz", "Zhang", "Andersen",
];

pub(crate) const CITIES: [&str; 20] = [
    "Lyon", "Berlin", "Osaka", "Toronto", "São Paulo", "Nairobi", "Kraków", "Austin", "Lisbon",
    "Seoul", "Mumbai", "Dublin", "Oslo", "Lagos", "Lima", "Hanoi", "Madrid", "Denver", "Porto",
    "Cairo",
];

pub(crate) const COUNTRIES: [&str; 12] = [
    "FR", "DE", "JP", "CA", "BR", "KE", "PL", "US", "PT", "KR", "IN", "IE",
];

pub(crate) const ADJECTIVES: [&str; 24] = [
    "compact", "wireless", "ergonomic", "stainless", "organic", "vintage", "portable", "smart",
    "waterproof", "handmade", "lightweight", "premium", "modular", "recycled", "foldable",
    "insulated", "adjustable", "rechargeable", "classic", "minimal", "rugged", "silent", "heated",
    "ceramic",
];

pub(crate) const NOUNS: [&str; 24] = [
    "kettle", "backpack", "lamp", "keyboard", "headphones", "chair", "notebook", "bottle",
    "jacket", "speaker", "blender", "monitor", "tent", "watch", "desk", "mug", "charger", "camera",
    "sneakers", "umbrella", "router", "drill", "skillet", "scarf",
];

pub(crate) const VERBS: [&str; 16] = [
    "ships", "arrives", "fits", "works", "charges", "folds", "lasts", "cleans", "pairs", "stacks",
    "connects", "heats", "cools", "locks", "glows", "packs",
];

pub(crate) const TAGS: [&str; 16] = [
    "new", "sale", "eco", "bestseller", "limited", "gift", "outdoor", "kitchen", "office",
    "travel", "kids", "sport", "home", "tech", "garden", "clearance",
];

pub(crate) const STATUSES: [&str; 6] = [
    "pending", "paid", "shipped", "delivered", "cancelled", "refunded",
];

pub(crate) const ROLES: [&str; 5] = ["viewer", "editor", "admin", "billing", "support"];

pub(crate) const PATHS: [&str; 10] = [
    "/api/v1/users",
    "/api/v1/orders",
    "/api/v2/products",
    "/api/v1/cart",
    "/healthz",
    "/api/v1/search",
    "/login",
    "/api/v1/sessions",
    "/static/app.js",
    "/api/v2/recommendations",
];

pub(crate) const USER_AGENTS: [&str; 5] = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15",
    "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0",
    "okhttp/4.12.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148",
];

/// `"Alice Smith"`.
pub(crate) fn full_name(r: &mut Rng) -> String {
    format!("{} {}", r.pick(&FIRST), r.pick(&LAST))
}

/// A lowercase email derived from a name.
pub(crate) fn email(r: &mut Rng, name: &str) -> String {
    let local: String = name
        .chars()
        .map(|c| {
            if c == ' ' {
                '.'
            } else {
                c.to_ascii_lowercase()
            }
        })
        .filter(|c| c.is_ascii_alphanumeric() || *c == '.')
        .collect();
    let domain = r.pick(&["example.com", "mail.test", "corp.example", "inbox.invalid"]);
    format!("{local}{}@{domain}", r.below(100))
}

/// `"wireless kettle"`.
pub(crate) fn product(r: &mut Rng) -> String {
    format!("{} {}", r.pick(&ADJECTIVES), r.pick(&NOUNS))
}

/// A short sentence of vocabulary words.
pub(crate) fn sentence(r: &mut Rng) -> String {
    let mut s = format!(
        "The {} {} {}",
        product(r),
        r.pick(&VERBS),
        r.pick(&["fast", "well", "easily", "quietly", "in minutes", "all day"])
    );
    if r.chance(0.5) {
        s.push_str(&format!(
            " and {} {}",
            r.pick(&VERBS),
            r.pick(&["anywhere", "for years", "with any phone", "in the rain"])
        ));
    }
    s.push('.');
    s
}

/// Seconds since the Unix epoch somewhere in 2023–2024.
pub(crate) fn epoch(r: &mut Rng) -> u64 {
    1_672_531_200 + r.below(2 * 365 * 86_400)
}

/// `2024-05-01T12:34:56.789Z` for `secs` since the epoch.
pub(crate) fn iso8601(secs: u64, millis: u64) -> String {
    crate::units::iso8601(secs, Some(millis))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso8601_known_dates() {
        assert_eq!(iso8601(0, 0), "1970-01-01T00:00:00.000Z");
        assert_eq!(iso8601(1_709_210_096, 7), "2024-02-29T12:34:56.007Z");
    }
}
