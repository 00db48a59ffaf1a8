//! The log file as `audit tail` reads it: a length taken at a batch
//! boundary, and the complete lines of a byte range.
//!
//! Writers append whole batches under an exclusive lock; a length read under
//! a shared lock therefore never falls inside a batch. Only complete lines
//! (ending in a newline) are ever handed on: a line still being written, or
//! torn by a crashed writer, is read again from its start the next time.

use std::fs::File;
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use agenthooks::audit;

use crate::error::CliError;

/// How much of the file is read at a time, forwards or backwards.
const CHUNK: usize = 1 << 16;

/// An audit log opened for reading.
#[derive(Debug)]
pub(crate) struct Log {
    path: PathBuf,
    file: File,
}

impl Log {
    /// Opens the log at `path`; refuses a FIFO, a directory or a device,
    /// unread.
    pub(crate) fn open(path: &Path) -> Result<Self, CliError> {
        let file = audit::open_regular_file(path)?;
        Ok(Log { path: path.to_owned(), file })
    }

    /// The log's path.
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// The file's length, read under a shared lock so that no batch is
    /// half in view.
    pub(crate) fn snapshot_len(&self) -> Result<u64, CliError> {
        let read = CliError::read(&self.path);
        self.file.lock_shared().map_err(CliError::read(&self.path))?;
        let len = self.file.metadata().map(|metadata| metadata.len());
        self.file.unlock().map_err(CliError::read(&self.path))?;
        len.map_err(read)
    }

    /// The file's length now, without a lock: enough to see that it grew.
    pub(crate) fn len(&self) -> Result<u64, CliError> {
        self.file.metadata().map(|metadata| metadata.len()).map_err(CliError::read(&self.path))
    }

    /// Where the last complete line of the file's first `len` bytes ends:
    /// `len` itself when they end with a newline.
    pub(crate) fn complete_end(&self, len: u64) -> Result<u64, CliError> {
        let mut buf = vec![0; CHUNK];
        let mut end = len;
        while end > 0 {
            let start = end.saturating_sub(CHUNK as u64);
            let chunk = &mut buf[..usize::try_from(end - start).expect("at most one chunk")];
            (&self.file).seek(SeekFrom::Start(start)).map_err(CliError::read(&self.path))?;
            (&self.file).read_exact(chunk).map_err(CliError::read(&self.path))?;
            if let Some(newline) = chunk.iter().rposition(|&byte| byte == b'\n') {
                return Ok(start + newline as u64 + 1);
            }
            end = start;
        }
        Ok(0)
    }

    /// Hands each complete line in bytes `from..to` to `each`, without its
    /// newline and with the offset just after it; returns where the last
    /// complete line ends (`from` when there is none).
    pub(crate) fn lines(
        &self,
        from: u64,
        to: u64,
        mut each: impl FnMut(&[u8], u64) -> Result<(), CliError>,
    ) -> Result<u64, CliError> {
        let mut file = &self.file;
        file.seek(SeekFrom::Start(from)).map_err(CliError::read(&self.path))?;
        let mut reader = BufReader::with_capacity(CHUNK, file.take(to.saturating_sub(from)));
        let (mut line, mut end) = (Vec::new(), from);
        loop {
            line.clear();
            let bytes = reader.read_until(b'\n', &mut line).map_err(CliError::read(&self.path))?;
            if line.pop() != Some(b'\n') {
                return Ok(end);
            }
            end += bytes as u64;
            each(&line, end)?;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Log, CHUNK};

    #[test]
    fn complete_lines_end_before_a_torn_tail_of_any_length() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let path = dir.path().join("log");
        for (text, end) in [
            (String::new(), 0),
            ("torn".to_owned(), 0),
            ("a\nb\n".to_owned(), 4),
            ("a\nb\ntorn".to_owned(), 4),
            (format!("a\n{}", "x".repeat(2 * CHUNK + 5)), 2),
        ] {
            std::fs::write(&path, &text).expect("the file is written");
            let log = Log::open(&path).expect("the file opens");
            assert_eq!(log.complete_end(text.len() as u64).expect("the file reads"), end, "{text:.20}");
            let mut lines = Vec::new();
            let read = log.lines(0, text.len() as u64, |line, _| {
                lines.push(String::from_utf8_lossy(line).into_owned());
                Ok(())
            });
            assert_eq!(read.expect("the file reads"), end);
            assert_eq!(lines.concat().len() + lines.len(), usize::try_from(end).expect("small"), "{lines:?}");
        }
    }
}
