//! Reading a log back: [`verify`] and [`verify_with`] walk the whole chain
//! (with its key and shipped checkpoints, for the latter), [`tail`] reads
//! the last lines for a person, and [`last_lines`] reads a file's end for
//! both `tail` and the writer, which continues the chain a file ends with.
//!
//! `verify` and `tail` read a snapshot: the file's length is taken under a
//! shared lock, so a batch a writer is appending is either wholly in view or
//! not at all. A path that is not a regular file (a FIFO, which would block
//! the reader, a directory, a device) is refused unread
//! ([`VerifyError::NotAFile`]). Reading a file's end is linear in the bytes
//! read and bounded: a torn tail (bytes after the last newline) longer than
//! [`MAX_LINE`] stops it with an error instead of reading on. A complete
//! line is read whole whatever its length: the writer wrote it, and a chain
//! goes on from it.

use std::collections::BTreeMap;
use std::fmt;
use std::fs::{File, OpenOptions};
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom};
use std::path::Path;

use super::chain::{check, is_keyed, prev_of, ChainKey, Link};
use super::line::MAX_LINE;
use super::{Checkpoint, FileKind, Tamper, VerifyError};

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
    /// Whether the chain is keyed and was checked with its key.
    pub keyed: bool,
    /// How many shipped checkpoints the file was checked against.
    pub checkpoints: usize,
}

/// What [`verify_with`] checks a log with: what to do with a torn last
/// line, the key of a keyed chain, and the checkpoints shipped while it was
/// written.
///
/// ```
/// use agenthooks::audit::{ChainKey, TornTail, VerifyOptions};
///
/// let key = ChainKey::new(&[7; 32])?;
/// let options = VerifyOptions::default().key(key).torn_tail(TornTail::Ignore);
/// # Ok::<(), agenthooks::audit::KeyError>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct VerifyOptions {
    torn_tail: TornTail,
    key: Option<ChainKey>,
    checkpoints: Vec<Checkpoint>,
}

impl VerifyOptions {
    /// The same options, treating a torn last line as `torn_tail` says.
    #[must_use]
    pub fn torn_tail(mut self, torn_tail: TornTail) -> Self {
        self.torn_tail = torn_tail;
        self
    }

    /// The same options, checking a keyed chain with `key`. A log that is
    /// not keyed then fails ([`VerifyError::NotKeyed`]): it was written
    /// without the key, or rewritten by someone who lacks it.
    #[must_use]
    pub fn key(mut self, key: ChainKey) -> Self {
        self.key = Some(key);
        self
    }

    /// The same options, checking the file against `checkpoints` shipped
    /// while it was written (see [`Checkpoint::read_file`]).
    #[must_use]
    pub fn checkpoints(mut self, checkpoints: Vec<Checkpoint>) -> Self {
        self.checkpoints = checkpoints;
        self
    }
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
        let keyed = if self.keyed { "keyed " } else { "" };
        write!(f, "{} lines, {keyed}chain intact, last hash {}", self.lines, self.last_hash)?;
        if self.checkpoints > 0 {
            write!(f, ", {} shipped checkpoint(s) match", self.checkpoints)?;
        }
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
/// verified, or the first bad line. A keyed log fails with
/// [`VerifyError::KeyRequired`]: check it with [`verify_with`] and its key.
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
    verify_with(path, &VerifyOptions::default().torn_tail(torn_tail))
}

