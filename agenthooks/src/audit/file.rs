//! The log file on disk: opening it, continuing its chain, and appending
//! whole batches of lines under an exclusive lock.
//!
//! The lock is taken for each batch, not for the life of the process, so
//! several processes can share one log: each batch starts by reading where
//! the file's chain ends (when another process appended since), so lines
//! never interleave and the chain stays whole across processes. A torn last
//! line, left by a writer that crashed mid-write, was never acknowledged to
//! any caller; it is cut off before the next batch and reported.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use super::chain::{check_alone, Link};
use super::clock::WallClock;
use super::event::{emit, AuditEvent};
use super::record::{Record, Timestamps};
use super::AuditError;

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
    /// cutting off a torn last line.
    pub(crate) fn open(path: &Path) -> Result<Self, AuditError> {
        let dir = path.parent().filter(|dir| !dir.as_os_str().is_empty()).unwrap_or(Path::new("."));
        fs::create_dir_all(dir).map_err(|source| AuditError::CreateDir { dir: dir.to_owned(), source })?;
        let file = OpenOptions::new()
            .read(true)
            .append(true)
            .create(true)
            .open(path)
            .map_err(|source| AuditError::Open { path: path.to_owned(), source })?;
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

    /// Under the lock: when the file is not as this process left it, cuts
    /// off a torn last line and reads where the chain ends.
    fn catch_up(&mut self) -> Result<(), AuditError> {
        let len = self.file.metadata().map_err(|source| self.io_error(source))?.len();
        if len == self.end {
            return Ok(());
        }
        let tail = last_lines(&self.file, len, 1).map_err(|source| self.io_error(source))?;
        if tail.torn > 0 {
            self.file.set_len(len - tail.torn).map_err(|source| self.io_error(source))?;
            emit(&AuditEvent::TornTailRemoved { path: &self.path, bytes: tail.torn });
        }
        self.link = match tail.lines.last() {
            None => Link::GENESIS,
            Some(line) => {
                check_alone(line).map_err(|problem| AuditError::Corrupt { path: self.path.clone(), problem })?.link
            }
        };
        self.end = len - tail.torn;
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
    /// How many bytes follow the last newline.
    pub(crate) torn: u64,
}

/// Reads the last `count` complete lines of the first `len` bytes of
/// `file`, reading backwards from the end.
pub(crate) fn last_lines(mut file: &File, len: u64, count: usize) -> io::Result<Tail> {
    const CHUNK: u64 = 8192;
    let mut buf = Vec::new();
    let mut start = len;
    // `count` lines are whole once `count + 1` newlines are in view (the
    // last one ends the torn tail, if any), or the start of the file is.
    while start > 0 && memchr::memchr_iter(b'\n', &buf).count() <= count {
        let step = CHUNK.min(start);
        start -= step;
        let mut chunk = vec![0; usize::try_from(step).expect("a chunk fits in memory")];
        file.seek(SeekFrom::Start(start))?;
        file.read_exact(&mut chunk)?;
        chunk.extend_from_slice(&buf);
        buf = chunk;
    }
    let complete = memchr::memrchr(b'\n', &buf).map_or(0, |last| last + 1);
    let torn = (buf.len() - complete) as u64;
    let mut lines: Vec<Vec<u8>> = buf[..complete].split(|&byte| byte == b'\n').map(<[u8]>::to_vec).collect();
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

    use super::last_lines;

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
            assert_eq!(tail.torn, torn.len() as u64);
        }
        let whole = last_lines(&file, text.len() as u64 - torn.len() as u64, 2).expect("the file reads");
        assert_eq!((whole.lines.len(), whole.torn), (2, 0));
    }
}
