//! Printing log lines, one output line per record: the readable form, made
//! from [`Entry`]'s fields with everything a hook wrote escaped, or the JSON
//! line itself.

use std::fmt::{self, Display, Write as _};
use std::io::{self, Write};

use agenthooks::audit::Entry;

use crate::error::CliError;
use crate::escape::{for_terminal, json_line};

/// Prints log lines to `out` in one form.
#[derive(Debug)]
pub(crate) struct Printer<W: Write> {
    out: W,
    json: bool,
    /// The readable line being made, kept to reuse its allocation.
    scratch: String,
}

impl<W: Write> Printer<W> {
    /// A printer of readable lines, or of JSON lines when `json`.
    pub(crate) fn new(out: W, json: bool) -> Self {
        Printer { out, json, scratch: String::new() }
    }

    /// Prints the log line `line` (without its newline) as one line.
    ///
    /// A line that is not an audit record is printed escaped and marked as
    /// such in the readable form; in the JSON form it is left out and
    /// reported on standard error, so that the output stays JSON.
    pub(crate) fn line(&mut self, line: &[u8]) -> Result<(), CliError> {
        let text = String::from_utf8_lossy(line);
        let printed = match Entry::parse(line) {
            Ok(_) if self.json => writeln!(self.out, "{}", json_line(&text)),
            Ok(entry) => {
                self.scratch.clear();
                readable(&entry, &mut self.scratch).expect("writing to a string succeeds");
                writeln!(self.out, "{}", self.scratch)
            }
            Err(_) if self.json => {
                warn(format_args!("left out a line that is not an audit record: {}", for_terminal(&text)));
                Ok(())
            }
            Err(_) => writeln!(self.out, "(not an audit record) {}", for_terminal(&text)),
        };
        printed.map_err(CliError::output)
    }

    /// Writes out every line printed so far.
    pub(crate) fn flush(&mut self) -> Result<(), CliError> {
        self.out.flush().map_err(CliError::output)
    }
}

/// Writes `entry` as one readable line:
/// `#seq timestamp status duration ms  point <- hook  [tenant …]  session … turn …  [trace …/…]  [approval …]  [changed …]  [let through]: [message]`,
/// every text field escaped.
fn readable(entry: &Entry<'_>, out: &mut String) -> fmt::Result {
    write!(
        out,
        "#{} {} {:<7} {:>9.3} ms  {} <- {}",
        entry.seq,
        for_terminal(&entry.timestamp),
        for_terminal(&entry.status),
        entry.duration_ms,
        for_terminal(&entry.point),
        for_terminal(&entry.hook)
    )?;
    if let Some(tenant) = &entry.tenant_id {
        write!(out, "  tenant {}", for_terminal(tenant))?;
    }
    write!(out, "  session {} turn {}", for_terminal(&entry.session_id), entry.turn)?;
    if !entry.trace_id.is_empty() {
        write!(out, "  trace {}/{}", for_terminal(&entry.trace_id), for_terminal(&entry.span_id))?;
    }
    if let Some(id) = &entry.approval_id {
        write!(out, "  approval {}", for_terminal(id))?;
    }
    if !entry.changed.is_empty() {
        let changed: Vec<String> = entry.changed.iter().map(|field| for_terminal(field).to_string()).collect();
        write!(out, "  changed {}", changed.join(","))?;
    }
    if entry.let_through {
        out.push_str("  let through");
    }
    match entry.error.as_deref().or(entry.block_reason.as_deref()).or(entry.message.as_deref()) {
        Some(message) => write!(out, ": {}", for_terminal(message)),
        None => Ok(()),
    }
}

/// Tells the user something on standard error, prefixed with the command's
/// name. A failure to write there is ignored: there is nowhere else to say it.
pub(crate) fn warn(message: impl Display) {
    let _ = writeln!(io::stderr().lock(), "agenthooks: {message}");
}
