//! One line of the audit log: its members and its time. How a line is
//! framed, sealed and checked is the [`chain`](super::chain)'s.
//!
//! # The members
//!
//! What one hook execution leaves in the log: the [`Record`] the calling
//! thread hands over, and the [`Entry`] line the writer makes of it. A
//! record holds no argument value. Its message (block reason, error, panic
//! or time-out text, note) was already scrubbed of `#[redact]` values by the
//! executor, and is cut to [`MAX_MESSAGE`] bytes so that a queued record's
//! size is bounded. Member names come from [`symbol`](crate::symbol).
//!
//! # The time
//!
//! A calling thread stamps its record with a reading of the monotonic clock
//! the executor times hooks with: a few nanoseconds where the CPU's
//! time-stamp counter is reliable, against some twenty for the wall clock.
//! The writer turns each reading into a wall-clock time against an anchor,
//! both clocks read together, that it takes before formatting each batch
//! ([`WallClock`]), and writes it in RFC 3339, UTC ([`Timestamps`]). A
//! record waits in the queue for about a millisecond, so the time written
//! is as exact as the wall clock at the anchor, give or take the counter's
//! drift over that wait (nanoseconds). Times never go back within a
//! process: one earlier than the time written before it (records of two
//! threads queued in the other order, or a wall clock set back) is written
//! as that time.

use std::borrow::Cow;
use std::fmt;
use std::num::NonZeroU32;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use quanta::Instant;
use serde::Deserialize;

use super::chain::HEX_DIGITS;
use super::Tamper;
use crate::approval::ApprovalId;
use crate::symbol::{
    HOOK_APPROVAL_ID, HOOK_ATTEMPT, HOOK_BLOCK_REASON, HOOK_CHANGED, HOOK_CRATE, HOOK_DURATION_MS, HOOK_ERROR,
    HOOK_IMPL, HOOK_LET_THROUGH, HOOK_MESSAGE, HOOK_NAME, HOOK_STATUS, HOOK_TENANT_ID, PID, SESSION_ID, SPAN_ID,
    TIMESTAMP, TRACE_ID, TURN,
};
use crate::{Changed, Execution, HookMeta, Session, Status};

// ---- The members: what a line says about one hook execution.

/// The longest message a record keeps, in bytes; a longer one is cut at a
/// character boundary and says how much was cut.
pub const MAX_MESSAGE: usize = 2048;

/// The longest torn tail (bytes after a log's last newline) that reading
/// the end of a log accepts, in bytes (1 MiB): [`init`](super::init)
/// refuses a log that ends in more bytes without a newline
/// ([`AuditError::LineTooLong`](super::AuditError)) rather than reading them
/// all, and so does [`tail`](super::tail). A complete line is read whole
/// whatever its length: a line holds a message of at most [`MAX_MESSAGE`]
/// bytes (at most six times that once escaped) and the caller's
/// identifiers, far below this bound unless a session, trace or tenant id is
/// itself near a megabyte, and a log whose last record is that long is
/// still continued.
pub const MAX_LINE: u64 = 1 << 20;

/// One hook execution, as the calling thread hands it to the writer: no
/// formatting, no hashing, no I/O.
pub(crate) struct Record {
    hook: &'static HookMeta,
    session: Session,
    status: Status,
    duration: Duration,
    /// When it ended, on the monotonic clock (see [`WallClock`]).
    at: Instant,
    message: Option<Box<str>>,
    /// The fields the hook changed: a mask over the point's static names,
    /// so that recording them allocates nothing.
    changed: Changed,
    /// Boxed: only approval lines carry one.
    approval: Option<Box<ApprovalId>>,
    let_through: bool,
    attempt: Option<NonZeroU32>,
}

impl Record {
    /// The record of `execution`, which ended `at` (the executor reads the
    /// clock once for the run's duration and its record).
    #[inline]
    pub(crate) fn new(execution: &Execution<'_>, at: Instant) -> Self {
        Record {
            hook: execution.hook,
            session: execution.session.clone(),
            status: execution.status,
            duration: execution.duration,
            at,
            message: execution.message.map(capped),
            changed: execution.changed,
            approval: execution.approval.map(|id| Box::new(*id)),
            let_through: execution.let_through,
            attempt: execution.attempt,
        }
    }

