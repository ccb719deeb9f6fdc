//! Compare-and-set replacements, one Lua script per data type: a value is replaced only if
//! it still holds exactly the bytes that were read, so no concurrent write is ever lost.

use redis::{Connection, RedisResult, Script};

/// What a compare-and-set did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Swap {
    /// Replaced.
    Done,
    /// The value changed (or vanished) since it was read; left alone.
    Changed,
}

/// `SET key new KEEPTTL` if `GET key == old`: the key's TTL is kept exactly.
const STRING: &str = r"
if redis.call('TYPE', KEYS[1])['ok'] ~= 'string' then return 0 end
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'KEEPTTL')
return 1
";

/// `HSET key field new` if `HGET key field == old`; a field TTL (hash field expiration, where
/// the server has it) is read before and set again after.
const HASH: &str = r"
if redis.call('TYPE', KEYS[1])['ok'] ~= 'hash' then return 0 end
if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then return 0 end
local ok, ttl = pcall(redis.call, 'HPTTL', KEYS[1], 'FIELDS', 1, ARGV[1])
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
if ok and type(ttl) == 'table' and tonumber(ttl[1]) and tonumber(ttl[1]) > 0 then
  redis.call('HPEXPIRE', KEYS[1], ttl[1], 'FIELDS', 1, ARGV[1])
end
return 1
";

/// `LSET key index new` if `LINDEX key index == old`.
const LIST: &str = r"
if redis.call('TYPE', KEYS[1])['ok'] ~= 'list' then return 0 end
if redis.call('LINDEX', KEYS[1], ARGV[1]) ~= ARGV[2] then return 0 end
redis.call('LSET', KEYS[1], ARGV[1], ARGV[3])
return 1
";

/// The three scripts, loaded once per node on first use (EVALSHA, falling back to EVAL).
pub struct Cas {
    string: Script,
    hash: Script,
    list: Script,
}

impl Default for Cas {
    fn default() -> Self {
        Cas {
            string: Script::new(STRING),
            hash: Script::new(HASH),
            list: Script::new(LIST),
        }
    }
}

fn swap(done: i64) -> Swap {
    if done == 1 { Swap::Done } else { Swap::Changed }
}

impl Cas {
    /// Replaces a string value.
    pub fn string(
        &self,
        con: &mut Connection,
        key: &[u8],
        old: &[u8],
        new: &[u8],
    ) -> RedisResult<Swap> {
        self.string.key(key).arg(old).arg(new).invoke(con).map(swap)
    }

    /// Replaces one hash field's value.
    pub fn hash(
        &self,
        con: &mut Connection,
        key: &[u8],
        field: &[u8],
        old: &[u8],
        new: &[u8],
    ) -> RedisResult<Swap> {
        self.hash
            .key(key)
            .arg(field)
            .arg(old)
            .arg(new)
            .invoke(con)
            .map(swap)
    }

    /// Replaces one list element.
    pub fn list(
        &self,
        con: &mut Connection,
        key: &[u8],
        index: i64,
        old: &[u8],
        new: &[u8],
    ) -> RedisResult<Swap> {
        self.list
            .key(key)
            .arg(index)
            .arg(old)
            .arg(new)
            .invoke(con)
            .map(swap)
    }
}
