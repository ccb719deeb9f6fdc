//! The `reply_decode` target's input and check: replies a server could send to a pipeline,
//! read through the wrapper.

use std::sync::{Arc, LazyLock};

use arbitrary::Arbitrary;
use kvcodec_redis::Compression;
use kvcodec_redis::internal::read_replies;
use redis::Value;

use crate::{ENGINE_LIMIT, codecs};

/// The commands a pipeline is built from: value-aware reads, transactions, pass-through.
#[derive(Debug, Clone, Copy, Arbitrary)]
pub enum Command {
    Get,
    Mget,
    Hgetall,
    Hscan,
    Hrandfield,
    Blpop,
    Lmpop,
    Lpop,
    Multi,
    Exec,
    Discard,
    Echo,
    SetGet,
    Hgetex,
}

impl Command {
    /// The command's arguments, name first.
    pub fn args(self) -> &'static [&'static str] {
        match self {
            Command::Get => &["GET", "k"],
            Command::Mget => &["MGET", "a", "b"],
            Command::Hgetall => &["HGETALL", "h"],
            Command::Hscan => &["HSCAN", "h", "0"],
            Command::Hrandfield => &["HRANDFIELD", "h", "2", "WITHVALUES"],
            Command::Blpop => &["BLPOP", "l", "0"],
            Command::Lmpop => &["LMPOP", "1", "l", "LEFT"],
            Command::Lpop => &["LPOP", "l", "3"],
            Command::Multi => &["MULTI"],
            Command::Exec => &["EXEC"],
            Command::Discard => &["DISCARD"],
            Command::Echo => &["ECHO", "x"],
            Command::SetGet => &["SET", "k", "v", "GET"],
            Command::Hgetex => &["HGETEX", "h", "FIELDS", "1", "f"],
        }
    }
}

/// A pipeline of 1 to 8 commands, how many leading replies redis-rs skips (modulo the
/// pipeline's length + 1), and the bytes of the replies (RESP, parsed by redis-rs).
#[derive(Debug, Arbitrary)]
pub struct Replies<'a> {
    pub commands: Vec<Command>,
    pub offset: u8,
    pub resp: &'a [u8],
}

static COMPRESSION: LazyLock<Arc<Compression>> = LazyLock::new(|| {
    let mut builder = kvcodec::Engine::builder().max_decompressed_size(ENGINE_LIMIT);
    for codec in codecs() {
        builder = builder.codec(codec);
    }
    Arc::new(Compression::new(Arc::new(builder.build().unwrap())))
});

/// The wrapper's reply reader (transaction state, per-command decoding) never panics; replies
/// holding no compressed value come back unchanged and never fail; an `Ok` has one reply per
/// reply read.
pub fn check_replies(input: Replies<'_>) {
    let Replies { mut commands, offset, mut resp } = input;
    commands.truncate(8);
    let n = commands.len();
    if n == 0 {
        return;
    }
    let commands: Vec<Vec<&[u8]>> =
        commands.iter().map(|c| c.args().iter().map(|a| a.as_bytes()).collect()).collect();
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
}

/// `true` if `v` holds, at any depth, a bulk string that starts with the header.
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
