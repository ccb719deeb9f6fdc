//! Compare-and-set replacements, one Lua script per data type: a value is replaced only if
//! it still holds exactly the bytes that were read, so no concurrent write is ever lost.
//!
//! The old value is identified by its bytes when short, and by its length and SHA-1 (compared
//! with `redis.sha1hex` in the script) when longer than [`DIGEST_ABOVE`]: a 100 MiB value
//! then costs a 40-byte argument instead of a second 100 MiB copy in the command buffer.
//! The command is encoded once, straight into the buffer that is sent (`EVALSHA`, then
//! `EVAL`-free `SCRIPT LOAD` and a retry on `NOSCRIPT`): the new value is copied once, where
//! redis-rs' `Script` would copy it three times (arguments, command, packed command).

use redis::{Connection, ConnectionLike, ErrorKind, RedisResult, ServerErrorKind, Value};

/// Old values longer than this are compared by length and SHA-1 rather than by bytes.
pub const DIGEST_ABOVE: usize = 256 * 1024;

/// What a compare-and-set did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Swap {
    /// Replaced.
    Done,
    /// The value changed (or vanished, or the key changed type) since it was read.
    Changed,
}

/// `same(current)`: ARGV[1] is `=` then ARGV[2] the old bytes, or `#` then ARGV[2] the
/// length and ARGV[3] the SHA-1 hex of the old value.
const SAME: &str = r"
local function same(cur)
  if not cur then return false end
  if ARGV[1] == '=' then return cur == ARGV[2] end
  return #cur == tonumber(ARGV[2]) and redis.sha1hex(cur) == ARGV[3]
end
";

/// `SET key new KEEPTTL` if the string still holds the old value: the TTL is kept exactly.
const STRING: &str = r"
if redis.call('TYPE', KEYS[1])['ok'] ~= 'string' then return 0 end
if not same(redis.call('GET', KEYS[1])) then return 0 end
redis.call('SET', KEYS[1], ARGV[4], 'KEEPTTL')
return 1
";

/// `HSET key field new` if the field still holds the old value; a field TTL (hash field
/// expiration, where the server has it) is read before and set again after.
const HASH: &str = r"
if redis.call('TYPE', KEYS[1])['ok'] ~= 'hash' then return 0 end
if not same(redis.call('HGET', KEYS[1], ARGV[5])) then return 0 end
local ok, ttl = pcall(redis.call, 'HPTTL', KEYS[1], 'FIELDS', 1, ARGV[5])
redis.call('HSET', KEYS[1], ARGV[5], ARGV[4])
if ok and type(ttl) == 'table' and tonumber(ttl[1]) and tonumber(ttl[1]) > 0 then
  redis.call('HPEXPIRE', KEYS[1], ttl[1], 'FIELDS', 1, ARGV[5])
end
return 1
";

/// `LSET key index new` if the element still holds the old value.
const LIST: &str = r"
if redis.call('TYPE', KEYS[1])['ok'] ~= 'list' then return 0 end
if not same(redis.call('LINDEX', KEYS[1], ARGV[5])) then return 0 end
redis.call('LSET', KEYS[1], ARGV[5], ARGV[4])
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
    code: String,
    sha: String,
}

impl Lua {
    fn new(body: &str) -> Self {
        let code = format!("{SAME}{body}");
        let sha = sha1_smol::Sha1::from(&code).digest().to_string();
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

/// `args` as one RESP command, each argument copied once.
fn pack(args: &[&[u8]]) -> Vec<u8> {
    let len: usize = args.iter().map(|a| a.len() + 24).sum::<usize>() + 16;
    let mut out = Vec::with_capacity(len);
    out.extend_from_slice(format!("*{}\r\n", args.len()).as_bytes());
    for a in args {
        out.extend_from_slice(format!("${}\r\n", a.len()).as_bytes());
        out.extend_from_slice(a);
        out.extend_from_slice(b"\r\n");
    }
    out
}

impl Cas {
    /// Replaces the value at `at` of `key` with `new` if it still holds `old`.
    pub fn swap(
        &self,
        con: &mut Connection,
        key: &[u8],
        at: &At,
        old: &[u8],
        new: &[u8],
    ) -> RedisResult<Swap> {
        let script = match at {
            At::String => &self.string,
            At::Field(_) => &self.hash,
            At::Index(_) => &self.list,
        };
        let (len, digest);
        let (mode, old): (&[u8], &[u8]) = if old.len() > DIGEST_ABOVE {
            len = old.len().to_string();
            digest = sha1_smol::Sha1::from(old).digest().to_string();
            (b"#", len.as_bytes())
        } else {
            digest = String::new();
            (b"=", old)
        };
        let index;
        let place: &[u8] = match at {
            At::String => b"",
            At::Field(f) => f,
            At::Index(i) => {
                index = i.to_string();
                index.as_bytes()
            }
        };
        let packed = pack(&[
            b"EVALSHA",
            script.sha.as_bytes(),
            b"1",
            key,
            mode,
            old,
            digest.as_bytes(),
            new,
            place,
        ]);
        let reply = match con.req_packed_command(&packed)?.extract_error() {
            Err(e) if e.kind() == ErrorKind::Server(ServerErrorKind::NoScript) => {
                redis::cmd("SCRIPT")
                    .arg("LOAD")
                    .arg(&script.code)
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

/// Reads the value at `at` of `key` again (`None`: gone).
pub fn read(con: &mut Connection, key: &[u8], at: &At) -> RedisResult<Option<Vec<u8>>> {
    match at {
        At::String => redis::cmd("GET").arg(key).query(con),
        At::Field(f) => redis::cmd("HGET").arg(key).arg(f.as_slice()).query(con),
        At::Index(i) => redis::cmd("LINDEX").arg(key).arg(*i).query(con),
    }
}
