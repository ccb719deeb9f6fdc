//! [`Compression`]: the engine plus the command table, shared by every wrapped connection.

use std::borrow::Cow;
use std::collections::HashSet;
use std::sync::Arc;

use kvcodec::{Encoded, Engine, Mode};
use redis::{RedisResult, Value};

use crate::errors::{decode_error, encode_error, lost_transaction, refused};
use crate::table::{ReplyShape, classify, incompatible_family};
use crate::transaction::{Decode, Role};
use crate::{Borrowed, Compressed};

/// What to send for one command, and how to read its reply.
#[derive(Debug)]
pub(crate) struct Plan<'a> {
    /// `None`: send the command as it is. `Some`: send these arguments instead (the
    /// unchanged ones borrowed from the original command).
    pub args: Option<Vec<Cow<'a, [u8]>>>,
    /// The command name as sent (for error messages).
    pub name: &'a [u8],
    /// What the command is to the transaction bookkeeping.
    pub role: Role,
}

impl Plan<'_> {
    /// A command sent as it is whose reply is returned as it is.
    pub(crate) const PASS: Plan<'static> = Plan {
        args: None,
        name: b"",
        role: Role::Command(ReplyShape::None),
    };
}

/// The engine and the command table, shared by every connection it wraps.
///
/// ```no_run
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use std::sync::Arc;
/// use redis::Commands;
///
/// let config = kvcodec::Config { enabled: true, ..Default::default() };
/// let engine = config.build(&[&kvcodec_zstd::BACKEND, &kvcodec_lz4::BACKEND])?;
/// let compression = kvcodec_redis::Compression::new(Arc::new(engine));
/// let client = redis::Client::open("redis://127.0.0.1/")?;
/// let mut con = compression.wrap(client.get_connection()?);
/// let _: () = con.set("user:1", "{\"name\": \"…a large JSON document…\"}")?; // compressed by policy
/// let json: String = con.get("user:1")?;                                    // decoded
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct Compression {
    engine: Arc<Engine>,
    #[cfg(feature = "zstd")]
    pub(crate) fetch: Option<Arc<crate::fetch::DictionaryFetch>>,
    allow_all_incompatible: bool,
    allowed: HashSet<String>,
}

impl Compression {
    /// Wraps connections with `engine`'s mode, policy, value types and codecs.
    pub fn new(engine: Arc<Engine>) -> Self {
        Compression {
            engine,
            #[cfg(feature = "zstd")]
            fetch: None,
            allow_all_incompatible: false,
            allowed: HashSet::new(),
        }
    }

    /// Lets these commands (e.g. `INCR` on keys known to hold short plain counters) through
    /// unchanged instead of refusing them. Names are case-insensitive; `INCR` allows the whole
    /// counter family redis-rs's `Commands::incr`/`decr` send (`INCR`, `INCRBY`,
    /// `INCRBYFLOAT`, `DECR`, `DECRBY`) and `HINCRBY` allows `HINCRBYFLOAT`
    /// ([`crate::table::incompatible_family`]); any other name allows itself only.
    ///
    /// Allowing a command says the keys it touches hold plain values, and it is sent as it is.
    /// Whole values it writes (LINSERT's element, `SET … IFEQ`'s value) are still stored
    /// encoded when they start with the header magic, so they read back as written; the bytes
    /// APPEND and SETRANGE write are pieces of a value, not values, and are never encoded — a
    /// string built with them that starts with `00 01 02` (and happens to be a valid compressed
    /// value) reads back decoded.
    pub fn allow_incompatible<I, S>(mut self, commands: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        for name in commands {
            let upper = name.as_ref().to_ascii_uppercase();
            let family = incompatible_family(&upper);
            self.allowed.extend(family.iter().map(|n| (*n).to_owned()));
            self.allowed.insert(upper);
        }
        self
    }

    /// Lets every incompatible command through unchanged (the explicit opt-out).
    pub fn allow_all_incompatible(mut self) -> Self {
        self.allow_all_incompatible = true;
        self
    }

