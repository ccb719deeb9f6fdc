//! [`classify`]: the [`Entry`] of one command, from its name and, where options change what
//! is a value or what the reply holds, its arguments.

use kvcodec::ValueType;

use super::{Entry, ReplyShape, ValueArgs};

const READS_BYTES: &str = "it reads the stored bytes on the server, which are compressed";
const EDITS_BYTES: &str = "it edits the stored bytes on the server, which are compressed";
const NUMERIC: &str =
    "it does arithmetic on the stored bytes on the server, which may be compressed";
const COMPARES: &str =
    "it compares stored values on the server, which are compressed, with plain arguments";
const SORTS: &str =
    "it sorts (and with GET fetches) the stored bytes on the server, which may be compressed";

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
    use ValueType::{Hash, List, String};
    match &upper[..name.len()] {
        b"SET" => classify_set(args),
        b"SETEX" | b"PSETEX" => Entry::new(V::At(3), String, R::None),
        b"SETNX" => Entry::new(V::At(2), String, R::None),
        b"GETSET" => Entry::new(V::At(2), String, R::Value),
        b"MSET" | b"MSETNX" => Entry::new(every_second(2), String, R::None),
        b"MSETEX" => classify_msetex(args),
        b"GET" | b"GETEX" | b"GETDEL" => Entry::reads(R::Value),
        b"MGET" => Entry::reads(R::Values),

        b"HSET" | b"HMSET" => Entry::new(every_second(3), Hash, R::None),
        b"HSETEX" => match fields_at(args) {
            Some((first, n)) => Entry::new(
                V::EverySecond {
                    from: first + 1,
                    end: first.saturating_add(n.saturating_mul(2)),
                },
                Hash,
                R::None,
            ),
            None => Entry::PASS, // malformed: the server will answer with the error
        },
        b"HGETEX" | b"HGETDEL" => Entry::reads(R::Values),
        b"HSETNX" => Entry::new(V::At(3), Hash, R::None),
        b"HGET" => Entry::reads(R::Value),
        b"HMGET" | b"HVALS" => Entry::reads(R::Values),
        b"HGETALL" => Entry::reads(R::FieldValues),
        b"HRANDFIELD" if has_flag(args, 3, "WITHVALUES") => Entry::reads(R::FieldValues),
        b"HSCAN" if !hscan_novalues(args) => Entry::reads(R::ScanFieldValues),

        b"LPUSH" | b"RPUSH" | b"LPUSHX" | b"RPUSHX" => Entry::new(V::From(2), List, R::None),
        b"LSET" => Entry::new(V::At(3), List, R::None),
        b"LRANGE" => Entry::reads(R::Values),
        b"LINDEX" | b"LPOP" | b"RPOP" | b"LMOVE" | b"BLMOVE" | b"RPOPLPUSH" | b"BRPOPLPUSH" => {
            Entry::reads(R::Value)
        }
        b"BLPOP" | b"BRPOP" => Entry::reads(R::KeyValue),
        b"LMPOP" | b"BLMPOP" => Entry::reads(R::KeyValues),
        b"EXEC" => Entry::reads(R::Exec),

        b"APPEND" | b"SETRANGE" | b"SETBIT" | b"BITOP" | b"BITFIELD" => Entry::refuse(EDITS_BYTES),
        b"GETRANGE" | b"SUBSTR" | b"STRLEN" | b"LCS" | b"GETBIT" | b"BITCOUNT" | b"BITPOS"
        | b"BITFIELD_RO" | b"HSTRLEN" => Entry::refuse(READS_BYTES),
        b"INCR" | b"INCRBY" | b"INCRBYFLOAT" | b"DECR" | b"DECRBY" | b"HINCRBY"
        | b"HINCRBYFLOAT" => Entry::refuse(NUMERIC),
        b"LREM" | b"LPOS" | b"DELIFEQ" => Entry::refuse(COMPARES),
        // Inserts an element (a value) next to a pivot it compares with stored ones.
        b"LINSERT" => Entry::refuse(COMPARES).writing(V::At(4), List),
        b"SORT" | b"SORT_RO" => Entry::refuse(SORTS),
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

/// `HSCAN key cursor [MATCH pattern] [COUNT count] [NOVALUES]`: `true` with NOVALUES (the
/// reply then holds fields only).
fn hscan_novalues(args: &[&[u8]]) -> bool {
    let mut i = 3;
    while i < args.len() {
        if eq(args[i], "NOVALUES") {
            return true;
        }
        if eq(args[i], "MATCH") || eq(args[i], "COUNT") {
            i += 1; // skip the option's argument
        }
        i += 1;
    }
    false
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
                end: n.saturating_mul(2).saturating_add(2),
            },
            ValueType::String,
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
            return Entry::refuse(COMPARES).writing(ValueArgs::At(2), ValueType::String);
        } else if ["EX", "PX", "EXAT", "PXAT"].iter().any(|o| eq(opt, o)) {
            i += 1; // skip the option's argument
        }
        i += 1;
    }
    Entry::new(ValueArgs::At(2), ValueType::String, reply)
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
        assert_eq!(c("HSCAN h 0").reply, ReplyShape::ScanFieldValues);
        assert_eq!(
            c("hscan h 0 MATCH NOVALUES COUNT 5").reply,
            ReplyShape::ScanFieldValues
        );
        assert_eq!(c("HSCAN h 0 COUNT 5 NOVALUES").reply, ReplyShape::None);
        assert_eq!(c("HSET h f v").value_type, ValueType::Hash);
        assert_eq!(c("LPUSH l v").value_type, ValueType::List);
        assert_eq!(c("MSETEX 1 k v").value_type, ValueType::String);
    }

    #[test]
    fn huge_counts_do_not_overflow() {
        let hsetex = c("HSETEX h FIELDS 18446744073709551615 f v").values;
        assert!(hsetex.contains(5) && !hsetex.contains(4));
        let msetex = c("MSETEX 18446744073709551615 k v").values;
        assert!(msetex.contains(3));
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
            "SORT l",
            "sort_ro l BY nosort GET *",
        ] {
            assert!(c(cmd).refused.is_some(), "{cmd}");
        }
        assert_eq!(c("LINSERT l BEFORE a b").values, ValueArgs::At(4));
        assert_eq!(c("SET k v IFEQ old").values, ValueArgs::At(2));
        assert!(c("GET k").refused.is_none());
    }
}
