//! Code generation. Each entry point parses, validates and expands; on any
//! error it emits the user's item unchanged beside the errors, so that one
//! mistake gives one message and not a cascade.

mod agent;
mod hook;
mod point;

use proc_macro2::TokenStream;
use quote::ToTokens;

pub(crate) use agent::agent;
pub(crate) use hook::hook;
pub(crate) use point::free_hookpoint;

/// The user's item followed by the compile errors.
fn with_errors(item: impl ToTokens, error: &syn::Error) -> TokenStream {
    let mut tokens = item.into_token_stream();
    tokens.extend(error.to_compile_error());
    tokens
}
