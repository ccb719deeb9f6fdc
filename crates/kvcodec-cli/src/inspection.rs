//! What a stored value is, without changing it: header, codec, sizes, ratio, and why it does
//! not decode when it does not (`kvcodec inspect`, offline or for a live key).

use std::sync::Arc;

use kvcodec::header::{HEADER_LEN, MAGIC, VERSION};
use kvcodec::{Codec, CodecId, FailureKind, Header, decode_with_limit};
use serde::Serialize;

use crate::backends;
use crate::units::human_bytes;

/// What a stored value is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Status {
    /// No header: a plain value, read as it is.
    Plain,
    /// A header and a payload that decodes.
    Compressed,
    /// A header, but the payload does not decode.
    Corrupt,
    /// A header naming a codec this binary does not have.
    UnknownCodec,
    /// A header with a version other than 0.
    UnsupportedVersion,
    /// Decodes past `--max-size`.
    TooLarge,
}

impl Status {
    /// The kebab-case name, as in the JSON output.
    pub(crate) const fn as_str(self) -> &'static str {
        match self {
            Status::Plain => "plain",
            Status::Compressed => "compressed",
            Status::Corrupt => "corrupt",
            Status::UnknownCodec => "unknown-codec",
            Status::UnsupportedVersion => "unsupported-version",
            Status::TooLarge => "too-large",
        }
    }
}

/// The findings of `inspect`; what `--json` prints.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct Inspection {
    /// Overall verdict.
    pub(crate) status: Status,
    /// `true` if the value starts with a kvcodec/GLIDE header.
    pub(crate) header: bool,
    /// Header version byte.
    pub(crate) version: Option<u8>,
    /// Header codec id.
    pub(crate) codec_id: Option<u8>,
    /// Codec name, when known.
    pub(crate) codec: Option<String>,
    /// Bytes as stored.
    pub(crate) stored_size: usize,
    /// Decoded size the payload declares (`None`: not declared or unreadable).
    pub(crate) declared_size: Option<u64>,
    /// Decoded size, when it decodes.
    pub(crate) decoded_size: Option<usize>,
    /// Decoded size / stored size.
    pub(crate) ratio: Option<f64>,
    /// Why it does not decode.
    pub(crate) error: Option<String>,
    /// One sentence for people.
    pub(crate) description: String,
}

/// Inspects `stored`, decoding at most `max_size` bytes with the compiled-in backends.
pub(crate) fn inspect(stored: &[u8], max_size: usize) -> Inspection {
    inspect_with(stored, max_size, &|id| {
        if id == CodecId::ZSTD_DICT {
            // Offline there are no dictionaries: the frame is read, its dictionary unknown.
            let reader = kvcodec_zstd::ZstdDictCodec::reader(kvcodec_zstd::Dictionaries::new());
            return Some(Arc::new(reader) as Arc<dyn Codec>);
        }
        backends::by_id(id).and_then(|b| b.codec(None).ok())
    })
}

/// Inspects `stored`, decoding at most `max_size` bytes with the codec `codec_for` gives for
/// the header's id (a reader engine's registry, say, with dictionaries loaded).
pub(crate) fn inspect_with(
    stored: &[u8],
    max_size: usize,
    codec_for: &dyn Fn(CodecId) -> Option<Arc<dyn Codec>>,
) -> Inspection {
    let mut found = Inspection {
        status: Status::Plain,
        header: false,
        version: None,
        codec_id: None,
        codec: None,
        stored_size: stored.len(),
        declared_size: None,
        decoded_size: None,
        ratio: None,
        error: None,
        description: String::new(),
    };
    let Some((header, payload)) = Header::parse(stored) else {
        found.description = if stored.starts_with(&MAGIC) {
            format!(
                "plain value: starts like a header but is shorter than its {HEADER_LEN} bytes; read as it is"
            )
        } else {
            "plain value: no kvcodec/GLIDE header (00 01 02 …); read as it is".to_owned()
        };
        return found;
    };
    found.header = true;
    found.version = Some(header.version);
    found.codec_id = Some(header.codec.0);
    let backend = backends::by_id(header.codec);
    found.codec = backend
        .map(|b| b.name.to_owned())
        .or(header.codec.known_name().map(str::to_owned));
    let fail = |mut f: Inspection, status, error: String| {
        f.description = format!("header present, but the value does not decode: {error}");
        f.status = status;
        f.error = Some(error);
        f
    };
    if header.version != VERSION {
        let e = format!(
            "unsupported header version {:#04x}; expected {VERSION:#04x}",
            header.version
        );
        return fail(found, Status::UnsupportedVersion, e);
    }
    let Some(codec) = codec_for(header.codec) else {
        let names: Vec<_> = backends::ALL.iter().map(|b| b.id.to_string()).collect();
        let e = format!(
            "no codec for header codec id {}; this binary has {}",
            header.codec,
            names.join(", ")
        );
        return fail(found, Status::UnknownCodec, e);
    };
    found.declared_size = codec.declared_len(payload).ok().flatten();
    match decode_with_limit(&*codec, payload, max_size) {
        Ok(plain) => {
            found.status = Status::Compressed;
            found.decoded_size = Some(plain.len());
            found.ratio = (!stored.is_empty()).then(|| plain.len() as f64 / stored.len() as f64);
            found.description = format!(
                "{} value: {} stored, {} decoded",
                header.codec,
                human_bytes(stored.len() as u64),
                human_bytes(plain.len() as u64)
            );
            found
        }
        Err(e) if e.failure_kind() == Some(FailureKind::SizeLimit) => {
            fail(found, Status::TooLarge, format!("{e} (raise --max-size)"))
        }
        Err(e) => fail(found, Status::Corrupt, e.to_string()),
    }
}

