//! [`Compression`]: the engine plus the command table, shared by every wrapped connection.

use std::borrow::Cow;
use std::collections::HashSet;
use std::sync::Arc;

use kvcodec::{Engine, Mode};
use redis::{ErrorKind, RedisError, RedisResult, Value};

use crate::Compressed;
use crate::table::{ReplyShape, classify};

/// How the reply of one sent command is decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Decode {
    /// By the command's own shape.
    Shape(ReplyShape),
    /// An EXEC reply: one shape per queued command.
    Exec(Vec<ReplyShape>),
}

/// What to send for one command, and how to read its reply.
#[derive(Debug)]
pub(crate) struct Plan<'a> {
    /// `None`: send the command as it is. `Some`: send these arguments instead (the
    /// unchanged ones borrowed from the original command).
    pub args: Option<Vec<Cow<'a, [u8]>>>,
    pub decode: Decode,
}

/// MULTI … EXEC bookkeeping: the reply shapes of the commands queued so far.
#[derive(Debug, Clone, Default)]
pub(crate) struct Transaction {
    queued: Option<Vec<ReplyShape>>,
}

/// The engine and the command table, shared by every connection it wraps.
///
/// ```no_run
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use std::sync::Arc;
/// use redis::Commands;
///
/// let engine = kvcodec::Config::default().build(&[&kvcodec_zstd::BACKEND, &kvcodec_lz4::BACKEND])?;
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
    allow_all_incompatible: bool,
    allowed: HashSet<String>,
}

impl Compression {
    /// Wraps connections with `engine`'s mode, policy and codecs.
    pub fn new(engine: Arc<Engine>) -> Self {
        Compression {
            engine,
            allow_all_incompatible: false,
            allowed: HashSet::new(),
        }
    }

    /// Lets these commands (e.g. `INCR` on keys known to hold short plain counters) through
    /// unchanged instead of refusing them.
    pub fn allow_incompatible<I, S>(mut self, commands: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.allowed.extend(
            commands
                .into_iter()
                .map(|c| c.as_ref().to_ascii_uppercase()),
        );
        self
    }

    /// Lets every incompatible command through unchanged (the explicit opt-out).
    pub fn allow_all_incompatible(mut self) -> Self {
        self.allow_all_incompatible = true;
        self
    }

    /// The engine.
    pub fn engine(&self) -> &Arc<Engine> {
        &self.engine
    }

    /// Wraps a sync or async connection (anything implementing redis-rs' `ConnectionLike`).
    pub fn wrap<C>(&self, inner: C) -> Compressed<C> {
        Compressed::new(inner, Arc::new(self.clone()))
    }

