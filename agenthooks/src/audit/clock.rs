//! Wall-clock times for records stamped with the monotonic clock.
//!
//! A calling thread stamps its record with a reading of the monotonic clock
//! the executor times hooks with: a few nanoseconds where the CPU's
//! time-stamp counter is reliable, against some twenty for the wall clock.
//! The writer turns each reading into a wall-clock time against an anchor,
//! both clocks read together, that it takes before formatting each batch.
//! A record waits in the queue for about a millisecond, so the time written
//! is as exact as the wall clock at the anchor, give or take the counter's
//! drift over that wait (nanoseconds). Times never go back within a
//! process: one earlier than the time written before it (records of two
//! threads queued in the other order, or a wall clock set back) is written
//! as that time.

use std::time::{SystemTime, UNIX_EPOCH};

use quanta::Instant;

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
mod tests {
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
