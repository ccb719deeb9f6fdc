//! The write policy: which values are compressed, and which compressed forms are kept.
//!
//! A [`Policy`] answers twice per value: [`Policy::admit`] before compressing (cheap checks on
//! the plain value) and [`Policy::keep`] after (is the stored form worth it?). Policies compose
//! with [`Policy::and`]:
//!
//! ```
//! use kvcodec::policy::{KeepIfSmaller, MaxSize, MinSavings, MinSize, Policy};
//!
//! // What `DefaultPolicy::new(64, None)` does, plus: keep only if at least 10 % is saved.
//! let policy = MinSize(64)
//!     .and(MaxSize(usize::MAX))
//!     .and(KeepIfSmaller)
//!     .and(MinSavings(0.10));
//! assert!(policy.admit(&[b'x'; 100]).is_ok());
//! assert!(policy.keep(100, 95).is_err()); // 5 % saved
//! ```
//!
//! An [`Engine`](crate::Engine) never asks its policy about a value that starts with the header
//! magic (`00 01 02`, 5 bytes or more): it stores such a value encoded whatever the policy says,
//! because stored plain it would read back as something else (the format has no escape byte;
//! encoding is the escape). See [`Engine::encode_outcome`](crate::Engine::encode_outcome).

use std::sync::Arc;

use crate::header::has_header;

/// Default minimum size ([`DefaultPolicy::min_size`], `min_compression_size`): 64 bytes, as in
/// GLIDE.
pub const DEFAULT_MIN_COMPRESSION_SIZE: usize = 64;

/// Smallest `min_compression_size` a [`crate::Config`] accepts, as in GLIDE: below it no value
/// can shrink past the 5-byte header.
pub const MIN_MIN_COMPRESSION_SIZE: usize = 6;

/// Why a value was stored without compression.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SkipReason {
    /// The engine's mode is `Off` or `DecompressOnly`, or it has no writer codec.
    Disabled,
    /// Shorter than the minimum size.
    TooSmall,
    /// Longer than the maximum size.
    TooLarge,
    /// Already starts with a kvcodec/GLIDE header; compressing it again would make it
    /// ambiguous on read.
    AlreadyCompressed,
    /// Header + payload would not be strictly shorter than the value.
    NotSmaller,
    /// Saved less than the configured minimum savings ratio.
    LowSavings,
    /// A value of a type the wrapper does not compress ([`crate::ValueTypes`]), written
    /// through [`crate::Engine::encode_uncompressed`].
    ValueType,
}

impl SkipReason {
    /// Every reason, in label order.
    pub const ALL: [SkipReason; 7] = [
        SkipReason::Disabled,
        SkipReason::TooSmall,
        SkipReason::TooLarge,
        SkipReason::AlreadyCompressed,
        SkipReason::NotSmaller,
        SkipReason::LowSavings,
        SkipReason::ValueType,
    ];

    /// Stable snake_case label.
    pub const fn as_str(self) -> &'static str {
        match self {
            SkipReason::Disabled => "disabled",
            SkipReason::TooSmall => "too_small",
            SkipReason::TooLarge => "too_large",
            SkipReason::AlreadyCompressed => "already_compressed",
            SkipReason::NotSmaller => "not_smaller",
            SkipReason::LowSavings => "low_savings",
            SkipReason::ValueType => "value_type",
        }
    }

    pub(crate) const fn index(self) -> usize {
        self as usize
    }
}

/// Decides which values are compressed. Both methods default to "yes".
pub trait Policy: Send + Sync {
    /// Before compressing: may `value` be compressed?
    fn admit(&self, value: &[u8]) -> Result<(), SkipReason> {
        let _ = value;
        Ok(())
    }

    /// After compressing: is a stored form of `stored_len` bytes (header included) worth
    /// keeping for a value of `original_len` bytes?
    fn keep(&self, original_len: usize, stored_len: usize) -> Result<(), SkipReason> {
        let _ = (original_len, stored_len);
        Ok(())
    }

    /// Both policies must agree; `self` is asked first.
    fn and<P: Policy>(self, other: P) -> And<Self, P>
    where
        Self: Sized,
    {
        And(self, other)
    }
}

/// Admits values of at least this many bytes ([`SkipReason::TooSmall`] otherwise).
#[derive(Debug, Clone, Copy)]
pub struct MinSize(pub usize);

