//! The write path: [`Engine::encode_outcome`] and its byte-only forms.
//!
//! A stored form is built in the worst-case room its codec asks for, but kept at its own
//! length: forms of at most [`SCRATCH_MAX`] bytes (worst case) are built in a buffer each
//! thread reuses and copied into a `Vec` of exactly their length (one allocation, none at
//! all for a form the policy discards); larger ones are built in a `Vec` of the worst-case
//! size and shrunk in place (`realloc` splits the block, or `mremap`s a mapped one), so the
//! memory of a stored value is its length, not its codec's bound.

use std::borrow::Cow;
use std::cell::Cell;
use std::sync::Arc;

use crate::header::{HEADER_LEN, Header, has_header};
use crate::policy::Policy;
use crate::{Codec, Encoded, Engine, Error, Mode, SkipReason, Transfer};

/// Largest worst-case stored form built in the per-thread buffer.
const SCRATCH_MAX: usize = 32 * 1024;

/// Spare capacity a large stored form may keep rather than be shrunk.
const MAX_SLACK: usize = 64;

thread_local! {
    /// Each thread's buffer for small stored forms (at most `SCRATCH_MAX` bytes of room).
    static SCRATCH: Cell<Vec<u8>> = const { Cell::new(Vec::new()) };
}

impl Engine {
    /// The stored form of `value`: the header and compressed payload, or `value` itself
    /// (borrowed, not copied) when the mode or the policy says to store it plain.
    /// [`encode_outcome`](Self::encode_outcome) says which, and why.
    #[inline]
    pub fn encode<'a>(&self, value: &'a [u8]) -> Result<Cow<'a, [u8]>, Error> {
        Ok(self.encode_outcome(value)?.into_cow(value))
    }

    /// Like [`encode`](Self::encode) for an owned value, which is returned as it is (no copy)
    /// when stored plain.
    #[inline]
    pub fn encode_vec(&self, value: Vec<u8>) -> Result<Vec<u8>, Error> {
        Ok(self.encode_outcome(&value)?.into_vec(value))
    }

    /// The stored form of `value`, or why it is stored plain.
    ///
    /// A value that starts with the header magic (`00 01 02`, 5 bytes or more) is always stored
    /// encoded with the writer codec, whatever the mode (but `Off`) or the policy says: the
    /// format has no escape byte, so encoding is the escape, and such a value reads back
    /// byte-exact through kvcodec and GLIDE. These values are counted as compressed and as
    /// [`escaped`](crate::counters::CodecSnapshot::escaped).
    #[inline]
    pub fn encode_outcome(&self, value: &[u8]) -> Result<Encoded, Error> {
        self.encode_with(value, true)
    }

    /// The outcome for a value the caller does not compress (say, a value type a wrapper
    /// leaves plain): [`Encoded::Plain`] with [`SkipReason::ValueType`], unless it starts with
    /// the header magic, in which case it is encoded as [`encode_outcome`](Self::encode_outcome)
    /// describes, so that it reads back as written.
    pub fn encode_uncompressed(&self, value: &[u8]) -> Result<Encoded, Error> {
        self.encode_with(value, false)
    }

    #[inline]
    fn encode_with(&self, value: &[u8], compress: bool) -> Result<Encoded, Error> {
        if self.mode == Mode::Off {
            return Ok(self.skip(SkipReason::Disabled));
        }
        let Some(codec) = &self.writer else {
            return Ok(self.skip(SkipReason::Disabled));
        };
        if has_header(value) {
            return self.escape(codec, value);
        }
        if !compress {
            return Ok(self.skip(SkipReason::ValueType));
        }
        if self.mode != Mode::On {
            return Ok(self.skip(SkipReason::Disabled));
        }
        if let Err(reason) = self.policy.admit(value) {
            return Ok(self.skip(reason));
        }
        let start = self.clock.start();
        let mut refused = None;
        let stored = stored_form(codec.as_ref(), value, |len| {
            refused = self.policy.keep(value.len(), len).err();
            refused.is_none()
        })?;
        let took = start.map(|t| t.elapsed());
        let total = self.total(took);
        let Some(stored) = stored else {
            self.counters.record_compress_time(codec.id(), total);
            return Ok(self.skip(refused.unwrap_or(SkipReason::NotSmaller)));
        };
        self.compressed(codec.as_ref(), value.len(), &stored, took);
        Ok(Encoded::Compressed(stored))
    }

    /// Counts and reports one value stored compressed.
    #[inline]
    fn compressed(
        &self,
        codec: &dyn Codec,
        len: usize,
        stored: &[u8],
        took: Option<std::time::Duration>,
    ) {
        self.counters
            .record_compressed(codec.id(), len, stored.len(), self.total(took));
        if let Some(o) = &self.observer {
            o.compressed(Transfer::new(codec.id(), len, stored.len(), took));
        }
    }

    /// Encodes a value that starts with the header magic, whatever the policy says.
    #[cold]
    fn escape(&self, codec: &Arc<dyn Codec>, value: &[u8]) -> Result<Encoded, Error> {
        let start = self.clock.start();
        let stored = stored_form(codec.as_ref(), value, |_| true)?.expect("always kept");
        self.compressed(
            codec.as_ref(),
            value.len(),
            &stored,
            start.map(|t| t.elapsed()),
        );
        self.counters.record_escaped(codec.id());
        tracing::debug!(codec = %codec.id(), value_len = value.len(), "kvcodec: value starts with the header magic: stored encoded");
        Ok(Encoded::Compressed(stored))
    }

    fn skip(&self, reason: SkipReason) -> Encoded {
        self.counters.record_skip(reason);
        if let Some(o) = &self.observer {
            o.skipped(reason);
        }
        tracing::debug!(reason = reason.as_str(), "kvcodec: value stored plain");
        Encoded::Plain(reason)
    }
}

/// Header and payload of `value`, at its own length, if `keep(length)` says so.
#[inline]
fn stored_form(
    codec: &dyn Codec,
    value: &[u8],
    keep: impl FnOnce(usize) -> bool,
) -> Result<Option<Vec<u8>>, Error> {
    let room = HEADER_LEN.saturating_add(codec.max_compressed_len(value.len()));
    if room <= SCRATCH_MAX {
        let mut buf = SCRATCH.try_with(Cell::take).unwrap_or_default();
        buf.clear();
        let result = build(codec, value, &mut buf, room)
            .map(|()| keep(buf.len()).then(|| buf.as_slice().to_vec()));
        let _ = SCRATCH.try_with(|cell| cell.set(buf));
        return result;
    }
    let mut out = Vec::with_capacity(room);
    build(codec, value, &mut out, room)?;
    if !keep(out.len()) {
        return Ok(None);
    }
    if out.capacity() - out.len() > MAX_SLACK {
        out.shrink_to_fit();
    }
    Ok(Some(out))
}

/// Appends header and payload to the empty `out`, with `room` bytes reserved.
#[inline(always)]
fn build(codec: &dyn Codec, value: &[u8], out: &mut Vec<u8>, room: usize) -> Result<(), Error> {
    out.reserve(room);
    Header::new(codec.id()).write(out);
    let result = codec.compress(value, out);
    if let Err(err) = &result {
        compress_failed(codec, value.len(), err);
    }
    result
}

#[cold]
#[inline(never)]
fn compress_failed(codec: &dyn Codec, value_len: usize, err: &Error) {
    tracing::warn!(codec = %codec.id(), value_len, "kvcodec: compression failed: {err}");
}
