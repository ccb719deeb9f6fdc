//! A deterministic HTML page: the large, markup-heavy kind of value a page cache stores.
//!
//! ```
//! let page = kvcodec_tests::html_page(100_000, 7);
//! assert_eq!(page.len(), 100_000);
//! assert_eq!(page, kvcodec_tests::html_page(100_000, 7));
//! assert!(page.starts_with(b"<!DOCTYPE html>"));
//! ```

use crate::SplitMix64;

const WORDS: [&str; 48] = [
    "wireless", "charger", "steel", "bottle", "organic", "cotton", "shirt", "running", "shoes",
    "leather", "wallet", "desk", "lamp", "ceramic", "mug", "bluetooth", "speaker", "yoga", "mat",
    "travel", "backpack", "kitchen", "knife", "glass", "jar", "garden", "hose", "smart", "watch",
    "with", "for", "and", "the", "fast", "delivery", "free", "returns", "best", "seller", "new",
    "colour", "size", "classic", "compact", "premium", "light", "outdoor", "home",
];
const TAGS: [&str; 8] = [
    "sale", "new", "eco", "bestseller", "limited", "bundle", "gift", "clearance",
];

fn pick<'a>(rng: &mut SplitMix64, from: &[&'a str]) -> &'a str {
    from[rng.below(from.len() as u64) as usize]
}

fn words(rng: &mut SplitMix64, n: u64) -> String {
    let n = 1 + rng.below(n);
    (0..n)
        .map(|_| pick(rng, &WORDS))
        .collect::<Vec<_>>()
        .join(" ")
}

/// One product card: repeated markup, a unique id, an image hash, a title and a sentence.
fn card(rng: &mut SplitMix64) -> String {
    let id = 1 + rng.below(999_999);
    let title = words(rng, 4);
    let slug = title.replace(' ', "-");
    let mut card = format!(
        "      <article class=\"card card--{}\" data-id=\"{id}\" data-sku=\"SKU-{:08X}\">\n        <a class=\"card__link\" href=\"/products/{slug}-{id}\"><img src=\"https://cdn.example.com/img/{:016x}.webp\" alt=\"{title}\" loading=\"lazy\" width=\"320\" height=\"240\"></a>\n        <h3 class=\"card__title\">{title}</h3>\n        <p class=\"card__text\">{}.</p>\n        <div class=\"card__meta\"><span class=\"price\">{}.{:02} €</span> <span class=\"rating\" aria-label=\"{} out of 5\">{}</span></div>\n",
        pick(rng, &["compact", "wide", "featured"]),
        rng.next_u64() as u32,
        rng.next_u64(),
        words(rng, 14),
        2 + rng.below(998),
        rng.below(100),
        1 + rng.below(5),
        "★".repeat(1 + rng.below(5) as usize),
    );
    if rng.below(2) == 0 {
        card.push_str("        <ul class=\"tags\">");
        for _ in 0..1 + rng.below(3) {
            card.push_str(&format!("<li class=\"tag\">{}</li>", pick(rng, &TAGS)));
        }
        card.push_str("</ul>\n");
    }
    card.push_str("      </article>\n");
    card
}

/// An HTML page of exactly `size` bytes, fixed by `seed` (complete from about 1 KiB up; a
/// smaller `size` cuts it): a head with styles,
/// a navigation bar, a grid of product cards and a footer, padded with a comment.
pub fn html_page(size: usize, seed: u64) -> Vec<u8> {
    let mut rng = SplitMix64::new(seed ^ 0x48_54_4D_4C);
    let mut out = String::with_capacity(size + 1024);
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n  <head>\n    <meta charset=\"utf-8\">\n    <title>Shop</title>\n    <style>.card{display:flex;flex-direction:column}.card__title{font-size:1.1rem}.price{font-weight:700}</style>\n  </head>\n  <body>\n    <nav class=\"nav\">");
    for section in ["home", "new", "sale", "garden", "kitchen", "outdoor"] {
        out.push_str(&format!(
            "<a class=\"nav__item\" href=\"/{section}\">{section}</a>"
        ));
    }
    out.push_str("</nav>\n    <main class=\"grid\">\n");
    const END: &str =
        "    </main>\n    <footer class=\"footer\">© Example Shop</footer>\n  </body>\n</html>\n";
    loop {
        let card = card(&mut rng);
        if out.len() + card.len() + END.len() + 8 > size {
            break;
        }
        out.push_str(&card);
    }
    let gap = size.saturating_sub(out.len() + END.len());
    if gap >= 8 {
        out.push_str("<!--");
        out.push_str(&" ".repeat(gap - 7));
        out.push_str("-->");
    }
    out.push_str(END);
    let mut bytes = out.into_bytes();
    bytes.resize(size, b'\n');
    bytes
}
