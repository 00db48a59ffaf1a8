//! What one hook execution leaves in the log: the [`Record`] the calling
//! thread hands over, and the [`Entry`] line the writer makes of it.
//!
//! A record holds no argument value. Its message (block reason, error,
//! panic or time-out text) was already scrubbed of `#[redact]` values by the
//! executor, and is cut to [`MAX_MESSAGE`] bytes so that a queued record's
//! size is bounded.

use std::borrow::Cow;
use std::fmt::{self, Write as _};
use std::io::Write as _;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::Deserialize;

use super::chain::{self, Link};
use crate::{Execution, HookMeta, Session, Status};

/// The longest message a record keeps, in bytes; a longer one is cut at a
/// character boundary and says how much was cut.
pub const MAX_MESSAGE: usize = 2048;

/// One hook execution, as the calling thread hands it to the writer: no
/// formatting, no hashing, no I/O.
pub(crate) struct Record {
    hook: &'static HookMeta,
    session: Session,
    status: Status,
    duration: Duration,
    at: SystemTime,
    message: Option<Box<str>>,
}

impl Record {
    /// The record of `execution`, stamped now.
    pub(crate) fn new(execution: &Execution<'_>) -> Self {
        Record {
            hook: execution.hook,
            session: execution.session.clone(),
            status: execution.status,
            duration: execution.duration,
            at: SystemTime::now(),
            message: execution.message.map(capped),
        }
    }

    /// Appends the record's line to `buf`, chained after `prev`; returns the
    /// link it ends at. `scratch` is reused for the timestamp.
    pub(crate) fn write_line(&self, prev: &Link, pid: u32, scratch: &mut String, buf: &mut Vec<u8>) -> Link {
        scratch.clear();
        write!(scratch, "{}", Rfc3339(self.at)).expect("writing to a String cannot fail");
        let (error, block_reason) = match self.status {
            Status::Blocked => (None, self.message.as_deref()),
            _ => (self.message.as_deref(), None),
        };
        let seq = prev.seq + 1;
        let start = chain::open_line(buf, seq);
        let mut line = Members(buf);
        line.text("timestamp", scratch);
        line.text("hook.name", self.hook.point);
        line.text("hook.impl", self.hook.path);
        line.text("hook.crate", self.hook.crate_name);
        line.text("hook.status", self.status.as_str());
        line.number("hook.duration_ms", self.duration.as_secs_f64() * 1e3);
        match self.session.tenant_id() {
            Some(tenant) => line.text("hook.tenant_id", tenant),
            None => line.number("hook.tenant_id", "null"),
        }
        line.text("session_id", self.session.session_id());
        line.text("trace_id", self.session.trace_id());
        line.text("span_id", self.session.span_id());
        line.number("turn", self.session.turn());
        if let Some(error) = error {
            line.text("hook.error", error);
        }
        if let Some(reason) = block_reason {
            line.text("hook.block_reason", reason);
        }
        line.number("pid", pid);
        chain::seal(buf, start, prev, seq)
    }
}

/// Writes the members of a line's JSON object: `,"key":value` each.
struct Members<'b>(&'b mut Vec<u8>);