/// Checks every line of the log at `path` as [`verify`] does, with
/// `options`: a keyed chain against its key, and the file against the
/// checkpoints shipped while it was written. A line whose seal differs from
/// a shipped checkpoint's fails with [`VerifyError::CheckpointMismatch`]; a
/// file that ends before a shipped checkpoint's line, with
/// [`VerifyError::CutAfterCheckpoint`].
pub fn verify_with(path: &Path, options: &VerifyOptions) -> Result<Verified, VerifyError> {
    let read_error = |source| VerifyError::Read { path: path.to_owned(), source };
    let (file, len) = snapshot(path)?;
    let mut reader = BufReader::with_capacity(1 << 16, file.take(len));
    let shipped: BTreeMap<u64, &str> =
        options.checkpoints.iter().map(|checkpoint| (checkpoint.seq, checkpoint.hash.as_str())).collect();
    let key = options.key.as_ref();
    let mut line = Vec::new();
    let (mut number, mut last) = (0, Link::start(key));
    let mut torn = None;
    loop {
        line.clear();
        let bytes = reader.read_until(b'\n', &mut line).map_err(read_error)?;
        if bytes == 0 {
            break;
        }
        number += 1;
        if line.pop() != Some(b'\n') {
            let cut = TornLine { line: number, bytes: bytes as u64 };
            match options.torn_tail {
                TornTail::Reject => return Err(VerifyError::TornTail { line: cut.line, bytes: cut.bytes }),
                TornTail::Ignore => {
                    number -= 1;
                    torn = Some(cut);
                    break;
                }
            }
        }
        if number == 1 {
            check_mode(&line, key)?;
        }
        last = check(&line, &last, key).map_err(|problem| VerifyError::Tampered { line: number, problem })?;
        if let Some(&hash) = shipped.get(&number) {
            if hash != last.hash() {
                return Err(VerifyError::CheckpointMismatch {
                    seq: number,
                    shipped: hash.to_owned(),
                    found: last.hash().to_owned(),
                });
            }
        }
    }
    if let Some((&seq, _)) = shipped.last_key_value().filter(|(&seq, _)| seq > number) {
        return Err(VerifyError::CutAfterCheckpoint { lines: number, seq });
    }
    Ok(Verified {
        lines: number,
        last_hash: last.hash().into(),
        torn_tail: torn,
        keyed: key.is_some(),
        checkpoints: shipped.len(),
    })
}

/// Checks that a log's `first` line is sealed as `key` says: keyed with
/// that key, or unkeyed without one.
fn check_mode(first: &[u8], key: Option<&ChainKey>) -> Result<(), VerifyError> {
    let tampered = |problem| VerifyError::Tampered { line: 1, problem };
    let keyed = is_keyed(first).ok_or(tampered(Tamper::Malformed))?;
    let log_key = prev_of(first).ok_or(tampered(Tamper::Malformed))?;
    match (keyed, key) {
        (true, None) => Err(VerifyError::KeyRequired { key_id: log_key.to_owned() }),
        (false, Some(_)) => Err(VerifyError::NotKeyed),
        (true, Some(key)) if log_key != key.id() => {
            Err(VerifyError::WrongKey { log_key: log_key.to_owned(), given_key: key.id().to_owned() })
        }
        _ => Ok(()),
    }
}

/// The last `count` complete lines of the log at `path`, oldest first, for
/// a person to read (see [`Entry`](super::Entry) to parse and print one).
/// They are not verified. Fails with [`VerifyError::LineTooLong`] when the
/// file ends in more than [`MAX_LINE`](super::MAX_LINE) bytes without a
/// newline, and with [`VerifyError::NotAFile`] on a FIFO, a directory or a
/// device.
pub fn tail(path: &Path, count: usize) -> Result<Vec<String>, VerifyError> {
    let read_error = |source| VerifyError::Read { path: path.to_owned(), source };
    let (file, len) = snapshot(path)?;
    let tail = last_lines(&file, len, count).map_err(|error| match error {
        TailError::Io(source) => read_error(source),
        TailError::TooLong => VerifyError::LineTooLong { path: path.to_owned(), limit: MAX_LINE },
    })?;
    Ok(tail.lines.into_iter().map(|line| String::from_utf8_lossy(&line).into_owned()).collect())
}

/// The file at `path` and its length, read under a shared lock so that no
/// batch is half in view.
fn snapshot(path: &Path) -> Result<(File, u64), VerifyError> {
    let read_error = |source| VerifyError::Read { path: path.to_owned(), source };
    let file = open_regular(path).map_err(|error| error.into_verify_error(path))?;
    file.lock_shared().map_err(read_error)?;
    let len = file.metadata().map(|metadata| metadata.len());
    file.unlock().map_err(read_error)?;
    Ok((file, len.map_err(read_error)?))
}

