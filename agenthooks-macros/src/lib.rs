//! Procedural macros of `agenthooks`. Use them through the `agenthooks`
//! crate, which re-exports them and holds the code they expand to.
//!
//! Each macro is a pipeline: `attr` parses the attribute's arguments, `ast`
//! builds a typed view of the item that keeps every token's span, `valid`
//! checks what can be checked before type-checking, and `expand` generates
//! the code. Every stage adds what it finds wrong to `errors::Errors`
//! instead of stopping at the first mistake; on any error the user's item is
//! emitted unchanged beside the errors, so each mistake gives one message at
//! its own token. Mistakes only the type checker can see are reported through
//! traits of `agenthooks::__private` with `#[diagnostic::on_unimplemented]`,
//! at the token the expansion spans them to.

mod ast;
mod attr;
mod case;
mod errors;
mod expand;
mod item;
mod matcher;
mod patterns;
mod valid;

use proc_macro::TokenStream;

/// Declares hook points on the methods of an `impl` block.
///
/// Put `#[hookpoint(Name)]` on methods of the block; each generates what
/// `#[hookpoint]` on a free `fn` does. An attribute on a method cannot add
/// items beside the `impl`, which is why the block carries this attribute.
///
/// The block may implement a trait (`#[agent] impl Search for MyAgent`):
/// the trait's method becomes the hook point, and its context structs are
/// `pub`, as visible as the trait. A point needs a `&Session` argument; a
/// trait whose method has none (a framework's tool trait) calls, from its
/// method, an inherent `#[hookpoint]` method that takes the session: the
/// call is inlined like any other, so the wrapper costs nothing.
#[proc_macro_attribute]
pub fn agent(args: TokenStream, input: TokenStream) -> TokenStream {
    expand::agent(&args.into(), input.into()).into()
}

/// Declares a hook point on a free function, or on a method of an `#[agent]`
/// impl block.
///
/// `#[hookpoint(BeforeSearch)]` generates `pub struct BeforeSearch` (with the
/// function's visibility) with one field per argument, the `&Session`
/// argument aside, and its `HookPoint` impl, named `before_search` unless
/// `name = "..."` says otherwise. The function runs the point's hooks first
/// and its body then sees the arguments as the hooks left them; when no hook
/// is linked that costs one atomic load.
///
/// - One argument is the caller's session, `session: &Session`.
/// - The others are plain names of owned types (`query: String`, not
///   `query: &str`). Hooks read all of them, so one the body does not read
///   needs no `_` prefix. `#[redact]` on one keeps its value out of the audit
///   log, spans and errors: every text inside it (strings, numbers, map
///   keys, however deep) is scrubbed from every message a hook writes. Its
///   type implements `serde::Serialize` or `agenthooks::Redactable`, or the
///   point does not compile.
/// - The return type is `Result<_, E>` with `E: From<HookError>`: a hook
///   may block the call, which then returns `Err(E::from(error))`.
///
/// `#[key]` on an argument of a text type (`String`, or an `Option` of
/// one) lets hooks match on it: `#[key] tool: String` here, and
/// `#[hook(BeforeTool, tool = "fs_*")]` runs only for calls whose `tool`
/// matches the glob. `#[non_exhaustive]` on the function goes on its
/// context structs: other crates can then neither build them nor
/// destructure them whole, so an argument added later breaks no hook.
///
/// Other keys: `on_failure = "continue"` lets the call go on when a hook
/// fails (default `"deny"`: a guard fails closed), `compose = "run_all"` or
/// `"parallel"` changes how the hooks combine (default `"chain"`).
///
/// # After points
///
/// `after = AfterTool` declares a second point, named `after_tool` unless
/// `after_name = "..."` says otherwise, whose hooks run once the body has
/// returned. Its context struct `AfterTool` has the arguments as the body
/// received them (after the first point's hooks) and a field `result`, the
/// body's whole return value, `Err` included; the caller gets `result` as
/// the after hooks leave it. An after hook that blocks, or fails on a point
/// that fails closed, makes the call return `Err(E::from(error))` although
/// the body ran. `#[redact]`, `on_failure` and `compose` apply to both
/// points; hooks of an `async fn` point's after point may be `async fn`.
///
/// ```ignore
/// #[hookpoint(BeforeTool, after = AfterTool)]
/// pub async fn call_tool(&self, session: &Session, tool: String) -> Result<Output, ToolError> {
///     if tool.is_empty() {
///         return Err(ToolError::NoTool); // an early `return` or `?` still reaches the after hooks
///     }
///     run(&tool).await
/// }
///
/// #[hook(AfterTool, tenant = "acme")]
/// fn mask_emails(ctx: &mut Ctx<AfterTool>) -> Outcome {
///     if let Ok(output) = &mut ctx.result {
///         output.text = mask(&output.text);
///     }
///     Outcome::Continue
/// }
/// ```
///
/// The result must be owned, `Send + Sync` and `Clone` (its error type too):
/// the executor keeps a copy while each after hook runs, so that a failing
/// hook leaves it unchanged. The body runs as a closure (an `async` block
/// for an `async fn`) so that its early returns come back to the after
/// point. When no hook is linked to the after point, nothing is cloned: it
/// costs one more atomic load.
///
/// # Single points and contract versions
///
/// `single` declares a point that admits one hook per tenant, for a
/// decision two hooks would fight over; `version = "major.minor"` declares
/// the version of what the point promises its hooks, which each hook's
/// `contract = "..."` is checked against when the hook compiles. Both
/// apply to the after point too. See `agenthooks::contract` for the rules.
///
/// ```ignore
/// #[hookpoint(ChooseModel, single, version = "1.2")]
/// pub fn choose_model(session: &Session, model: String) -> Result<String, AgentError> {
///     Ok(model)
/// }
/// ```
///
/// A second hook linked for a tenant that has one (a hook without `tenant`
/// counts for every tenant; a hook switched off in the configuration does
/// not count) cannot be a build error, since hook crates compile apart:
/// `agenthooks::verify_linked()` fails at start-up naming both, and a call
/// of that tenant runs neither and is blocked. The version is two whole
/// numbers without leading zeros in quotes; a point without `version`
/// declares none, and hooks naming a `contract` for it fail to compile.
#[proc_macro_attribute]
pub fn hookpoint(args: TokenStream, input: TokenStream) -> TokenStream {
    expand::free_hookpoint(args.into(), input.into()).into()
}

