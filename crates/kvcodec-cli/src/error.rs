//! [`CliError`]: one line for stderr and the process exit code — and the one place that
//! decides which exit code each domain error gets (the `From` impls below).
//!
//! | exit | when |
//! |---|---|
//! | 0 | success |
//! | 1 ([`EXIT_FAILURE`]) | a failure while running: an unreachable server, a server error, a codec failing |
//! | 2 ([`EXIT_USAGE`]) | bad usage or bad input: an unknown codec, a bad URL, an unreadable file |
//! | 3 ([`EXIT_UNVERIFIED`]) | `migrate`, `rollback` or `verify` left values not in the promised state |
//! | 4 ([`EXIT_NOT_FOUND`]) | the key, hash field or list element does not exist |
//! | 130 ([`EXIT_STOPPED`]) | `migrate`, `rollback` or `verify` stopped by a signal |
//!
//! Domain modules return their own typed errors and never print; commands turn them into a
//! [`CliError`] with `?`.

use std::fmt;

use kvcodec_redis::migrate::MigrateError;

use crate::assess::AssessError;
use crate::assess::sources::SourceError;
use crate::backends::SpecError;
use crate::files::Unreadable;
use crate::live::error::LiveError;
use crate::run::interrupt::{self, InterruptError};

/// Exit code for a failure while running (writing the output, a codec failing to compress).
pub const EXIT_FAILURE: u8 = 1;
/// Exit code for bad usage or bad input: an unknown codec, a level out of range, an
/// unreadable file, a value that does not decode under `--strict`.
pub const EXIT_USAGE: u8 = 2;
/// Exit code of a `migrate`, `rollback` or `verify` that ended with values not in the
/// promised state (listed by reason in its report).
pub const EXIT_UNVERIFIED: u8 = 3;
/// Exit code when the key, hash field or list element asked for does not exist (`get`,
/// `inspect --url`), so scripts can tell "absent" from "failed".
pub const EXIT_NOT_FOUND: u8 = 4;
/// Exit code of a `migrate` or `rollback` stopped by Ctrl-C or SIGTERM (128 + SIGINT, as a
/// shell reports it): its checkpoint is saved and the same command resumes it.
pub const EXIT_STOPPED: u8 = interrupt::EXIT_CODE;

/// An error the binary reports as `kvcodec: error: <message>` and exits with [`code`](Self::code)
/// (a clean stop, exit code [`EXIT_STOPPED`], as `kvcodec: <message>`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CliError {
    /// Process exit code: one of the `EXIT_*` constants of this module.
    pub code: u8,
    /// One line, without the `kvcodec: error:` prefix.
    pub message: String,
}

impl CliError {
    /// Bad arguments or bad input (exit code 2).
    pub(crate) fn usage(message: impl Into<String>) -> Self {
        Self::with_code(EXIT_USAGE, message)
    }

    /// A failure while running (exit code 1).
    pub(crate) fn failure(message: impl Into<String>) -> Self {
        Self::with_code(EXIT_FAILURE, message)
    }

    /// The key, field or element asked for does not exist (exit code [`EXIT_NOT_FOUND`]).
    pub(crate) fn not_found(message: impl Into<String>) -> Self {
        Self::with_code(EXIT_NOT_FOUND, message)
    }

    /// A run stopped on request (exit code [`EXIT_STOPPED`]); printed as `kvcodec: <message>`,
    /// without `error:`.
    pub(crate) fn stopped(message: impl Into<String>) -> Self {
        Self::with_code(EXIT_STOPPED, message)
    }

    /// A run whose verification found values not in the promised state (exit code
    /// [`EXIT_UNVERIFIED`]).
    pub(crate) fn unverified(message: impl Into<String>) -> Self {
        Self::with_code(EXIT_UNVERIFIED, message)
    }

    /// `true` for a run stopped on request ([`EXIT_STOPPED`]): not a failure, a clean stop.
    pub fn is_stop(&self) -> bool {
        self.code == EXIT_STOPPED
    }