/// `"22 bytes"` or `"20480 bytes (20 KiB)"`.
fn size(n: u64) -> String {
    if n < 1024 {
        format!("{n} bytes")
    } else {
        format!("{n} bytes ({})", human_bytes(n))
    }
}

/// The text form.
pub(crate) fn render(f: &Inspection) -> String {
    let mut lines = Vec::new();
    let header = match f.version {
        Some(v) => format!("yes (magic 00 01 02, version {v})"),
        None => "no".to_owned(),
    };
    lines.push(("status", f.status.as_str().to_owned()));
    lines.push(("header", header));
    if let Some(id) = f.codec_id {
        let name = f.codec.as_deref().unwrap_or("unknown");
        lines.push(("codec", format!("{name} (id {id:#04x})")));
    }
    lines.push(("stored size", size(f.stored_size as u64)));
    if f.header {
        let declared = f.declared_size.map_or("not declared".to_owned(), size);
        lines.push(("declared size", declared));
        let decoded = f.decoded_size.map_or("-".to_owned(), |n| size(n as u64));
        lines.push(("decoded size", decoded));
    }
    if let (Some(ratio), Some(decoded)) = (f.ratio, f.decoded_size) {
        let saved = 100.0 * (1.0 - f.stored_size as f64 / decoded.max(1) as f64);
        lines.push(("ratio", format!("{ratio:.2}x ({saved:.1} % saved)")));
    }
    if let Some(e) = &f.error {
        lines.push(("error", e.clone()));
    }
    lines.push(("description", f.description.clone()));
    lines
        .iter()
        .map(|(k, v)| format!("{:<14} {v}\n", format!("{k}:")))
        .collect()
}

/// `inspect KEY --url`: the offline inspection plus where the value lives.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct KeyInspection {
    /// The key.
    pub(crate) key: String,
    /// `"string"`, `"hash field `f`"`, `"list element 3"`.
    pub(crate) value: String,
    /// The key's TTL in milliseconds (`None`: no expiry).
    pub(crate) ttl_ms: Option<i64>,
    /// What the stored value is.
    #[serde(flatten)]
    pub(crate) inspection: Inspection,
}

impl KeyInspection {
    /// The text form: key, value, TTL, then the offline inspection's lines.
    pub(crate) fn render(&self) -> String {
        let ttl = self
            .ttl_ms
            .map_or("none".to_owned(), |ms| format!("{ms} ms"));
        format!(
            "{:<14} {}\n{:<14} {}\n{:<14} {ttl}\n{}",
            "key:",
            self.key,
            "value:",
            self.value,
            "ttl:",
            render(&self.inspection)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verdicts() {
        let lz4 = [
            0, 1, 2, 0, 2, 100, 0, 0, 0, 0x1f, 0x61, 1, 0, 0x4b, 0x50, 0x61, 0x61, 0x61, 0x61, 0x61,
        ];
        let found = inspect(&lz4, 1 << 20);
        assert_eq!(
            (found.status, found.declared_size, found.decoded_size),
            (Status::Compressed, Some(100), Some(100))
        );
        assert_eq!(found.ratio, Some(5.0));
        assert!(render(&found).contains("ratio:         5.00x (80.0 % saved)"));

        let mut future = lz4;
        future[3] = 1;
        let found = inspect(&future, 1 << 20);
        assert_eq!(found.status, Status::UnsupportedVersion);
        assert!(found.error.unwrap().contains("version 0x01"));

        let found = inspect(&[0, 1, 2, 0], 1 << 20);
        assert_eq!(found.status, Status::Plain);
        assert!(found.description.contains("shorter than its 5 bytes"));

        let found = inspect(&lz4, 99);
        assert_eq!(found.status, Status::TooLarge);
        assert_eq!(found.status.as_str(), "too-large");
    }
}