/// Opens the file at `path` for reading, refusing what is not a regular
/// file (see [`VerifyError::NotAFile`]) without blocking on it: a FIFO is
/// opened without waiting for a writer, then refused.
///
/// ```
/// use agenthooks::audit::{self, VerifyError};
///
/// let dir = tempfile::tempdir().unwrap();
/// assert!(matches!(audit::open_regular_file(dir.path()), Err(VerifyError::NotAFile { .. })));
/// ```
pub fn open_regular_file(path: &Path) -> Result<File, VerifyError> {
    open_regular(path).map_err(|error| error.into_verify_error(path))
}

/// Why [`open_regular`] opened nothing.
#[derive(Debug)]
pub(crate) enum NotOpened {
    /// The system refused to open it, or to say what it is.
    Io(io::Error),
    /// It is not a regular file.
    NotAFile(FileKind),
}

impl NotOpened {
    fn into_verify_error(self, path: &Path) -> VerifyError {
        match self {
            NotOpened::Io(source) => VerifyError::Read { path: path.to_owned(), source },
            NotOpened::NotAFile(kind) => VerifyError::NotAFile { path: path.to_owned(), kind },
        }
    }
}

/// [`open_regular_file`], with the reason as the caller words it.
pub(crate) fn open_regular(path: &Path) -> Result<File, NotOpened> {
    let mut options = OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        // Opening a FIFO for reading waits for a writer unless non-blocking;
        // on a regular file the flag changes nothing.
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path).map_err(NotOpened::Io)?;
    let file_type = file.metadata().map_err(NotOpened::Io)?.file_type();
    match FileKind::of(file_type) {
        Some(kind) => Err(NotOpened::NotAFile(kind)),
        None => Ok(file),
    }
}

/// The end of a log file: its last complete lines and its torn tail.
pub(crate) struct Tail {
    /// Up to the requested number of complete lines, oldest first, without
    /// their newlines.
    pub(crate) lines: Vec<Vec<u8>>,
    /// The bytes after the last newline.
    pub(crate) torn: Vec<u8>,
}

/// Why the end of a file could not be read.
#[derive(Debug)]
pub(crate) enum TailError {
    Io(io::Error),
    /// The torn tail is longer than [`MAX_LINE`].
    TooLong,
}

impl From<io::Error> for TailError {
    fn from(error: io::Error) -> Self {
        TailError::Io(error)
    }
}

/// Reads the last `count` complete lines of the first `len` bytes of
/// `file`, reading backwards from the end, and the torn tail after them.
///
/// Linear in the bytes read: each chunk is read once and searched once, and
/// the lines are assembled once at the end. Fails with
/// [`TailError::TooLong`] as soon as the torn tail is longer than
/// [`MAX_LINE`], having read at most one chunk more than that. Complete
/// lines are read whole, however long.
pub(crate) fn last_lines(mut file: &File, len: u64, count: usize) -> Result<Tail, TailError> {
    const CHUNK: u64 = 64 * 1024;
    // Read backwards: the chunk at the file's end first.
    let mut chunks: Vec<Vec<u8>> = Vec::new();
    let mut start = len;
    // How many newlines are in view.
    let mut newlines = 0;
    // `count` lines are whole once `count + 1` newlines are in view (the
    // last one ends the torn tail, if any), or the start of the file is.
    while start > 0 && newlines <= count {
        let step = CHUNK.min(start);
        start -= step;
        let mut chunk = vec![0; usize::try_from(step).expect("a chunk fits in memory")];
        file.seek(SeekFrom::Start(start))?;
        file.read_exact(&mut chunk)?;
        for at in memchr::memrchr_iter(b'\n', &chunk) {
            // The last newline ends the complete lines: what follows is
            // the torn tail.
            if newlines == 0 && len - (start + at as u64) - 1 > MAX_LINE {
                return Err(TailError::TooLong);
            }
            newlines += 1;
            if newlines > count {
                break;
            }
        }
        chunks.push(chunk);
        if newlines == 0 && len - start > MAX_LINE {
            return Err(TailError::TooLong);
        }
    }
    let mut buf = Vec::with_capacity(chunks.iter().map(Vec::len).sum());
    for chunk in chunks.iter().rev() {
        buf.extend_from_slice(chunk);
    }
    let complete = memchr::memrchr(b'\n', &buf).map_or(0, |last| last + 1);
    let torn = buf.split_off(complete);
    let mut lines: Vec<Vec<u8>> = buf.split(|&byte| byte == b'\n').map(<[u8]>::to_vec).collect();
    lines.pop(); // the empty piece after the last newline
    if start > 0 {
        lines.remove(0); // the piece before the first newline in view is partial
    }
    let skip = lines.len().saturating_sub(count);
    lines.drain(..skip);
    Ok(Tail { lines, torn })
}

