//! Which records `audit tail` keeps: by point, hook, tenant, status and
//! time. A record must pass every filter given; a filter given several
//! values passes a record that has any of them.

use agenthooks::audit::Entry;

use crate::args::FilterArgs;
use crate::error::CliError;
use crate::time::Timestamp;

/// The filters of one `audit tail`, checked and ready to apply.
#[derive(Debug)]
pub(crate) struct Filter {
    points: Vec<String>,
    hooks: Vec<String>,
    tenants: Vec<String>,
    statuses: Vec<&'static str>,
    since: Option<Timestamp>,
    until: Option<Timestamp>,
}

impl Filter {
    /// The filters `args` gives; fails when `--since` is not before `--until`.
    pub(crate) fn new(args: FilterArgs) -> Result<Self, CliError> {
        if let (Some(since), Some(until)) = (args.since, args.until) {
            if since >= until {
                return Err(CliError::EmptyTimeRange);
            }
        }
        Ok(Filter {
            points: args.points,
            hooks: args.hooks,
            tenants: args.tenants,
            statuses: args.statuses.into_iter().map(|status| status.status().as_str()).collect(),
            since: args.since,
            until: args.until,
        })
    }

    /// Whether no filter was given: every line passes, records or not.
    pub(crate) fn is_empty(&self) -> bool {
        self.points.is_empty()
            && self.hooks.is_empty()
            && self.tenants.is_empty()
            && self.statuses.is_empty()
            && self.since.is_none()
            && self.until.is_none()
    }

    /// Whether the log line `line` (without its newline) passes: any line
    /// when no filter is given, else only a record that passes them all.
    pub(crate) fn passes(&self, line: &[u8]) -> bool {
        self.is_empty() || Entry::parse(line).is_ok_and(|entry| self.matches(&entry))
    }

    /// Whether `entry` passes every filter.
    fn matches(&self, entry: &Entry<'_>) -> bool {
        let any = |values: &[String], found: &str| values.is_empty() || values.iter().any(|value| value == found);
        any(&self.points, &entry.point)
            && (self.hooks.is_empty() || self.hooks.iter().any(|hook| names(&entry.hook, hook)))
            && (self.tenants.is_empty() || entry.tenant_id.as_deref().is_some_and(|tenant| any(&self.tenants, tenant)))
            && (self.statuses.is_empty() || self.statuses.contains(&&*entry.status))
            && self.in_time(&entry.timestamp)
    }

    /// Whether `timestamp` lies in `[since, until)`; a timestamp that does
    /// not parse lies in no range.
    fn in_time(&self, timestamp: &str) -> bool {
        if self.since.is_none() && self.until.is_none() {
            return true;
        }
        timestamp
            .parse::<Timestamp>()
            .is_ok_and(|at| self.since.is_none_or(|since| at >= since) && self.until.is_none_or(|until| at < until))
    }
}

/// Whether `given` names the hook at `path`: the whole path, or its last
/// `::`-separated segments.
fn names(path: &str, given: &str) -> bool {
    path.strip_suffix(given).is_some_and(|before| before.is_empty() || before.ends_with("::"))
}

#[cfg(test)]
mod tests {
    use super::names;

    #[test]
    fn a_hook_is_named_by_its_path_or_its_last_segments() {
        let path = "acme_hooks::search::eu_only";
        for given in [path, "search::eu_only", "eu_only"] {
            assert!(names(path, given), "{given}");
        }
        for given in
            ["only", "h::eu_only", "acme_hooks", "acme_hooks::search", "::eu_only::", "x::acme_hooks::search::eu_only"]
        {
            assert!(!names(path, given), "{given}");
        }
    }
}
