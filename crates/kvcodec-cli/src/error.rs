//! [`CliError`]: one line for stderr and the process exit code.

use std::fmt;
use std::path::Path;

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
pub const EXIT_STOPPED: u8 = 130;

/// An error the binary reports as `kvcodec: error: <message>` and exits with [`code`](Self::code)
/// (a clean stop, [`CliError::stopped`], as `kvcodec: <message>`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CliError {
    /// Process exit code ([`EXIT_USAGE`] or [`EXIT_FAILURE`]).
    pub code: u8,
    /// One line, without the `kvcodec: error:` prefix.
    pub message: String,
}

impl CliError {
    /// Bad arguments or bad input (exit code 2).
    pub fn usage(message: impl Into<String>) -> Self {
        Self::with_code(EXIT_USAGE, message)
    }

    /// A failure while running (exit code 1).
    pub fn failure(message: impl Into<String>) -> Self {
        Self::with_code(EXIT_FAILURE, message)
    }

    /// The key, field or element asked for does not exist (exit code [`EXIT_NOT_FOUND`]).
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::with_code(EXIT_NOT_FOUND, message)
    }

    /// A run stopped on request (exit code [`EXIT_STOPPED`]); printed as `kvcodec: <message>`,
    /// without `error:`.
    pub fn stopped(message: impl Into<String>) -> Self {
        Self::with_code(EXIT_STOPPED, message)
    }

    /// A run whose verification found values not in the promised state (exit code
    /// [`EXIT_UNVERIFIED`]).
    pub fn unverified(message: impl Into<String>) -> Self {
        Self::with_code(EXIT_UNVERIFIED, message)
    }

    /// `true` for [`CliError::stopped`]: not a failure, a clean stop.
    pub fn is_stop(&self) -> bool {
        self.code == EXIT_STOPPED
    }

    /// An input file or directory that cannot be read (exit code 2).
    pub fn unreadable(what: &str, path: &Path, err: &std::io::Error) -> Self {
        Self::usage(format!("cannot read {what} `{}`: {err}", path.display()))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_stay_on_one_line() {
        let e = CliError::failure("a\nb");
        assert_eq!((e.code, e.to_string().as_str()), (EXIT_FAILURE, "a b"));
        let io = std::io::Error::new(std::io::ErrorKind::NotFound, "gone");
        let e = CliError::unreadable("file", Path::new("x.bin"), &io);
        assert_eq!(
            (e.code, e.message.as_str()),
            (EXIT_USAGE, "cannot read file `x.bin`: gone")
        );
    }
}
