//! Code generation. Each entry point parses, validates and expands; on any
//! error it emits the user's item unchanged beside the errors, so that one
//! mistake gives one message and not a cascade.

mod agent;
mod context;
mod hook;
mod point;

use proc_macro2::TokenStream;
use quote::{quote, ToTokens};
use syn::parse::Parse;
use syn::FnArg;

pub(crate) use agent::agent;
pub(crate) use hook::hook;
pub(crate) use point::free_hookpoint;

use crate::ast::{is_hookpoint, take_attr, take_redact};
use crate::errors::Errors;
use crate::item::RawFn;

/// The user's item followed by the compile errors.
fn with_errors(item: impl ToTokens, errors: &Errors) -> TokenStream {
    quote!(#item #errors)
}

/// The item under the attribute, or, when it is not the kind of item the
/// attribute goes on, the input unchanged beside one error saying `misplaced`.
fn parse_item<T: Parse>(input: TokenStream, misplaced: &str) -> Result<T, TokenStream> {
    syn::parse2(input.clone()).map_err(|error| {
        let mut errors = Errors::default();
        errors.push(syn::Error::new(error.span(), misplaced));
        with_errors(input, &errors)
    })
}

/// Makes `item` compile on its own beside the errors reported about it:
/// takes off the attributes the macros consume (`#[redact]`, a second
/// `#[hookpoint]`), the ABI and `const`, which would only add more errors
/// and warnings about the same mistake.
fn recover(item: &mut RawFn) {
    strip_redact(item);
    item.attrs.retain(|attr| !is_hookpoint(attr));
    item.sig.abi = None;
    item.sig.constness = None;
}

/// Takes every `#[redact]` off `item` and its arguments, and every `#[key]`
/// off its arguments.
fn strip_redact(item: &mut RawFn) {
    take_redact(&mut item.attrs);
    for input in &mut item.sig.inputs {
        let attrs = match input {
            FnArg::Typed(typed) => &mut typed.attrs,
            FnArg::Receiver(receiver) => &mut receiver.attrs,
        };
        take_redact(attrs);
        take_attr(attrs, "key");
    }
}
