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
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use super::chain::{check_alone, could_be_torn_line, open_line, prev_of, seal, ChainKey, Link};
use super::error::FileKind;
use super::event::{emit, AuditEvent};
use super::line::{Record, Timestamps, WallClock, MAX_LINE};
use super::read::{last_lines, TailError};
use super::{AuditError, Tamper};

/// The log file, and where its chain ends.
pub(crate) struct LogFile {
    path: PathBuf,
    file: File,
    /// The file's length after this process's last write.
    end: u64,
    link: Link,
    locked: bool,
    /// The key the chain is sealed with, if keyed.
    key: Option<ChainKey>,
}

/// Records waiting to be written, and how far writing them has got.
#[derive(Default)]
pub(crate) struct Batch {
    pub(crate) records: Vec<Record>,
    bytes: Vec<u8>,
    /// The records' times, when kept for shipping.
    times: Vec<SystemTime>,
    keep_times: bool,
    /// The last batch written whole, for shipping.
    last_written: Written,
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

/// A batch now in the file: its lines, their times (when kept) and the
/// link it ends at.
#[derive(Default)]
pub(crate) struct Written {
    pub(crate) lines: Vec<u8>,
    pub(crate) times: Vec<SystemTime>,
    pub(crate) head: Option<Link>,
}

impl Batch {
    /// An empty batch that keeps its records' times for shipping when
    /// `keep_times` is set.
    pub(crate) fn new(keep_times: bool) -> Self {
        Batch { keep_times, ..Batch::default() }
    }

    /// The last batch written whole.
    pub(crate) fn written(&self) -> &Written {
        &self.last_written
    }

    fn format(&mut self, prev: Link, key: Option<&ChainKey>) {
        let pid = std::process::id();
        self.bytes.clear();
        self.times.clear();
        let mut link = prev;
        self.clock.start_batch(self.converted);
        self.converted = true;
        for record in &self.records {
            let at = self.clock.time_of(record.at());
            if self.keep_times {
                self.times.push(at);
            }
            let start = open_line(&mut self.bytes, link.seq + 1);
            record.write_members(at, pid, &mut self.stamps, &mut self.bytes);
            link = seal(&mut self.bytes, start, &link, key);
        }
        self.next = Some(link);
        self.formatted = true;
        self.written = 0;
    }

    /// Keeps the batch just written as [`written`](Self::written) and
    /// empties it for the next.
    fn clear(&mut self) {
        std::mem::swap(&mut self.bytes, &mut self.last_written.lines);
        std::mem::swap(&mut self.times, &mut self.last_written.times);
        self.last_written.head = self.next;
        self.records.clear();
        self.bytes.clear();
        self.times.clear();
        self.formatted = false;
        self.converted = false;
        self.written = 0;
        self.next = None;
    }
}

impl LogFile {
    /// Opens (or creates) the log at `path`, sealed with `key` (or
    /// unkeyed), and finds where its chain ends, cutting off a torn last
    /// line. Refuses a path that is not a regular file, and a log sealed
    /// another way.
    pub(crate) fn open(path: &Path, key: Option<ChainKey>) -> Result<Self, AuditError> {
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
        let link = Link::start(key.as_ref());
        let mut log = LogFile { path: path.to_owned(), file, end: u64::MAX, link, locked: false, key };
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
                batch.format(self.link, self.key.as_ref());
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
            None => Link::start(self.key.as_ref()),
            Some(line) => match check_alone(line, self.key.as_ref()) {
                Ok(checked) => checked.link,
                Err(Tamper::ChainMode { keyed }) => {
                    return Err(AuditError::ChainMode { path: self.path.clone(), keyed })
                }
                Err(problem) => return Err(self.wrong_key().unwrap_or_else(|| corrupt(problem))),
            },
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

    /// When the log is keyed with another key than this process's, the
    /// error that says so: its first line's `prev` names its key.
    fn wrong_key(&self) -> Option<AuditError> {
        let key = self.key.as_ref()?;
        let mut first = Vec::new();
        let mut reader = BufReader::new(&self.file);
        reader.seek(SeekFrom::Start(0)).ok()?;
        reader.take(MAX_LINE + 1).read_until(b'\n', &mut first).ok()?;
        let log_key = prev_of(first.strip_suffix(b"\n")?)?;
        (log_key != key.id()).then(|| AuditError::WrongKey {
            path: self.path.clone(),
            log_key: log_key.to_owned(),
            given_key: key.id().to_owned(),
        })
    }

    fn io_error(&self, source: io::Error) -> AuditError {
        AuditError::Io { path: self.path.clone(), source }
    }

    fn write_error(&self, source: io::Error) -> AuditError {
        AuditError::Write { path: self.path.clone(), source }
    }
}
