//! The values of `#[hook]`'s pattern keys: `rate_limit = "500/60s per
//! tenant"`, `breaker = "5 in 60s, probe after 30s"`, `retry = 3`,
//! `backoff_ms = 100`. Each is checked here, so that a malformed one fails
//! the build at its token with the form it takes.

use syn::{Expr, ExprLit, Ident, Lit, LitStr};

/// The most times `retry` may run a hook again (the runtime's
/// `patterns::MAX_RETRIES`).
pub(crate) const MAX_RETRIES: u32 = 10;

/// The backoff when `backoff_ms` is not given (the runtime's
/// `patterns::DEFAULT_BACKOFF_MS`).
pub(crate) const DEFAULT_BACKOFF_MS: u64 = 100;

/// The time limit of a hook that declares none (the runtime's
/// `DEFAULT_TIMEOUT_MS`).
pub(crate) const DEFAULT_TIMEOUT_MS: u64 = 500;

/// The longest backoff between attempts: the longest time limit.
const MAX_BACKOFF_MS: u64 = crate::attr::MAX_TIMEOUT_MS;

/// `rate_limit = "500/60s per tenant"`.
pub(crate) struct RateLimitArg {
    pub(crate) limit: u32,
    pub(crate) window_ms: u64,
    /// The variant of `agenthooks::patterns::Per`.
    pub(crate) per: Ident,
}

/// `breaker = "5 in 60s, probe after 30s"`.
pub(crate) struct BreakerArg {
    pub(crate) failures: u32,
    pub(crate) window_ms: u64,
    pub(crate) probe_after_ms: u64,
}

const RATE_FORM: &str = "`rate_limit` takes calls per window and what they are counted per: `rate_limit = \"500/60s per tenant\"` (a window in ms, s, m or h; per `tenant`, `session` or `hook`)";

const BREAKER_FORM: &str = "`breaker` takes failures in a window and when to probe: `breaker = \"5 in 60s, probe after 30s\"` (durations in ms, s, m or h)";

/// `rate_limit = "500/60s per tenant"`; the scope may be left out (per
/// tenant), and so may a window's number (`"10/s"`).
pub(crate) fn rate_limit(value: &Expr) -> syn::Result<RateLimitArg> {
    let lit = string(value, RATE_FORM)?;
    let text = lit.value();
    let (rate, per) = match text.split_once(" per ") {
        Some((rate, per)) => (rate.trim(), Some(per.trim())),
        None => (text.trim(), None),
    };
    let per = match per {
        None | Some("tenant") => "Tenant",
        Some("session") => "Session",
        Some("hook") => "Hook",
        Some(other) => {
            return Err(error(
                lit,
                &format!("a rate limit is counted per `tenant`, `session` or `hook`, not `{other}`: `rate_limit = \"500/60s per tenant\"`"),
            ))
        }
    };
    let Some((limit, window)) = rate.split_once('/') else { return Err(error(lit, RATE_FORM)) };
    let Ok(limit) = limit.trim().parse::<u32>() else { return Err(error(lit, RATE_FORM)) };
    if limit == 0 {
        return Err(error(
            lit,
            "a rate limit admits at least one call per window: `rate_limit = \"500/60s per tenant\"`",
        ));
    }
    let window = window.trim();
    // `10/s`: one of the unit.
    let window =
        if window.starts_with(|c: char| c.is_ascii_digit()) { window.to_owned() } else { format!("1{window}") };
    let window_ms = duration_ms(&window).map_err(|problem| error(lit, &format!("{problem}: {RATE_FORM}")))?;
    Ok(RateLimitArg { limit, window_ms, per: Ident::new(per, lit.span()) })
}

