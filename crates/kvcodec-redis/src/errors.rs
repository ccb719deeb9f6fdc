//! The errors the wrapper raises, as `redis::RedisError`s a caller can tell apart.
//!
//! | what | `kind()` | `code()` |
//! |---|---|---|
//! | a stored value did not decode (`OnCorrupt::Error`, or over `max_decompressed_size`) | `Extension` | [`DECODE_ERROR_CODE`] |
//! | a value could not be compressed | `Extension` | [`ENCODE_ERROR_CODE`] |
//! | a command refused as incompatible with compression (nothing was sent) | `Client` | — |
//!
//! Messages name the command, the codec and the sizes, never a key or a value. Decode and
//! encode errors are not connection failures: redis-rs never retries or reconnects on them.
//!
//! ```
//! let err = kvcodec_redis::errors::decode_error(
//!     &kvcodec::Error::corrupt(kvcodec::CodecId::ZSTD, "bad frame"),
//!     b"get",
//!     120,
//! );
//! assert!(kvcodec_redis::errors::is_decode_error(&err));
//! assert_eq!(
//!     err.to_string(),
//!     "\"KVCODEC_DECODE\": GET reply: a stored value of 120 bytes did not decode: zstd (0x01): corrupt payload: bad frame"
//! );
//! ```

use redis::{ErrorKind, RedisError, make_extension_error};

/// `RedisError::code()` of a stored value that failed to decode.
pub const DECODE_ERROR_CODE: &str = "KVCODEC_DECODE";
/// `RedisError::code()` of a value that failed to compress.
pub const ENCODE_ERROR_CODE: &str = "KVCODEC_ENCODE";

/// `true` if `err` is a stored value that failed to decode.
pub fn is_decode_error(err: &RedisError) -> bool {
    err.code() == Some(DECODE_ERROR_CODE)
}

/// The error for a value in the reply to `command` (`stored_len` bytes as stored) that did not
/// decode.
pub fn decode_error(err: &kvcodec::Error, command: &[u8], stored_len: usize) -> RedisError {
    let command = String::from_utf8_lossy(command).to_ascii_uppercase();
    make_extension_error(
        DECODE_ERROR_CODE.to_owned(),
        Some(format!(
            "{command} reply: a stored value of {stored_len} bytes did not decode: {err}"
        )),
    )
}

pub(crate) fn encode_error(err: kvcodec::Error) -> RedisError {
    make_extension_error(
        ENCODE_ERROR_CODE.to_owned(),
        Some(format!("a value could not be compressed: {err}")),
    )
}

/// A command refused before anything was sent.
pub(crate) fn refused(upper: &str, why: &str) -> RedisError {
    RedisError::from((
        ErrorKind::Client,
        "Command is incompatible with compression",
        format!(
            "Command '{upper}' is incompatible with compression: {why}. Nothing was sent. \
             Allow it with Compression::allow_incompatible([\"{upper}\"]) if the keys it \
             touches hold plain values."
        ),
    ))
}

/// An EXEC reply holding compressed values for commands the wrapper did not see queued.
pub(crate) fn lost_transaction(replies: usize, tracked: Option<usize>) -> RedisError {
    let tracked = match tracked {
        Some(n) => format!("{n} commands queued through the wrapper"),
        None => "no MULTI seen by the wrapper".to_owned(),
    };
    make_extension_error(
        DECODE_ERROR_CODE.to_owned(),
        Some(format!(
            "EXEC reply: {replies} replies for {tracked}, and some hold compressed values: \
             the transaction was run partly around the wrapper, so they cannot be matched to \
             their commands (send MULTI, the commands and EXEC through the wrapper)"
        )),
    )
}