/// Registers a function as a hook of a point.
///
/// `#[hook(BeforeSearch, tenant = "acme", order = 10, timeout_ms = 200,
/// fallback = true)]` on an `fn` or `async fn` (the latter only for a point
/// declared on an `async fn`) taking one argument:
///
/// - `ctx: &mut Ctx<BeforeSearch>`, an interceptor, which may change the
///   arguments and returns `Outcome` or `Result<Outcome, E: Display>`;
/// - `ctx: &Ctx<BeforeSearch>`, an observer, which reads them and may also
///   return `()` or `Result<(), E: Display>`.
///
/// Every key is optional: `tenant` (default: every tenant), `order` (lower
/// runs first, default 100), `timeout_ms` (default 500), `fallback`, `mode`.
/// `fallback = false` makes the hook's failure fail the call on a point
/// that lets failures through (`on_failure = "continue"`); its default,
/// `true`, matters only there, since a point fails closed by default and
/// `fallback = true` on such a point does not compile.
///
/// Any other key names a `#[key]` argument of the point, with a glob in
/// quotes: `tool = "fs_*"` runs the hook only for calls whose `tool`
/// matches (`*` any text, `?` one character, `[a-z]` a class, `{a,b}`
/// either; no glob character matches the value exactly). A key the point
/// does not mark `#[key]` fails to compile, naming the point's keys, and
/// so does a malformed pattern.
///
/// # Contract versions
///
/// `contract = "2.0"` says which version of its point's contract the hook
/// is written for. It compiles against a point declared with the same
/// major version and the same or a later minor (`version = "2.0"`, `"2.1"`,
/// `"2.9"`), and fails to compile, at the `contract`, naming both versions,
/// against any other (`"1.9"`, `"3.0"`), or against a point that declares
/// no version. A hook without `contract` accepts any version of its point.
///
/// ```ignore
/// // The agent's point: #[hookpoint(BeforeTool, version = "2.1")]
/// #[hook(BeforeTool, tenant = "acme", contract = "2.0")]
/// fn audit_tools(ctx: &Ctx<BeforeTool>) {}
/// ```
///
/// A point declared `single` takes one hook per tenant: a second one for a
/// tenant fails `agenthooks::verify_linked()` at start-up, naming both.
#[proc_macro_attribute]
pub fn hook(args: TokenStream, input: TokenStream) -> TokenStream {
    expand::hook(args.into(), input.into()).into()
}
