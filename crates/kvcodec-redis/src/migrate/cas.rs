//! Compare-and-set replacements: a value is replaced only if it still holds exactly the bytes
//! that were read, so no concurrent write is ever lost; TTLs are kept exactly.
//!
//! - **Short values** (old and new both at most [`SCRIPT_MAX`]): one Lua script per data
//!   type compares the bytes and replaces the value atomically. Encoded once, straight into
//!   the buffer that is sent (`EVALSHA`, `SCRIPT LOAD` and again on `NOSCRIPT`).
//! - **Longer values**: on the same connection, `WATCH key`, compare the stored value with
//!   the old bytes (strings in `GETRANGE` chunks of [`GROUP_BYTES`]; `HGET`; `LINDEX`), then
//!   `MULTI` / `SET key new KEEPTTL` (`HSET` and the field's expiry again with `HPEXPIREAT`;
//!   `LSET`) / `EXEC`: the server runs the transaction only if nobody wrote the key since
//!   `WATCH`. The comparison is exact (no digest to collide); the server never copies the
//!   value into a script nor hashes it, so it is blocked no longer than a plain `SET` of it
//!   takes; and the command is sent in pieces, the new value straight from its buffer.

use redis::{Connection, ConnectionLike, ErrorKind, RedisResult, ServerErrorKind, Value};

use super::budget::BigValue;
use super::walker::GROUP_BYTES;

/// Old and new values up to this length are compared and replaced by a Lua script; longer
/// ones by `WATCH` / `MULTI` / `EXEC`.
pub const SCRIPT_MAX: usize = 256 * 1024;

/// What a compare-and-set did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Swap {
    /// Replaced.
    Done,
    /// The value changed (or vanished, or the key changed type) since it was read.
    Changed,
}

/// `SET key new KEEPTTL` if the string still holds the old value: the TTL is kept exactly.
const STRING: &str = r"
if redis.call('TYPE', KEYS[1])['ok'] ~= 'string' then return 0 end
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'KEEPTTL')
return 1
";

/// `HSET key field new` if the field still holds the old value; a field TTL (hash field
/// expiration, where the server has it) is read before and set again after.
const HASH: &str = r"
if redis.call('TYPE', KEYS[1])['ok'] ~= 'hash' then return 0 end
if redis.call('HGET', KEYS[1], ARGV[3]) ~= ARGV[1] then return 0 end
local ok, ttl = pcall(redis.call, 'HPTTL', KEYS[1], 'FIELDS', 1, ARGV[3])
redis.call('HSET', KEYS[1], ARGV[3], ARGV[2])
if ok and type(ttl) == 'table' and tonumber(ttl[1]) and tonumber(ttl[1]) > 0 then
  redis.call('HPEXPIRE', KEYS[1], ttl[1], 'FIELDS', 1, ARGV[3])
end
return 1
";

/// `LSET key index new` if the element still holds the old value.
const LIST: &str = r"
if redis.call('TYPE', KEYS[1])['ok'] ~= 'list' then return 0 end
if redis.call('LINDEX', KEYS[1], ARGV[3]) ~= ARGV[1] then return 0 end
redis.call('LSET', KEYS[1], ARGV[3], ARGV[2])
return 1
";

/// Where a value lives in its key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum At {
    /// The key is a string.
    String,
    /// A hash field.
    Field(Vec<u8>),
    /// A list element.
    Index(i64),
}

/// A script's text and SHA-1.
struct Lua {
    code: &'static str,
    sha: String,
}

impl Lua {
    fn new(code: &'static str) -> Self {
        let sha = sha1_smol::Sha1::from(code).digest().to_string();
        Lua { code, sha }
    }
}

/// The three scripts, loaded on a server on first use (`EVALSHA`; on `NOSCRIPT`, `SCRIPT
/// LOAD` and again).
pub struct Cas {
    string: Lua,
    hash: Lua,
    list: Lua,
}

impl Default for Cas {
    fn default() -> Self {
        Cas {
            string: Lua::new(STRING),
            hash: Lua::new(HASH),
            list: Lua::new(LIST),
        }
    }
}

/// The RESP header of a command of `count` arguments, then `args` each copied once.
fn pack_into(out: &mut Vec<u8>, count: usize, args: &[&[u8]]) {
    if count > 0 {
        out.extend_from_slice(format!("*{count}\r\n").as_bytes());
    }
    for a in args {
        out.extend_from_slice(format!("${}\r\n", a.len()).as_bytes());
        out.extend_from_slice(a);
        out.extend_from_slice(b"\r\n");
    }
}

fn pack(args: &[&[u8]]) -> Vec<u8> {
    let mut out = Vec::with_capacity(args.iter().map(|a| a.len() + 24).sum::<usize>() + 16);
    pack_into(&mut out, args.len(), args);
    out
}

