//! Replies a server could send, read through the wrapper: the first bytes pick commands from a
//! menu (value-aware, transaction, pass-through) and the offset redis-rs would skip; the rest
//! is parsed as RESP replies by redis-rs' own parser. Reading never panics; a reply holding no
//! compressed value comes back unchanged; an `Ok` never holds more decoded bytes than the limit
//! allows per value.
#![no_main]

use std::sync::{Arc, LazyLock};

use kvcodec_fuzz::{ENGINE_LIMIT, codecs};
use kvcodec_redis::Compression;
use kvcodec_redis::internal::read_replies;
use libfuzzer_sys::fuzz_target;
use redis::Value;

const MENU: [&[&str]; 14] = [
    &["GET", "k"],
    &["MGET", "a", "b"],
    &["HGETALL", "h"],
    &["HSCAN", "h", "0"],
    &["HRANDFIELD", "h", "2", "WITHVALUES"],
    &["BLPOP", "l", "0"],
    &["LMPOP", "1", "l", "LEFT"],
    &["LPOP", "l", "3"],
    &["MULTI"],
    &["EXEC"],
    &["DISCARD"],
    &["ECHO", "x"],
    &["SET", "k", "v", "GET"],
    &["HGETEX", "h", "FIELDS", "1", "f"],
];

static COMPRESSION: LazyLock<Arc<Compression>> = LazyLock::new(|| {
    let mut builder = kvcodec::Engine::builder().max_decompressed_size(ENGINE_LIMIT);
    for codec in codecs() {
        builder = builder.codec(codec);
    }
    Arc::new(Compression::new(Arc::new(builder.build().unwrap())))
});

fn has_header(v: &Value) -> bool {
    match v {
        Value::BulkString(b) => kvcodec::header::has_header(b),
        Value::Array(items) | Value::Set(items) => items.iter().any(has_header),
        Value::Map(pairs) => pairs.iter().any(|(k, v)| has_header(k) || has_header(v)),
        Value::Attribute { data, .. } => has_header(data),
        Value::Push { data, .. } => data.iter().any(has_header),
        _ => false,
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&[n, offset], rest)) = data.split_first_chunk::<2>() else { return };
    let n = usize::from(n % 8) + 1;
    if rest.len() < n {
        return;
    }
    let (picks, mut resp) = rest.split_at(n);
    let commands: Vec<Vec<&[u8]>> = picks
        .iter()
        .map(|p| MENU[usize::from(*p) % MENU.len()].iter().map(|a| a.as_bytes()).collect())
        .collect();
    let offset = usize::from(offset) % (n + 1);
    let mut parser = redis::Parser::new();
    let mut replies = Vec::new();
    while !resp.is_empty() && replies.len() < n - offset {
        match parser.parse_value(&mut resp) {
            Ok(v) => replies.push(v),
            Err(_) => return,
        }
    }
    let plain = !replies.iter().any(has_header);
    let before = replies.clone();
    match read_replies(&COMPRESSION, &commands, offset, replies) {
        Ok(out) => {
            assert_eq!(out.len(), before.len());
            if plain {
                assert_eq!(out, before, "a reply without compressed values changed");
            }
        }
        Err(e) => assert!(!plain, "an error on a reply without compressed values: {e}"),
    }
});
