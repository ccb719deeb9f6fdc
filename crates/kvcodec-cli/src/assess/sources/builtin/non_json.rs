//! Non-JSON values: HTML fragments, log lines, short tokens, already-compressed binary.

use super::rng::Rng;
use super::words::{self, PATHS, TAGS, USER_AGENTS};

/// A cached HTML fragment (product cards) of about `lo..=hi` bytes.
pub(crate) fn html(r: &mut Rng, lo: usize, hi: usize) -> Vec<u8> {
    let target = r.log_uniform(lo, hi);
    let mut out = format!(
        "<section class=\"product-grid\" data-page=\"{}\" data-request=\"{}\">\n",
        r.range(1, 50),
        r.uuid()
    );
    loop {
        let id = r.range(1, 999_999);
        let title = words::product(r);
        let slug = title.replace(' ', "-");
        let mut card = format!(
            "  <article class=\"card card--{}\" data-id=\"{id}\">\n    <a href=\"/products/{slug}-{id}\"><img src=\"https://cdn.example.com/img/{}.webp\" alt=\"{title}\" loading=\"lazy\" width=\"320\" height=\"240\"></a>\n    <h3 class=\"card__title\">{title}</h3>\n    <p class=\"card__text\">{}</p>\n    <span class=\"price\">{}.{:02} €</span>\n",
            r.pick(&["compact", "wide", "featured"]),
            r.hex(16),
            words::sentence(r),
            r.range(2, 999),
            r.below(100),
        );
        if r.chance(0.5) {
            card.push_str("    <ul class=\"tags\">");
            for _ in 0..r.range(1, 3) {
                card.push_str(&format!("<li>{}</li>", r.pick(&TAGS)));
            }
            card.push_str("</ul>\n");
        }
        card.push_str("  </article>\n");
        if out.len() + card.len() + 11 > target && out.len() > 100 {
            break;
        }
        out.push_str(&card);
    }
    out.push_str("</section>\n");
    out.into_bytes()
}

/// One log line: an access-log entry or an application message.
fn log_line(r: &mut Rng, secs: u64) -> String {
    let ts = words::iso8601(secs, r.below(1000));
    if r.chance(0.6) {
        format!(
            "{ts} INFO http request_id={} method={} path={}/{} status={} duration_ms={}.{} bytes={} ua=\"{}\"\n",
            r.hex(16),
            r.pick(&["GET", "GET", "GET", "POST", "PUT", "DELETE"]),
            r.pick(&PATHS),
            r.range(1, 99_999),
            r.pick(&["200", "200", "200", "201", "204", "304", "404", "500"]),
            r.below(900),
            r.below(10),
            r.below(200_000),
            r.pick(&USER_AGENTS),
        )
    } else {
        let level = r.pick(&["DEBUG", "INFO", "WARN", "ERROR"]);
        let module = r.pick(&[
            "billing::invoice", "auth::session", "search::index", "cart::sync", "mailer",
        ]);
        format!(
            "{ts} {level} {module} user_id={} trace={} msg=\"{}\"\n",
            r.range(10_000, 9_999_999),
            r.hex(32),
            words::sentence(r)
        )
    }
}

/// A batch of 1–20 log lines (as kept in a capped list or a cached tail).
pub(crate) fn logs(r: &mut Rng) -> Vec<u8> {
    let mut secs = words::epoch(r);
    let mut out = String::new();
    for _ in 0..r.log_uniform(1, 20) {
        secs += r.below(5);
        out.push_str(&log_line(r, secs));
    }
    out.into_bytes()
}

/// A value under 64 bytes: counters, flags, ids, tokens, timestamps, emails.
pub(crate) fn small(r: &mut Rng) -> Vec<u8> {
    let s = match r.below(8) {
        0 => r.below(10_000_000).to_string(),
        1 => format!("{:.4}", r.unit() * 1000.0),
        2 => r
            .pick(&["1", "0", "true", "false", "OK", "PONG", "locked"])
            .to_owned(),
        3 => r.uuid(),
        4 => {
            let n = r.range(16, 40) as usize;
            format!("tok_{}", r.token(n))
        }
        5 => words::iso8601(words::epoch(r), r.below(1000)),
        6 => {
            let name = words::full_name(r);
            words::email(r, &name)
        }
        _ => format!(
            "user:{}:{}",
            r.range(1, 9_999_999),
            r.pick(&["cart", "lock", "rate", "seen"])
        ),
    };
    let mut bytes = s.into_bytes();
    bytes.truncate(63);
    bytes
}

/// Already-compressed binary of `lo..=hi` bytes: a gzip, PNG or JPEG signature followed by
/// random bytes, which no codec can shrink.
pub(crate) fn binary(r: &mut Rng, lo: usize, hi: usize) -> Vec<u8> {
    let len = r.log_uniform(lo, hi);
    let magic: &[u8] = match r.below(3) {
        0 => b"\x1f\x8b\x08\x00",
        1 => b"\x89PNG\r\n\x1a\n",
        _ => b"\xff\xd8\xff\xe0",
    };
    let mut out = magic.to_vec();
    out.extend_from_slice(&r.bytes(len - magic.len()));
    out
}
