//! The command table: which arguments of a command are values, and which replies hold values.
//!
//! Decided by command semantics, never by "does this look like a header". Every command
//! Redis 7 and Valkey 9 know is in one of three classes ([`class_of`]), and a live test asks
//! both servers (`COMMAND LIST`) so a new server command cannot slip through unreviewed:
//!
//! - **value-aware** ([`VALUE_AWARE`]): value arguments are compressed on the way out (when
//!   their type is in the engine's [`kvcodec::ValueTypes`]) and values in the reply are decoded
//!   on the way back;
//! - **refused** ([`REFUSED`]): the command reads or edits the stored bytes on the server,
//!   which may be compressed, so the wrapper refuses it before anything is sent, unless the
//!   application allows it ([`crate::Compression::allow_incompatible`]);
//! - **passed through** ([`PASS_THROUGH`], reviewed one group at a time, each with the reason it
//!   is safe): keys, members, fields, scripts and administration — nothing in them is a value.
//!
//! A command in none of these (a module's, or one a future server adds) passes through
//! unchanged: its value arguments are stored plain (still readable) and values in its reply
//! come back as stored.

mod classify;
mod reviewed;

pub use classify::classify;
pub use reviewed::{Class, PASS_THROUGH, REFUSED, VALUE_AWARE, class_of, incompatible_family};

use kvcodec::ValueType;

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
    /// `[cursor, [field, value, …]]` (HSCAN without NOVALUES).
    ScanFieldValues,
    /// MULTI/EXEC: the array of the queued commands' replies, each by its own shape.
    Exec,
}

/// How the wrapper treats one command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    /// Value arguments, compressed on the way out.
    pub values: ValueArgs,
    /// The type of those values: they are compressed only if the engine's
    /// [`kvcodec::ValueTypes`] has it (values that start with the header magic are stored
    /// encoded whatever the type, so that they read back as written).
    pub value_type: ValueType,
    /// Where the reply holds values, decoded on the way back.
    pub reply: ReplyShape,
    /// Why the command is incompatible with compressed values, if it is.
    pub refused: Option<&'static str>,
}

impl Entry {
    /// A command with no value argument and no value in its reply.
    pub const PASS: Entry = Entry::reads(ReplyShape::None);

    /// A command writing values of `value_type` at `values`, replying with `reply`.
    pub const fn new(values: ValueArgs, value_type: ValueType, reply: ReplyShape) -> Entry {
        Entry {
            values,
            value_type,
            reply,
            refused: None,
        }
    }

    /// A command with no value argument, replying with `reply`.
    pub const fn reads(reply: ReplyShape) -> Entry {
        Entry::new(ValueArgs::None, ValueType::String, reply)
    }

    /// A command refused for `why`.
    pub const fn refuse(why: &'static str) -> Entry {
        Entry {
            refused: Some(why),
            ..Entry::PASS
        }
    }

    /// This entry, writing values of `value_type` at `values` (for a refused command that
    /// writes whole values, such as LINSERT: when an application allows it, those values are
    /// stored plain — but a value that starts with the header magic is still stored encoded,
    /// so that it reads back as written).
    pub const fn writing(self, values: ValueArgs, value_type: ValueType) -> Entry {
        Entry {
            values,
            value_type,
            ..self
        }
    }
}
