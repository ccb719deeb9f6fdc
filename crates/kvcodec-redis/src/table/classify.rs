//! The command table: which arguments of a command are values, and which replies hold values.
//!
//! Decided by command semantics, never by "does this look like a header". Keys, hash fields,
//! set/sorted-set members, stream entries and script arguments are never touched; commands
//! not listed here pass through unchanged.

/// Which arguments (indices into the full argument list, command name at 0) are values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueArgs {
    /// No value arguments.
    None,
    /// Exactly the argument at this index.
    At(usize),
    /// Every argument from this index on (LPUSH key e1 e2 …).
    From(usize),
    /// Every second argument from `from` up to (not including) `end`
    /// (MSET k v k v …, HSET key f v f v …, HSETEX … FIELDS n f v …).
    EverySecond {
        /// First value index.
        from: usize,
        /// One past the last argument that can be a value.
        end: usize,
    },
}

impl ValueArgs {
    /// `true` if argument `i` is a value.
    pub fn contains(self, i: usize) -> bool {
        match self {
            ValueArgs::None => false,
            ValueArgs::At(at) => i == at,
            ValueArgs::From(from) => i >= from,
            ValueArgs::EverySecond { from, end } => {
                i >= from && i < end && (i - from).is_multiple_of(2)
            }
        }
    }
}

/// Where a reply holds values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReplyShape {
    /// No values (status, integers, keys, fields…).
    None,
    /// A single value or nil (GET, LINDEX, LMOVE…); for LPOP/RPOP with a count, an array of values.
    Value,
    /// An array of values or nils (MGET, LRANGE, HVALS, HMGET).
    Values,
    /// Field/value pairs: a RESP2 flat array `[f, v, f, v…]`, a RESP3 map, or an array of
    /// `[f, v]` pairs (HGETALL, HRANDFIELD … WITHVALUES). Only the values are decoded.
    FieldValues,
    /// `[key, value]` (BLPOP, BRPOP).
    KeyValue,
    /// `[key, [values…]]` (LMPOP, BLMPOP).
    KeyValues,
    /// MULTI/EXEC: the array of the queued commands' replies, each by its own shape.
    Exec,
}

/// How the wrapper treats one command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    /// Value arguments, compressed on the way out.
    pub values: ValueArgs,
    /// Where the reply holds values, decoded on the way back.
    pub reply: ReplyShape,
    /// Why the command is incompatible with compressed values, if it is.
    pub refused: Option<&'static str>,
}

impl Entry {
    const PASS: Entry = Entry::new(ValueArgs::None, ReplyShape::None);

    const fn new(values: ValueArgs, reply: ReplyShape) -> Entry {
        Entry {
            values,
            reply,
            refused: None,
        }
    }

    const fn refuse(why: &'static str) -> Entry {
        Entry {
            values: ValueArgs::None,
            reply: ReplyShape::None,
            refused: Some(why),
        }
    }
}

const READS_BYTES: &str = "it reads the stored bytes on the server, which are compressed";
const EDITS_BYTES: &str = "it edits the stored bytes on the server, which are compressed";
const NUMERIC: &str =
    "it does arithmetic on the stored bytes on the server, which may be compressed";
const COMPARES: &str =
    "it compares stored values on the server, which are compressed, with plain arguments";

fn eq(a: &[u8], b: &str) -> bool {
    a.eq_ignore_ascii_case(b.as_bytes())
}

fn has_flag(args: &[&[u8]], from: usize, flag: &str) -> bool {
    args.iter().skip(from).any(|a| eq(a, flag))
}

