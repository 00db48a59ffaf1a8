//! Why a command could not do its work, and the exit code each reason
//! gives. (A broken chain is not an error here: it is `verify`'s answer.)

use std::io;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use agenthooks::audit::PATH_ENV;

/// Why a command stopped before finishing.
#[derive(Debug, thiserror::Error)]
pub(crate) enum CliError {
    /// No PATH was given and no deployment log path is known.
    #[error("no audit log path: give PATH, or set {PATH_ENV} (or HOME, for ~/.agenthooks/audit.jsonl)")]
    NoPath,
    /// The log could not be opened or read.
    #[error("cannot read `{}`: {source}; check the path and its permissions", path.display())]
    Read {
        /// The log.
        path: PathBuf,
        /// What the system said.
        source: io::Error,
    },
    /// The log could not be read, as the runtime's reader reports it.
    #[error(transparent)]
    Verify(#[from] agenthooks::audit::VerifyError),
    /// The key file could not be read, or holds too short a key.
    #[error(transparent)]
    Key(#[from] agenthooks::audit::KeyError),
    /// `--since` is not before `--until`, so no record could match.
    #[error("`--since` must be before `--until`: no record lies in an empty time range")]
    EmptyTimeRange,
    /// Standard output could not be written.
    #[error("cannot write the output: {0}")]
    Output(io::Error),
    /// Whoever read standard output closed it: nothing is left to print to.
    #[error("the output was closed")]
    Closed,
}

impl CliError {
    /// The `Read` error of `path`, for an I/O failure on it.
    pub(crate) fn read(path: &Path) -> impl FnOnce(io::Error) -> CliError + '_ {
        move |source| CliError::Read { path: path.to_owned(), source }
    }

    /// The error of a failed write to standard output.
    pub(crate) fn output(error: io::Error) -> CliError {
        match error.kind() {
            io::ErrorKind::BrokenPipe => CliError::Closed,
            _ => CliError::Output(error),
        }
    }

    /// The exit code this ends the command with: 0 when the output was
    /// closed (the reader has what it wanted), 2 otherwise.
    pub(crate) fn exit_code(&self) -> ExitCode {
        match self {
            CliError::Closed => ExitCode::SUCCESS,
            _ => ExitCode::from(2),
        }
    }
}