fn wrong_type(e: &redis::RedisError) -> bool {
    e.code() == Some("WRONGTYPE")
}

/// One compare-and-set: the value at `at` of `key` from `old` to `new`.
pub struct Replace<'a> {
    /// The key.
    pub key: &'a [u8],
    /// Where in the key's value.
    pub at: &'a At,
    /// The value expected there. A value too large for the script path is dropped as soon as
    /// it has been compared, before `new` is sent.
    pub old: Vec<u8>,
    /// The value to write.
    pub new: &'a [u8],
}

impl std::fmt::Debug for Replace<'_> {
    /// Sizes only: keys and values stay out of logs.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Replace")
            .field("key_len", &self.key.len())
            .field("at", &self.at)
            .field("old_len", &self.old.len())
            .field("new_len", &self.new.len())
            .finish()
    }
}

impl<'a> Replace<'a> {
    /// The value at `at` of `key`, from `old` to `new`.
    pub fn new(key: &'a [u8], at: &'a At, old: Vec<u8>, new: &'a [u8]) -> Self {
        Replace { key, at, old, new }
    }
}

impl Cas {
    /// Replaces the value at `r.at` of `r.key` with `r.new` if it still holds `r.old`.
    pub fn swap(&self, con: &mut Connection, r: Replace<'_>) -> RedisResult<Swap> {
        if r.old.len() > SCRIPT_MAX || r.new.len() > SCRIPT_MAX {
            return swap_watched(con, r);
        }
        let Replace { key, at, old, new } = r;
        let (script, place): (&Lua, Vec<u8>) = match at {
            At::String => (&self.string, Vec::new()),
            At::Field(f) => (&self.hash, f.clone()),
            At::Index(i) => (&self.list, i.to_string().into_bytes()),
        };
        let packed = pack(&[
            b"EVALSHA",
            script.sha.as_bytes(),
            b"1",
            key,
            &old,
            new,
            &place,
        ]);
        let reply = match con.req_packed_command(&packed)?.extract_error() {
            Err(e) if e.kind() == ErrorKind::Server(ServerErrorKind::NoScript) => {
                redis::cmd("SCRIPT")
                    .arg("LOAD")
                    .arg(script.code)
                    .exec(con)?;
                con.req_packed_command(&packed)?.extract_error()?
            }
            reply => reply?,
        };
        Ok(if reply == Value::Int(1) {
            Swap::Done
        } else {
            Swap::Changed
        })
    }
}

/// `WATCH`, compare, `MULTI` / write / `EXEC`.
fn swap_watched(con: &mut Connection, r: Replace<'_>) -> RedisResult<Swap> {
    let Replace { key, at, old, new } = r;
    redis::cmd("WATCH").arg(key).exec(con)?;
    let same = match at {
        At::String => same_string(con, key, &old),
        At::Field(f) => {
            let len: RedisResult<usize> = redis::cmd("HSTRLEN").arg(key).arg(f).query(con);
            match len {
                Ok(n) if n == old.len() => redis::cmd("HGET")
                    .arg(key)
                    .arg(f)
                    .query::<Option<Vec<u8>>>(con)
                    .map(|v| v.as_deref() == Some(&old[..])),
                other => other.map(|_| false),
            }
        }
        At::Index(i) => redis::cmd("LINDEX")
            .arg(key)
            .arg(*i)
            .query::<Option<Vec<u8>>>(con)
            .map(|v| v.as_deref() == Some(&old[..])),
    };
    drop(old);
    let same = match same {
        Ok(same) => same,
        Err(e) if wrong_type(&e) => false,
        Err(e) => return Err(e),
    };
    if !same {
        redis::cmd("UNWATCH").exec(con)?;
        return Ok(Swap::Changed);
    }
    let expire_at = match at {
        At::Field(f) => field_expiry(con, key, f),
        _ => None,
    };
    transaction(con, key, at, new, expire_at)
}

/// The absolute expiry (Unix ms) of a hash field, if it has one and the server knows field
/// TTLs (`HPEXPIRETIME`, Valkey 9 and Redis 7.4+).
fn field_expiry(con: &mut Connection, key: &[u8], field: &[u8]) -> Option<i64> {
    let at: Vec<i64> = redis::cmd("HPEXPIRETIME")
        .arg(key)
        .arg("FIELDS")
        .arg(1)
        .arg(field)
        .query(con)
        .ok()?;
    at.first().copied().filter(|&ms| ms > 0)
}

