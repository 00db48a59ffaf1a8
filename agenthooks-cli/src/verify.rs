//! `audit verify`: the runtime's check of the whole chain, with the log's
//! key and shipped checkpoints when given, reported with the command's exit
//! codes.

use std::path::Path;
use std::process::ExitCode;

use agenthooks::audit::{self, ChainKey, Checkpoint, TornTail, VerifyOptions};

use crate::args::VerifyArgs;
use crate::error::CliError;

/// Runs `audit verify` on the log at `path`: prints the line count and last
/// hash and succeeds when the chain is intact; prints the first bad line
/// (or why the log fails its key or checkpoints) and exits 1 when it is
/// not; fails (exit 2) when the log, its key or the checkpoints cannot be
/// read, or the log is keyed and no key was given.
pub(crate) fn verify(path: &Path, args: &VerifyArgs) -> Result<ExitCode, CliError> {
    let torn_tail = if args.allow_torn_tail { TornTail::Ignore } else { TornTail::Reject };
    let mut options = VerifyOptions::default().torn_tail(torn_tail);
    let key = match &args.key_file {
        Some(file) => Some(ChainKey::from_file(file)?),
        None => ChainKey::from_env()?,
    };
    if let Some(key) = key {
        options = options.key(key);
    }
    if let Some(file) = &args.checkpoints {
        options = options.checkpoints(Checkpoint::read_file(file)?);
    }
    match audit::verify_with(path, &options) {
        Ok(verified) => {
            println!("{}: {verified}", path.display());
            Ok(ExitCode::SUCCESS)
        }
        Err(error) if error.is_unchecked() => Err(error.into()),
        Err(broken) => {
            println!("{}: {broken}", path.display());
            Ok(ExitCode::FAILURE)
        }
    }
}