    /// When it ended, on the monotonic clock.
    pub(crate) fn at(&self) -> Instant {
        self.at
    }

    /// Appends the record's members, stamped `at`, to `buf`, after the
    /// line's sequence number (see [`open_line`](super::chain::open_line));
    /// the chain seals the line.
    pub(crate) fn write_members(&self, at: SystemTime, pid: u32, stamps: &mut Timestamps, buf: &mut Vec<u8>) {
        let message = self.message.as_deref();
        let (error, block_reason, said) = match self.status {
            Status::Blocked => (None, message, None),
            Status::Error | Status::Timeout => (message, None, None),
            _ => (None, None, message),
        };
        let mut line = Members(buf);
        line.key(TIMESTAMP);
        stamps.write(at, line.0);
        line.text(HOOK_NAME, self.hook.point);
        line.text(HOOK_IMPL, self.hook.path);
        line.text(HOOK_CRATE, self.hook.crate_name);
        line.text(HOOK_STATUS, self.status.as_str());
        line.milliseconds(HOOK_DURATION_MS, self.duration);
        match self.session.tenant_id() {
            Some(tenant) => line.text(HOOK_TENANT_ID, tenant),
            None => line.null(HOOK_TENANT_ID),
        }
        line.text(SESSION_ID, self.session.session_id());
        line.text(TRACE_ID, self.session.trace_id());
        line.text(SPAN_ID, self.session.span_id());
        line.number(TURN, self.session.turn());
        if let Some(error) = error {
            line.text(HOOK_ERROR, error);
        }
        if let Some(reason) = block_reason {
            line.text(HOOK_BLOCK_REASON, reason);
        }
        if let Some(said) = said {
            line.text(HOOK_MESSAGE, said);
        }
        if !self.changed.is_empty() {
            line.texts(HOOK_CHANGED, self.changed.names());
        }
        if let Some(id) = &self.approval {
            line.text(HOOK_APPROVAL_ID, &id.to_string());
        }
        if self.let_through {
            line.key(HOOK_LET_THROUGH);
            line.0.extend_from_slice(b"true");
        }
        if let Some(attempt) = self.attempt {
            line.number(HOOK_ATTEMPT, u64::from(attempt.get()));
        }
        line.number(PID, u64::from(pid));
    }
}

/// Writes the members of a line's JSON object: `,"key":value` each.
struct Members<'b>(&'b mut Vec<u8>);

/// The bytes a JSON string must escape: control characters, `"` and `\`.
const ESCAPED: [bool; 256] = {
    let mut escaped = [false; 256];
    let mut byte = 0;
    while byte < 0x20 {
        escaped[byte] = true;
        byte += 1;
    }
    escaped[b'"' as usize] = true;
    escaped[b'\\' as usize] = true;
    escaped
};

