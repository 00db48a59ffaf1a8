//! What a hook decides, and the return types a hook may use to say it.

use std::fmt::Display;

/// A hook's decision about the call it intercepted.
///
/// ```
/// use agenthooks::Outcome;
///
/// let decision = Outcome::block("query names a blocked domain");
/// assert!(matches!(decision, Outcome::Block(_)));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[must_use = "an outcome does nothing unless the hook returns it"]
#[non_exhaustive]
pub enum Outcome {
    /// Go on: the next hook runs, then the method body.
    Continue,
    /// Stop the call: no further hook runs, the body does not run, and the
    /// method returns its error built from [`Blocked`](crate::Blocked).
    Block(String),
    /// End the chain: no further hook runs, the body runs with the arguments
    /// as they are now.
    Skip,
    /// Ask for approval instead of deciding: the call goes on only once an
    /// approval bound to exactly this call is granted (see
    /// [`approval`](crate::approval)); the hook's own changes are discarded.
    Ask(String),
    /// Go on exactly as [`Continue`](Outcome::Continue) does, and write the
    /// text into this hook's audit line (`hook.message`, status `ok`): what
    /// the hook decided and why, when letting the call go on is itself a
    /// decision worth keeping (the policies that permitted it, the rule
    /// that matched). A note, not an "allow": it carries no authority over
    /// the other hooks, which run and decide as after `Continue`; only the
    /// audit line differs. Its text is scrubbed of `#[redact]` values like a
    /// block reason.
    Note(String),
}

impl Outcome {
    /// `Outcome::Block` with the given reason.
    pub fn block(reason: impl Into<String>) -> Self {
        Outcome::Block(reason.into())
    }

    /// `Outcome::Ask` with the given prompt: what the approver is asked.
    ///
    /// ```
    /// use agenthooks::Outcome;
    ///
    /// let decision = Outcome::ask("send 200 EUR to a new payee?");
    /// assert!(matches!(decision, Outcome::Ask(_)));
    /// ```
    pub fn ask(prompt: impl Into<String>) -> Self {
        Outcome::Ask(prompt.into())
    }

    /// `Outcome::Note` with the given text: the call goes on as with
    /// `Continue`, and the text goes into this hook's audit line.
    ///
    /// ```
    /// use agenthooks::Outcome;
    ///
    /// let decision = Outcome::note("allowed by policy acme-search");
    /// assert_eq!(decision, Outcome::Note("allowed by policy acme-search".into()));
    /// ```
    pub fn note(text: impl Into<String>) -> Self {
        Outcome::Note(text.into())
    }
}

/// A type an interceptor hook (one taking `&mut Ctx<P>`) may return.
///
/// Implemented for [`Outcome`] and for `Result<Outcome, E>` with `E: Display`;
/// an `Err` counts as a hook error.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be returned by an interceptor hook",
    label = "return `Outcome` or `Result<Outcome, E>` here",
    note = "an interceptor hook returns `agenthooks::Outcome` (`Continue`, `Block(reason)`, `Skip`) or a `Result` of one whose error implements `Display`"
)]
pub trait InterceptorReturn {
    /// The hook's outcome, or its error as text.
    #[doc(hidden)]
    fn into_hook_result(self) -> Result<Outcome, String>;
}

/// A type an observer hook (one taking `&Ctx<P>`) may return.
///
/// Implemented for `()`, [`Outcome`] and `Result<O, E>` with `O` one of those
/// and `E: Display`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be returned by an observer hook",
    label = "return `()`, `Outcome` or a `Result` of one here",
    note = "an observer hook returns `()`, `agenthooks::Outcome`, or a `Result` of either whose error implements `Display`"
)]
pub trait ObserverReturn {
    /// The hook's outcome, or its error as text.
    #[doc(hidden)]
    fn into_hook_result(self) -> Result<Outcome, String>;
}

impl InterceptorReturn for Outcome {
    fn into_hook_result(self) -> Result<Outcome, String> {
        Ok(self)
    }
}

impl<E: Display> InterceptorReturn for Result<Outcome, E> {
    fn into_hook_result(self) -> Result<Outcome, String> {
        self.map_err(|error| error.to_string())
    }
}

impl ObserverReturn for Outcome {
    fn into_hook_result(self) -> Result<Outcome, String> {
        Ok(self)
    }
}

impl ObserverReturn for () {
    fn into_hook_result(self) -> Result<Outcome, String> {
        Ok(Outcome::Continue)
    }
}

impl<O: ObserverReturn, E: Display> ObserverReturn for Result<O, E> {
    fn into_hook_result(self) -> Result<Outcome, String> {
        self.map_err(|error| error.to_string()).and_then(ObserverReturn::into_hook_result)
    }
}
