//! The reviewed lists: every command of Redis 7.0 and Valkey 9.1, by class.
//!
//! Adding a command: put it in the list its semantics call for (a value argument or a value in
//! the reply makes it value-aware, and it needs an arm in [`super::classify`]; reading or
//! editing stored bytes on the server makes it refused; otherwise find the pass-through group
//! whose reason covers it, or add a group with its own reason). The live test
//! `commands_are_classified` fails for any command a server lists and these do not.

/// How the wrapper treats a command, by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    /// Value arguments compressed, values in the reply decoded ([`super::classify`]).
    ValueAware,
    /// Refused before anything is sent, unless allowed.
    Refused,
    /// Sent and answered unchanged, for the reason given.
    PassThrough(&'static str),
}

/// Commands with value arguments or values in their reply (some only with an option:
/// `HRANDFIELD … WITHVALUES`, `HSCAN` without `NOVALUES`), and the transaction commands the
/// wrapper tracks so that an EXEC reply is decoded per queued command.
pub const VALUE_AWARE: &[&str] = &[
    "SET",
    "SETEX",
    "PSETEX",
    "SETNX",
    "GETSET",
    "MSET",
    "MSETNX",
    "MSETEX",
    "GET",
    "GETEX",
    "GETDEL",
    "MGET", // strings
    "HSET",
    "HMSET",
    "HSETEX",
    "HSETNX",
    "HGET",
    "HMGET",
    "HVALS",
    "HGETALL",
    "HGETEX",
    "HGETDEL",
    "HRANDFIELD",
    "HSCAN", // hashes
    "LPUSH",
    "RPUSH",
    "LPUSHX",
    "RPUSHX",
    "LSET",
    "LRANGE",
    "LINDEX",
    "LPOP",
    "RPOP",
    "LMOVE",
    "BLMOVE",
    "RPOPLPUSH",
    "BRPOPLPUSH",
    "BLPOP",
    "BRPOP",
    "LMPOP",
    "BLMPOP", // lists
    "MULTI",
    "EXEC",
    "DISCARD", // transactions
];

/// Commands that read or edit the stored bytes on the server.
pub const REFUSED: &[&str] = &[
    "APPEND",
    "SETRANGE",
    "SETBIT",
    "BITOP",
    "BITFIELD",
    "GETRANGE",
    "SUBSTR",
    "STRLEN",
    "LCS",
    "GETBIT",
    "BITCOUNT",
    "BITPOS",
    "BITFIELD_RO",
    "HSTRLEN",
    "INCR",
    "INCRBY",
    "INCRBYFLOAT",
    "DECR",
    "DECRBY",
    "HINCRBY",
    "HINCRBYFLOAT",
    "LREM",
    "LPOS",
    "LINSERT",
    "DELIFEQ",
    "SORT",
    "SORT_RO",
];