impl Members<'_> {
    fn key(&mut self, key: &str) {
        self.0.extend_from_slice(b",\"");
        self.0.extend_from_slice(key.as_bytes());
        self.0.extend_from_slice(b"\":");
    }

    fn number(&mut self, key: &str, value: u64) {
        self.key(key);
        self.0.extend_from_slice(itoa::Buffer::new().format(value).as_bytes());
    }

    fn null(&mut self, key: &str) {
        self.key(key);
        self.0.extend_from_slice(b"null");
    }

    /// `duration` in milliseconds, to the nanosecond, with no trailing zero.
    fn milliseconds(&mut self, key: &str, duration: Duration) {
        self.key(key);
        let nanos = duration.as_nanos();
        self.0.extend_from_slice(itoa::Buffer::new().format(nanos / 1_000_000).as_bytes());
        let fraction = u32::try_from(nanos % 1_000_000).expect("less than a million");
        if fraction > 0 {
            self.0.push(b'.');
            let start = self.0.len();
            push_digits(self.0, fraction, 6);
            while self.0.last() == Some(&b'0') && self.0.len() > start {
                self.0.pop();
            }
        }
    }

    /// A member whose value is an array of JSON strings.
    fn texts<'v>(&mut self, key: &str, values: impl Iterator<Item = &'v str>) {
        self.key(key);
        self.0.push(b'[');
        for (index, value) in values.enumerate() {
            if index > 0 {
                self.0.push(b',');
            }
            self.string(value);
        }
        self.0.push(b']');
    }

    /// A member whose value is a JSON string.
    fn text(&mut self, key: &str, value: &str) {
        self.key(key);
        self.string(value);
    }

    /// `value` as a JSON string.
    fn string(&mut self, value: &str) {
        self.0.push(b'"');
        let bytes = value.as_bytes();
        let mut clean = 0;
        while let Some(offset) = first_escaped(&bytes[clean..]) {
            let at = clean + offset;
            self.0.extend_from_slice(&bytes[clean..at]);
            let byte = bytes[at];
            let short = match byte {
                b'"' => Some(b'"'),
                b'\\' => Some(b'\\'),
                b'\n' => Some(b'n'),
                b'\r' => Some(b'r'),
                b'\t' => Some(b't'),
                _ => None,
            };
            match short {
                Some(letter) => self.0.extend_from_slice(&[b'\\', letter]),
                None => self.0.extend_from_slice(&[
                    b'\\',
                    b'u',
                    b'0',
                    b'0',
                    HEX_DIGITS[usize::from(byte >> 4)],
                    HEX_DIGITS[usize::from(byte & 0x0f)],
                ]),
            }
            clean = at + 1;
        }
        self.0.extend_from_slice(&bytes[clean..]);
        self.0.push(b'"');
    }
}

/// Where the first byte of `bytes` that a JSON string must escape is. Skips
/// eight clean bytes at a time.
fn first_escaped(bytes: &[u8]) -> Option<usize> {
    const ONES: u64 = u64::MAX / 255;
    const HIGH_BITS: u64 = ONES * 0x80;
    // Whether a byte of `word` is below `limit` (at most 0x80).
    let any_below = |word: u64, limit: u64| word.wrapping_sub(ONES * limit) & !word & HIGH_BITS != 0;
    let mut clean = 0;
    for chunk in bytes.chunks_exact(8) {
        let word = u64::from_le_bytes(chunk.try_into().expect("eight bytes"));
        let quote = word ^ (ONES * u64::from(b'"'));
        let backslash = word ^ (ONES * u64::from(b'\\'));
        if any_below(word, 0x20) || any_below(quote, 1) || any_below(backslash, 1) {
            break;
        }
        clean += 8;
    }
    bytes[clean..].iter().position(|&byte| ESCAPED[usize::from(byte)]).map(|at| clean + at)
}

/// Appends `value` as exactly `width` decimal digits, zero-padded.
fn push_digits(out: &mut Vec<u8>, mut value: u32, width: usize) {
    let start = out.len();
    out.resize(start + width, b'0');
    for digit in out[start..].iter_mut().rev() {
        *digit = b'0' + u8::try_from(value % 10).expect("a digit");
        value /= 10;
    }
}

/// `message`, cut to [`MAX_MESSAGE`] bytes if longer.
fn capped(message: &str) -> Box<str> {
    if message.len() <= MAX_MESSAGE {
        return message.into();
    }
    let mut end = MAX_MESSAGE;
    while !message.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}… [{} bytes cut]", &message[..end], message.len() - end).into_boxed_str()
}