impl Members<'_> {
    fn key(&mut self, key: &str) {
        self.0.extend_from_slice(b",\"");
        self.0.extend_from_slice(key.as_bytes());
        self.0.extend_from_slice(b"\":");
    }

    /// A member whose value is written as `Display` prints it: a number or
    /// `null`.
    fn number(&mut self, key: &str, value: impl fmt::Display) {
        self.key(key);
        write!(self.0, "{value}").expect("writing to a Vec cannot fail");
    }

    /// A member whose value is a JSON string.
    fn text(&mut self, key: &str, value: &str) {
        self.key(key);
        self.0.push(b'"');
        let bytes = value.as_bytes();
        let mut clean = 0;
        for (at, &byte) in bytes.iter().enumerate() {
            let escaped: &[u8] = match byte {
                b'"' => b"\\\"",
                b'\\' => b"\\\\",
                b'\n' => b"\\n",
                b'\r' => b"\\r",
                b'\t' => b"\\t",
                0..=0x1f => b"",
                _ => continue,
            };
            self.0.extend_from_slice(&bytes[clean..at]);
            clean = at + 1;
            if escaped.is_empty() {
                write!(self.0, "\\u{byte:04x}").expect("writing to a Vec cannot fail");
            } else {
                self.0.extend_from_slice(escaped);
            }
        }
        self.0.extend_from_slice(&bytes[clean..]);
        self.0.push(b'"');
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
/// only), `pid` (the writing process), `prev` and `hash` (the chain).
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Entry<'a> {
    /// Position in the file's chain: 1 for the first line, then one more per line.
    pub seq: u64,
    /// When the hook execution ended, e.g. `2025-05-01T12:00:00.123456Z`.
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
    /// How the execution ended: `ok`, `blocked`, `skip`, `timeout` or `error`.
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
    /// The process that wrote the line.
    pub pid: u32,
    /// The hash of the line before (see [`GENESIS`](super::GENESIS)).
    #[serde(borrow)]
    pub prev: Cow<'a, str>,
}

impl<'a> Entry<'a> {
    /// Reads one line of a log (its hash is not checked: see
    /// [`verify`](super::verify)).
    pub fn parse(line: &'a [u8]) -> Result<Self, serde_json::Error> {
        serde_json::from_slice(line)
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

/// A time as RFC 3339 in UTC with microseconds; times before 1970 print as
/// the epoch.
struct Rfc3339(SystemTime);

impl fmt::Display for Rfc3339 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let since_epoch = self.0.duration_since(UNIX_EPOCH).unwrap_or_default();
        let secs = since_epoch.as_secs();
        let (year, month, day) = civil_date(secs / 86_400);
        let second_of_day = secs % 86_400;
        write!(
            f,
            "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:06}Z",
            second_of_day / 3600,
            second_of_day / 60 % 60,
            second_of_day % 60,
            since_epoch.subsec_micros()
        )
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

#[cfg(test)]
mod tests {
    use std::borrow::Cow;
    use std::time::{Duration, UNIX_EPOCH};

    use super::{capped, Entry, Record, Rfc3339, MAX_MESSAGE};
    use crate::audit::chain::{self, Link};
    use crate::{HookKind, HookMeta, Session, Status};

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
    };

    fn record(session: Session, status: Status, message: Option<&str>) -> Record {
        Record {
            hook: &HOOK,
            session,
            status,
            duration: Duration::from_micros(1500),
            at: UNIX_EPOCH + Duration::from_secs(1),
            message: message.map(Into::into),
        }
    }

    /// Writes `record` as the first line of a chain; returns the line
    /// (without its newline) and the link it ends at.
    fn first_line(record: &Record) -> (Vec<u8>, Link) {
        let mut buf = Vec::new();
        let link = record.write_line(&Link::GENESIS, 42, &mut String::new(), &mut buf);
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
            pid: 42,
            prev: chain::GENESIS.into(),
        };
        assert_eq!(Entry::parse(&line).expect("the line is JSON"), expected);
        assert_eq!(chain::check(&line, &Link::GENESIS), Ok(after));
        assert_eq!(after.seq, 1);
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
        let at = |secs: u64, micros: u32| Rfc3339(UNIX_EPOCH + Duration::new(secs, micros * 1000)).to_string();
        assert_eq!(at(0, 0), "1970-01-01T00:00:00.000000Z");
        assert_eq!(at(951_782_400, 5), "2000-02-29T00:00:00.000005Z");
        assert_eq!(at(1_709_251_199, 999_999), "2024-02-29T23:59:59.999999Z");
        assert_eq!(at(4_107_542_400, 0), "2100-03-01T00:00:00.000000Z");
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
