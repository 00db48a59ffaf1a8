//! `audit verify`: the runtime's check of the whole chain, reported with
//! the command's exit codes.

use std::path::Path;
use std::process::ExitCode;

use agenthooks::audit::{self, TornTail, VerifyError};

use crate::error::CliError;

/// Runs `audit verify` on the log at `path`: prints the line count and last
/// hash and succeeds when the chain is intact; prints the first bad line
/// and exits 1 when it is not.
pub(crate) fn verify(path: &Path, allow_torn_tail: bool) -> Result<ExitCode, CliError> {
    let torn_tail = if allow_torn_tail { TornTail::Ignore } else { TornTail::Reject };
    match audit::verify(path, torn_tail) {
        Ok(verified) => {
            println!("{}: {verified}", path.display());
            Ok(ExitCode::SUCCESS)
        }
        Err(error @ VerifyError::Read { .. }) => Err(error.into()),
        Err(broken) => {
            println!("{}: {broken}", path.display());
            Ok(ExitCode::FAILURE)
        }
    }
}
