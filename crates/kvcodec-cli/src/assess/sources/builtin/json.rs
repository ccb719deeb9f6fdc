//! JSON values: API responses and session blobs.

use serde_json::{Value, json};

use super::rng::Rng;
use super::words::{self, ADJECTIVES, CITIES, COUNTRIES, ROLES, STATUSES, TAGS, USER_AGENTS};

/// One user record.
fn user(r: &mut Rng) -> Value {
    let name = words::full_name(r);
    let created = words::epoch(r);
    let mut v = json!({
        "id": r.range(10_000, 9_999_999),
        "name": name,
        "email": words::email(r, &name),
        "created_at": words::iso8601(created, r.below(1000)),
        "active": r.chance(0.85),
        "roles": (0..r.range(1, 3)).map(|_| r.pick(&ROLES)).collect::<Vec<_>>(),
        "address": {
            "city": r.pick(&CITIES),
            "country": r.pick(&COUNTRIES),
            "zip": format!("{:05}", r.below(100_000)),
        },
    });
    if r.chance(0.5) {
        v["last_login"] = json!(words::iso8601(created + r.below(9_000_000), r.below(1000)));
        v["login_count"] = json!(r.below(5_000));
    }
    v
}

/// One order record with line items.
fn order(r: &mut Rng) -> Value {
    let items: Vec<Value> = (0..r.range(1, 5))
        .map(|_| {
            json!({
                "sku": format!("SKU-{}", r.hex(8).to_uppercase()),
                "title": words::product(r),
                "qty": r.range(1, 4),
                "unit_price": r.range(199, 49_999) as f64 / 100.0,
            })
        })
        .collect();
    json!({
        "order_id": r.uuid(),
        "customer_id": r.range(10_000, 9_999_999),
        "status": r.pick(&STATUSES),
        "placed_at": words::iso8601(words::epoch(r), r.below(1000)),
        "currency": r.pick(&["EUR", "USD", "JPY", "GBP"]),
        "items": items,
        "shipping": { "method": r.pick(&["standard", "express", "pickup"]), "city": r.pick(&CITIES) },
    })
}

/// One product record.
fn product(r: &mut Rng) -> Value {
    json!({
        "id": r.range(1, 999_999),
        "slug": format!("{}-{}", words::product(r).replace(' ', "-"), r.below(1000)),
        "title": words::product(r),
        "description": (0..r.range(1, 3)).map(|_| words::sentence(r)).collect::<Vec<_>>().join(" "),
        "price": r.range(199, 99_999) as f64 / 100.0,
        "stock": r.below(500),
        "rating": (r.range(10, 50) as f64) / 10.0,
        "tags": (0..r.range(0, 4)).map(|_| r.pick(&TAGS)).collect::<Vec<_>>(),
        "attributes": { "color": r.pick(&["black", "white", "teal", "sand", "red"]), "material": r.pick(&ADJECTIVES) },
        "updated_at": words::iso8601(words::epoch(r), r.below(1000)),
    })
}

/// A paginated API response (`{"data": [...], "meta": {...}}`) of about `lo..=hi` bytes, or
/// a single-record response (`{"data": {...}}`) when the drawn size is under 600 bytes.
pub(crate) fn api_response(r: &mut Rng, lo: usize, hi: usize) -> Vec<u8> {
    let target = r.log_uniform(lo, hi);
    let make: fn(&mut Rng) -> Value = match r.below(3) {
        0 => user,
        1 => order,
        _ => product,
    };
    if target < 600 {
        let mut one = make(r);
        if let Some(map) = one.as_object_mut() {
            // Drop fields until the record fits the drawn size.
            while serde_json::to_vec(map).map_or(0, |v| v.len()) + 10 > target && map.len() > 3 {
                let last = map.keys().next_back().cloned().unwrap_or_default();
                map.remove(&last);
            }
        }
        return serde_json::to_vec(&json!({ "data": one })).unwrap_or_default();
    }
    let meta = json!({
        "page": r.range(1, 40),
        "request_id": r.uuid(),
        "generated_at": words::iso8601(words::epoch(r), r.below(1000)),
        "api_version": "2024-04-01",
    });
    let mut size = serde_json::to_vec(&meta).map_or(0, |v| v.len()) + 40;
    let mut data = Vec::new();
    loop {
        let item = make(r);
        let len = serde_json::to_vec(&item).map_or(0, |v| v.len()) + 1;
        if size + len > target && !data.is_empty() {
            break;
        }
        size += len;
        data.push(item);
    }
    let mut meta = meta;
    meta["per_page"] = json!(data.len());
    meta["total"] = json!(data.len() as u64 * r.range(1, 60));
    serde_json::to_vec(&json!({ "data": data, "meta": meta })).unwrap_or_default()
}

/// A web session blob: tokens, user, preferences, sometimes a cart and a JWT.
pub(crate) fn session(r: &mut Rng) -> Vec<u8> {
    let issued = words::epoch(r);
    let mut v = json!({
        "sid": r.token(43),
        "user_id": r.range(10_000, 9_999_999),
        "csrf": r.hex(32),
        "issued_at": issued,
        "expires_at": issued + r.pick(&[&3600u64, &86_400, &604_800]),
        "ip": format!("10.{}.{}.{}", r.below(256), r.below(256), r.below(256)),
        "roles": (0..r.range(1, 2)).map(|_| r.pick(&ROLES)).collect::<Vec<_>>(),
        "prefs": {
            "theme": r.pick(&["light", "dark", "system"]),
            "lang": r.pick(&["en-US", "fr-FR", "de-DE", "ja-JP", "pt-BR"]),
            "tz": r.pick(&["Europe/Paris", "America/Toronto", "Asia/Tokyo", "UTC"]),
        },
    });
    if r.chance(0.6) {
        v["ua"] = json!(r.pick(&USER_AGENTS));
    }
    if r.chance(0.5) {
        let cart: Vec<Value> = (0..r.range(1, 12))
            .map(|_| json!({ "sku": format!("SKU-{}", r.hex(8).to_uppercase()), "qty": r.range(1, 3), "price": r.range(199, 9_999) as f64 / 100.0, "added_at": issued + r.below(3600) }))
            .collect();
        v["cart"] = json!(cart);
    }
    if r.chance(0.4) {
        let claims = r.range(120, 400) as usize;
        v["jwt"] = json!(format!(
            "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.{}.{}",
            r.token(claims),
            r.token(342)
        ));
    }
    if r.chance(0.3) {
        v["flash"] = json!([words::sentence(r)]);
    }
    serde_json::to_vec(&v).unwrap_or_default()
}
