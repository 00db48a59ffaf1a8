//! Shipping: what leaves the process besides the file, once a batch is in
//! it. Each record goes to the OpenTelemetry exporter, when one is set; the
//! chain's head goes to the checkpoint sinks and the exporter at the end of
//! the first batch after a given number of records or a given time
//! (whichever comes first; the time also while no record arrives), and
//! when the log ends in order (the guard's drop, the program's exit).
//!
//! Everything here runs on the writer thread after the batch is written:
//! nothing shipped can lose or change a line of the file. A sink or
//! exporter that panics is reported on standard error and skipped. With no
//! sink and no exporter, the writer holds no shipper at all.

use std::fmt;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use super::chain::{seal_in, Link};
use super::export::Export;
use super::line::Timestamps;
use super::{Checkpoint, CheckpointSink, Entry};
use crate::unwind::caught;

/// Where shipped records and checkpoints go, as configured.
#[derive(Clone, Default)]
pub(crate) struct Sinks {
    pub(crate) export: Option<Arc<dyn Export>>,
    pub(crate) checkpoints: Vec<Arc<dyn CheckpointSink>>,
}

impl Sinks {
    pub(crate) fn is_empty(&self) -> bool {
        self.export.is_none() && self.checkpoints.is_empty()
    }
}

impl fmt::Debug for Sinks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sinks")
            .field("export", &self.export.is_some())
            .field("checkpoints", &self.checkpoints.len())
            .finish()
    }
}

impl PartialEq for Sinks {
    /// The same sinks, by identity.
    fn eq(&self, other: &Self) -> bool {
        let export = match (&self.export, &other.export) {
            (None, None) => true,
            (Some(one), Some(other)) => Arc::ptr_eq(one, other),
            _ => false,
        };
        export
            && self.checkpoints.len() == other.checkpoints.len()
            && self.checkpoints.iter().zip(&other.checkpoints).all(|(one, other)| Arc::ptr_eq(one, other))
    }
}

impl Eq for Sinks {}

/// When checkpoints are made: after this many records, or this long.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Schedule {
    pub(crate) records: u64,
    pub(crate) interval: Duration,
}

/// The writer's side of shipping.
pub(crate) struct Shipper {
    sinks: Sinks,
    schedule: Schedule,
    keyed: bool,
    /// The head of the chain after this process's last batch, if it has
    /// moved since the last checkpoint.
    unshipped: Option<Link>,
    /// Records written since the last checkpoint.
    since_records: u64,
    /// When the last checkpoint was made (or the shipper started).
    since: Instant,
    stamps: Timestamps,
}

impl Shipper {
    /// A shipper to `sinks`, or `None` when there are none.
    pub(crate) fn new(sinks: Sinks, schedule: Schedule, keyed: bool) -> Option<Self> {
        (!sinks.is_empty()).then(|| Shipper {
            sinks,
            schedule,
            keyed,
            unshipped: None,
            since_records: 0,
            since: Instant::now(),
            stamps: Timestamps::default(),
        })
    }

    /// Whether records are exported (and the batch must keep their times).
    pub(crate) fn exports_records(&self) -> bool {
        self.sinks.export.is_some()
    }

    /// Ships a batch of `count` records now in the file: its `lines` (each
    /// ending in a newline), written at `times` (kept when
    /// [`exports_records`](Self::exports_records)), ending at `head`; then a
    /// checkpoint if one is due.
    pub(crate) fn written(&mut self, count: usize, lines: &[u8], times: &[SystemTime], head: Link) {
        if let Some(export) = &self.sinks.export {
            let keyed = self.keyed;
            let exported = catch_unwind(AssertUnwindSafe(|| {
                for (line, at) in lines.split(|&byte| byte == b'\n').zip(times) {
                    if let Ok(entry) = Entry::parse(line) {
                        export.record(&entry, seal_in(line), keyed, *at);
                    }
                }
            }));
            if let Err(panic) = exported {
                eprintln!("agenthooks audit: the log exporter panicked ({}); the file has every record", caught(panic));
            }
        }
        self.since_records += count as u64;
        self.unshipped = Some(head);
        if self.since_records >= self.schedule.records || self.since.elapsed() >= self.schedule.interval {
            self.ship_head();
        }
    }

    /// While no record arrives: ships the head if the interval has passed.
    pub(crate) fn idle(&mut self) {
        if self.unshipped.is_some() && self.since.elapsed() >= self.schedule.interval {
            self.ship_head();
        }
    }

    /// How long the writer may sleep before a checkpoint is due; `None`
    /// when none is pending.
    pub(crate) fn next_due(&self) -> Option<Duration> {
        self.unshipped.map(|_| self.schedule.interval.saturating_sub(self.since.elapsed()))
    }

    /// When the log ends in order: ships the head if it moved.
    pub(crate) fn at_end(&mut self) {
        self.ship_head();
    }

    /// Ships the head to every sink, if it moved since the last checkpoint.
    fn ship_head(&mut self) {
        let Some(head) = self.unshipped.take() else { return };
        let mut stamp = Vec::new();
        self.stamps.write(SystemTime::now(), &mut stamp);
        let timestamp =
            String::from_utf8_lossy(stamp.strip_prefix(b"\"").unwrap_or(&stamp)).trim_end_matches('"').to_owned();
        let checkpoint = Checkpoint::new(head.seq, head.hash(), timestamp, self.keyed);
        for sink in &self.sinks.checkpoints {
            if let Err(panic) = catch_unwind(AssertUnwindSafe(|| sink.checkpoint(&checkpoint))) {
                eprintln!("agenthooks audit: a checkpoint sink panicked ({}); the writer goes on", caught(panic));
            }
        }
        if let Some(export) = &self.sinks.export {
            if let Err(panic) = catch_unwind(AssertUnwindSafe(|| export.checkpoint(&checkpoint))) {
                eprintln!("agenthooks audit: the log exporter panicked ({}) on a checkpoint", caught(panic));
            }
        }
        self.since_records = 0;
        self.since = Instant::now();
    }
}
