//! Code generation. Each entry point parses, validates and expands; on any
//! error it emits the user's item unchanged beside the errors, so that one
//! mistake gives one message and not a cascade.

mod agent;
mod hook;
mod point;

use proc_macro2::TokenStream;
use quote::{quote, ToTokens};
use syn::parse::Parse;

pub(crate) use agent::agent;
pub(crate) use hook::hook;
pub(crate) use point::free_hookpoint;

use crate::errors::Errors;

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
