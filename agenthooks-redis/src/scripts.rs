//! The Lua scripts that change a key's state atomically on the server, and
//! the arguments they take.
//!
//! Every script reads the server's clock (`TIME`), so replicas whose clocks
//! disagree still share one timeline. Times and durations travel in whole
//! microseconds, which Lua's numbers hold exactly for centuries of server
//! time; stored times are written with `%.0f` so that none is rounded.

use std::time::Duration;

use agenthooks::store::{Breaker, Rate};
use redis::Script;

/// The longest duration a script is given, about 35 years: longer windows
/// count as this long, which keeps every sum of times exact in Lua.
const MAX_MICROS: u64 = 1 << 50;

/// Common prelude: the server's time in microseconds, and the two helpers
/// that write times and expiries without rounding them.
const PRELUDE: &str = r"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local function int(x) return string.format('%.0f', x) end
local function ms(us) return int(math.ceil(us / 1000)) end
";

/// GCRA. `KEYS[1]` holds the theoretical arrival time (TAT) of the next
/// call; `ARGV[1]` is the interval, `ARGV[2]` the burst tolerance
/// (`interval × (limit − 1)`). Returns 1 if the call is admitted, 0 if it
/// is refused; a refusal writes nothing. The key expires when its TAT is
/// reached, when it would mean the same as no key.
const ADMIT: &str = r"
local interval = tonumber(ARGV[1])
local tolerance = tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or now)
if tat < now then tat = now end
if tat - now > tolerance then return 0 end
local next_tat = tat + interval
redis.call('SET', KEYS[1], int(next_tat), 'PX', ms(next_tat - now))
return 1
";

/// A breaker's permit. `KEYS[1]` is the breaker's hash: `retry` (the time
/// the next probe may start) when open, `start` and `n` (the failure
/// window's start and count) when closed. `ARGV[1]` is `probe_after`,
/// `ARGV[2]` how long an open breaker is kept once its probe is due.
/// Returns 0 (closed), 1 (this call is the probe) or 2 (open). Taking the
/// probe moves `retry` on by `probe_after`: an unreported probe frees its
/// place then.
const PERMIT: &str = r"
local retry = redis.call('HGET', KEYS[1], 'retry')
if not retry then return 0 end
if now < tonumber(retry) then return 2 end
local probe_after = tonumber(ARGV[1])
redis.call('HSET', KEYS[1], 'retry', int(now + probe_after))
redis.call('PEXPIRE', KEYS[1], ms(probe_after + tonumber(ARGV[2])))
return 1
";

/// How a run ended. `ARGV[1]` is `failure` (a run the closed breaker let
/// through failed), `probe_ok` or `probe_failed`; `ARGV[2]` the failures
/// that open the breaker, `ARGV[3]` the window, `ARGV[4]` `probe_after`,
/// `ARGV[5]` how long an open breaker is kept once its probe is due.
/// Returns 1 if the breaker opened, 0 otherwise.
const RECORD: &str = r"
local outcome = ARGV[1]
local probe_after = tonumber(ARGV[4])
local function open()
  redis.call('DEL', KEYS[1])
  redis.call('HSET', KEYS[1], 'retry', int(now + probe_after))
  redis.call('PEXPIRE', KEYS[1], ms(probe_after + tonumber(ARGV[5])))
  return 1
end
if outcome == 'probe_ok' then
  redis.call('DEL', KEYS[1])
  return 0
end
if outcome == 'probe_failed' then return open() end
local state = redis.call('HMGET', KEYS[1], 'retry', 'start', 'n')
if state[1] then return 0 end
local window = tonumber(ARGV[3])
local start, n = tonumber(state[2]), tonumber(state[3])
if not start or now - start >= window then
  start, n = now, 0
end
n = n + 1
if n >= tonumber(ARGV[2]) then return open() end
redis.call('HSET', KEYS[1], 'start', int(start), 'n', n)
redis.call('PEXPIRE', KEYS[1], ms(start + window - now))
return 0
";

/// How a run that a breaker let through ended, as the record script
/// spells it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// A run the closed breaker let through failed.
    Failure,
    /// The probe succeeded: the breaker closes.
    ProbeSucceeded,
    /// The probe failed: the breaker opens again.
    ProbeFailed,
}

impl Outcome {
    /// The script's name for the outcome.
    pub(crate) fn as_arg(self) -> &'static str {
        match self {
            Outcome::Failure => "failure",
            Outcome::ProbeSucceeded => "probe_ok",
            Outcome::ProbeFailed => "probe_failed",
        }
    }
}

/// The three scripts, hashed once; each is sent by hash (`EVALSHA`) and
/// loaded again only when the server does not know it.
#[derive(Debug)]
pub(crate) struct Scripts {
    /// See [`ADMIT`].
    pub(crate) admit: Script,
    /// See [`PERMIT`].
    pub(crate) permit: Script,
    /// See [`RECORD`].
    pub(crate) record: Script,
}

impl Scripts {
    /// Hashes the scripts.
    pub(crate) fn new() -> Self {
        let with_prelude = |body: &str| Script::new(&format!("{PRELUDE}{body}"));
        Scripts { admit: with_prelude(ADMIT), permit: with_prelude(PERMIT), record: with_prelude(RECORD) }
    }
}

/// `duration` in whole microseconds, rounded up, at most [`MAX_MICROS`].
pub(crate) fn micros(duration: Duration) -> u64 {
    u64::try_from(duration.as_nanos().div_ceil(1000)).map_or(MAX_MICROS, |us| us.min(MAX_MICROS))
}

/// The admit script's arguments for `rate`: the interval (at least one
/// microsecond, rounded up so the rate is never exceeded) and the burst
/// tolerance.
pub(crate) fn rate_args(rate: Rate) -> [u64; 2] {
    let interval = micros(rate.interval()).max(1);
    let tolerance = interval.saturating_mul(u64::from(rate.limit().get() - 1)).min(MAX_MICROS);
    [interval, tolerance]
}

/// The breaker's window and `probe_after`, in microseconds.
pub(crate) fn breaker_args(breaker: Breaker) -> [u64; 2] {
    [micros(breaker.window()), micros(breaker.probe_after())]
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::num::NonZeroU32;

    fn rate(limit: u32, window: Duration) -> Rate {
        Rate::new(NonZeroU32::new(limit).unwrap(), window).unwrap()
    }

    #[test]
    fn interval_rounds_up_so_the_rate_is_never_exceeded() {
        assert_eq!(rate_args(rate(3, Duration::from_secs(1))), [333_334, 666_668]);
        assert_eq!(rate_args(rate(1000, Duration::from_nanos(1))), [1, 999]);
    }

    #[test]
    fn long_durations_are_capped_to_stay_exact_in_lua() {
        assert_eq!(micros(Duration::MAX), MAX_MICROS);
        assert_eq!(rate_args(rate(u32::MAX, Duration::MAX))[1], MAX_MICROS);
    }
}