/// `MULTI`, the write, `EXEC`, sent in three pieces (the new value from its own buffer);
/// every reply read, so the connection stays in step whatever they say.
fn transaction(
    con: &mut Connection,
    key: &[u8],
    at: &At,
    new: &[u8],
    expire_at: Option<i64>,
) -> RedisResult<Swap> {
    let mut head = pack(&[b"MULTI"]);
    let len = new.len().to_string();
    let mut tail = b"\r\n".to_vec();
    let index;
    let (name, place): (&[u8], Option<&[u8]>) = match at {
        At::String => (b"SET", None),
        At::Field(f) => (b"HSET", Some(f)),
        At::Index(i) => {
            index = i.to_string();
            (b"LSET", Some(index.as_bytes()))
        }
    };
    let mut count = 3;
    let mut args: Vec<&[u8]> = vec![name, key];
    if let Some(place) = place {
        args.push(place);
        count += 1;
    }
    if at == &At::String {
        count += 1;
        pack_into(&mut tail, 0, &[b"KEEPTTL"]);
    }
    pack_into(&mut head, count, &args);
    head.extend_from_slice(format!("${len}\r\n").as_bytes());
    let mut queued = 1;
    if let (At::Field(f), Some(ms)) = (at, expire_at) {
        let ms = ms.to_string();
        let args: [&[u8]; 6] = [b"HPEXPIREAT", key, ms.as_bytes(), b"FIELDS", b"1", f];
        pack_into(&mut tail, args.len(), &args);
        queued += 1;
    }
    pack_into(&mut tail, 1, &[b"EXEC"]);
    con.send_packed_command(&head)?;
    con.send_packed_command(new)?;
    con.send_packed_command(&tail)?;
    let mut replies = Vec::with_capacity(queued + 2);
    for _ in 0..queued + 2 {
        replies.push(con.recv_response()?);
    }
    let exec = replies.pop().unwrap_or(Value::Nil);
    for reply in replies {
        reply.extract_error()?;
    }
    match exec.extract_error()? {
        Value::Nil => Ok(Swap::Changed),
        _ => Ok(Swap::Done),
    }
}

/// `true` if the string at `key` holds exactly `old` (compared in [`GROUP_BYTES`] chunks).
fn same_string(con: &mut Connection, key: &[u8], old: &[u8]) -> RedisResult<bool> {
    let len: usize = redis::cmd("STRLEN").arg(key).query(con)?;
    if len != old.len() {
        return Ok(false);
    }
    for (n, want) in old.chunks(GROUP_BYTES as usize).enumerate() {
        let start = n * GROUP_BYTES as usize;
        let chunk: Vec<u8> = redis::cmd("GETRANGE")
            .arg(key)
            .arg(start)
            .arg(start + want.len() - 1)
            .query(con)?;
        if chunk != want {
            return Ok(false);
        }
    }
    Ok(true)
}

/// The whole string at `key` (`None`: gone or empty), read in [`GROUP_BYTES`] chunks into one
/// buffer of its length (a reply is parsed into a buffer of its own, so one `GET` of a
/// 100 MiB value would cost 200 MiB). A value that changes between two chunks gives a mix
/// that matches no stored value, so a compare-and-set of it fails: nothing mixed is written.
pub fn read_string(con: &mut Connection, key: &[u8], len: u64) -> RedisResult<Option<Vec<u8>>> {
    let mut value = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
    loop {
        let start = value.len() as u64;
        let chunk: Vec<u8> = redis::cmd("GETRANGE")
            .arg(key)
            .arg(start)
            .arg(start + GROUP_BYTES - 1)
            .query(con)?;
        let last = (chunk.len() as u64) < GROUP_BYTES;
        value.extend_from_slice(&chunk);
        if last {
            break;
        }
    }
    Ok((!value.is_empty()).then_some(value))
}

/// A value read again, with the [`BigValue`] permit when it is long.
pub type Reread = (Vec<u8>, Option<BigValue>);

/// Reads the value at `at` of `key` again (`None`: gone); a long string in chunks, under the
/// permit for big values (held until the returned permit is dropped).
pub fn read(con: &mut Connection, key: &[u8], at: &At) -> RedisResult<Option<Reread>> {
    let value: Option<Vec<u8>> = match at {
        At::String => {
            let len: u64 = redis::cmd("STRLEN").arg(key).query(con)?;
            let permit = BigValue::for_len(len);
            return Ok(read_string(con, key, len)?.map(|v| (v, permit)));
        }
        At::Field(f) => redis::cmd("HGET").arg(key).arg(f.as_slice()).query(con)?,
        At::Index(i) => redis::cmd("LINDEX").arg(key).arg(*i).query(con)?,
    };
    Ok(value.map(|v| {
        let permit = BigValue::for_len(v.len() as u64);
        (v, permit)
    }))
}
