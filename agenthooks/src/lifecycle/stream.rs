//! Stream events: hooks on each event of a streamed response, composed as
//! a pipeline.
//!
//! The agent opens an [`EventStream`] per streamed response with
//! [`stream`], passes each event through [`EventStream::event`], forwards
//! what comes out, and ends with [`EventStream::finish`]. A hook on
//! [`StreamEvent`] sees one event at a time and may pass it (change
//! nothing), change its `kind` or `data`, [suppress](StreamEvent::suppress)
//! it, or [expand](StreamEvent::expand) it into several events. Hooks run in
//! chain order as a pipeline: the events a hook lets out, changed or
//! expanded, flow through the later hooks one by one; a suppressed event
//! reaches no later hook. Matchers on `kind` pick the events a hook sees.
//!
//! **Audit.** One line per event per hook would swamp the log, so for
//! streams the rule reads: every event a hook changes, suppresses or
//! expands, and every block, skip or failure, is one audit line, as any
//! hook execution; events a hook passes unchanged are counted, and
//! [`finish`](EventStream::finish) (or dropping the stream) writes one line
//! per hook that passed any, saying how many (`passed 1200 events
//! unchanged`, its duration their total).
//!
//! **Failures.** The point fails closed: a stream hook that errors, panics
//! or overruns its time limit leaves the event as it was and ends the
//! stream with the error, as a block does (`Outcome::ask` cannot wait on a
//! stream: it ends the stream as a block saying so). A stream hook is a
//! plain `fn`: an `async fn` hook does not compile here.
//!
//! **Switches.** An open stream follows the hooks in force: a hook
//! registered, removed or switched off, or the kill switch, reaches the
//! stream's next event. A stream that a hook blocked or failed is ended:
//! every later event fails with the same error.
//!
//! With no hook on [`StreamEvent`], [`stream`] costs two atomic loads and
//! each event one atomic load and a branch.

use std::borrow::Cow;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::executor::stream::{self as pipeline, Applied};
use crate::matcher::Chain;
use crate::point::HookPoint;
use crate::policy::{Compose, OnFailure};
use crate::table::PointTable;
use crate::{Ctx, HookError, PointInfo, Session};

/// One event of a streamed response: a text delta, a tool-call delta, a
/// reasoning step, the end of a message…
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Event {
    /// What the event is, e.g. `text_delta`: the key stream hooks match on.
    pub kind: Cow<'static, str>,
    /// Its content.
    pub data: Value,
}

impl Event {
    /// An event of `kind` carrying `data`.
    ///
    /// ```
    /// let event = agenthooks::lifecycle::Event::new("text_delta", "Hel");
    /// assert_eq!(event.kind, "text_delta");
    /// ```
    pub fn new(kind: impl Into<Cow<'static, str>>, data: impl Into<Value>) -> Self {
        Event { kind: kind.into(), data: data.into() }
    }
}

/// The context of a stream hook: one event, which an interceptor
/// (`&mut Ctx<StreamEvent>`) may change, suppress or expand.
///
/// ```
/// use agenthooks::lifecycle::{Event, StreamEvent};
/// use agenthooks::{hook, Ctx, Outcome};
///
/// /// Splits each text delta into one event per word.
/// #[hook(StreamEvent, kind = "text_delta")]
/// fn word_by_word(ctx: &mut Ctx<StreamEvent>) -> Outcome {
///     let text = ctx.data.as_str().unwrap_or_default().to_owned();
///     ctx.expand(text.split_inclusive(' ').map(|word| Event::new("text_delta", word)));
///     Outcome::Continue
/// }
/// ```
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct StreamEvent {
    /// The event's kind (a key: `#[hook(StreamEvent, kind = "text_*")]`).
    pub kind: Cow<'static, str>,
    /// The event's content.
    pub data: Value,
    /// What the event becomes instead of itself, once a hook suppressed
    /// (`Some` of none) or expanded it.
    instead: Option<Vec<Event>>,
}

impl StreamEvent {
    /// Drops the event: no later hook sees it and the agent does not emit it.
    pub fn suppress(&mut self) {
        self.instead = Some(Vec::new());
    }

    /// Replaces the event with `events`, in order; each flows through the
    /// later hooks on its own. Expanding into no event suppresses it.
    pub fn expand(&mut self, events: impl IntoIterator<Item = Event>) {
        self.instead = Some(events.into_iter().collect());
    }

    /// The event as it is now.
    pub fn event(&self) -> Event {
        Event { kind: self.kind.clone(), data: self.data.clone() }
    }

