//! The `agenthooks` command: checks and reads audit logs.
//!
//! ```text
//! agenthooks audit verify [--allow-torn-tail] PATH
//! agenthooks audit tail [-n COUNT] PATH
//! ```
//!
//! `verify` exits 0 and prints the number of lines when the chain is intact,
//! 1 and the first bad line when it is not, and 2 when the file cannot be
//! read or the command is wrong.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use agenthooks::audit::{self, Entry, TornTail, VerifyError};

const USAGE: &str = "\
usage:
  agenthooks audit verify [--allow-torn-tail] PATH
      check every line's hash and link; exit 0 with the line count when the
      chain is intact, 1 with the first bad line when it is not.
      --allow-torn-tail accepts a last line cut mid-write (a crash) and says so.
  agenthooks audit tail [-n COUNT] PATH
      print the last COUNT records (default 20), oldest first, readably.";

/// A command line, parsed.
enum Command {
    Verify { path: PathBuf, torn_tail: TornTail },
    Tail { path: PathBuf, count: usize },
    Help,
}

fn main() -> ExitCode {
    match parse(std::env::args().skip(1)) {
        Ok(Command::Help) => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        Ok(Command::Verify { path, torn_tail }) => verify(&path, torn_tail),
        Ok(Command::Tail { path, count }) => tail(&path, count),
        Err(problem) => {
            eprintln!("agenthooks: {problem}\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

fn parse(mut args: impl Iterator<Item = String>) -> Result<Command, String> {
    let first = args.next();
    if matches!(first.as_deref(), None | Some("help" | "--help" | "-h")) {
        return Ok(Command::Help);
    }
    if first.as_deref() != Some("audit") {
        return Err(format!("unknown command `{}`", first.unwrap_or_default()));
    }
    let action = args.next().ok_or("`audit` needs `verify` or `tail`")?;
    let (mut path, mut allow_torn_tail, mut count) = (None, false, 20);
    while let Some(arg) = args.next() {
        match (action.as_str(), arg.as_str()) {
            ("verify", "--allow-torn-tail") => allow_torn_tail = true,
            ("tail", "-n") => {
                let value = args.next().ok_or("`-n` needs a number")?;
                count = value.parse().map_err(|_| format!("`-n {value}` is not a number of lines"))?;
            }
            (_, flag) if flag.starts_with('-') => return Err(format!("unknown option `{flag}` for `audit {action}`")),
            _ if path.is_some() => return Err(format!("unexpected argument `{arg}`: give one PATH")),
            _ => path = Some(PathBuf::from(arg)),
        }
    }
    let path = path.ok_or_else(|| format!("`audit {action}` needs the PATH of an audit log"))?;
    match action.as_str() {
        "verify" => {
            let torn_tail = if allow_torn_tail { TornTail::Ignore } else { TornTail::Reject };
            Ok(Command::Verify { path, torn_tail })
        }
        "tail" => Ok(Command::Tail { path, count }),
        other => Err(format!("unknown action `audit {other}`: use `verify` or `tail`")),
    }
}

fn verify(path: &Path, torn_tail: TornTail) -> ExitCode {
    match audit::verify(path, torn_tail) {
        Ok(verified) => {
            println!("{}: {verified}", path.display());
            ExitCode::SUCCESS
        }
        Err(error @ VerifyError::Read { .. }) => {
            eprintln!("agenthooks: {error}");
            ExitCode::from(2)
        }
        Err(error) => {
            println!("{}: {error}", path.display());
            ExitCode::FAILURE
        }
    }
}

fn tail(path: &Path, count: usize) -> ExitCode {
    match audit::tail(path, count) {
        Ok(lines) => {
            for line in lines {
                match Entry::parse(line.as_bytes()) {
                    Ok(entry) => println!("{entry}"),
                    Err(_) => println!("(not an audit record) {line}"),
                }
            }
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("agenthooks: {error}");
            ExitCode::from(2)
        }
    }
}