/// `breaker = "5 in 60s, probe after 30s"`.
pub(crate) fn breaker(value: &Expr) -> syn::Result<BreakerArg> {
    let lit = string(value, BREAKER_FORM)?;
    let text = lit.value();
    let parsed = (|| {
        let (count, probe) = text.split_once(',').ok_or(BREAKER_FORM.to_owned())?;
        let (failures, window) = count.trim().split_once(" in ").ok_or(BREAKER_FORM.to_owned())?;
        let probe = probe.trim().strip_prefix("probe after ").ok_or(BREAKER_FORM.to_owned())?;
        let failures = failures.trim().parse::<u32>().map_err(|_| BREAKER_FORM.to_owned())?;
        if failures == 0 {
            return Err(
                "a breaker opens after one failure or more: `breaker = \"5 in 60s, probe after 30s\"`".to_owned()
            );
        }
        let window_ms = duration_ms(window.trim()).map_err(|problem| format!("{problem}: {BREAKER_FORM}"))?;
        let probe_after_ms = duration_ms(probe.trim()).map_err(|problem| format!("{problem}: {BREAKER_FORM}"))?;
        Ok(BreakerArg { failures, window_ms, probe_after_ms })
    })();
    parsed.map_err(|problem| error(lit, &problem))
}

/// `retry = 3`: runs a failing hook again up to 3 times.
pub(crate) fn retry(value: &Expr) -> syn::Result<u32> {
    number(value, "retry = 3", 1, u64::from(MAX_RETRIES), "retries")
        .map(|times| u32::try_from(times).unwrap_or(MAX_RETRIES))
}

/// `backoff_ms = 100`: the wait between attempts.
pub(crate) fn backoff_ms(value: &Expr) -> syn::Result<u64> {
    number(value, "backoff_ms = 100", 0, MAX_BACKOFF_MS, "milliseconds")
}

/// A whole number from `min` to `max`, unquoted.
fn number(value: &Expr, example: &str, min: u64, max: u64, what: &str) -> syn::Result<u64> {
    let parsed = match value {
        Expr::Lit(ExprLit { lit: Lit::Int(int), .. }) => int.base10_parse::<u64>().ok(),
        _ => None,
    };
    let key = example.split(' ').next().unwrap_or(example);
    parsed.filter(|number| (min..=max).contains(number)).ok_or_else(|| {
        let quoted =
            matches!(value, Expr::Lit(ExprLit { lit: Lit::Str(lit), .. }) if lit.value().trim().parse::<u64>().is_ok());
        let message = if quoted {
            format!("write the number without quotes: `{example}`")
        } else {
            format!("`{key}` takes a whole number of {what} from {min} to {max}: `{example}`")
        };
        syn::Error::new_spanned(value, message)
    })
}

/// The string literal `value`, or an error saying `form`.
fn string<'a>(value: &'a Expr, form: &str) -> syn::Result<&'a LitStr> {
    match value {
        Expr::Lit(ExprLit { lit: Lit::Str(lit), .. }) => Ok(lit),
        _ => Err(syn::Error::new_spanned(value, form)),
    }
}

fn error(lit: &LitStr, message: &str) -> syn::Error {
    syn::Error::new(lit.span(), message)
}

/// A duration written `250ms`, `60s`, `5m` or `1h`, in milliseconds; at
/// least one millisecond.
fn duration_ms(text: &str) -> Result<u64, String> {
    let digits = text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len());
    let (number, unit) = text.split_at(digits);
    let scale = match unit.trim() {
        "ms" => 1,
        "s" => 1000,
        "m" => 60_000,
        "h" => 3_600_000,
        _ => return Err(format!("`{text}` is not a duration")),
    };
    let number = number.parse::<u64>().map_err(|_| format!("`{text}` is not a duration"))?;
    match number.checked_mul(scale) {
        Some(0) => Err(format!("the duration `{text}` is zero")),
        Some(ms) => Ok(ms),
        None => Err(format!("the duration `{text}` is too long")),
    }
}

#[cfg(test)]
mod tests {
    use super::duration_ms;

    #[test]
    fn durations_take_a_unit() {
        assert_eq!(duration_ms("250ms"), Ok(250));
        assert_eq!(duration_ms("60s"), Ok(60_000));
        assert_eq!(duration_ms("5m"), Ok(300_000));
        assert_eq!(duration_ms("1h"), Ok(3_600_000));
        for bad in ["60", "s", "0s", "1d", "-1s", "1.5s", ""] {
            assert!(duration_ms(bad).is_err(), "{bad}");
        }
    }
}
