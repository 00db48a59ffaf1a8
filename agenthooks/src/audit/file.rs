//! The log file on disk: opening it, continuing its chain, and appending
//! whole batches of lines under an exclusive lock.
//!
//! The lock is taken for each batch, not for the life of the process, so
//! several processes can share one log: each batch starts by reading where
//! the file's chain ends (when another process appended since), so lines
//! never interleave and the chain stays whole across processes. A torn last
//! line, left by a writer that crashed mid-write, was never acknowledged to
//! any caller; it is cut off before the next batch and reported, but only
//! once the line before it verifies and the torn bytes look like the start
//! of a line: a file that is refused is left byte for byte as it was.
//!
//! Only a regular file can be a log: a directory, a FIFO (which would block
//! the writer) or a device such as `/dev/null` (which would keep nothing)
//! is refused before anything is written.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use super::chain::{check_alone, could_be_torn_line, Link};
use super::clock::WallClock;
use super::error::FileKind;
use super::event::{emit, AuditEvent};
use super::record::{Record, Timestamps, MAX_LINE};
use super::{AuditError, Tamper};

/// The log file, and where its chain ends.
pub(crate) struct LogFile {
    path: PathBuf,
    file: File,
    /// The file's length after this process's last write.
    end: u64,
    link: Link,
    locked: bool,
}

/// Records waiting to be written, and how far writing them has got.
#[derive(Default)]
pub(crate) struct Batch {
    pub(crate) records: Vec<Record>,
    bytes: Vec<u8>,
    /// Whether `bytes` holds the records' lines, chained onto the file.
    formatted: bool,
    /// How many of `bytes` are in the file.
    written: usize,
    next: Option<Link>,
    /// Whether the records' times were converted (by an earlier `format`).
    converted: bool,
    clock: WallClock,
    stamps: Timestamps,
}

impl Batch {
    fn format(&mut self, prev: Link) {
        let pid = std::process::id();
        self.bytes.clear();
        let mut link = prev;
        self.clock.start_batch(self.converted);
        self.converted = true;
        for record in &self.records {
            let at = self.clock.time_of(record.at());
            link = record.write_line(at, &link, pid, &mut self.stamps, &mut self.bytes);
        }
        self.next = Some(link);
        self.formatted = true;
        self.written = 0;
    }

    fn clear(&mut self) {
        self.records.clear();
        self.bytes.clear();
        self.formatted = false;
        self.converted = false;
        self.written = 0;
        self.next = None;
    }
}

impl LogFile {
    /// Opens (or creates) the log at `path` and finds where its chain ends,
    /// cutting off a torn last line. Refuses a path that is not a regular
    /// file.
    pub(crate) fn open(path: &Path) -> Result<Self, AuditError> {
        let dir = path.parent().filter(|dir| !dir.as_os_str().is_empty()).unwrap_or(Path::new("."));
        fs::create_dir_all(dir).map_err(|source| AuditError::CreateDir { dir: dir.to_owned(), source })?;
        let not_a_file = |kind| AuditError::NotAFile { path: path.to_owned(), kind };
        // Checked before opening, so that opening a FIFO or a device does
        // nothing at all, and again on the handle, which the path may no
        // longer name.
        if let Some(kind) = fs::metadata(path).ok().and_then(|metadata| FileKind::of(metadata.file_type())) {
            return Err(not_a_file(kind));
        }
        let file = OpenOptions::new()
            .read(true)
            .append(true)
            .create(true)
            .open(path)
            .map_err(|source| AuditError::Open { path: path.to_owned(), source })?;
        let metadata = file.metadata().map_err(|source| AuditError::Io { path: path.to_owned(), source })?;
        if let Some(kind) = FileKind::of(metadata.file_type()) {
            return Err(not_a_file(kind));
        }
        // The file's directory entry must reach the disk as well, or a crash
        // could lose the whole file with every line synced into it.
        #[cfg(unix)]
        File::open(dir)
            .and_then(|dir| dir.sync_all())
            .map_err(|source| AuditError::Io { path: dir.to_owned(), source })?;
        let mut log = LogFile { path: path.to_owned(), file, end: u64::MAX, link: Link::GENESIS, locked: false };
        log.file.lock().map_err(|source| log.io_error(source))?;
        let caught_up = log.catch_up();
        log.file.unlock().map_err(|source| log.io_error(source))?;
        caught_up.map(|()| log)
    }

    /// A second handle on the file, for the sync thread.
    pub(crate) fn try_clone(&self) -> Result<File, AuditError> {
        self.file.try_clone().map_err(|source| self.io_error(source))
    }

    /// The log's path.
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// Appends `batch` and, when `sync` is set, syncs the file to disk.
    ///
    /// On failure the batch keeps its progress: calling again resumes where
    /// writing stopped. Once a byte of the batch is written the lock is held
    /// until the batch is complete, so that no other process appends after
    /// a partial line.
    pub(crate) fn commit(&mut self, batch: &mut Batch, sync: bool) -> Result<(), AuditError> {
        let result = self.try_commit(batch, sync);
        if result.is_err() && batch.written == 0 && self.locked {
            // Nothing written: let other processes go on while this one waits
            // to retry, and chain the batch afresh next time.
            batch.formatted = false;
            self.unlock()?;
        }
        result
    }