/// One line of the audit log, as read back.
///
/// Its JSON members, in order: `seq`, `timestamp` (RFC 3339, UTC),
/// `hook.name` (the point), `hook.impl` (the hook's path), `hook.crate`,
/// `hook.status`, `hook.duration_ms`, `hook.tenant_id` (the caller's tenant,
/// or `null`), `session_id`, `trace_id`, `span_id`, `turn`, `hook.error`
/// (status `error` or `timeout` only), `hook.block_reason` (status `blocked`
/// only), `hook.message` (status `ask`, `approved`, `denied`, `shadow`,
/// `rate_limited`, `breaker_open` or `store_down`; with status `ok`, the
/// note of a hook that returned `Outcome::Note`, or what a stream hook did),
/// `hook.changed` (the arguments an interceptor changed, when any),
/// `hook.approval_id` (an approval asked for, granted or denied),
/// `hook.let_through` (`true` when a failure was let through),
/// `hook.attempt` (which attempt, from 1, of a hook that declares `retry`),
/// `pid` (the
/// writing process), `prev` and `hash`, or `hmac` in a keyed log (the
/// chain).
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Entry<'a> {
    /// Position in the file's chain: 1 for the first line, then one more per line.
    pub seq: u64,
    /// When the hook execution ended, e.g. `2025-05-01T12:00:00.123456Z`;
    /// never earlier than the line before it from the same process.
    #[serde(borrow)]
    pub timestamp: Cow<'a, str>,
    /// The point the hook ran at, e.g. `before_search`.
    #[serde(rename = "hook.name", borrow)]
    pub point: Cow<'a, str>,
    /// The hook, as `crate::module::name`.
    #[serde(rename = "hook.impl", borrow)]
    pub hook: Cow<'a, str>,
    /// The crate that defines the hook.
    #[serde(rename = "hook.crate", borrow)]
    pub crate_name: Cow<'a, str>,
    /// How the execution ended, as [`Status::as_str`] spells it: `ok`,
    /// `blocked`, `skip`, `timeout`, `error`, and the rarer ones.
    #[serde(rename = "hook.status", borrow)]
    pub status: Cow<'a, str>,
    /// How long the hook ran, in milliseconds.
    #[serde(rename = "hook.duration_ms")]
    pub duration_ms: f64,
    /// The caller's tenant, if any.
    #[serde(rename = "hook.tenant_id", borrow)]
    pub tenant_id: Option<Cow<'a, str>>,
    /// The caller's session.
    #[serde(borrow)]
    pub session_id: Cow<'a, str>,
    /// The caller's trace (empty when the agent set none).
    #[serde(borrow)]
    pub trace_id: Cow<'a, str>,
    /// The caller's span (empty when the agent set none).
    #[serde(borrow)]
    pub span_id: Cow<'a, str>,
    /// The conversation turn.
    pub turn: u64,
    /// The error, panic or time-out text of a failed execution, redacted
    /// values replaced by `[REDACTED]`.
    #[serde(rename = "hook.error", borrow, default)]
    pub error: Option<Cow<'a, str>>,
    /// The reason a hook gave for blocking the call, redacted values
    /// replaced by `[REDACTED]`.
    #[serde(rename = "hook.block_reason", borrow, default)]
    pub block_reason: Option<Cow<'a, str>>,
    /// The prompt (status `ask`), who decided (`approved`, `denied`), what
    /// a shadow hook would have done (`shadow`), or the note of a hook that
    /// let the call go on with `Outcome::Note` (`ok`, e.g. `cedar: allow by
    /// acme-search`), redacted values replaced by `[REDACTED]`.
    #[serde(rename = "hook.message", borrow, default)]
    pub message: Option<Cow<'a, str>>,
    /// The argument fields the hook changed (or, in shadow mode, would
    /// have); empty when none.
    #[serde(rename = "hook.changed", borrow, default)]
    pub changed: Vec<Cow<'a, str>>,
    /// The approval asked for, granted or denied, as 64 hexadecimal digits.
    #[serde(rename = "hook.approval_id", borrow, default)]
    pub approval_id: Option<Cow<'a, str>>,
    /// Whether the hook failed and its point let the call go on.
    #[serde(rename = "hook.let_through", default)]
    pub let_through: bool,
    /// Which attempt the run was, from 1, for a hook that declares `retry`.
    #[serde(rename = "hook.attempt", default)]
    pub attempt: Option<u32>,
    /// The process that wrote the line.
    pub pid: u32,
    /// The seal of the line before (see [`GENESIS`](super::GENESIS) and
    /// [`ChainKey::id`](super::ChainKey::id) for a file's first line).
    #[serde(borrow)]
    pub prev: Cow<'a, str>,
}