impl Policy for MinSize {
    #[inline]
    fn admit(&self, value: &[u8]) -> Result<(), SkipReason> {
        if value.len() < self.0 {
            Err(SkipReason::TooSmall)
        } else {
            Ok(())
        }
    }
}

/// Admits values of at most this many bytes ([`SkipReason::TooLarge`] otherwise).
#[derive(Debug, Clone, Copy)]
pub struct MaxSize(pub usize);

impl Policy for MaxSize {
    #[inline]
    fn admit(&self, value: &[u8]) -> Result<(), SkipReason> {
        if value.len() > self.0 {
            Err(SkipReason::TooLarge)
        } else {
            Ok(())
        }
    }
}

/// Refuses values that already carry a header ([`SkipReason::AlreadyCompressed`]).
///
/// Not part of [`DefaultPolicy`]: an [`Engine`](crate::Engine) stores such values encoded
/// before asking any policy, so that they read back as written. This rule is for code that
/// uses a policy on its own, say to decide what a migration should leave alone.
#[derive(Debug, Clone, Copy)]
pub struct NotCompressed;

impl Policy for NotCompressed {
    #[inline]
    fn admit(&self, value: &[u8]) -> Result<(), SkipReason> {
        if has_header(value) {
            Err(SkipReason::AlreadyCompressed)
        } else {
            Ok(())
        }
    }
}

/// Keeps the compressed form only if it is strictly shorter, header included
/// ([`SkipReason::NotSmaller`] otherwise) — GLIDE's rule.
#[derive(Debug, Clone, Copy)]
pub struct KeepIfSmaller;

impl Policy for KeepIfSmaller {
    #[inline]
    fn keep(&self, original_len: usize, stored_len: usize) -> Result<(), SkipReason> {
        if stored_len < original_len {
            Ok(())
        } else {
            Err(SkipReason::NotSmaller)
        }
    }
}

/// Keeps the compressed form only if it saves at least this fraction of the value
/// (`0.2` = 20 %), header included ([`SkipReason::LowSavings`] otherwise).
#[derive(Debug, Clone, Copy)]
pub struct MinSavings(pub f64);

impl Policy for MinSavings {
    #[inline]
    fn keep(&self, original_len: usize, stored_len: usize) -> Result<(), SkipReason> {
        let saved = original_len.saturating_sub(stored_len) as f64;
        if original_len > 0 && saved >= self.0 * original_len as f64 {
            Ok(())
        } else {
            Err(SkipReason::LowSavings)
        }
    }
}

/// Two policies that must both agree. Built by [`Policy::and`].
#[derive(Debug, Clone, Copy)]
pub struct And<A, B>(pub A, pub B);

impl<A: Policy, B: Policy> Policy for And<A, B> {
    #[inline]
    fn admit(&self, value: &[u8]) -> Result<(), SkipReason> {
        self.0.admit(value)?;
        self.1.admit(value)
    }

    #[inline]
    fn keep(&self, original_len: usize, stored_len: usize) -> Result<(), SkipReason> {
        self.0.keep(original_len, stored_len)?;
        self.1.keep(original_len, stored_len)
    }
}

/// The policy a [`crate::Config`] builds. Its rules, in the order they are checked:
///
/// 1. [`MinSize`]`(min_size)` — values shorter than `min_compression_size` (default 64) are
///    stored as they are: the header and codec overhead outweigh any savings.
/// 2. [`MaxSize`]`(max_size)` — values longer than `max_compression_size` (default: no limit)
///    are stored as they are, bounding per-call latency and memory.
/// 3. [`KeepIfSmaller`] — the compressed form is kept only if header + payload is strictly
///    shorter than the value.
/// 4. [`MinSavings`]`(ratio)` — only when `min_savings` is set.
///
/// To rebuild it by hand (and add your own rules):
/// `MinSize(64).and(MaxSize(usize::MAX)).and(KeepIfSmaller)`.
///
/// Values that start with the header magic never reach the policy: the engine stores them
/// encoded (see the [module docs](self)).
#[derive(Debug, Clone, Copy)]
pub struct DefaultPolicy {
    /// Rule 1.
    pub min_size: usize,
    /// Rule 2.
    pub max_size: usize,
    /// Rule 4, if set.
    pub min_savings: Option<f64>,
}

impl DefaultPolicy {
    /// The default rules with these sizes.
    pub fn new(min_size: usize, max_size: Option<usize>) -> Self {
        DefaultPolicy {
            min_size,
            max_size: max_size.unwrap_or(usize::MAX),
            min_savings: None,
        }
    }
}

