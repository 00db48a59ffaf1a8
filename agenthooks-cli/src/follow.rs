//! `audit tail --follow`: printing records as they are appended.
//!
//! The file's length is polled every [`POLL`]; each complete line appended
//! since the last poll is handed on once. A line still being written waits
//! for its newline. A file that shrinks (cut, or replaced by a shorter one)
//! is reported on standard error and followed from its new end.

use std::io::Write;
use std::thread;
use std::time::Duration;

use crate::error::CliError;
use crate::filter::Filter;
use crate::log::Log;
use crate::output::{warn, Printer};

/// How often the file's length is read.
const POLL: Duration = Duration::from_millis(200);

/// Prints each complete line appended to `log` after offset `from` that
/// passes `filter`, poll after poll, until printing or reading fails;
/// returns that error.
pub(crate) fn follow<W: Write>(log: &Log, from: u64, filter: &Filter, printer: &mut Printer<W>) -> CliError {
    let mut at = from;
    loop {
        let step = log.len().and_then(|len| {
            if len < at {
                warn(format_args!(
                    "`{}` shrank from {at} to {len} bytes (it was cut or replaced); following from its new end",
                    log.path().display()
                ));
                at = len;
            } else if len > at {
                at = log.lines(at, len, |line, _| if filter.passes(line) { printer.line(line) } else { Ok(()) })?;
                printer.flush()?;
            }
            Ok(())
        });
        if let Err(error) = step {
            return error;
        }
        thread::sleep(POLL);
    }
}
