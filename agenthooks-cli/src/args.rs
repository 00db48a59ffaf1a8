//! The command line: what each subcommand takes, and the help text that
//! says it, exit codes included.

use std::path::PathBuf;

use agenthooks::Status;
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::time::Timestamp;

/// The exit codes, as every help text lists them.
const EXIT_CODES: &str = "\
Exit codes:
  0  success; for `audit verify`, the chain is intact
  1  `audit verify` only: the chain is broken (a line was edited, deleted, inserted, moved or cut),
     the log was not sealed with the given key, or it differs from a shipped checkpoint
  2  the log cannot be read (nor its key or checkpoints; or a keyed log was given no key),
     the command line is wrong, or the output cannot be written";

/// Where the log is when PATH is not given, as every help text says it.
const DEFAULT_PATH: &str = "The audit log [default: $AGENTHOOKS_AUDIT_PATH, else ~/.agenthooks/audit.jsonl]";

/// What `--key-file` takes, as its help text says it.
const KEY_FILE_HELP: &str = "The file holding the key of a keyed log (its bytes, without a trailing newline) \
[default: $AGENTHOOKS_AUDIT_KEY_FILE]. With a key, an unkeyed log fails";

/// Verifies and reads the audit logs of agents built on agenthooks.
#[derive(Debug, Parser)]
#[command(name = "agenthooks", version, after_help = EXIT_CODES)]
pub(crate) struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub(crate) command: Command,
}

/// The command's subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Check or read an audit log.
    #[command(subcommand, after_help = EXIT_CODES)]
    Audit(Audit),
}

/// What `agenthooks audit` does.
#[derive(Debug, Subcommand)]
pub(crate) enum Audit {
    /// Check every line's hash, sequence number and link to the line before.
    ///
    /// Prints the number of lines and the last hash when the chain is intact
    /// (keep that hash elsewhere, or give the checkpoints the writer shipped:
    /// lines cut off the end leave a shorter, valid chain), or the first bad
    /// line when it is not. A keyed log needs its key (`--key-file`).
    #[command(after_help = EXIT_CODES)]
    Verify(VerifyArgs),
    /// Print the last records, oldest first, optionally filtered, then
    /// optionally follow the file.
    ///
    /// Each record is one line. Text a hook wrote (an error, a block reason)
    /// is printed with control characters escaped (`\n`, `\r`, `\t`, `\\`,
    /// `\u{1b}`), so it cannot start a new line or drive the terminal.
    /// Records are not verified: run `audit verify` for that.
    ///
    /// Filters: a record must pass every filter given; repeat a filter to
    /// accept any of its values. A line that is not an audit record passes
    /// no filter; without filters it is shown, marked as such.
    #[command(after_help = EXIT_CODES)]
    Tail(TailArgs),
}

/// The arguments of `audit verify`.
#[derive(Debug, Args)]
pub(crate) struct VerifyArgs {
    /// Accept a last line cut mid-write (a writer crashed) and say so,
    /// instead of failing on it.
    #[arg(long)]
    pub(crate) allow_torn_tail: bool,
    #[doc = "The key of a keyed log"]
    #[arg(long, value_name = "FILE", help = KEY_FILE_HELP)]
    pub(crate) key_file: Option<PathBuf>,
    /// A file of the checkpoints shipped while the log was written, one
    /// JSON line each (`{"seq":N,"hash":"…"}`): fails when the log was
    /// changed at or before a shipped line, or ends before one.
    #[arg(long, value_name = "FILE")]
    pub(crate) checkpoints: Option<PathBuf>,
    #[doc = "The audit log"]
    #[arg(value_name = "PATH", help = DEFAULT_PATH)]
    pub(crate) path: Option<PathBuf>,
}

/// The arguments of `audit tail`.
#[derive(Debug, Args)]
pub(crate) struct TailArgs {
    /// How many records to print: the last N that pass the filters.
    #[arg(short = 'n', value_name = "N", default_value_t = 20)]
    pub(crate) count: usize,
    /// After the last N, keep printing records as they are appended to the
    /// file, until interrupted (Ctrl-C) or the output is closed.
    #[arg(short = 'f', long)]
    pub(crate) follow: bool,
    /// Print each record's JSON line as the log holds it instead of the
    /// readable form (DEL, C1 controls and Unicode format characters inside
    /// strings are written as `\uXXXX`: the same JSON value).
    #[arg(long)]
    pub(crate) json: bool,
    #[doc = "The audit log"]
    #[arg(value_name = "PATH", help = DEFAULT_PATH)]
    pub(crate) path: Option<PathBuf>,
    /// What records to keep (listed last: its heading applies to what follows).
    #[command(flatten)]
    pub(crate) filters: FilterArgs,
}

/// The filters of `audit tail`, as given.
#[derive(Debug, Args)]
#[command(next_help_heading = "Filters")]
pub(crate) struct FilterArgs {
    /// Only records of the hook point named P (e.g. `before_search`).
    #[arg(long = "point", value_name = "P", value_parser = non_empty)]
    pub(crate) points: Vec<String>,
    /// Only records of hook H: its full path `crate::module::name`, or the
    /// path's last segments (`name`, `module::name`).
    #[arg(long = "hook", value_name = "H", value_parser = non_empty)]
    pub(crate) hooks: Vec<String>,
    /// Only records of calls made for tenant T.
    #[arg(long = "tenant", value_name = "T", value_parser = non_empty)]
    pub(crate) tenants: Vec<String>,
    /// Only records whose hook ended with status S.
    #[arg(long = "status", value_name = "S", value_enum)]
    pub(crate) statuses: Vec<StatusArg>,
    /// Only records at or after TIME: an RFC 3339 UTC time as the log
    /// writes them (`2025-05-01T12:00:00Z`, fraction optional), or a date
    /// (`2025-05-01`, its first instant).
    #[arg(long, value_name = "TIME")]
    pub(crate) since: Option<Timestamp>,
    /// Only records before TIME (same forms as --since; `--since D --until
    /// D+1` is the whole day D).
    #[arg(long, value_name = "TIME")]
    pub(crate) until: Option<Timestamp>,
}

/// A status, as `--status` takes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum StatusArg {
    /// The hook let the call go on.
    Ok,
    /// The hook blocked the call.
    Blocked,
    /// The hook ended the chain and let the body run.
    Skip,
    /// The hook overran its time limit.
    Timeout,
    /// The hook failed or panicked.
    Error,
}

impl StatusArg {
    /// The runtime's status of the same name, whose spelling the log uses.
    pub(crate) fn status(self) -> Status {
        match self {
            StatusArg::Ok => Status::Ok,
            StatusArg::Blocked => Status::Blocked,
            StatusArg::Skip => Status::Skip,
            StatusArg::Timeout => Status::Timeout,
            StatusArg::Error => Status::Error,
        }
    }
}

/// A filter value, refused when empty: it would match nothing.
fn non_empty(value: &str) -> Result<String, &'static str> {
    if value.is_empty() {
        Err("an empty value matches no record: give a name")
    } else {
        Ok(value.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use clap::{CommandFactory, ValueEnum};

    use super::{Cli, StatusArg};

    #[test]
    fn the_command_line_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn each_status_is_spelt_as_the_log_spells_it() {
        for status in StatusArg::value_variants() {
            let name = status.to_possible_value().expect("every status is offered");
            assert_eq!(name.get_name(), status.status().as_str());
        }
    }
}