    fn with_code(code: u8, message: impl Into<String>) -> Self {
        // Keep the report to one line whatever the message holds.
        let message = message.into().replace(['\n', '\r'], " ");
        CliError { code, message }
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for CliError {}

/// A codec spec that does not parse or build: bad usage.
impl From<SpecError> for CliError {
    fn from(e: SpecError) -> Self {
        CliError::usage(e.to_string())
    }
}

/// An input file that cannot be read: bad input.
impl From<Unreadable> for CliError {
    fn from(e: Unreadable) -> Self {
        CliError::usage(e.to_string())
    }
}

/// Live-server access: bad options are usage errors, a missing key is not-found, the rest
/// failures while running.
impl From<LiveError> for CliError {
    fn from(e: LiveError) -> Self {
        match e {
            LiveError::Unreadable(e) => e.into(),
            LiveError::Topology(e) => e.into(),
            LiveError::NotFound(_) => CliError::not_found(e.to_string()),
            LiveError::Options(_)
            | LiveError::WrongType(_)
            | LiveError::Dictionaries {
                for_writing: true, ..
            } => CliError::usage(e.to_string()),
            LiveError::Unreachable { .. }
            | LiveError::Server { .. }
            | LiveError::Dictionaries { .. }
            | LiveError::Engine(_) => CliError::failure(e.to_string()),
        }
    }
}

/// The migration library: bad options and checkpoint files are usage errors, everything
/// else (a node unreachable, a slot not served) a failure. The message names the node.
impl From<MigrateError> for CliError {
    fn from(e: MigrateError) -> Self {
        if e.is_usage() {
            CliError::usage(e.to_string())
        } else {
            CliError::failure(e.to_string())
        }
    }
}

/// A value source: unreadable files and empty sources are bad input, a failed walk of a
/// server a failure.
impl From<SourceError> for CliError {
    fn from(e: SourceError) -> Self {
        match e {
            SourceError::Unreadable(e) => e.into(),
            SourceError::Empty(_) => CliError::usage(e.to_string()),
            SourceError::Sampling(_) => CliError::failure(e.to_string()),
        }
    }
}

/// An assessment: no or bad candidates are bad usage, a codec failing a failure.
impl From<AssessError> for CliError {
    fn from(e: AssessError) -> Self {
        match e {
            AssessError::NoCandidates | AssessError::Spec(_) => CliError::usage(e.to_string()),
            AssessError::RoundTrip { .. }
            | AssessError::DictionaryRoundTrip { .. }
            | AssessError::DictionaryLoad(_)
            | AssessError::Codec(_) => CliError::failure(e.to_string()),
        }
    }
}

/// The stop flag cannot be set up: a failure.
impl From<InterruptError> for CliError {
    fn from(e: InterruptError) -> Self {
        CliError::failure(e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_stay_on_one_line() {
        let e = CliError::failure("a\nb");
        assert_eq!((e.code, e.to_string().as_str()), (EXIT_FAILURE, "a b"));
        let io = std::io::Error::new(std::io::ErrorKind::NotFound, "gone");
        let e = CliError::from(Unreadable {
            what: "file",
            path: "x.bin".into(),
            err: io,
        });
        assert_eq!(
            (e.code, e.message.as_str()),
            (EXIT_USAGE, "cannot read file `x.bin`: gone")
        );
    }

    #[test]
    fn bad_urls_are_usage_errors_without_the_password() {
        use crate::live::server::ServerUrl;
        let e = CliError::from(ServerUrl::parse("http://nope").unwrap_err());
        assert_eq!(e.code, crate::error::EXIT_USAGE);
        assert!(
            e.message
                .starts_with("bad --url \"http://nope\": expected redis://"),
            "{e}"
        );
        let e = CliError::from(ServerUrl::parse("redis://u:secret@h:1/x").unwrap_err());
        assert!(!e.message.contains("secret"), "{e}");
    }

    #[test]
    fn each_domain_error_has_its_exit_code() {
        let spec = crate::backends::CodecSpec::parse("brotli").unwrap_err();
        assert_eq!(CliError::from(spec).code, EXIT_USAGE);
        let missing = LiveError::NotFound("key `k` does not exist".into());
        assert_eq!(CliError::from(missing).code, EXIT_NOT_FOUND);
        let dict = |for_writing| LiveError::Dictionaries {
            addr: "h:1".into(),
            key: "kvcodec:dictionaries",
            err: "bad".into(),
            for_writing,
        };
        assert_eq!(CliError::from(dict(true)).code, EXIT_USAGE);
        assert_eq!(CliError::from(dict(false)).code, EXIT_FAILURE);
        assert_eq!(
            CliError::from(SourceError::Empty("x".into())).message,
            "no values to assess: x is empty"
        );
        assert_eq!(CliError::from(AssessError::NoCandidates).code, EXIT_USAGE);
        let io = std::io::Error::new(std::io::ErrorKind::NotFound, "gone");
        let e = CliError::from(SourceError::Unreadable(Unreadable {
            what: "directory",
            path: "d".into(),
            err: io,
        }));
        assert_eq!(
            (e.code, e.message.as_str()),
            (EXIT_USAGE, "cannot read directory `d`: gone")
        );
    }
}