impl<'a> Entry<'a> {
    /// Reads one line of a log, without its newline (its hash is not
    /// checked: see [`verify`](super::verify)).
    pub fn parse(line: &'a [u8]) -> Result<Self, Tamper> {
        serde_json::from_slice(line).map_err(|_| Tamper::Malformed)
    }
}

impl fmt::Display for Entry<'_> {
    /// One readable line:
    /// `#seq timestamp status duration point <- hook [tenant …] session … turn …: message`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "#{} {} {:<7} {:>9.3} ms  {} <- {}",
            self.seq, self.timestamp, self.status, self.duration_ms, self.point, self.hook
        )?;
        if let Some(tenant) = &self.tenant_id {
            write!(f, "  tenant {tenant}")?;
        }
        write!(f, "  session {} turn {}", self.session_id, self.turn)?;
        if !self.trace_id.is_empty() {
            write!(f, "  trace {}/{}", self.trace_id, self.span_id)?;
        }
        match (&self.error, &self.block_reason) {
            (Some(error), _) => write!(f, ": {error}"),
            (None, Some(reason)) => write!(f, ": {reason}"),
            (None, None) => Ok(()),
        }
    }
}

// ---- The time: when the execution ended, as the line writes it.

/// Writes times as JSON strings in RFC 3339, UTC, with microseconds
/// (`"2025-05-01T12:00:00.123456Z"`); times before 1970 are written as the
/// epoch. The date and time of day are formatted once per second.
#[derive(Default)]
pub(crate) struct Timestamps {
    /// The second last formatted, and its `"YYYY-MM-DDTHH:MM:SS.`.
    second: Option<(u64, String)>,
}

impl Timestamps {
    pub(crate) fn write(&mut self, at: SystemTime, out: &mut Vec<u8>) {
        let since_epoch = at.duration_since(UNIX_EPOCH).unwrap_or_default();
        let secs = since_epoch.as_secs();
        let prefix = match &mut self.second {
            Some((second, prefix)) if *second == secs => prefix,
            second => {
                let (year, month, day) = civil_date(secs / 86_400);
                let time = secs % 86_400;
                let prefix = format!(
                    "\"{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.",
                    time / 3600,
                    time / 60 % 60,
                    time % 60
                );
                &mut second.insert((secs, prefix)).1
            }
        };
        out.extend_from_slice(prefix.as_bytes());
        push_digits(out, since_epoch.subsec_micros(), 6);
        out.extend_from_slice(b"Z\"");
    }
}

/// The Gregorian date `days` after 1970-01-01.
fn civil_date(days: u64) -> (u64, u64, u64) {
    // Days counted from 0000-03-01, in 400-year eras of 146,097 days.
    let days = days + 719_468;
    let (era, day_of_era) = (days / 146_097, days % 146_097);
    let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
    let month = if month_from_march < 10 { month_from_march + 3 } else { month_from_march - 9 };
    let year = era * 400 + year_of_era + u64::from(month <= 2);
    (year, month, day)
}

/// Converts monotonic readings to wall-clock times, never going back.
pub(crate) struct WallClock {
    /// The wall clock and the monotonic clock, read together.
    anchor: (SystemTime, Instant),
    /// The last time converted.
    last: SystemTime,
    /// The last time converted before the current batch.
    before_batch: SystemTime,
}

impl Default for WallClock {
    fn default() -> Self {
        WallClock { anchor: (SystemTime::now(), Instant::now()), last: UNIX_EPOCH, before_batch: UNIX_EPOCH }
    }
}

impl WallClock {
    /// Starts converting a batch, whose readings were all taken before. A
    /// new batch reads both clocks anew; one converted before (written
    /// again after a failed write) converts as it did then.
    pub(crate) fn start_batch(&mut self, again: bool) {
        if again {
            self.last = self.before_batch;
        } else {
            self.anchor = (SystemTime::now(), Instant::now());
            self.before_batch = self.last;
        }
    }

    /// The wall-clock time of the monotonic reading `at`, taken before the
    /// anchor; never earlier than the time converted before it.
    pub(crate) fn time_of(&mut self, at: Instant) -> SystemTime {
        let (wall, now) = self.anchor;
        let time = wall.checked_sub(now.saturating_duration_since(at)).unwrap_or(UNIX_EPOCH).max(self.last);
        self.last = time;
        time
    }
}

