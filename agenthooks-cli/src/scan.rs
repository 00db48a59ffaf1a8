//! The last N lines that pass a filter, found in one forward pass over the
//! file while keeping only the last N matches: time linear in the file,
//! memory bounded by what will be printed.

use std::collections::VecDeque;

use crate::error::CliError;
use crate::log::Log;

/// The last lines of a scan, and where the scan stopped.
#[derive(Debug)]
pub(crate) struct Found {
    /// The last `count` lines that passed, oldest first, without newlines.
    pub(crate) lines: VecDeque<Vec<u8>>,
    /// Where the last complete line read ends: following the file goes on
    /// from here.
    pub(crate) end: u64,
}

/// The last `count` complete lines of the log's first `len` bytes that
/// `passes`.
pub(crate) fn last_passing(
    log: &Log,
    len: u64,
    count: usize,
    mut passes: impl FnMut(&[u8]) -> bool,
) -> Result<Found, CliError> {
    // A small start: `count` may be far larger than the file.
    let mut lines: VecDeque<Vec<u8>> = VecDeque::with_capacity(count.min(1024));
    let end = log.lines(0, len, |line, _| {
        if count > 0 && passes(line) {
            // Reuse the oldest kept line's allocation once the ring is full.
            let mut kept = if lines.len() == count { lines.pop_front().unwrap_or_default() } else { Vec::new() };
            kept.clear();
            // Exactly: doubling a reused line's room would double the memory.
            kept.reserve_exact(line.len());
            kept.extend_from_slice(line);
            lines.push_back(kept);
        }
        Ok(())
    })?;
    Ok(Found { lines, end })
}
