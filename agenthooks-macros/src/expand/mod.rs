//! Code generation. Each entry point parses, validates and expands; on any
//! error it emits the user's item unchanged beside the errors, so that one
//! mistake gives one message and not a cascade.

mod agent;
mod hook;
mod point;

use proc_macro2::TokenStream;
use quote::{quote, ToTokens};

pub(crate) use agent::agent;
pub(crate) use hook::hook;
pub(crate) use point::free_hookpoint;

use crate::errors::Errors;

/// The user's item followed by the compile errors.
fn with_errors(item: impl ToTokens, errors: &Errors) -> TokenStream {
    quote!(#item #errors)
}
