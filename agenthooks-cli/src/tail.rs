//! `audit tail`: the last records, filtered or not, then optionally those
//! appended later.
//!
//! Without filters the last lines come from the runtime's
//! [`audit::tail`], which reads only the end of the file. With filters the
//! file is scanned forward once (see [`scan`](crate::scan)).

use std::io::{self, BufWriter, Write};
use std::path::Path;

use agenthooks::audit;

use crate::args::TailArgs;
use crate::error::CliError;
use crate::filter::Filter;
use crate::follow::follow;
use crate::log::Log;
use crate::output::Printer;
use crate::scan::last_passing;

/// Runs `audit tail` on the log at `path`.
pub(crate) fn tail(path: &Path, args: TailArgs) -> Result<(), CliError> {
    let filter = Filter::new(args.filters)?;
    let mut printer = Printer::new(BufWriter::new(io::stdout().lock()), args.json);
    let resume = if filter.is_empty() {
        print_last(path, args.count, args.follow, &mut printer)?
    } else {
        print_last_passing(path, args.count, args.follow, &filter, &mut printer)?
    };
    printer.flush()?;
    match resume {
        Some((log, from)) => Err(follow(&log, from, &filter, &mut printer)),
        None => Ok(()),
    }
}

/// A log to follow, and where to start.
type Resume = Option<(Log, u64)>;

/// Prints the last `count` lines, as the runtime reads them; when
/// `following`, returns where to go on from.
fn print_last<W: Write>(
    path: &Path,
    count: usize,
    following: bool,
    printer: &mut Printer<W>,
) -> Result<Resume, CliError> {
    // Where the file's complete lines end before the runtime reads its tail.
    let before = if following {
        let log = Log::open(path)?;
        let end = log.complete_end(log.snapshot_len()?)?;
        Some((log, end))
    } else {
        None
    };
    let lines = audit::tail(path, count)?;
    for line in &lines {
        printer.line(line.as_bytes())?;
    }
    match before {
        Some((log, end)) => {
            let from = after_printed(&log, end, lines.last())?;
            Ok(Some((log, from)))
        }
        None => Ok(None),
    }
}

/// Prints the last `count` lines that pass `filter`; when `following`,
/// returns where to go on from.
fn print_last_passing<W: Write>(
    path: &Path,
    count: usize,
    following: bool,
    filter: &Filter,
    printer: &mut Printer<W>,
) -> Result<Resume, CliError> {
    let log = Log::open(path)?;
    let found = last_passing(&log, log.snapshot_len()?, count, |line| filter.passes(line))?;
    for line in &found.lines {
        printer.line(line)?;
    }
    Ok(following.then_some((log, found.end)))
}

/// Where following should start so that no line is printed twice or
/// missed: `before` is where the file's complete lines ended before the
/// runtime read the `last` line printed. Lines appended in between were
/// printed, or passed over as older than the last N, when `last` is among
/// them: following starts after it.
fn after_printed(log: &Log, before: u64, last: Option<&String>) -> Result<u64, CliError> {
    let Some(last) = last else { return Ok(before) };
    let mut start = None;
    log.lines(before, log.len()?, |line, end| {
        if start.is_none() && String::from_utf8_lossy(line) == last.as_str() {
            start = Some(end);
        }
        Ok(())
    })?;
    Ok(start.unwrap_or(before))
}
