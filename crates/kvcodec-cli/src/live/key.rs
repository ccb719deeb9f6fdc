//! One stored value of a live key, for `get` and `inspect --url`: a string, a hash field
//! (`--field`) or a list element (`--index`), read as stored.

use redis::ConnectionLike;

use crate::live::error::LiveError;
use crate::live::server::ServerUrl;

/// Which value of a key to read.
#[derive(Debug, Clone, Default, clap::Args)]
pub(crate) struct LocationArgs {
    /// Read this field of a hash key.
    #[arg(long, value_name = "F", conflicts_with = "index")]
    pub(crate) field: Option<String>,
    /// Read the element at this index of a list key (negative counts from the end).
    #[arg(long, value_name = "I", allow_negative_numbers = true)]
    pub(crate) index: Option<i64>,
}

impl LocationArgs {
    /// The location named.
    pub(crate) fn location(&self) -> Location {
        match (&self.field, self.index) {
            (Some(f), _) => Location::Field(f.clone()),
            (None, Some(i)) => Location::Index(i),
            (None, None) => Location::String,
        }
    }
}

/// Which value of a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Location {
    /// The key is a string.
    String,
    /// A field of a hash.
    Field(String),
    /// An element of a list.
    Index(i64),
}

impl Location {
    /// `"string"`, `"hash field `f`"`, `"list element 3"`.
    pub(crate) fn describe(&self) -> String {
        match self {
            Location::String => "string".to_owned(),
            Location::Field(f) => format!("hash field `{f}`"),
            Location::Index(i) => format!("list element {i}"),
        }
    }

    /// The option this location needs on a key of type `kind`, or `None` if it fits.
    fn mismatch(&self, key: &str, kind: &str) -> Option<String> {
        let wants = match kind {
            "string" => "no --field or --index",
            "hash" => "--field F",
            "list" => "--index I",
            "none" => return Some(format!("key `{key}` does not exist")),
            other => {
                return Some(format!(
                    "key `{key}` is a {other}: expected a string, hash or list"
                ));
            }
        };
        let fits = matches!(
            (kind, self),
            ("string", Location::String)
                | ("hash", Location::Field(_))
                | ("list", Location::Index(_))
        );
        (!fits).then(|| format!("key `{key}` is a {kind}: expected {wants}"))
    }
}

/// A value as stored, with where it was and the key's TTL.
#[derive(Debug, Clone)]
pub(crate) struct Stored {
    /// The bytes as stored.
    pub(crate) bytes: Vec<u8>,
    /// The key's time to live in milliseconds; `None` without expiry.
    pub(crate) ttl_ms: Option<i64>,
}

/// Reads the value of `key` at `location`. A missing key, field or element is
/// [`LiveError::NotFound`] naming it; a key of another type [`LiveError::WrongType`].
pub(crate) fn fetch(
    server: &ServerUrl,
    con: &mut dyn ConnectionLike,
    key: &str,
    location: &Location,
) -> Result<Stored, LiveError> {
    let fail = |e: redis::RedisError| server.error(&format!("reading key `{key}`"), e);
    let kind: String = redis::cmd("TYPE").arg(key).query(con).map_err(fail)?;
    if kind == "none" {
        return Err(LiveError::NotFound(format!("key `{key}` does not exist")));
    }
    if let Some(message) = location.mismatch(key, &kind) {
        return Err(LiveError::WrongType(message));
    }
    let value: Option<Vec<u8>> = match location {
        Location::String => redis::cmd("GET").arg(key).query(con),
        Location::Field(f) => redis::cmd("HGET").arg(key).arg(f).query(con),
        Location::Index(i) => redis::cmd("LINDEX").arg(key).arg(*i).query(con),
    }
    .map_err(fail)?;
    let Some(bytes) = value else {
        let missing = match location {
            Location::String => format!("key `{key}` does not exist"),
            Location::Field(f) => format!("hash `{key}` has no field `{f}`"),
            Location::Index(i) => {
                let len: i64 = redis::cmd("LLEN").arg(key).query(con).map_err(fail)?;
                format!("list `{key}` has no element at index {i}: it has {len}")
            }
        };
        return Err(LiveError::NotFound(missing));
    };
    let ttl: i64 = redis::cmd("PTTL").arg(key).query(con).map_err(fail)?;
    Ok(Stored {
        bytes,
        ttl_ms: (ttl >= 0).then_some(ttl),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_must_fit_the_type() {
        let s = Location::String;
        assert_eq!(s.mismatch("k", "string"), None);
        assert_eq!(
            s.mismatch("k", "hash").unwrap(),
            "key `k` is a hash: expected --field F"
        );
        assert_eq!(
            Location::Field("f".into()).mismatch("k", "string").unwrap(),
            "key `k` is a string: expected no --field or --index"
        );
        assert_eq!(Location::Index(-1).mismatch("k", "list"), None);
        assert_eq!(s.mismatch("k", "none").unwrap(), "key `k` does not exist");
        assert!(s.mismatch("k", "zset").unwrap().contains("is a zset"));
        assert_eq!(Location::Field("f".into()).describe(), "hash field `f`");
    }
}
