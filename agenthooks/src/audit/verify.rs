//! Reading a log back: [`verify`] walks the whole chain, [`tail`] reads the
//! last lines for a person.
//!
//! Both read a snapshot: the file's length is taken under a shared lock, so
//! a batch a writer is appending is either wholly in view or not at all.

use std::fmt;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;

use super::chain::{check, Link};
use super::file::{last_lines, TailError};
use super::record::MAX_LINE;
use super::VerifyError;

/// What [`verify`] does with a last line that has no newline.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum TornTail {
    /// Fail with [`VerifyError::TornTail`]: the file may have been cut.
    #[default]
    Reject,
    /// Accept the lines before it and report it in [`Verified::torn_tail`]:
    /// for a log whose writer may have crashed mid-write.
    Ignore,
}

/// A log whose chain is intact.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verified {
    /// How many lines verified.
    pub lines: u64,
    /// The hash of the last line ([`GENESIS`](super::GENESIS) for an empty
    /// file). Keep it elsewhere to detect later that lines were cut off the
    /// end, which no chain can show by itself.
    pub last_hash: String,
    /// The torn last line that was left out, under [`TornTail::Ignore`].
    pub torn_tail: Option<TornLine>,
}

/// A last line with no newline, left out of a verification.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TornLine {
    /// Its number, counted from 1.
    pub line: u64,
    /// How many bytes of it there are.
    pub bytes: u64,
}

impl fmt::Display for Verified {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} lines, chain intact, last hash {}", self.lines, self.last_hash)?;
        match self.torn_tail {
            Some(TornLine { line, bytes }) => write!(
                f,
                "; ignored line {line}: {bytes} bytes cut mid-line (a writer crashed mid-write, or the file was cut)"
            ),
            None => Ok(()),
        }
    }
}

/// Checks every line of the log at `path`: its own hash, its sequence
/// number, and its link to the line before. Returns how many lines
/// verified, or the first bad line.
///
/// ```
/// use agenthooks::audit::{verify, TornTail, VerifyError};
///
/// # let dir = tempfile::tempdir().unwrap();
/// # let path = dir.path().join("audit.jsonl");
/// std::fs::write(&path, "{\"seq\":1}\n").unwrap();
/// match verify(&path, TornTail::Reject) {
///     Err(VerifyError::Tampered { line, .. }) => assert_eq!(line, 1),
///     other => panic!("expected line 1 to fail, got {other:?}"),
/// }
/// ```
pub fn verify(path: &Path, torn_tail: TornTail) -> Result<Verified, VerifyError> {
    let read_error = |source| VerifyError::Read { path: path.to_owned(), source };
    let (file, len) = snapshot(path).map_err(read_error)?;
    let mut reader = BufReader::with_capacity(1 << 16, file.take(len));
    let mut line = Vec::new();
    let (mut number, mut last) = (0, Link::GENESIS);
    loop {
        line.clear();
        let bytes = reader.read_until(b'\n', &mut line).map_err(read_error)?;
        if bytes == 0 {
            break;
        }
        number += 1;
        if line.pop() != Some(b'\n') {
            let torn = TornLine { line: number, bytes: bytes as u64 };
            return match torn_tail {
                TornTail::Reject => Err(VerifyError::TornTail { line: torn.line, bytes: torn.bytes }),
                TornTail::Ignore => {
                    Ok(Verified { lines: number - 1, last_hash: last.hash().into(), torn_tail: Some(torn) })
                }
            };
        }
        last = check(&line, &last).map_err(|problem| VerifyError::Tampered { line: number, problem })?;
    }
    Ok(Verified { lines: number, last_hash: last.hash().into(), torn_tail: None })
}

/// The last `count` complete lines of the log at `path`, oldest first, for
/// a person to read (see [`Entry`](super::Entry) to parse and print one).
/// They are not verified. Fails with [`VerifyError::LineTooLong`] on a line
/// in view longer than [`MAX_LINE`](super::MAX_LINE).
pub fn tail(path: &Path, count: usize) -> Result<Vec<String>, VerifyError> {
    let read_error = |source| VerifyError::Read { path: path.to_owned(), source };
    let (file, len) = snapshot(path).map_err(read_error)?;
    let tail = last_lines(&file, len, count).map_err(|error| match error {
        TailError::Io(source) => read_error(source),
        TailError::TooLong => VerifyError::LineTooLong { path: path.to_owned(), limit: MAX_LINE },
    })?;
    Ok(tail.lines.into_iter().map(|line| String::from_utf8_lossy(&line).into_owned()).collect())
}

/// The file at `path` and its length, read under a shared lock so that no
/// batch is half in view.
fn snapshot(path: &Path) -> io::Result<(File, u64)> {
    let file = File::open(path)?;
    file.lock_shared()?;
    let len = file.metadata().map(|metadata| metadata.len());
    file.unlock()?;
    Ok((file, len?))
}