    pub(crate) fn new(event: Event) -> Self {
        StreamEvent { kind: event.kind, data: event.data, instead: None }
    }

    /// What a stream's context holds between two events: nothing to free.
    fn between_events() -> Self {
        StreamEvent { kind: Cow::Borrowed(""), data: Value::Null, instead: None }
    }

    /// What a hook made of the event: the events it became, if it
    /// suppressed or expanded it.
    pub(crate) fn take_instead(&mut self) -> Option<Vec<Event>> {
        self.instead.take()
    }

    pub(crate) fn into_event(self) -> Event {
        Event { kind: self.kind, data: self.data }
    }
}

// Written by hand rather than by `#[hookpoint]`: a stream event is not a
// call with a body but one step of a pipeline the agent drives
// (`EventStream`), and its context holds what a hook made of the event.
#[diagnostic::do_not_recommend]
impl HookPoint for StreamEvent {
    const NAME: &'static str = "lifecycle.stream_event";
    const ON_FAILURE: OnFailure = OnFailure::Deny;
    const COMPOSE: Compose = Compose::Chain;
    const FIELDS: &'static [&'static str] = &["kind", "data"];
    const KEYS: &'static [&'static str] = &["kind"];
    // Hooks run once per event, not once per call: a limit belongs on the
    // point that opens the stream.
    const ALLOWS_PATTERNS: bool = false;

    fn table() -> &'static PointTable<Self> {
        static TABLE: PointTable<StreamEvent> = PointTable::new();
        &TABLE
    }

    fn key(&self, index: usize) -> Option<&str> {
        (index == 0).then_some(&*self.kind)
    }

    fn changed_fields(&self, before: &Self) -> u64 {
        u64::from(self.kind != before.kind) | u64::from(self.data != before.data) << 1
    }
}

inventory::submit! {
    PointInfo { name: StreamEvent::NAME, module: module_path!(), fields: StreamEvent::FIELDS, is_async: false, version: None, single: false }
}

/// Opens the stream of one response for `session`: its events go through
/// the hooks on [`StreamEvent`] of the session's tenant.
///
/// The stream follows the hooks in force: when a hook is registered or
/// removed, or a configuration applied (the kill switch, a hook switched
/// off), the next event goes through the tenant's chain as it is then.
/// Checking costs each event one atomic load.
///
/// Fails, before any hook runs, when hooks are linked and the audit log
/// cannot take their records ([`HookError::Unaudited`]).
///
/// ```
/// use agenthooks::lifecycle::{self, Event};
/// use agenthooks::Session;
///
/// let session = Session::new("s-1");
/// let mut stream = lifecycle::stream(&session)?;
/// let mut shown = String::new();
/// for delta in ["Hel", "lo"] {
///     for event in stream.event(Event::new("text_delta", delta))? {
///         shown.push_str(event.data.as_str().unwrap_or_default());
///     }
/// }
/// stream.finish()?;
/// assert_eq!(shown, "Hello");
/// # Ok::<(), agenthooks::HookError>(())
/// ```
pub fn stream(session: &Session) -> Result<EventStream<'_>, HookError> {
    let (generation, hooked) = load(session)?;
    Ok(EventStream { session, generation, state: State::Open(hooked) })
}

/// The table's generation and the session's chain as they are now; the
/// generation is read first, so that a table published meanwhile is loaded
/// again at the next event.
fn load(session: &Session) -> Result<(u64, Option<Hooked>), HookError> {
    let table = StreamEvent::table();
    let generation = table.generation();
    let chain =
        if table.is_hooked() { Some(Arc::clone(table.hold().select_shared(session.tenant_id()))) } else { None };
    let hooked = match chain.filter(|chain| !chain.is_empty()) {
        Some(chain) => {
            pipeline::ready(&chain)?;
            let passes = vec![pipeline::Passes::default(); chain.len()];
            Some(Hooked { ctx: Ctx::new(StreamEvent::between_events(), session), passes, chain })
        }
        None => None,
    };
    Ok((generation, hooked))
}

/// The stream of one response, open until [`finish`](Self::finish)ed or
/// dropped. See [`stream`].
pub struct EventStream<'s> {
    session: &'s Session,
    /// The generation of [`StreamEvent`]'s table the chain was loaded at.
    generation: u64,
    state: State,
}

/// Where a stream stands.
enum State {
    /// Events flow: through the tenant's chain, or untouched (`None`) when
    /// it is empty.
    Open(Option<Hooked>),
    /// A hook blocked or failed, or the audit log refused a record: every
    /// later event fails with this error. The hooks' passes are reported
    /// when the stream finishes.
    Ended(HookError, Option<Hooked>),
}

