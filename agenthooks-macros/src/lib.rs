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
mod valid;

use proc_macro::TokenStream;

/// Declares hook points on the methods of an `impl` block.
///
/// Put `#[hookpoint(Name)]` on methods of the block; each generates what
/// `#[hookpoint]` on a free `fn` does. An attribute on a method cannot add
/// items beside the `impl`, which is why the block carries this attribute.
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
///   log and spans.
/// - The return type is `Result<_, E>` with `E: From<HookError>`: a hook
///   may block the call, which then returns `Err(E::from(error))`.
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
/// runs first, default 100), `timeout_ms` (default 500), `fallback` (whether
/// the call goes on when the hook fails, default `true`).
#[proc_macro_attribute]
pub fn hook(args: TokenStream, input: TokenStream) -> TokenStream {
    expand::hook(args.into(), input.into()).into()
}