#[cfg(test)]
mod member_tests {
    use std::borrow::Cow;
    use std::time::{Duration, UNIX_EPOCH};

    use super::{capped, first_escaped, Entry, Record, Timestamps, MAX_MESSAGE};
    use crate::approval::ApprovalId;
    use crate::audit::chain::{check, open_line, seal, Link};
    use crate::audit::GENESIS;
    use crate::{Changed, HookKind, HookMeta, Session, Status};

    static HOOK: HookMeta = HookMeta {
        point: "before_search",
        name: "eu_only",
        crate_name: "acme_hooks",
        module: "acme_hooks::search",
        path: "acme_hooks::search::eu_only",
        tenant: Some("acme"),
        order: 10,
        timeout_ms: 200,
        fallback: true,
        kind: HookKind::Interceptor,
        is_async: false,
        mode: crate::Mode::Enforce,
        matchers: &[],
        patterns: None,
        contract: None,
    };

    fn record(session: Session, status: Status, message: Option<&str>) -> Record {
        Record {
            hook: &HOOK,
            session,
            status,
            duration: Duration::from_micros(1500),
            at: quanta::Instant::now(),
            message: message.map(Into::into),
            changed: Changed::default(),
            approval: None,
            let_through: false,
            attempt: None,
        }
    }

    /// Writes `record` as the first line of a chain; returns the line
    /// (without its newline) and the link it ends at.
    fn first_line(record: &Record) -> (Vec<u8>, Link) {
        let mut buf = Vec::new();
        let start = open_line(&mut buf, 1);
        record.write_members(UNIX_EPOCH + Duration::from_secs(1), 42, &mut Timestamps::default(), &mut buf);
        let link = seal(&mut buf, start, &Link::GENESIS, None);
        assert_eq!(buf.pop(), Some(b'\n'));
        (buf, link)
    }

    #[test]
    fn a_written_line_reads_back_as_its_record_and_verifies() {
        let message = "quote \" backslash \\ newline \n tab \t bell \u{7} ünï";
        let session = Session::new("s\"1").with_tenant("acme").with_trace("t-1", "s-1").with_turn(3);
        let (line, after) = first_line(&record(session, Status::Error, Some(message)));
        let expected = Entry {
            seq: 1,
            timestamp: "1970-01-01T00:00:01.000000Z".into(),
            point: "before_search".into(),
            hook: "acme_hooks::search::eu_only".into(),
            crate_name: "acme_hooks".into(),
            status: "error".into(),
            duration_ms: 1.5,
            tenant_id: Some("acme".into()),
            session_id: "s\"1".into(),
            trace_id: "t-1".into(),
            span_id: "s-1".into(),
            turn: 3,
            error: Some(message.into()),
            block_reason: None,
            message: None,
            changed: Vec::new(),
            approval_id: None,
            let_through: false,
            attempt: None,
            pid: 42,
            prev: GENESIS.into(),
        };
        assert_eq!(Entry::parse(&line).expect("the line is JSON"), expected);
        assert_eq!(check(&line, &Link::GENESIS, None), Ok(after));
        assert_eq!(after.seq, 1);
    }

    #[test]
    fn the_algebra_members_read_back_and_verify() {
        let id: ApprovalId = "ab".repeat(32).parse().expect("an id");
        let mut asked = record(Session::new("s-3"), Status::Ask, Some("send 1500 EUR?"));
        asked.changed = Changed::new(&["payee", "note", "amount"], 0b101);
        asked.approval = Some(Box::new(id));
        asked.let_through = true;
        asked.attempt = std::num::NonZeroU32::new(2);
        let (line, after) = first_line(&asked);
        let entry = Entry::parse(&line).expect("the line is JSON");
        assert_eq!((entry.error, entry.block_reason), (None, None));
        assert_eq!(entry.message, Some(Cow::Borrowed("send 1500 EUR?")));
        assert_eq!(entry.changed, [Cow::Borrowed("payee"), Cow::Borrowed("amount")]);
        assert_eq!(entry.approval_id, Some(Cow::Owned(id.to_string())));
        assert!(entry.let_through);
        assert_eq!(entry.attempt, Some(2));
        assert_eq!(check(&line, &Link::GENESIS, None), Ok(after));
    }

