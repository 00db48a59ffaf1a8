//! The `agenthooks` command: verifies and reads the audit logs that agents
//! built on agenthooks write.
//!
//! ```text
//! agenthooks audit verify [--allow-torn-tail] [--key-file FILE] [--checkpoints FILE] [PATH]
//! agenthooks audit tail [-n N] [-f] [--json] [--point P] [--hook H] [--tenant T]
//!                       [--status S] [--since TIME] [--until TIME] [PATH]
//! ```
//!
//! PATH defaults to a deployment's log, as the runtime's
//! [`AuditConfig::deployment_path`] names it. Exit codes: 0 success (for
//! `verify`, the chain is intact), 1 the chain is broken, not sealed with
//! the given key, or differs from a shipped checkpoint (`verify`), 2 the
//! log, its key or the checkpoints cannot be read (a keyed log without its
//! key), the command line is wrong, or the output cannot be written.

mod args;
mod error;
mod escape;
mod filter;
mod follow;
mod log;
mod output;
mod scan;
mod tail;
mod time;
mod verify;

use std::path::PathBuf;
use std::process::ExitCode;

use agenthooks::audit::AuditConfig;
use clap::Parser;

use crate::args::{Audit, Cli, Command};
use crate::error::CliError;
use crate::output::warn;

fn main() -> ExitCode {
    let Cli { command: Command::Audit(audit) } = Cli::parse();
    let result = match audit {
        Audit::Verify(args) => log_path(args.path.clone()).and_then(|path| verify::verify(&path, &args)),
        Audit::Tail(args) => {
            log_path(args.path.clone()).and_then(|path| tail::tail(&path, args)).map(|()| ExitCode::SUCCESS)
        }
    };
    result.unwrap_or_else(|error| {
        if !matches!(error, CliError::Closed) {
            warn(&error);
        }
        error.exit_code()
    })
}

/// The log to read: `given`, else a deployment's log.
fn log_path(given: Option<PathBuf>) -> Result<PathBuf, CliError> {
    match given {
        Some(path) => Ok(path),
        None => AuditConfig::deployment_path().ok_or(CliError::NoPath),
    }
}