    /// Plans one command: refuses incompatible ones, compresses value arguments, and tracks
    /// MULTI/EXEC so the EXEC reply is decoded per queued command.
    pub(crate) fn plan<'a>(
        &self,
        args: &[&'a [u8]],
        tx: &mut Transaction,
    ) -> RedisResult<Plan<'a>> {
        let pass = Plan {
            args: None,
            decode: Decode::Shape(ReplyShape::None),
        };
        let mode = self.engine.mode();
        let Some(name) = args.first() else {
            return Ok(pass);
        };
        if mode == Mode::Off {
            return Ok(pass);
        }
        if name.eq_ignore_ascii_case(b"MULTI") {
            tx.queued = Some(Vec::new());
            return Ok(pass);
        }
        if name.eq_ignore_ascii_case(b"DISCARD") {
            tx.queued = None;
            return Ok(pass);
        }
        let entry = classify(args);
        if entry.reply == ReplyShape::Exec {
            let shapes = tx.queued.take().unwrap_or_default();
            return Ok(Plan {
                args: None,
                decode: Decode::Exec(shapes),
            });
        }
        if let Some(why) = entry.refused {
            let upper = String::from_utf8_lossy(name).to_ascii_uppercase();
            if !self.allow_all_incompatible && !self.allowed.contains(&upper) {
                return Err(RedisError::from((
                    ErrorKind::Client,
                    "Command is incompatible with compression",
                    format!(
                        "Command '{upper}' is incompatible with compression: {why}. \
                         Nothing was sent. Allow it with Compression::allow_incompatible([\"{upper}\"]) \
                         if the keys it touches hold plain values."
                    ),
                )));
            }
        }
        let mut new_args: Option<Vec<Cow<'a, [u8]>>> = None;
        for (i, arg) in args.iter().enumerate() {
            if !entry.values.contains(i) {
                continue;
            }
            if let Cow::Owned(stored) = self.engine.encode(arg).map_err(encode_error)? {
                let all = new_args
                    .get_or_insert_with(|| args.iter().map(|a| Cow::Borrowed(*a)).collect());
                all[i] = Cow::Owned(stored);
            }
        }
        let decode = match &mut tx.queued {
            Some(queued) => {
                queued.push(entry.reply);
                Decode::Shape(ReplyShape::None) // the immediate reply is QUEUED
            }
            None => Decode::Shape(entry.reply),
        };
        Ok(Plan {
            args: new_args,
            decode,
        })
    }

    /// Decodes the values in one reply.
    pub(crate) fn decode(&self, how: &Decode, reply: Value) -> RedisResult<Value> {
        match how {
            Decode::Shape(shape) => self.decode_shape(*shape, reply),
            Decode::Exec(shapes) => match reply {
                Value::Array(items) if items.len() == shapes.len() => Ok(Value::Array(
                    items
                        .into_iter()
                        .zip(shapes)
                        .map(|(item, shape)| self.decode_shape(*shape, item))
                        .collect::<RedisResult<_>>()?,
                )),
                other => Ok(other), // nil (WATCH aborted) or an error
            },
        }
    }

    fn decode_shape(&self, shape: ReplyShape, reply: Value) -> RedisResult<Value> {
        match (shape, reply) {
            (ReplyShape::None | ReplyShape::Exec, v) => Ok(v),
            (ReplyShape::Value | ReplyShape::Values, Value::Array(items)) => self.decode_all(items),
            (ReplyShape::Value, v) => self.decode_one(v),
            (ReplyShape::FieldValues, Value::Map(pairs)) => Ok(Value::Map(
                pairs
                    .into_iter()
                    .map(|(f, v)| Ok((f, self.decode_one(v)?)))
                    .collect::<RedisResult<_>>()?,
            )),
            (ReplyShape::FieldValues, Value::Array(items))
                if items.iter().all(|i| matches!(i, Value::Array(_))) =>
            {
                // RESP3 HRANDFIELD … WITHVALUES: [[f, v], …]
                let pairs = items
                    .into_iter()
                    .map(|pair| self.decode_shape(ReplyShape::KeyValue, pair))
                    .collect::<RedisResult<_>>()?;
                Ok(Value::Array(pairs))
            }
            (ReplyShape::FieldValues, Value::Array(items)) => Ok(Value::Array(
                items
                    .into_iter()
                    .enumerate()
                    .map(|(i, v)| {
                        if i % 2 == 1 {
                            self.decode_one(v)
                        } else {
                            Ok(v)
                        }
                    })
                    .collect::<RedisResult<_>>()?,
            )),
            (ReplyShape::KeyValue, Value::Array(mut items)) if items.len() == 2 => {
                let v = items.pop().expect("two items");
                items.push(self.decode_one(v)?);
                Ok(Value::Array(items))
            }
            (ReplyShape::KeyValues, Value::Array(mut items)) if items.len() == 2 => {
                let v = items.pop().expect("two items");
                items.push(self.decode_shape(ReplyShape::Values, v)?);
                Ok(Value::Array(items))
            }
            (_, v) => Ok(v),
        }
    }

    fn decode_all(&self, items: Vec<Value>) -> RedisResult<Value> {
        Ok(Value::Array(
            items
                .into_iter()
                .map(|v| self.decode_one(v))
                .collect::<RedisResult<_>>()?,
        ))
    }

    fn decode_one(&self, v: Value) -> RedisResult<Value> {
        match v {
            Value::BulkString(stored) => Ok(Value::BulkString(
                self.engine.decode_vec(stored).map_err(decode_error)?,
            )),
            other => Ok(other),
        }
    }
}

fn encode_error(e: kvcodec::Error) -> RedisError {
    RedisError::from((
        ErrorKind::Client,
        "kvcodec could not compress a value",
        e.to_string(),
    ))
}

fn decode_error(e: kvcodec::Error) -> RedisError {
    RedisError::from((
        ErrorKind::Parse,
        "kvcodec could not decode a stored value",
        e.to_string(),
    ))
}