    /// Fetches dictionaries the engine lacks from the server, on the connection whose reply
    /// needs them, before decoding it (see [`crate::fetch`]): readers need no restart when a
    /// dictionary is pushed. `fetch` must fill the set the engine's
    /// [`ZstdDictCodec`](kvcodec_zstd::ZstdDictCodec) decodes with: make it with
    /// [`DictionaryFetch::for_codec`](crate::fetch::DictionaryFetch::for_codec) (feature `zstd`).
    ///
    /// ```no_run
    /// # fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    /// use std::sync::Arc;
    /// use kvcodec_redis::{Compression, dictionaries, fetch::DictionaryFetch};
    /// use kvcodec_zstd::ZstdDictCodec;
    ///
    /// let client = redis::Client::open("redis://127.0.0.1/")?;
    /// let mut con = client.get_connection()?;
    /// let reader = ZstdDictCodec::reader(dictionaries::shared(&mut con)?); // what the server has now
    /// let fetch = DictionaryFetch::for_codec(&reader); // grows the reader's own set
    /// let reader: Arc<dyn kvcodec::Codec> = Arc::new(reader);
    /// let engine = kvcodec::Engine::builder().codec(reader).mode(kvcodec::Mode::DecompressOnly).build()?;
    /// let compression = Compression::new(Arc::new(engine)).fetch_dictionaries(fetch);
    /// let mut con = compression.wrap(con); // decodes values of dictionaries pushed later too
    /// # Ok(()) }
    /// ```
    #[cfg(feature = "zstd")]
    pub fn fetch_dictionaries(mut self, fetch: crate::fetch::DictionaryFetch) -> Self {
        self.fetch = Some(Arc::new(fetch));
        self
    }

    /// The dictionary fetch, if configured (feature `zstd`).
    #[cfg(feature = "zstd")]
    pub fn dictionary_fetch(&self) -> Option<&crate::fetch::DictionaryFetch> {
        self.fetch.as_deref()
    }

    /// The engine.
    pub fn engine(&self) -> &Arc<Engine> {
        &self.engine
    }

    /// Wraps a sync or async connection (anything implementing redis-rs' `ConnectionLike`).
    pub fn wrap<C>(&self, inner: C) -> Compressed<C> {
        Compressed::new(inner, Arc::new(self.clone()))
    }