/// Looks up `args` (command name first). Unknown commands pass through.
pub fn classify(args: &[&[u8]]) -> Entry {
    let Some(name) = args.first() else {
        return Entry::PASS;
    };
    let mut upper = [0u8; 20];
    if name.len() > upper.len() {
        return Entry::PASS;
    }
    upper[..name.len()].copy_from_slice(name);
    upper[..name.len()].make_ascii_uppercase();
    use ReplyShape as R;
    use ValueArgs as V;
    match &upper[..name.len()] {
        b"SET" => classify_set(args),
        b"SETEX" | b"PSETEX" => Entry::new(V::At(3), R::None),
        b"SETNX" => Entry::new(V::At(2), R::None),
        b"GETSET" => Entry::new(V::At(2), R::Value),
        b"MSET" | b"MSETNX" => Entry::new(every_second(2), R::None),
        b"MSETEX" => classify_msetex(args),
        b"GET" | b"GETEX" | b"GETDEL" => Entry::new(V::None, R::Value),
        b"MGET" => Entry::new(V::None, R::Values),

        b"HSET" | b"HMSET" => Entry::new(every_second(3), R::None),
        b"HSETEX" => match fields_at(args) {
            Some((first, n)) => Entry::new(
                V::EverySecond {
                    from: first + 1,
                    end: first + 2 * n,
                },
                R::None,
            ),
            None => Entry::PASS, // malformed: the server will answer with the error
        },
        b"HGETEX" | b"HGETDEL" => Entry::new(V::None, R::Values),
        b"HSETNX" => Entry::new(V::At(3), R::None),
        b"HGET" => Entry::new(V::None, R::Value),
        b"HMGET" | b"HVALS" => Entry::new(V::None, R::Values),
        b"HGETALL" => Entry::new(V::None, R::FieldValues),
        b"HRANDFIELD" if has_flag(args, 3, "WITHVALUES") => Entry::new(V::None, R::FieldValues),

        b"LPUSH" | b"RPUSH" | b"LPUSHX" | b"RPUSHX" => Entry::new(V::From(2), R::None),
        b"LSET" => Entry::new(V::At(3), R::None),
        b"LRANGE" => Entry::new(V::None, R::Values),
        b"LINDEX" | b"LPOP" | b"RPOP" | b"LMOVE" | b"BLMOVE" | b"RPOPLPUSH" | b"BRPOPLPUSH" => {
            Entry::new(V::None, R::Value)
        }
        b"BLPOP" | b"BRPOP" => Entry::new(V::None, R::KeyValue),
        b"LMPOP" | b"BLMPOP" => Entry::new(V::None, R::KeyValues),
        b"EXEC" => Entry::new(V::None, R::Exec),

        b"APPEND" | b"SETRANGE" | b"SETBIT" | b"BITOP" | b"BITFIELD" => Entry::refuse(EDITS_BYTES),
        b"GETRANGE" | b"SUBSTR" | b"STRLEN" | b"LCS" | b"GETBIT" | b"BITCOUNT" | b"BITPOS"
        | b"BITFIELD_RO" | b"HSTRLEN" => Entry::refuse(READS_BYTES),
        b"INCR" | b"INCRBY" | b"INCRBYFLOAT" | b"DECR" | b"DECRBY" | b"HINCRBY"
        | b"HINCRBYFLOAT" => Entry::refuse(NUMERIC),
        b"LREM" | b"LPOS" | b"LINSERT" | b"DELIFEQ" => Entry::refuse(COMPARES),
        _ => Entry::PASS,
    }
}

const fn every_second(from: usize) -> ValueArgs {
    ValueArgs::EverySecond {
        from,
        end: usize::MAX,
    }
}

/// Where the fields of `HSETEX key [options] FIELDS n f v …` start, and `n`.
fn fields_at(args: &[&[u8]]) -> Option<(usize, usize)> {
    let mut i = 2;
    while i < args.len() {
        if eq(args[i], "FIELDS") {
            let n = std::str::from_utf8(args.get(i + 1)?).ok()?.parse().ok()?;
            return Some((i + 2, n));
        }
        if ["EX", "PX", "EXAT", "PXAT"].iter().any(|o| eq(args[i], o)) {
            i += 1;
        }
        i += 1;
    }
    None
}