/// Commands passed through unchanged, in groups, each with why that is safe.
pub const PASS_THROUGH: &[(&str, &[&str])] = &[
    (
        "operates on keys, TTLs or whole stored values (copied, moved, dumped, restored, \
         deleted, measured) and never on their bytes; a copied value reads back decoded",
        &[
            "DEL",
            "UNLINK",
            "EXISTS",
            "TYPE",
            "TOUCH",
            "EXPIRE",
            "PEXPIRE",
            "EXPIREAT",
            "PEXPIREAT",
            "EXPIRETIME",
            "PEXPIRETIME",
            "PERSIST",
            "TTL",
            "PTTL",
            "RENAME",
            "RENAMENX",
            "MOVE",
            "COPY",
            "DUMP",
            "RESTORE",
            "RESTORE-ASKING",
            "MIGRATE",
            "OBJECT",
            "MEMORY",
            "KEYS",
            "SCAN",
            "CLUSTERSCAN",
            "RANDOMKEY",
            "DBSIZE",
            "SELECT",
            "SWAPDB",
            "FLUSHALL",
            "FLUSHDB",
            "WAIT",
            "WAITAOF",
        ],
    ),
    (
        "names hash fields or list positions, never hash values or list elements",
        &[
            "HDEL",
            "HEXISTS",
            "HKEYS",
            "HLEN",
            "HEXPIRE",
            "HPEXPIRE",
            "HEXPIREAT",
            "HPEXPIREAT",
            "HEXPIRETIME",
            "HPEXPIRETIME",
            "HPERSIST",
            "HTTL",
            "HPTTL",
            "LLEN",
            "LTRIM",
        ],
    ),
    (
        "set, sorted-set, HyperLogLog, geo and stream data are never compressed: members, \
         scores, elements and stream fields pass as they are",
        &[
            "SADD",
            "SCARD",
            "SDIFF",
            "SDIFFSTORE",
            "SINTER",
            "SINTERCARD",
            "SINTERSTORE",
            "SISMEMBER",
            "SMEMBERS",
            "SMISMEMBER",
            "SMOVE",
            "SPOP",
            "SRANDMEMBER",
            "SREM",
            "SSCAN",
            "SUNION",
            "SUNIONSTORE",
            "ZADD",
            "ZCARD",
            "ZCOUNT",
            "ZDIFF",
            "ZDIFFSTORE",
            "ZINCRBY",
            "ZINTER",
            "ZINTERCARD",
            "ZINTERSTORE",
            "ZLEXCOUNT",
            "ZMPOP",
            "BZMPOP",
            "ZMSCORE",
            "ZPOPMAX",
            "ZPOPMIN",
            "BZPOPMAX",
            "BZPOPMIN",
            "ZRANDMEMBER",
            "ZRANGE",
            "ZRANGEBYLEX",
            "ZRANGEBYSCORE",
            "ZRANGESTORE",
            "ZRANK",
            "ZREM",
            "ZREMRANGEBYLEX",
            "ZREMRANGEBYRANK",
            "ZREMRANGEBYSCORE",
            "ZREVRANGE",
            "ZREVRANGEBYLEX",
            "ZREVRANGEBYSCORE",
            "ZREVRANK",
            "ZSCAN",
            "ZSCORE",
            "ZUNION",
            "ZUNIONSTORE",
            "PFADD",
            "PFCOUNT",
            "PFMERGE",
            "PFDEBUG",
            "PFSELFTEST",
            "GEOADD",
            "GEODIST",
            "GEOHASH",
            "GEOPOS",
            "GEORADIUS",
            "GEORADIUS_RO",
            "GEORADIUSBYMEMBER",
            "GEORADIUSBYMEMBER_RO",
            "GEOSEARCH",
            "GEOSEARCHSTORE",
            "XACK",
            "XADD",
            "XAUTOCLAIM",
            "XCLAIM",
            "XDEL",
            "XGROUP",
            "XINFO",
            "XLEN",
            "XPENDING",
            "XRANGE",
            "XREAD",
            "XREADGROUP",
            "XREVRANGE",
            "XSETID",
            "XTRIM",
        ],
    ),
    (
        "scripts and functions see stored bytes and their arguments and replies pass as they \
         are: a script that reads a compressed value gets it compressed (documented; keep \
         scripts off compressed keys or decode in the application)",
        &[
            "EVAL",
            "EVAL_RO",
            "EVALSHA",
            "EVALSHA_RO",
            "FCALL",
            "FCALL_RO",
            "SCRIPT",
            "FUNCTION",
        ],
    ),
    ("transaction guards carry keys only", &["WATCH", "UNWATCH"]),
    (
        "pub/sub messages are not stored values",
        &[
            "PUBLISH",
            "SPUBLISH",
            "SUBSCRIBE",
            "SSUBSCRIBE",
            "PSUBSCRIBE",
            "UNSUBSCRIBE",
            "SUNSUBSCRIBE",
            "PUNSUBSCRIBE",
            "PUBSUB",
        ],
    ),
    (
        "connection, server and cluster administration: no values",
        &[
            "ACL",
            "AUTH",
            "ASKING",
            "BGREWRITEAOF",
            "BGSAVE",
            "CLIENT",
            "CLUSTER",
            "COMMAND",
            "COMMANDLOG",
            "CONFIG",
            "DEBUG",
            "ECHO",
            "FAILOVER",
            "HELLO",
            "INFO",
            "LASTSAVE",
            "LATENCY",
            "LOLWUT",
            "MODULE",
            "MONITOR",
            "PING",
            "PSYNC",
            "QUIT",
            "READONLY",
            "READWRITE",
            "REPLCONF",
            "REPLICAOF",
            "RESET",
            "ROLE",
            "SAVE",
            "SHUTDOWN",
            "SLAVEOF",
            "SLOWLOG",
            "SYNC",
            "TIME",
        ],
    ),
];