    /// Wraps a borrowed connection — the one inside a pool's guard (`&mut *pooled` for bb8,
    /// deadpool or r2d2) — without moving or cloning it.
    pub fn wrap_mut<'a, C: ?Sized>(&self, inner: &'a mut C) -> Compressed<Borrowed<'a, C>> {
        self.wrap(Borrowed(inner))
    }

    /// Plans one command: refuses incompatible ones and encodes value arguments.
    pub(crate) fn plan<'a>(&self, args: &[&'a [u8]]) -> RedisResult<Plan<'a>> {
        let Some(name) = args.first().copied() else {
            return Ok(Plan::PASS);
        };
        if self.engine.mode() == Mode::Off {
            return Ok(Plan { name, ..Plan::PASS });
        }
        let transaction = [
            (&b"MULTI"[..], Role::Multi),
            (b"EXEC", Role::Exec),
            (b"DISCARD", Role::Discard),
        ];
        if let Some((_, role)) = transaction
            .iter()
            .find(|(n, _)| name.eq_ignore_ascii_case(n))
        {
            return Ok(Plan {
                args: None,
                name,
                role: *role,
            });
        }
        let entry = classify(args);
        if let Some(why) = entry.refused {
            let upper = String::from_utf8_lossy(name).to_ascii_uppercase();
            if !self.allow_all_incompatible && !self.allowed.contains(&upper) {
                return Err(refused(&upper, why));
            }
        }
        // An allowed incompatible command keeps its values plain (the application said the
        // keys it touches hold plain values); look-alikes are still encoded.
        let compress =
            entry.refused.is_none() && self.engine.value_types().contains(entry.value_type);
        let mut new_args: Option<Vec<Cow<'a, [u8]>>> = None;
        for (i, arg) in args.iter().enumerate() {
            if !entry.values.contains(i) {
                continue;
            }
            let outcome = if compress {
                self.engine.encode_outcome(arg)
            } else {
                self.engine.encode_uncompressed(arg)
            };
            if let Encoded::Compressed(stored) = outcome.map_err(encode_error)? {
                let all = new_args
                    .get_or_insert_with(|| args.iter().map(|a| Cow::Borrowed(*a)).collect());
                all[i] = Cow::Owned(stored);
            }
        }
        Ok(Plan {
            args: new_args,
            name,
            role: Role::Command(entry.reply),
        })
    }

    /// Decodes the values in the reply to the command `name`.
    pub(crate) fn decode(&self, how: &Decode, reply: Value, name: &[u8]) -> RedisResult<Value> {
        if self.engine.mode() == Mode::Off {
            return Ok(reply);
        }
        match how {
            Decode::Shape(shape) => self.decode_shape(*shape, reply, name),
            Decode::Exec(shapes) => match (reply, shapes) {
                (Value::Array(items), Some(shapes)) if items.len() == shapes.len() => {
                    Ok(Value::Array(
                        items
                            .into_iter()
                            .zip(shapes)
                            .map(|(item, shape)| self.decode_shape(*shape, item, name))
                            .collect::<RedisResult<_>>()?,
                    ))
                }
                // The wrapper did not see every command of this transaction (some were sent
                // around it): pass the reply only if no value in it is compressed.
                (Value::Array(items), shapes) => {
                    if items.iter().any(has_header) {
                        Err(lost_transaction(items.len(), shapes.as_ref().map(Vec::len)))
                    } else {
                        Ok(Value::Array(items))
                    }
                }
                (other, _) => Ok(other), // nil (WATCH aborted) or an error
            },
        }
    }

    fn decode_shape(&self, shape: ReplyShape, reply: Value, name: &[u8]) -> RedisResult<Value> {
        let one = |v| self.decode_one(v, name);
        match (shape, reply) {
            (ReplyShape::None | ReplyShape::Exec, v) => Ok(v),
            // RESP3 attributes wrap a reply with out-of-band data: decode the reply inside.
            (shape, Value::Attribute { data, attributes }) => Ok(Value::Attribute {
                data: Box::new(self.decode_shape(shape, *data, name)?),
                attributes,
            }),
            (ReplyShape::Value | ReplyShape::Values, Value::Array(items)) => Ok(Value::Array(
                items.into_iter().map(one).collect::<RedisResult<_>>()?,
            )),
            (ReplyShape::Value, v) => one(v),
            (ReplyShape::FieldValues, Value::Map(pairs)) => Ok(Value::Map(
                pairs
                    .into_iter()
                    .map(|(f, v)| Ok((f, one(v)?)))
                    .collect::<RedisResult<_>>()?,
            )),
            (ReplyShape::FieldValues, Value::Array(items))
                if items.iter().all(|i| matches!(i, Value::Array(_))) =>
            {
                // RESP3 HRANDFIELD … WITHVALUES: [[f, v], …]
                let pairs = items
                    .into_iter()
                    .map(|pair| self.decode_shape(ReplyShape::KeyValue, pair, name))
                    .collect::<RedisResult<_>>()?;
                Ok(Value::Array(pairs))
            }
            (ReplyShape::FieldValues, Value::Array(items)) => Ok(Value::Array(
                items
                    .into_iter()
                    .enumerate()
                    .map(|(i, v)| if i % 2 == 1 { one(v) } else { Ok(v) })
                    .collect::<RedisResult<_>>()?,
            )),
            (ReplyShape::KeyValue, Value::Array(mut items)) if items.len() == 2 => {
                let v = items.pop().expect("two items");
                items.push(one(v)?);
                Ok(Value::Array(items))
            }
            (ReplyShape::KeyValues | ReplyShape::ScanFieldValues, Value::Array(mut items))
                if items.len() == 2 =>
            {
                let inner = match shape {
                    ReplyShape::KeyValues => ReplyShape::Values,
                    _ => ReplyShape::FieldValues,
                };
                let v = items.pop().expect("two items");
                items.push(self.decode_shape(inner, v, name)?);
                Ok(Value::Array(items))
            }
            (_, v) => Ok(v),
        }
    }

    fn decode_one(&self, v: Value, name: &[u8]) -> RedisResult<Value> {
        match v {
            Value::BulkString(stored) => {
                let len = stored.len();
                match self.engine.decode_vec(stored) {
                    Ok(plain) => Ok(Value::BulkString(plain)),
                    Err(e) => Err(decode_error(&e, name, len)),
                }
            }
            other => Ok(other),
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_are_decoded_inside() {
        let engine = kvcodec::Config {
            enabled: true,
            ..kvcodec::Config::default()
        }
        .build(&[&kvcodec_zstd::BACKEND])
        .unwrap();
        let value = b"{\"a\": 1, \"b\": [1, 2, 3]}".repeat(10);
        let stored = engine.encode(&value).unwrap().into_owned();
        let compression = Compression::new(Arc::new(engine));
        let reply = Value::Attribute {
            data: Box::new(Value::BulkString(stored)),
            attributes: vec![],
        };
        let decoded = compression
            .decode(&Decode::Shape(ReplyShape::Value), reply, b"GET")
            .unwrap();
        let Value::Attribute { data, .. } = decoded else {
            panic!("expected an attribute, found {decoded:?}")
        };
        assert_eq!(*data, Value::BulkString(value));
    }
}