/// `MSETEX numkeys k v [k v …] [options]`: values at 3, 5, … up to the `numkeys` pairs.
fn classify_msetex(args: &[&[u8]]) -> Entry {
    let n: Option<usize> = args
        .get(1)
        .and_then(|a| std::str::from_utf8(a).ok())
        .and_then(|a| a.parse().ok());
    match n {
        Some(n) => Entry::new(
            ValueArgs::EverySecond {
                from: 3,
                end: 2 + 2 * n,
            },
            ReplyShape::None,
        ),
        None => Entry::PASS,
    }
}

/// `SET key value [NX|XX] [IFEQ v|IFNE v] [GET] [EX s|PX ms|EXAT t|PXAT t|KEEPTTL]`.
fn classify_set(args: &[&[u8]]) -> Entry {
    let mut reply = ReplyShape::None;
    let mut i = 3;
    while i < args.len() {
        let opt = args[i];
        if eq(opt, "GET") {
            reply = ReplyShape::Value;
        } else if ["IFEQ", "IFNE", "IFDEQ", "IFDNE"]
            .iter()
            .any(|o| eq(opt, o))
        {
            return Entry::refuse(COMPARES);
        } else if ["EX", "PX", "EXAT", "PXAT"].iter().any(|o| eq(opt, o)) {
            i += 1; // skip the option's argument
        }
        i += 1;
    }
    Entry::new(ValueArgs::At(2), reply)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(line: &str) -> Entry {
        let args: Vec<&[u8]> = line.split(' ').map(str::as_bytes).collect();
        classify(&args)
    }

    #[test]
    fn value_positions() {
        assert_eq!(c("SET k v").values, ValueArgs::At(2));
        assert_eq!(c("set k v ex 10 get").reply, ReplyShape::Value);
        assert_eq!(
            c("SET k v EX GET").reply,
            ReplyShape::None,
            "GET here is EX's argument"
        );
        assert_eq!(c("SET k v NX").reply, ReplyShape::None);
        assert_eq!(c("SETEX k 10 v").values, ValueArgs::At(3));
        let mset = c("MSET a 1 b 2").values;
        assert!(!mset.contains(1) && mset.contains(2) && !mset.contains(3) && mset.contains(4));
        let hset = c("HSET h f v g w").values;
        assert!(!hset.contains(2) && hset.contains(3) && !hset.contains(4) && hset.contains(5));
        assert!(c("RPUSH l a b c").values.contains(4));
        assert_eq!(c("LSET l 0 v").values, ValueArgs::At(3));
        assert_eq!(
            c("HRANDFIELD h 2 WITHVALUES").reply,
            ReplyShape::FieldValues
        );
        assert_eq!(c("HRANDFIELD h 2").reply, ReplyShape::None);
        assert_eq!(c("SADD s m").values, ValueArgs::None);
        let hsetex = c("HSETEX h FNX EX 10 FIELDS 2 f1 v1 f2 v2").values;
        let picked: Vec<usize> = (0..12).filter(|i| hsetex.contains(*i)).collect();
        assert_eq!(picked, [8, 10]);
        let msetex = c("MSETEX 2 a 1 b 2 EX 10").values;
        let picked: Vec<usize> = (0..9).filter(|i| msetex.contains(*i)).collect();
        assert_eq!(picked, [3, 5]);
        assert_eq!(c("HGETDEL h FIELDS 1 f").reply, ReplyShape::Values);
        assert_eq!(c("EVAL script 1 k v"), Entry::PASS);
    }

    #[test]
    fn refused_commands() {
        for cmd in [
            "APPEND k v",
            "incr k",
            "SET k v IFEQ old",
            "LINSERT l BEFORE a b",
            "HSTRLEN h f",
            "DELIFEQ k v",
        ] {
            assert!(c(cmd).refused.is_some(), "{cmd}");
        }
        assert!(c("GET k").refused.is_none());
    }
}
