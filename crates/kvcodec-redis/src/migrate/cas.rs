//! Compare-and-set replacements, one Lua script per data type: a value is replaced only if
//! it still holds exactly the bytes that were read, so no concurrent write is ever lost.
//!
//! The old value is identified by its bytes when short, and by its length and SHA-1 (compared
//! with `redis.sha1hex` in the script) when longer than [`DIGEST_ABOVE`]: a 100 MiB value
//! then costs a 40-byte argument instead of a second 100 MiB copy in the command buffer.

use redis::{Connection, RedisResult, Script};

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

/// The three scripts, loaded once per connection on first use (EVALSHA, falling back to EVAL).
pub struct Cas {
    string: Script,
    hash: Script,
    list: Script,
}

impl Default for Cas {
    fn default() -> Self {
        Cas {
            string: Script::new(&format!("{SAME}{STRING}")),
            hash: Script::new(&format!("{SAME}{HASH}")),
            list: Script::new(&format!("{SAME}{LIST}")),
        }
    }
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
        let mut inv = script.key(key);
        if old.len() > DIGEST_ABOVE {
            let digest = sha1_smol::Sha1::from(old).digest().to_string();
            inv.arg("#").arg(old.len()).arg(digest);
        } else {
            inv.arg("=").arg(old).arg("");
        }
        inv.arg(new);
        match at {
            At::String => {}
            At::Field(f) => {
                inv.arg(f.as_slice());
            }
            At::Index(i) => {
                inv.arg(*i);
            }
        }
        let done: i64 = inv.invoke(con)?;
        Ok(if done == 1 { Swap::Done } else { Swap::Changed })
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
