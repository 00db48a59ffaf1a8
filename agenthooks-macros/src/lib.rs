//! Procedural macros of `agenthooks`. Use them through the `agenthooks`
//! crate, which re-exports them and holds the code they expand to.
//!
//! Each macro is a pipeline: [`attr`] parses the attribute's arguments, [`ast`]
//! builds a typed view of the item that keeps every token's span, [`valid`]
//! checks what can be checked before type-checking, and [`expand`] generates
//! the code. Errors are accumulated and emitted beside the user's item, so
//! one mistake gives one message.

mod ast;
mod attr;
mod case;
mod errors;
mod expand;
mod valid;

use proc_macro::TokenStream;

/// Declares hook points on the methods of an `impl` block.
///
/// Put `#[hookpoint(Name)]` on methods of the block; see the `agenthooks`
/// crate for what each generates. An attribute on a method cannot add items
/// beside the `impl`, which is why the block carries this attribute.
#[proc_macro_attribute]
pub fn agent(args: TokenStream, input: TokenStream) -> TokenStream {
    expand::agent(&args.into(), input.into()).into()
}

/// Declares a hook point on a free function, or on a method of an `#[agent]`
/// impl block.
///
/// `#[hookpoint(BeforeSearch)]` generates `pub struct BeforeSearch` with one
/// field per argument (the `&Session` argument aside) and its `HookPoint`
/// impl, named `before_search` unless `name = "..."` says otherwise.
#[proc_macro_attribute]
pub fn hookpoint(args: TokenStream, input: TokenStream) -> TokenStream {
    expand::free_hookpoint(args.into(), input.into()).into()
}

/// Registers a function as a hook of a point.
///
/// `#[hook(BeforeSearch, tenant = "acme", order = 10, timeout_ms = 200,
/// fallback = true)]` on an `fn` or `async fn` taking `&mut Ctx<BeforeSearch>`
/// (an interceptor) or `&Ctx<BeforeSearch>` (an observer).
#[proc_macro_attribute]
pub fn hook(args: TokenStream, input: TokenStream) -> TokenStream {
    expand::hook(args.into(), input.into()).into()
}