impl Default for DefaultPolicy {
    fn default() -> Self {
        DefaultPolicy::new(DEFAULT_MIN_COMPRESSION_SIZE, None)
    }
}

impl Policy for DefaultPolicy {
    #[inline]
    fn admit(&self, value: &[u8]) -> Result<(), SkipReason> {
        MinSize(self.min_size)
            .and(MaxSize(self.max_size))
            .admit(value)
    }

    #[inline]
    fn keep(&self, original_len: usize, stored_len: usize) -> Result<(), SkipReason> {
        KeepIfSmaller.keep(original_len, stored_len)?;
        match self.min_savings {
            Some(ratio) => MinSavings(ratio).keep(original_len, stored_len),
            None => Ok(()),
        }
    }
}

/// An engine's policy: [`DefaultPolicy`] held as itself, so its checks inline on the write
/// path; any other behind a pointer.
pub(crate) enum EnginePolicy {
    Default(DefaultPolicy),
    Custom(Box<dyn Policy>),
}

impl EnginePolicy {
    /// `policy`, held as a [`DefaultPolicy`] when it is one.
    pub(crate) fn new<P: Policy + 'static>(policy: P) -> Self {
        match (&policy as &dyn std::any::Any).downcast_ref::<DefaultPolicy>() {
            Some(default) => EnginePolicy::Default(*default),
            None => EnginePolicy::Custom(Box::new(policy)),
        }
    }
}

impl Policy for EnginePolicy {
    #[inline]
    fn admit(&self, value: &[u8]) -> Result<(), SkipReason> {
        match self {
            EnginePolicy::Default(p) => p.admit(value),
            EnginePolicy::Custom(p) => p.admit(value),
        }
    }

    #[inline]
    fn keep(&self, original_len: usize, stored_len: usize) -> Result<(), SkipReason> {
        match self {
            EnginePolicy::Default(p) => p.keep(original_len, stored_len),
            EnginePolicy::Custom(p) => p.keep(original_len, stored_len),
        }
    }
}

impl<P: Policy + ?Sized> Policy for Box<P> {
    fn admit(&self, value: &[u8]) -> Result<(), SkipReason> {
        (**self).admit(value)
    }
    fn keep(&self, original_len: usize, stored_len: usize) -> Result<(), SkipReason> {
        (**self).keep(original_len, stored_len)
    }
}

impl<P: Policy + ?Sized> Policy for Arc<P> {
    fn admit(&self, value: &[u8]) -> Result<(), SkipReason> {
        (**self).admit(value)
    }
    fn keep(&self, original_len: usize, stored_len: usize) -> Result<(), SkipReason> {
        (**self).keep(original_len, stored_len)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_policy_rules_in_order() {
        let p = DefaultPolicy::new(64, Some(1000));
        assert_eq!(p.admit(&[1; 63]), Err(SkipReason::TooSmall));
        assert_eq!(p.admit(&[1; 64]), Ok(()));
        assert_eq!(p.admit(&[1; 1001]), Err(SkipReason::TooLarge));
        let mut framed = vec![0, 1, 2, 0, 1];
        framed.resize(100, 7);
        assert_eq!(p.admit(&framed), Ok(()), "the engine escapes these first");
        assert_eq!(
            NotCompressed.admit(&framed),
            Err(SkipReason::AlreadyCompressed)
        );
        assert_eq!(p.keep(100, 100), Err(SkipReason::NotSmaller));
        assert_eq!(p.keep(100, 99), Ok(()));
        let p = DefaultPolicy {
            min_savings: Some(0.5),
            ..p
        };
        assert_eq!(p.keep(100, 51), Err(SkipReason::LowSavings));
        assert_eq!(p.keep(100, 50), Ok(()));
    }

    #[test]
    fn composed_by_hand_matches_default() {
        let by_hand = MinSize(64).and(MaxSize(usize::MAX)).and(KeepIfSmaller);
        let default = DefaultPolicy::default();
        for len in [0, 5, 63, 64, 65, 10_000] {
            let v = vec![b'a'; len];
            assert_eq!(by_hand.admit(&v), default.admit(&v), "len {len}");
            assert_eq!(by_hand.keep(len, 70), default.keep(len, 70), "len {len}");
        }
    }

    #[test]
    fn min_savings_of_empty_value_is_low() {
        assert_eq!(MinSavings(0.0).keep(0, 0), Err(SkipReason::LowSavings));
    }
}
