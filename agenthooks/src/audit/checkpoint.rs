//! Checkpoints of the chain's head: what the writer ships while it writes,
//! so that a file edited or cut after its head left the process can be
//! caught by [`verify_with`](super::verify_with).
//!
//! A checkpoint says "the line with sequence number `seq` was sealed
//! `hash`". A chain's seal covers every line before it, so a file that no
//! longer ends up at that seal on line `seq` was edited at or before it, and
//! a file that ends before line `seq` was cut. Kept where the file's writer
//! cannot reach (a log backend, through
//! [`export_logs`](super::AuditConfig::export_logs); another machine,
//! through [`on_checkpoint`](super::AuditConfig::on_checkpoint)), it catches
//! what no chain can show by itself: a rewrite of the whole file (by anyone,
//! unkeyed; by a holder of the key, keyed) and a cut at its end.

use std::io::{BufRead, BufReader};
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::VerifyError;

/// The chain's head at one moment: shipped by the writer, read back by
/// [`verify_with`](super::verify_with) from a file of JSON lines.
///
/// ```
/// use agenthooks::audit::Checkpoint;
///
/// let line = r#"{"seq":42,"hash":"9c1e…","timestamp":"2025-05-01T12:00:00.000000Z","keyed":true}"#;
/// let checkpoint = Checkpoint::parse(line).expect("a checkpoint");
/// assert_eq!(checkpoint.seq, 42);
/// assert_eq!(Checkpoint::parse(&checkpoint.to_json()).ok(), Some(checkpoint));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Checkpoint {
    /// The sequence number of the line at the head (its line number).
    pub seq: u64,
    /// That line's seal (its `hash`, or its `hmac` in a keyed log).
    pub hash: String,
    /// When the checkpoint was made, in RFC 3339, UTC.
    #[serde(default)]
    pub timestamp: String,
    /// Whether the log is keyed.
    #[serde(default)]
    pub keyed: bool,
}

impl Checkpoint {
    /// A checkpoint of the line `seq` sealed `hash`, made at `timestamp`.
    pub fn new(seq: u64, hash: impl Into<String>, timestamp: impl Into<String>, keyed: bool) -> Self {
        Checkpoint { seq, hash: hash.into(), timestamp: timestamp.into(), keyed }
    }

    /// The checkpoint as one JSON line (without a newline), as
    /// [`parse`](Self::parse) and `agenthooks audit verify --checkpoints`
    /// read it.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a checkpoint is plain JSON")
    }

    /// Reads one checkpoint from a JSON line: an object with at least `seq`
    /// and `hash`; other members are ignored.
    pub fn parse(line: &str) -> Result<Self, serde_json::Error> {
        serde_json::from_str(line)
    }

    /// Reads a file of checkpoints, one JSON line each (blank lines are
    /// skipped), in any order.
    pub fn read_file(path: &Path) -> Result<Vec<Checkpoint>, VerifyError> {
        let read_error = |source| VerifyError::Read { path: path.to_owned(), source };
        let file = std::fs::File::open(path).map_err(read_error)?;
        let mut checkpoints = Vec::new();
        for (number, line) in (1..).zip(BufReader::new(file).lines()) {
            let line = line.map_err(read_error)?;
            if line.trim().is_empty() {
                continue;
            }
            let checkpoint = Checkpoint::parse(&line)
                .map_err(|_| VerifyError::BadCheckpoint { path: path.to_owned(), line: number })?;
            checkpoints.push(checkpoint);
        }
        Ok(checkpoints)
    }
}

/// Where the writer ships each checkpoint, in the process: to capture them
/// in a test, or to send them somewhere the log's writer cannot reach.
///
/// Any `Fn(&Checkpoint) + Send + Sync` is one. It runs on the writer thread,
/// after the lines it covers are in the file: it must return quickly (the
/// writer waits for it, and hook calls wait once the queue is full). One
/// that panics is reported on standard error, and the writer goes on.
pub trait CheckpointSink: Send + Sync + 'static {
    /// Takes one checkpoint.
    fn checkpoint(&self, checkpoint: &Checkpoint);
}

impl<F: Fn(&Checkpoint) + Send + Sync + 'static> CheckpointSink for F {
    fn checkpoint(&self, checkpoint: &Checkpoint) {
        self(checkpoint);
    }
}