/// The class of the command `name` (any case; a container command such as `CLIENT` covers its
/// subcommands), or `None` for a command no list has reviewed.
pub fn class_of(name: &str) -> Option<Class> {
    let upper = name.to_ascii_uppercase();
    let upper = upper.split('|').next().unwrap_or_default();
    if VALUE_AWARE.contains(&upper) {
        return Some(Class::ValueAware);
    }
    if REFUSED.contains(&upper) {
        return Some(Class::Refused);
    }
    PASS_THROUGH
        .iter()
        .find(|(_, names)| names.contains(&upper))
        .map(|(why, _)| Class::PassThrough(why))
}

/// Refused commands that one name allows together in
/// [`crate::Compression::allow_incompatible`]: redis-rs's `Commands::incr` sends `INCRBY` or
/// `INCRBYFLOAT`, and `decr` sends `DECRBY`, so allowing `INCR` allows the counter family
/// (`INCR`, `INCRBY`, `INCRBYFLOAT`, `DECR`, `DECRBY`), and `HINCRBY` allows `HINCRBYFLOAT`.
/// Any other name allows itself only.
pub fn incompatible_family(name: &str) -> &'static [&'static str] {
    const COUNTERS: &[&str] = &["INCR", "INCRBY", "INCRBYFLOAT", "DECR", "DECRBY"];
    const HASH_COUNTERS: &[&str] = &["HINCRBY", "HINCRBYFLOAT"];
    match name.to_ascii_uppercase().as_str() {
        "INCR" => COUNTERS,
        "HINCRBY" => HASH_COUNTERS,
        _ => &[],
    }
}

#[cfg(test)]
mod tests {
    use super::super::classify;
    use super::*;

    #[test]
    fn lists_are_disjoint_and_agree_with_the_table() {
        let mut seen = std::collections::HashSet::new();
        let pass = PASS_THROUGH.iter().flat_map(|(_, n)| n.iter());
        for name in VALUE_AWARE.iter().chain(REFUSED).chain(pass) {
            assert!(seen.insert(*name), "{name} is listed twice");
        }
        for name in REFUSED {
            assert!(
                classify(&[name.as_bytes(), b"k"]).refused.is_some(),
                "{name}"
            );
        }
        for (_, names) in PASS_THROUGH {
            for name in *names {
                assert_eq!(
                    classify(&[name.as_bytes(), b"k", b"v"]),
                    super::super::Entry::PASS,
                    "{name}"
                );
            }
        }
        let with_values = ["HRANDFIELD", "HSCAN", "MULTI", "DISCARD"];
        for name in VALUE_AWARE.iter().filter(|n| !with_values.contains(n)) {
            let entry = classify(&[
                name.as_bytes(),
                b"2",
                b"k",
                b"v",
                b"FIELDS",
                b"1",
                b"f",
                b"v",
            ]);
            assert_ne!(entry, super::super::Entry::PASS, "{name}");
        }
    }

    #[test]
    fn class_by_name() {
        assert_eq!(class_of("get"), Some(Class::ValueAware));
        assert_eq!(class_of("SORT_RO"), Some(Class::Refused));
        assert!(matches!(
            class_of("client|list"),
            Some(Class::PassThrough(_))
        ));
        assert_eq!(class_of("NOT-A-COMMAND"), None);
        assert_eq!(incompatible_family("incr").len(), 5);
        assert!(incompatible_family("APPEND").is_empty());
    }
}
