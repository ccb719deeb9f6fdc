//! [`ValueTypes`]: which kinds of Redis values a wrapper compresses on write.
//!
//! Reads always decode every type; this only decides writes. The default, strings only, is
//! the GLIDE-compatible choice: GLIDE 2.6 compresses and decodes string values only, so a GLIDE
//! client reading a hash field or a list element that kvcodec compressed would get the stored
//! (compressed) bytes.
//!
//! | setting | compressed on write | what GLIDE readers see |
//! |---|---|---|
//! | `strings` (default) | SET, MSET, SETEX, … values | every value as written |
//! | `strings,hashes` | + HSET, HSETNX, HSETEX, … values | hash values compressed |
//! | `strings,hashes,lists` (`all`) | + LPUSH, RPUSH, LSET, … elements | hash values and list elements compressed |
//!
//! ```
//! use kvcodec::{ValueType, ValueTypes};
//!
//! let types: ValueTypes = "strings,hashes".parse()?;
//! assert!(types.contains(ValueType::Hash) && !types.contains(ValueType::List));
//! assert_eq!(types.to_string(), "strings,hashes");
//! assert_eq!(ValueTypes::default(), ValueTypes::STRINGS);
//! # Ok::<(), kvcodec::Error>(())
//! ```

use std::fmt;
use std::str::FromStr;

use crate::Error;

/// One kind of value a command writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ValueType {
    /// A string key's value (SET, MSET, …).
    String,
    /// A hash field's value (HSET, …).
    Hash,
    /// A list element (LPUSH, LSET, …).
    List,
}

impl ValueType {
    /// Every type, in the order they are listed.
    pub const ALL: [ValueType; 3] = [ValueType::String, ValueType::Hash, ValueType::List];

    /// The plural name used in settings: `strings`, `hashes`, `lists`.
    pub const fn as_str(self) -> &'static str {
        match self {
            ValueType::String => "strings",
            ValueType::Hash => "hashes",
            ValueType::List => "lists",
        }
    }

    const fn bit(self) -> u8 {
        1 << self as u8
    }
}

/// A set of [`ValueType`]s. Written as a comma-separated list (`strings,hashes,lists`), or
/// `all` / `none`.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct ValueTypes(u8);

impl ValueTypes {
    /// No type: nothing is compressed on write (values that start with the header magic are
    /// still stored encoded so that they read back as written).
    pub const NONE: ValueTypes = ValueTypes(0);
    /// String values only: the default, readable by GLIDE.
    pub const STRINGS: ValueTypes = ValueTypes(ValueType::String.bit());
    /// Strings, hash values and list elements.
    pub const ALL: ValueTypes =
        ValueTypes(ValueType::String.bit() | ValueType::Hash.bit() | ValueType::List.bit());

    /// `true` if values of `ty` are compressed.
    pub const fn contains(self, ty: ValueType) -> bool {
        self.0 & ty.bit() != 0
    }

    /// This set plus `ty`.
    #[must_use]
    pub const fn with(self, ty: ValueType) -> ValueTypes {
        ValueTypes(self.0 | ty.bit())
    }

    /// The types in the set, in [`ValueType::ALL`] order.
    pub fn iter(self) -> impl Iterator<Item = ValueType> {
        ValueType::ALL
            .into_iter()
            .filter(move |t| self.contains(*t))
    }
}

impl Default for ValueTypes {
    fn default() -> Self {
        ValueTypes::STRINGS
    }
}

impl fmt::Display for ValueTypes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if *self == ValueTypes::NONE {
            return f.write_str("none");
        }
        let names: Vec<&str> = self.iter().map(ValueType::as_str).collect();
        f.write_str(&names.join(","))
    }
}

impl fmt::Debug for ValueTypes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ValueTypes({self})")
    }
}

impl FromStr for ValueTypes {
    type Err = Error;

    /// Parses `strings,hashes,lists` (any order, any case, singular or plural), `all` or
    /// `none`.
    fn from_str(s: &str) -> Result<Self, Error> {
        let invalid = |found: &str| Error::InvalidConfig {
            field: "value_types",
            found: format!("{found:?}"),
            expected: "a comma-separated list of strings, hashes, lists; or all, or none".into(),
        };
        let trimmed = s.trim().to_ascii_lowercase();
        match trimmed.as_str() {
            "all" => return Ok(ValueTypes::ALL),
            "none" => return Ok(ValueTypes::NONE),
            "" => return Err(invalid(s)),
            _ => {}
        }
        let mut set = ValueTypes::NONE;
        for part in trimmed.split(',').map(str::trim) {
            let ty = match part {
                "strings" | "string" => ValueType::String,
                "hashes" | "hash" => ValueType::Hash,
                "lists" | "list" => ValueType::List,
                _ => return Err(invalid(s)),
            };
            set = set.with(ty);
        }
        Ok(set)
    }
}

impl serde::Serialize for ValueTypes {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter().map(ValueType::as_str))
    }
}

impl<'de> serde::Deserialize<'de> for ValueTypes {
    /// A list (`["strings", "hashes"]`) or a string (`"strings,hashes"`, `"all"`).
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(serde::Deserialize)]
        #[serde(untagged)]
        enum Form {
            List(Vec<String>),
            Text(String),
        }
        let text = match Form::deserialize(d)? {
            Form::List(items) if items.is_empty() => "none".to_owned(),
            Form::List(items) => items.join(","),
            Form::Text(text) => text,
        };
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_and_print() {
        for (text, set) in [
            ("strings", ValueTypes::STRINGS),
            (
                "Lists, HASHES",
                ValueTypes::NONE.with(ValueType::List).with(ValueType::Hash),
            ),
            ("all", ValueTypes::ALL),
            ("none", ValueTypes::NONE),
            ("string,hash,list", ValueTypes::ALL),
        ] {
            assert_eq!(text.parse::<ValueTypes>().unwrap(), set, "{text}");
        }
        assert_eq!(ValueTypes::ALL.to_string(), "strings,hashes,lists");
        assert_eq!(ValueTypes::NONE.to_string(), "none");
        let err = "strings,sets"
            .parse::<ValueTypes>()
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("\"strings,sets\"") && err.contains("hashes"),
            "{err}"
        );
        assert!("".parse::<ValueTypes>().is_err());
    }

    #[test]
    fn serde_list_or_text() {
        let set: ValueTypes = serde_json::from_str(r#"["strings", "lists"]"#).unwrap();
        assert_eq!(set, ValueTypes::STRINGS.with(ValueType::List));
        let set: ValueTypes = serde_json::from_str(r#""all""#).unwrap();
        assert_eq!(set, ValueTypes::ALL);
        assert_eq!(
            serde_json::to_string(&ValueTypes::ALL).unwrap(),
            r#"["strings","hashes","lists"]"#
        );
        assert!(serde_json::from_str::<ValueTypes>(r#"["sets"]"#).is_err());
    }
}