    #[test]
    fn every_byte_a_json_string_must_escape_is_found() {
        for byte in 0..=u8::MAX {
            let must = byte < 0x20 || byte == b'"' || byte == b'\\';
            for at in [0, 5, 8, 13] {
                let mut text = vec![b'a'; 17];
                text[at] = byte;
                assert_eq!(first_escaped(&text), must.then_some(at), "byte {byte:#x} at {at}");
            }
        }
    }

    #[test]
    fn a_block_reason_and_a_missing_tenant_have_their_own_members() {
        let (line, _) = first_line(&record(Session::new("s-2"), Status::Blocked, Some("not here")));
        let entry = Entry::parse(&line).expect("the line is JSON");
        assert_eq!((entry.tenant_id, entry.error), (None, None));
        assert_eq!(entry.block_reason, Some(Cow::Borrowed("not here")));
        assert!(String::from_utf8_lossy(&line).contains(r#""hook.tenant_id":null"#));
    }

    #[test]
    fn timestamps_are_rfc3339_utc() {
        let mut stamps = Timestamps::default();
        let mut at = |secs: u64, micros: u32| {
            let mut out = Vec::new();
            stamps.write(UNIX_EPOCH + Duration::new(secs, micros * 1000), &mut out);
            String::from_utf8(out).expect("a timestamp is ASCII")
        };
        assert_eq!(at(0, 0), r#""1970-01-01T00:00:00.000000Z""#);
        assert_eq!(at(951_782_400, 5), r#""2000-02-29T00:00:00.000005Z""#);
        assert_eq!(at(951_782_400, 60), r#""2000-02-29T00:00:00.000060Z""#, "the same second again");
        assert_eq!(at(1_709_251_199, 999_999), r#""2024-02-29T23:59:59.999999Z""#);
        assert_eq!(at(4_107_542_400, 0), r#""2100-03-01T00:00:00.000000Z""#);
    }

    #[test]
    fn long_messages_are_cut_at_a_char_boundary() {
        // After the leading `a`, each `é` takes two bytes, so byte MAX_MESSAGE
        // falls inside one: the cut moves back to the boundary before it.
        let message = format!("a{}", "é".repeat(MAX_MESSAGE));
        let cut = capped(&message);
        let kept = MAX_MESSAGE - 1;
        assert_eq!(&cut[..kept], &message[..kept]);
        assert_eq!(&cut[kept..], format!("… [{} bytes cut]", message.len() - kept));
        assert_eq!(&*capped("short"), "short");
    }
}

#[cfg(test)]
mod time_tests {
    use std::time::{Duration, SystemTime};

    use quanta::Instant;

    use super::WallClock;

    #[test]
    fn a_reading_becomes_the_wall_clock_time_it_was_taken_at() {
        let wall = SystemTime::now();
        let at = Instant::now();
        std::thread::sleep(Duration::from_millis(20));
        let mut clock = WallClock::default();
        clock.start_batch(false);
        let converted = clock.time_of(at);
        let error = converted.duration_since(wall).unwrap_or_else(|early| early.duration());
        assert!(error < Duration::from_millis(1), "{error:?} off");
    }

    #[test]
    fn times_never_go_back() {
        let earlier = Instant::now();
        let later = Instant::now() + Duration::from_millis(5);
        let mut clock = WallClock::default();
        clock.start_batch(false);
        let first = clock.time_of(later);
        assert_eq!(clock.time_of(earlier), first);
    }

    #[test]
    fn a_batch_converted_again_gets_the_same_times() {
        let (first, second) = (Instant::now(), Instant::now());
        let mut clock = WallClock::default();
        clock.start_batch(false);
        let times = (clock.time_of(first), clock.time_of(second));
        clock.start_batch(true);
        assert_eq!((clock.time_of(first), clock.time_of(second)), times);
    }
}