#[cfg(test)]
mod tests {
    use std::fs::File;

    use super::{last_lines, TailError, MAX_LINE};

    #[test]
    fn the_last_lines_are_read_whole_across_chunks() {
        let lines: Vec<String> = (0..1000).map(|n| format!("line {n} {}", "x".repeat(n % 97))).collect();
        let torn = "a line cut sh";
        let text = format!("{}\n{torn}", lines.join("\n"));
        let dir = tempfile::tempdir().expect("a temporary directory");
        let path = dir.path().join("log");
        std::fs::write(&path, &text).expect("the file is written");
        let file = File::open(&path).expect("the file opens");
        for count in [0, 1, 3, 200, 999, 1000, 5000] {
            let tail = last_lines(&file, text.len() as u64, count).expect("the file reads");
            let expected: Vec<&[u8]> =
                lines[lines.len().saturating_sub(count)..].iter().map(String::as_bytes).collect();
            assert_eq!(tail.lines, expected, "the last {count} lines");
            assert_eq!(tail.torn, torn.as_bytes());
        }
        let whole = last_lines(&file, text.len() as u64 - torn.len() as u64, 2).expect("the file reads");
        assert_eq!((whole.lines.len(), whole.torn.len()), (2, 0));
    }

    #[test]
    fn a_torn_tail_longer_than_any_record_stops_the_reading() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let path = dir.path().join("log");
        let long = "x".repeat(usize::try_from(MAX_LINE).expect("fits") + 1);
        for (text, count) in [
            (format!("a\n{long}"), 0), // a torn tail
            (format!("a\n{long}"), 3), // a torn tail, more lines asked for
            (long.clone(), 0),         // no newline at all
        ] {
            std::fs::write(&path, &text).expect("the file is written");
            let file = File::open(&path).expect("the file opens");
            assert!(matches!(last_lines(&file, text.len() as u64, count), Err(TailError::TooLong)));
        }
        // A line just at the bound is read.
        let text = format!("a\n{}", &long[1..]);
        std::fs::write(&path, &text).expect("the file is written");
        let file = File::open(&path).expect("the file opens");
        let tail = last_lines(&file, text.len() as u64, 1).expect("the file reads");
        assert_eq!((tail.lines, tail.torn.len() as u64), (vec![b"a".to_vec()], MAX_LINE));
    }

    #[test]
    fn complete_lines_longer_than_the_torn_tail_bound_are_read_whole() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let path = dir.path().join("log");
        let long = "x".repeat(10 << 20);
        for (text, count, expected) in [
            (format!("a\n{long}\n"), 1, vec![long.as_str()]),
            (format!("a\n{long}\nb\n"), 2, vec![long.as_str(), "b"]),
            (format!("{long}\nb\ntorn"), 5, vec![long.as_str(), "b"]),
        ] {
            std::fs::write(&path, &text).expect("the file is written");
            let file = File::open(&path).expect("the file opens");
            let tail = last_lines(&file, text.len() as u64, count).expect("the file reads");
            let lines: Vec<&[u8]> = tail.lines.iter().map(Vec::as_slice).collect();
            let expected: Vec<&[u8]> = expected.into_iter().map(str::as_bytes).collect();
            assert_eq!(lines, expected);
        }
    }
}