/// What a stream with hooks holds, all of it set up when the stream opens
/// (or its chain changes) so that an event pays for its hooks and nothing
/// else: no lookup of the tenant's chain, no new context.
struct Hooked {
    /// The tenant's chain of stream hooks, as loaded.
    chain: Arc<Chain<StreamEvent>>,
    /// For each hook of the chain, the events it passed unchanged.
    passes: Vec<pipeline::Passes>,
    /// The context every event goes through, one at a time.
    ctx: Ctx<StreamEvent>,
}

impl std::fmt::Debug for EventStream<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (hooked, ended) = match &self.state {
            State::Open(hooked) => (hooked, false),
            State::Ended(_, hooked) => (hooked, true),
        };
        f.debug_struct("EventStream")
            .field("session", self.session)
            .field("hooks", &hooked.as_ref().map_or(0, |hooked| hooked.passes.len()))
            .field("ended", &ended)
            .finish_non_exhaustive()
    }
}

impl EventStream<'_> {
    /// Passes `event` through the stream hooks; returns the events to emit,
    /// in order: the event itself when nothing is hooked, none when a hook
    /// suppressed it, several when one expanded it.
    ///
    /// Fails with the [`HookError`] that ends the stream: a block, or a
    /// hook's failure. Keep no event of a stream that failed: every later
    /// event fails with the same error.
    #[inline]
    pub fn event(&mut self, event: Event) -> Result<Emitted, HookError> {
        self.follow()?;
        match &mut self.state {
            State::Open(None) => Ok(Emitted::one(event)),
            State::Open(Some(hooked)) => {
                let mut out = Out::default();
                let flowed = hooked.forward(event, self.session, &mut |event| out.push(event));
                self.end_on(flowed)?;
                Ok(out.into_emitted())
            }
            State::Ended(error, _) => Err(error.clone()),
        }
    }

    /// [`Self::event`], handing each event to emit to `emit` as it comes
    /// out instead of gathering them: with nothing hooked, `emit(event)`
    /// after one atomic load and a branch. For an agent whose forwarding
    /// needs no `.await` and cannot fail; one that awaits a channel uses
    /// [`Self::event`], which costs a few nanoseconds more per event
    /// (moving it through the iterator).
    ///
    /// Fails as [`Self::event`] does; the events of this event already
    /// handed to `emit` (before a later hook failed on one it expanded
    /// into) belong to the failed stream too.
    ///
    /// ```
    /// use agenthooks::lifecycle::{self, Event};
    /// use agenthooks::Session;
    ///
    /// let session = Session::new("s-1");
    /// let mut stream = lifecycle::stream(&session)?;
    /// let mut shown = String::new();
    /// for delta in ["Hel", "lo"] {
    ///     stream.forward(Event::new("text_delta", delta), |event| {
    ///         shown.push_str(event.data.as_str().unwrap_or_default());
    ///     })?;
    /// }
    /// stream.finish()?;
    /// assert_eq!(shown, "Hello");
    /// # Ok::<(), agenthooks::HookError>(())
    /// ```
    #[inline]
    pub fn forward(&mut self, event: Event, mut emit: impl FnMut(Event)) -> Result<(), HookError> {
        self.follow()?;
        match &mut self.state {
            State::Open(None) => {
                emit(event);
                Ok(())
            }
            State::Open(Some(hooked)) => {
                let flowed = hooked.forward(event, self.session, &mut emit);
                self.end_on(flowed)
            }
            State::Ended(error, _) => Err(error.clone()),
        }
    }

    /// Loads the chain again when the table changed since it was loaded:
    /// one atomic load when it did not.
    #[inline]
    fn follow(&mut self) -> Result<(), HookError> {
        if StreamEvent::table().generation() == self.generation {
            return Ok(());
        }
        self.reload()
    }

    /// Reports the passes of the chain in use and loads the chain in force;
    /// a failure of either ends the stream.
    #[cold]
    #[inline(never)]
    fn reload(&mut self) -> Result<(), HookError> {
        if let State::Ended(..) = self.state {
            return Ok(());
        }
        let reloaded = self.report_passes().and_then(|()| load(self.session));
        match reloaded {
            Ok((generation, hooked)) => {
                self.generation = generation;
                self.state = State::Open(hooked);
                Ok(())
            }
            Err(error) => self.end_on(Err(error)),
        }
    }

    /// Ends the stream when `flowed` failed: every later event fails with
    /// the same error.
    fn end_on(&mut self, flowed: Result<(), HookError>) -> Result<(), HookError> {
        if let Err(error) = &flowed {
            let hooked = match std::mem::replace(&mut self.state, State::Open(None)) {
                State::Open(hooked) | State::Ended(_, hooked) => hooked,
            };
            self.state = State::Ended(error.clone(), hooked);
        }
        flowed
    }

    /// Ends the stream: writes one audit line per hook that passed events
    /// unchanged, saying how many. Fails when the audit log cannot take
    /// them. Dropping the stream writes them too, reporting a failure on
    /// standard error.
    pub fn finish(mut self) -> Result<(), HookError> {
        self.report_passes()
    }

    /// Writes the passes counted so far, and counts from none again.
    fn report_passes(&mut self) -> Result<(), HookError> {
        let (State::Open(hooked) | State::Ended(_, hooked)) = &mut self.state;
        let Some(Hooked { chain, passes, .. }) = hooked.as_mut() else { return Ok(()) };
        let mut first_error = None;
        for (hook, passes) in chain.hooks().iter().zip(passes.iter_mut()) {
            if let Err(error) = pipeline::report_passes(hook, self.session, std::mem::take(passes)) {
                first_error.get_or_insert(error);
            }
        }
        first_error.map_or(Ok(()), Err)
    }
}