    fn try_commit(&mut self, batch: &mut Batch, sync: bool) -> Result<(), AuditError> {
        if !batch.records.is_empty() {
            if !self.locked {
                self.file.lock().map_err(|source| self.io_error(source))?;
                self.locked = true;
            }
            if !batch.formatted {
                self.catch_up()?;
                batch.format(self.link);
            }
            while batch.written < batch.bytes.len() {
                match self.file.write(&batch.bytes[batch.written..]) {
                    Ok(0) => return Err(self.write_error(io::ErrorKind::WriteZero.into())),
                    Ok(written) => batch.written += written,
                    Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
                    Err(error) => return Err(self.write_error(error)),
                }
            }
        }
        if sync {
            self.file.sync_data().map_err(|source| self.write_error(source))?;
        }
        if let Some(next) = batch.next {
            self.end += batch.bytes.len() as u64;
            self.link = next;
            batch.clear();
            self.unlock()?;
        }
        Ok(())
    }

    fn unlock(&mut self) -> Result<(), AuditError> {
        self.locked = false;
        self.file.unlock().map_err(|source| self.io_error(source))
    }

    /// Under the lock: when the file is not as this process left it, reads
    /// where the chain ends and cuts off a torn last line. The last complete
    /// line is judged first, and the torn bytes must look like the start of
    /// a line: a file refused here is left as it was.
    fn catch_up(&mut self) -> Result<(), AuditError> {
        let len = self.file.metadata().map_err(|source| self.io_error(source))?.len();
        if len == self.end {
            return Ok(());
        }
        let tail = last_lines(&self.file, len, 1).map_err(|error| match error {
            TailError::Io(source) => self.io_error(source),
            TailError::TooLong => AuditError::LineTooLong { path: self.path.clone(), limit: MAX_LINE },
        })?;
        let corrupt = |problem| AuditError::Corrupt { path: self.path.clone(), problem };
        let link = match tail.lines.last() {
            None => Link::GENESIS,
            Some(line) => check_alone(line).map_err(corrupt)?.link,
        };
        let torn = tail.torn.len() as u64;
        if torn > 0 {
            if !could_be_torn_line(&tail.torn) {
                return Err(corrupt(Tamper::Malformed));
            }
            self.file.set_len(len - torn).map_err(|source| self.io_error(source))?;
            emit(&AuditEvent::TornTailRemoved { path: &self.path, bytes: torn });
        }
        self.link = link;
        self.end = len - torn;
        Ok(())
    }

    fn io_error(&self, source: io::Error) -> AuditError {
        AuditError::Io { path: self.path.clone(), source }
    }

    fn write_error(&self, source: io::Error) -> AuditError {
        AuditError::Write { path: self.path.clone(), source }
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
    /// A line in view, or the torn tail, is longer than [`MAX_LINE`].
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
/// [`TailError::TooLong`] as soon as a line in view, or the torn tail, is
/// longer than [`MAX_LINE`], having read at most one chunk more than that.
pub(crate) fn last_lines(mut file: &File, len: u64, count: usize) -> Result<Tail, TailError> {
    const CHUNK: u64 = 64 * 1024;
    // Read backwards: the chunk at the file's end first.
    let mut chunks: Vec<Vec<u8>> = Vec::new();
    let mut start = len;
    // The newline that ends the earliest line in view (or the file's end),
    // and how many newlines are in view.
    let (mut boundary, mut newlines) = (len, 0);
    // `count` lines are whole once `count + 1` newlines are in view (the
    // last one ends the torn tail, if any), or the start of the file is.
    while start > 0 && newlines <= count {
        let step = CHUNK.min(start);
        start -= step;
        let mut chunk = vec![0; usize::try_from(step).expect("a chunk fits in memory")];
        file.seek(SeekFrom::Start(start))?;
        file.read_exact(&mut chunk)?;
        for at in memchr::memrchr_iter(b'\n', &chunk) {
            let newline = start + at as u64;
            if boundary - newline - 1 > MAX_LINE {
                return Err(TailError::TooLong);
            }
            boundary = newline;
            newlines += 1;
            if newlines > count {
                break;
            }
        }
        chunks.push(chunk);
        if newlines <= count && boundary - start > MAX_LINE {
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
    fn a_line_longer_than_any_record_stops_the_reading() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let path = dir.path().join("log");
        let long = "x".repeat(usize::try_from(MAX_LINE).expect("fits") + 1);
        for (text, count) in [
            (format!("a\n{long}"), 0),      // a torn tail
            (format!("a\n{long}\nb\n"), 2), // a line in view
            (long.clone(), 0),              // no newline at all
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
}