impl Hooked {
    /// [`EventStream::forward`] when the tenant's chain has hooks.
    #[inline(never)]
    fn forward(&mut self, event: Event, session: &Session, emit: &mut impl FnMut(Event)) -> Result<(), HookError> {
        self.flow(session, event, 0, emit)
    }

    /// Runs `event` through the hooks of the chain from position `from`
    /// on, handing what comes out to `emit`.
    fn flow(
        &mut self,
        session: &Session,
        event: Event,
        from: usize,
        emit: &mut impl FnMut(Event),
    ) -> Result<(), HookError> {
        *self.ctx = StreamEvent::new(event);
        for (position, hook) in self.chain.hooks().iter().enumerate().skip(from) {
            if !self.chain.matches(position, &self.ctx) {
                continue;
            }
            match pipeline::apply(hook, &mut self.ctx, session)? {
                Applied::Passed(duration) => self.passes[position].add(duration),
                Applied::Audited => {}
                Applied::Skipped => break,
                Applied::Replaced { events, skip_rest } => {
                    // The event this context held is replaced: the context
                    // is free for the events that replace it.
                    for event in events {
                        if skip_rest {
                            emit(event);
                        } else {
                            self.flow(session, event, position + 1, emit)?;
                        }
                    }
                    return Ok(());
                }
            }
        }
        emit(std::mem::replace(&mut *self.ctx, StreamEvent::between_events()).into_event());
        Ok(())
    }
}

impl Drop for EventStream<'_> {
    fn drop(&mut self) {
        if let Err(error) = self.report_passes() {
            eprintln!("agenthooks: the stream's passed events could not be audited: {error}");
        }
    }
}

/// The events one incoming event became, gathered in order.
#[derive(Default)]
struct Out {
    first: Option<Event>,
    rest: Vec<Event>,
}

impl Out {
    fn push(&mut self, event: Event) {
        if self.first.is_none() {
            self.first = Some(event);
        } else {
            self.rest.push(event);
        }
    }

    fn into_emitted(self) -> Emitted {
        match self.first {
            Some(first) if !self.rest.is_empty() => {
                let mut events = Vec::with_capacity(1 + self.rest.len());
                events.push(first);
                events.extend(self.rest);
                Emitted(Events::Many(events.into_iter()))
            }
            first => Emitted(Events::One(first)),
        }
    }
}

/// The events one incoming event became, in the order to emit them.
///
/// One event out for one in, the common case, is held as it is: nothing
/// allocated, nothing to free.
#[derive(Debug)]
pub struct Emitted(Events);

#[derive(Debug)]
enum Events {
    One(Option<Event>),
    Many(std::vec::IntoIter<Event>),
}

impl Emitted {
    #[inline]
    fn one(event: Event) -> Self {
        Emitted(Events::One(Some(event)))
    }
}

impl Iterator for Emitted {
    type Item = Event;

    #[inline]
    fn next(&mut self) -> Option<Event> {
        match &mut self.0 {
            Events::One(event) => event.take(),
            Events::Many(events) => events.next(),
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        match &self.0 {
            Events::One(event) => {
                let len = usize::from(event.is_some());
                (len, Some(len))
            }
            Events::Many(events) => events.size_hint(),
        }
    }
}

impl ExactSizeIterator for Emitted {}
